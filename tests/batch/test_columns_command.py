"""``docgen columns KIND [--xlsx FILE]``: the columns a batch reads, printed and as an empty sheet to fill."""

import json

import docx
import openpyxl
from conftest import ROOT

from docgen.batch import run_batch
from docgen.cli import main


def test_columns_are_printed_with_titles_paths_and_whether_required(capsys):
    assert main(["columns", "notice"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("必填") and "收文单位名称" in line and "recipient.name" in line for line in lines)
    assert any(line.startswith("选填") and "联系人" in line and "recipient.contact" in line for line in lines)


def test_the_empty_sheet_is_a_header_a_batch_reads_with_the_bases_declared_fields(tmp_path, capsys):
    base = json.loads((ROOT / "examples" / "notice.json").read_text(encoding="utf-8"))
    base["notice"]["recipient_fields"] = [{"name": "address", "title": "地址"}]
    base["notice"]["body"].append({"paragraph": "送达地址：{{ recipient.address }}。"})
    (tmp_path / "base.json").write_text(json.dumps(base, ensure_ascii=False), encoding="utf-8")
    path = tmp_path / "名单.xlsx"
    assert main(["columns", "notice", "--base", str(tmp_path / "base.json"), "--xlsx", str(path)]) == 0
    assert any(line.startswith("选填") and "地址" in line and "recipient.address" in line
               for line in capsys.readouterr().out.splitlines())
    book = openpyxl.load_workbook(path)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["*收文单位名称", "单位编号", "所在地区"] and header[-1] == "地址"
    assert sheet["A1"].comment.text.startswith("字段：recipient.name")
    assert sheet.cell(1, len(header)).comment.text.startswith("字段：recipient.address")
    recipient = {"*收文单位名称": "甲协会", "单位编号": "EEDS-0001", "所在地区": "东胜区", "申报名额": 1,
                 "预算额度（元）": 300000, "联系人": "王丽", "联系电话": "0477-1", "报送截止日期": "2027-03-10",
                 "地址": "东胜区甲路 1 号"}
    sheet.append([recipient.get(h) for h in header])
    book.save(path)
    out = tmp_path / "out"
    summary = run_batch("notice", path, out, base=tmp_path / "base.json", jobs=1)
    assert (summary.rendered, summary.failed) == (1, 0)
    text = "\n".join(p.text for p in docx.Document(next(out.glob("*.docx"))).paragraphs)
    assert "送达地址：东胜区甲路 1 号。" in text
