"""The document as the layout sees it: sections of paragraphs and tables with resolved formatting, in points.

The reader (``reader.py``) builds this from the docx; nothing here knows XML or reportlab.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Literal

Align = Literal["left", "center", "right", "both", "distribute"]
LineRule = Literal["auto", "exact", "atLeast"]
VAlign = Literal["top", "center", "bottom"]
Side = Literal["top", "left", "bottom", "right"]


@dataclass(frozen=True, slots=True)
class Border:
    """One border line: ``width`` and ``space`` in points, ``color`` as RRGGBB, ``style`` as in w:val."""

    width: float
    color: str = "000000"
    space: float = 0.0
    style: str = "single"


@dataclass(frozen=True, slots=True)
class RunFormat:
    """Effective character formatting of a run."""

    latin_font: str
    east_asia_font: str
    size: float
    bold: bool = False
    italic: bool = False
    underline: bool = False
    strike: bool = False
    color: str = "000000"
    vert_align: Literal["baseline", "superscript", "subscript"] = "baseline"
    char_spacing: float = 0.0
    hidden: bool = False
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        # Formats key the layout's tables, looked up per run and per character: hash the eleven fields once.
        values = (self.latin_font, self.east_asia_font, self.size, self.bold, self.italic, self.underline,
                  self.strike, self.color, self.vert_align, self.char_spacing, self.hidden)
        object.__setattr__(self, "_hash", hash(values))

    def __hash__(self) -> int:
        return self._hash


@dataclass(frozen=True, slots=True)
class TabStop:
    """A custom tab stop at ``pos`` points from the paragraph's left indent origin."""

    pos: float
    kind: str = "left"


@dataclass(frozen=True, slots=True)
class ParagraphFormat:
    """Effective paragraph formatting; indents and spacing in points (``first_line`` < 0 is a hanging indent)."""

    align: Align = "left"
    left: float = 0.0
    right: float = 0.0
    first_line: float = 0.0
    space_before: float = 0.0
    space_after: float = 0.0
    line_rule: LineRule = "auto"
    line: float = 1.0
    keep_next: bool = False
    keep_lines: bool = False
    page_break_before: bool = False
    widow_control: bool = True
    snap_to_grid: bool = True
    contextual_spacing: bool = False
    autospace_latin: bool = True
    autospace_digits: bool = True
    style_id: str = ""
    borders: dict[str, Border] = field(default_factory=dict)
    shading: str = ""
    tabs: tuple[TabStop, ...] = ()
    bottom_frame: bool = False  # in a 图文框 anchored to the bottom of the text area (w:framePr yAlign="bottom")
    hyphenate: bool = True  # no w:suppressAutoHyphens: hyphenated where the document hyphenates (w:autoHyphenation)
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __hash__(self) -> int:
        # Hashable despite its borders dict, as a Typesetter keys laid-out paragraphs by format. Computed on
        # first use and kept (0 means not yet): a plain typeset never hashes a format.
        if not self._hash:
            values = [getattr(self, f.name) for f in fields(self) if f.compare and f.name != "borders"]
            object.__setattr__(self, "_hash", hash((*values, frozenset(self.borders.items()))))
        return self._hash


@dataclass(frozen=True, slots=True)
class Text:
    """A piece of text in one format."""

    text: str
    fmt: RunFormat


@dataclass(frozen=True, slots=True)
class Image:
    """An inline picture; ``width``/``height`` in points."""

    data: bytes
    width: float
    height: float
    fmt: RunFormat


@dataclass(frozen=True, slots=True)
class Position:
    """Where a floating picture sits along one axis.

    ``offset`` points from the start of ``relative`` (a ``wp:positionH``/``wp:positionV`` base such as ``page``,
    ``margin``, ``paragraph``), or ``align``ed in it.
    """

    relative: str
    offset: float = 0.0
    align: str = ""


@dataclass(frozen=True, slots=True)
class Float:
    """A floating picture (``wp:anchor``): drawn at its position, in front of the text unless ``behind``.

    It takes no room in the line of its anchor; the text does not flow around it.
    """

    data: bytes
    width: float
    height: float
    horizontal: Position
    vertical: Position
    behind: bool = False


@dataclass(frozen=True, slots=True)
class Field:
    """A field whose value is known only at drawing time: ``PAGE`` or ``NUMPAGES``."""

    kind: Literal["PAGE", "NUMPAGES", "SECTIONPAGES"]
    fmt: RunFormat


@dataclass(frozen=True, slots=True)
class Tab:
    """A tab character."""

    fmt: RunFormat


@dataclass(frozen=True, slots=True)
class Break:
    """A break inside a paragraph: ``line`` (w:br) or ``page`` (w:br w:type="page")."""

    kind: Literal["line", "page"]
    fmt: RunFormat


Inline = Text | Image | Float | Field | Tab | Break


@dataclass(slots=True)
class Paragraph:
    """A paragraph: its format, its content, the format of its mark (sets the height of an empty paragraph)."""

    fmt: ParagraphFormat
    inlines: list[Inline]
    mark: RunFormat
    where: str
    label_align: Literal["left", "center", "right"] = "left"  # a list label's w:lvlJc; the label opens inlines
    label_length: int = 0  # characters of that label


@dataclass(slots=True)
class Cell:
    """A table cell; ``vmerge`` is ``restart``, ``continue`` or empty; margins and borders in points."""

    blocks: list[Block]
    span: int = 1
    vmerge: str = ""
    borders: dict[str, Border] = field(default_factory=dict)
    margins: dict[str, float] = field(default_factory=dict)
    valign: VAlign = "top"
    shading: str = ""


@dataclass(slots=True)
class Row:
    """A table row; ``height`` with ``height_rule`` ``atLeast`` or ``exact`` (0 = automatic)."""

    cells: list[Cell]
    height: float = 0.0
    height_rule: str = "atLeast"
    header: bool = False
    cant_split: bool = False
    borders: dict[str, Border] = field(default_factory=dict)


@dataclass(slots=True)
class Table:
    """A table: grid column widths (points), rows, table-level borders and default cell margins."""

    grid: list[float]
    rows: list[Row]
    borders: dict[str, Border]
    margins: dict[str, float]
    align: str = "left"
    indent: float = 0.0
    where: str = ""


Block = Paragraph | Table


@dataclass(frozen=True, slots=True)
class Grid:
    """The section's document grid (w:docGrid): line pitch and, for 'lines and characters', character pitch."""

    line: float = 0.0
    char: float = 0.0


NO_GRID = Grid()


@dataclass(frozen=True, slots=True)
class PageSetup:
    """Page geometry of a section, in points."""

    width: float = 595.3
    height: float = 841.9
    top: float = 72.0
    bottom: float = 72.0
    left: float = 90.0
    right: float = 90.0
    header: float = 42.5
    footer: float = 49.6
    grid: Grid = NO_GRID

    @property
    def frame_width(self) -> float:
        """Width between the left and right margins."""
        return self.width - self.left - self.right


@dataclass(slots=True)
class Section:
    """A section: page setup, its body blocks, and headers/footers by kind (``default``, ``first``, ``even``)."""

    page: PageSetup
    blocks: list[Block]
    headers: dict[str, list[Block]] = field(default_factory=dict)
    footers: dict[str, list[Block]] = field(default_factory=dict)
    title_page: bool = False
    new_page: bool = True
    page_start: int | None = None  # w:pgNumType/@w:start: page numbers restart here
    parity: Literal["odd", "even"] | None = None  # w:type oddPage/evenPage: starts on such a page


@dataclass(slots=True)
class Document:
    """The whole document as sections."""

    sections: list[Section]
    even_and_odd_headers: bool = False
    default_tab: float = 21.0
