"""Every shipped template, rendered from its example: PDF text equals docx text, page count equals LibreOffice's."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from docgen.pdf import typeset
from tests.pdf.shipped import SHIPPED, Shipped, body_text, rendered

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")


def body_pdf_text(pdf: bytes, top: float, bottom: float) -> str:
    """Non-whitespace text of the body frame of every page, in drawing order (headers and footers cropped off)."""
    height = 842 - top - bottom
    args = ["pdftotext", "-raw", "-x", "0", "-y", str(int(top)), "-W", "596", "-H", str(int(height)), "-", "-"]
    out = subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode("utf-8")
    return re.sub(r"\s+", "", out)


def _find(text: str, paragraph: str, start: int, *, split: bool) -> int:
    """End of ``paragraph`` in ``text`` after ``start``, or -1.

    With ``split`` a cell paragraph may be cut in two by a page break (a row split between pages): its second
    part then follows the other cells' first parts and the repeated header row.
    """
    found = text.find(paragraph, start)
    if found >= 0:
        return found + len(paragraph)
    for cut in range(1, len(paragraph) if split else 0):
        head = text.find(paragraph[:cut], start)
        tail = text.find(paragraph[cut:], head + cut) if head >= 0 else -1
        if tail >= 0 and text.find(paragraph[: cut + 1], start) < 0:
            return tail + len(paragraph) - cut
    return -1


@pytest.mark.parametrize("doc", SHIPPED, ids=lambda d: d.id)
def test_page_count_is_the_expected_one(doc: Shipped) -> None:
    assert typeset(rendered(doc.kind, doc.example)).pages == doc.pages


@pytest.mark.parametrize("doc", SHIPPED, ids=lambda d: d.id)
def test_pdf_text_equals_docx_text(doc: Shipped) -> None:
    docx = rendered(doc.kind, doc.example)
    expected = body_text(docx)
    text = body_pdf_text(typeset(docx).pdf, expected.top, expected.bottom)
    cursor = 0
    table_end = 0
    for paragraph, in_table in expected.paragraphs:
        # Cell text is drawn cell by cell (merged cells when they close, header rows again on each page), so
        # it is looked for from the table's start; body text must follow strictly in order.
        end = _find(text, paragraph, cursor, split=in_table)
        assert end >= 0, f"not in the PDF (in order): {paragraph}"
        if in_table:
            table_end = max(table_end, end)
        else:
            cursor = max(end, table_end)
            table_end = cursor
    # Every character of the PDF body comes from the docx: nothing added, dropped text was caught above.
    source = "".join(paragraph for paragraph, _ in expected.paragraphs)
    assert sorted(set(text)) == sorted(set(source))
