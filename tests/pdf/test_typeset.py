"""End-to-end tests: docx built here → typeset → PDF read back with pypdf and poppler."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.shared import Pt
from pypdf import PdfReader

from docgen.errors import InputError
from docgen.pdf import TypesetResult, typeset
from docgen.pdf.linebreak import NO_END, NO_START
from tests.pdf.builders import (
    add_xml,
    chinese_document,
    lines_per_page,
    normalise,
    pages_text,
    pdftotext,
    text_positions,
    to_bytes,
)

FOOTER_FIELDS = (
    '<w:p><w:pPr><w:jc w:val="center"/></w:pPr>'
    "<w:r><w:t xml:space=\"preserve\">第 </w:t></w:r>"
    '<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
    "<w:r><w:t xml:space=\"preserve\"> 页 共 </w:t></w:r>"
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> NUMPAGES </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>9</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
    "<w:r><w:t xml:space=\"preserve\"> 页</w:t></w:r></w:p>"
)


def narrow(document: docx.document.Document, chars: int, size: float = 12.0) -> None:
    """Make the body frame exactly ``chars`` CJK characters wide."""
    section = document.sections[0]
    section.left_margin = section.right_margin = Pt((section.page_width.pt - chars * size) / 2)


def test_text_equals_docx_text() -> None:
    document = chinese_document()
    texts = [
        "关于开展2026年度工伤预防项目申报工作的通知",
        "各有关单位：根据《工伤预防费使用管理暂行办法》（人社部规〔2017〕13号）的规定，现将有关事项通知如下。",
        "Mixed 中文 and Latin text, 123.45 元。",
    ]
    for text in texts:
        document.add_paragraph(text)
    result = typeset(to_bytes(document))
    assert isinstance(result, TypesetResult)
    assert result.pages == 1
    assert normalise(pdftotext(result.pdf)) == normalise("".join(texts))


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        pytest.param("一二三四五六七八九十）一二三", NO_START, id="closing-paren-not-at-line-start"),
        pytest.param("一二三四五六七八九十，一二三", NO_START, id="comma-hangs-not-at-line-start"),
        pytest.param("一二三四五六七八九十！！一二三", NO_START, id="double-mark-not-at-line-start"),
        pytest.param("一二三四五六七八九（十一二三", NO_END, id="opening-paren-not-at-line-end"),
    ],
)
def test_kinsoku_line_breaks(text: str, forbidden: frozenset[str]) -> None:
    document = chinese_document()
    narrow(document, 10)
    document.add_paragraph(text * 3)
    lines = [line.strip() for line in pdftotext(typeset(to_bytes(document)).pdf).splitlines() if line.strip()]
    assert len(lines) > 1
    assert normalise("".join(lines)) == normalise(text * 3)
    if forbidden is NO_START:
        assert not [line for line in lines if line[0] in forbidden]
    else:
        assert not [line for line in lines if line[-1] in forbidden]


def test_every_font_embedded_and_subset() -> None:
    document = chinese_document()
    document.add_paragraph("宋体正文 Times New Roman ☑ 已勾选")
    run = document.add_paragraph().add_run("黑体标题 Bold")
    run.bold = True
    run.font.name = "黑体"
    run._element.get_or_add_rPr().rFonts.set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", "黑体"
    )
    reader = PdfReader(io.BytesIO(typeset(to_bytes(document)).pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert len(fonts) >= 2
    for ref in fonts.values():
        font = ref.get_object()
        assert (font["/Subtype"], font["/Encoding"]) == ("/Type0", "/Identity-H")
        assert re.fullmatch(r"/[A-Z]{6}\+\S+", str(font["/BaseFont"])), font["/BaseFont"]
        assert "Helvetica" not in str(font["/BaseFont"])
        assert "/ToUnicode" in font
        (descendant,) = font["/DescendantFonts"]
        descendant = descendant.get_object()
        if descendant["/Subtype"] == "/CIDFontType2":  # TrueType
            program = descendant["/FontDescriptor"]["/FontFile2"].get_object()
            assert program["/Length1"] == len(program.get_data())
        else:  # CID-keyed CFF
            assert descendant["/Subtype"] == "/CIDFontType0"
            program = descendant["/FontDescriptor"]["/FontFile3"].get_object()
            assert program["/Subtype"] == "/CIDFontType0C"
            assert program.get_data()[:4] == b"\x01\x00\x04\x04"  # a bare CFF program


def test_missing_glyph_is_reported_by_name() -> None:
    document = chinese_document()
    document.add_paragraph("生僻字\U00020000在此")
    result = typeset(to_bytes(document))
    missing = [w for w in result.warnings if w.code == "pdf.font.missing_glyph"]
    assert len(missing) == 1
    assert "\U00020000" in missing[0].message
    assert "U+20000" in missing[0].message
    assert missing[0].where == "body paragraph 1"


def test_substitution_reported_once() -> None:
    document = chinese_document()
    for _ in range(5):
        document.add_paragraph("宋体文字")
    codes = [w.code for w in typeset(to_bytes(document)).warnings if w.code == "pdf.font.substituted"]
    assert len(codes) <= 1


def test_footer_page_numbers() -> None:
    document = chinese_document()
    document.add_paragraph("第一页")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("第二页")
    footer = document.sections[0].footer._element
    for paragraph in list(footer):
        footer.remove(paragraph)
    add_xml(footer, FOOTER_FIELDS)
    result = typeset(to_bytes(document))
    assert result.pages == 2
    pages = [normalise(page) for page in pages_text(result.pdf)]
    assert pages[0].endswith("第1页共2页")
    assert pages[1].endswith("第2页共2页")


def test_page_breaks_give_page_count() -> None:
    document = chinese_document()
    document.add_paragraph("一")
    document.add_paragraph("二").paragraph_format.page_break_before = True
    paragraph = document.add_paragraph("三")
    paragraph.add_run().add_break(WD_BREAK.PAGE)
    paragraph.add_run("四")
    result = typeset(to_bytes(document))
    assert result.pages == 3
    assert [normalise(page) for page in pages_text(result.pdf)] == ["一", "二三", "四"]


def test_long_text_flows_onto_more_pages() -> None:
    document = chinese_document()
    for n in range(120):
        document.add_paragraph(f"第{n}段：工伤预防宣传培训项目的实施方案与预算。")
    result = typeset(to_bytes(document))
    assert result.pages >= 2
    assert normalise(pdftotext(result.pdf)).count("工伤预防") == 120


def test_deterministic_bytes() -> None:
    document = chinese_document()
    document.add_paragraph("确定性：相同输入，相同字节。")
    table = document.add_table(rows=2, cols=2)
    table.style = "Table Grid"
    table.cell(0, 0).text = "甲"
    data = to_bytes(document)
    assert typeset(data, metadata={"title": "标题"}).pdf == typeset(data, metadata={"title": "标题"}).pdf


def test_metadata() -> None:
    document = chinese_document()
    document.add_paragraph("元数据")
    pdf = typeset(to_bytes(document), metadata={"title": "工伤预防通知", "author": "人社局", "keywords": "通知"}).pdf
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info.title == "工伤预防通知"
    assert info.author == "人社局"


def test_exact_line_spacing() -> None:
    document = chinese_document()
    narrow(document, 10)
    paragraph = document.add_paragraph("一二三四五六七八九十" * 3)
    paragraph.paragraph_format.line_spacing = Pt(30)
    ys = sorted({round(y, 2) for _, _, y in text_positions(typeset(to_bytes(document)).pdf)}, reverse=True)
    assert len(ys) == 3
    assert ys[0] - ys[1] == pytest.approx(30.0)
    assert ys[1] - ys[2] == pytest.approx(30.0)


def test_first_line_indent_in_characters() -> None:
    document = chinese_document()
    paragraph = document.add_paragraph("首行缩进两个字符")
    add_xml(paragraph._p.get_or_add_pPr(), '<w:ind w:firstLineChars="200" w:firstLine="480"/>')
    document.add_paragraph("不缩进")
    positions = {text: x for text, x, _ in text_positions(typeset(to_bytes(document)).pdf)}
    margin = document.sections[0].left_margin.pt
    assert positions["首行缩进两个字符"] == pytest.approx(margin + 24.0)
    assert positions["不缩进"] == pytest.approx(margin)


def test_unsupported_construct_is_named() -> None:
    document = chinese_document()
    paragraph = document.add_paragraph("有文本框")
    add_xml(
        paragraph._p,
        '<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox/></v:shape></w:pict></w:r>',
    )
    warnings = typeset(to_bytes(document)).warnings
    textbox = [w for w in warnings if w.code == "pdf.unsupported.textbox"]
    assert textbox and textbox[0].where == "body paragraph 1"
    assert "文本框" in textbox[0].message


def test_red_rule_paragraph_border() -> None:
    document = chinese_document()
    paragraph = document.add_paragraph("内人社发〔2020〕16号")
    add_xml(
        paragraph._p.get_or_add_pPr(),
        '<w:pBdr><w:bottom w:val="single" w:sz="24" w:space="4" w:color="FF0000"/></w:pBdr>',
    )
    pdf = typeset(to_bytes(document)).pdf
    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data().decode("latin-1")
    assert "1 0 0 RG" in content
    assert re.search(r"^3 w$", content, re.MULTILINE)


def test_not_a_docx_raises_input_error() -> None:
    with pytest.raises(InputError):
        typeset(b"not a zip file")


def test_path_input(tmp_path) -> None:
    document = chinese_document()
    document.add_paragraph("从文件读取")
    path = tmp_path / "in.docx"
    document.save(str(path))
    assert typeset(path).pages == 1


def test_pdffonts_reports_every_font_embedded_and_subset() -> None:
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) not installed")
    document = chinese_document()
    document.add_paragraph("宋体 Times ☑")
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "表格"
    pdf = typeset(to_bytes(document)).pdf
    output = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    rows = [line.split() for line in output.splitlines()[2:] if line.strip()]
    assert rows
    for row in rows:
        emb, sub, _uni = row[-5:-2]
        assert (emb, sub) == ("yes", "yes"), row
        assert "Helvetica" not in row[0]


def test_a_three_line_paragraph_with_room_for_two_moves_whole_with_its_heading() -> None:
    """Bug: with room for two of its three lines at the foot of a page, a paragraph kept one there (an orphan) and
    moved two; Word and LibreOffice move all three, and the keep-with-next heading above them follows."""
    document = chinese_document()
    for _ in range(lines_per_page() - 3):  # room for the heading and two lines
        document.add_paragraph("占位")
    document.add_paragraph("小标题").paragraph_format.keep_with_next = True
    document.add_paragraph("三行" + "工伤预防宣传培训" * 12)
    first, second = (normalise(page) for page in pages_text(typeset(to_bytes(document)).pdf))
    assert first.endswith("占位")
    assert second.startswith("小标题三行工伤预防") and second.count("工伤预防宣传培训") == 12
