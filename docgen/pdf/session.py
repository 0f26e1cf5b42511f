"""A typesetting session: many documents in one process, reusing what documents of one template share.

A batch typesets thousands of documents rendered from one template that differ in a few fields. ``typeset``
starts each one afresh (only font metrics persist); a :class:`Typesetter` also keeps, for the documents it
typesets, the formats read through each styles part, the body elements already read, the paragraphs already
laid out and the font subsets already embedded, each keyed by everything it depends on. Its output is byte for
byte what ``typeset`` gives for the same docx, warnings included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from docgen.pdf.cidfonts import SubsetMemo
from docgen.pdf.diagnostics import Diagnostics, LayoutWarning
from docgen.pdf.document import collector_paused, default_map, lay_out_data, read_input
from docgen.pdf.fonts import FontMap
from docgen.pdf.model import NO_GRID, Field, Grid, Paragraph
from docgen.pdf.package import Part
from docgen.pdf.paragraphs import ParagraphBox, ParagraphLayouter, RunMetrics
from docgen.pdf.reader import Formats
from docgen.pdf.recent import Recent
from docgen.pdf.result import LaidOut, TypesetResult

_Layout = tuple[ParagraphBox, list[LayoutWarning]]


@dataclass
class _ReusingLayouter(ParagraphLayouter):
    """A document's paragraph layouter that reuses paragraphs laid out for earlier documents of the session.

    A paragraph is laid out afresh (with empty per-document tables) the first time, recording what its layout
    warns in a fresh document; reusing it replays those warnings. Every warning is kept once in order of
    discovery, so this leaves a document's warnings exactly as laying out the paragraph in it would.
    Laid-out paragraphs are only read afterwards (by the page flow, tables and drawing), so sharing them is safe.
    """

    layouts: Recent[tuple[object, ...], _Layout] = field(kw_only=True)

    def layout(
        self,
        paragraph: Paragraph,
        width: float,
        grid: Grid = NO_GRID,
        fields: dict[str, str] | None = None,
        *,
        cell: bool = False,
    ) -> ParagraphBox:
        """Break ``paragraph`` into lines for a frame ``width`` points wide, or reuse the same paragraph's lines."""
        inlines = tuple(paragraph.inlines)
        uses_fields = fields and any(isinstance(inline, Field) for inline in inlines)
        field_values = tuple(sorted(fields.items())) if fields and uses_fields else None
        key = (inlines, paragraph.fmt, paragraph.mark, paragraph.where, width, grid, self.default_tab, field_values,
               cell)
        found = self.layouts.get(key)
        if found is None:
            recorder = Diagnostics()
            fresh = ParagraphLayouter(self.metrics, recorder, self.default_tab)
            found = self.layouts.put(key, (fresh.layout(paragraph, width, grid, fields, cell=cell), recorder.warnings))
        box, warnings = found
        for warning in warnings:
            self.diag.warn(warning.code, warning.where, warning.message)
        return box


class Typesetter:
    """Typesets documents one after another like ``typeset``, reusing work between documents of one template.

    Args:
        fonts: Font map; default: the shipped map searching ``$DOCGEN_FONT_DIR`` and system fonts.
        paragraphs: How many laid-out paragraphs to keep (the least recently used go first); a quarter as many
            body elements read are kept per styles part.
        style_parts: How many styles parts (with what was read through them) to keep.
        subsets: How many embedded font subsets to keep (a subset of the same glyphs is the same font program).
    """

    def __init__(
        self, fonts: FontMap | None = None, *, paragraphs: int = 2048, style_parts: int = 4, subsets: int = 32
    ):
        self._metrics = RunMetrics.of(fonts or default_map())
        self._layouts: Recent[tuple[object, ...], _Layout] = Recent(paragraphs)
        self._formats: Recent[tuple[tuple[int, bytes] | None, tuple[int, bytes] | None], Formats] = Recent(style_parts)
        self._body_elements = paragraphs // 4
        self._subsets = SubsetMemo(subsets)

    def typeset(self, docx: bytes | Path, *, metadata: dict[str, str] | None = None) -> TypesetResult:
        """Typeset a rendered docx as PDF; the same result as ``docgen.pdf.typeset(docx, metadata=…)``.

        Raises:
            InputError: ``docx`` is not a readable docx file.
            FontNotFoundError: no font file of the map can be loaded at all.
        """
        return self.lay_out(read_input(docx), metadata=metadata).drawn()

    def lay_out(self, docx: bytes, *, metadata: dict[str, str] | None = None) -> LaidOut:
        """Lay out a rendered docx without drawing it (`LaidOut.drawn` draws it, as `typeset` would have)."""
        with collector_paused():
            return lay_out_data(docx, metadata, layouter=self._layouter, formats=self._formats_of,
                                subsets=self._subsets)

    def _layouter(self, diag: Diagnostics, default_tab: float) -> ParagraphLayouter:
        return _ReusingLayouter(self._metrics, diag, default_tab, layouts=self._layouts)

    def _formats_of(self, styles: Part | None, theme: Part | None) -> Formats:
        """The formats of a styles part and theme, shared by the documents that store the same parts."""
        key = (styles.stored if styles is not None else None, theme.stored if theme is not None else None)
        found = self._formats.get(key)
        if found is None:
            found = self._formats.put(key, Formats.of_parts(styles, theme))
            found.blocks = Recent(self._body_elements)
        return found
