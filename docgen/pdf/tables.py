"""Table layout: grid columns, merged cells, row heights, and rows split across pages.

A table is measured once (``measure_table``) into rows of cells whose content is a flat list of vertical
items (lines, spacing, nested tables), so a row can be split between two lines of any cell. ``TablePlacer``
then emits the rows a page holds; merged cells are drawn as one region when their last row is placed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docgen.pdf.diagnostics import Diagnostics, unsupported
from docgen.pdf.model import NO_GRID, Border, Cell, Grid, Paragraph, Table
from docgen.pdf.pages import Fill, Op, Rule, TextLine
from docgen.pdf.paragraphs import LineBox, ParagraphLayouter


@dataclass(slots=True)
class Item:
    """One unbreakable vertical piece of content: a line, a blank (spacing), a nested table or a border rule.

    ``of`` numbers a line of a paragraph under widow/orphan control: (its index, the paragraph's line count).
    """

    height: float
    x: float = 0.0
    line: LineBox | None = None
    table: TableBox | None = None
    rule: Border | None = None
    of: tuple[int, int] | None = None


@dataclass(slots=True)
class CellBox:
    """A measured cell: grid position, content width, items; ``origin`` is the restart cell of a merge."""

    cell: Cell
    col: int
    span: int
    items: list[Item]
    rowspan: int = 1
    origin: CellBox | None = None

    @property
    def content_height(self) -> float:
        """Height of the content items."""
        return sum(item.height for item in self.items)


@dataclass(slots=True)
class RowBox:
    """A measured row: its cells and its height on the page.

    ``above`` is the width of the rule along the row's top edge, which the row's height includes and its content
    sits below: LibreOffice lays rows out so (a 0.5 pt grid adds 0.5 pt a row, a page every ~35 rows), and page
    counts must equal its own. ``keep_next``: a paragraph of the row keeps with the next one, which keeps the row
    on the page of the next row (Word's "keep table together": ``cantSplit`` rows, ``keepNext`` paragraphs).
    """

    index: int
    cells: list[CellBox]
    height: float
    header: bool
    cant_split: bool
    exact: bool
    borders: dict[str, Border]
    above: float = 0.0
    keep_next: bool = False


@dataclass(slots=True)
class TableBox:
    """A measured table: column x offsets (from the table's left edge) and rows."""

    table: Table
    columns: list[float]
    rows: list[RowBox]
    x: float

    @property
    def width(self) -> float:
        """Total width of the grid."""
        return self.columns[-1]

    @property
    def height(self) -> float:
        """Total height of all rows."""
        return sum(row.height for row in self.rows)

    def kept_from(self, start: int) -> list[RowBox]:
        """The rows from ``start`` that go onto one page together: each row kept with the next, and that next row."""
        end = start
        while end + 1 < len(self.rows) and self.rows[end].keep_next:
            end += 1
        return self.rows[start : end + 1]


def measure_table(
    table: Table, frame_width: float, layouter: ParagraphLayouter, diag: Diagnostics, grid: Grid = NO_GRID
) -> TableBox:
    """Lay out every cell of ``table`` and compute row heights (merged cells stretch their last row)."""
    columns = [0.0]
    for width in _column_widths(table, frame_width):
        columns.append(columns[-1] + width)
    rows = [_measure_row(table, n, columns, layouter, diag, grid) for n in range(len(table.rows))]
    _link_vertical_merges(rows, table.where, diag)
    _stretch_for_merges(rows, table)
    if rows and not rows[-1].exact:  # the table's bottom rule takes its width too, below the last row
        rows[-1].height += _drawn_width((table.borders | table.rows[-1].borders).get("bottom"))
    return TableBox(table=table, columns=columns, rows=rows, x=_table_x(table, columns[-1], frame_width))


def _column_widths(table: Table, frame_width: float) -> list[float]:
    needed = max((sum(c.span for c in row.cells) for row in table.rows), default=0)
    grid = [w for w in table.grid if w > 0]
    if len(grid) < needed:
        rest = max(frame_width - sum(grid), 0.0)
        missing = needed - len(grid)
        grid.extend([rest / missing if rest else 36.0] * missing)
    return grid or [frame_width]


def _table_x(table: Table, width: float, frame_width: float) -> float:
    if table.align == "center":
        return (frame_width - width) / 2
    if table.align in ("right", "end"):
        return frame_width - width
    return table.indent


def _measure_row(
    table: Table, n: int, columns: list[float], layouter: ParagraphLayouter, diag: Diagnostics, grid: Grid
) -> RowBox:
    row = table.rows[n]
    cells: list[CellBox] = []
    col = 0
    for cell in row.cells:
        end = min(col + cell.span, len(columns) - 1)
        margins = table.margins | cell.margins
        width = columns[end] - columns[col] - margins.get("left", 0.0) - margins.get("right", 0.0)
        items = cell_items(cell, max(width, 1.0), layouter, diag, grid) if cell.vmerge != "continue" else []
        cells.append(CellBox(cell=cell, col=col, span=end - col, items=items))
        col = end
    above = _rule_above(table, n, cells)
    natural = above + max(
        (c.content_height + _vertical_margins(table, c.cell) for c in cells if not c.cell.vmerge),
        default=0.0,
    )
    exact = row.height_rule == "exact" and row.height > 0
    height = row.height if exact else max(natural, row.height, 1.0)
    if exact and natural > row.height + 0.5:
        diag.warn("pdf.table.clipped", f"{table.where} row {n + 1}", "固定行高小于内容高度，超出部分被裁去")
    keep = any(isinstance(block, Paragraph) and block.fmt.keep_next for cell in row.cells for block in cell.blocks)
    return RowBox(n, cells, height, row.header, row.cant_split or exact, exact, row.borders, above, keep)


def _rule_above(table: Table, n: int, cells: list[CellBox]) -> float:
    """Width of the widest rule drawn along row ``n``'s top edge (a cell's own top border, else the table's)."""
    outer = table.borders | table.rows[n].borders
    default = outer.get("top" if n == 0 else "insideH")
    widths = [_drawn_width(cell.cell.borders.get("top") or default) for cell in cells]
    return max(widths, default=0.0)


def _drawn_width(border: Border | None) -> float:
    return border.width if border is not None and border.style not in ("none", "nil") else 0.0


def _vertical_margins(table: Table, cell: Cell) -> float:
    margins = table.margins | cell.margins
    return margins.get("top", 0.0) + margins.get("bottom", 0.0)


def cell_items(
    cell: Cell, width: float, layouter: ParagraphLayouter, diag: Diagnostics, grid: Grid
) -> list[Item]:
    """The cell's paragraphs and nested tables as vertical items."""
    items: list[Item] = []
    for block in cell.blocks:
        if isinstance(block, Paragraph):
            items.extend(paragraph_items(layouter, block, width, grid))
        else:
            nested = measure_table(block, width, layouter, diag, grid)
            items.append(Item(nested.height, table=nested))
    return items


def paragraph_items(layouter: ParagraphLayouter, paragraph: Paragraph, width: float, grid: Grid) -> list[Item]:
    """A paragraph as items: space before, its lines, space after (borders inside cells are not drawn)."""
    box = layouter.layout(paragraph, width, grid, cell=True)
    items: list[Item] = []
    if box.fmt.space_before:
        items.append(Item(box.fmt.space_before))
    count = len(box.lines)
    controlled = box.fmt.widow_control and count > 1
    items.extend(
        Item(line.height, line=line, of=(n, count) if controlled else None) for n, line in enumerate(box.lines)
    )
    if box.fmt.space_after:
        items.append(Item(box.fmt.space_after))
    return items


def _link_vertical_merges(rows: list[RowBox], where: str, diag: Diagnostics) -> None:
    """Point each continuing cell at the cell that starts its merge, and count the restart cell's rows."""
    for n, row in enumerate(rows):
        for cell in row.cells:
            if cell.cell.vmerge != "continue":
                continue
            above = _cell_at(rows[n - 1], cell.col) if n else None
            origin = (above.origin or above) if above is not None and above.cell.vmerge else None
            if origin is None:
                unsupported(diag, "vmerge_orphan", f"{where} row {n + 1}", "没有起始单元格的纵向合并")
                continue
            cell.origin = origin
            origin.rowspan += 1


def _cell_at(row: RowBox, col: int) -> CellBox | None:
    for cell in row.cells:
        if cell.col == col:
            return cell
    return None


def _stretch_for_merges(rows: list[RowBox], table: Table) -> None:
    """A merged cell taller than the rows it spans makes the last of those rows taller."""
    for n, row in enumerate(rows):
        for cell in row.cells:
            if cell.cell.vmerge != "restart" or cell.rowspan < 2:
                continue
            spanned = rows[n : n + cell.rowspan]
            needed = row.above + cell.content_height + _vertical_margins(table, cell.cell)
            have = sum(r.height for r in spanned)
            if needed > have and not spanned[-1].exact:
                spanned[-1].height += needed - have


def split_row(
    row: RowBox, available: float, table: Table, *, widows: bool = True
) -> tuple[RowBox, RowBox] | None:
    """Split a row so its first part fits ``available`` points; None when not even one line fits.

    With ``widows``, a paragraph under widow/orphan control leaves at least two lines on either side, as in
    LibreOffice (a row of three-line cells moves to the next page whole); at the top of a page the layout
    splits without it, so that no row waits for a page that never comes.
    """
    firsts: list[CellBox] = []
    rests: list[CellBox] = []
    for cell in row.cells:
        limit = available - row.above - _vertical_margins(table, cell.cell)
        if cell.cell.vmerge or limit <= 0:
            firsts.append(cell)
            rests.append(CellBox(cell.cell, cell.col, cell.span, [], cell.rowspan, cell.origin or cell))
            continue
        taken, height = 0, 0.0
        while taken < len(cell.items) and height + cell.items[taken].height <= limit + 1e-6:
            height += cell.items[taken].height
            taken += 1
        if widows:
            taken = _widow_safe(cell.items, taken)
        firsts.append(CellBox(cell.cell, cell.col, cell.span, cell.items[:taken]))
        rests.append(CellBox(cell.cell, cell.col, cell.span, cell.items[taken:]))
    if not any(c.items for c in firsts) or not any(c.items for c in rests):
        return None
    rest_height = row.above + max((c.content_height + _vertical_margins(table, c.cell) for c in rests), default=0.0)
    first = RowBox(row.index, firsts, available, row.header, False, False, row.borders, row.above)
    rest = RowBox(row.index, rests, rest_height, row.header, row.cant_split, False, row.borders, row.above)
    return first, rest


def _widow_safe(items: list[Item], taken: int) -> int:
    """``taken`` moved back so no paragraph leaves one line alone on either side of the break."""
    if taken == 0 or taken >= len(items) or items[taken].of is None:
        return taken
    before, count = items[taken].of or (0, 0)
    if before == 0:
        return taken
    if count - before == 1 and before >= 3:
        return taken - 1  # the last two lines go on together
    if before < 2 or count - before < 2:
        return taken - before  # the whole paragraph moves
    return taken


@dataclass(slots=True)
class _Region:
    """A cell area being drawn on the current page: one cell, or a vertical merge spanning several rows."""

    cell: CellBox
    top: float
    bottom: float
    first_row: int
    last_row: int
    draw_content: bool
    row_borders: dict[str, Border]
    above: float = 0.0


@dataclass
class TablePlacer:
    """Emits the rows of one table onto pages; call ``flush`` before leaving a page."""

    box: TableBox
    x: float
    ops: list[Op]
    diag: Diagnostics
    _open: dict[int, _Region] = field(default_factory=dict)
    # Rules already emitted on the current page (``ops``): neighbouring cells share an edge, and drawing it once
    # halves the border operators of a grid table without changing how it looks.
    _drawn: set[tuple[float, float, float, float, float, str, str]] = field(default_factory=set)
    _drawn_on: list[Op] | None = None

    def place(self, row: RowBox, top: float) -> None:
        """Place ``row`` with its top at ``top``."""
        bottom = top + row.height
        for cell in row.cells:
            region = self._open.get(cell.col)
            if cell.cell.vmerge == "continue" and region is not None:
                region.bottom, region.last_row = bottom, row.index
                continue
            if region is not None:
                self._close(cell.col)
            source = cell.origin or cell
            self._open[cell.col] = _Region(
                cell=source if cell.origin else cell,
                top=top,
                bottom=bottom,
                first_row=row.index,
                last_row=row.index,
                draw_content=cell.origin is None,
                row_borders=row.borders,
                above=row.above,
            )

    def flush(self) -> None:
        """Draw every open region (at a page end or the table's end)."""
        for col in sorted(self._open):
            self._close(col)

    def _close(self, col: int) -> None:
        region = self._open.pop(col)
        cell = region.cell
        left = self.x + self.box.columns[cell.col]
        right = self.x + self.box.columns[cell.col + cell.span]
        if cell.cell.shading:
            self.ops.append(Fill(left, region.top, right - left, region.bottom - region.top, cell.cell.shading))
        if region.draw_content:
            self._content(region, left)
        self._borders(region, left, right)

    def _content(self, region: _Region, left: float) -> None:
        cell = region.cell
        margins = self.box.table.margins | cell.cell.margins
        height = cell.content_height
        room = region.bottom - region.top - region.above - margins.get("top", 0.0) - margins.get("bottom", 0.0)
        if height > room + 0.5 and cell.rowspan > 1:
            message = "跨页的纵向合并单元格内容超出其在本页的高度"
            self.diag.warn("pdf.table.merge_overflow", self.box.table.where, message)
        shift = {"top": 0.0, "center": 0.5, "bottom": 1.0}[cell.cell.valign] * max(room - height, 0.0)
        y = region.top + region.above + margins.get("top", 0.0) + shift
        emit_items(self.ops, cell.items, left + margins.get("left", 0.0), y, self.diag)

    def _borders(self, region: _Region, left: float, right: float) -> None:
        cell = region.cell
        table = self.box.table
        outer = table.borders | region.row_borders
        last_col = len(self.box.columns) - 1
        sides = {
            "top": cell.cell.borders.get("top") or outer.get("top" if region.first_row == 0 else "insideH"),
            "bottom": cell.cell.borders.get("bottom")
            or outer.get("bottom" if region.last_row == len(table.rows) - 1 else "insideH"),
            "left": cell.cell.borders.get("left") or outer.get("left" if cell.col == 0 else "insideV"),
            "right": cell.cell.borders.get("right")
            or outer.get("right" if cell.col + cell.span == last_col else "insideV"),
        }
        top, bottom = region.top, region.bottom
        lines = {
            "top": (left, top, right, top),
            "bottom": (left, bottom, right, bottom),
            "left": (left, top, left, bottom),
            "right": (right, top, right, bottom),
        }
        if self._drawn_on is not self.ops:
            self._drawn_on, self._drawn = self.ops, set()
        drawn = self._drawn
        for side, border in sides.items():
            if border is not None and border.style != "none" and border.width > 0:
                key = (*lines[side], border.width, border.color, border.style)
                if key not in drawn:
                    drawn.add(key)
                    self.ops.append(Rule(*key))


def emit_items(ops: list[Op], items: list[Item], x: float, y: float, diag: Diagnostics) -> float:
    """Emit vertical items from ``y`` downwards at ``x``; returns the y below the last item."""
    for item in items:
        if item.line is not None:
            ops.append(TextLine(x, y, item.line))
        elif item.table is not None:
            emit_table(ops, item.table, x, y, diag)
        y += item.height
    return y


def emit_table(ops: list[Op], box: TableBox, x: float, y: float, diag: Diagnostics) -> float:
    """Emit a whole table (nested tables and header/footer tables never split); returns the y below it."""
    placer = TablePlacer(box, x + box.x, ops, diag)
    for row in box.rows:
        placer.place(row, y)
        y += row.height
    placer.flush()
    return y
