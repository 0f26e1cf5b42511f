"""The PDF stage: typeset rendered docx (our engine, or LibreOffice), and check glyph coverage of the record first.

Missing-glyph findings are computed against our font map for either engine. LibreOffice draws with the installed
fonts through fontconfig and the map's faces are mostly installed fonts too, so for LibreOffice the warning is a
good guess rather than a promise (and a ``--fonts`` folder, which LibreOffice does not see, may hide a gap).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from docgen import libreoffice
from docgen.errors import FontError, UsageError
from docgen.findings import Finding, Severity
from docgen.pdf import FontMap, FontNotFoundError, LaidOut, TypesetResult, Typesetter, typeset
from docgen.pdf.coverage import Coverage
from docgen.pdf.fonts import has_font_files
from docgen.schemas import escape, label_for

ENGINES = ("docgen", "libreoffice")
DEFAULT_ENGINE = "docgen"


@cache
def font_map(user_dir: Path | None = None) -> FontMap:
    """The shipped font map, searching ``user_dir`` first; built once per folder and process."""
    return FontMap.default(user_dir)


@cache
def _coverage(user_dir: Path | None) -> Coverage:
    return Coverage(font_map(user_dir))


def check_engine(engine: str, *, needed: bool = True) -> str:
    """``engine`` if it names a PDF engine (and, when ``needed``, one that can run here); a `UsageError` if not."""
    if engine not in ENGINES:
        raise UsageError(f"不支持的 PDF 引擎：{engine or '（空）'}；可用：{'、'.join(ENGINES)}")
    if needed and engine == "libreoffice":
        libreoffice.find_soffice()
        libreoffice.timeout_seconds()  # a bad DOCGEN_SOFFICE_TIMEOUT fails now, not on every document
    return engine


def check_font_dir(fonts: str | Path | None) -> Path | None:
    """``fonts`` (the ``--fonts`` option) as a folder holding font files; a `UsageError` if it is not one.

    A folder that does not exist or a file named instead used to be ignored silently (#17.5), and the PDF quietly
    drew with substitute fonts.
    """
    if fonts is None:
        return None
    path = Path(fonts)
    if not path.exists():
        raise UsageError(f"字体目录 {path} 不存在；--fonts 应为存放字体文件（.ttf、.otf、.ttc）的文件夹")
    if not path.is_dir():
        raise UsageError(f"--fonts 应为文件夹，{path} 是一个文件；请改为它所在的文件夹 {path.parent}")
    if not has_font_files(path):
        raise UsageError(f"字体目录 {path} 中没有字体文件（.ttf、.otf、.ttc）")
    return path


def to_pdf(docx: bytes, *, metadata: Mapping[str, str], fonts: Path | None = None, engine: str = DEFAULT_ENGINE,
           name: str = "document.docx") -> TypesetResult:
    """Typeset one rendered docx with ``engine``.

    LibreOffice ignores ``metadata`` and ``fonts``: it reads the PDF properties from the docx core properties
    (stamped with the same values) and draws with the system fonts. ``name`` appears in its error messages.
    """
    if check_engine(engine, needed=False) == "libreoffice":
        return libreoffice.convert(docx, name=name)
    with _fonts_found():
        return typeset(docx, fonts=font_map(fonts), metadata=dict(metadata))


class PdfStage:
    """The PDF stage of many documents (a batch worker): `to_pdf` with our engine as one `Typesetter` session.

    The rows of one template share formats and paragraphs; each PDF is still exactly what `to_pdf` gives.
    """

    def __init__(self, engine: str = DEFAULT_ENGINE, fonts: Path | None = None):
        """Check ``engine`` can run here (a `UsageError` if not) and start the session."""
        self._session = Typesetter(font_map(fonts)) if check_engine(engine) == "docgen" else None

    def __call__(self, docx: bytes, *, metadata: Mapping[str, str], name: str = "document.docx") -> TypesetResult:
        """Typeset one rendered docx; ``name`` appears in LibreOffice's error messages."""
        if self._session is None:
            return libreoffice.convert(docx, name=name)
        with _fonts_found():
            return self._session.typeset(docx, metadata=dict(metadata))


    def lay_out(self, docx: bytes, *, metadata: Mapping[str, str]) -> LaidOut:
        """Lay out one rendered docx with our engine, drawing nothing yet (see `LaidOut`)."""
        if self._session is None:
            raise UsageError("LibreOffice 引擎不提供版面信息；请用 docgen 引擎排版")
        with _fonts_found():
            return self._session.lay_out(docx, metadata=dict(metadata))


@contextmanager
def _fonts_found() -> Iterator[None]:
    """Report a font map without a single loadable font as the configuration error it is."""
    try:
        yield
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
