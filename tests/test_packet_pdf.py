"""The PDF outputs through the public API: per-document PDFs, packet.pdf, attachments, glyph findings."""

import io
import re
import subprocess

import pytest
from pypdf import PdfReader

import docgen
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def packet():
    return docgen.render_packet(ROOT / "examples" / "project.json", to=("docx", "pdf"))


def _reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def test_packet_pdf_has_a_bookmark_per_document_and_the_licence_scan(packet):
    reader = _reader(packet.packet_pdf)
    outline = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]
    pages = [doc.pages for doc in packet.documents]
    assert [title for title, _ in outline] == ["项目申请表", "可行性研究报告", "实施方案", "营业执照（扫描件）"]
    assert [start for _, start in outline] == [0, pages[0], pages[0] + pages[1], sum(pages)]
    assert len(reader.pages) == sum(pages) + 1


def test_packet_pdf_has_a_file_identifier_from_its_content(packet):
    identifier = _reader(packet.packet_pdf).trailer["/ID"]
    assert len(identifier) == 2 and identifier[0] == identifier[1] and len(identifier[0]) == 16
    again = docgen.render_packet(ROOT / "examples" / "project.json", to=("docx", "pdf")).packet_pdf
    assert again == packet.packet_pdf


def test_packet_pdf_metadata_names_the_applicant_and_the_input_hash(packet):
    meta = _reader(packet.packet_pdf).metadata
    record = packet.report.record
    assert meta.author == record["applicant"]["name"]
    assert meta.title == f"{record['project']['name']} 工伤预防项目申报材料"
    assert f"sha256:{packet.report.source.sha256}" in meta["/Keywords"]


def test_each_document_pdf_carries_its_own_title(packet):
    for doc in packet.documents:
        meta = _reader(doc.pdf).metadata
        assert meta.title.endswith(docgen.get_kind(doc.kind).title)
        assert len(_reader(doc.pdf).pages) == doc.pages


def test_packet_pdf_text_has_the_amounts_of_the_forms(packet):
    text = "".join(page.extract_text() for page in _reader(packet.packet_pdf).pages)
    squeezed = re.sub(r"—\d+—", "", "".join(text.split()))  # a paragraph may go on past a page number
    assert "91150627MA0K7R3D2M" in squeezed
    assert "29.4409" in squeezed and "1,284.652" in squeezed
    assert "贰拾玖万肆仟肆佰零捌元玖角整" in squeezed


def test_every_font_is_embedded_as_a_subset(tmp_path, packet):
    path = tmp_path / "packet.pdf"
    path.write_bytes(packet.packet_pdf)
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert rows
    for row in rows:
        name, emb_sub = row.split()[0], row.split()[-5:-3]
        assert "+" in name and emb_sub == ["yes", "yes"], row
        assert "Helvetica" not in name


def test_same_input_gives_the_same_pdf_bytes(packet):
    again = docgen.render_packet(ROOT / "examples" / "project.json", to=("docx", "pdf"))
    assert again.packet_pdf == packet.packet_pdf
    assert [d.pdf for d in again.documents] == [d.pdf for d in packet.documents]


def test_write_puts_pdfs_packet_and_manifest(tmp_path, packet):
    names = [p.name for p in packet.write(tmp_path)]
    assert names == ["01-项目申请表.docx", "01-项目申请表.pdf", "02-可行性研究报告.docx", "02-可行性研究报告.pdf",
                     "03-实施方案.docx", "03-实施方案.pdf", "packet.pdf", "manifest.json"]
    files = {o["file"]: o for o in packet.manifest["outputs"]}
    assert files["packet.pdf"]["kind"] == "packet" and files["03-实施方案.pdf"]["kind"] == "plan"


def test_pdf_only_writes_no_docx(tmp_path, record):
    rendered = docgen.render(record, "application", to=["pdf"])
    assert [p.name for p in rendered.write(tmp_path)] == ["01-项目申请表.pdf"]


def test_unknown_format_is_a_usage_error(record):
    with pytest.raises(docgen.UsageError, match="odt"):
        docgen.render(record, "application", to=["odt"])


def test_a_character_no_font_has_is_a_finding_naming_the_field(record):
    record["applicant"]["profile"] += "（含生僻字𪚥）"
    report = docgen.render(record, "application", to=["pdf"]).report
    [finding] = [f for f in report.findings if f.code == "pdf.missing_glyph"]
    assert finding.path == "/applicant/profile" and finding.label == "企业简介"
    assert "「𪚥」（U+2A6A5）" in finding.message and finding.severity == "warning"


def test_glyphs_are_not_checked_for_docx_only(record):
    record["applicant"]["profile"] += "𪚥"
    assert docgen.render(record, "application").report.findings == []


def test_a_missing_attachment_is_an_error_before_anything_renders(record, tmp_path):
    record["attachments"] = [{"title": "营业执照", "path": "no-such-scan.jpg"},
                             {"title": "说明", "path": "readme.docx"}]
    report = docgen.validate_packet(record)
    assert [(f.code, f.path) for f in report.findings] == [
        ("attachment.missing", "/attachments/0/path"), ("attachment.unsupported", "/attachments/1/path")]
    with pytest.raises(docgen.DataError):
        docgen.render_packet(record, to=["pdf"], force=True)


def test_a_pdf_attachment_is_appended_page_by_page(record, tmp_path, packet):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(packet.documents[0].pdf)  # any PDF will do: the application form, 2 pages
    record["attachments"] = [{"title": "承诺书", "path": str(scan)}]
    rendered = docgen.render_packet(record, to=["pdf"])
    reader = _reader(rendered.packet_pdf)
    assert [item.title for item in reader.outline][-1] == "承诺书"
    assert len(reader.pages) == sum(d.pages for d in rendered.documents) + packet.documents[0].pages


def test_application_pdf_keeps_a_profile_of_three_pages_issue_17_1(record):
    """Issue #17.1's reproducer: the PDF of a 1,714-token 企业简介 ended at <01026>; the docx held it all."""
    record["applicant"]["profile"] = " ".join(f"<{n:05d}>" for n in range(1714))
    rendered = docgen.render(record, "application", to=("pdf",))
    text = subprocess.run(["pdftotext", "-", "-"], input=rendered.documents[0].pdf, capture_output=True,
                          check=True).stdout.decode()
    assert re.findall(r"<(\d{5})>", text) == [f"{n:05d}" for n in range(1714)]
