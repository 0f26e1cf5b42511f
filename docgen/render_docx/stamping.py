"""Seals, signatures and the QR code, added to a rendered docx as pictures (``floating``).

- **Notice** (GB/T 9704-2012 7.3.5.1): one seal per 署名, in 署名 order, each centred on its 署名 (which the
  template centres over the 成文日期, so the last seal also presses the date), its centre a quarter line below the
  top of the 署名 line: the 署名 and the date sit below the seal's centre, and with the template's two blank lines
  under the body the seal's top is within a line of the text above. Joint issuers stand two a row at centre tab
  stops (``geometry``), each pressed by its own seal; rows are far enough apart that seals neither meet nor touch.
- **Agreement**: each party's seal centred in its 盖章 cell on the first line of the party's name, pressing it;
  its signature image inline under the 签字 label. The template's rows are 45 mm tall, room for a 40 mm seal
  whether it is printed here or pressed by hand.
- **QR code** (``docgen.qr``): on the last page, in the bottom margin 4 mm under the 版心 (a 16 mm code ends
  15 mm above the paper's edge, well inside what printers print), flush with the 版心's right edge, or centred
  under it where a page number stands at the right (a notice's odd pages): so it never covers text, the seal or
  the page number. For a notice that is right under the 版记, whose page is even (numbered at the left).

Placement reads the rendered paragraphs (right indents, tab stops, the section's grid), so it follows what the
template and the geometry step set rather than repeating their numbers.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import docx
from lxml import etree

from docgen.attachments import resolve
from docgen.dates import cn_date
from docgen.pdf.ooxml import qn
from docgen.render_docx import fixed_zip
from docgen.render_docx.floating import EMU_PER_MM, Axis, Picture, Pictures
from docgen.seals import PARTIES

EMU_PER_TWIP = 635
NOTICE_SEAL_MM = 42.0  # a local government department's seal is 42 mm across
AGREEMENT_SEAL_MM = 40.0  # an enterprise's seal or 合同专用章
SEAL_BELOW_TOP_MM = 2.0  # seal centre below the top of its 署名 line: a quarter of a 3号 line
NAME_LINE_MM = 5.0  # a line of 五号 (10.5 pt) table text: the seal is centred on the name's first line
SIGNATURE_BOX_MM = (36.0, 13.0)
QR_MM = 16.0
QR_BELOW_TEXT_MM = 4.0  # the QR code's top under the foot of the 版心: in the 35 mm bottom margin, clear of the edge
_CHAR_TWIPS = 320  # a 3号 (16 pt) character
_PARTY_TITLES = {"甲方": "party_a", "乙方": "party_b", "丙方": "party_c"}


def wanted(kind: str, record: Mapping[str, Any], qr: bytes | None) -> bool:
    """Whether ``stamp`` has anything to add to a document of ``kind``."""
    if qr is not None:
        return True
    if kind == "notice":
        notice = record.get("notice", {})
        return bool(notice.get("seal_images")) and notice.get("seal", True) is not False
    return kind == "agreement" and bool(record.get("agreement", {}).get("seals"))


def stamp(data: bytes, kind: str, record: Mapping[str, Any], base_dir: Path, *, qr: bytes | None = None) -> bytes:
    """The docx with the record's seals and signatures and, given its PNG, the QR code."""
    document = docx.Document(io.BytesIO(data))
    pictures = Pictures(document)
    body = document.element.body
    if kind == "notice":
        _notice(body, pictures, record["notice"], base_dir, document.styles)
    elif kind == "agreement":
        _agreement(body, pictures, record["agreement"].get("seals", {}), base_dir)
    if qr is not None:
        _qr(document, pictures, qr)
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue())


def _notice(body: etree._Element, pictures: Pictures, notice: Mapping[str, Any], base_dir: Path, styles: Any) -> None:
    if notice.get("seal", True) is False or not notice.get("seal_images"):
        return
    size = float(notice.get("seal_size", NOTICE_SEAL_MM))
    seals = [Picture.of(resolve(path, base_dir).read_bytes(), Path(path).name, width_mm=size)
             for path in notice["seal_images"]]
    names = list(notice.get("signatories") or notice["issuers"])
    style = next((style for style in styles if style.name == "Signature"), None)
    signature = style.style_id if style is not None else None
    width, pitch = _text_width(body), _pitch(body, style)
    date = cn_date(notice["date"])
    places = [centre for paragraph in body.iterchildren(qn("w:p"))
              if _style(paragraph) == signature and _text(paragraph) != date
              for centre in _centres(paragraph, width, pitch)]
    # The paragraphs hold the 署名 and then the date: the seals go to the first ones, one each, in order.
    for n, (seal, name) in enumerate(zip(seals, names, strict=False)):
        if n >= len(places):
            break
        paragraph, centre = places[n]
        h = Axis("margin", round(centre * EMU_PER_TWIP) - seal.cx // 2)
        v = Axis("paragraph", round(SEAL_BELOW_TOP_MM * EMU_PER_MM) - seal.cy // 2)
        pictures.anchored(paragraph, seal, h, v, f"{name}印章")


def _centres(paragraph: etree._Element, width: float, pitch: float) -> list[tuple[etree._Element, float]]:
    """Where the names of a 署名 paragraph are centred, in twips from the left margin.

    A row of joint 署名 holds tab-separated names at centre tab stops; any other 署名 is right-aligned at its right
    indent.
    """
    segments = [""]
    for run in paragraph.iter(qn("w:r")):
        for child in run:
            if child.tag == qn("w:tab"):
                segments.append("")
            elif child.tag == qn("w:t"):
                segments[-1] += child.text or ""
    if len(segments) > 1:
        stops = sorted(float(tab.get(qn("w:pos"), "0")) for tab in paragraph.iter(qn("w:tab"))
                       if tab.get(qn("w:val")) == "center")
        return [(paragraph, stop) for stop, name in zip(stops, segments[1:], strict=False) if name.strip()]
    text = segments[0]
    if not text.strip():
        return []
    ind = paragraph.find(f"{qn('w:pPr')}/{qn('w:ind')}")
    right = float(ind.get(qn("w:right")) or ind.get(qn("w:end")) or 0) if ind is not None else 0.0
    return [(paragraph, width - right - _printed(text, pitch) / 2)]


def _printed(text: str, pitch: float) -> float:
    """Width of ``text`` in twips: full-width characters one grid pitch, others half."""
    return sum(pitch if unicodedata.east_asian_width(char) in "WF" else pitch / 2 for char in text)


def _section(body: etree._Element) -> etree._Element | None:
    return body.find(qn("w:sectPr"))


def _text_width(body: etree._Element) -> float:
    sect = _section(body)
    size = sect.find(qn("w:pgSz")) if sect is not None else None
    margins = sect.find(qn("w:pgMar")) if sect is not None else None
    if size is None or margins is None:
        return 8844.0
    return float(size.get(qn("w:w"), "11906")) - float(margins.get(qn("w:left"), "0")) - float(
        margins.get(qn("w:right"), "0"))


def _pitch(body: etree._Element, style: Any) -> float:
    """A 署名 character's advance in twips.

    The grid's character pitch where the section has one, else the Signature style's font size plus its
    character spacing (GB/T 9704 templates condense 3号 to fit 28 a line).
    """
    sect = _section(body)
    grid = sect.find(qn("w:docGrid")) if sect is not None else None
    if grid is not None and grid.get(qn("w:type")) in ("linesAndChars", "snapToChars"):
        space = int(grid.get(qn("w:charSpace"), "0"))
        if space >= 2**31:
            space -= 2**32
        return _CHAR_TWIPS + space * 20 / 4096
    size = spacing = None
    while style is not None and (size is None or spacing is None):
        rpr = style.element.rPr
        if rpr is not None:
            found = rpr.find(qn("w:sz"))
            size = size if size is not None or found is None else int(found.get(qn("w:val"))) * 10  # half-points
            found = rpr.find(qn("w:spacing"))
            spacing = spacing if spacing is not None or found is None else int(found.get(qn("w:val")))
        style = style.base_style
    return (size or _CHAR_TWIPS) + (spacing or 0)


def _agreement(body: etree._Element, pictures: Pictures, seals: Mapping[str, Any], base_dir: Path) -> None:
    for row in body.iter(qn("w:tr")):
        cells = row.findall(qn("w:tc"))
        text = _text(cells[0]) if cells else ""
        role = next((role for title, role in _PARTY_TITLES.items() if text.startswith(title) and "盖章" in text), None)
        files = seals.get(role) if role in PARTIES else None
        if not isinstance(files, Mapping):
            continue
        if files.get("seal"):
            seal = Picture.of(resolve(files["seal"], base_dir).read_bytes(), Path(files["seal"]).name,
                              width_mm=AGREEMENT_SEAL_MM)
            paragraph = cells[0].findall(qn("w:p"))[-1]  # the party's name, under "甲方（盖章）："
            # Placed over the page, not laid out in the cell: LibreOffice would grow the cell to hold the picture
            # (and push the text up); so the cell's centre is measured from the margin.
            h = Axis("margin", round(_cell_centre(row, 0) * EMU_PER_TWIP) - seal.cx // 2)
            v = Axis("paragraph", round(NAME_LINE_MM / 2 * EMU_PER_MM) - seal.cy // 2)
            pictures.anchored(paragraph, seal, h, v, f"{text.split('（')[0]}印章", in_cell=False)
        if files.get("signature") and len(cells) > 1:
            signature = Picture.of(resolve(files["signature"], base_dir).read_bytes(), Path(files["signature"]).name,
                                   box_mm=SIGNATURE_BOX_MM)
            paragraph = cells[1].findall(qn("w:p"))[-1]
            paragraph.append(etree.fromstring(f'<w:r xmlns:w="{_W}"><w:br/></w:r>'))
            pictures.inline(paragraph, signature, f"{text.split('（')[0]}签字")


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _cell_centre(row: etree._Element, index: int) -> float:
    """The centre of a row's cell ``index``, in twips from the left margin (the table's grid and indent)."""
    table = row.getparent()
    widths = [float(col.get(qn("w:w"), "0")) for col in table.iterfind(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")]
    indent = table.find(f"{qn('w:tblPr')}/{qn('w:tblInd')}")
    left = float(indent.get(qn("w:w"), "0")) if indent is not None and indent.get(qn("w:type"), "dxa") == "dxa" else 0
    return left + sum(widths[:index]) + widths[index] / 2


def _qr(document: Any, pictures: Pictures, png: bytes) -> None:
    body = document.element.body
    paragraphs = body.findall(qn("w:p"))
    if not paragraphs:
        return
    sect = _section(body)
    size = sect.find(qn("w:pgSz")) if sect is not None else None
    margins = sect.find(qn("w:pgMar")) if sect is not None else None
    page_w = float(size.get(qn("w:w"), "11906")) if size is not None else 11906.0
    page_h = float(size.get(qn("w:h"), "16838")) if size is not None else 16838.0
    left, right, bottom = (float(margins.get(qn(f"w:{side}"), "1440")) if margins is not None else 1440.0
                           for side in ("left", "right", "bottom"))
    picture = Picture.of(png, "qr.png", width_mm=QR_MM)
    text_left, text_right = left * EMU_PER_TWIP, (page_w - right) * EMU_PER_TWIP
    x = {"right": text_right - picture.cx, "center": (text_left + text_right - picture.cx) / 2, "left": text_left}
    h = Axis("page", round(x[_free_side(document)]))
    v = Axis("page", round((page_h - bottom) * EMU_PER_TWIP + QR_BELOW_TEXT_MM * EMU_PER_MM))
    pictures.anchored(paragraphs[-1], picture, h, v, "核验二维码")


def _free_side(document: Any) -> str:
    """Where in the bottom margin no page number stands: right, else centre, else left (of the 版心).

    A notice numbers odd pages at the right and even ones at the left (GB/T 9704 7.5); the forms centre them.
    """
    section = document.sections[-1]
    footers = [section.footer, section.first_page_footer]
    if document.settings.odd_and_even_pages_header_footer:
        footers.append(section.even_page_footer)
    defined = [footer for footer in footers if not footer.is_linked_to_previous]  # reading others would add them
    used = {_alignment(paragraph) for footer in defined for paragraph in footer.paragraphs
            if "PAGE" in "".join(paragraph._p.xpath(".//w:instrText/text() | .//w:fldSimple/@w:instr"))}
    return next((side for side in ("right", "center", "left") if side not in used), "right")


def _alignment(paragraph: Any) -> str:
    """A paragraph's alignment as set on it or inherited from its styles: left, center or right."""
    alignment, style = paragraph.alignment, paragraph.style
    while alignment is None and style is not None:
        alignment, style = style.paragraph_format.alignment, style.base_style
    name = str(alignment).split(".")[-1].split(" ")[0].lower() if alignment is not None else "left"
    return name if name in ("center", "right") else "left"


def _style(paragraph: etree._Element) -> str | None:
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return style.get(qn("w:val")) if style is not None else None


def _text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))
