"""List numbering and the on/off toggles editors write, checked on the typeset PDF."""

from __future__ import annotations

import pytest
from docx.shared import Pt

from docgen.pdf import typeset
from docgen.pdf.numbering import format_number
from tests.pdf.builders import add_xml, chinese_document, normalise, text_positions, to_bytes, word_boxes

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _level(ilvl: int, fmt: str, text: str, *, left: int, hanging: int = 420, start: int = 1, extra: str = "",
           jc: str = "left") -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="{jc}"/>{extra}'
            f'<w:pPr><w:ind w:left="{left}" w:hanging="{hanging}"/></w:pPr></w:lvl>')


def _numbered_document(levels: list[str], abstract: int = 90, nums: tuple[str, ...] = ('<w:num w:numId="90">'
                       '<w:abstractNumId w:val="90"/></w:num>',)):
    """A document whose numbering part has one more abstract definition (``levels``) and the given nums."""
    document = chinese_document()
    numbering = document.part.numbering_part.element
    definition = add_xml(numbering, f'<w:abstractNum w:abstractNumId="{abstract}">{"".join(levels)}</w:abstractNum>')
    numbering.remove(definition)
    numbering.insert(0, definition)  # abstract definitions come before the nums (schema order)
    for num in nums:
        add_xml(numbering, num)
    return document


def _item(document, text: str, num: int = 90, ilvl: int = 0, style: str | None = None):
    paragraph = document.add_paragraph(text, style=style)
    if num is not None:
        ppr = paragraph._p.get_or_add_pPr()
        add_xml(ppr, f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num}"/></w:numPr>')
    return paragraph


def _text(document) -> str:
    return _drawn(typeset(to_bytes(document)).pdf)


def _drawn(pdf: bytes) -> str:
    """The text of the first page in the order it is drawn (pdftotext may reorder a label and its text)."""
    return normalise("".join(text for text, _, _ in text_positions(pdf)))


def test_multi_level_chinese_outline_numbers_like_a_gongwen():
    document = _numbered_document([
        _level(0, "chineseCounting", "%1、", left=640, hanging=640),
        _level(1, "chineseCounting", "（%2）", left=960, hanging=960),
        _level(2, "decimal", "%3.", left=1280),
    ])
    for text, ilvl in (("总体要求", 0), ("目标", 1), ("原则", 1), ("细则", 2), ("细则", 2), ("保障措施", 0),
                       ("组织", 1)):
        _item(document, text, ilvl=ilvl)
    result = typeset(to_bytes(document))
    assert _drawn(result.pdf) == (
        "一、总体要求（一）目标（二）原则1.细则2.细则二、保障措施（一）组织")
    assert not [w for w in result.warnings if "numbering" in w.code or "numPr" in w.code]


def test_a_num_with_a_start_override_restarts_the_count():
    restart = '<w:num w:numId="91"><w:abstractNumId w:val="90"/><w:lvlOverride w:ilvl="0">' \
              '<w:startOverride w:val="1"/></w:lvlOverride></w:num>'
    document = _numbered_document([_level(0, "decimal", "%1.", left=420)],
                                  nums=('<w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>', restart))
    _item(document, "甲")
    _item(document, "乙")
    _item(document, "丙", num=91)
    _item(document, "丁", num=91)
    assert _text(document) == "1.甲2.乙1.丙2.丁"


@pytest.mark.parametrize(("fmt", "start", "labels"), [
    ("decimalEnclosedCircle", 1, "①②③"),
    ("decimalEnclosedParen", 1, "⑴⑵⑶"),
    ("ideographEnclosedCircle", 1, "㈠㈡㈢"),
    ("lowerLetter", 1, "a)b)c)"),
    ("upperRoman", 3, "III)IV)V)"),
    ("ideographTraditional", 1, "甲)乙)丙)"),
    ("chineseCountingThousand", 10, "十)十一)十二)"),
])
def test_number_formats(fmt, start, labels):
    text = "%1" if "Enclosed" in fmt else "%1)"
    document = _numbered_document([_level(0, fmt, text, left=420, start=start)])
    for _ in range(3):
        _item(document, "项")
    assert _text(document) == "".join(f"{label}项" for label in _split(labels, fmt))


def _split(labels: str, fmt: str) -> list[str]:
    if "Enclosed" in fmt:
        return list(labels)
    return [part + ")" for part in labels.split(")") if part]


def test_format_number_beyond_the_simple_range():
    assert format_number(21, "decimalEnclosedCircle") == "21"
    assert format_number(27, "lowerLetter") == "aa"
    assert format_number(1994, "upperRoman") == "MCMXCIV"
    assert format_number(11, "chineseCounting") == "十一"
    assert format_number(3, "decimalZero") == "03"
    assert format_number(5, "cardinalText") is None
    assert [format_number(n, "decimalEnclosedParen") for n in (1, 20, 21)] == ["⑴", "⒇", "(21)"]
    assert [format_number(n, "decimalEnclosedFullstop") for n in (1, 20, 21)] == ["⒈", "⒛", "21."]
    assert [format_number(n, "ideographEnclosedCircle") for n in (1, 10, 11)] == ["㈠", "㈩", "(十一)"]


def test_symbol_font_bullet_is_drawn_as_a_unicode_bullet():
    bullet = _level(0, "bullet", "\uf0b7", left=420,
                    extra='<w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol" w:hint="default"/></w:rPr>')
    document = _numbered_document([bullet])
    _item(document, "第一项")
    _item(document, "第二项")
    result = typeset(to_bytes(document))
    assert _drawn(result.pdf) == "•第一项•第二项"
    assert not [w for w in result.warnings if "Symbol" in w.message]


def test_text_after_the_label_starts_at_the_hanging_indent():
    document = _numbered_document([_level(0, "decimal", "%1.", left=840, hanging=420)])
    _item(document, "条款")
    margin = document.sections[0].left_margin.pt
    positions = {text: x for text, x, _ in text_positions(typeset(to_bytes(document)).pdf)}
    assert positions["1."] == pytest.approx(margin + 21, abs=0.5)
    assert positions["条款"] == pytest.approx(margin + 42, abs=0.5)


def test_numbering_given_by_a_paragraph_style():
    document = _numbered_document([_level(0, "decimal", "第%1条", left=0, hanging=0,
                                          extra='<w:suff w:val="space"/>')])
    style = document.styles.add_style("条款", 1)
    style.base_style = document.styles["Normal"]
    add_xml(style.element.get_or_add_pPr(), '<w:numPr><w:numId w:val="90"/></w:numPr>')
    document.add_paragraph("总则", style="条款")
    document.add_paragraph("附则", style="条款")
    plain = document.add_paragraph("无编号", style="条款")
    add_xml(plain._p.get_or_add_pPr(), '<w:numPr><w:numId w:val="0"/></w:numPr>')
    assert _text(document) == "第1条总则第2条附则无编号"


def test_unknown_number_format_warns_with_its_place():
    document = _numbered_document([_level(0, "cardinalText", "%1", left=420)])
    document.add_paragraph("前言")
    _item(document, "项")
    result = typeset(to_bytes(document))
    assert _text(document) == "前言1项"
    assert [(w.code, w.where) for w in result.warnings if w.code.endswith("number_format")] == [
        ("pdf.unsupported.number_format", "body paragraph 2")]


def test_a_missing_num_warns_instead_of_losing_the_label_silently():
    document = chinese_document()
    _item(document, "项", num=77)
    result = typeset(to_bytes(document))
    assert [w.where for w in result.warnings if w.code == "pdf.unsupported.numbering_definition"] == [
        "body paragraph 1"]


def test_explicit_false_toggles_are_off():
    """What LibreOffice and WPS write: every on/off property present with w:val 0/false/off."""
    document = chinese_document()
    paragraph = document.add_paragraph()
    ppr = paragraph._p.get_or_add_pPr()
    for xml in ('<w:keepNext w:val="false"/>', '<w:pageBreakBefore w:val="0"/>', '<w:bidi w:val="0"/>',
                '<w:textDirection w:val="lrTb"/>'):
        add_xml(ppr, xml)
    run = paragraph.add_run("正常文字")
    rpr = run._r.get_or_add_rPr()
    for xml in ('<w:b w:val="false"/>', '<w:i w:val="off"/>', '<w:vanish w:val="0"/>', '<w:caps w:val="0"/>',
                '<w:strike w:val="false"/>', '<w:w w:val="100"/>', '<w:shadow w:val="0"/>'):
        add_xml(rpr, xml)
    document.add_paragraph("第二段")
    result = typeset(to_bytes(document))
    assert _text(document) == "正常文字第二段"
    assert result.warnings == [] or all(w.code.startswith("pdf.font") for w in result.warnings)
    assert text_positions(result.pdf)[0][0] == "正常文字"


def test_numbered_text_in_a_table_cell_keeps_its_label():
    document = _numbered_document([_level(0, "decimal", "%1.", left=420)])
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    paragraph = cell.paragraphs[0]
    paragraph.add_run("单元格条目").font.size = Pt(12)
    add_xml(paragraph._p.get_or_add_pPr(), '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>')
    assert _text(document) == "1.单元格条目"


def _boxes(document) -> tuple[float, dict[str, tuple[float, float]]]:
    """The left margin and (x_min, x_max) of each word pdftotext finds on the first page."""
    pdf = typeset(to_bytes(document)).pdf
    return document.sections[0].left_margin.pt, {text: (x0, x1) for text, x0, _, x1, _ in word_boxes(pdf, 0)}


@pytest.mark.parametrize("jc", ["right", "end"])
def test_right_aligned_labels_end_at_the_number_position(jc):
    """w:lvlJc right: 9. and 10. end where the first line's indent is; the text starts at the hanging indent."""
    document = _numbered_document([_level(0, "decimal", "%1.", left=840, hanging=420, start=9, jc=jc)])
    _item(document, "甲项")
    _item(document, "乙项")
    margin, boxes = _boxes(document)
    assert boxes["9."][1] == pytest.approx(margin + 21, abs=0.5)
    assert boxes["10."][1] == pytest.approx(margin + 21, abs=0.5)
    assert boxes["10."][0] < boxes["9."][0] - 3
    assert boxes["甲项"][0] == pytest.approx(margin + 42, abs=0.5)
    assert boxes["乙项"][0] == pytest.approx(margin + 42, abs=0.5)


def test_a_centred_label_is_centred_on_the_number_position():
    document = _numbered_document([_level(0, "chineseCounting", "（%1）", left=1680, hanging=840, jc="center")])
    _item(document, "总则")
    margin, boxes = _boxes(document)
    start, end = boxes["（一）"]
    assert (start + end) / 2 == pytest.approx(margin + 42, abs=0.5)
    assert boxes["总则"][0] == pytest.approx(margin + 84, abs=0.5)


@pytest.mark.parametrize(("suffix", "words"), [
    ("nothing", ["第一条总则"]), ("space", ["第一条", "总则"]), ("tab", ["第一条", "总则"])])
def test_what_follows_the_label(suffix, words):
    """w:suff: the text follows the label directly, after a space, or at the next stop (the hanging indent)."""
    document = _numbered_document([_level(0, "chineseCounting", "第%1条", left=840, hanging=840,
                                          extra=f'<w:suff w:val="{suffix}"/>')])
    _item(document, "总则")
    margin = document.sections[0].left_margin.pt
    boxes = word_boxes(typeset(to_bytes(document)).pdf, 0)
    assert [text for text, *_ in boxes] == words
    assert boxes[0][1] == pytest.approx(margin, abs=0.5)
    if suffix == "space":
        assert 1.5 < boxes[1][1] - boxes[0][3] < 6  # one space of 12 pt text
    elif suffix == "tab":
        assert boxes[1][1] == pytest.approx(margin + 42, abs=0.5)


def test_a_picture_bullet_is_drawn_as_a_bullet_and_warns_with_its_place():
    document = _numbered_document([_level(0, "bullet", "\uf0b7", left=420, extra='<w:lvlPicBulletId w:val="0"/>')])
    numbering = document.part.numbering_part.element
    picture = add_xml(numbering, '<w:numPicBullet w:numPicBulletId="0"><w:pict/></w:numPicBullet>')
    numbering.remove(picture)
    numbering.insert(0, picture)
    document.add_paragraph("说明")
    _item(document, "第一项")
    result = typeset(to_bytes(document))
    assert _drawn(result.pdf) == "说明•第一项"
    assert [(w.code, w.where) for w in result.warnings if "picture" in w.code] == [
        ("pdf.unsupported.picture_bullet", "body paragraph 2")]
