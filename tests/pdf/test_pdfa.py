"""PDF/A-2b output: the XMP packet and the catalog are read back and checked against the document."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader

import docgen
from docgen.pdf.pdfa import SOURCE_DATE_EPOCH
from tests.conftest import ROOT

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
}


def notice_pdf(**options) -> bytes:
    return docgen.render(ROOT / "examples" / "notice.json", "notice", to=("pdf",), **options).documents[0].pdf


@pytest.fixture(scope="module")
def pdfa() -> bytes:
    return notice_pdf(pdfa=True)


def xmp(reader: PdfReader) -> ET.Element:
    stream = reader.trailer["/Root"]["/Metadata"].get_object()
    assert (stream["/Type"], stream["/Subtype"]) == ("/Metadata", "/XML") and "/Filter" not in stream
    return ET.fromstring(stream.get_data().decode("utf-8").split("?>", 1)[1].rsplit("<?xpacket", 1)[0])


def test_xmp_declares_pdfa_2b_and_restates_the_document_information(pdfa: bytes, monkeypatch) -> None:
    reader = PdfReader(io.BytesIO(pdfa))
    description = xmp(reader).find("rdf:RDF/rdf:Description", NS)
    assert description.findtext("pdfaid:part", namespaces=NS) == "2"
    assert description.findtext("pdfaid:conformance", namespaces=NS) == "B"
    info = reader.metadata
    assert description.findtext("dc:title/rdf:Alt/rdf:li", namespaces=NS) == info["/Title"]
    assert "工伤预防项目申报工作的通知" in info["/Title"]
    assert description.findtext("dc:creator/rdf:Seq/rdf:li", namespaces=NS) == info["/Author"]
    assert description.findtext("pdf:Keywords", namespaces=NS) == info["/Keywords"]
    assert description.findtext("pdf:Producer", namespaces=NS) == info["/Producer"]
    # The notice's 印发日期 (2027-01-16, Beijing time), in both places: no clock time in the file.
    assert description.findtext("xmp:CreateDate", namespaces=NS) == "2027-01-16T00:00:00+08:00"
    assert info["/CreationDate"] == info["/ModDate"] == "D:20270116000000+08'00'"


def test_catalog_has_language_output_intent_and_the_trailer_an_id(pdfa: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdfa))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "zh-CN"
    (intent,) = root["/OutputIntents"]
    intent = intent.get_object()
    assert (intent["/S"], intent["/OutputConditionIdentifier"]) == ("/GTS_PDFA1", "sRGB IEC61966-2.1")
    profile = intent["/DestOutputProfile"].get_object()
    data = profile.get_data()
    assert profile["/N"] == 3 and data[36:40] == b"acsp" and data[16:20] == b"RGB "  # an RGB ICC profile
    identifier = reader.trailer["/ID"]
    assert len(identifier) == 2 and len(identifier[0]) == 16
    assert pdfa[:5] == b"%PDF-" and max(pdfa[:20].split(b"\n")[1]) >= 0x80  # the binary marker line


def test_pdfa_keeps_pages_text_and_embedded_fonts(pdfa: bytes) -> None:
    plain = PdfReader(io.BytesIO(notice_pdf()))
    archived = PdfReader(io.BytesIO(pdfa))
    assert [p.extract_text() for p in archived.pages] == [p.extract_text() for p in plain.pages]
    for page in archived.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor


def test_pdfa_is_deterministic_and_dated_by_source_date_epoch(pdfa: bytes, monkeypatch) -> None:
    assert notice_pdf(pdfa=True) == pdfa
    monkeypatch.setenv(SOURCE_DATE_EPOCH, "1767225600")  # 2026-01-01T00:00:00Z
    info = PdfReader(io.BytesIO(notice_pdf(pdfa=True))).metadata
    assert info["/CreationDate"] == "D:20260101000000+00'00'"


def test_batch_rows_are_pdfa_too(tmp_path) -> None:
    from docgen.batch import run_batch

    summary = run_batch("notice", ROOT / "examples" / "notices.xlsx", tmp_path, base=ROOT / "examples" / "notice.json",
                        jobs=1, to=("pdf",), pdfa=True, name_pattern="{row:02d}")
    assert summary.rendered >= 1
    for path in tmp_path.glob("0*.pdf"):
        reader = PdfReader(path)
        description = xmp(reader).find("rdf:RDF/rdf:Description", NS)
        assert description.findtext("pdfaid:part", namespaces=NS) == "2"
        assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
