"""What the layout hands to drawing: pages of positioned operations, coordinates in points from the top-left."""

from __future__ import annotations

from dataclasses import dataclass, field

from docgen.pdf.model import PageSetup
from docgen.pdf.paragraphs import LineBox


@dataclass(slots=True)
class TextLine:
    """A line box whose top is at ``top``; its fragment x positions are relative to ``x``."""

    x: float
    top: float
    line: LineBox


@dataclass(slots=True)
class Rule:
    """A straight border line from (x1, y1) to (x2, y2)."""

    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    color: str
    style: str = "single"


@dataclass(slots=True)
class Fill:
    """A shaded rectangle (cell or paragraph shading)."""

    x: float
    y: float
    width: float
    height: float
    color: str


Op = TextLine | Rule | Fill


@dataclass(slots=True)
class Page:
    """One page: its setup, the section it belongs to, and the operations to draw.

    A ``blank`` page is the one an odd- or even-page section break leaves empty: no header, no footer (Word prints
    it blank), though it counts in the page numbers.
    """

    setup: PageSetup
    section: int
    first_of_section: bool
    ops: list[Op] = field(default_factory=list)
    blank: bool = False
