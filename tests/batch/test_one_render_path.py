"""#10: ``render`` and ``batch`` give the same documents, findings and layout notes for the same record."""

import copy
import json
from pathlib import Path

import openpyxl
import pytest
from conftest import write_csv, write_jsonl

import docgen
from docgen.batch import run_batch
from docgen.batch.worker import column_of
from docgen.cli import main
from tests.conftest import FIXTURES, load_json

RARE = "𪚥"  # no shipped or system font draws it: a glyph finding and a layout note


@pytest.fixture
def notice():
    return load_json(FIXTURES / "notice.json")


def _recipients(path: Path, notice: dict, names: list[str]) -> Path:
    """A sheet of recipients: the fixture's recipient under each name (a notice row gives its recipient whole)."""
    columns = [f"recipient.{key}" for key in notice["recipient"]]
    rows = [[name, *list(notice["recipient"].values())[1:]] for name in names]
    return write_csv(path, columns, rows)


def _warnings(out: Path) -> list[tuple]:
    sheet = openpyxl.load_workbook(out / "warnings.xlsx").active
    lines = [tuple("" if v is None else v for v in row) for row in sheet.iter_rows(values_only=True)]
    assert lines[0] == ("行号", "列", "字段", "级别", "问题", "代码")
    return lines[1:]


def test_batch_reports_the_findings_and_layout_notes_render_prints(tmp_path, notice):
    notice["notice"]["year"] = 2026  # a rule warning
    record = copy.deepcopy(notice)
    record["recipient"]["name"] = f"{RARE}县人力资源和社会保障局"  # a glyph gap
    rendered = docgen.render(record, "notice", to=["docx", "pdf"])
    assert {"notice.year_mismatch", "pdf.missing_glyph"} <= {f.code for f in rendered.report.findings}
    assert any(n.code == "pdf.font.missing_glyph" and n.where for n in rendered.layout)

    out = tmp_path / "out"
    rows = _recipients(tmp_path / "rows.csv", notice, [record["recipient"]["name"]])
    summary = run_batch("notice", rows, out, base=notice, to=("docx", "pdf"), jobs=1, name_pattern="{row}")

    assert summary.ok and summary.rendered == 1 and summary.noted == 1
    expected = [(2, column_of(f.path), f.label, "警告", f.message, f.code) for f in rendered.report.findings]
    expected += [(2, "", n.where, "警告", n.message, n.code) for n in rendered.layout if n.where]
    assert _warnings(out) == expected
    assert [(n.code, n.message) for n in summary.layout] == [(n.code, n.message) for n in rendered.layout
                                                             if not n.where]
    document = rendered.documents[0]
    assert (out / "2.docx").read_bytes() == document.data
    assert (out / "2.pdf").read_bytes() == document.pdf
    assert "行有警告，见" in summary.line()


def test_resume_keeps_the_warnings_of_rows_it_skips(tmp_path, notice):
    rows = _recipients(tmp_path / "rows.csv", notice, [f"{RARE}局", "乙局"])
    out = tmp_path / "out"
    first = run_batch("notice", rows, out, base=notice, to=("pdf",), jobs=1)
    again = run_batch("notice", rows, out, base=notice, to=("pdf",), jobs=1, resume=True)
    assert (again.skipped, again.noted) == (2, first.noted) and first.noted == 1
    assert {line[0] for line in _warnings(out)} == {2}


def test_force_renders_rows_with_rule_errors_and_reports_them(tmp_path, base_path, capsys):
    rows = write_jsonl(tmp_path / "rows.jsonl", [{"applicant.name": "甲"},
                                                 {"applicant.name": "乙", "finance.contributions_last_year": "1000.00"}])
    plain, forced = tmp_path / "plain", tmp_path / "forced"
    args = ["batch", "application", str(rows), "--base", str(base_path), "--jobs", "1"]
    assert main([*args, "-o", str(plain)]) == 1
    assert sorted(p.name for p in plain.glob("*.docx")) == ["00001.docx"]
    assert main([*args, "-o", str(forced), "--force"]) == 1  # rendered, but the data still has errors
    assert sorted(p.name for p in forced.glob("*.docx")) == ["00001.docx", "00002.docx"]
    assert not (forced / "errors.xlsx").exists()
    over_cap = [line for line in _warnings(forced) if line[5] == "budget.over_cap"]
    assert [(line[0], line[3]) for line in over_cap] == [(2, "错误")]
    assert "其中 1 行有错误但按 --force 生成" in capsys.readouterr().out
    manifest = json.loads((forced / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["forced"] == 1


def test_fonts_folder_is_used_by_batch_as_by_render(tmp_path, notice, capsys):
    zenhei = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
    if not zenhei.is_file():
        pytest.skip("fonts-wqy-zenhei not installed")
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "simhei.ttf").symlink_to(zenhei)  # a folder that has 黑体 under its own file name
    notes = [n for n in docgen.render(notice, "notice", to=["pdf"], fonts=fonts).layout if not n.where]
    assert not any("黑体" in n.message for n in notes)
    rows = _recipients(tmp_path / "rows.csv", notice, ["甲局"])
    args = ["batch", "notice", str(rows), "--base", str(FIXTURES / "notice.json"), "--to", "pdf", "--jobs", "1"]
    assert main([*args, "-o", str(tmp_path / "without")]) == 0
    without = capsys.readouterr().err
    assert main([*args, "-o", str(tmp_path / "with"), "--fonts", str(fonts)]) == 0
    with_fonts = capsys.readouterr().err
    assert "未找到黑体字体文件" in without and "未找到黑体字体文件" not in with_fonts
    assert with_fonts.count("[排版]") == len(notes)
