"""The PDF stage: typeset rendered docx with our engine, and check glyph coverage of the record first."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from docgen.errors import FontError
from docgen.findings import Finding, Severity
from docgen.pdf import FontMap, FontNotFoundError, TypesetResult, typeset
from docgen.pdf.coverage import Coverage
from docgen.schemas import escape, label_for


@cache
def font_map(user_dir: Path | None = None) -> FontMap:
    """The shipped font map, searching ``user_dir`` first; built once per folder and process."""
    return FontMap.default(user_dir)


@cache
def _coverage(user_dir: Path | None) -> Coverage:
    return Coverage(font_map(user_dir))


def to_pdf(docx: bytes, *, metadata: Mapping[str, str], fonts: Path | None = None) -> TypesetResult:
    """Typeset one rendered docx."""
    try:
        return typeset(docx, fonts=font_map(fonts), metadata=dict(metadata))
    except FontNotFoundError as exc:
        raise FontError(str(exc)) from None


def glyph_findings(record: Mapping[str, Any], sections: set[str], *, fonts: Path | None = None) -> list[Finding]:
    """A warning for every text field with a character no available font can draw (it would print as a box)."""
    coverage = _coverage(fonts)
    findings = []
    for pointer, text in _strings(record, sections):
        missing = coverage.missing(text)
        if missing:
            shown = "、".join(f"「{c}」（U+{ord(c):04X}）" for c in missing)
            message = (f"字符{shown}在可用字体中都没有字形，PDF 中无法显示；"
                       "请改用常用字，或用 --fonts 指定含该字的字体目录")
            findings.append(Finding("pdf.missing_glyph", pointer, label_for(pointer), message, Severity.WARNING))
    return findings


def _strings(node: Any, sections: set[str], pointer: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield pointer, node
    elif isinstance(node, Mapping):
        for key, value in node.items():
            if pointer or key in sections:
                yield from _strings(value, sections, f"{pointer}/{escape(key)}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, sections, f"{pointer}/{i}")
