"""``docgen columns KIND [--xlsx FILE]``: the columns a batch reads, printed and as an empty sheet to fill."""

import openpyxl
from conftest import ROOT

from docgen.batch import run_batch
from docgen.cli import main


def test_columns_are_printed_with_titles_paths_and_whether_required(capsys):
    assert main(["columns", "notice"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("必填") and "收文单位名称" in line and "recipient.name" in line for line in lines)
    assert any(line.startswith("选填") and "联系人" in line and "recipient.contact" in line for line in lines)


def test_the_empty_sheet_is_a_header_a_batch_reads(tmp_path):
    path = tmp_path / "名单.xlsx"
    assert main(["columns", "notice", "--xlsx", str(path)]) == 0
    book = openpyxl.load_workbook(path)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["*收文单位名称", "单位编号", "所在地区"]
    assert sheet["A1"].comment.text.startswith("字段：recipient.name")
    recipient = {"*收文单位名称": "甲协会", "单位编号": "EEDS-0001", "所在地区": "东胜区", "申报名额": 1,
                 "预算额度（元）": 300000, "联系人": "王丽", "联系电话": "0477-1", "报送截止日期": "2027-03-10"}
    sheet.append([recipient.get(h) for h in header])
    book.save(path)
    summary = run_batch("notice", path, tmp_path / "out", base=ROOT / "examples" / "notice.json", jobs=1)
    assert (summary.rendered, summary.failed) == (1, 0)
