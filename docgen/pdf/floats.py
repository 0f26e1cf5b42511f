"""Floating pictures (``wp:anchor``): read from the docx, placed on the page when it is drawn.

A floating picture takes no room in the text: it is positioned against a base — the page, the margins, the
column (the text area or the table cell of its anchor), the paragraph or line of its anchor — by an offset or an
alignment (``wp:positionH``/``wp:positionV``), and drawn above the text (below it with ``behindDoc``). Seals
pressing a 署名 are such pictures. What cannot be placed as Word would place it is reported with its place:
a shape that is no picture, a base or percentage offset the engine does not know, text wrapping around it
(the picture is still drawn, over the text).
"""

from __future__ import annotations

import io

from lxml import etree
from PIL import Image as PILImage
from reportlab.lib.utils import ImageReader

from docgen.pdf.diagnostics import Diagnostics, unsupported
from docgen.pdf.model import Float, PageSetup, Position
from docgen.pdf.ooxml import WP, A, R, local
from docgen.pdf.package import Part
from docgen.pdf.paragraphs import PlacedFloat
from docgen.pdf.units import emu

_HORIZONTAL = {"page", "margin", "column", "character", "leftMargin", "rightMargin", "insideMargin", "outsideMargin"}
_VERTICAL = {"page", "margin", "paragraph", "line", "topMargin", "bottomMargin", "insideMargin", "outsideMargin"}
_WRAPS = {"wrapNone": "", "wrapSquare": "四周型环绕", "wrapTight": "紧密型环绕", "wrapThrough": "穿越型环绕",
          "wrapTopAndBottom": "上下型环绕"}


def read_anchor(anchor: etree._Element, part: Part, diag: Diagnostics, where: str) -> Float | None:
    """The floating picture of a ``wp:anchor``, or None (reported) when the engine cannot place it."""
    blip = anchor.find(f".//{{{A}}}blip")
    extent = anchor.find(f"{{{WP}}}extent")
    rid = blip.get(f"{{{R}}}embed") if blip is not None else None
    if rid is None or extent is None:
        unsupported(diag, "floating_shape", where, "浮动形状（非图片），PDF 中未画出")
        return None
    if anchor.get("simplePos") in ("1", "true", "on"):
        simple = anchor.find(f"{{{WP}}}simplePos")
        horizontal = Position("page", emu(simple.get("x") if simple is not None else 0))
        vertical = Position("page", emu(simple.get("y") if simple is not None else 0))
    else:
        found_h = _position(anchor.find(f"{{{WP}}}positionH"), _HORIZONTAL)
        found_v = _position(anchor.find(f"{{{WP}}}positionV"), _VERTICAL)
        if isinstance(found_h, str) or isinstance(found_v, str):
            reason = found_h if isinstance(found_h, str) else found_v
            unsupported(diag, "floating_position", where, f"浮动图片的位置（{reason}），PDF 中未画出")
            return None
        horizontal, vertical = found_h, found_v
    wrap = next((_WRAPS[local(child)] for child in anchor if local(child) in _WRAPS), "")
    if wrap:
        unsupported(diag, "floating_wrap", where, f"浮动图片的文字环绕（{wrap}），图片浮于文字上方画出")
    try:
        data = part.related(rid).blob
    except KeyError:
        unsupported(diag, "floating_image_missing", where, "浮动图片（图片部件缺失），PDF 中未画出")
        return None
    behind = anchor.get("behindDoc") in ("1", "true", "on")
    return Float(data, emu(extent.get("cx")), emu(extent.get("cy")), horizontal, vertical, behind)


def _position(element: etree._Element | None, bases: set[str]) -> Position | str:
    """The position an axis element gives, or why it cannot be used (in Chinese)."""
    if element is None:
        return "缺少位置"
    base = element.get("relativeFrom", "")
    if base not in bases:
        return f"相对于 {base or '（空）'}"
    align = element.find(f"{{{WP}}}align")
    offset = element.find(f"{{{WP}}}posOffset")
    if align is not None and align.text:
        return Position(base, align=align.text.strip())
    if offset is not None and offset.text:
        try:
            return Position(base, emu(int(offset.text.strip())))
        except ValueError:
            return f"无效的偏移量 {offset.text.strip()}"
    return "百分比位置" if len(element) else "缺少位置"


def place(placed: PlacedFloat, setup: PageSetup, frame_x: float, line_top: float, line_height: float,
          page_number: int) -> tuple[float, float]:
    """The top-left corner of a floating picture, in points from the page's top-left.

    Its anchor is in a line at ``frame_x`` (the left of its frame) and ``line_top`` on page ``page_number``.
    """
    image = placed.image
    odd = page_number % 2 == 1
    h = image.horizontal
    left, right = {
        "page": (0.0, setup.width),
        "margin": (setup.left, setup.width - setup.right),
        "column": (frame_x, frame_x + placed.frame),
        "character": (frame_x + placed.x, frame_x + placed.x),
        "leftMargin": (0.0, setup.left),
        "rightMargin": (setup.width - setup.right, setup.width),
        "insideMargin": (0.0, setup.left) if odd else (setup.width - setup.right, setup.width),
        "outsideMargin": (setup.width - setup.right, setup.width) if odd else (0.0, setup.left),
    }[h.relative]
    x = _aligned(h, left, right, image.width, odd)
    v = image.vertical
    top, bottom = {
        "page": (0.0, setup.height),
        "margin": (setup.top, setup.height - setup.bottom),
        "paragraph": (line_top - placed.above, line_top - placed.above),
        "line": (line_top, line_top + line_height),
        "topMargin": (0.0, setup.top),
        "bottomMargin": (setup.height - setup.bottom, setup.height),
        "insideMargin": (0.0, setup.top),
        "outsideMargin": (setup.height - setup.bottom, setup.height),
    }[v.relative]
    y = _aligned(v, top, bottom, image.height, True)
    return x, y


def _aligned(position: Position, start: float, end: float, size: float, odd: bool) -> float:
    align = position.align
    if not align:
        return start + position.offset
    if align in ("center",):
        return (start + end - size) / 2
    if align in ("right", "bottom") or (align == "outside" and odd) or (align == "inside" and not odd):
        return end - size
    return start  # left, top, inside on odd pages, outside on even ones


def float_reader(data: bytes) -> ImageReader:
    """A reportlab image of a picture, with any transparency as an alpha channel (drawn as an SMask).

    Reportlab masks only RGBA images by their alpha: a palette or grey PNG with transparency is made RGBA first,
    or its transparent corners would print white over the text.
    """
    with PILImage.open(io.BytesIO(data)) as image:
        if image.mode in ("RGBA", "RGB", "L", "CMYK") and "transparency" not in image.info:
            return ImageReader(io.BytesIO(data))
        return ImageReader(image.convert("RGBA"))
