"""Paragraph, run and section features, each checked on the typeset PDF."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.shared import Pt
from pypdf import PdfReader

from docgen.pdf import typeset
from tests.pdf.builders import (
    add_xml,
    chinese_document,
    lines_per_page,
    normalise,
    pages_text,
    text_positions,
    to_bytes,
    word_boxes,
)


def png(width: int = 4, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def test_landscape_section_and_margins() -> None:
    document = chinese_document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = Pt(50)
    document.add_paragraph("横向")
    pdf = typeset(to_bytes(document)).pdf
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert float(box.width) > float(box.height)
    assert text_positions(pdf)[0][1] == pytest.approx(50.0)


def test_right_aligned_paragraph_ends_at_margin() -> None:
    document = chinese_document()
    document.add_paragraph("落款单位").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    section = document.sections[0]
    x = text_positions(typeset(to_bytes(document)).pdf)[0][1]
    assert x + 4 * 12 == pytest.approx(section.page_width.pt - section.right_margin.pt)


def test_justified_lines_fill_the_frame() -> None:
    document = chinese_document()
    document.add_paragraph("工伤预防 Work injury prevention 项目，" * 6).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pdf = typeset(to_bytes(document)).pdf
    lines = [line for line in pages_text(pdf)[0].splitlines() if line.strip()]
    assert len(lines) >= 2
    assert normalise("".join(lines)) == normalise("工伤预防 Work injury prevention 项目，" * 6)


def test_superscript_is_smaller_and_raised() -> None:
    document = chinese_document()
    paragraph = document.add_paragraph("面积")
    paragraph.add_run("2").font.superscript = True
    positions = text_positions(typeset(to_bytes(document)).pdf)
    y = {text: y for text, _, y in positions}
    assert y["2"] > y["面积"]


def test_hidden_text_is_not_drawn() -> None:
    document = chinese_document()
    paragraph = document.add_paragraph("可见")
    paragraph.add_run("隐藏").font.hidden = True
    assert normalise(pages_text(typeset(to_bytes(document)).pdf)[0]) == "可见"


def test_inline_image_is_drawn() -> None:
    document = chinese_document()
    document.add_paragraph("图：")
    document.add_picture(io.BytesIO(png()), width=Pt(40))
    pdf = typeset(to_bytes(document)).pdf
    resources = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]
    assert len(resources["/XObject"]) == 1


def test_first_page_footer_with_title_page() -> None:
    document = chinese_document()
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_footer.paragraphs[0].text = "首页页脚"
    section.footer.paragraphs[0].text = "其他页脚"
    document.add_paragraph("一")
    document.add_paragraph("二").paragraph_format.page_break_before = True
    pages = [normalise(page) for page in pages_text(typeset(to_bytes(document)).pdf)]
    assert pages[0].endswith("首页页脚") and pages[1].endswith("其他页脚")


def test_keep_with_next_moves_heading_to_next_page() -> None:
    document = chinese_document()
    for _ in range(lines_per_page() - 1):  # the heading is the last line that fits on page 1
        document.add_paragraph("占位")
    heading = document.add_paragraph("小标题")
    heading.paragraph_format.keep_with_next = True
    document.add_paragraph("正文")
    pages = [normalise(page) for page in pages_text(typeset(to_bytes(document)).pdf)]
    assert pages[-1].startswith("小标题") or "小标题正文" in pages[0]


def test_keep_with_next_paragraph_leaves_its_head_behind() -> None:
    """Word keeps the last lines of a keep-with-next paragraph with the next one, not the whole paragraph."""
    document = chinese_document()
    for _ in range(lines_per_page() - 3):
        document.add_paragraph("占位")
    long = document.add_paragraph("长段" * 200)  # many lines: three fit on page 1
    long.paragraph_format.keep_with_next = True
    document.add_paragraph("署名")
    pages = [normalise(page) for page in pages_text(typeset(to_bytes(document)).pdf)]
    assert len(pages) >= 2 and pages[0].endswith("长段"), "the head of the paragraph stays on page 1"
    assert pages[-1].endswith("长段署名")


def _framed(paragraph, y_align: str = "bottom") -> None:
    add_xml(paragraph._p.get_or_add_pPr(),
            f'<w:framePr w:wrap="notBeside" w:vAnchor="margin" w:hAnchor="margin" w:yAlign="{y_align}"/>')


def test_bottom_frame_ends_on_the_last_line_of_the_page() -> None:
    document = chinese_document()
    document.add_paragraph("正文")
    for text in ("版记一", "版记二"):
        _framed(document.add_paragraph(text))
    document.add_paragraph("框后正文")
    result = typeset(to_bytes(document))
    assert result.pages == 1 and not [w for w in result.warnings if w.code.startswith("pdf.unsupported")]
    section = document.sections[0]
    bottom = section.page_height.pt - section.bottom_margin.pt
    boxes = {box[0]: box for box in word_boxes(result.pdf, 0)}
    assert bottom - 16 < boxes["版记二"][4] <= bottom + 0.5
    assert boxes["版记一"][4] <= boxes["版记二"][2] + 0.5  # the frame's paragraphs stay in order
    assert boxes["框后正文"][2] < boxes["版记一"][2] - 100  # later text flows above the frame


def test_bottom_frame_without_room_goes_to_the_next_page() -> None:
    document = chinese_document()
    for _ in range(lines_per_page()):
        document.add_paragraph("占位")
    _framed(document.add_paragraph("版记"))
    pages = [normalise(page) for page in pages_text(typeset(to_bytes(document)).pdf)]
    assert pages[-1] == "版记" and "版记" not in pages[0]


def test_other_frames_are_reported() -> None:
    document = chinese_document()
    _framed(document.add_paragraph("图文框"), "top")
    result = typeset(to_bytes(document))
    assert [w.code for w in result.warnings if w.code.startswith("pdf.unsupported")] == ["pdf.unsupported.framePr"]


def test_header_bottom_border_and_right_tab() -> None:
    document = chinese_document()
    section = document.sections[0]
    right_edge = section.page_width.pt - section.right_margin.pt
    header = section.header.paragraphs[0]
    header.text = "左侧\t\t右侧"  # the Header style has a centre stop first
    header.paragraph_format.tab_stops.add_tab_stop(Pt(right_edge - section.left_margin.pt), WD_TAB_ALIGNMENT.RIGHT)
    add_xml(header._p.get_or_add_pPr(), '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1"/></w:pBdr>')
    document.add_paragraph("正文")
    result = typeset(to_bytes(document))
    assert not [w for w in result.warnings if w.code.startswith("pdf.unsupported")]
    x = {text: x for text, x, _ in text_positions(result.pdf)}
    assert x["右侧"] + 24 == pytest.approx(right_edge, abs=1.0)


def test_automatic_hyphenation_warns_where_it_could_break_a_latin_word():
    """w:autoHyphenation (LibreOffice writes it, with w:suppressAutoHyphens in the defaults): the engine does not
    hyphenate, so paragraphs with Latin words that are not exempt warn; Chinese text and exempt paragraphs do not."""
    document = chinese_document()
    add_xml(document.settings.element, "<w:autoHyphenation/>")
    document.add_paragraph("中文段落不涉及断字。")
    document.add_paragraph("Occupational safety training 职业安全培训")
    exempt = document.add_paragraph("Occupational safety training")
    add_xml(exempt._p.get_or_add_pPr(), '<w:suppressAutoHyphens w:val="true"/>')
    result = typeset(to_bytes(document))
    assert [w.where for w in result.warnings if w.code == "pdf.unsupported.auto_hyphenation"] == [
        "body paragraph 2"]
