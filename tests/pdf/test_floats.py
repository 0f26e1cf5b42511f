"""Floating pictures (wp:anchor): placed against page, margin, column, paragraph or line; over the text; reported
with their place when the engine cannot place them."""

from __future__ import annotations

import io

import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from PIL import Image

from docgen.pdf import typeset
from docgen.render_docx.floating import EMU_PER_MM, Axis, Picture, Pictures
from tests.pdf.builders import chinese_document, image_boxes, to_bytes, word_boxes

MM = 72 / 25.4


def rgba_png(mode: str = "RGBA") -> bytes:
    """A 40 × 20 red picture, transparent on its left half."""
    image = Image.new("RGBA", (40, 20), (200, 0, 0, 255))
    image.paste((0, 0, 0, 0), (0, 0, 20, 20))
    if mode == "P":
        image = image.convert("P")  # transparency kept as a tRNS chunk, no alpha channel
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def floating(document, paragraph, h: Axis, v: Axis, data: bytes | None = None):
    picture = Picture.of(data or rgba_png(), "p.png", width_mm=20)
    Pictures(document).anchored(paragraph._p, picture, h, v, "test")
    return picture


def test_page_relative_picture_is_drawn_where_it_says_with_its_alpha_as_smask() -> None:
    document = chinese_document()
    paragraph = document.add_paragraph("正文")
    floating(document, paragraph, Axis("page", 30 * EMU_PER_MM), Axis("page", 50 * EMU_PER_MM))
    result = typeset(to_bytes(document))
    [(x0, y0, x1, y1, smask)] = image_boxes(result.pdf, 0)
    assert (x0, y0) == pytest.approx((30 * MM, 50 * MM), abs=0.01)
    assert (x1 - x0, y1 - y0) == pytest.approx((20 * MM, 10 * MM), abs=0.01)
    assert smask
    assert not [w for w in result.warnings if w.code.startswith("pdf.unsupported")]


def test_palette_png_with_transparency_keeps_it() -> None:
    document = chinese_document()
    floating(document, document.add_paragraph("正文"), Axis("page", 0), Axis("page", 0), rgba_png("P"))
    [(*_, smask)] = image_boxes(typeset(to_bytes(document)).pdf, 0)
    assert smask


def test_margin_centre_and_paragraph_offset_follow_the_anchor_paragraph() -> None:
    document = chinese_document()
    for _ in range(5):
        document.add_paragraph("前文")
    anchor = document.add_paragraph("锚段")
    floating(document, anchor, Axis("margin", align="center"), Axis("paragraph", -3 * EMU_PER_MM))
    section = document.sections[0]
    result = typeset(to_bytes(document))
    [(x0, y0, x1, _, _)] = image_boxes(result.pdf, 0)
    centre = (section.left_margin.pt + section.page_width.pt - section.right_margin.pt) / 2
    assert (x0 + x1) / 2 == pytest.approx(centre, abs=0.01)
    words = word_boxes(result.pdf, 0)
    line_top = next(box for box in words if box[0] == "锚段")[2]
    above = next(box for box in words if box[0] == "前文" and box[2] < line_top)
    # The paragraph's top is between the previous line's text and its own; the picture starts 3 mm above it.
    assert above[2] < y0 + 3 * MM < line_top + 0.5


def test_floating_picture_is_drawn_over_the_text_and_behind_it_when_asked() -> None:
    document = chinese_document()
    front = document.add_paragraph("前景")
    floating(document, front, Axis("margin", 0), Axis("paragraph", 0))
    back = document.add_paragraph("背景")
    floating(document, back, Axis("margin", 0), Axis("paragraph", 0))
    anchor = back._p.find(f".//{{{'http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing'}}}anchor")
    anchor.set("behindDoc", "1")
    from pypdf import PdfReader

    operations = [op for _, op in PdfReader(io.BytesIO(typeset(to_bytes(document)).pdf)).pages[0]
                  .get_contents().operations]
    first_text, last_text = operations.index(b"BT"), len(operations) - 1 - operations[::-1].index(b"ET")
    draws = [n for n, op in enumerate(operations) if op == b"Do"]
    assert len(draws) == 2
    assert draws[0] < first_text and draws[1] > last_text  # behind: before all text; in front: after it


def test_picture_in_a_table_cell_is_centred_in_its_column() -> None:
    document = chinese_document()
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    for cell, column, width in zip(table.rows[0].cells, table.columns, (Mm(60), Mm(90)), strict=True):
        cell.width = column.width = width
    cell = table.rows[0].cells[1]
    cell.paragraphs[0].text = "乙方（盖章）："
    floating(document, cell.paragraphs[0], Axis("column", align="center"), Axis("paragraph", 0))
    result = typeset(to_bytes(document))
    [(x0, _, x1, _, _)] = image_boxes(result.pdf, 0)
    label = next(box for box in word_boxes(result.pdf, 0) if box[0].startswith("乙方"))
    left = label[1]  # the cell's text starts at its left margin (5.4 pt inside the cell)
    assert (x0 + x1) / 2 == pytest.approx(left + (Mm(90).pt - 2 * 5.4) / 2, abs=0.6)


def test_picture_in_a_header_relative_to_the_page() -> None:
    document = chinese_document()
    document.add_paragraph("正文")
    header = document.sections[0].header.paragraphs[0]
    header.text = "页眉"
    picture = Picture.of(rgba_png(), "h.png", width_mm=20)
    Pictures(document).anchored(header._p, picture, Axis("page", align="right"), Axis("page", align="bottom"), "h",
                                part=document.sections[0].header.part)
    section = document.sections[0]
    [(x0, y0, x1, y1, _)] = image_boxes(typeset(to_bytes(document)).pdf, 0)
    assert (x1, y1) == pytest.approx((section.page_width.pt, section.page_height.pt), abs=0.01)


@pytest.mark.parametrize(("change", "code"), [
    (lambda a: a.find(qn("wp:positionH")).set("relativeFrom", "somewhere"), "pdf.unsupported.floating_position"),
    (lambda a: a.find(qn("wp:positionV")).remove(a.find(qn("wp:positionV"))[0]), "pdf.unsupported.floating_position"),
    (lambda a: a.remove(a.find(qn("a:graphic"))), "pdf.unsupported.floating_shape"),
])
def test_a_picture_the_engine_cannot_place_is_reported_with_its_place(change, code) -> None:
    document = chinese_document()
    document.add_paragraph("第一段")
    anchor_paragraph = document.add_paragraph("第二段")
    floating(document, anchor_paragraph, Axis("margin", 0), Axis("paragraph", 0))
    change(anchor_paragraph._p.find(f".//{qn('wp:anchor')}"))
    result = typeset(to_bytes(document))
    assert image_boxes(result.pdf, 0) == []
    [warning] = [w for w in result.warnings if w.code == code]
    assert warning.where == "body paragraph 2"


def test_text_wrapping_is_reported_and_the_picture_still_drawn() -> None:
    document = chinese_document()
    paragraph = document.add_paragraph("环绕")
    floating(document, paragraph, Axis("margin", 0), Axis("paragraph", 0))
    anchor = paragraph._p.find(f".//{qn('wp:anchor')}")
    wrap = anchor.find(qn("wp:wrapNone"))
    wrap.tag = qn("wp:wrapSquare")
    wrap.set("wrapText", "bothSides")
    result = typeset(to_bytes(document))
    assert len(image_boxes(result.pdf, 0)) == 1
    assert [w.where for w in result.warnings if w.code == "pdf.unsupported.floating_wrap"] == ["body paragraph 1"]


def test_line_relative_picture_follows_the_line_of_its_anchor() -> None:
    document = chinese_document()
    document.styles["Normal"].font.size = Pt(12)
    paragraph = document.add_paragraph("字" * 200)  # several lines; the anchor goes before the last character
    run = paragraph.runs[0]
    run.text = "字" * 199
    last = paragraph.add_run("尾")
    picture = Picture.of(rgba_png(), "l.png", width_mm=20)
    Pictures(document).anchored(paragraph._p, picture, Axis("character", 0), Axis("line", 0), "l")
    # move the anchor run just before the last run
    anchor_run = paragraph._p.find(qn("w:r"))
    last._r.addprevious(anchor_run)
    result = typeset(to_bytes(document))
    [(x0, y0, _, _, _)] = image_boxes(result.pdf, 0)
    tail = next(box for box in word_boxes(result.pdf, 0) if box[0].endswith("尾"))
    assert x0 == pytest.approx(tail[3] - 12, abs=0.5)  # at the character after the anchor
    assert tail[2] - 12 < y0 <= tail[2] + 0.5  # the top of its line


def test_pictures_prepared_once_draw_alike_in_every_document() -> None:
    """Seals are decoded and deflated once per process (draw.PreparedImage) and copied into each document: a
    document typeset after others that drew the same seals is byte-identical to its first typeset, each picture
    with its soft mask."""
    from pypdf import PdfReader

    import docgen
    from docgen.pdf import draw
    from tests.conftest import ROOT

    agreement = docgen.render(ROOT / "examples" / "agreement-three-party.json", "agreement", to=["docx"]).documents[0]
    draw._float_image.cache_clear()
    draw._inline_image.cache_clear()
    first = typeset(agreement.data).pdf
    typeset(agreement.data)
    assert draw._float_image.cache_info().hits == 3  # the seals, floating
    assert draw._inline_image.cache_info().hits == 3  # the signatures, inline
    assert typeset(agreement.data).pdf == first
    reader = PdfReader(io.BytesIO(first))
    images = {name: xobject.get_object() for page in reader.pages
              for name, xobject in page["/Resources"].get("/XObject", {}).items()}
    assert len(images) == 6 and all("/SMask" in image for image in images.values())
