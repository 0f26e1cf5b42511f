"""Page flow: places paragraphs and tables of each section onto pages.

Rules followed: page-break-before, explicit page breaks, keep-with-next chains, keep-lines-together,
widow/orphan control, space before suppressed at the top of a page after a natural break, paragraph borders
and shading, table rows split between lines with header rows repeated on each page, rows of keep-with-next
paragraphs kept on the page of the next row, 图文框 anchored to the bottom of the text area (a notice's 版记),
which end on the last line of the page and push later text above them, and odd/even-page section breaks, which
leave a blank page when the next one has the wrong parity.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docgen.pdf.diagnostics import Diagnostics
from docgen.pdf.model import Block, Paragraph, Section, Table, Text
from docgen.pdf.pages import Fill, Page, Rule, TextLine
from docgen.pdf.paragraphs import ParagraphBox, ParagraphLayouter
from docgen.pdf.result import Placement
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
    _reserved: float = 0.0  # height taken by a bottom frame at the foot of the current page
    _number: int = 0  # the page number printed on the current page
    _boxes: dict[int, ParagraphBox] = field(default_factory=dict)
    _tables: dict[int, TableBox] = field(default_factory=dict)
    frames: list[tuple[int, bool]] = field(default_factory=list)  # per bottom frame: its page, alone on it
    placements: list[Placement] = field(default_factory=list)  # per body paragraph and table: its pages

    # -- pages ---------------------------------------------------------------------------------------

    @property
    def page(self) -> Page:
        """The page being filled."""
        return self.pages[-1]

    @property
    def bottom(self) -> float:
        """The y where the body frame ends on the current page."""
        setup = self.page.setup
        return setup.height - setup.bottom - self._reserved

    @property
    def room(self) -> float:
        """Height left in the body frame."""
        return self.bottom - self.y

    def new_page(self, *, natural: bool = False) -> None:
        """Start a page of the current section."""
        assert self._section is not None
        first = not any(p.section == self._section_index and not p.blank for p in self.pages)
        self.pages.append(Page(self._section.page, self._section_index, first))
        start = self._section.page_start if first else None
        self._number = start if start is not None else self._number + 1
        self.y = self._section.page.top
        self._reserved = 0.0
        self._fresh = True
        self._after_natural_break = natural

    def lay_out_section(self, section: Section, index: int) -> None:
        """Place one section's blocks, starting a new page unless it is continuous."""
        self._section, self._section_index = section, index
        self._boxes.clear()
        self._tables.clear()
        if not self.pages or section.new_page:
            number = section.page_start if section.page_start is not None else self._number + 1
            if self.pages and section.parity is not None and (number % 2 == 0) == (section.parity == "odd"):
                # Word and LibreOffice go by the page number, which a restart sets, not by the page's place
                self.pages.append(Page(section.page, index, False, blank=True))  # the page the break leaves empty
                self._number += 1
            self.new_page()
        blocks = section.blocks
        previous: Paragraph | None = None
        n = 0
        while n < len(blocks):
            block = blocks[n]
            if isinstance(block, Paragraph) and block.fmt.bottom_frame:
                frame = _frame_at(blocks, n)
                self._bottom_frame(frame)
                n += len(frame)
                continue
            if isinstance(block, Paragraph):
                self._paragraph(block, blocks[n + 1 :], previous)
                previous = block
            else:
                self._table(block)
                previous = None
            n += 1

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
        head = None
        if needed > self.room and not self._fresh and needed <= self._page_height():
            head = self._head_left_behind(box, before + top_rule) if following else None
            if head is None:
                self.new_page(natural=True)
                before = 0.0
        self.y += before
        first = len(self.pages)
        self._place_lines(box, top_rule, bottom_rule, head)
        self.y += after
        text = any(isinstance(item, Text) and item.text.strip() for item in paragraph.inlines)
        self.placements.append(Placement(fmt.style_id, first, len(self.pages), text))

    def _space_before(self, box: ParagraphBox, previous: Paragraph | None) -> float:
        fmt = box.fmt
        if self._fresh and self._after_natural_break:
            return 0.0
        if fmt.contextual_spacing and previous is not None and previous.fmt.style_id == fmt.style_id:
            return 0.0
        return fmt.space_before

    def _head_left_behind(self, box: ParagraphBox, lead: float) -> int | None:
        """Lines of a keep-with-next paragraph that may stay on this page while its tail moves on with the next.

        Word keeps the last line of such a paragraph with the next one, not the whole paragraph, unless its lines
        are kept together; widow/orphan control leaves at least two lines on either side.
        """
        fmt, lines = box.fmt, box.lines
        if not fmt.keep_next or fmt.keep_lines:
            return None
        room, fit = self.room - lead, 0
        while fit < len(lines) and lines[fit].height <= room + 0.01 and not lines[fit].page_break_after:
            room -= lines[fit].height
            fit += 1
        minimum = 2 if fmt.widow_control else 1
        head = min(fit, len(lines) - minimum)
        return head if head >= minimum else None

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
            # the fewest lines that may start on this page: two, or all three of a paragraph that cannot split 2 + 1
            first = (2 if len(lines) > 3 else len(lines)) if fmt.widow_control else 1
            height = sum(line.height for line in lines[:first])
        if fmt.keep_next and following:
            height = box.height + fmt.space_after + self._first_line_height(following)
        return height

    def _first_line_height(self, following: list[Block]) -> float:
        block = following[0]
        if isinstance(block, Paragraph):
            box = self._layout(block)
            return block.fmt.space_before + self._kept_height(box, following[1:])
        if not block.rows:
            return 0.0
        kept = self._measure(block).kept_from(0)
        # rows kept together go with the paragraph as a whole (a signature table and the line introducing it)
        return sum(row.height for row in kept) if len(kept) > 1 else 24.0

    def _place_lines(self, box: ParagraphBox, top_rule: float, bottom_rule: float, head: int | None = None) -> None:
        """Place a paragraph's lines from the cursor on, across pages; ``head`` caps the lines on this page."""
        lines = box.lines
        start = piece_start = 0
        piece_top = self.y
        self.y += top_rule
        while start < len(lines):
            count = self._lines_that_fit(box, start)
            if start == 0 and head is not None:
                count = min(count, head)
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
                # one line back to the next page, unless that leaves one alone here: then the whole paragraph
                return count - 1 if count > 2 or start > 0 else 0
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

    def _bottom_frame(self, frame: list[Paragraph]) -> None:
        """Place consecutive framed paragraphs so the last one ends on the last line of the page.

        The frame goes on the current page when the text so far leaves room for it, else at the foot of a new
        page; text after it flows above it (Word's frames anchored to the margin with ``yAlign="bottom"``).
        """
        boxes = [self._layout(paragraph) for paragraph in frame]
        heights = [_border_extent(box, "top") + box.height + _border_extent(box, "bottom") for box in boxes]
        height = sum(heights) + sum(box.fmt.space_before + box.fmt.space_after for box in boxes)
        if height > self.room + 0.01 and not self._fresh and height <= self._page_height():
            self.new_page(natural=True)
        cursor, fresh = self.y, self._fresh
        self.frames.append((len(self.pages), fresh))
        self.y = self.bottom - height
        for box in boxes:
            self.y += box.fmt.space_before
            self._place_lines(box, _border_extent(box, "top"), _border_extent(box, "bottom"))
            self.y += box.fmt.space_after
        self.y, self._fresh = cursor, fresh
        self._reserved += height

    # -- tables --------------------------------------------------------------------------------------

    def _measure(self, table: Table) -> TableBox:
        """Measure a table once per section (a keep-with-next paragraph before it looks at its rows)."""
        assert self._section is not None
        box = self._tables.get(id(table))
        if box is None:
            box = measure_table(table, self._width(), self.layouter, self.diag, self._section.page.grid)
            self._tables[id(table)] = box
        return box

    def _table(self, table: Table) -> None:
        box = self._measure(table)
        headers = [row for row in box.rows if row.header]
        headers = headers if len(headers) == _leading_headers(box) else headers[: _leading_headers(box)]
        placer = TablePlacer(box, self.page.setup.left + box.x, self.page.ops, self.diag)
        first = len(self.pages)
        for row in box.rows:
            if self._keep_rows_together(row, box, placer, headers) and row.index == 0:
                first = len(self.pages)
            self._place_row(row, box, placer, headers)
        placer.flush()
        self._fresh = False
        self.placements.append(Placement("", first, len(self.pages), True))

    def _place_row(self, row: RowBox, box: TableBox, placer: TablePlacer, headers: list[RowBox]) -> None:
        """Place one row, split between lines across as many pages as it needs.

        Word moves a row that may not split (or a header row) to the next page whole, but splits any row at the top
        of a page (below the repeated header rows) that is taller than what is left there, so no line is lost. Every
        pass either places the row, places part of it, or moves to a new page from one that had something on it.
        """
        pending: RowBox | None = row
        at_top = self._fresh
        while pending is not None:
            if pending.height <= self.room + 0.01:
                placer.place(pending, self.y)
                self.y += pending.height
                self._fresh = False
                return
            splittable = at_top or not (pending.cant_split or pending.header)
            parts = split_row(pending, self.room, box.table, widows=not at_top) if splittable else None
            if parts is None and at_top:  # one line or nested table taller than the page: it runs over the foot
                self.diag.warn("pdf.table.overflow", f"{box.table.where} row {row.index + 1}",
                               "表格行中有一行文字或嵌套表格高于页面可用高度，超出页面的部分无法显示")
                placer.place(pending, self.y)
                self.y += pending.height
                self._fresh = False
                return
            if parts is not None:
                first, pending = parts
                placer.place(first, self.y)
                self.y += first.height
            placer.flush()
            self.new_page(natural=True)
            placer.ops = self.page.ops
            self._repeat_headers(headers, row, placer)
            at_top = True

    def _keep_rows_together(self, row: RowBox, box: TableBox, placer: TablePlacer, headers: list[RowBox]) -> bool:
        """Start a new page before ``row`` when the rows kept with it do not fit here but fit on a page.

        Word and LibreOffice keep a row whose paragraphs keep with the next on the page of the next row, so
        ``cantSplit`` rows of ``keepNext`` paragraphs move as one block (a signature table never splits).
        """
        if row.index and box.rows[row.index - 1].keep_next:
            return False  # inside a kept run of rows, placed where its first row was
        kept = box.kept_from(row.index)
        if len(kept) < 2:
            return False
        height = sum(r.height for r in kept)
        repeated = sum(header.height for header in headers if header.index < row.index)
        if height <= self.room + 0.01 or self._fresh or height > self._page_height() - repeated:
            return False
        placer.flush()
        self.new_page(natural=True)
        placer.ops = self.page.ops
        self._repeat_headers(headers, row, placer)
        return True

    def _repeat_headers(self, headers: list[RowBox], row: RowBox, placer: TablePlacer) -> None:
        """Repeat the header rows above ``row`` on a new page, unless they would take more than half of it.

        Word does not repeat a header taller than the page; half a page leaves the body rows room to progress.
        """
        repeated = [header for header in headers if header.index < row.index]
        if sum(header.height for header in repeated) > self._page_height() / 2:
            return
        for header in repeated:
            placer.place(header, self.y)
            self.y += header.height
            self._fresh = False


def _frame_at(blocks: list[Block], start: int) -> list[Paragraph]:
    """The framed paragraphs that start at ``start``: Word joins consecutive paragraphs of one frame."""
    frame: list[Paragraph] = []
    for block in blocks[start:]:
        if not isinstance(block, Paragraph) or not block.fmt.bottom_frame:
            break
        frame.append(block)
    return frame


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
