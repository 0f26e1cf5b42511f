"""Column widths fitted to the content of list tables, written into the rendered docx (issue #15.3).

A *list table* is one whose first row is a repeating heading row (``w:tblHeader``): a heading, then one row per
record (activities, courses, risks, the budget). The template cannot know how long each record's texts are,
so it leaves these widths to us: after rendering, each column gets at least its heading on one line and its
longest unit (a Latin word, or a unit of a date such as 2027年 or 12日至: docgen.render_docx.textunits), and each
further em goes where it makes the table shortest. Then widths move between columns while that saves whole cell
lines and the table grows at most one line in 40, and a column that would still break a unit inside is narrowed
to where none breaks; a cell that is a date (range) and wraps gets line breaks between its units. Form tables
(no heading row: the 申请表's label/value grid) keep the widths their author drew.

The widths are written as plain grid and cell widths (fixed layout), so Word, LibreOffice and docgen's engine
all lay out the same columns and their page counts stay comparable. Why not ``w:tblLayout autofit`` in the
template: LibreOffice 7.4 saves such a table as fixed widths, so a template saved by LibreOffice would render
differently (tests/templates/test_roundtrip.py); the heading-row mark survives its round trip, and so does the
table's width, which is kept (or set to the text width when the template draws the table within 5 % of it).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from lxml import etree

from docgen.pdf.ooxml import qn
from docgen.render_docx.textunits import dated, longest_unit, splits_unit, unit_breaks, units, width

_PADDING = 216  # Word's default cell margins, 0.19 cm each side, in twips
_MIN_CHARS = 3.0  # no column narrower than three characters: a date or a name breaks every two otherwise
_TOLERANCE = 1 / 40  # a table may grow this much to save lines in its narrow columns (~ a line a page)
_MOVES = 200  # bound on the steps moved between columns: each must save lines, so few are ever made
_NARROW = 10  # twips: the step by which a column that would split a unit is narrowed
_NEAR = 0.95  # a table this close to the text width was meant to be as wide as the text
_DEFAULT_SIZE = 21  # half-points: 五号


def fit_tables(body: etree._Element, styles: etree._Element) -> None:
    """Fit the columns of every list table at the top level of ``body`` (a rendered ``w:body``)."""
    sizes = _style_sizes(styles)
    text_width = _text_width(body)
    for table in body.iterchildren(qn("w:tbl")):
        rows = table.findall(qn("w:tr"))
        if rows and _is_heading(rows[0]):
            _fit(table, rows, sizes, text_width)


def _is_heading(row: etree._Element) -> bool:
    mark = row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}")
    return mark is not None and mark.get(qn("w:val"), "1") not in ("0", "false", "off")


def _fit(table: etree._Element, rows: list[etree._Element], sizes: Mapping[str, int], text_width: int) -> None:
    grid = table.find(qn("w:tblGrid"))
    if grid is None:
        return
    current = [_int(col.get(qn("w:w"))) for col in grid.findall(qn("w:gridCol"))]
    if len(current) < 2 or any(width <= 0 for width in current) or not _regular(rows, len(current)):
        return
    total = sum(current)
    if text_width and total >= _NEAR * text_width:
        total = text_width
    total = min(total, text_width) if text_width else total
    rows_found: list[list[Cell]] = []
    minimum = [0.0] * len(current)
    texts: list[list[tuple[str, float]]] = [[] for _ in current]
    em = 0.0
    for row in rows:
        heading = _is_heading(row)
        found: list[Cell] = []
        for column, cell in _single_cells(row, len(current)):
            paragraphs = []
            for text, size in _paragraphs(cell, sizes):
                paragraphs.append(_tokens(text, size))
                wants = width(text) if heading else longest_unit(text)
                minimum[column] = max(minimum[column], wants * size, _MIN_CHARS * size)
                em = max(em, size)
                texts[column].append((text, size))
            found.append((column, paragraphs))
        rows_found.append(found)
    if not em:
        return
    floor = [m + _PADDING for m in minimum]
    widths = unsplit(fitted(floor, rows_found, total, em), floor, texts)
    _set_widths(table, grid, rows, widths)
    for row in rows[1:]:
        for column, cell in _single_cells(row, len(current)):
            _break_between_units(cell, widths[column], sizes)


def _break_between_units(cell: etree._Element, twips: int, sizes: Mapping[str, int]) -> None:
    """Line breaks (``w:br``) between the units of each paragraph of ``cell`` that is a date (range) and wraps.

    Often no width keeps every date of a column whole by itself: "2027年4月12日至" and "2027年10月19日至" wrap
    at different places, and greedy breaking puts "12" at a line's end with its 日 on the next. A typist then
    breaks the lines by hand between units ("2027年4月" / "12日至" / "2027年4月" / "14日"), and so do we: the
    breaks fall where the engines' greedy breaking would put them were units unbreakable, so the engines lay
    out the lines the fit counted. A paragraph that is a date gets them even where the width model says none
    would split: LibreOffice sets digits a little tighter and put "10月19" on one line with 日 on the next
    where our engine broke before 19. Prose keeps its text as written (a reader edits it): for it the column
    was narrowed where that keeps its units whole (``unsplit``).
    """
    if next(cell.iter(qn("w:br"), qn("w:tab")), None) is not None:
        return  # a cell already broken by its author: left as written (and its paragraphs pair with _paragraphs)
    for paragraph, (text, size) in zip(cell.iterchildren(qn("w:p")), _paragraphs(cell, sizes), strict=True):
        if "".join(node.text or "" for node in paragraph.iter(qn("w:t"))) != text:
            continue  # spaces around the text: left as written
        room = (twips - _PADDING) / size
        if dated(text):
            for offset in reversed(unit_breaks(text, room)):
                _insert_break(paragraph, offset)


def _insert_break(paragraph: etree._Element, offset: int) -> None:
    """A ``w:br`` before the character at ``offset`` of the paragraph's text, splitting its ``w:t`` there."""
    at = 0
    for node in paragraph.iter(qn("w:t")):
        text = node.text or ""
        if at + len(text) > offset:
            cut = offset - at
            brk = etree.Element(qn("w:br"))
            if cut == 0:
                node.addprevious(brk)
                return
            rest = etree.Element(qn("w:t"))
            rest.text = text[cut:]
            rest.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            node.text = text[:cut]
            node.addnext(brk)
            brk.addnext(rest)
            return
        at += len(text)


Cell = tuple[int, list[list[float]]]
"""A cell of one grid column: its column and its paragraphs, each as the widths (twips) of its unbreakable
pieces: a CJK character, or a run of Latin letters and digits."""


def fitted(minimum: list[float], rows: list[list[Cell]], total: int, step: float) -> list[int]:
    """Column widths summing to ``total`` that make the table short.

    From each column's ``minimum``, each ``step`` of width goes to the column where it saves the most lines
    (a row is as tall as its tallest cell; looking up to three steps ahead); the width no column needs is shared
    in proportion to the widths.
    """
    widths = list(minimum)
    if sum(widths) > total:
        widths = [width * total / sum(widths) for width in widths]
    lines = [[_cell_lines(paragraphs, widths[column]) for column, paragraphs in row] for row in rows]
    height = sum(max(row, default=0.0) for row in lines)
    while total - sum(widths) >= step:
        best, gain = -1, 0.0
        for column in range(len(widths)):
            for steps in (1, 2, 3):
                if total - sum(widths) < steps * step:
                    break
                trial = _with_column(rows, lines, column, widths[column] + steps * step)
                saved = (height - sum(max(row, default=0.0) for row in trial)) / steps
                if saved > gain + 1e-9:
                    best, gain = column, saved
        if best < 0:
            break
        widths[best] += step
        lines = _with_column(rows, lines, best, widths[best])
        height = sum(max(row, default=0.0) for row in lines)
    spare = total - sum(widths)
    parts = _rebalance([width + spare * width / sum(widths) for width in widths], minimum, rows, step)
    result = [int(part) for part in parts]
    result[result.index(max(result))] += total - sum(result)
    return result


def _rebalance(widths: list[float], minimum: list[float], rows: list[list[Cell]], step: float) -> list[float]:
    """``widths`` with steps moved between columns while that saves cell lines and the table stays as short.

    The shortest table leaves a column whose cells are never the tallest at its minimum: 讲师 at three characters
    a line. A reader counts lines in every cell, so widths move to where they save the most lines in all, as long
    as the table grows by no more than one line in 40 (about one line per page of a 五号 table). Lines are
    counted whole here: a move is made only where a reader sees a line less.
    """
    widths = list(widths)
    lines = _matrix(rows, widths)
    limit = sum(map(max, lines)) * (1 + _TOLERANCE) + 1e-9
    for _ in range(_MOVES):
        moves = [min(step, width - least) for width, least in zip(widths, minimum, strict=True)]
        narrower = [_column_lines(rows, column, widths[column] - moves[column]) for column in range(len(widths))]
        wider = [[_column_lines(rows, column, widths[column] + move) for move in moves]
                 for column in range(len(widths))]
        best, gain = (-1, -1), 1e-9
        for donor in range(len(widths)):
            if moves[donor] < 1:
                continue
            for receiver in range(len(widths)):
                if receiver == donor:
                    continue
                trial = [[narrower[donor][r] if c == donor else wider[receiver][donor][r] if c == receiver else value
                          for c, value in enumerate(row)] for r, row in enumerate(lines)]
                saved = sum(map(sum, lines)) - sum(map(sum, trial))
                if saved > gain and sum(map(max, trial)) <= limit:
                    best, gain = (donor, receiver), saved
        if best[0] < 0:
            break
        widths[best[1]] += moves[best[0]]
        widths[best[0]] -= moves[best[0]]
        lines = _matrix(rows, widths)
    return widths


def _matrix(rows: list[list[Cell]], widths: list[float]) -> list[list[float]]:
    """Lines of each cell by row and grid column (0 where a row has no single cell in a column)."""
    columns = [_column_lines(rows, column, width) for column, width in enumerate(widths)]
    return [[columns[c][r] for c in range(len(widths))] for r in range(len(rows))]


def _column_lines(rows: list[list[Cell]], column: int, width: float) -> list[float]:
    """Whole lines of the cells of ``column`` at ``width``, one entry a row."""
    return [next((_cell_lines(paragraphs, width, whole=True) for at, paragraphs in row if at == column), 0.0)
            for row in rows]


def unsplit(widths: list[int], minimum: list[float], texts: list[list[tuple[str, float]]]) -> list[int]:
    """``widths`` with each column that would break a unit inside narrowed to where none breaks.

    The fit counts "2027年" and "12日至" as units, but the engines break wherever a line is full: a 时间 column
    a little wider than "2027年4月" puts "12" at the end of the first line and its 日 on the next. Narrowing it to
    the widest width that keeps every unit whole costs no line (the unit wraps either way); the widest column
    gets the rest.
    """
    widths = list(widths)
    for column, cells in enumerate(texts):
        def whole(width: int, cells: list[tuple[str, float]] = cells) -> bool:
            return not any(splits_unit(text, (width - _PADDING) / size) for text, size in cells)

        if whole(widths[column]):
            continue
        width = widths[column]
        while width - _NARROW >= minimum[column] and not whole(width):
            width -= _NARROW
        if whole(width):
            widest = max((c for c in range(len(widths)) if c != column), key=widths.__getitem__)
            widths[widest] += widths[column] - width
            widths[column] = width
    return widths


def _with_column(rows: list[list[Cell]], lines: list[list[float]], column: int, width: float) -> list[list[float]]:
    """``lines`` with the cells of ``column`` laid out ``width`` wide."""
    return [[_cell_lines(paragraphs, width) if at == column else old
             for (at, paragraphs), old in zip(row, row_lines, strict=True)]
            for row, row_lines in zip(rows, lines, strict=True)]


def _cell_lines(paragraphs: list[list[float]], width: float, *, whole: bool = False) -> float:
    """Lines of a cell ``width`` twips wide, broken greedily between pieces.

    Unless ``whole``, the last line of each paragraph counts by how full it is, so that every step of width shows
    what it saves.
    """
    room = max(width - _PADDING, 1.0)
    total = 0.0
    for pieces in paragraphs:
        full, x = 0, 0.0
        for piece in pieces:
            if x + piece > room + 1e-6 and x > 0:
                full, x = full + 1, 0.0
            x += piece
        total += max(full + (1.0 if whole and x else min(x / room, 1.0)), 1.0)
    return total


def _tokens(text: str, size: float) -> list[float]:
    """Widths (twips) of the unbreakable pieces of ``text`` at ``size`` twips an em: characters and units."""
    return [piece * size for piece in units(text)]


def _regular(rows: list[etree._Element], count: int) -> bool:
    """Whether every row's cells fill the grid exactly.

    A row that skips columns (``w:gridBefore``/``gridAfter``) or whose spans do not add up leaves the table as
    the template draws it: its cells cannot be placed on columns for sure.
    """
    for row in rows:
        properties = row.find(qn("w:trPr"))
        if properties is not None and any(properties.find(qn(f"w:{skip}")) is not None
                                          for skip in ("gridBefore", "gridAfter")):
            return False
        if sum(_span(cell) for cell in row.iterchildren(qn("w:tc"))) != count:
            return False
    return True


def _single_cells(row: etree._Element, count: int) -> Iterator[tuple[int, etree._Element]]:
    """(grid column, cell) of the row's cells that span one column: spanning cells follow the others' widths."""
    column = 0
    for cell in row.iterchildren(qn("w:tc")):
        span = _span(cell)
        if span == 1 and column < count:
            yield column, cell
        column += span


def _paragraphs(cell: etree._Element, sizes: Mapping[str, int]) -> Iterator[tuple[str, float]]:
    """Each paragraph's text (line breaks split it) and its font size in twips per em."""
    for paragraph in cell.iterchildren(qn("w:p")):
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        size = sizes.get(style.get(qn("w:val"), "") if style is not None else "", sizes.get("", _DEFAULT_SIZE))
        run_size = paragraph.find(f"{qn('w:r')}/{qn('w:rPr')}/{qn('w:sz')}")
        if run_size is not None:
            size = _int(run_size.get(qn("w:val"))) or size
        pieces = [""]
        for node in paragraph.iter(qn("w:t"), qn("w:br"), qn("w:tab")):
            if node.tag == qn("w:br"):
                pieces.append("")
            else:
                pieces[-1] += node.text or "" if node.tag == qn("w:t") else "  "
        for text in pieces:
            yield text.strip(), size * 10  # half-points → twips per em


def _set_widths(table: etree._Element, grid: etree._Element, rows: list[etree._Element], widths: list[int]) -> None:
    for column, twips in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        column.set(qn("w:w"), str(twips))
    for row in rows:
        column = 0
        for cell in row.iterchildren(qn("w:tc")):
            span = _span(cell)
            tcw = cell.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
            if tcw is not None:
                tcw.set(qn("w:w"), str(sum(widths[column : column + span])))
                tcw.set(qn("w:type"), "dxa")
            column += span
    width = table.find(f"{qn('w:tblPr')}/{qn('w:tblW')}")
    if width is not None and width.get(qn("w:type")) == "dxa":
        width.set(qn("w:w"), str(sum(widths)))


def _style_sizes(styles: etree._Element) -> dict[str, int]:
    """Paragraph style id → font size in half-points (following ``basedOn``); "" → the document default."""
    own: dict[str, int] = {}
    parent: dict[str, str] = {}
    for style in styles.iterfind(qn("w:style")):
        sid = style.get(qn("w:styleId"), "")
        size = style.find(f"{qn('w:rPr')}/{qn('w:sz')}")
        if size is not None and _int(size.get(qn("w:val"))):
            own[sid] = _int(size.get(qn("w:val")))
        based = style.find(qn("w:basedOn"))
        if based is not None:
            parent[sid] = based.get(qn("w:val"), "")
    default = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:sz')}")
    resolved = {"": _int(default.get(qn("w:val"))) if default is not None else _DEFAULT_SIZE}
    for sid in {*own, *parent}:
        chain, seen = sid, set()
        while chain and chain not in own and chain in parent and chain not in seen:
            seen.add(chain)
            chain = parent[chain]
        resolved[sid] = own.get(chain, resolved[""])
    return resolved


def _text_width(body: etree._Element) -> int:
    section = body.find(qn("w:sectPr"))
    size = section.find(qn("w:pgSz")) if section is not None else None
    margins = section.find(qn("w:pgMar")) if section is not None else None
    if size is None or margins is None:
        return 0
    width = _int(size.get(qn("w:w"))) - _int(margins.get(qn("w:left"))) - _int(margins.get(qn("w:right")))
    return max(width, 0)


def _span(cell: etree._Element) -> int:
    span = cell.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
    return max(_int(span.get(qn("w:val"))), 1) if span is not None else 1


def _int(value: str | None) -> int:
    """An integer attribute value; 0 when absent or invalid."""
    try:
        return int(float(value)) if value is not None else 0
    except ValueError:
        return 0
