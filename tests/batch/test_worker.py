"""One row's failure stays that row's: the rest of the batch renders and is reported (#17.7)."""

import json

import openpyxl
import pytest
from conftest import ROOT, docx_text, write_xlsx

from docgen.batch import run_batch

NOTICE = ROOT / "examples" / "notice.json"
HEADER = ["recipient.name", "recipient.deadline", "notice.addressee"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_placeholder_failing_in_one_row_fails_that_row_only_issue_17_7(tmp_path, jobs):
    """Issue #17.7: ``{{ recipient.name|xmlattr }}`` in one row aborted the batch: no manifest, no errors report."""
    rows = write_xlsx(tmp_path / "rows.xlsx", HEADER, [
        ["甲市煤炭行业协会", "2027-02-28", None],
        ["乙市建筑业协会", "2027-02-28", "{{ recipient.name|xmlattr }}"],
        ["丙市化工行业协会", "2027-02-28", None],
    ])
    out = tmp_path / "out"
    summary = run_batch("notice", rows, out, base=NOTICE, jobs=jobs)
    assert (summary.rendered, summary.failed) == (2, 1)
    assert "甲市煤炭行业协会" in docx_text(out / "00002.docx")
    assert "丙市化工行业协会" in docx_text(out / "00004.docx")
    assert not (out / "00003.docx").exists()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [(r["row"], r["status"]) for r in manifest["rows"]] == [(2, "ok"), (3, "failed"), (4, "ok")]
    report = list(openpyxl.load_workbook(out / "errors.xlsx").active.iter_rows(min_row=2, values_only=True))
    assert [line[0] for line in report] == [3]
    assert "xmlattr" in report[0][3] or "本行无法生成" in report[0][3]
