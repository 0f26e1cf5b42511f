"""The columns a batch of a kind reads, and how a sheet's own headers map onto them.

A column is a dotted path into the record (``recipient.name``). A header may be that path, the field's
Chinese title from the schema (``联系人``), or anything the user maps with ``--map 单位名称=recipient.name``.
Only scalar fields outside lists have titles that map (a list item's field needs its dotted path with an index).
"""

from __future__ import annotations

import difflib
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from docgen.errors import InputError, UsageError
from docgen.schemas import get_kind, join_pointer, schema_at

DECLARED = "自定义栏目：在基础记录中声明（通知为 notice.recipient_fields），批量时由各行填写"


@dataclass(frozen=True, slots=True)
class Column:
    """A field a batch row can give: its dotted path, Chinese title and whether the document needs it."""

    path: str
    title: str
    required: bool
    description: str = ""


def row_section(kind: str) -> str | None:
    """The section each row of a batch gives whole (``recipient`` for notices), from the schema's ``x-docgen``."""
    value = get_kind(kind).schema.get("x-docgen", {}).get("rows")
    return str(value) if value else None


def declared_fields(kind: str, base: Mapping[str, Any]) -> list[Column]:
    """The extra row fields the base record declares (a notice's ``recipient_fields``), as optional columns."""
    spec = get_kind(kind).schema.get("x-docgen", {})
    own, where = spec.get("rows"), spec.get("row_fields")
    if not own or not where:
        return []
    node: Any = base
    for token in str(where).split("."):
        node = node.get(token) if isinstance(node, Mapping) else None
    return [Column(f"{own}.{item['name']}", item["title"], False, DECLARED)
            for item in (node if isinstance(node, list) else [])
            if isinstance(item, Mapping) and isinstance(item.get("name"), str) and isinstance(item.get("title"), str)]


def declared_columns(kind: str, base: Mapping[str, Any]) -> dict[str, str]:
    """Header → path for the extra row fields the base record declares (a notice's ``recipient_fields``).

    Each declared field maps by its title and by its dotted path (``地址`` and ``recipient.address``).
    """
    mapping: dict[str, str] = {}
    for column in declared_fields(kind, base):
        mapping[column.title] = mapping[column.path] = column.path
    return mapping


@cache
def batch_columns(kind: str) -> tuple[Column, ...]:
    """Every scalar field of ``kind`` outside lists, in schema order (the kind's row section first)."""
    spec = get_kind(kind)
    sections = [name for name in spec.schema.get("properties", {}) if name != "policy"] or list(spec.sections)
    own = row_section(kind)
    if own in sections:
        sections.remove(own)
        sections.insert(0, own)
    required = set(spec.sections) | ({own} if own else set())
    found: list[Column] = []
    for section in sections:
        found += _leaves([section], section in required)
    return tuple(found)


def _leaves(tokens: list[str], required: bool) -> Iterator[Column]:
    node = schema_at(join_pointer(tokens))
    if node is None or node.get("type") == "array":
        return
    if node.get("type") == "object":
        needed = set(node.get("required", ()))
        for name in node.get("properties", {}):
            yield from _leaves([*tokens, name], required and name in needed)
        return
    yield Column(".".join(tokens), str(node.get("title", tokens[-1])), required, str(node.get("description", "")))


def value_at(record: Any, tokens: Iterable[str]) -> Any:
    """The value at a path of keys and list indexes, None when there is none."""
    node = record
    for token in tokens:
        if isinstance(node, Mapping):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def normal(header: str) -> str:
    """A header as compared: NFKC (full-width letters and brackets), no spaces, no required marks (*)."""
    text = unicodedata.normalize("NFKC", header)
    return "".join(text.split()).strip("*＊")


@cache
def _titles(kind: str) -> dict[str, tuple[str, ...]]:
    """Normalised title → the paths with that title (more than one when the title is ambiguous)."""
    index: dict[str, list[str]] = {}
    for column in batch_columns(kind):
        index.setdefault(normal(column.title), []).append(column.path)
    return {title: tuple(paths) for title, paths in index.items()}


@dataclass(frozen=True, slots=True)
class Header:
    """A sheet's header row mapped: per sheet column, the header as written and its path (None: ignored)."""

    written: tuple[str, ...]
    paths: tuple[str | None, ...]
    unknown: tuple[str, ...]  # the headers (as written) that map to nothing
    ambiguous: tuple[str, ...]  # messages, one per title that names several fields

    def written_for(self, path: str) -> str:
        """The header the user wrote for ``path`` (the path itself when no column gives it)."""
        for written, mapped in zip(self.written, self.paths, strict=True):
            if mapped == path:
                return written
        return path

    @property
    def mapped(self) -> set[str]:
        """The paths the sheet gives."""
        return {p for p in self.paths if p}


def map_header(written: Iterable[str], kind: str | None, mapping: Mapping[str, str] | None = None) -> Header:
    """Map each header to a path: ``mapping`` first, then a dotted path, then the schema's Chinese title."""
    mapping = {normal(k): v for k, v in (mapping or {}).items()}
    titles = _titles(kind) if kind else {}
    known = {c.path for c in batch_columns(kind)} if kind else set()
    written = tuple(written)
    paths: list[str | None] = []
    unknown: list[str] = []
    ambiguous: list[str] = []
    for header in written:
        key = normal(header)
        if not key:
            paths.append(None)
        elif key in mapping:
            paths.append(mapping[key])
        elif kind is None or key in known or ("." in key and schema_at(join_pointer(key.split("."))) is not None):
            paths.append(key)
        elif len(titles.get(key, ())) == 1:
            paths.append(titles[key][0])
        elif key in titles:
            paths.append(None)
            ambiguous.append(f"列名「{header}」对应多个字段（{'、'.join(titles[key])}）；"
                             f"请用 --map {header}=字段路径 指明")
        else:
            paths.append(None)
            unknown.append(header)
    return Header(written, tuple(paths), tuple(unknown), tuple(ambiguous))


def suggest(key: str, kind: str | None) -> str:
    """A hint for a header that maps to nothing: the closest titles or paths, or how to map it."""
    if kind is None:
        return ""
    choices = {normal(c.title): c.path for c in batch_columns(kind)} | {c.path: c.path for c in batch_columns(kind)}
    close = difflib.get_close_matches(key, list(choices), n=2, cutoff=0.6)
    if close:
        return "（是否想写" + "、".join(f"「{c}」" for c in close) + f"？或用 --map {key}=字段路径）"
    return f"（如需读取，用 --map {key}=字段路径；可用的列见 docgen columns {kind}）"


def parse_mappings(values: Iterable[str]) -> dict[str, str]:
    """``--map`` values: ``单位名称=recipient.name`` pairs, or a file (TOML table, or a two-column sheet/CSV)."""
    mapping: dict[str, str] = {}
    for value in values:
        if "=" in value:
            header, _, path = value.partition("=")
            if not header.strip() or not path.strip():
                raise UsageError(f"--map「{value}」应写成 列名=字段路径，如 单位名称=recipient.name")
            mapping[header.strip()] = path.strip()
        else:
            mapping.update(_mapping_file(Path(value)))
    return mapping


def _mapping_file(path: Path) -> dict[str, str]:
    if not path.is_file():
        raise UsageError(f"--map「{path}」既不是 列名=字段路径，也不是存在的文件")
    if path.suffix.lower() == ".toml":
        try:
            data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"{path} 不是有效的 TOML：{exc}") from None
        table = data.get("columns", data)
        return {str(k): str(v) for k, v in table.items() if isinstance(v, str)}
    from docgen.batch.rows import raw_table  # a two-column sheet: header, path (a first row of titles is skipped)

    pairs = {}
    for values in raw_table(path):
        cells = [str(v).strip() for v in values[:2] if v is not None]
        if len(cells) == 2 and "." in cells[1]:
            pairs[cells[0]] = cells[1]
    if not pairs:
        raise InputError(f"{path} 中没有找到「列名, 字段路径」两列（如 单位名称, recipient.name）")
    return pairs
