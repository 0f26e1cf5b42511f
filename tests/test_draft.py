"""草稿 marks: output rendered with --force despite rule errors is marked on every page, docx and PDF."""

from __future__ import annotations

import copy
import io
import subprocess

import docx
import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

import docgen
from docgen.draft import mark_docx, mark_pdf
from docgen.pdf import FontMap

KIND = "application"


@pytest.fixture(scope="module")
def forced(_record_master):
    record = copy.deepcopy(_record_master)
    record["finance"]["contributions_last_year"] = "1000.00"  # budget.over_cap: an error --force overrides
    return docgen.render(record, KIND, to=("docx", "pdf"), force=True).documents[0], record


@pytest.fixture(scope="module")
def clean(_record_master):
    return docgen.render(copy.deepcopy(_record_master), KIND, to=("docx", "pdf")).documents[0]


def pages_as_images(pdf: bytes) -> list[Image.Image]:
    images = []
    for number in range(1, len(PdfReader(io.BytesIO(pdf)).pages) + 1):
        png = subprocess.run(["pdftoppm", "-r", "20", "-gray", "-png", "-f", str(number), "-l", str(number), "-"],
                             input=pdf, capture_output=True, check=True).stdout
        images.append(Image.open(io.BytesIO(png)).convert("L"))
    return images


def translucent_fills(pdf: bytes) -> list[bool]:
    """For each page: whether it paints with a translucent fill (the mark's graphics state)."""
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        states = page["/Resources"].get("/ExtGState", {})
        found.append(any(state.get_object().get("/ca") == 0.25 for state in states.values()))
    return found


def test_forced_pdf_is_stamped_on_every_page(forced, clean) -> None:
    document, _ = forced
    assert all(translucent_fills(document.pdf)) and len(translucent_fills(document.pdf)) >= 2
    assert not any(translucent_fills(clean.pdf))


def test_the_stamp_is_a_large_grey_mark_across_each_page_and_leaves_the_text(clean) -> None:
    marked_pdf = mark_pdf(clean.pdf, FontMap.default())
    marked, plain = pages_as_images(marked_pdf), pages_as_images(clean.pdf)
    assert len(marked) == len(plain) >= 2
    for page_marked, page_plain in zip(marked, plain, strict=True):
        width, height = page_marked.size
        centre = (width // 4, height // 4, width * 3 // 4, height * 3 // 4)
        changed = ImageChops.difference(page_marked, page_plain).crop(centre).point(lambda v: 255 if v > 16 else 0)
        assert changed.histogram()[255] > 200  # pixels of a mark across the middle, at 20 dpi
        assert ImageChops.difference(page_marked, page_plain).crop((0, 0, width, height // 8)).getbbox() is None
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(marked_pdf)).pages]
    assert texts == [page.extract_text() for page in PdfReader(io.BytesIO(clean.pdf)).pages]
    assert not any("草稿" in text for text in texts)  # outlines, not text: search and copy are unaffected


def test_forced_docx_has_a_watermark_in_every_header(forced) -> None:
    document, _ = forced
    parsed = docx.Document(io.BytesIO(document.data))
    for section in parsed.sections:
        assert 'string="草稿"' in section.header._element.xml
        if section.different_first_page_header_footer:
            assert 'string="草稿"' in section.first_page_header._element.xml


def test_clean_output_has_no_mark(clean) -> None:
    parsed = docx.Document(io.BytesIO(clean.data))
    assert all("草稿" not in section.header._element.xml for section in parsed.sections)


def test_marked_output_is_deterministic(forced) -> None:
    document, record = forced
    again = docgen.render(record, KIND, to=("docx", "pdf"), force=True).documents[0]
    assert again.pdf == document.pdf


def test_marking_keeps_an_existing_header() -> None:
    source = docx.Document()
    source.sections[0].header.paragraphs[0].text = "页眉文字"
    buffer = io.BytesIO()
    source.save(buffer)
    marked = docx.Document(io.BytesIO(mark_docx(buffer.getvalue())))
    header = marked.sections[0].header
    assert header.paragraphs[0].text == "页眉文字" and 'string="草稿"' in header._element.xml
