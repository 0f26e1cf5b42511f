"""Output file names from a pattern: safe on every file system and always inside the output folder.

The pattern is Python format syntax restricted to plain field names: ``{row:05d}-{applicant.name}``.
A field is looked up *as a whole* in a plain dict of the row's values (so ``applicant.name`` is a column,
never an attribute access; values of the base record count too) or is ``row``; conversions (``!r``) and
nested fields are refused. ``str.format`` never sees the pattern, so neither it nor any spreadsheet text
reaches Python objects; a format spec (``:05d``) is applied with ``format(value, spec)``. The text then has path
separators, control characters and characters Windows forbids replaced, leading dots and trailing dots
and spaces removed, device names (CON, NUL, COM1…) prefixed, its length capped in UTF-8 bytes, and
duplicates (compared case-insensitively) numbered ``-2``, ``-3``…
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from docgen.errors import UsageError

MAX_STEM_BYTES = 150  # ext4 and most others allow 255 bytes per name; leave room for "-12345.docx"
RESERVED_STEMS = {"manifest", "errors", "merged"}
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_DEVICES = re.compile(r"(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class NamePattern:
    """A checked name pattern; ``format(values)`` gives the raw (not yet safe) text."""

    text: str
    parts: tuple[tuple[str, str | None, str], ...]  # (literal, field, spec)

    @classmethod
    def parse(cls, text: str) -> NamePattern:
        """Check ``text``; raise `UsageError` naming what is not allowed."""
        parts = []
        try:
            parsed = list(string.Formatter().parse(text))
        except ValueError as exc:
            raise UsageError(f"文件名模式「{text}」格式不对：{exc}") from None
        for literal, name, spec, conversion in parsed:
            if name is not None:
                _check_field(text, name, spec or "", conversion)
            parts.append((literal, name, spec or ""))
        if not any(name for _, name, _ in parts):
            raise UsageError(f"文件名模式「{text}」至少要含一个字段，如 {{row}}，否则各行文件名相同")
        return cls(text, tuple(parts))

    def format(self, values: Mapping[str, Any]) -> str:
        """The pattern filled with ``values``; a missing field is empty, a spec that does not fit is ignored."""
        out = []
        for literal, name, spec in self.parts:
            out.append(literal)
            if name is not None:
                out.append(_format_value(values.get(name), spec))
        return "".join(out)


def _check_field(pattern: str, name: str, spec: str, conversion: str | None) -> None:
    # Fields are looked up as whole strings in a dict, never through str.format, so any name is inert.
    if not name.strip() or conversion is not None or "{" in spec:
        raise UsageError(f"文件名模式「{pattern}」中的字段「{{{name}}}」不允许：只能写列名或 row，"
                         "可带格式如 {row:05d}，不能用 !r 或嵌套字段")
    # format() would build the whole padded text first: {x:>999999999} is a gigabyte before it is cut.
    if any(int(number) > MAX_STEM_BYTES for number in re.findall(r"\d+", spec)):
        raise UsageError(f"文件名模式「{pattern}」中的格式「{spec}」宽度过大：最多 {MAX_STEM_BYTES}")


def _format_value(value: Any, spec: str) -> str:
    if value is None:
        return ""
    try:
        return format(value, spec)
    except (ValueError, TypeError):
        return str(value)


def safe_stem(text: str, *, fallback: str) -> str:
    """``text`` made into a file name stem that is valid everywhere; ``fallback`` when nothing is left."""
    text = unicodedata.normalize("NFC", text)
    text = _FORBIDDEN.sub("_", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    text = text.replace("..", "_")
    text = _truncate(text, MAX_STEM_BYTES).rstrip(" .")
    if not text:
        text = fallback
    if _DEVICES.fullmatch(text) or text.lower() in RESERVED_STEMS:
        text = f"_{text}"
    return text


def _truncate(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")


@dataclass
class Namer:
    """Gives each row a unique safe stem within one output folder (duplicates compared case-insensitively)."""

    pattern: NamePattern
    out_dir: Path
    _used: set[str] = field(default_factory=set)

    def stem(self, row: int, values: Mapping[str, Any]) -> str:
        """The unique stem for one row; rows must be named in the same order on every run (resume relies on it)."""
        base = safe_stem(self.pattern.format({**values, "row": row}), fallback=f"{row:05d}")
        stem, n = base, 1
        while stem.casefold() in self._used:
            n += 1
            suffix = f"-{n}"
            stem = _truncate(base, MAX_STEM_BYTES - len(suffix)).rstrip(" .") + suffix
        self._used.add(stem.casefold())
        self._assert_inside(stem)
        return stem

    def _assert_inside(self, stem: str) -> None:
        root = self._root
        if (root / f"{stem}.docx").resolve().parent != root:  # defence in depth; safe_stem already ensures it
            raise UsageError(f"文件名「{stem}」会写到输出目录之外")

    @cached_property
    def _root(self) -> Path:
        return self.out_dir.resolve()  # once, not per row: resolving walks every folder of the path
