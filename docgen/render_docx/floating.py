"""Pictures added to a rendered docx: floating (``wp:anchor``, in front of the text, no wrapping) or inline.

Seals and the QR code are added after rendering, not through the template, so a template edited in Word has
nothing of them to lose; Word, WPS and LibreOffice draw the anchored pictures where our PDF engine does
(``docgen.pdf.floats``). The image bytes go into the package once however often they are placed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from docx.oxml import parse_xml
from lxml import etree
from PIL import Image

from docgen.pdf.ooxml import qn

EMU_PER_MM = 36000
_WP_ANCHOR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}anchor"
_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
       ' xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
       ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
       ' xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
       ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
_GRAPHIC = (
    '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
    '<pic:nvPicPr><pic:cNvPr id="0" name="{name}"/><pic:cNvPicPr/></pic:nvPicPr>'
    '<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
    '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
)
_ANCHOR = (
    '<w:r {ns}><w:rPr><w:noProof/></w:rPr><w:drawing>'
    '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="{z}" behindDoc="0"'
    ' locked="0" layoutInCell="{in_cell}" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
    '<wp:positionH relativeFrom="{h_from}">{h}</wp:positionH>'
    '<wp:positionV relativeFrom="{v_from}">{v}</wp:positionV>'
    '<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
    '<wp:docPr id="{id}" name="{name}" descr="{descr}"/>'
    '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
    + _GRAPHIC + '</wp:anchor></w:drawing></w:r>'
)
_INLINE = (
    '<w:r {ns}><w:rPr><w:noProof/></w:rPr><w:drawing>'
    '<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/>'
    '<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="{id}" name="{name}" descr="{descr}"/>'
    '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
    + _GRAPHIC + '</wp:inline></w:drawing></w:r>'
)


@dataclass(frozen=True, slots=True)
class Picture:
    """An image file's bytes and the size it is printed at, in EMU."""

    data: bytes
    cx: int
    cy: int
    name: str

    @classmethod
    def of(cls, data: bytes, name: str, *, width_mm: float | None = None, box_mm: tuple[float, float] | None = None
           ) -> Picture:
        """The picture ``width_mm`` wide, or as large as fits ``box_mm`` (width, height); aspect kept."""
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
        scale = min(box_mm[0] / width, box_mm[1] / height) if box_mm is not None else (width_mm or 0.0) / width
        return cls(data, round(width * scale * EMU_PER_MM), round(height * scale * EMU_PER_MM), name)


@dataclass(frozen=True, slots=True)
class Axis:
    """A position along one axis: ``offset`` EMU from the start of the base ``relative``, or ``align``ed."""

    relative: str
    offset: int = 0
    align: str = ""

    def xml(self) -> str:
        """The content of ``wp:positionH``/``wp:positionV``."""
        return f"<wp:align>{self.align}</wp:align>" if self.align else f"<wp:posOffset>{self.offset}</wp:posOffset>"


class Pictures:
    """Adds pictures to one python-docx ``Document``: each image stored once, each drawing a new id."""

    def __init__(self, document: Any):
        self.document = document
        ids = [int(value) for value in document.element.xpath("//wp:docPr/@id") if str(value).isdigit()]
        self._next_id = max(ids, default=0) + 1
        self._z = 251659264  # Word's usual relativeHeight for the first floating picture

    def anchored(self, paragraph: etree._Element, picture: Picture, h: Axis, v: Axis, descr: str, *,
                 part: Any = None, in_cell: bool = True) -> None:
        """Float ``picture`` in front of the text, anchored at the start of ``paragraph``.

        ``part`` is the story part holding the paragraph when it is a header's or footer's. In a table cell, a
        picture ``in_cell`` is laid out in the cell (which may grow to hold it); otherwise over the page, the cell
        left as it is.
        """
        run = self._run(_ANCHOR, picture, descr, part, h_from=h.relative, h=h.xml(), v_from=v.relative, v=v.xml(),
                        z=self._z, in_cell=int(in_cell))
        self._z += 1
        ppr = paragraph.find(qn("w:pPr"))
        at = 0 if ppr is None else paragraph.index(ppr) + 1
        while at < len(paragraph) and paragraph[at].find(f"{qn('w:drawing')}/{_WP_ANCHOR}") is not None:
            at += 1  # after the pictures anchored here before, in the order they were added
        paragraph.insert(at, run)

    def inline(self, paragraph: etree._Element, picture: Picture, descr: str) -> None:
        """Append ``picture`` to ``paragraph`` as an inline picture."""
        paragraph.append(self._run(_INLINE, picture, descr, None))

    def _run(self, template: str, picture: Picture, descr: str, part: Any, **fields: Any) -> etree._Element:
        rid, _ = (part or self.document.part).get_or_add_image(io.BytesIO(picture.data))
        xml = template.format(ns=_NS, rid=rid, cx=picture.cx, cy=picture.cy, id=self._next_id,
                              name=_attr(picture.name), descr=_attr(descr), **fields)
        self._next_id += 1
        return parse_xml(xml)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
