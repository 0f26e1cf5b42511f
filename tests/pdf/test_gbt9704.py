"""GB/T 9704 page: A4, 版心 156 × 225 mm, 22 lines × 28 characters of 3号仿宋 on a lines-and-characters grid."""

from __future__ import annotations

import pytest
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm, Twips

from docgen.pdf import typeset
from tests.pdf.builders import chinese_document, pages_text, text_positions, to_bytes, word_boxes


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
    assert ys[0] - ys[1] == pytest.approx(579 / 20, abs=0.011)  # two positions rounded to 0.01


def test_centre_tab_stops_centre_names_on_the_grid() -> None:
    """The joint 署名 of a notice: two names on centre tab stops, each centred on its stop (grid-pitched CJK)."""
    document = notice_document()
    paragraph = document.add_paragraph()
    stops = paragraph.paragraph_format.tab_stops
    for twips in (2307, 6537):
        stops.add_tab_stop(Twips(twips), WD_TAB_ALIGNMENT.CENTER)
    paragraph.add_run("\t鄂尔多斯市财政局\t鄂尔多斯市卫生健康委员会")
    boxes = word_boxes(typeset(to_bytes(document)).pdf, 0)
    assert [box[0] for box in boxes] == ["鄂尔多斯市财政局", "鄂尔多斯市卫生健康委员会"]
    for (name, x0, _, x1, _), twips in zip(boxes, (2307, 6537), strict=True):
        assert (x0 + x1) / 2 == pytest.approx(Mm(28).pt + twips / 20, abs=1)
        assert x1 - x0 == pytest.approx(len(name) * Mm(156).pt / 28, abs=1)
    assert boxes[0][4] == boxes[1][4]  # one baseline
