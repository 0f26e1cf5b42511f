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


def test_merged_pdf_over_the_part_limit_is_split_between_rows_issue_17_8(tmp_path, base_path, monkeypatch):
    """Issue #17.8 for merged.pdf: pypdf holds a whole merged file in memory, so a huge merge is written in parts."""
    names = ["甲公司", "乙公司"]
    rows = write_csv(tmp_path / "rows.csv", ["applicant.name"], [[name] for name in names])
    out = tmp_path / "out"
    (out / "merged.pdf").parent.mkdir()
    (out / "merged.pdf").write_bytes(b"from an earlier run")
    monkeypatch.setenv("DOCGEN_MERGE_PDF_PART_MB", "0.000001")  # every row in a part of its own
    summary = run_batch("application", rows, out, base=base_path, jobs=1, to=("pdf",), merge=True,
                        name_pattern="{row:02d}-{applicant.name}")
    parts = [out / f"merged-00{n}.pdf" for n in (1, 2)]
    assert summary.merged_files == parts and summary.merged == parts[0]
    assert sorted(out.glob("merged*")) == parts
    for n, (part, name) in enumerate(zip(parts, names, strict=True), start=1):
        reader = PdfReader(part)
        assert [item.title for item in reader.outline] == [f"{n + 1:02d}-{name}"]
        assert name in reader.pages[0].extract_text()
        assert reader.metadata.title == f"项目申请表（合并）（第 {n} 部分，共 2 部分）"
    assert summary.warnings == ["合并的 PDF 文件超过 1e-06 MB，已按行分为 2 个文件：merged-001.pdf 至 merged-002.pdf；"
                                "可用环境变量 DOCGEN_MERGE_PDF_PART_MB 调整每个文件的上限（MB）"]
    assert "合并为 merged-001.pdf、merged-002.pdf" in summary.line()


def _pages(path, count, size=(595, 842)):
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path), pagesize=size, invariant=1)
    for _ in range(count):
        canvas.rect(10, 10, 50, 50)
        canvas.showPage()
    canvas.save()
    return path


@pytest.mark.parametrize(("duplex", "starts", "total"), [(True, [0, 4, 6], 10), (False, [0, 3, 5], 8)])
def test_merged_pdf_rows_start_on_the_front_of_a_sheet_unless_single_sided(tmp_path, duplex, starts, total):
    from docgen.batch.assemble import merge_pdfs

    parts = [(f"row{n}", _pages(tmp_path / f"row{n}.pdf", count)) for n, count in enumerate((3, 2, 3))]
    (merged_path,) = merge_pdfs(tmp_path, parts, title="t", duplex=duplex)
    merged = PdfReader(merged_path)
    assert [merged.get_destination_page_number(item) for item in merged.outline] == starts
    assert len(merged.pages) == total
    if duplex:  # the inserted pages are blank, the size of the row's last page
        assert merged.pages[3].get_contents() is None and merged.pages[3].mediabox == merged.pages[2].mediabox
