"""Paragraph layout: inlines → atoms with fonts → lines (via ``linebreak``) → positioned line boxes.

Each character gets a font here: the run's East Asian font for CJK characters, its Latin font otherwise, then
the fallback faces when that font has no glyph; a character no font has is reported by name.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from docgen.pdf.autospace import autospace
from docgen.pdf.diagnostics import Diagnostics, LayoutWarning, unsupported
from docgen.pdf.fonts import Font, FontMap, FontSet, StyledFont
from docgen.pdf.linebreak import Atom, TabWidth, break_lines, expansion_points, is_cjk, is_space
from docgen.pdf.model import (
    NO_GRID,
    Break,
    Field,
    Float,
    Grid,
    Image,
    Paragraph,
    ParagraphFormat,
    RunFormat,
    Tab,
    Text,
)

_SCRIPT_SCALE = 0.65
_OBJECT = "\ufffc"


@dataclass(frozen=True, slots=True)
class Style:
    """How one atom is drawn: font, size after super/subscript scaling, baseline rise and run format."""

    font: StyledFont
    size: float
    rise: float
    fmt: RunFormat
    ascent: float = 0.0  # of the line box, at the run's size (a superscript raises no line more than its text)
    descent: float = 0.0


@dataclass(slots=True)
class Fragment:
    """A run of text drawn with one text operator; ``x`` from the frame's left edge.

    ``char_space`` is the PDF character spacing (Tc) that puts every character where the layout placed it:
    it absorbs run character spacing, justification and the document grid alike. ``last_x`` is where the
    last character starts.
    """

    x: float
    text: str
    style: Style
    char_space: float = 0.0
    last_x: float = 0.0

    def advance(self, char: str) -> float:
        """Natural advance of ``char`` in this fragment's font and size."""
        return self.style.font.font.advance(char) * self.style.size

    @property
    def end(self) -> float:
        """Where the fragment's last character ends."""
        return self.last_x + self.advance(self.text[-1]) if self.text else self.x


@dataclass(slots=True)
class PlacedImage:
    """An inline picture on a line; ``x`` from the frame's left edge, bottom on the baseline."""

    x: float
    image: Image


@dataclass(slots=True)
class PlacedFloat:
    """A floating picture anchored in a line.

    ``x`` is its anchor's from the frame's left edge, ``above`` the height of the paragraph's lines before this one
    (the paragraph's top is that far above the line's), ``frame`` the width of the paragraph's frame (the column:
    the text area, or a table cell).
    """

    x: float
    above: float
    frame: float
    image: Float


@dataclass(slots=True)
class LineBox:
    """One laid-out line: ``height`` of its box, ``baseline`` offset from its top."""

    height: float
    baseline: float
    fragments: list[Fragment] = field(default_factory=list)
    images: list[PlacedImage] = field(default_factory=list)
    page_break_after: bool = False
    floats: tuple[PlacedFloat, ...] = ()  # most lines have none: no list to allocate


@dataclass(slots=True)
class ParagraphBox:
    """A paragraph laid out in a frame of a given width."""

    fmt: ParagraphFormat
    lines: list[LineBox]
    where: str
    page_break_before: bool = False

    @property
    def height(self) -> float:
        """Height of the lines alone (without space before/after or borders)."""
        return sum(line.height for line in self.lines)


_SPACES = " \u3000\t"
_Glyph = tuple[Style | None, Atom, float, str]
"""What layout keeps of one character: its style, its atom, its natural advance in points and the character."""


class RunMetrics:
    """Styles and character widths of run formats under one font map, shared by every document of the process.

    Resolving each character's style and width anew per document was a fifth of paragraph layout. These are
    pure functions of the font map, except that resolving a font warns (a face substituted, a name unknown):
    each style keeps the warnings resolving it gives in a fresh document, and a document's layouter replays
    them when it first uses the style, so the warnings of every document stay what they were.
    """

    _shared: dict[int, RunMetrics] = {}

    def __init__(self, fontmap: FontMap):
        self.fontmap = fontmap
        self._styles: dict[tuple[RunFormat, bool], tuple[Style, list[LayoutWarning]]] = {}
        self._fallback_fonts: dict[str, Font | None] = {}
        self._fallback_warnings: list[LayoutWarning] | None = None
        self._fallback_styles: dict[tuple[RunFormat, StyledFont], Style] = {}
        self._glyphs: dict[tuple[RunFormat, float], dict[str, _Glyph]] = {}

    @classmethod
    def of(cls, fontmap: FontMap) -> RunMetrics:
        """The metrics of ``fontmap``, made once per map object and process."""
        metrics = cls._shared.get(id(fontmap))
        if metrics is None:
            metrics = cls._shared[id(fontmap)] = cls(fontmap)
            weakref.finalize(fontmap, cls._shared.pop, id(fontmap), None)
        return metrics

    def style(self, fmt: RunFormat, east_asia: bool) -> tuple[Style, list[LayoutWarning]]:
        """The style of ``fmt`` for CJK or other characters, and what resolving its font warns."""
        found = self._styles.get((fmt, east_asia))
        if found is None:
            diag = Diagnostics()
            name = fmt.east_asia_font if east_asia else fmt.latin_font
            font = FontSet(self.fontmap, diag).styled(name, east_asia=east_asia, bold=fmt.bold, italic=fmt.italic)
            found = self._styles[(fmt, east_asia)] = (_make_style(font, fmt), diag.warnings)
        return found

    def glyphs(self, fmt: RunFormat, char_pitch: float) -> dict[str, _Glyph]:
        """The glyphs of ``fmt`` on a grid of ``char_pitch`` (0: none) by character.

        Only characters the format's own fonts draw; a document's layouter enters them as it meets them.
        """
        table = self._glyphs.get((fmt, char_pitch))
        if table is None:
            table = self._glyphs[(fmt, char_pitch)] = {}
        return table

    def fallback_font(self, char: str) -> tuple[Font | None, list[LayoutWarning]]:
        """The fallback face drawing ``char`` (None when none has it), and what loading the fallbacks warns."""
        if self._fallback_warnings is None or char not in self._fallback_fonts:
            diag = Diagnostics()
            self._fallback_fonts[char] = FontSet(self.fontmap, diag).fallback_for(char)
            self._fallback_warnings = diag.warnings
        return self._fallback_fonts[char], self._fallback_warnings

    def fallback_style(self, font: StyledFont, fmt: RunFormat) -> Style:
        """The style drawing ``fmt`` in a fallback face (one object each, so fragments compare by identity)."""
        style = self._fallback_styles.get((fmt, font))
        if style is None:
            style = self._fallback_styles[(fmt, font)] = _make_style(font, fmt)
        return style


@dataclass
class ParagraphLayouter:
    """Lays out the paragraphs of one document: shared metrics, its diagnostics, default tab stop."""

    metrics: RunMetrics
    diag: Diagnostics
    default_tab: float = 21.0
    _styles: dict[tuple[RunFormat, bool], Style] = field(default_factory=dict)
    _fallbacks: dict[tuple[RunFormat, str], Style] = field(default_factory=dict)
    # per (format, grid pitch): the glyphs this document has met, and all the process has met
    _char_tables: dict[tuple[RunFormat, float], tuple[dict[str, _Glyph], dict[str, _Glyph]]] = field(
        default_factory=dict
    )

    def layout(
        self,
        paragraph: Paragraph,
        width: float,
        grid: Grid = NO_GRID,
        fields: dict[str, str] | None = None,
        *,
        cell: bool = False,
    ) -> ParagraphBox:
        """Break ``paragraph`` into lines for a frame ``width`` points wide.

        In a table ``cell`` no punctuation hangs past the border (禁则 at the cell's own width), and a last line
        holding a single character (申报单位类/型) is balanced: the lines are broken a little narrower, as many
        as before, so the row keeps its height.
        """
        fmt = paragraph.fmt
        grid = grid if fmt.snap_to_grid else NO_GRID
        content = self._content(paragraph, fields or {}, grid.char)
        if not grid.char:
            autospace(content.atoms, content.text, content.size, letters=fmt.autospace_latin,
                      digits=fmt.autospace_digits)
        content.widths = [atom.width for atom in content.atoms]
        first = fmt.first_line - _label_offset(paragraph, content.widths)

        def available(n: int) -> float:
            return width - fmt.left - fmt.right - (first if n == 0 else 0.0)

        def origin(n: int) -> float:
            return fmt.left + (first if n == 0 else 0.0)

        def tab_width(n: int, i: int, x: float) -> float:
            return self._tab_width(fmt, origin(n) + x, content.following[i])

        tabs = tab_width if content.has_tabs else None
        ranges = break_lines(content.atoms, available, tabs, hanging=not cell)
        if cell and _lone_last(content.text, ranges):
            ranges = _balanced(content, ranges, available, tabs)
        mark = self._style_for("x", paragraph.mark, paragraph.where)
        lines = [
            self._line(content, span, n == len(ranges) - 1, origin(n), available(n), fmt, mark)
            for n, span in enumerate(ranges)
        ]
        for line in lines:
            _set_height(line, fmt, grid.line)
        if content.floats:
            above = 0.0
            for line in lines:
                for placed in line.floats:
                    placed.above, placed.frame = above, width
                above += line.height
        return ParagraphBox(fmt=fmt, lines=lines, where=paragraph.where, page_break_before=fmt.page_break_before)

    # -- atoms ---------------------------------------------------------------------------------------

    def _content(self, paragraph: Paragraph, fields: dict[str, str], char_pitch: float) -> _Content:
        glyphs: list[_Glyph] = []
        images: dict[int, Image] = {}
        floats: list[tuple[int, Float]] = []
        where = paragraph.where
        for inline in paragraph.inlines:
            if isinstance(inline, Text):
                self._text_glyphs(inline.text, inline.fmt, where, glyphs, char_pitch)
            elif isinstance(inline, Field):
                value = fields.get(inline.kind) or self._body_field(inline, where)
                self._text_glyphs(value, inline.fmt, where, glyphs, char_pitch)
            elif isinstance(inline, Tab):
                glyphs.append(self._control("\t", inline.fmt, where))
            elif isinstance(inline, Break):
                glyphs.append(self._control("\n" if inline.kind == "line" else "\f", inline.fmt, where))
            elif isinstance(inline, Image):
                images[len(glyphs)] = inline
                glyphs.append((None, Atom(_OBJECT, inline.width), 0.0, _OBJECT))
            elif isinstance(inline, Float):
                floats.append((len(glyphs), inline))  # takes no room: anchored before the glyph that follows
        return _Content(glyphs, images, floats)

    def _control(self, char: str, fmt: RunFormat, where: str) -> _Glyph:
        """A tab or break: drawn as nothing, styled like a space of its run for the line height."""
        style = self._style_for(" ", fmt, where)
        return style, Atom(char, 0.0, forced_break=char != "\t"), _advance(style, char), char

    def _body_field(self, field_: Field, where: str) -> str:
        """Page fields are filled in headers and footers only; in the body they show a placeholder."""
        unsupported(self.diag, "body_page_field", where, f"正文中的 {field_.kind} 域（显示为 1）")
        return "1"

    def _text_glyphs(self, text: str, fmt: RunFormat, where: str, glyphs: list[_Glyph], char_pitch: float) -> None:
        # One table per run format: a character is resolved once per document and format, not per occurrence
        # (that was a third of the layout time). Atoms are immutable, so glyphs can be shared.
        tables = self._char_tables.get((fmt, char_pitch))
        if tables is None:
            tables = self._char_tables[(fmt, char_pitch)] = ({}, self.metrics.glyphs(fmt, char_pitch))
        found = list(map(tables[0].get, text))
        if None in found:
            found = self._resolve(text, found, fmt, where, char_pitch, tables)
        glyphs += found  # type: ignore[arg-type]  # no None left

    def _resolve(
        self,
        text: str,
        found: list[_Glyph | None],
        fmt: RunFormat,
        where: str,
        char_pitch: float,
        tables: tuple[dict[str, _Glyph], dict[str, _Glyph]],
    ) -> list[_Glyph | None]:
        """Fill in the characters the document's table lacks, in order (missing glyphs warn per occurrence)."""
        resolved: list[_Glyph | None] = []
        for char, glyph in zip(text, found, strict=True):
            if glyph is None:
                if char in "\r\n":
                    continue
                glyph = tables[0].get(char) or self._glyph(char, fmt, where, char_pitch, tables)
            resolved.append(glyph)
        return resolved

    def _glyph(
        self, char: str, fmt: RunFormat, where: str, char_pitch: float,
        tables: tuple[dict[str, _Glyph], dict[str, _Glyph]],
    ) -> _Glyph:
        """The glyph of ``char`` in ``fmt``, entered in the document's table unless the character has no glyph."""
        table, shared_table = tables
        shared = shared_table.get(char)
        if shared is not None:
            self._primary(fmt, is_cjk(char))  # replays what resolving the style warns in this document
            table[char] = shared
            return shared
        style = self._style_for(char, fmt, where)
        width = style.font.font.advance(char) * style.size + fmt.char_spacing
        if char_pitch and is_cjk(char):
            # On a character grid each CJK character takes a whole number of grid cells.
            width = max(math.ceil(width / char_pitch - 0.05), 1) * char_pitch
        glyph = (style, Atom(char, width), _advance(style, char), char)
        if style.font.font.has(char) or is_space(char):
            table[char] = glyph
            if style is self._styles[(fmt, is_cjk(char))]:
                shared_table[char] = glyph
        return glyph

    def _primary(self, fmt: RunFormat, east: bool) -> Style:
        """The style of ``fmt`` for CJK or other characters (one object per pair, so fragments compare by identity)."""
        style = self._styles.get((fmt, east))
        if style is None:
            style, warnings = self.metrics.style(fmt, east)
            self._replay(warnings)
            self._styles[(fmt, east)] = style
        return style

    def _style_for(self, char: str, fmt: RunFormat, where: str) -> Style:
        """The style drawing ``char``: its format's, or a fallback face's when that font has no glyph."""
        style = self._primary(fmt, is_cjk(char))
        if style.font.font.has(char) or is_space(char):
            return style
        return self._fallback(char, style, where)

    def _fallback(self, char: str, style: Style, where: str) -> Style:
        font, warnings = self.metrics.fallback_font(char)
        self._replay(warnings)
        if font is None:
            self.diag.warn(
                "pdf.font.missing_glyph",
                where,
                f"字符“{char}”（U+{ord(char):04X}）在所有已映射字体中都没有字形，PDF 中将显示为空框",
            )
            return style
        key = (style.fmt, font.rl_name)
        fallback = self._fallbacks.get(key)
        if fallback is None:
            styled = StyledFont(font, style.font.fake_bold, style.font.fake_italic)
            fallback = self._fallbacks[key] = self.metrics.fallback_style(styled, style.fmt)
        return fallback

    def _replay(self, warnings: list[LayoutWarning]) -> None:
        for warning in warnings:
            self.diag.warn(warning.code, warning.where, warning.message)

    def _tab_width(self, fmt: ParagraphFormat, x: float, following: float) -> float:
        """Advance of a tab at ``x``: to the next stop, less the text after it for right and centre stops.

        Left of a hanging indent, the indent is a stop too (where Word puts the text after a list label).
        """
        if fmt.first_line < 0 and x < fmt.left - 0.01 and not any(x + 0.01 < s.pos < fmt.left for s in fmt.tabs):
            return fmt.left - x
        for stop in fmt.tabs:
            if stop.pos > x + 0.01:
                if stop.kind in ("right", "end"):
                    return max(stop.pos - x - following, 0.0)
                if stop.kind == "center":
                    return max(stop.pos - x - following / 2, 0.0)
                return stop.pos - x
        step = self.default_tab
        return (math.floor(x / step + 1e-6) + 1) * step - x

    # -- lines ---------------------------------------------------------------------------------------

    def _line(
        self,
        content: _Content,
        span: tuple[int, int],
        last: bool,
        origin: float,
        available: float,
        fmt: ParagraphFormat,
        mark: Style,
    ) -> LineBox:
        start, end = span
        atoms = content.atoms
        ends_forced = end > start and atoms[end - 1].forced_break
        visible_end = _trim(atoms, start, end)
        widths = self._widths(content, start, visible_end, origin, fmt)
        slack = available - sum(widths)
        shift, extra, gaps = self._alignment(content.text[start:visible_end], slack, fmt, last or ends_forced)
        line = LineBox(height=0.0, baseline=0.0, page_break_after=ends_forced and atoms[end - 1].char == "\f")
        x = origin + shift
        if content.images:
            positions = _positions(x, widths, gaps, extra)
            for k in sorted(content.images.keys() & range(start, visible_end)):
                line.images.append(PlacedImage(positions[k - start], content.images[k]))
        if content.floats:
            positions = _positions(x, widths, gaps, extra)
            line.floats = tuple(
                PlacedFloat(positions[k - start] if k - start < len(positions) else x + sum(widths), 0.0, 0.0, image)
                for k, image in content.floats if start <= k < end or (last and k >= end))
        _build_fragments(line.fragments, content, start, visible_end, x, widths, gaps, extra)
        if not line.fragments and not line.images:
            line.fragments.append(Fragment(origin, "", mark))
        return line

    def _widths(self, content: _Content, start: int, end: int, origin: float, fmt: ParagraphFormat) -> list[float]:
        """Advance of each atom of a line, tabs resolved against the stops."""
        if not content.has_tabs:
            return content.widths[start:end]
        atoms = content.atoms
        widths: list[float] = []
        x = origin
        for k in range(start, end):
            width = self._tab_width(fmt, x, content.following[k]) if atoms[k].char == "\t" else atoms[k].width
            widths.append(width)
            x += width
        return widths

    def _alignment(self, text: str, slack: float, fmt: ParagraphFormat, last: bool) -> tuple[float, float, list[bool]]:
        """Offset of the line, extra width per expandable gap, and which gaps expand."""
        align = fmt.align
        if align == "center":
            return max(slack, 0.0) / 2, 0.0, []
        if align == "right":
            return max(slack, 0.0), 0.0, []
        justify = (align == "both" and not last) or align == "distribute"
        if not justify or slack <= 0 or len(text) < 2:
            return 0.0, 0.0, []
        gaps = expansion_points(text, distribute=align == "distribute")
        count = sum(gaps)
        return (0.0, slack / count, gaps) if count else (0.0, 0.0, [])


class _Content:
    """A paragraph's glyphs as parallel lists: what the breaker sees (atoms) and what drawing needs."""

    def __init__(self, glyphs: list[_Glyph], images: dict[int, Image], floats: list[tuple[int, Float]]):
        if glyphs:
            styles, atoms, advances, chars = zip(*glyphs, strict=True)
        else:
            styles, atoms, advances, chars = (), (), (), ()
        self.styles: tuple[Style | None, ...] = styles
        self.atoms: list[Atom] = list(atoms)
        self.advances: tuple[float, ...] = advances
        self.text = "".join(chars)
        self.images = images
        self.floats = floats
        self.has_tabs = "\t" in self.text
        self.widths: list[float] = []  # of the atoms, once autospace has widened them

    def size(self, k: int) -> float:
        """Font size of atom ``k`` (0 for pictures)."""
        style = self.styles[k]
        return style.size if style is not None else 0.0

    @cached_property
    def following(self) -> dict[int, float]:
        """For each tab, the width of the text after it up to the next tab or break (for right/centre stops)."""
        return _following_widths(self.atoms)


def _lone_last(text: str, ranges: list[tuple[int, int]]) -> bool:
    """Whether a paragraph of several lines ends with a line of one character."""
    return len(ranges) > 1 and len(text[ranges[-1][0] : ranges[-1][1]].strip()) == 1


def _balanced(
    content: _Content, ranges: list[tuple[int, int]], available: Callable[[int], float], tabs: TabWidth | None
) -> list[tuple[int, int]]:
    """Lines broken up to four characters narrower so the last holds two or more, if their number stays."""
    step = max((atom.width for atom in content.atoms), default=0.0)
    for narrower in range(1, _BALANCE_STEPS + 1):
        trial = break_lines(content.atoms, _narrower(available, narrower * step), tabs, hanging=False)
        if len(trial) != len(ranges):
            break
        if not _lone_last(content.text, trial):
            return trial
    return ranges


_BALANCE_STEPS = 4


def _narrower(available: Callable[[int], float], cut: float) -> Callable[[int], float]:
    return lambda n: available(n) - cut


def _label_offset(paragraph: Paragraph, widths: list[float]) -> float:
    """How far a centred or right-aligned list label starts before the number position (w:lvlJc)."""
    if paragraph.label_align == "left":
        return 0.0
    width = sum(widths[: paragraph.label_length])
    return width if paragraph.label_align == "right" else width / 2


def _set_height(line: LineBox, fmt: ParagraphFormat, grid_pitch: float) -> None:
    ascent = max((f.style.ascent for f in line.fragments), default=0.0)
    descent = max((f.style.descent for f in line.fragments), default=0.0)
    ascent = max([ascent, *(img.image.height for img in line.images)])
    natural = ascent + descent
    if fmt.line_rule == "exact":
        line.height = fmt.line
        line.baseline = (fmt.line - natural) / 2 + ascent
    elif fmt.line_rule == "atLeast":
        line.height = max(fmt.line, natural)
        line.baseline = line.height - descent
    else:
        line.height = natural * fmt.line
        line.baseline = ascent
        if grid_pitch > 0:
            line.height = math.ceil(line.height / grid_pitch - 0.05) * grid_pitch
            line.baseline = (line.height - natural) / 2 + ascent


def _positions(x: float, widths: list[float], gaps: list[bool], extra: float) -> list[float]:
    """Where each atom of a line starts: its advance plus the justification extra after expandable gaps."""
    positions = []
    for n, width in enumerate(widths):
        positions.append(x)
        x += width
        if n < len(gaps) and gaps[n]:
            x += extra
    return positions


def _build_fragments(
    fragments: list[Fragment],
    content: _Content,
    start: int,
    end: int,
    x: float,
    widths: list[float],
    gaps: list[bool],
    extra: float,
) -> None:
    """Place the characters of a line from ``x`` and collect them into fragments, one text operator each.

    A character extends the open fragment when one Tc value places it correctly (same style, neither it nor
    the previous one a space), else it opens a new one. Positions follow the same sums as ``_positions``.
    This loop runs once per character laid out, so the open fragment's state stays in locals.
    """
    current: Style | None = None
    chars: list[str] = []
    first_x = last_x = char_space = current_end = 0.0  # of the open fragment; current_end: its last char's end
    single = last_space = False  # the open fragment has one character; it is a space
    expand = gaps + [False] if gaps else [False] * len(widths)
    text, styles, advances = content.text, content.styles, content.advances
    for style, char, advance, width, gap in zip(
        styles[start:end], text[start:end], advances[start:end], widths, expand, strict=True
    ):
        here = x
        x += width
        if gap:
            x += extra
        if style is None or char == "\t":
            continue
        space = char in _SPACES
        if style is current and not space and not last_space:
            needed = here - current_end  # the Tc that would put ``char`` at ``here``
            if single or abs(needed - char_space) < 1e-4:
                char_space = needed
                last_x = here
                chars.append(char)
                current_end = here + advance
                single = False
                continue
        if current is not None:
            fragments.append(Fragment(first_x, "".join(chars), current, char_space, last_x))
        current = style
        first_x = last_x = here
        char_space = style.fmt.char_spacing
        chars = [char]
        current_end = here + advance
        single, last_space = True, space
    if current is not None:
        fragments.append(Fragment(first_x, "".join(chars), current, char_space, last_x))


def _following_widths(atoms: list[Atom]) -> dict[int, float]:
    """For each tab, the width of the text after it up to the next tab or break (for right/centre stops)."""
    found: dict[int, float] = {}
    running = 0.0
    for k in range(len(atoms) - 1, -1, -1):
        atom = atoms[k]
        if atom.char == "\t":
            found[k] = running
            running = 0.0
        elif atom.forced_break:
            running = 0.0
        else:
            running += atom.width
    return found


def _advance(style: Style, char: str) -> float:
    """Natural advance of ``char`` in points (what the font puts between it and the next one)."""
    return style.font.font.advance(char) * style.size


def _make_style(font: StyledFont, fmt: RunFormat) -> Style:
    ascent, descent = font.font.ascent * fmt.size, font.font.descent * fmt.size
    if fmt.vert_align == "superscript":
        return Style(font, fmt.size * _SCRIPT_SCALE, fmt.size * 0.33, fmt, ascent, descent)
    if fmt.vert_align == "subscript":
        return Style(font, fmt.size * _SCRIPT_SCALE, -fmt.size * 0.14, fmt, ascent, descent)
    return Style(font, fmt.size, 0.0, fmt, ascent, descent)


def _trim(atoms: list[Atom], start: int, end: int) -> int:
    """End of the visible part of a line: trailing spaces and the forced break are not drawn."""
    while end > start and (atoms[end - 1].char in " \u3000" or atoms[end - 1].forced_break):
        end -= 1
    return end
