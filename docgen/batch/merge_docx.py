"""merged.docx: every row's Word file in order, one section per row, page numbers restarting per row.

All rows come from one template, so their packages share styles, numbering, settings, headers, footers
and relationship ids. The first row's package is the skeleton: its parts are copied as they are, except
the main document part, which is streamed into the zip: the skeleton's head, each row's body made into a
section of its own (`docgen.batch.docx_body`), then the end tags. One row is parsed at a time, so memory
stays flat in the number of rows (what grows is a few bytes per relationship a row adds).

A relationship a row uses that the skeleton lacks with the same target and bytes (an image or a footer
that differs per row, a hyperlink) is added, its part copied under a new name. Anything else a row does
not share with the skeleton — footnotes, comments, a part that differs without being referenced from the
body, a copied part with relationships of its own — raises `Unmergeable` with the reason in Chinese:
the caller skips merged.docx and warns rather than write a file Word would repair or show wrongly.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote

from lxml import etree

from docgen.batch.docx_body import (
    W_BODY,
    CrossPartReference,
    IdCounter,
    drop_paragraph_ids,
    end_section,
    inner_xml,
    qualified_name,
    relationship_references,
)
from docgen.batch.parts import group_by_size, limit_from_env, part_paths, part_title, remove_parts
from docgen.errors import OutputError
from docgen.output import atomic_file, os_reason

MERGED_DOCX = "merged.docx"
# LibreOffice took 64 s to lay out 200 notices (2.5 MB of document.xml) and python-docx needs ~15x the XML in memory
# (benchmarks/merge_limits.py); libxml2 refuses text nodes over 10 MB without XML_PARSE_HUGE, and Word's documented
# limit is 32 MB of text. 10 MB of XML (about 800 notices) opens in seconds everywhere.
PART_LIMIT_MB = 10.0
PART_LIMIT_ENV = "DOCGEN_MERGE_PART_MB"
CONTENT_TYPES = "[Content_Types].xml"
CORE = "docProps/core.xml"
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_ENTRY_LIMIT = zipfile.ZIP64_LIMIT  # 2 GiB: the largest entry zipfile writes without Zip64
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_MAIN = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
_KEYWORDS = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}keywords"
_W_ID = re.compile(rb'\sw:id="(\d+)"')
_DRAWING_ID = re.compile(rb'docPr\b[^>]*?\sid="(\d+)"')
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)

T = TypeVar("T")


class Unmergeable(Exception):
    """The rows cannot be merged into one faithful Word file; the message says why, in Chinese."""


def merge_docx(out_dir: Path, rows: Iterable[Path], *, title: str, part_limit: int | None = None,
               page_count: Callable[[Path], int] | None = None) -> list[Path]:
    """Write ``merged.docx`` in ``out_dir`` from the rows' docx files, in order; return the files written.

    For two-sided printing, ``page_count`` tells how many pages a row has: a blank unnumbered page follows each
    row with an odd count (but the last), so every row starts on the front of a sheet, as in ``merged.pdf``.

    When the rows' main document parts add up to more than ``part_limit`` bytes (default `merge_part_limit`), the
    merge is split between rows into ``merged-001.docx``, ``merged-002.docx``, … (see `docgen.batch.parts`).

    Raises:
        Unmergeable: a row cannot be carried over faithfully (merged files of earlier runs are removed).
        OutputError: a merged file cannot be written.
        UsageError: ``$DOCGEN_MERGE_PART_MB`` is not a size.
    """
    target = out_dir / MERGED_DOCX
    limit = part_limit if part_limit is not None else merge_part_limit()
    remove_parts(target)
    groups = group_by_size(rows, limit, _main_size)
    if not groups:
        raise Unmergeable("没有生成成功的 Word 文件")
    paths = part_paths(target, len(groups))
    written: list[Path] = []
    try:
        for number, (path, group) in enumerate(zip(paths, groups, strict=True), start=1):
            _write(path, iter(group), part_title(title, number, len(groups)), page_count)
            written.append(path)
    except (Unmergeable, OSError) as exc:
        for path in written:  # no part of an incomplete merge stays
            path.unlink(missing_ok=True)
        if isinstance(exc, Unmergeable):
            raise
        raise OutputError(f"无法写入 {paths[len(written)]}：{os_reason(exc)}") from None
    return written


def merge_part_limit() -> int:
    """Bytes of main document XML per merged docx: ``$DOCGEN_MERGE_PART_MB`` megabytes, default `PART_LIMIT_MB`."""
    return limit_from_env(PART_LIMIT_ENV, PART_LIMIT_MB)


def _main_size(path: Path) -> int:
    """Uncompressed size of a row's main document part, read from the zip directory (nothing is inflated)."""
    with _Package.open(path) as row:
        return row.members[row.main].file_size


def _write(target: Path, rows: Iterator[Path], title: str, page_count: Callable[[Path], int] | None) -> None:
    first = next(rows, None)
    if first is None:
        raise Unmergeable("没有生成成功的 Word 文件")
    with _Package.open(first) as skeleton, _Spool() as spool, atomic_file(target) as fh, \
            zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as out:
        merger = _Merger(skeleton, spool, page_count)
        merger.copy_shared_parts(out, title)
        with out.open(_entry(skeleton.main), "w") as stream:
            for piece in _capped(merger.document(chain([first], rows))):
                stream.write(piece)
        merger.write_added_parts(out)


def _capped(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """``pieces``, refused once they add up to more than a zip entry without Zip64 holds.

    Zip64 would lift the limit, but Office is known to reject Zip64 packages it does not need, and a
    document of 2 GiB of XML is far beyond what Word opens anyway.
    """
    size = 0
    for piece in pieces:
        size += len(piece)
        if size > _ENTRY_LIMIT:
            raise Unmergeable("合并后的正文超过 2 GiB，Word 无法打开，请分批合并")
        yield piece


@dataclass(frozen=True, slots=True)
class _Relationship:
    type: str
    target: str
    external: bool
    part: str  # the part name inside the package ("" when external)


class _Package:
    """One row's docx, open for reading; every failure to read it is `Unmergeable`."""

    def __init__(self, path: Path, archive: zipfile.ZipFile, main: str | None):
        self.name = path.name
        self.archive = archive
        self.members = {info.filename: info for info in archive.infolist()}
        self.main = main or self._main_part()
        if self.main not in self.members:
            raise Unmergeable(f"{self.name} 中缺少 {self.main}（各行应由同一模板生成）")
        self.main_relationships = self.relationships(self.main)
        self._content_types: etree._Element | None = None

    @classmethod
    @contextmanager
    def open(cls, path: Path, *, main: str | None = None) -> Iterator[_Package]:
        """Open ``path``; ``main`` names its main document part when known (every row has the skeleton's)."""
        try:
            archive = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile) as exc:
            raise Unmergeable(f"无法读取 {path.name}：{exc}") from None
        with archive:
            yield cls(path, archive, main)

    def _main_part(self) -> str:
        main = next((r for r in self.relationships("").values() if r.type == _MAIN), None)
        if main is None:
            raise Unmergeable(f"{self.name} 不是 Word 文件（没有主文档部件）")
        return main.part

    def read(self, name: str) -> bytes:
        try:
            return self.archive.read(name)
        except KeyError:
            raise Unmergeable(f"{self.name} 中缺少 {name}") from None
        except (OSError, zipfile.BadZipFile, zlib.error) as exc:
            raise Unmergeable(f"无法读取 {self.name} 中的 {name}：{exc}") from None

    def xml(self, name: str) -> etree._Element:
        return self.parse(self.read(name), name)

    def parse(self, data: bytes, name: str) -> etree._Element:
        try:
            return etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as exc:
            raise Unmergeable(f"{self.name} 中的 {name} 不是有效的 XML：{exc}") from None

    def relationships(self, source: str) -> dict[str, _Relationship]:
        """The relationships of part ``source`` ("" for the package) by id; none when it has no .rels."""
        name = rels_name(source)
        if name not in self.members:
            return {}
        found = {}
        for rel in self.xml(name).iterfind(f"{{{_PKG_RELS}}}Relationship"):
            target, external = rel.get("Target", ""), rel.get("TargetMode") == "External"
            part = "" if external else _resolve(source, target)
            found[rel.get("Id", "")] = _Relationship(rel.get("Type", ""), target, external, part)
        return found

    def content_type(self, part: str) -> str:
        if self._content_types is None:
            self._content_types = self.xml(CONTENT_TYPES)
        for override in self._content_types.iterfind(f"{{{_CT}}}Override"):
            if override.get("PartName", "").lstrip("/") == part:
                return override.get("ContentType", "")
        extension = posixpath.splitext(part)[1].lstrip(".").lower()
        for default in self._content_types.iterfind(f"{{{_CT}}}Default"):
            if default.get("Extension", "").lower() == extension:
                return default.get("ContentType", "")
        raise Unmergeable(f"{self.name} 的 {CONTENT_TYPES} 没有 {part} 的类型")


def rels_name(source: str) -> str:
    """The relationships part of ``source``: ``word/document.xml`` → ``word/_rels/document.xml.rels``."""
    folder, base = posixpath.split(source)
    return posixpath.join(folder, "_rels", f"{base}.rels")


def _resolve(source: str, target: str) -> str:
    target = unquote(target)
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


class _Merger:
    """The state carried from row to row: fresh ids, relationships and parts the rows added."""

    def __init__(self, skeleton: _Package, spool: _Spool, page_count: Callable[[Path], int] | None):
        self.skeleton, self.spool, self.page_count = skeleton, spool, page_count
        raw = skeleton.read(skeleton.main)
        root = etree.fromstring(raw, _PARSER)
        self.declared = dict(root.nsmap)
        self.head, self.tail = _head_and_tail(raw, root, skeleton.name)
        self.ids = IdCounter(**_first_free_ids(skeleton))
        self.relationships = _Relationships(skeleton, spool)

    def copy_shared_parts(self, out: zipfile.ZipFile, title: str) -> None:
        """Copy the skeleton's parts but the main document, its relationships and the content types (later)."""
        later = {self.skeleton.main, rels_name(self.skeleton.main), CONTENT_TYPES}
        for name in self.skeleton.members:
            if name not in later:
                data = self.skeleton.read(name)
                out.writestr(_entry(name), _core_properties(data, title) if name == CORE else data)

    def document(self, rows: Iterable[Path]) -> Iterator[bytes]:
        """The merged main document part, piece by piece: head, one body per row, tail."""
        yield self.head
        for index, (path, last) in enumerate(_with_last(rows), start=1):
            yield self.body(path, index=index, last=last)
        yield self.tail

    def body(self, path: Path, *, index: int, last: bool) -> bytes:
        """Row ``index`` (from 1) as XML to put inside the merged ``w:body``."""
        with _Package.open(path, main=self.skeleton.main) as row:
            raw = row.read(row.main)
            root = row.parse(raw, row.main)
            body = root.find(W_BODY)
            if body is None:
                raise Unmergeable(f"{row.name} 没有正文")
            used = self.relationships.rewrite(body, row)
            _check_shared_parts(row, self.skeleton, used)
        try:
            self.ids.renumber(body, bookmark_suffix=f"_{index}" if index > 1 else "")
        except CrossPartReference as exc:
            raise Unmergeable(f"{row.name} 含有{exc.args[0]}，暂不支持合并") from None
        if b"paraId" in raw or b"textId" in raw:  # skip a tree walk for the rows (all, usually) without them
            drop_paragraph_ids(body)
        blank = not last and self.page_count is not None and self.page_count(path) % 2 == 1
        end_section(body, last=last, blank_after=blank)
        return inner_xml(root, body, self.declared)

    def write_added_parts(self, out: zipfile.ZipFile) -> None:
        """The parts rows added, the main document's relationships and the content types."""
        for name, path in self.spool.files():
            with path.open("rb") as src, out.open(_entry(name), "w") as dst:
                shutil.copyfileobj(src, dst)
        relationships = rels_name(self.skeleton.main)
        out.writestr(_entry(relationships), self.relationships.xml(self.skeleton.read(relationships)))
        out.writestr(_entry(CONTENT_TYPES), self.relationships.content_types(self.skeleton.read(CONTENT_TYPES)))


def _head_and_tail(raw: bytes, root: etree._Element, name: str) -> tuple[bytes, bytes]:
    """The main part up to and including ``<w:body>``, and from ``</w:body>`` to the end."""
    body = root.find(W_BODY)
    tag = qualified_name(body).encode() if body is not None else b"w:body"
    start = re.search(rb"<" + re.escape(tag) + rb"[\s>]", raw)
    end = raw.rfind(b"</" + tag + b">")
    if start is None or end < 0:
        raise Unmergeable(f"{name} 的正文为空或编码不是 UTF-8")
    return raw[: raw.index(b">", start.start()) + 1], raw[end:]


def _first_free_ids(skeleton: _Package) -> dict[str, int]:
    """Ids above those the shared parts (headers, footers) use: ``w:id`` and drawing ids are document-wide."""
    w_ids, drawing_ids = [0], [0]
    for name in skeleton.members:
        if name.endswith(".xml") and name != skeleton.main:
            data = skeleton.read(name)
            w_ids += (int(m) for m in _W_ID.findall(data))
            drawing_ids += (int(m) for m in _DRAWING_ID.findall(data))
    return {"first_w_id": max(w_ids) + 1, "first_drawing_id": max(drawing_ids) + 1}


def _check_shared_parts(row: _Package, skeleton: _Package, used: set[str]) -> None:
    """Every part the body does not reference must be the skeleton's (same CRC and size)."""
    own = {row.main, rels_name(row.main), CORE} | used
    for name in (row.members.keys() | skeleton.members.keys()) - own:
        mine, theirs = row.members.get(name), skeleton.members.get(name)
        if mine is None or theirs is None or (mine.CRC, mine.file_size) != (theirs.CRC, theirs.file_size):
            raise Unmergeable(f"{row.name} 的 {name} 与 {skeleton.name} 的不同（各行应由同一模板生成）")


def _core_properties(data: bytes, title: str) -> bytes:
    """The first row's core properties with the merged title and without that row's input hash."""
    root = etree.fromstring(data, _PARSER)
    for element in root.iter(_DC_TITLE):
        element.text = title
    for element in root.iter(_KEYWORDS):
        element.text = re.sub(r";?\s*sha256:[0-9a-f]+", "", element.text or "")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


class _Relationships:
    """The main document's relationships: the skeleton's, plus those rows need that it lacks."""

    def __init__(self, skeleton: _Package, spool: _Spool):
        self.skeleton, self.spool = skeleton, spool
        self.by_key: dict[tuple[str, ...], str] = {}
        for rid, rel in skeleton.main_relationships.items():
            if rel.external or rel.part in skeleton.members:
                self.by_key.setdefault(self._key(skeleton, rel), rid)
        self.taken = set(skeleton.main_relationships)
        self.names = set(skeleton.members)
        self.added: list[tuple[str, _Relationship]] = []
        self.added_types: list[tuple[str, str]] = []

    def rewrite(self, body: etree._Element, row: _Package) -> set[str]:
        """Point the row's relationship references at the merged ones; return the parts they reach in ``row``."""
        merged: dict[str, str] = {}
        parts: set[str] = set()
        for value in relationship_references(body):
            rid = str(value)
            if rid not in merged:
                rel = row.main_relationships.get(rid)
                if rel is None:
                    raise Unmergeable(f"{row.name} 引用了不存在的关系 {rid}")
                merged[rid] = self._merged_id(row, rel)
                parts.add(rel.part)
            if merged[rid] != rid:
                value.getparent().set(value.attrname, merged[rid])
        return parts - {""}

    def _key(self, package: _Package, rel: _Relationship) -> tuple[str, ...]:
        if rel.external:
            return (rel.type, "External", rel.target)
        return (rel.type, hashlib.sha256(package.read(rel.part)).hexdigest())

    def _merged_id(self, row: _Package, rel: _Relationship) -> str:
        key = self._key(row, rel)
        if key not in self.by_key:
            self.by_key[key] = self._add(row, rel)
        return self.by_key[key]

    def _add(self, row: _Package, rel: _Relationship) -> str:
        rid = self._free(lambda n: f"rIdMerged{n}", self.taken)
        if not rel.external:
            rel = self._copy_part(row, rel)
        self.added.append((rid, rel))
        return rid

    def _copy_part(self, row: _Package, rel: _Relationship) -> _Relationship:
        """Copy a part that differs per row (an image, a footer with the row's data) under a new name."""
        if rels_name(rel.part) in row.members:
            raise Unmergeable(f"{row.name} 中的 {rel.part} 各行不同且带有自己的关系（如图片），暂不支持合并")
        data = row.read(rel.part)
        if rel.part.endswith(".xml") and (_W_ID.search(data) or _DRAWING_ID.search(data)):
            raise Unmergeable(f"{row.name} 中的 {rel.part} 各行不同且含有书签或图形，暂不支持合并")
        stem, extension = posixpath.splitext(rel.part)
        name = self._free(lambda n: f"{stem}-merged{n}{extension}", self.names)
        self.spool.add(name, data)
        self.added_types.append((name, row.content_type(rel.part)))
        target = posixpath.relpath(name, posixpath.dirname(self.skeleton.main))
        return _Relationship(rel.type, target, False, name)

    @staticmethod
    def _free(pattern: Callable[[int], str], taken: set[str]) -> str:
        number = len(taken)
        while pattern(number) in taken:
            number += 1
        taken.add(pattern(number))
        return pattern(number)

    def xml(self, original: bytes) -> bytes:
        """The main document's .rels: ``original`` plus the added relationships."""
        if not self.added:
            return original
        root = etree.fromstring(original, _PARSER)
        for rid, rel in self.added:
            element = etree.SubElement(root, f"{{{_PKG_RELS}}}Relationship", Id=rid, Type=rel.type, Target=rel.target)
            if rel.external:
                element.set("TargetMode", "External")
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def content_types(self, original: bytes) -> bytes:
        """``[Content_Types].xml``: ``original`` plus an override for every copied part."""
        if not self.added_types:
            return original
        root = etree.fromstring(original, _PARSER)
        for name, content_type in self.added_types:
            etree.SubElement(root, f"{{{_CT}}}Override", PartName=f"/{name}", ContentType=content_type)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


class _Spool:
    """Parts rows added, kept in temporary files until the main document's zip entry is closed."""

    def __init__(self) -> None:
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._files: list[tuple[str, Path]] = []

    def __enter__(self) -> _Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._folder is not None:
            self._folder.cleanup()

    def add(self, name: str, data: bytes) -> None:
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="docgen-merge-")
        path = Path(self._folder.name) / str(len(self._files))
        path.write_bytes(data)
        self._files.append((name, path))

    def files(self) -> list[tuple[str, Path]]:
        return list(self._files)


def _entry(name: str) -> zipfile.ZipInfo:
    """A zip entry as `docgen.render_docx` writes them: fixed time, deflated, mode 0644."""
    info = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _with_last(items: Iterable[T]) -> Iterator[tuple[T, bool]]:
    """Each item with whether it is the last one (looking one item ahead)."""
    iterator = iter(items)
    try:
        current = next(iterator)
    except StopIteration:
        return
    for following in iterator:
        yield current, False
        current = following
    yield current, True
