"""One row's failure stays that row's: the rest of the batch renders and is reported (#17.7)."""

import json

import openpyxl
import pytest
from conftest import ROOT, docx_text, write_xlsx

from docgen.batch import run_batch

NOTICE = ROOT / "examples" / "notice.json"
SHEET = ROOT / "examples" / "notices.xlsx"


def notice_rows(path, addressees):
    """The example sheet's first rows with a ``notice.addressee`` column."""
    header, *rows = openpyxl.load_workbook(SHEET).active.iter_rows(max_row=len(addressees) + 1, values_only=True)
    return write_xlsx(path, [*header, "notice.addressee"], [[*r, a] for r, a in zip(rows, addressees, strict=True)])


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_placeholder_failing_in_one_row_fails_that_row_only_issue_17_7(tmp_path, jobs):
    """Issue #17.7: ``{{ recipient.name|xmlattr }}`` in one row aborted the batch: no manifest, no errors report."""
    addressee = json.loads(NOTICE.read_text(encoding="utf-8"))["notice"]["addressee"]
    rows = notice_rows(tmp_path / "rows.xlsx", [addressee, "{{ recipient.name|xmlattr }}", addressee])
    out = tmp_path / "out"
    summary = run_batch("notice", rows, out, base=NOTICE, jobs=jobs)
    assert (summary.rendered, summary.failed) == (2, 1)
    names = [row[0] for row in openpyxl.load_workbook(rows).active.iter_rows(min_row=2, values_only=True)]
    assert names[0] in docx_text(out / "00002.docx") and names[2] in docx_text(out / "00004.docx")
    assert not (out / "00003.docx").exists()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [(r["row"], r["status"]) for r in manifest["rows"]] == [(2, "ok"), (3, "failed"), (4, "ok")]
    header, *report = openpyxl.load_workbook(out / "errors.xlsx").active.iter_rows(values_only=True)
    assert [line[header.index("行号")] for line in report] == [3]
    problem = report[0][header.index("问题")]
    assert "xmlattr" in problem or "本行无法生成" in problem  # a sandbox finding, or the worker's own guard
