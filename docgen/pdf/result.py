"""The result of typesetting one document."""

from __future__ import annotations

from dataclasses import dataclass, field

from docgen.pdf.diagnostics import LayoutWarning


@dataclass(frozen=True)
class TypesetResult:
    """A typeset PDF.

    Attributes:
        pdf: The PDF file's bytes.
        pages: Number of pages.
        warnings: Everything the engine rendered differently from Word, each naming the construct and place.
        frames: For each 图文框 anchored to the foot of the text area (a notice's 版记), in document order: the
            page it is on (1-based) and whether it is alone on that page.
    """

    pdf: bytes
    pages: int
    warnings: list[LayoutWarning] = field(default_factory=list)
    frames: tuple[tuple[int, bool], ...] = ()
