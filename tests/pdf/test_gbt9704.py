"""GB/T 9704 page: A4, 版心 156 × 225 mm, 22 lines × 28 characters of 3号仿宋 on a lines-and-characters grid."""

from __future__ import annotations

import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from docgen.pdf import typeset
from tests.pdf.builders import chinese_document, pages_text, text_positions, to_bytes


def notice_document():
    document = chinese_document(size=16.0)
    normal = document.styles["Normal"]
    normal.element.get_or_add_rPr().rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    grid = section._sectPr.find(qn("w:docGrid"))
    pitch = 225 / 22 / 25.4 * 72  # points per line
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(int(pitch * 20)))  # 579, as Word writes it
    char_pitch = Mm(156).pt / 28
    grid.set(qn("w:charSpace"), str(round((char_pitch - 16) * 4096)))
    return document


def test_22_lines_of_28_characters() -> None:
    document = notice_document()
    document.add_paragraph("国" * 28 * 30)
    result = typeset(to_bytes(document))
    first = [line.strip() for line in pages_text(result.pdf)[0].splitlines() if line.strip()]
    assert len(first) == 22
    assert {len(line) for line in first} == {28}
    assert result.pages == 2


def test_grid_lines_have_the_grid_pitch() -> None:
    document = notice_document()
    document.add_paragraph("工伤预防" * 20).paragraph_format.line_spacing = 1.0
    ys = sorted({round(y, 2) for _, _, y in text_positions(typeset(to_bytes(document)).pdf)}, reverse=True)
    assert ys[0] - ys[1] == pytest.approx(579 / 20, abs=0.01)
