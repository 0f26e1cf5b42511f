"""The result of typesetting one document."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from docgen.pdf.diagnostics import LayoutWarning


class Placement(NamedTuple):
    """Where a block of the body text went: its style id ("" for a table), first and last page (1-based)."""

    style_id: str
    first_page: int
    last_page: int
    text: bool  # holds visible text (a table always counts): an empty paragraph is only space


@dataclass(frozen=True)
class TypesetResult:
    """A typeset PDF.

    Attributes:
        pdf: The PDF file's bytes.
        pages: Number of pages.
        warnings: Everything the engine rendered differently from Word, each naming the construct and place.
        frames: For each 图文框 anchored to the foot of the text area (a notice's 版记), in document order: the
            page it is on (1-based) and whether it is alone on that page.
        placements: For each paragraph and table of the body text outside frames, in document order: its pages,
            which a docx whose geometry depends on the layout (the notice's 署名) is checked against.
    """

    pdf: bytes
    pages: int
    warnings: list[LayoutWarning] = field(default_factory=list)
    frames: tuple[tuple[int, bool], ...] = ()
    placements: tuple[Placement, ...] = ()


@dataclass(frozen=True)
class LaidOut:
    """A document laid out into pages but not drawn yet.

    A docx whose geometry depends on its layout (the notice's 署名 and 版记) is laid out once per candidate; only
    the candidate kept is drawn, which is most of a typeset's time.
    """

    pages: int
    warnings: list[LayoutWarning]
    frames: tuple[tuple[int, bool], ...]
    placements: tuple[Placement, ...]
    draw: Callable[[], bytes] = field(repr=False, compare=False)

    def drawn(self) -> TypesetResult:
        """The PDF of this layout."""
        return TypesetResult(pdf=self.draw(), pages=self.pages, warnings=self.warnings, frames=self.frames,
                             placements=self.placements)
