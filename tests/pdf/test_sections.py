"""Odd- and even-page section breaks: a blank page without header or footer when the next page has the wrong parity."""

from __future__ import annotations

import io

import docx
import pytest
from docx.enum.section import WD_SECTION

from docgen.pdf import typeset
from tests.pdf.builders import add_xml, chinese_document, pages_text, to_bytes


def _document(pages_before: int, start: WD_SECTION) -> bytes:
    """``pages_before`` one-line pages, each with a footer 第N页, then a section starting as ``start``."""
    document = chinese_document()
    footer = document.sections[0].footer.paragraphs[0]
    footer.add_run("第")
    run = footer.add_run()
    for xml in ('<w:fldChar w:fldCharType="begin"/>', '<w:instrText> PAGE </w:instrText>',
                '<w:fldChar w:fldCharType="separate"/>', '<w:t>1</w:t>', '<w:fldChar w:fldCharType="end"/>'):
        add_xml(run._r, xml)
    footer.add_run("页")
    for n in range(pages_before):
        paragraph = document.add_paragraph(f"正文第{n + 1}页")
        paragraph.paragraph_format.page_break_before = n > 0
    document.add_section(start).footer.is_linked_to_previous = True
    document.add_paragraph("版记")
    return to_bytes(document)


@pytest.mark.parametrize(("before", "start", "pages", "blank"), [
    (1, WD_SECTION.EVEN_PAGE, 2, None),  # page 2 is even: no blank page
    (2, WD_SECTION.EVEN_PAGE, 4, 3),  # page 3 would be odd: left blank, the section starts on page 4
    (1, WD_SECTION.ODD_PAGE, 3, 2),
    (2, WD_SECTION.ODD_PAGE, 3, None),
])
def test_section_starts_on_a_page_of_its_parity(before, start, pages, blank):
    result = typeset(_document(before, start))
    texts = ["".join(text.split()) for text in pages_text(result.pdf)]
    assert result.pages == len(texts) == pages
    assert "版记" in texts[-1] and f"第{pages}页" in texts[-1]  # counted on across the blank page
    if blank is not None:
        assert texts[blank - 1] == ""  # no text, no footer
    assert all(text for n, text in enumerate(texts, start=1) if n != blank)


def test_parity_goes_by_the_page_number_as_in_word_and_libreoffice():
    """A section restarting its numbers at 1 is on an odd page by its number, wherever it falls: no blank page."""
    data = _document(2, WD_SECTION.ODD_PAGE)
    document = docx.Document(io.BytesIO(data))
    add_xml(document.sections[-1]._sectPr, '<w:pgNumType w:start="1"/>')
    result = typeset(to_bytes(document))
    assert result.pages == 3 and "第1页" in "".join(pages_text(result.pdf)[-1].split())
