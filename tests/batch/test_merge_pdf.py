import pytest
from conftest import write_csv
from pypdf import PdfReader

from docgen.batch import run_batch

pytest.importorskip("docgen.pdf")


def test_merged_pdf_has_a_bookmark_per_row_and_page_numbers_restarting(tmp_path, base_path):
    rows = write_csv(tmp_path / "rows.csv", ["applicant.name"], [["甲公司"], ["乙公司"], ["bad"]])
    out = tmp_path / "out"
    write_csv(rows, ["applicant.name", "finance.contributions_last_year"], [["甲公司", "12846520.00"], ["乙公司", "12846520.00"], ["丙", "x"]])
    summary = run_batch("application", rows, out, base=base_path, jobs=1, to=("docx", "pdf"), merge=True,
                        name_pattern="{row:02d}-{applicant.name}")
    assert (summary.rendered, summary.failed) == (2, 1)
    assert sorted(p.name for p in out.glob("0*")) == ["02-甲公司.docx", "02-甲公司.pdf", "03-乙公司.docx", "03-乙公司.pdf"]
    merged = PdfReader(summary.merged)
    parts = [PdfReader(out / name) for name in ("02-甲公司.pdf", "03-乙公司.pdf")]
    assert len(merged.pages) == sum(len(p.pages) for p in parts)
    assert [item.title for item in merged.outline] == ["02-甲公司", "03-乙公司"]
    starts = [merged.get_destination_page_number(item) for item in merged.outline]
    assert starts == [0, len(parts[0].pages)]
    labels = list(merged.page_labels)
    assert labels == [str(i + 1) for p in parts for i in range(len(p.pages))]
    assert "乙公司" in merged.pages[starts[1]].extract_text()
    identifier = merged.trailer["/ID"]
    assert len(identifier) == 2 and identifier[0] == identifier[1] and len(identifier[0]) == 16
