"""The 通知 (GB/T 9704-2012) read back from the docx (python-docx) and the PDF (pypdf, pdftotext)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from functools import cache
from itertools import pairwise

import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from pypdf import PdfReader

import docgen
from docgen.cli import main
from docgen.context.notice import title_lines
from docgen.errors import DataError
from tests.conftest import FIXTURES, ROOT, load_json
from tests.pdf.builders import word_boxes
from tests.readback import docx_tables, open_docx

EXAMPLES = ROOT / "examples"
RED = "FF0000"


@cache
def _rendered(name: str) -> docgen.Document:
    return docgen.render(EXAMPLES / f"{name}.json", "notice", to=["docx", "pdf"]).documents[0]


@pytest.fixture(scope="module")
def plan_doc():
    return open_docx(_rendered("annual-plan").data)


@pytest.fixture(scope="module")
def plan_pdf() -> PdfReader:
    return PdfReader(io.BytesIO(_rendered("annual-plan").pdf))


def _compact(text: str) -> str:
    return "".join(text.split())


def _east_asia(style) -> str:
    return style.element.rPr.rFonts.get(qn("w:eastAsia"))


def _paragraph(document, text: str):
    return next(p for p in document.paragraphs if p.text == text)


# --------------------------------------------------------------------------------------------------
# Page: A4, margins, 22 × 28 grid, odd/even footers
# --------------------------------------------------------------------------------------------------


def test_a4_with_the_gbt9704_margins(plan_doc):
    section = plan_doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]


def test_grid_of_22_lines_and_28_characters(plan_doc):
    """A line grid and 3号 condensed by 0.25 pt: 28 characters in 156 mm in Word, LibreOffice and docgen alike."""
    grid = plan_doc.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    line_pitch = int(grid.get(qn("w:linePitch"))) / 20
    assert int(Mm(225).pt / line_pitch) == 22  # 22 whole lines fit the 版心, and not 23
    normal = plan_doc.styles["Normal"].element.rPr
    char_pitch = 16 + int(normal.find(qn("w:spacing")).get(qn("w:val"))) / 20
    assert int(Mm(156).pt / char_pitch) == 28


def test_page_numbers_right_on_odd_and_left_on_even_pages_in_the_docx(plan_doc):
    assert plan_doc.settings.odd_and_even_pages_header_footer
    section = plan_doc.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.alignment == 2 and even.alignment == 0  # RIGHT, LEFT
    assert odd.paragraph_format.right_indent == Pt(14) and even.paragraph_format.left_indent == Pt(14)
    for footer in (odd, even):
        assert footer.text.startswith("— ") and footer.text.endswith(" —")
        assert footer.style.font.size == Pt(14)


def _page_number_x(reader: PdfReader, page: int) -> float:
    """x of the page number's digits, read with a text visitor (footer: below the 35 mm bottom margin)."""
    found: list[tuple[str, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        y = tm[5] * cm[3] + cm[5]
        if text.strip() and y < Mm(35).pt:
            found.append((text, tm[4] * cm[0] + cm[4]))

    reader.pages[page].extract_text(visitor_text=visit)
    digits = [x for text, x in found if text.strip() == str(page + 1)]
    assert digits, found
    return digits[0]


def test_page_numbers_read_back_from_the_pdf(plan_pdf):
    width = float(plan_pdf.pages[0].mediabox.width)
    assert _page_number_x(plan_pdf, 0) > width * 0.7  # "— 1 —" at the right
    assert _page_number_x(plan_pdf, 1) < width * 0.3  # "— 2 —" at the left
    assert _page_number_x(plan_pdf, 2) > width * 0.7


# --------------------------------------------------------------------------------------------------
# Fonts and colours
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("style", "font", "size", "bold"), [
    ("Issuer Mark", "方正小标宋简体", 22, False),
    ("Title", "方正小标宋简体", 22, False),
    ("Normal", "仿宋_GB2312", 16, False),
    ("Body Text", "仿宋_GB2312", 16, False),
    ("Heading 1", "黑体", 16, False),
    ("Heading 2", "楷体_GB2312", 16, False),
    ("Heading 3", "仿宋_GB2312", 16, True),
    ("Heading 4", "仿宋_GB2312", 16, False),
    ("Imprint", "仿宋_GB2312", 14, False),
])
def test_styles_use_the_prescribed_fonts(plan_doc, style, font, size, bold):
    found = plan_doc.styles[style]
    assert _east_asia(found) == font
    assert found.font.size == Pt(size)
    assert bool(found.font.bold) is bold


def test_paragraphs_carry_the_heading_styles(plan_doc):
    styles = {p.text: p.style.name for p in plan_doc.paragraphs}
    assert styles["一、总体目标"] == "Heading 1"
    assert styles["（一）政府主导，专业运作"] == "Heading 2"
    assert styles["关于印发《2027年度呼和浩特市工伤预防项目实施方案》的通知"] == "Title"


def test_issuing_body_in_red_with_wenjian_beside_it(plan_doc):
    assert str(plan_doc.styles["Issuer Mark"].font.color.rgb) == RED
    mark = plan_doc.tables[0]
    assert [c.text.strip() for c in mark.rows[0].cells] == ["呼和浩特市工伤预防委员会", "文件"]


def test_several_issuing_bodies_are_stacked():
    document = open_docx(_rendered("notice").data)
    names = [p.text for p in document.tables[0].rows[0].cells[0].paragraphs if p.text]
    assert names == ["鄂尔多斯市人力资源和社会保障局", "鄂尔多斯市财政局"]


def test_red_rule_under_the_document_number(plan_doc):
    number = _paragraph(plan_doc, "呼工预委发〔2027〕1号")
    bottom = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == RED and bottom.get(qn("w:val")) == "single"
    assert number.paragraph_format.left_indent in (None, 0) and number.paragraph_format.right_indent in (None, 0)


# --------------------------------------------------------------------------------------------------
# Text: 发文字号, 主送机关, 附件说明, dates, 版记
# --------------------------------------------------------------------------------------------------


def test_document_number_has_the_year_in_brackets_and_no_padding(plan_doc):
    numbers = [p.text for p in plan_doc.paragraphs if p.style.name == "Document Number"]
    assert numbers == ["呼工预委发〔2027〕1号"]
    assert re.fullmatch(r"[^〔〕\d]+〔\d{4}〕[1-9]\d*号", numbers[0])


@pytest.mark.parametrize(("title", "lines"), [
    ("关于开展工伤预防工作的通知", ["关于开展工伤预防工作的通知"]),  # one line
    ("关于做好2027年度工伤预防项目申报工作的通知", ["关于做好2027年度", "工伤预防项目申报工作的通知"]),
    ("关于印发《工伤预防费使用管理暂行办法》的通知", ["关于印发《工伤预防费使用管理暂行办法》", "的通知"]),
    # no boundary outside the 《》 leaves both lines short enough: the typesetter fills the lines
    ("关于印发《2027年度呼和浩特市工伤预防项目实施方案》的通知", ["关于印发《2027年度呼和浩特市工伤预防项目实施方案》的通知"]),
    ("关于做好工伤预防工作的\n通知", ["关于做好工伤预防工作的", "通知"]),  # the record's own break
])
def test_title_breaks_between_words_into_balanced_lines(title, lines):
    assert title_lines(title) == lines


def test_title_lines_read_back_centred_from_the_pdf():
    pdf = _rendered("notice").pdf
    boxes = word_boxes(pdf, 0)
    first = [box for box in boxes if box[0] == "关于做好2027年度"]  # no automatic space around the digits
    second = next(box for box in boxes if box[0] == "工伤预防项目申报工作的通知")
    assert len(first) == 1
    assert 22 <= second[4] - first[0][4] <= 36  # the next line of 2号 (22 pt)
    centre = (TEXT_LEFT + TEXT_RIGHT) / 2
    assert (first[0][1] + first[-1][3]) / 2 == pytest.approx(centre, abs=2)
    assert (second[1] + second[3]) / 2 == pytest.approx(centre, abs=2)


def test_addressee_flush_left_ending_with_a_colon(plan_doc):
    addressee = next(p for p in plan_doc.paragraphs if p.style.name == "Addressee")
    assert addressee.text.endswith("：") and not addressee.text.endswith("：：")
    assert addressee.style.paragraph_format.first_line_indent == 0


def test_attachment_note_indented_numbered_without_end_punctuation(plan_doc):
    notes = [p for p in plan_doc.paragraphs if p.style.name == "Attachment Note"]
    assert [p.text.strip("　") for p in notes] == ["附件：1.2027年度呼和浩特市工伤预防项目实施方案",
                                                  "2.呼和浩特市工伤预防联席会议成员名单"]
    assert notes[0].style.paragraph_format.first_line_indent == Pt(32)
    assert notes[-1].text[-1] not in "。，；："


def test_date_in_arabic_numerals_without_padding_and_note_in_parentheses(plan_doc):
    texts = [p.text for p in plan_doc.paragraphs]
    assert "2027年3月10日" in texts
    assert "（此件公开发布）" in texts
    dated = _paragraph(plan_doc, "2027年3月10日")
    assert dated.paragraph_format.right_indent == Pt(64)  # 右空四字


def test_imprint_on_the_last_page_in_4hao_fangsong(plan_doc, plan_pdf):
    last = _compact(plan_pdf.pages[-1].extract_text())
    assert "抄送：内蒙古自治区人力资源和社会保障厅，呼和浩特市人民政府办公室。" in last
    assert "呼和浩特市工伤预防委员会办公室" in last and "2027年3月11日印发" in last
    assert all("抄送" not in page.extract_text() for page in plan_pdf.pages[:-1])
    imprint = [p for p in plan_doc.paragraphs if p.style.name == "Imprint"]
    assert imprint[0]._p.pPr.find(qn("w:pBdr")).find(qn("w:top")).get(qn("w:sz")) == "8"  # 0.35 mm
    assert imprint[-1]._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:sz")) == "8"


PAGE_HEIGHT, TEXT_LEFT, TEXT_RIGHT = Mm(297).pt, Mm(28).pt, Mm(28 + 156).pt
TEXT_BOTTOM = PAGE_HEIGHT - Mm(35).pt  # the foot of the 版心, from the top of the page


@pytest.mark.parametrize(("name", "shared"), [("annual-plan", True), ("notice", True)])
def test_imprint_ends_on_the_last_line_of_the_last_page(name, shared):
    """The 版记 shares the last page with the text when that page is even, else it has an even page of its own."""
    pdf = _rendered(name).pdf
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    printed = next(box for box in word_boxes(pdf, pages - 1) if box[0].endswith("印发"))
    assert TEXT_BOTTOM - Pt(26).pt < printed[4] < TEXT_BOTTOM  # last line of the 版心, above the rule
    body = [box for box in word_boxes(pdf, pages - 1) if box[4] < printed[2] - Pt(30).pt]
    assert bool(body) == shared and pages % 2 == 0


def test_copy_to_one_character_in_either_side_continuing_under_the_first_name():
    """7.5.2: 抄送 左右各空一字; a second line starts under the first character after the colon."""
    record = load_json(EXAMPLES / "notice.json")
    record["notice"]["copy_to"] = [f"鄂尔多斯市第{n}人民政府办公室" for n in "一二三四"]
    pdf = docgen.render(record, "notice", to=["pdf"]).documents[0].pdf
    last = len(PdfReader(io.BytesIO(pdf)).pages) - 1
    boxes = word_boxes(pdf, last)
    first = next(box for box in boxes if box[0].startswith("抄送："))
    printed = next(box for box in boxes if box[0].endswith("印发"))
    following = sorted((box for box in boxes if first[4] + 1 < box[4] < printed[4] - 5), key=lambda box: box[2])
    assert following, "the list must wrap onto a second line"
    char = Pt(14).pt
    assert first[1] == pytest.approx(TEXT_LEFT + char, abs=0.5)  # 左空一字
    assert first[3] <= TEXT_RIGHT - char + 0.5  # 右空一字
    for line in following:  # under 鄂, the first character after 抄送：
        assert line[1] == pytest.approx(first[1] + 3 * char, abs=0.5)
    assert following[-1][0].endswith("办公室。")


def _page_of(pdf: bytes, text: str) -> tuple[int, list[str]]:
    """The last page with the word ``text`` (the 署名, not the 发文机关标志 of page 1) and its words."""
    reader = PdfReader(io.BytesIO(pdf))
    for number in reversed(range(len(reader.pages))):
        words = [box[0] for box in word_boxes(pdf, number)]
        if text in words:
            return number, words
    raise AssertionError(f"{text} not found")


def test_signature_never_stands_alone_on_a_page():
    """Whatever the body's length, the 署名 page also carries the body's last lines (印章页不得无正文)."""
    record = load_json(EXAMPLES / "notice.json")
    record["notice"]["issuers"], record["notice"]["seal"] = ["鄂尔多斯市人力资源和社会保障局"], True
    pages_seen = set()
    for extra, page, words in _swept_signature_pages(record, "鄂尔多斯市人力资源和社会保障局"):
        pages_seen.add(page)
        assert "末段正文，须与署名同页。" in words, f"{extra} extra paragraphs: 署名 alone on page {page + 1}"
    assert len(pages_seen) >= 2, "the sweep must push the 署名 across a page end"


def _swept_signature_pages(record: dict, signature: str) -> Iterator[tuple[int, int, list[str]]]:
    """Lengthen the body (no attachments) two paragraphs at a time: the 署名's page and its words each time."""
    notice = record["notice"]
    notice.pop("attachments", None)
    for extra in range(0, 24, 2):
        notice["body"] = [*load_json(EXAMPLES / "notice.json")["notice"]["body"],
                          *({"paragraph": f"补充说明第{n + 1}条。"} for n in range(extra)),
                          {"paragraph": "末段正文，须与署名同页。"}]
        pdf = docgen.render(record, "notice", to=["pdf"]).documents[0].pdf
        yield extra, *_page_of(pdf, signature)


def _signature_boxes(record: dict) -> tuple[tuple, list[tuple]]:
    pdf = docgen.render(record, "notice", to=["pdf"]).documents[0].pdf
    page, _ = _page_of(pdf, record["notice"]["issuers"][-1])
    boxes = word_boxes(pdf, page)
    names = [box for box in boxes if box[0] in record["notice"]["issuers"]]
    date = next(box for box in boxes if box[0] == "2027年1月15日")
    return date, names


def test_signature_centred_over_the_date_under_a_seal():
    record = load_json(EXAMPLES / "notice.json")
    record["notice"].update(issuers=["鄂尔多斯市财政局"], seal=True)
    date, (name,) = _signature_boxes(record)
    assert TEXT_RIGHT - date[3] == pytest.approx(4 * 16, abs=2)  # 右空四字
    assert (name[1] + name[3]) / 2 == pytest.approx((date[1] + date[3]) / 2, abs=2)


def test_without_seal_signature_two_characters_in_and_date_two_characters_right_of_it():
    record = load_json(EXAMPLES / "notice.json")
    record["notice"].update(issuers=["鄂尔多斯市财政局"], seal=False)
    date, (name,) = _signature_boxes(record)
    assert TEXT_RIGHT - date[3] >= 2 * 16 - 2
    assert date[1] - name[1] == pytest.approx(2 * 16, abs=2)  # 首字右移二字
    record["notice"]["issuers"] = ["鄂尔多斯市人力资源和社会保障局"]  # longer than the date: 署名右空二字
    date, (name,) = _signature_boxes(record)
    assert TEXT_RIGHT - name[3] == pytest.approx(2 * 16, abs=2)
    assert date[1] - name[1] == pytest.approx(2 * 16, abs=4)  # digits are not exactly half a character wide


JOINT = ["鄂尔多斯市财政局", "鄂尔多斯市应急管理局", "鄂尔多斯市卫生健康委员会", "鄂尔多斯市市场监督管理局"]
SEAL = Mm(42).pt  # the diameter of a 公章


def _joint(names: list[str], *, seal: bool = True) -> dict:
    record = load_json(EXAMPLES / "notice.json")
    record["notice"].update(issuers=names, seal=seal)
    return record


def _rows(names: list[tuple]) -> list[list[tuple]]:
    """The 署名 boxes grouped by baseline, top to bottom, each row left to right."""
    rows: dict[float, list[tuple]] = {}
    for box in names:
        baseline = next((y for y in rows if abs(y - box[4]) < 1), box[4])
        rows.setdefault(baseline, []).append(box)
    return [sorted(rows[y], key=lambda box: box[1]) for y in sorted(rows)]


def _centre(box: tuple) -> float:
    return (box[1] + box[3]) / 2


@pytest.mark.parametrize(("count", "shape"), [(2, [2]), (3, [2, 1]), (4, [2, 2])])
def test_joint_issuers_under_seals_sit_two_a_row(count, shape):
    """GB/T 9704-2012 7.3.5.1, 图A.5: the 署名 side by side in issuer order, the last one over the date."""
    names = JOINT[:count]
    date, boxes = _signature_boxes(_joint(names))
    rows = _rows(boxes)
    assert [len(row) for row in rows] == shape
    assert [box[0] for row in rows for box in row] == names
    right_slot, left_slot = _centre(date), TEXT_LEFT + TEXT_RIGHT - _centre(date)
    for row in rows:
        assert max(box[4] for box in row) - min(box[4] for box in row) < 0.5  # one baseline
        assert all(box[1] >= TEXT_LEFT - 0.5 and box[3] <= TEXT_RIGHT + 0.5 for box in row)
        assert _centre(row[-1]) == pytest.approx(right_slot, abs=2)
        if len(row) == 2:
            assert row[0][3] + 16 <= row[1][1]  # a character apart at least
            assert _centre(row[0]) == pytest.approx(left_slot, abs=2)
    assert right_slot - left_slot > SEAL  # the seals of one row do not touch
    assert all(lower[0][4] - upper[0][4] > SEAL for upper, lower in pairwise(rows))  # nor those of two rows
    assert TEXT_RIGHT - date[3] == pytest.approx(4 * 16, abs=2)  # 右空四字
    assert 0 < date[4] - rows[-1][-1][4] < Pt(40).pt  # on the line under the last 署名


def test_joint_names_too_wide_for_their_half_stay_inside_the_text_area():
    record = _joint(["鄂尔多斯市人力资源和社会保障局", "鄂尔多斯市财政局"])
    date, boxes = _signature_boxes(record)
    (left, right), = _rows(boxes)
    assert left[1] == pytest.approx(TEXT_LEFT, abs=1)  # moved in from its slot, flush with the 版心
    assert _centre(right) == pytest.approx(_centre(date), abs=2)
    record = _joint(["鄂尔多斯市人力资源和社会保障局", "内蒙古自治区鄂尔多斯市应急管理局"])  # 15 + 16 > 28 characters
    date, boxes = _signature_boxes(record)
    rows = _rows(boxes)
    assert [[box[0] for box in row] for row in rows] == [[name] for name in record["notice"]["issuers"]]
    assert rows[0][0][1] == pytest.approx(TEXT_LEFT, abs=1)
    assert rows[1][0][3] == pytest.approx(TEXT_RIGHT, abs=1)  # wider than its slot over the date: flush right
    assert _centre(rows[1][0]) - _centre(rows[0][0]) > SEAL  # one row each, and their seals do not touch


def test_joint_signature_never_stands_alone_on_a_page():
    """The rows of 署名 stay with the body's last lines as the stacked 署名 did (印章页不得无正文)."""
    pages_seen = set()
    for extra, page, words in _swept_signature_pages(_joint(JOINT), JOINT[-1]):
        pages_seen.add(page)
        assert "末段正文，须与署名同页。" in words, f"{extra} extra paragraphs: 署名 alone on page {page + 1}"
        assert set(JOINT) <= set(words) and "2027年1月15日" in words
    assert len(pages_seen) >= 2, "the sweep must push the 署名 across a page end"


def test_joint_issuers_without_seal_stay_stacked():
    """7.3.5.2: without seals the 署名 are stacked, 主办机关 first, the longest 右空二字."""
    date, boxes = _signature_boxes(_joint(JOINT[:3], seal=False))
    rows = _rows(boxes)
    assert [[box[0] for box in row] for row in rows] == [[name] for name in JOINT[:3]]
    assert min(TEXT_RIGHT - row[0][3] for row in rows) == pytest.approx(2 * 16, abs=2)
    assert date[4] > rows[-1][0][4]


def test_joint_issuers_laid_out_with_centre_tab_stops_in_the_docx():
    document = open_docx(docgen.render(_joint(JOINT[:3]), "notice").documents[0].data)
    rows = [p for p in document.paragraphs if p.style.name == "Signature" and "\t" in p.text]
    assert [p.text.split("\t")[1:] for p in rows] == [JOINT[:2], ["", JOINT[2]]]
    for row in rows:
        stops = list(row.paragraph_format.tab_stops)
        assert [stop.alignment for stop in stops] == [WD_TAB_ALIGNMENT.CENTER] * 2
        assert 0 < stops[0].position < Mm(78) < stops[1].position < Mm(156)
        assert row.paragraph_format.keep_with_next and row.alignment == WD_ALIGN_PARAGRAPH.LEFT



LINE = Mm(225).pt / 22  # the pitch of the 22-line grid, in points
LAST_LINE = "末段正文，须与署名同页。"
DATE, NOTE = "2027年1月15日", "（此件主动公开）"
CLOSINGS = {  # issuers, seal, 附件说明
    "one-issuer-sealed": (["鄂尔多斯市人力资源和社会保障局"], True, False),
    "one-issuer-unsealed": (["鄂尔多斯市人力资源和社会保障局"], False, False),
    "one-issuer-with-attachment-note": (["鄂尔多斯市人力资源和社会保障局"], True, True),
    "joint-sealed": (JOINT, True, False),
}


def _closing(issuers: list[str], seal: bool, attachment: bool, extra: int = 0) -> dict:
    """examples/notice.json with these issuers, ``extra`` one-line paragraphs and `LAST_LINE` closing the body."""
    record = _joint(issuers, seal=seal)
    notice = record["notice"]
    if not attachment:
        del notice["attachments"]
    notice["body"] += [*({"paragraph": f"补充说明第{n + 1}条。"} for n in range(extra)), {"paragraph": LAST_LINE}]
    return record


def _word(boxes: list[tuple], text: str) -> tuple | None:
    return next((box for box in boxes if box[0] == text), None)


@pytest.mark.parametrize("closing", CLOSINGS.values(), ids=CLOSINGS.keys())
def test_note_never_leaves_the_page_of_the_date(closing):
    """Bug: the 成文日期 did not keep with the 附注, left alone at the top of page 3 of examples/notice.json.

    GB/T 9704-2012 7.3.6 puts the 附注 on the line under the 成文日期, on its page whatever the body's length.
    """
    pages_seen, notes_at_foot = set(), 0
    for extra in range(23):  # a line more each time: the date meets every line of a page, the last one too
        pdf = docgen.render(_closing(*closing, extra), "notice", to=["pdf"]).documents[0].pdf
        page, _ = _page_of(pdf, DATE)
        boxes = word_boxes(pdf, page)
        date, note = _word(boxes, DATE), _word(boxes, NOTE)
        assert date is not None and note is not None, f"{extra} extra lines: 附注 not on page {page + 1} of the date"
        assert note[4] - date[4] == pytest.approx(LINE, abs=1), f"{extra} extra lines: 附注 not under the date"
        pages_seen.add(page)
        notes_at_foot += note[4] > TEXT_BOTTOM - 2 * LINE
    assert len(pages_seen) >= 2, "the sweep must push the date across a page end"
    assert notes_at_foot, "the sweep must bring the 附注 down to the foot of a page"


@pytest.mark.parametrize(("closing", "lines"), [
    (CLOSINGS["one-issuer-sealed"], 3),
    (CLOSINGS["one-issuer-with-attachment-note"], 3),
    (CLOSINGS["joint-sealed"], 3),
    ((JOINT[:2], True, True), 3),
    (CLOSINGS["one-issuer-unsealed"], 2),
    ((JOINT[:3], False, True), 2),
], ids=["one-issuer-sealed", "one-issuer-with-attachment-note", "joint-sealed", "joint-with-attachment-note",
        "one-issuer-unsealed", "joint-unsealed-with-attachment-note"])
def test_blank_lines_between_the_body_and_the_signature(closing, lines):
    """Bug: three blank lines over a sealed 署名 put the seal's top more than a line below the body.

    7.3.5.1 asks for the seal's top within a line of the body (or 附件说明): on the 10.23 mm grid and with a
    seal 42 mm across centred on the first 署名 (or a little below it) that takes two blank lines: with n blank
    lines the seal's top falls (n + 0.5)·p - 21 to (n + 1)·p - 21 mm below the body, p = 225 mm / 22, i.e. over
    the body for n = 1, 4.6 to 9.7 mm below it for n = 2, more than a line for n = 3. 7.3.5.2: without a seal,
    one blank line.
    """
    issuers, _, attachment = closing
    pdf = docgen.render(_closing(*closing), "notice", to=["pdf"]).documents[0].pdf
    page, _ = _page_of(pdf, issuers[0])
    boxes = word_boxes(pdf, page)
    above = _word(boxes, "附件：工伤预防项目申报材料清单" if attachment else LAST_LINE)
    first_signature = min(box[4] for box in boxes if box[0] in issuers)
    assert above is not None
    assert (first_signature - above[4]) / LINE == pytest.approx(lines, abs=0.05)


def test_date_keeps_with_the_note_only_when_there_is_one():
    for note in ("此件主动公开", ""):
        record = load_json(EXAMPLES / "notice.json")
        record["notice"]["note"] = note
        document = open_docx(docgen.render(record, "notice").documents[0].data)
        assert bool(_paragraph(document, DATE).paragraph_format.keep_with_next) == bool(note)

def test_table_columns_fit_their_content():
    document = open_docx(_rendered("notice").data)
    quota, attachment = document.tables[1], document.tables[2]
    for table in (quota, attachment):
        grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(grid) == 8844  # the 版心 width, 156 mm
    widths = [int(col.get(qn("w:w"))) for col in attachment._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert widths[1] > 3 * widths[0] and widths[1] > 3 * widths[2]  # 材料名称 wide, 序号 and 份数 narrow
    cells = [int(cell._tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for cell in attachment.rows[1].cells]
    assert cells == widths


def test_attachments_start_new_pages(plan_doc, plan_pdf):
    assert plan_doc.styles["Attachment Label"].paragraph_format.page_break_before
    starts = {}
    for number, page in enumerate(plan_pdf.pages):
        first = page.extract_text().strip().splitlines()[0]
        if re.fullmatch(r"附件\d*", first.strip()):  # a label, not the 附件说明 at the top of a page
            starts[first.strip()] = number
    assert list(starts) == ["附件1", "附件2"]
    member_page = _compact(plan_pdf.pages[starts["附件2"]].extract_text())
    assert "呼和浩特市工伤预防联席会议成员名单" in member_page and "召集人" in member_page


# --------------------------------------------------------------------------------------------------
# The annual plan and the member list
# --------------------------------------------------------------------------------------------------


def test_annual_plan_budget_table_steps_and_payment(plan_doc):
    tables = docx_tables(plan_doc)
    budget = next(t for t in tables if t[0] == ["序号", "子项目名称", "预算（万元）", "采购方式"])
    assert budget[-1][:3] == ["合计", "", "240.00"]
    assert [row[2] for row in budget[1:-1]] == ["90.00", "150.00"]
    texts = [p.text for p in plan_doc.paragraphs]
    assert "（四）项目招标采购（2027年4月—5月）" in texts
    assert "（六）项目实施和过程监督（2027年6月—2028年3月）" in texts
    assert any("总额50%的预付款" in t and "总额50%的余款" in t for t in texts)


def test_member_list_table(plan_doc):
    members = next(t for t in docx_tables(plan_doc) if t[0] == ["职务", "姓名", "单位及职务"])
    assert members[1] == ["召集人", "高  伟", "市人力资源和社会保障局党组成员、副局长"]
    assert len(members) == 11


# --------------------------------------------------------------------------------------------------
# Placeholders: filled per recipient, in the sandbox
# --------------------------------------------------------------------------------------------------


def _notice_with(recipient: dict | None = None, **text) -> dict:
    record = load_json(EXAMPLES / "notice.json")
    if recipient is not None:
        record["recipient"] = recipient
    for index, value in text.items():
        record["notice"]["body"][int(index.removeprefix("p"))]["paragraph"] = value
    return record


@pytest.mark.parametrize("name", ["鄂尔多斯市建筑业协会", "A&B <公司> \"测试\""])
def test_placeholders_filled_for_each_recipient(name):
    record = _notice_with({"name": name, "code": "X-1", "region": "东胜区", "quota": 3, "amount": "120000.00",
                           "contact": "刘芳", "phone": "0477-1", "deadline": "2027-03-05"})
    document = open_docx(docgen.render(record, "notice").documents[0].data)
    texts = [p.text for p in document.paragraphs]
    assert f"{name}：" in texts
    assert any(f"经研究，{name}（单位编号X-1）本年度可申报项目3个，工伤预防费额度不超过12.00万元" in t for t in texts)
    assert any("2027年3月5日前" in t for t in texts)
    quota = next(t for t in docx_tables(document) if t[0][0] == "单位")
    assert quota[1] == [name, "东胜区", "3", "12.00"]


@pytest.mark.parametrize("placeholder", ["{{ ''.__class__.__mro__ }}", "{{ recipient.__init__ }}",
                                         "{{ recipient.__class__.__subclasses__() }}", "{% include '/etc/passwd' %}",
                                         "{{ 9 ** 9 ** 9 }}", "{{ 'x' * 100000000 }}", "{{ recipient.name"])
def test_malicious_placeholder_is_a_finding_not_a_leak(placeholder):
    record = _notice_with(p4=f"经研究，{placeholder}。")
    report = docgen.validate(record, "notice")
    found = [f for f in report.findings if f.code == "notice.placeholder_invalid"]
    assert [f.path for f in found] == ["/notice/body/4/paragraph"]
    assert "class '" not in found[0].message and "root:" not in found[0].message
    with pytest.raises(DataError):
        docgen.render(record, "notice")
    forced = docgen.render(record, "notice", force=True).documents[0].data  # printed as written, not evaluated
    text = "\n".join(p.text for p in open_docx(forced).paragraphs)
    assert placeholder in text and "<class" not in text and "root:" not in text


def test_batch_fills_each_row(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["batch", "notice", str(EXAMPLES / "notices.xlsx"), "--base", str(EXAMPLES / "notice.json"),
                 "-o", str(out), "--to", "docx,pdf", "--merge"])
    assert code == 0, capsys.readouterr()
    documents = sorted(path for path in out.glob("*.docx") if path.name != "merged.docx")
    assert 5 <= len(documents) <= 8
    addressees = [next(p.text for p in open_docx(path.read_bytes()).paragraphs if p.style.name == "Addressee")
                  for path in documents]
    assert len(set(addressees)) == len(documents) and all(a.endswith("：") for a in addressees)
    merged = PdfReader(out / "merged.pdf")
    assert len(merged.pages) >= 2 * len(documents)


def test_properties_name_the_notice_and_its_issuer():
    document = open_docx(_rendered("annual-plan").data)
    assert document.core_properties.title.startswith("关于印发《2027年度呼和浩特市工伤预防项目实施方案》的通知")
    assert document.core_properties.author == "呼和浩特市工伤预防委员会"


def test_fixture_and_example_stay_valid():
    for record in (load_json(FIXTURES / "notice.json"), EXAMPLES / "annual-plan.json"):  # its seal path: examples/
        assert docgen.validate(record, "notice").ok


def test_minimal_notice_without_seal_attachments_or_copy_to():
    record = load_json(EXAMPLES / "notice.json")
    notice = record["notice"]
    for key in ("attachments", "copy_to", "note", "print_date", "printer"):
        del notice[key]
    notice.update(issuers=["鄂尔多斯市人力资源和社会保障局"], seal=False)
    rendered = docgen.render(record, "notice", to=["docx", "pdf"]).documents[0]
    document = open_docx(rendered.data)
    styles = [p.style.name for p in document.paragraphs]
    assert "Attachment Note" not in styles and "Attachment Label" not in styles
    imprint = [p for p in document.paragraphs if p.style.name == "Imprint"]
    assert len(imprint) == 1 and "抄送" not in imprint[0].text
    assert imprint[0]._p.pPr.find(qn("w:pBdr")).find(qn("w:top")).get(qn("w:sz")) == "8"
    assert [c.text.strip() for c in document.tables[0].rows[0].cells] == ["鄂尔多斯市人力资源和社会保障局", "文件"]


def test_table_column_name_of_1500_characters_renders_whole_issue_17_2():
    """Issue #17.2: a notice table whose header row is taller than a page looped until MemoryError."""
    record = load_json(EXAMPLES / "notice.json")
    table = next(block["table"] for block in record["notice"]["body"] if "table" in block)
    table["columns"][1] = "甲乙丙丁戊己庚辛壬癸" * 150
    pdf = docgen.render(record, "notice", to=("pdf",)).documents[0].pdf
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert _compact(text).count("甲") == _compact(text).count("癸") == 150  # the sequence may span a page break


def _lines(pdf: bytes, page: int) -> list[tuple[str, float, float]]:
    """The text lines of a page, top to bottom: (text, top, bottom), words joined by their baseline."""
    lines: dict[float, list[tuple]] = {}
    for box in word_boxes(pdf, page):
        lines.setdefault(round(box[4]), []).append(box)
    return [("".join(b[0] for b in sorted(boxes, key=lambda b: b[1])), min(b[2] for b in boxes), bottom)
            for bottom, boxes in sorted(lines.items())]


def test_annual_plan_page_one_holds_the_body_and_the_signature():
    """Bug: the 附件说明, 署名 and 成文日期 of the annual plan went to page 2, a page with a seal and no text,
    leaving page 1 two-thirds empty; now page 1's lines are tightened (7.3.5.4: 调整行距) so it holds them all."""
    pdf = _rendered("annual-plan").pdf
    lines = [line for line in _lines(pdf, 0) if not line[0].startswith("—")]  # not the page number
    texts = [text for text, _, _ in lines]
    assert "2027年3月10日" in texts and "（此件公开发布）" in texts
    assert any(text.startswith("附件：1.") for text in texts)
    text_top = Mm(37).pt
    filled = (lines[-1][2] - text_top) / (TEXT_BOTTOM - text_top)
    assert filled > 0.9, f"page 1 filled to {filled:.0%} of the 版心"
    body = [n for n, text in enumerate(texts) if text.startswith("现将")][0]
    pitch = lines[body + 1][2] - lines[body][2]
    assert 21 - 0.1 <= pitch < LINE - 1  # tighter than the grid, never below Word's single spacing
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 6
