"""List tables' columns fitted to their content (docgen.render_docx.autofit), read back from the rendered docx."""

from __future__ import annotations

import io
import re

import docx
import pytest
from lxml import etree

import docgen
from docgen.render_docx.autofit import fit_tables, fitted
from docgen.render_docx.textunits import splits_unit, unit_breaks, units, width
from tests.conftest import ROOT

TEXT_WIDTH = 8845  # the shipped templates' A4 text width, twips


def plan_tables() -> list:
    data = docgen.render(ROOT / "examples" / "project.json", "plan").documents[0].data
    return docx.Document(io.BytesIO(data)).tables


def grid(table) -> list[int]:
    return [int(col.get(docx.oxml.ns.qn("w:w"))) for col in table._tbl.tblGrid.findall(docx.oxml.ns.qn("w:gridCol"))]


def test_the_activity_table_gives_the_longest_texts_the_widest_columns_issue_15_3() -> None:
    """Issue #15.3: 组织形式, the longest text of the 实施方案's activity table, had a 15 mm (851 twips) column."""
    table = next(t for t in plan_tables() if "组织形式" in [cell.text for cell in t.rows[0].cells])
    widths = dict(zip([cell.text for cell in table.rows[0].cells], grid(table), strict=True))
    assert sum(widths.values()) == TEXT_WIDTH
    assert widths["组织形式"] == max(width for name, width in widths.items() if name != "时间")  # 时间: a whole date
    assert widths["组织形式"] >= 1400  # 25 mm: some ten characters a line of 五号
    assert min(widths.values()) >= 3 * 210 + 216  # three characters and the cell margins


def test_cell_widths_follow_the_grid_and_spanning_cells_cover_their_columns() -> None:
    for table in plan_tables():
        columns = grid(table)
        for row in table.rows:
            at = 0
            for tc in row._tr.tc_lst:
                span = tc.grid_span
                assert int(tc.tcPr.tcW.get(docx.oxml.ns.qn("w:w"))) == sum(columns[at : at + span])
                at += span


def test_form_tables_without_a_heading_row_keep_their_drawn_widths() -> None:
    data = docgen.render(ROOT / "examples" / "project.json", "application").documents[0].data
    form = docx.Document(io.BytesIO(data)).tables[0]
    assert grid(form) == [1474, 1304, 1134, 964, 1361, 2608]


def test_widths_go_where_they_save_lines_and_every_column_keeps_its_minimum() -> None:
    em, least = 210, 3 * 210 + 216
    rows = [[(0, [[em] * 4]), (1, [[em] * 80])], [(0, [[em] * 4]), (1, [[em] * 40])]]
    widths = fitted([least, least], rows, 8000, em)
    assert sum(widths) == 8000
    assert widths[1] > 5 * widths[0] and widths[0] >= least


def test_a_column_of_long_unbreakable_words_gets_the_room_its_rows_need() -> None:
    """Digits and Latin words do not break: 20 one-character lines of a narrow column make its rows tall."""
    em = 210
    rows = [[(0, [[em * 5] * 4]), (1, [[em] * 30])] for _ in range(3)]
    widths = fitted([3 * em + 216, 3 * em + 216], rows, 4000, em)
    assert widths[0] >= 5 * em + 216  # one word a line, not overflowing


@pytest.mark.parametrize("total", [1000, 2000])
def test_minimums_wider_than_the_table_are_scaled_to_fit(total: int) -> None:
    widths = fitted([900, 900, 900], [[(0, [[2000]]), (1, [[2000]]), (2, [[2000]])]], total, 210)
    assert sum(widths) == total and max(widths) - min(widths) <= 2


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _cells(texts: list[str]) -> str:
    return "".join(f'<w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/></w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
                   "</w:tc>" for text in texts)


def _body(second_row_properties: str = "") -> etree._Element:
    """A three-column list table (3000 twips a column) on an A4 page with the shipped margins."""
    return etree.fromstring(
        f'<w:body xmlns:w="{W}"><w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/>'
        f'<w:gridCol w:w="3000"/></w:tblGrid><w:tr><w:trPr><w:tblHeader/></w:trPr>{_cells(["序号", "名称", "说明"])}</w:tr>'
        f'<w:tr>{second_row_properties}{_cells(["1", "培训", "安全生产月宣传咨询日" * 8])}</w:tr></w:tbl>'
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:left="1587" w:right="1474"/></w:sectPr></w:body>')


def _grid(body: etree._Element) -> list[int]:
    return [int(col.get(f"{{{W}}}w")) for col in body.iter(f"{{{W}}}gridCol")]


def test_a_list_table_is_fitted_to_the_text_width_with_its_long_column_widest() -> None:
    body = _body()
    fit_tables(body, etree.fromstring(f'<w:styles xmlns:w="{W}"/>'))
    widths = _grid(body)
    assert sum(widths) == 8845 and widths[2] == max(widths) and widths[2] > 2 * widths[0]


def test_a_table_whose_rows_skip_grid_columns_keeps_its_widths() -> None:
    body = _body("<w:trPr><w:gridBefore w:val='1'/></w:trPr>")
    fit_tables(body, etree.fromstring(f'<w:styles xmlns:w="{W}"/>'))
    assert _grid(body) == [3000, 3000, 3000]


def test_a_date_range_is_broken_by_hand_between_its_units_where_the_engines_would_split_one() -> None:
    """No 时间 width keeps every date of the training table whole by greedy breaking alone ("12" would end a line
    with its 日 on the next): the cells get line breaks between units, and every line fits the column."""
    table = next(t for t in plan_tables() if "讲师" in [cell.text for cell in t.rows[0].cells])
    column = [cell.text for cell in table.rows[0].cells].index("时间")
    room = (grid(table)[column] - 216) / 210
    cells = [row.cells[column].text for row in table.rows[1:]]
    assert cells[0].split("\n") == ["2027年", "4月", "12日至", "2027年", "4月", "14日"]
    lines = [line for cell in cells for line in cell.split("\n")]
    assert all(re.fullmatch(r"(?:\d{4}年|\d{1,2}[月日]至?)+", line) and width(line) <= room for line in lines)
    assert cells[3].split("\n")[:3] == ["2027年", "10月", "19日至"]  # LibreOffice would set "10月19" / "日至"
    assert room < width("2027年10月19日至")  # the date no longer takes the width of the text columns


def test_date_units_and_split_units() -> None:
    assert units("2027年4月12日至2027年4月14日") == pytest.approx([3.4, 1.9, 3.4, 3.4, 1.9, 2.2])  # autospace
    assert len(units("2027-04-12至2027-04-14")) == 2 and len(units("培训2027年4月")) == 4
    assert splits_unit("2027年4月12日至2027年4月14日", 4.5)  # "12" fits after 4月, its 日 does not
    assert not splits_unit("2027年4月12日至2027年4月14日", 5.4)
    assert not splits_unit("安全生产月宣传咨询日", 3.0)
    assert unit_breaks("2027年4月12日至2027年4月14日", 4.5) == [5, 7, 11, 16]  # 4月14日 fits


def test_a_narrow_column_gets_width_the_table_height_does_not_need() -> None:
    """Column 0's cells are never the tallest: the shortest table leaves it at its minimum, three lines a cell;
    moving width to it from column 1 saves its lines without making the table taller."""
    em = 210
    rows = [[(0, [[em] * 6]), (1, [[em] * 36])] for _ in range(3)]
    widths = fitted([2 * em + 216, 2 * em + 216], rows, 12 * em + 432, em)
    assert widths[0] >= 3 * em + 216
