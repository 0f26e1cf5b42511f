"""Sheet quirks (issue #11): each is read as Excel shows it or becomes a problem naming the cell."""

import io

import openpyxl
import pytest

from docgen.batch.progress import progress_display
from docgen.batch.report import write_errors
from docgen.batch.rows import open_table, read_rows
from docgen.batch.worker import Problem
from docgen.errors import UsageError

HEADER = ["收文单位名称", "单位编号", "所在地区", "", "申报名额"]


def quirky_book(path):
    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "旧名单"
    hidden.append(["recipient.name"])
    hidden.append(["不应读到的单位"])
    hidden.sheet_state = "hidden"
    sheet = book.create_sheet("名单")
    sheet.append(HEADER)
    sheet.append(["甲单位", 12, "东胜区", "备注一", 1])
    sheet.append(["=CONCAT(\"乙\",\"单位\")", 13, "康巴什区", None, 2])   # a formula openpyxl saves with no result
    sheet.append(["丙单位", 14, None, None, 3])
    sheet.append(["丁单位", 15, None, "备注二", 4])
    sheet.merge_cells("C3:C5")
    for row in range(2, 6):
        sheet.cell(row, 2).number_format = "0000"
    book.active = 1
    book.save(path)
    return path


def test_quirks_are_read_as_excel_shows_them_or_named(tmp_path):
    table = open_table(quirky_book(tmp_path / "q.xlsx"), kind="notice")
    assert table.sheet == "名单"
    assert table.survey() == 4
    notes = "\n".join(table.notes)
    assert "读取工作表「名单」" in notes and "旧名单（隐藏）" in notes
    assert "合并单元格 C3:C5：按 Excel 的显示，其中每一行都读作「康巴什区」" in notes
    assert "第 D 列没有列名，其中 2 个有内容的单元格未读取" in notes
    rows = list(read_rows(table))
    assert [r.cells["recipient.code"] for r in rows] == ["0012", "0013", "0014", "0015"]  # 0000 format
    assert [r.cells["recipient.region"] for r in rows] == ["东胜区", "康巴什区", "康巴什区", "康巴什区"]
    formula = rows[1]
    assert formula.cells["recipient.name"] is None
    assert len(formula.problems) == 1 and formula.problems[0].column == "recipient.name"
    assert formula.problems[0].message.startswith("A3 是公式") and "没有它的计算结果" in formula.problems[0].message
    assert all("不应读到的单位" not in str(r.cells) for r in rows)


def test_an_unknown_sheet_name_lists_the_sheets(tmp_path):
    with pytest.raises(UsageError, match="旧名单、名单"):
        open_table(quirky_book(tmp_path / "q.xlsx"), kind="notice", sheet="名册")


def test_title_rows_are_skipped_or_the_header_row_is_given(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["某某通知名单"])
    sheet.append([])
    sheet.append(["序号", "联系人", "收文单位名称"])
    sheet.append([1, "王丽", "甲"])
    book.save(tmp_path / "t.xlsx")
    table = open_table(tmp_path / "t.xlsx", kind="notice")
    assert table.header_row == 3 and table.header.paths == (None, "recipient.contact", "recipient.name")
    assert [r.cells for r in read_rows(table)] == [{"recipient.contact": "王丽", "recipient.name": "甲"}]
    forced = open_table(tmp_path / "t.xlsx", kind="notice", header_row=1)
    assert forced.header_row == 1 and forced.header.unknown


def test_reports_hold_control_characters_and_never_run_formulas(tmp_path):
    problems = [Problem(2, "recipient.name", "收文单位名称", "含控制字符\x1f的值", "schema.x"),
                Problem(3, "recipient.name", "收文单位名称", "=HYPERLINK(\"http://x\")", "schema.y")]
    written = write_errors(tmp_path, problems)
    assert [p.name for p in written] == ["errors.xlsx", "errors.csv"]
    sheet = openpyxl.load_workbook(tmp_path / "errors.xlsx").active
    assert sheet["F2"].value == "含控制字符\\x1f的值"
    assert sheet["F3"].data_type == "s" and sheet["F3"].value.startswith("=HYPERLINK")
    assert "'=HYPERLINK" in (tmp_path / "errors.csv").read_text(encoding="utf-8-sig")


def test_progress_off_a_terminal_is_a_plain_line():
    stream = io.StringIO()
    with progress_display(stream, every=0) as update:
        update(1, 3, 0)
        update(3, 3, 1)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("进度：1/3 行") and lines[-1].startswith("进度：3/3 行") and lines[-1].endswith("失败 1 行")


def test_progress_on_a_terminal_stays_as_a_summary_bar():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    with progress_display(stream) as update:
        update(2, 4, 1)
        update(4, 4, 1)
    text = stream.getvalue()
    assert "4/4" in text and "行/秒" in text and "失败 1 行" in text
