import csv
import json

import openpyxl
import pytest
from conftest import docx_text, write_csv, write_xlsx

from docgen.batch import run_batch, storage
from docgen.batch.manifest import JournalIndex
from docgen.errors import OutputError, UsageError

HEADER = ["applicant.name", "finance.contributions_last_year", "budget.items.0.amount", "applicant.nmae"]
ROWS = [
    ["第一公司", "12846520.00", 20000, ""],              # row 2: good
    ["第二公司", "abc", "", ""],                          # row 3: bad money
    ["第三公司", "", "-5", "typo"],                       # row 4: blank money, negative amount
    ["第四公司", 12846520, 20000, ""],                    # row 5: good (numbers from Excel)
]


@pytest.fixture
def rows_xlsx(tmp_path):
    return write_xlsx(tmp_path / "rows.xlsx", HEADER, ROWS)


def run(rows, out, base, **options):
    options.setdefault("jobs", 1)
    options.setdefault("name_pattern", "{row:03d}-{applicant.name}")
    return run_batch("application", rows, out, base=base, **options)


def test_bad_rows_are_reported_and_good_rows_render(tmp_path, rows_xlsx, base_path):
    out = tmp_path / "out"
    summary = run(rows_xlsx, out, base_path)
    assert (summary.total, summary.rendered, summary.failed, summary.skipped) == (4, 2, 2, 0)
    assert not summary.ok
    assert sorted(p.name for p in out.glob("*.docx")) == ["002-第一公司.docx", "005-第四公司.docx"]
    assert "第四公司" in docx_text(out / "005-第四公司.docx")
    sheet = openpyxl.load_workbook(out / "errors.xlsx").active
    lines = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert lines[0] == ("行号", "单位", "列", "填写的值", "字段", "问题", "代码")
    by_row = {(line[0], line[2]): line for line in lines[1:]}
    assert by_row[(3, "finance.contributions_last_year")][1:4] == ("第二公司", "finance.contributions_last_year", "abc")
    assert by_row[(3, "finance.contributions_last_year")][6] == "schema.format"
    assert by_row[(3, "finance.contributions_last_year")][4] == "上年度缴纳工伤保险费（元）"
    assert by_row[(4, "budget.items.0.amount")][3] == "-5"
    assert by_row[(4, "finance.contributions_last_year")][3:7:3] == ("（空）", "schema.required")
    assert {line[0] for line in lines[1:]} == {3, 4}
    assert any("applicant.nmae" in w and "applicant.name" in w for w in summary.warnings)  # once, not per row
    with (out / "errors.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert [tuple(r) for r in csv.reader(fh)][1:] == [tuple(_csv_shown(v) for v in line) for line in lines[1:]]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [r["row"] for r in manifest["rows"]] == [2, 3, 4, 5]
    assert manifest["counts"] == {"total": 4, "rendered": 2, "skipped": 0, "failed": 2}


def _csv_shown(value):
    """A report cell as errors.csv holds it: text a spreadsheet would run (here "-5") gets an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@")) else text


def test_all_good_rows_exit_ok_and_leave_no_errors_files(tmp_path, base_path):
    rows = write_csv(tmp_path / "rows.csv", ["applicant.name"], [["甲"], ["乙"]])
    out = tmp_path / "out"
    (out).mkdir()
    (out / "errors.csv").write_text("stale")
    summary = run(rows, out, base_path)
    assert summary.ok and summary.rendered == 2 and summary.errors_files == []
    assert not (out / "errors.csv").exists()
    assert "共 2 行：生成 2 行" in summary.line()


def test_resume_skips_unchanged_rows_and_rerenders_changed_ones(tmp_path, base_path):
    rows = write_csv(tmp_path / "rows.csv", ["applicant.name"], [["甲"], ["乙"], ["丙"]])
    out = tmp_path / "out"
    run(rows, out, base_path, name_pattern="{row:03d}")
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.docx")}
    write_csv(rows, ["applicant.name"], [["甲"], ["乙（已改）"], ["丙"]])
    (out / "004.docx").write_bytes(b"tampered")  # an output that no longer matches its hash is redone
    summary = run(rows, out, base_path, name_pattern="{row:03d}", resume=True)
    assert (summary.rendered, summary.skipped) == (2, 1)
    assert (out / "002.docx").stat().st_mtime_ns == before["002.docx"]
    assert "乙（已改）" in docx_text(out / "003.docx")
    assert "丙" in docx_text(out / "004.docx")
    again = run(rows, out, base_path, name_pattern="{row:03d}", resume=True)
    assert (again.rendered, again.skipped) == (0, 3)


def test_unsafe_names_from_the_sheet_stay_inside_the_folder(tmp_path, base_path):
    names = ["../x", "a/b", "CON", "名称:*?", "名" * 300, "甲", "甲"]
    rows = write_csv(tmp_path / "rows.csv", ["project.number"], [[n] for n in names])
    out = tmp_path / "out"
    summary = run(rows, out, base_path, name_pattern="{project.number}")
    assert summary.rendered == len(names)
    files = sorted(p.name for p in out.glob("*.docx"))
    assert len(files) == len(names)
    assert {"_x.docx", "a_b.docx", "_CON.docx", "名称___.docx", "甲.docx", "甲-2.docx"} <= set(files)
    assert not (tmp_path / "x.docx").exists()
    assert [p for p in tmp_path.rglob("*.docx") if p.parent != out] == []


def test_parallel_workers_render_the_same_bytes(tmp_path, base_path):
    rows = write_csv(tmp_path / "rows.csv", ["applicant.name"], [[f"公司{i}"] for i in range(20)])
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    run(rows, serial, base_path, jobs=1)
    summary = run(rows, parallel, base_path, jobs=2)
    assert summary.rendered == 20
    for path in serial.glob("*.docx"):
        assert (parallel / path.name).read_bytes() == path.read_bytes()


def test_progress_callback_sees_every_row(tmp_path, base_path):
    rows = write_csv(tmp_path / "rows.csv", ["applicant.name"], [["甲"], ["乙"], ["丙"]])
    seen = []
    run(rows, tmp_path / "out", base_path, progress=lambda done, total, failed: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


@pytest.mark.parametrize(("options", "message"), [
    ({"to": ("odt",)}, "不支持的输出格式"),
    ({"name_pattern": "fixed"}, "至少要含一个字段"),
], ids=["format", "pattern"])
def test_bad_options_are_usage_errors(tmp_path, base_path, options, message):
    rows = write_csv(tmp_path / "rows.csv", ["applicant.name"], [["甲"]])
    with pytest.raises(UsageError, match=message):
        run(rows, tmp_path / "out", base_path, **options)


def test_a_name_longer_than_word_properties_allow_renders(tmp_path, base_path):
    # Regression: python-docx refuses core properties over 255 characters; such a row used to fail.
    rows = write_csv(tmp_path / "rows.csv", ["applicant.name"], [["名" * 300], ["甲"]])
    summary = run(rows, tmp_path / "out", base_path)
    assert (summary.rendered, summary.failed) == (2, 0)


def test_a_file_that_cannot_be_written_stops_the_run_and_journals_no_row_without_its_files(
        tmp_path, base_path, monkeypatch):
    rows = write_csv(tmp_path / "rows.csv", ["applicant.name"], [[f"第{i}号公司"] for i in range(12)])
    out = tmp_path / "out"
    written = []

    def write_atomic(path, data):
        if len(written) == 8:  # the second chunk's first file (chunks of 8 rows)
            raise OutputError(f"无法写入 {path}：磁盘已满")
        written.append(path.name)
        return real_write(path, data)

    real_write = storage.write_atomic
    monkeypatch.setattr(storage, "write_atomic", write_atomic)
    with pytest.raises(OutputError, match="磁盘已满"):
        run_batch("plan", rows, out, base=base_path, jobs=1)
    assert not out.exists()  # issue #11: a failed run rolls back, its journal and the rows it wrote included

    monkeypatch.setattr(storage, "write_atomic", real_write)
    summary = run_batch("plan", rows, out, base=base_path, jobs=1, resume=True)
    assert (summary.skipped, summary.rendered) == (0, 12)
    assert len(JournalIndex(out)) == 12


def test_notice_rows_from_json_lines_render_without_a_header_line(tmp_path):
    """Regression: a .jsonl file has no header line, so every notice batch from JSON Lines failed the header check
    with 缺少必填列「收文单位名称」 although each row gave the recipient whole."""
    from conftest import ROOT, write_jsonl

    recipient = json.loads((ROOT / "examples" / "notice.json").read_text(encoding="utf-8"))["recipient"]
    rows = write_jsonl(tmp_path / "rows.jsonl", [{"recipient": {**recipient, "name": name}} for name in ("甲协会", "乙协会")])
    summary = run_batch("notice", rows, tmp_path / "out", base=ROOT / "examples" / "notice.json", jobs=1,
                        name_pattern="{row:02d}-{recipient.name}")
    assert summary.ok and summary.rendered == 2
    assert "甲协会" in docx_text(tmp_path / "out" / "01-甲协会.docx")
    assert "乙协会" in docx_text(tmp_path / "out" / "02-乙协会.docx")
