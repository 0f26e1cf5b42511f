"""An agency's own notice list (issue #12): Chinese headers, a title row, a 序号 column, one blank 单位名称."""

import json

import openpyxl
import pytest
from conftest import ROOT, docx_text

from docgen.batch import run_batch
from docgen.batch.report import FAILED
from docgen.cli import main

ROWS = 500
BLANK = 7  # the 7th unit has no name: sheet row 9 (title row 1, header row 2)
HEADER = ["序号", "单位名称", "单位编号", "所在地区", "申报名额", "预算额度（元）", "联系人", "电话", "截止日期"]
MAPS = ["单位名称=recipient.name", "电话=recipient.phone", "截止日期=recipient.deadline"]


def agency_sheet(path, rows=ROWS):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "发文名单"
    sheet.append(["2027 年度工伤预防项目申报通知发文名单"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append(HEADER)
    for i in range(1, rows + 1):
        name = None if i == BLANK else f"鄂尔多斯市第{i}安全生产协会"
        sheet.append([i, name, f"EEDS-{i:04d}", "东胜区", 1, 300000 + i, f"联系人{i}", f"0477-{8000000 + i}",
                      "2027-03-10"])
    book.save(path)
    return path


@pytest.fixture(scope="module")
def agency_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("agency")
    rows = agency_sheet(tmp / "名单.xlsx")
    out = tmp / "out"
    code = main(["batch", "notice", str(rows), "-o", str(out), "--base", str(ROOT / "examples" / "notice.json"),
                 "--name", "{row:03d}-{recipient.name}", "--jobs", "2", *[a for m in MAPS for a in ("--map", m)]])
    return rows, out, code


def test_499_notices_render_and_the_blank_unit_is_reported(agency_run):
    _rows, out, code = agency_run
    assert code == 1
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"] == {"total": 500, "rendered": 499, "skipped": 0, "failed": 1}
    assert len(list(out.glob("*.docx"))) == 499
    text = docx_text(out / "012-鄂尔多斯市第10安全生产协会.docx")
    assert "鄂尔多斯市第10安全生产协会" in text and "0477-8000010" in text and "联系人10" in text
    assert "鄂尔多斯市煤炭行业协会" not in text  # the base record's sample recipient is never printed
    errors = [r for r in openpyxl.load_workbook(out / "errors.xlsx").active.iter_rows(values_only=True)]
    assert errors[0] == ("行号", "单位", "列", "填写的值", "字段", "问题", "代码")
    assert {line[0] for line in errors[1:]} == {BLANK + 2}
    assert errors[1] == ((BLANK + 2, "（单位名称未填；序号：7）", "单位名称", "（空）", "收文单位名称",
                           "缺少必填项「收文单位名称」（name）", "schema.required"))


def test_failed_rows_keep_the_layout_and_come_back_with_resume(agency_run, tmp_path):
    rows, out, _code = agency_run
    book = openpyxl.load_workbook(out / FAILED)
    sheet = book.active
    lines = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert lines[0][0] == "2027 年度工伤预防项目申报通知发文名单"
    assert lines[1] == [*HEADER, "原行号"]
    assert lines[2][0] == BLANK and lines[2][1] is None and lines[2][-1] == BLANK + 2
    assert len(lines) == 3
    assert "收文单位名称" in sheet["B3"].comment.text and sheet["B3"].fill.fgColor.rgb.endswith("E699")
    sheet["B3"] = "鄂尔多斯市补报安全协会"
    fixed = tmp_path / "fixed.xlsx"
    book.save(fixed)
    code = main(["batch", "notice", str(fixed), "-o", str(out), "--base", str(ROOT / "examples" / "notice.json"),
                 "--name", "{row:03d}-{recipient.name}", "--resume", "--jobs", "1",
                 *[a for m in MAPS for a in ("--map", m)]])
    assert code == 0
    assert "鄂尔多斯市补报安全协会" in docx_text(out / "009-鄂尔多斯市补报安全协会.docx")
    assert not (out / "errors.xlsx").exists() and not (out / FAILED).exists()


def test_the_header_is_checked_once_before_any_row(tmp_path, capsys):
    rows = agency_sheet(tmp_path / "名单.xlsx", rows=3)
    out = tmp_path / "out"
    code = main(["batch", "notice", str(rows), "-o", str(out), "--base", str(ROOT / "examples" / "notice.json")])
    err = capsys.readouterr().err
    assert code == 1 and not out.exists() or not list(out.glob("*.docx"))
    assert err.count("缺少必填列") == 1 and "--map 单位名称=recipient.name" in err


def test_unknown_columns_warn_once_or_fail_with_strict_columns(tmp_path, capsys):
    rows = agency_sheet(tmp_path / "名单.xlsx", rows=3)
    args = ["batch", "notice", str(rows), "--base", str(ROOT / "examples" / "notice.json"),
            *[a for m in MAPS for a in ("--map", m)]]
    assert main([*args, "-o", str(tmp_path / "a")]) == 0  # three good rows; 序号 is ignored with a warning
    err = capsys.readouterr().err
    assert err.count("「序号」") == 1
    assert main([*args, "-o", str(tmp_path / "b"), "--strict-columns"]) == 1
    err = capsys.readouterr().err
    assert "未生成任何一行" in err and "「序号」" in err
    assert not list((tmp_path / "b").glob("*.docx"))


def test_base_record_errors_stop_the_run_once(tmp_path, capsys):
    base = json.loads((ROOT / "examples" / "notice.json").read_text(encoding="utf-8"))
    base["notice"]["year"] = "明年"
    base["notice"]["date"] = "2027-13-01"
    (tmp_path / "base.json").write_text(json.dumps(base, ensure_ascii=False), encoding="utf-8")
    rows = agency_sheet(tmp_path / "名单.xlsx", rows=20)
    code = main(["batch", "notice", str(rows), "-o", str(tmp_path / "out"), "--base", str(tmp_path / "base.json"),
                 *[a for m in MAPS for a in ("--map", m)]])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("/notice/year") == 1 and err.count("/notice/date") == 1
    assert not list((tmp_path / "out").glob("*.docx"))


def test_a_map_file_does_what_the_options_do(tmp_path):
    rows = agency_sheet(tmp_path / "名单.xlsx", rows=3)
    (tmp_path / "map.toml").write_text("[columns]\n" + "\n".join(f'"{m.split("=")[0]}" = "{m.split("=")[1]}"'
                                                                 for m in MAPS), encoding="utf-8")
    summary = run_batch("notice", rows, tmp_path / "out", base=ROOT / "examples" / "notice.json", jobs=1,
                        columns=__import__("docgen.batch.columns", fromlist=["x"]).parse_mappings(
                            [str(tmp_path / "map.toml")]))
    assert (summary.rendered, summary.failed) == (3, 0)


def test_a_notice_declares_its_own_recipient_fields_that_rows_fill(tmp_path):
    base = json.loads((ROOT / "examples" / "notice.json").read_text(encoding="utf-8"))
    base["notice"]["recipient_fields"] = [{"name": "address", "title": "地址"}, {"name": "doc_no", "title": "文号"}]
    base["notice"]["body"].append({"paragraph": "送达地址：{{ recipient.address }}（来文{{ recipient.doc_no }}）。"})
    (tmp_path / "base.json").write_text(json.dumps(base, ensure_ascii=False), encoding="utf-8")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*HEADER, "地址", "文号"])
    sheet.append([1, "甲协会", "EEDS-0001", "东胜区", 1, 300000, "王丽", "0477-1", "2027-03-10", "东胜区甲路 1 号", 17])
    sheet.append([2, "乙协会", "EEDS-0002", "东胜区", 1, 300000, "李海", "0477-2", "2027-03-10", None, 18])
    book.save(tmp_path / "名单.xlsx")
    out = tmp_path / "out"
    summary = run_batch("notice", tmp_path / "名单.xlsx", out, base=tmp_path / "base.json", jobs=1,
                        name_pattern="{row:03d}", columns=dict(m.split("=") for m in MAPS))
    assert (summary.rendered, summary.failed) == (1, 1)  # row 3's 地址 is blank: its placeholder cannot fill
    assert "送达地址：东胜区甲路 1 号（来文17）。" in docx_text(out / "002.docx")
    errors = [r for r in openpyxl.load_workbook(out / "errors.xlsx").active.iter_rows(values_only=True)]
    assert {line[0] for line in errors[1:]} == {3} and any("recipient.address" in str(line[5]) for line in errors)


def test_an_undeclared_recipient_field_is_a_finding():
    import docgen

    record = json.loads((ROOT / "examples" / "notice.json").read_text(encoding="utf-8"))
    record["recipient"]["adress"] = "东胜区"
    codes = {(f.path, f.code) for f in docgen.validate(record, "notice").findings}
    assert ("/recipient/adress", "notice.recipient_field_undeclared") in codes


def test_json_lines_get_failed_rows_jsonl_to_fix_and_pass_back_with_resume(tmp_path):
    from docgen.batch.report import FAILED_JSONL

    recipient = json.loads((ROOT / "examples" / "notice.json").read_text(encoding="utf-8"))["recipient"]
    lines = [json.dumps({"recipient": {**recipient, "name": name, "amount": 300000.5}}, ensure_ascii=False)
             for name in ("甲协会", None, "丙协会")]
    rows = tmp_path / "rows.jsonl"
    rows.write_text(lines[0] + "\n\n" + "\n".join(lines[1:]) + "\n", encoding="utf-8")  # row 2 is line 3
    out = tmp_path / "out"
    args = ["--base", str(ROOT / "examples" / "notice.json"), "-o", str(out), "--name", "{row:02d}", "--jobs", "1"]
    assert main(["batch", "notice", str(rows), *args]) == 1
    assert not (out / FAILED).exists()
    written = (out / FAILED_JSONL).read_text(encoding="utf-8")
    assert written == '{"原行号": 3, ' + lines[1][1:] + "\n"  # the object as written, its line number first
    failed = json.loads(written)
    failed["recipient"]["name"] = "乙协会"
    fixed = tmp_path / "fixed.jsonl"
    fixed.write_text(json.dumps(failed, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["batch", "notice", str(fixed), *args, "--resume"]) == 0
    assert "乙协会" in docx_text(out / "03.docx") and "甲协会" in docx_text(out / "01.docx")
    assert not (out / FAILED_JSONL).exists() and not (out / "errors.xlsx").exists()
