"""Column widths fitted to the content of list tables, written into the rendered docx (issue #15.3).

A *list table* is one whose first row is a repeating heading row (``w:tblHeader``): a heading, then one row per
record (activities, courses, risks, the budget). The template cannot know how long each record's texts are,
so it leaves these widths to us: after rendering, each column gets at least its longest unbreakable word and
its heading on one line, and the rest of the table's width goes to the columns in proportion to what their
longest paragraph still wants, as Word's "AutoFit to contents" shares it. Form tables (no heading row: the
申请表's label/value grid) keep the widths their author drew.

The widths are written as plain grid and cell widths (fixed layout), so Word, LibreOffice and docgen's engine
all lay out the same columns and their page counts stay comparable. Why not ``w:tblLayout autofit`` in the
template: LibreOffice 7.4 saves such a table as fixed widths, so a template saved by LibreOffice would render
differently (tests/templates/test_roundtrip.py); the heading-row mark survives its round trip, and so does the
table's width, which is kept (or set to the text width when the template draws the table within 5 % of it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from lxml import etree

from docgen.pdf.ooxml import qn

_PADDING = 216  # Word's default cell margins, 0.19 cm each side, in twips
_MIN_CHARS = 3.0  # no column narrower than three characters: a date or a name breaks every two otherwise
_SLACK = 0.5  # an em on top of the longest word: Latin glyphs are not exactly half an em wide
_WORD = re.compile(r"[\x21-\x7e\u00a0-\u02ff]+")  # runs of Latin letters, digits and ASCII signs: unbroken
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
    em = 0.0
    for row in rows:
        heading = _is_heading(row)
        found: list[Cell] = []
        for column, cell in _single_cells(row, len(current)):
            paragraphs = []
            for text, size in _paragraphs(cell, sizes):
                paragraphs.append(_tokens(text, size))
                least = _width(text) if heading else _longest_word(text) + _SLACK
                minimum[column] = max(minimum[column], least * size, _MIN_CHARS * size)
                em = max(em, size)
            found.append((column, paragraphs))
        rows_found.append(found)
    if not em:
        return
    _set_widths(table, grid, rows, fitted([m + _PADDING for m in minimum], rows_found, total, em))


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
    parts = [width + spare * width / sum(widths) for width in widths]
    result = [int(part) for part in parts]
    result[result.index(max(result))] += total - sum(result)
    return result


def _with_column(rows: list[list[Cell]], lines: list[list[float]], column: int, width: float) -> list[list[float]]:
    """``lines`` with the cells of ``column`` laid out ``width`` wide."""
    return [[_cell_lines(paragraphs, width) if at == column else old
             for (at, paragraphs), old in zip(row, row_lines, strict=True)]
            for row, row_lines in zip(rows, lines, strict=True)]


def _cell_lines(paragraphs: list[list[float]], width: float) -> float:
    """Lines of a cell ``width`` twips wide, broken greedily between pieces.

    The last line of each paragraph counts by how full it is, so that every step of width shows what it saves.
    """
    room = max(width - _PADDING, 1.0)
    total = 0.0
    for pieces in paragraphs:
        full, x = 0, 0.0
        for piece in pieces:
            if x + piece > room + 1e-6 and x > 0:
                full, x = full + 1, 0.0
            x += piece
        total += max(full + min(x / room, 1.0), 1.0)
    return total


def _tokens(text: str, size: float) -> list[float]:
    """Widths (twips) of the unbreakable pieces of ``text`` at ``size`` twips an em."""
    pieces: list[float] = []
    at = 0
    for word in _WORD.finditer(text):
        pieces.extend(_width(char) * size for char in text[at : word.start()])
        pieces.append(_width(word.group()) * size)
        at = word.end()
    pieces.extend(_width(char) * size for char in text[at:])
    return pieces


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


def _width(text: str) -> float:
    """Width in ems: full-width characters one em, the others half."""
    return sum(1.0 if ord(char) > 0x2E7F else 0.5 for char in text)


def _longest_word(text: str) -> float:
    return max((_width(word) for word in _WORD.findall(text)), default=0.0)


def _set_widths(table: etree._Element, grid: etree._Element, rows: list[etree._Element], widths: list[int]) -> None:
    for column, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        column.set(qn("w:w"), str(width))
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
