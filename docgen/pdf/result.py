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
    """

    pdf: bytes
    pages: int
    warnings: list[LayoutWarning] = field(default_factory=list)
