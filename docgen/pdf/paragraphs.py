"""Paragraph layout: inlines → atoms with fonts → lines (via ``linebreak``) → positioned line boxes.

Each character gets a font here: the run's East Asian font for CJK characters, its Latin font otherwise, then
the fallback faces when that font has no glyph; a character no font has is reported by name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from docgen.pdf.autospace import autospace
from docgen.pdf.diagnostics import Diagnostics, unsupported
from docgen.pdf.fonts import FontSet, StyledFont
from docgen.pdf.linebreak import Atom, break_lines, expansion_points, is_cjk, is_space
from docgen.pdf.model import NO_GRID, Break, Field, Grid, Image, Paragraph, ParagraphFormat, RunFormat, Tab, Text

_SCRIPT_SCALE = 0.65
_OBJECT = "\ufffc"


@dataclass(frozen=True, slots=True)
class Style:
    """How one atom is drawn: font, size after super/subscript scaling, baseline rise and run format."""

    font: StyledFont
    size: float
    rise: float
    fmt: RunFormat


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
class LineBox:
    """One laid-out line: ``height`` of its box, ``baseline`` offset from its top."""

    height: float
    baseline: float
    fragments: list[Fragment] = field(default_factory=list)
    images: list[PlacedImage] = field(default_factory=list)
    page_break_after: bool = False


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


@dataclass
class ParagraphLayouter:
    """Lays out paragraphs for one run: fonts, diagnostics, default tab stop and document grid."""

    fonts: FontSet
    diag: Diagnostics
    default_tab: float = 21.0
    _styles: dict[tuple[RunFormat, bool], Style] = field(default_factory=dict)
    _fallbacks: dict[tuple[RunFormat, str], Style] = field(default_factory=dict)
    _char_tables: dict[tuple[RunFormat, float], dict[str, tuple[Style, Atom]]] = field(default_factory=dict)

    def layout(
        self, paragraph: Paragraph, width: float, grid: Grid = NO_GRID, fields: dict[str, str] | None = None
    ) -> ParagraphBox:
        """Break ``paragraph`` into lines for a frame ``width`` points wide."""
        fmt = paragraph.fmt
        grid = grid if fmt.snap_to_grid else NO_GRID
        atoms, styles, images = self._atoms(paragraph, fields or {}, grid.char)
        if not grid.char:
            sizes = [style.size if style is not None else 0.0 for style in styles]
            autospace(atoms, sizes, letters=fmt.autospace_latin, digits=fmt.autospace_digits)
        first = fmt.first_line

        def available(n: int) -> float:
            return width - fmt.left - fmt.right - (first if n == 0 else 0.0)

        def origin(n: int) -> float:
            return fmt.left + (first if n == 0 else 0.0)

        following = _following_widths(atoms)

        def tab_width(n: int, i: int, x: float) -> float:
            return self._tab_width(fmt, origin(n) + x, following[i])

        ranges = break_lines(atoms, available, tab_width)
        mark = self._style_for("x", paragraph.mark, paragraph.where)
        lines = [
            self._line(atoms, styles, images, span, n == len(ranges) - 1, origin(n), available(n), fmt, mark, following)
            for n, span in enumerate(ranges)
        ]
        for line in lines:
            self._set_height(line, fmt, grid.line)
        return ParagraphBox(fmt=fmt, lines=lines, where=paragraph.where, page_break_before=fmt.page_break_before)

    # -- atoms ---------------------------------------------------------------------------------------

    def _atoms(
        self, paragraph: Paragraph, fields: dict[str, str], char_pitch: float
    ) -> tuple[list[Atom], list[Style | None], dict[int, Image]]:
        atoms: list[Atom] = []
        styles: list[Style | None] = []
        images: dict[int, Image] = {}
        for inline in paragraph.inlines:
            if isinstance(inline, Text):
                self._text_atoms(inline.text, inline.fmt, paragraph.where, atoms, styles, char_pitch)
            elif isinstance(inline, Field):
                value = fields.get(inline.kind) or self._body_field(inline, paragraph.where)
                self._text_atoms(value, inline.fmt, paragraph.where, atoms, styles, char_pitch)
            elif isinstance(inline, Tab):
                styles.append(self._style_for(" ", inline.fmt, paragraph.where))
                atoms.append(Atom("\t", 0.0))
            elif isinstance(inline, Break):
                styles.append(self._style_for(" ", inline.fmt, paragraph.where))
                atoms.append(Atom("\n" if inline.kind == "line" else "\f", 0.0, forced_break=True))
            elif isinstance(inline, Image):
                images[len(atoms)] = inline
                styles.append(None)
                atoms.append(Atom(_OBJECT, inline.width))
        return atoms, styles, images

    def _body_field(self, field_: Field, where: str) -> str:
        """Page fields are filled in headers and footers only; in the body they show a placeholder."""
        unsupported(self.diag, "body_page_field", where, f"正文中的 {field_.kind} 域（显示为 1）")
        return "1"

    def _text_atoms(
        self,
        text: str,
        fmt: RunFormat,
        where: str,
        atoms: list[Atom],
        styles: list[Style | None],
        char_pitch: float,
    ) -> None:
        # One table per run format: a character's style and atom are looked up once per run, not resolved per
        # occurrence (that was a third of the layout time). Atoms are immutable, so they can be shared.
        table = self._char_tables.get((fmt, char_pitch))
        if table is None:
            table = self._char_tables[(fmt, char_pitch)] = {}
        for char in text:
            entry = table.get(char)
            if entry is None:
                if char in "\r\n":
                    continue
                entry, cacheable = self._char_entry(char, fmt, where, char_pitch)
                if cacheable:
                    table[char] = entry
            styles.append(entry[0])
            atoms.append(entry[1])

    def _char_entry(self, char: str, fmt: RunFormat, where: str, char_pitch: float) -> tuple[tuple[Style, Atom], bool]:
        """Style and atom of ``char`` in ``fmt``; not cacheable when the character has no glyph (warned per use)."""
        style = self._style_for(char, fmt, where)
        width = style.font.font.advance(char) * style.size + fmt.char_spacing
        if char_pitch and is_cjk(char):
            # On a character grid each CJK character takes a whole number of grid cells.
            width = max(math.ceil(width / char_pitch - 0.05), 1) * char_pitch
        cacheable = style.font.font.has(char) or is_space(char)
        return (style, Atom(char, width)), cacheable

    def _style_for(self, char: str, fmt: RunFormat, where: str) -> Style:
        """The style drawing ``char``: one shared object per (format, script), so fragments compare by identity."""
        east = is_cjk(char)
        style = self._styles.get((fmt, east))
        if style is None:
            name = fmt.east_asia_font if east else fmt.latin_font
            font = self.fonts.styled(name, east_asia=east, bold=fmt.bold, italic=fmt.italic)
            style = self._styles[(fmt, east)] = _make_style(font, fmt)
        if style.font.font.has(char) or is_space(char):
            return style
        return self._fallback(char, style, where)

    def _fallback(self, char: str, style: Style, where: str) -> Style:
        font = self.fonts.fallback_for(char)
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
            fallback = self._fallbacks[key] = _make_style(styled, style.fmt)
        return fallback

    def _tab_width(self, fmt: ParagraphFormat, x: float, following: float) -> float:
        """Advance of a tab at ``x``: to the next stop, less the text after it for right and centre stops."""
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
        atoms: list[Atom],
        styles: list[Style | None],
        images: dict[int, Image],
        span: tuple[int, int],
        last: bool,
        origin: float,
        available: float,
        fmt: ParagraphFormat,
        mark: Style,
        following: dict[int, float],
    ) -> LineBox:
        start, end = span
        ends_forced = end > start and atoms[end - 1].forced_break
        visible_end = _trim(atoms, start, end)
        widths = self._widths(atoms, start, visible_end, origin, fmt, following)
        slack = available - sum(widths)
        shift, extra, gaps = self._alignment(atoms, start, visible_end, slack, fmt, last or ends_forced)
        line = LineBox(height=0.0, baseline=0.0, page_break_after=ends_forced and atoms[end - 1].char == "\f")
        positions = _positions(origin + shift, widths, gaps, extra)
        for k in sorted(images.keys() & range(start, visible_end)):
            line.images.append(PlacedImage(positions[k - start], images[k]))
        _build_fragments(line.fragments, atoms, styles, images, start, visible_end, positions)
        if not line.fragments and not line.images:
            line.fragments.append(Fragment(origin, "", mark))
        return line

    def _widths(
        self, atoms: list[Atom], start: int, end: int, origin: float, fmt: ParagraphFormat, following: dict[int, float]
    ) -> list[float]:
        """Advance of each atom of a line, tabs resolved against the stops."""
        widths: list[float] = []
        x = origin
        for k in range(start, end):
            width = self._tab_width(fmt, x, following[k]) if atoms[k].char == "\t" else atoms[k].width
            widths.append(width)
            x += width
        return widths

    def _alignment(
        self, atoms: list[Atom], start: int, end: int, slack: float, fmt: ParagraphFormat, last: bool
    ) -> tuple[float, float, list[bool]]:
        """Offset of the line, extra width per expandable gap, and which gaps expand."""
        align = fmt.align
        if align == "center":
            return max(slack, 0.0) / 2, 0.0, []
        if align == "right":
            return max(slack, 0.0), 0.0, []
        justify = (align == "both" and not last) or align == "distribute"
        if not justify or slack <= 0 or end - start < 2:
            return 0.0, 0.0, []
        gaps = expansion_points(atoms, start, end, distribute=align == "distribute")
        count = sum(gaps)
        return (0.0, slack / count, gaps) if count else (0.0, 0.0, [])

    def _set_height(self, line: LineBox, fmt: ParagraphFormat, grid_pitch: float) -> None:
        ascent = max((f.style.font.font.ascent * f.style.fmt.size for f in line.fragments), default=0.0)
        descent = max((f.style.font.font.descent * f.style.fmt.size for f in line.fragments), default=0.0)
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
    atoms: list[Atom],
    styles: list[Style | None],
    images: dict[int, Image],
    start: int,
    end: int,
    positions: list[float],
) -> None:
    """Collect the characters of a line into fragments, one text operator each.

    A character extends the open fragment when one Tc value places it correctly (same style, neither it nor
    the previous one a space), else it opens a new one. The open fragment's characters, end and spacing stay
    in locals (this loop runs once per character laid out: no string copy nor look-up of the previous one).
    """
    current: Fragment | None = None
    chars: list[str] = []
    current_end = 0.0  # where the open fragment's last character ends
    last_space = False
    for k in range(start, end):
        style, char = styles[k], atoms[k].char
        if style is None or char == "\t" or k in images:
            continue
        x = positions[k - start]
        space = char in " \u3000\t"
        advance = style.font.font.advance(char) * style.size
        if current is not None and current.style is style and not space and not last_space:
            needed = x - current_end  # the Tc that would put ``char`` at ``x``
            if len(chars) == 1 or abs(needed - current.char_space) < 1e-4:
                current.char_space = needed
                current.last_x = x
                chars.append(char)
                current_end = x + advance
                continue
        if current is not None:
            current.text = "".join(chars)
            fragments.append(current)
        current = Fragment(x, "", style, style.fmt.char_spacing, x)
        chars = [char]
        current_end = x + advance
        last_space = space
    if current is not None:
        current.text = "".join(chars)
        fragments.append(current)


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


def _make_style(font: StyledFont, fmt: RunFormat) -> Style:
    if fmt.vert_align == "superscript":
        return Style(font, fmt.size * _SCRIPT_SCALE, fmt.size * 0.33, fmt)
    if fmt.vert_align == "subscript":
        return Style(font, fmt.size * _SCRIPT_SCALE, -fmt.size * 0.14, fmt)
    return Style(font, fmt.size, 0.0, fmt)


def _trim(atoms: list[Atom], start: int, end: int) -> int:
    """End of the visible part of a line: trailing spaces and the forced break are not drawn."""
    while end > start and (atoms[end - 1].char in " \u3000" or atoms[end - 1].forced_break):
        end -= 1
    return end
