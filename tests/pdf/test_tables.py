"""Tables: merges, borders, repeated header rows, rows split across pages."""

from __future__ import annotations

import json
import re
from io import BytesIO

import docx
import pytest
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Pt
from pypdf import PdfReader

from docgen.pdf import typeset
from tests.conftest import ROOT
from tests.pdf.builders import (
    add_xml,
    chinese_document,
    lines_per_page,
    normalise,
    pages_text,
    text_positions,
    to_bytes,
    word_boxes,
)
from tests.pdf.shipped import long_budget_plan, rendered


def grid_table(document: docx.document.Document, rows: int, cols: int):
    table = document.add_table(rows=rows, cols=cols)
    table.style = "Table Grid"
    return table


def test_vertical_merge_centres_text_across_rows() -> None:
    document = chinese_document()
    table = grid_table(document, 3, 2)
    for row in range(3):
        table.cell(row, 1).text = "行" + "甲乙丙"[row]
    merged = table.cell(0, 0).merge(table.cell(1, 0))
    merged.text = "合并"
    merged.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    result = typeset(to_bytes(document))
    assert not [w for w in result.warnings if w.code.startswith("pdf.unsupported")]
    y = {text: y for text, _, y in text_positions(result.pdf)}
    assert y["行甲"] > y["合并"] > y["行乙"]
    assert normalise(pages_text(result.pdf)[0]).count("合并") == 1


def test_horizontal_merge_spans_grid_columns() -> None:
    document = chinese_document()
    table = grid_table(document, 2, 3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "横跨两列"
    table.cell(0, 2).text = "右"
    for col in range(3):
        table.cell(1, col).text = "列" + "甲乙丙"[col]
    tc = table.rows[0]._tr.findall(qn("w:tc"))
    assert len(tc) == 2  # python-docx wrote a gridSpan cell
    x = {text: x for text, x, _ in text_positions(typeset(to_bytes(document)).pdf)}
    assert x["右"] == x["列丙"]
    assert x["横跨两列"] == x["列甲"]


def test_header_row_repeats_and_rows_split_across_pages() -> None:
    document = chinese_document()
    table = grid_table(document, 1, 2)
    table.cell(0, 0).text, table.cell(0, 1).text = "序号", "内容"
    add_xml(table.rows[0]._tr.get_or_add_trPr(), "<w:tblHeader/>")
    for n in range(60):
        cells = table.add_row().cells
        cells[0].text = str(n + 1)
        cells[1].text = "工伤预防培训" * (6 if n == 40 else 1)
    result = typeset(to_bytes(document))
    pages = [normalise(page) for page in pages_text(result.pdf)]
    assert result.pages >= 2
    assert all(page.startswith("序号内容") for page in pages)
    assert "".join(pages).count("工伤预防培训") == 65


def test_tall_row_splits_between_lines() -> None:
    document = chinese_document()
    document.add_paragraph("前文")
    for _ in range(lines_per_page() - 14):  # 13 lines left: the 21-line cell must split
        document.add_paragraph("占位")
    table = grid_table(document, 1, 1)
    table.cell(0, 0).text = "第一行"
    for n in range(20):
        table.cell(0, 0).add_paragraph(f"单元格第{n}段")
    result = typeset(to_bytes(document))
    pages = [normalise(page) for page in pages_text(result.pdf)]
    assert result.pages == 2
    assert "第一行" in pages[0] and "单元格第19段" in pages[1]


def test_cell_borders_and_margins_from_xml() -> None:
    document = chinese_document()
    table = document.add_table(rows=1, cols=2)
    cell = table.cell(0, 0)
    cell.text = "左"
    table.cell(0, 1).text = "右"
    add_xml(
        cell._tc.get_or_add_tcPr(),
        '<w:tcBorders><w:bottom w:val="single" w:sz="16" w:color="0000FF"/></w:tcBorders>',
    )
    add_xml(cell._tc.get_or_add_tcPr(), '<w:tcMar><w:left w:w="400" w:type="dxa"/></w:tcMar>')
    result = typeset(to_bytes(document))
    x = {text: x for text, x, _ in text_positions(result.pdf)}
    assert x["左"] == document.sections[0].left_margin.pt + Pt(20).pt
    assert b"0 0 1 RG" in _content(result.pdf)


def _content(pdf: bytes) -> bytes:
    import io

    from pypdf import PdfReader

    return PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data()


def test_warning_names_table_row_and_cell() -> None:
    document = chinese_document()
    table = grid_table(document, 2, 2)
    table.cell(1, 1).text = "缺字\U00020000"
    warning = next(w for w in typeset(to_bytes(document)).warnings if w.code == "pdf.font.missing_glyph")
    assert warning.where == "table 1 row 2 cell 2 paragraph 1"


def test_vertical_merge_across_page_break_keeps_borders() -> None:
    document = chinese_document()
    for _ in range(lines_per_page() - 4):  # 4 lines left: the table's rows 5 and 6 go to page 2
        document.add_paragraph("占位")
    table = grid_table(document, 6, 2)
    table.cell(0, 0).merge(table.cell(5, 0)).text = "跨页合并"
    for row in range(6):
        table.cell(row, 1).text = "内容" + "甲乙丙丁戊己"[row]
    result = typeset(to_bytes(document))
    pages = [normalise(page) for page in pages_text(result.pdf)]
    assert result.pages == 2
    assert "跨页合并" in pages[0]
    assert "内容己" in pages[1]


def test_shared_cell_edges_are_drawn_once() -> None:
    # Issue #3: every inner edge of a grid was stroked twice, once by each cell beside it.
    document = chinese_document()
    table = grid_table(document, 2, 2)
    for cell in (c for row in table.rows for c in row.cells):
        cell.text = "格"
    pdf = typeset(to_bytes(document)).pdf
    content = PdfReader(BytesIO(pdf)).pages[0].get_contents().get_data().decode("latin-1")
    lines = re.findall(r"n ([\d.]+ [\d.]+) m ([\d.]+ [\d.]+) l S", content)
    assert len(lines) == len(set(lines)) == 12  # 3 horizontal and 3 vertical edges, each split in 2 cells


def _tokens(count: int) -> str:
    return " ".join(f"<{n:05d}>" for n in range(count))


def test_cell_longer_than_two_pages_loses_no_line_issue_17_1() -> None:
    """Issue #17.1: with no header row, the rest of a split row was placed whole and ran off page 2."""
    document = chinese_document()
    table = grid_table(document, 1, 2)
    table.cell(0, 0).text = "简介"
    table.cell(0, 1).text = _tokens(1714)
    result = typeset(to_bytes(document))
    found = re.findall(r"<(\d{5})>", "".join(pages_text(result.pdf)))
    assert found == [f"{n:05d}" for n in range(1714)]
    assert result.pages >= 4
    section = document.sections[0]
    foot = section.page_height.pt - section.bottom_margin.pt
    for page in range(result.pages):
        assert max(y1 for *_, y1 in word_boxes(result.pdf, page)) <= foot + 1
    assert not [w for w in result.warnings if w.code == "pdf.table.overflow"]


def test_header_row_taller_than_a_page_ends_and_keeps_its_text_issue_17_2() -> None:
    """Issue #17.2: a header row taller than a page was repeated on every new page, until memory ran out."""
    document = chinese_document()
    document.add_paragraph("前文")
    table = grid_table(document, 1, 2)
    table.cell(0, 0).text = "序号"
    table.cell(0, 1).text = "甲乙丙丁戊己庚辛壬癸" * 300 + "表头完"
    add_xml(table.rows[0]._tr.get_or_add_trPr(), "<w:tblHeader/>")
    for n in range(5):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(n), f"第{n}行内容"
    result = typeset(to_bytes(document))
    text = normalise("".join(pages_text(result.pdf)))
    assert text.count("甲") == 300 and "表头完" in text
    assert all(f"第{n}行内容" in text for n in range(5))
    assert text.count("序号") == 1  # a header taller than half a page is not repeated


def test_nested_table_taller_than_a_page_is_reported_not_dropped_silently() -> None:
    """Issue #17.1: what the PDF cannot place (an unbreakable nested table taller than a page) is a warning."""
    document = chinese_document()
    outer = grid_table(document, 1, 1)
    inner = outer.cell(0, 0).add_table(rows=lines_per_page() + 5, cols=1)
    for n, row in enumerate(inner.rows):
        row.cells[0].text = f"内表第{n}行"
    result = typeset(to_bytes(document))
    warning = next(w for w in result.warnings if w.code == "pdf.table.overflow")
    assert warning.where == "table 1 row 1" and "无法显示" in warning.message


def _ruled_table(size: int, rows: int = 6):
    """A document with a ``rows``-row table ruled at ``size`` eighths of a point, one line a row, then a paragraph."""
    document = chinese_document()
    table = document.add_table(rows=rows, cols=2)
    sides = ("top", "left", "bottom", "right", "insideH", "insideV")
    rules = "".join(f'<w:{side} w:val="single" w:sz="{size}" w:space="0" w:color="000000"/>' for side in sides)
    add_xml(table._tbl.tblPr, f"<w:tblBorders>{rules}</w:tblBorders>")
    for n, row in enumerate(table.rows):
        row.cells[0].text, row.cells[1].text = f"行{n}", "内容"
    document.add_paragraph("表后")
    return document


def _row_baselines(document) -> list[float]:
    pdf = typeset(to_bytes(document)).pdf
    return [y for text, _, y in text_positions(pdf) if text.startswith(("行", "表后"))]


def test_row_heights_include_the_rule_above_each_row_as_in_libreoffice_issue_15_3() -> None:
    """Issue #15.3: LibreOffice adds the width of each row's top rule (and the table's bottom rule) to the rows;
    ours did not, so a 40-row budget took a page less than LibreOffice's. Measured with LibreOffice 7.4: 3 pt rules
    make each row 2.5 pt taller than 0.5 pt rules, and the first row starts 2.5 pt lower."""
    thin, thick = _row_baselines(_ruled_table(4)), _row_baselines(_ruled_table(24))
    thin_pitch = [a - b for a, b in zip(thin, thin[1:], strict=False)]
    thick_pitch = [a - b for a, b in zip(thick, thick[1:], strict=False)]
    assert [b - a for a, b in zip(thin_pitch, thick_pitch, strict=True)] == pytest.approx([2.5] * 6, abs=0.01)
    assert thin[0] - thick[0] == pytest.approx(2.5, abs=0.01)


def test_a_row_whose_paragraphs_cannot_leave_two_lines_on_each_page_moves_whole() -> None:
    """Widow/orphan control inside cells, as LibreOffice applies it: a row of three-line paragraphs is not split
    into two lines and one: the paragraph goes to the next page whole."""
    document = chinese_document()
    for _ in range(lines_per_page() - 2):  # two lines left on page 1
        document.add_paragraph("占位")
    table = grid_table(document, 1, 2)
    table.cell(0, 0).text = "标签"
    table.cell(0, 1).text = "三行段落" * 10  # 16 characters a line: 16 + 16 + 8
    result = typeset(to_bytes(document))
    pages = [normalise(page) for page in pages_text(result.pdf)]
    assert "三行段落" not in pages[0]
    assert pages[1].count("三行段落") == 10


def test_the_budget_heading_rows_repeat_on_every_page_the_budget_continues_on_issue_15_3() -> None:
    """Issue #15.3: only the budget's third row was marked as a heading, which neither Word nor LibreOffice nor
    docgen repeats; the three heading rows (申报资金, 支出明细, 科目/明细/金额) now head every page of the table."""
    result = typeset(long_budget_plan(40))
    pages = [normalise(page) for page in pages_text(result.pdf)]
    budget = [n for n, page in enumerate(pages) if "申报资金预算支出明细" in page]
    assert len(budget) >= 4
    assert budget == list(range(budget[0], budget[-1] + 1))
    for n in budget[1:]:
        assert re.match(r"申报资金（万元）[\d.]+申报资金预算支出明细科目明细金额（万元）", pages[n]), pages[n][:60]


def _cell_lines(text: str) -> list[str]:
    """The lines our engine draws for ``text`` in the right cell of a two-column grid table."""
    document = chinese_document()
    table = grid_table(document, 1, 2)
    table.cell(0, 0).text, table.cell(0, 1).text = "左", text
    positions = text_positions(typeset(to_bytes(document)).pdf)
    left = min(x for t, x, _ in positions if t != "左" and x > 200)
    lines: dict[float, str] = {}
    for t, x, y in positions:
        if x >= left:
            lines[y] = lines.get(y, "") + t
    return [lines[y] for y in sorted(lines, reverse=True)]


def test_closing_punctuation_never_hangs_past_a_cell_border_issue_15_3() -> None:
    """Issue #15.3: punctuation hung past the right margin, as Word lets it in body text, crossed cell borders in
    14 places; in a cell the character before it now goes to the next line with it (禁则 at the cell's width)."""
    full = len(_cell_lines("甲" * 200)[0])
    lines = _cell_lines("甲" * full + "，乙乙乙。")
    assert lines[0] == "甲" * (full - 1)
    assert lines[1] == "甲，乙乙乙。"
    assert not [line for line in _cell_lines(("丙" * (full - 1) + "。") * 6) if line[0] in "，。、；：）」"]


def test_a_label_cell_never_leaves_one_character_alone_on_its_last_line_issue_15_3() -> None:
    """Issue #15.3: 申报单位类/型, 法定代表/人 — a last line of one character is balanced with the line before,
    keeping the number of lines (the row's height, and so the page count, stays LibreOffice's)."""
    full = len(_cell_lines("甲" * 200)[0])
    lines = _cell_lines("丁" * (full + 1))
    assert len(lines) == 2 and min(len(line) for line in lines) >= 2
    pdf = typeset(rendered("application", "examples/project.json")).pdf
    fragments = [text for text, _, _ in text_positions(pdf)]
    for label in ("申报单位类型", "法定代表人", "组织机构代码"):
        start = next(n for n, text in enumerate(fragments) if label.startswith(text) and len(text) >= 2)
        pieces = fragments[start : start + 2] if fragments[start] != label else [label]
        assert "".join(pieces) == label and all(len(piece) >= 2 for piece in pieces), pieces


def test_the_activity_tables_organisation_column_holds_seven_characters_a_line_or_more_issue_15_3() -> None:
    """Issue #15.3: the 实施方案's 组织形式 column was 15 mm wide, 3–5 characters a line, rows 60–70 mm tall."""
    data = rendered("plan", "examples/project.json")
    table = next(t for t in docx.Document(BytesIO(data)).tables if "组织形式" in [c.text for c in t.rows[0].cells])
    grid = [int(col.get(qn("w:w"))) / 20 for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    left = docx.Document(BytesIO(data)).sections[0].left_margin.pt + sum(grid[:3])
    right = left + grid[3]
    assert grid[3] * 25.4 / 72 >= 25  # mm
    pdf = typeset(data).pdf
    lengths = []
    for page in range(len(PdfReader(BytesIO(pdf)).pages)):
        lines: dict[float, str] = {}
        for text, x, y in text_positions(pdf, page):
            if left < x < right:
                lines[y] = lines.get(y, "") + text
        lengths += [len(line) for line in lines.values() if line != "组织形式"]
    lengths.sort()
    assert len(lengths) >= 20 and lengths[len(lengths) // 2] >= 7, lengths


def _vertical_rules(pdf: bytes, page: int) -> list[tuple[float, float, float]]:
    """(x, top, bottom) of each vertical rule drawn on ``page``, y from the top as pdftotext gives it."""
    reader = PdfReader(BytesIO(pdf))
    height = float(reader.pages[page].mediabox.height)
    content = reader.pages[page].get_contents().get_data().decode("latin-1")
    found = []
    for match in re.finditer(r"([\d.]+) ([\d.]+) m ([\d.]+) ([\d.]+) l S", content):
        x1, y1, x2, y2 = map(float, match.groups())
        if abs(x1 - x2) < 0.01:
            found.append((x1, height - max(y1, y2), height - min(y1, y2)))
    return found


@pytest.mark.parametrize("kind", ["application", "feasibility", "plan", "acceptance", "agreement"])
def test_no_text_of_a_shipped_form_crosses_a_cell_border_issue_15_3(kind: str) -> None:
    """Issue #15.3: hanging punctuation crossed cell borders in 14 places of the filing packet (measured so:
    a word pdftotext finds with a vertical rule running through it)."""
    example = {"agreement": "examples/agreement-two-party.json", "acceptance": "examples/acceptance-pass.json"}
    pdf = typeset(rendered(kind, example.get(kind, "examples/project.json"))).pdf
    crossing = []
    for page in range(len(PdfReader(BytesIO(pdf)).pages)):
        rules = _vertical_rules(pdf, page)
        for text, x0, y0, x1, y1 in word_boxes(pdf, page):
            middle = (y0 + y1) / 2
            if any(x0 + 0.5 < x < x1 - 0.5 and top <= middle <= bottom for x, top, bottom in rules):
                crossing.append((page + 1, text))
    assert crossing == []


def _plan_dates() -> set[str]:
    """The dates of the example plan's activities and courses, as the tables write them (2027年4月12日)."""
    plan = json.loads((ROOT / "examples" / "project.json").read_text("utf-8"))["plan"]
    rows = [*plan["publicity"]["online"], *plan["publicity"]["offline"], *plan["training"]]
    return {f"{int(y)}年{int(m)}月{int(d)}日" for row in rows for key in ("date", "end_date")
            for y, m, d in [row[key].split("-")]}


def _date_column_lines(pdf: bytes) -> list[str]:
    """The printed lines of the 时间 columns of a PDF's tables, top to bottom, page by page.

    A 时间 column lies between the rule left of its heading and the 地点 heading to its right, down to the next
    heading row or the page number.
    """
    lines: list[str] = []
    for page in range(len(PdfReader(BytesIO(pdf)).pages)):
        found = text_positions(pdf, page)
        height = float(PdfReader(BytesIO(pdf)).pages[page].mediabox.height)
        rules = _vertical_rules(pdf, page)
        headings = sorted(((x, y) for text, x, y in found if text == "时间"), key=lambda at: -at[1])
        for k, (left, top) in enumerate(headings):
            right = min(x for text, x, y in found if text == "地点" and abs(y - top) < 1)
            left = max(x for x, upper, lower in rules if x < left and upper <= height - top <= lower)
            folio = max((y for text, _, y in found if text == "—"), default=0.0)  # the page number: —2—
            bottom = headings[k + 1][1] if k + 1 < len(headings) else folio
            by_y: dict[float, list[tuple[float, str]]] = {}
            for text, x, y in found:
                if left < x < right - 2 and bottom < y < top - 1 and re.fullmatch("[0-9年月日至]+", text):
                    by_y.setdefault(round(y, 1), []).append((x, text))
            lines += ["".join(text for _, text in sorted(by_y[y])) for y in sorted(by_y, reverse=True)]
    return lines


def test_the_dates_of_the_activity_and_training_tables_break_only_between_units() -> None:
    """A typist breaks "2027年4月12日至2027年4月14日" only between its units: "2027年4月" / "12日至" / ….

    Never "2027" at a line's end and its 年 on the next, nor "12" parted from 日. Before the 时间 column was
    fitted, dates read "2027 / 年4 / 月12 / 日至"; with each date kept whole the column took "2027年10月19日至"
    (9.2 ems) from the text columns and the plan grew from 8 pages to 9.
    """
    pdf = typeset(rendered("plan", "examples/project.json")).pdf
    lines = _date_column_lines(pdf)
    assert [line for line in lines if not re.fullmatch(r"(?:\d{4}年|\d{1,2}[月日]至?)+", line)] == []
    dates = _plan_dates()
    assert len(dates) == 14
    assert [date for date in sorted(dates) if date not in "".join(lines)] == []
    assert max(len(line) for line in lines) < len("2027年4月12日")  # the column is narrower than a whole date


def _signature_rows(document, kept: bool):
    """Three two-line rows that cannot split; with ``kept``, the paragraphs of all but the last keep with the next."""
    table = grid_table(document, 3, 2)
    for n, row in enumerate(table.rows):
        add_xml(row._tr.get_or_add_trPr(), "<w:cantSplit/>")
        row.cells[0].text = "甲乙丙"[n] + "方（盖章）："
        row.cells[1].add_paragraph("日期：")
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = kept and n < 2
    return table


@pytest.mark.parametrize("kept", [True, False])
def test_rows_of_keep_with_next_paragraphs_move_to_the_next_page_together(kept: bool) -> None:
    """Word's "keep table together" (cantSplit rows, keepNext paragraphs): a signature table never splits; it moves
    to the next page whole when it fits there. Without keepNext the rows fill page 1 first."""
    document = chinese_document()
    for _ in range(lines_per_page() - 3):  # room for one two-line row, not three
        document.add_paragraph("占位")
    _signature_rows(document, kept)
    pages = [normalise(page) for page in pages_text(typeset(to_bytes(document)).pdf)]
    parties = [[page.count(f"{party}方（盖章）") for party in "甲乙丙"] for page in pages]
    assert parties == ([[0, 0, 0], [1, 1, 1]] if kept else [[1, 0, 0], [0, 1, 1]])


def test_the_three_party_signature_table_stays_on_one_page_with_its_date_line() -> None:
    """The 服务协议's signature rows are kept together in the template (cantSplit, keepNext) and in our PDF."""
    docx_bytes = rendered("agreement", "examples/agreement-three-party.json")
    table = docx.Document(BytesIO(docx_bytes)).tables[-1]
    assert [row.cells[0].paragraphs[0].text[:2] for row in table.rows] == ["甲方", "乙方", "丙方"]
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    assert all(p.paragraph_format.keep_with_next for row in table.rows[:-1] for c in row.cells for p in c.paragraphs)
    pages = [normalise(page) for page in pages_text(typeset(docx_bytes).pdf)]
    holding = [n for n, page in enumerate(pages) for key in ("签订日期", "甲方（盖章）", "乙方（盖章）", "丙方（盖章）")
               if key in page]
    assert holding == [len(pages) - 1] * 4


def test_the_acceptance_signature_block_keeps_its_lines_together() -> None:
    """The 评估验收报告 signs with paragraphs, not a table: the blank line and each signature line keep with the next,
    so 组长, 盖章 and 日期 always share a page."""
    document = docx.Document(BytesIO(rendered("acceptance", "examples/acceptance-pass.json")))
    paragraphs = document.paragraphs
    last = next(n for n, p in enumerate(paragraphs) if p.text.startswith("日期："))
    block = paragraphs[last - 3 : last + 1]
    assert [p.text[:4] for p in block] == ["", "验收组组", "社会保险", "日期：　"]
    assert [bool(p.paragraph_format.keep_with_next) for p in block] == [True, True, True, False]
