"""The typesetter's pipeline: docx bytes → model (reader) → pages (layout, headers) → PDF (draw).

Why an own line-and-box layout on a reportlab canvas rather than platypus flowables: platypus ``Paragraph``
with ``wordWrap="CJK"`` breaks Chinese lines but knows neither 禁则 nor Word's hanging punctuation, offers one
leading per paragraph (not per line as Word's "at least"/grid spacing needs), and its ``Table`` cannot split a
row between two lines nor draw a vertically merged cell across a page break. The own layout is small (a greedy
breaker over atoms, lines as boxes, rows as item lists), keeps every rule visible and testable as plain data
(``pages.Page``), and draws each line with one text operator per font run, which is also what makes it fast.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from zipfile import BadZipFile

from lxml.etree import XMLSyntaxError

from docgen.errors import InputError
from docgen.pdf.cidfonts import SubsetMemo
from docgen.pdf.diagnostics import Diagnostics
from docgen.pdf.draw import render
from docgen.pdf.fonts import FontMap
from docgen.pdf.headers import decorate
from docgen.pdf.layout import Flow
from docgen.pdf.model import Document
from docgen.pdf.paragraphs import ParagraphLayouter, RunMetrics
from docgen.pdf.reader import Formats, FormatSource, read
from docgen.pdf.result import LaidOut, TypesetResult

_DEFAULT_MAP: FontMap | None = None


def typeset(
    docx: bytes | Path,
    *,
    fonts: FontMap | None = None,
    metadata: dict[str, str] | None = None,
) -> TypesetResult:
    """Typeset a rendered docx as PDF.

    Args:
        docx: The document, as bytes or a path to a .docx file.
        fonts: Font map; default: the shipped map searching ``$DOCGEN_FONT_DIR`` and system fonts.
        metadata: PDF document information: ``title``, ``author``, ``subject``, ``keywords``.

    Returns:
        The PDF bytes, its page count, and a warning for every construct not rendered as Word would.

    Raises:
        InputError: ``docx`` is not a readable docx file.
        FontNotFoundError: no font file of the map can be loaded at all.
    """
    data = read_input(docx)
    metrics = RunMetrics.of(fonts or default_map())
    with collector_paused():
        laid_out = lay_out_data(data, metadata, layouter=lambda diag, tab: ParagraphLayouter(metrics, diag, tab))
    return laid_out.drawn()


LayouterFactory = Callable[[Diagnostics, float], ParagraphLayouter]
"""Makes the paragraph layouter of one document from its diagnostics and default tab stop."""


def lay_out_data(
    data: bytes,
    metadata: dict[str, str] | None,
    *,
    layouter: LayouterFactory,
    formats: FormatSource = Formats.of_parts,
    subsets: SubsetMemo | None = None,
) -> LaidOut:
    """Read and lay out one document, drawn by `LaidOut.drawn` (``typeset`` and ``Typesetter`` reuse apart)."""
    diag = Diagnostics()
    document = _read_document(data, diag, formats)
    paragraphs = layouter(diag, document.default_tab)
    flow = Flow(paragraphs, diag)
    for index, section in enumerate(document.sections):
        flow.lay_out_section(section, index)
    decorate(flow.pages, document, paragraphs, diag)
    pages = flow.pages

    def draw() -> bytes:
        with collector_paused():
            return render(pages, metadata, subsets)

    return LaidOut(pages=len(pages), warnings=diag.warnings, frames=tuple(flow.frames),
                   placements=tuple(flow.placements), draw=draw)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one document.

    A typeset allocates some hundred thousand short-lived objects (atoms, fragments, PDF objects), which set
    off full collections that walk every long-lived object of the process (fonts, parsed modules): a quarter
    of the time of a typeset went there. Almost nothing a typeset allocates is cyclic, and what is gets
    collected once the collector runs again. The block should leave nothing of the document alive (work in a
    function called inside it), or the collector walks all of it once it resumes. Only the caller that turned
    the collector off turns it back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def default_map() -> FontMap:
    """The shipped font map, loaded once per process."""
    global _DEFAULT_MAP
    if _DEFAULT_MAP is None:
        _DEFAULT_MAP = FontMap.default()
    return _DEFAULT_MAP


def read_input(docx: bytes | Path) -> bytes:
    """The docx's bytes, read from the file when given a path."""
    if isinstance(docx, bytes | bytearray):
        return bytes(docx)
    try:
        return Path(docx).read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取 docx 文件 {docx}：{exc.strerror or exc}") from exc


def _read_document(data: bytes, diag: Diagnostics, formats: FormatSource) -> Document:
    try:
        return read(data, diag, formats)
    except (BadZipFile, KeyError, ValueError, XMLSyntaxError) as exc:
        raise InputError(f"不是有效的 docx 文件：{exc}") from exc
