"""Page flow: places paragraphs and tables of each section onto pages.

Rules followed: page-break-before, explicit page breaks, keep-with-next chains, keep-lines-together,
widow/orphan control, space before suppressed at the top of a page after a natural break, paragraph borders
and shading, and table rows split between lines with header rows repeated on each page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docgen.pdf.diagnostics import Diagnostics
from docgen.pdf.model import Block, Paragraph, Section, Table
from docgen.pdf.pages import Fill, Page, Rule, TextLine
from docgen.pdf.paragraphs import ParagraphBox, ParagraphLayouter
from docgen.pdf.tables import RowBox, TableBox, TablePlacer, measure_table, split_row


@dataclass
class Flow:
    """The cursor of the body text: current page and the y of the next block's top."""

    layouter: ParagraphLayouter
    diag: Diagnostics
    pages: list[Page] = field(default_factory=list)
    y: float = 0.0
    _section: Section | None = None
    _section_index: int = 0
    _fresh: bool = True
    _after_natural_break: bool = False
    _boxes: dict[int, ParagraphBox] = field(default_factory=dict)

    # -- pages ---------------------------------------------------------------------------------------

    @property
    def page(self) -> Page:
        """The page being filled."""
        return self.pages[-1]

    @property
    def bottom(self) -> float:
        """The y where the body frame ends on the current page."""
        setup = self.page.setup
        return setup.height - setup.bottom

    @property
    def room(self) -> float:
        """Height left in the body frame."""
        return self.bottom - self.y

    def new_page(self, *, natural: bool = False) -> None:
        """Start a page of the current section."""
        assert self._section is not None
        first = not any(p.section == self._section_index for p in self.pages)
        self.pages.append(Page(self._section.page, self._section_index, first))
        self.y = self._section.page.top
        self._fresh = True
        self._after_natural_break = natural

    def lay_out_section(self, section: Section, index: int) -> None:
        """Place one section's blocks, starting a new page unless it is continuous."""
        self._section, self._section_index = section, index
        self._boxes.clear()
        if not self.pages or section.new_page:
            self.new_page()
        blocks = section.blocks
        previous: Paragraph | None = None
        for n, block in enumerate(blocks):
            if isinstance(block, Paragraph):
                self._paragraph(block, blocks[n + 1 :], previous)
                previous = block
            else:
                self._table(block)
                previous = None

    # -- paragraphs ----------------------------------------------------------------------------------

    def _width(self) -> float:
        assert self._section is not None
        return self._section.page.frame_width

    def _layout(self, paragraph: Paragraph) -> ParagraphBox:
        """Lay out a paragraph once per section (keep-with-next looks ahead at the same paragraphs)."""
        assert self._section is not None
        box = self._boxes.get(id(paragraph))
        if box is None:
            box = self.layouter.layout(paragraph, self._width(), self._section.page.grid)
            self._boxes[id(paragraph)] = box
        return box

    def _paragraph(self, paragraph: Paragraph, following: list[Block], previous: Paragraph | None) -> None:
        box = self._layout(paragraph)
        fmt = box.fmt
        if box.page_break_before and not self._fresh:
            self.new_page()
        before = self._space_before(box, previous)
        after = fmt.space_after
        next_block = following[0] if following else None
        if fmt.contextual_spacing and isinstance(next_block, Paragraph) and next_block.fmt.style_id == fmt.style_id:
            after = 0.0
        top_rule, bottom_rule = _border_extent(box, "top"), _border_extent(box, "bottom")
        needed = before + top_rule + self._kept_height(box, following)
        if needed > self.room and not self._fresh and needed <= self._page_height():
            self.new_page(natural=True)
            before = 0.0
        self.y += before
        self._place_lines(box, top_rule, bottom_rule)
        self.y += after

    def _space_before(self, box: ParagraphBox, previous: Paragraph | None) -> float:
        fmt = box.fmt
        if self._fresh and self._after_natural_break:
            return 0.0
        if fmt.contextual_spacing and previous is not None and previous.fmt.style_id == fmt.style_id:
            return 0.0
        return fmt.space_before

    def _page_height(self) -> float:
        setup = self.page.setup
        return setup.height - setup.top - setup.bottom

    def _kept_height(self, box: ParagraphBox, following: list[Block]) -> float:
        """Height that must start on this page: the whole paragraph if kept together, plus keep-with-next."""
        fmt = box.fmt
        lines = box.lines
        if fmt.keep_lines or len(lines) == 1:
            height = box.height
        else:
            height = sum(line.height for line in lines[:2]) if fmt.widow_control else lines[0].height
        if fmt.keep_next and following:
            height = box.height + fmt.space_after + self._first_line_height(following)
        return height

    def _first_line_height(self, following: list[Block]) -> float:
        block = following[0]
        if isinstance(block, Paragraph):
            box = self._layout(block)
            return block.fmt.space_before + self._kept_height(box, following[1:])
        if block.rows:
            return 24.0
        return 0.0

    def _place_lines(self, box: ParagraphBox, top_rule: float, bottom_rule: float) -> None:
        lines = box.lines
        start = piece_start = 0
        piece_top = self.y
        self.y += top_rule
        while start < len(lines):
            count = self._lines_that_fit(box, start)
            for line in lines[start : start + count]:
                self.page.ops.append(TextLine(self.page.setup.left, self.y, line))
                self.y += line.height
                self._fresh = False
            start += count
            broke = count > 0 and lines[start - 1].page_break_after
            done = start >= len(lines)
            if done:
                self.y += bottom_rule
            self._decorate(box, piece_top, piece_start == 0, done)
            if done and not broke:
                return
            self.new_page(natural=not broke)
            piece_top, piece_start = self.y, start

    def _lines_that_fit(self, box: ParagraphBox, start: int) -> int:
        lines = box.lines
        room, count = self.room, 0
        while start + count < len(lines) and lines[start + count].height <= room + 0.01:
            room -= lines[start + count].height
            count += 1
            if lines[start + count - 1].page_break_after:
                return count
        if self._fresh:
            return max(count, 1)  # a line taller than the page still goes somewhere
        total_left = len(lines) - start
        if count < total_left and box.fmt.keep_lines:
            return 0
        if count < total_left and box.fmt.widow_control:
            if count == 1 and start == 0 and total_left > 1:
                return 0
            if total_left - count == 1 and count >= 2:
                return count - 1
        return count

    def _decorate(self, box: ParagraphBox, top: float, first: bool, last: bool) -> None:
        """Borders and shading of the part of a paragraph between ``top`` and the cursor."""
        fmt = box.fmt
        if not fmt.borders and not fmt.shading:
            return
        setup = self.page.setup
        left = setup.left + fmt.left + min(fmt.first_line, 0.0)
        right = setup.left + self._width() - fmt.right
        bottom = self.y
        if fmt.shading:
            self.page.ops.insert(0, Fill(left, top, right - left, bottom - top, fmt.shading))
        sides = {
            "top": (first, (left, top, right, top)),
            "bottom": (last, (left, bottom, right, bottom)),
            "left": (True, (left - 4.0, top, left - 4.0, bottom)),
            "right": (True, (right + 4.0, top, right + 4.0, bottom)),
        }
        for side, (shown, (x1, y1, x2, y2)) in sides.items():
            border = fmt.borders.get(side)
            if shown and border is not None and border.style != "none":
                offset = border.width / 2
                dy = offset if side == "top" else -offset if side == "bottom" else 0.0
                self.page.ops.append(Rule(x1, y1 + dy, x2, y2 + dy, border.width, border.color, border.style))

    # -- tables --------------------------------------------------------------------------------------

    def _table(self, table: Table) -> None:
        assert self._section is not None
        box = measure_table(table, self._width(), self.layouter, self.diag, self._section.page.grid)
        headers = [row for row in box.rows if row.header]
        headers = headers if len(headers) == _leading_headers(box) else headers[: _leading_headers(box)]
        placer = TablePlacer(box, self.page.setup.left + box.x, self.page.ops, self.diag)
        for row in box.rows:
            self._place_row(row, box, placer, headers)
        placer.flush()
        self._fresh = False

    def _place_row(self, row: RowBox, box: TableBox, placer: TablePlacer, headers: list[RowBox]) -> None:
        pending: RowBox | None = row
        while pending is not None:
            if pending.height <= self.room + 0.01 or self._fresh:
                placer.place(pending, self.y)
                self.y += pending.height
                self._fresh = False
                return
            parts = None if pending.cant_split or pending.header else split_row(pending, self.room, box.table)
            if parts is not None:
                first, pending = parts
                placer.place(first, self.y)
                self.y += first.height
            placer.flush()
            self.new_page(natural=True)
            placer.ops = self.page.ops
            for header in headers:
                if header.index < row.index:
                    placer.place(header, self.y)
                    self.y += header.height
            self._fresh = not headers or row.index <= headers[-1].index


def _leading_headers(box: TableBox) -> int:
    count = 0
    for row in box.rows:
        if not row.header:
            break
        count += 1
    return count


def _border_extent(box: ParagraphBox, side: str) -> float:
    border = box.fmt.borders.get(side)
    if border is None or border.style == "none":
        return 0.0
    return border.width + border.space
