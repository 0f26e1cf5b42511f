"""The 草稿 (draft) mark on every page of output made with ``--force`` despite rule errors.

A document whose rules failed must not pass for a final one. The docx gets Word's own kind of watermark (a
VML text shape behind the text, anchored in each header, which Word, WPS and LibreOffice draw on every page);
our PDF engine does not draw VML, so its PDF is stamped afterwards: the two characters as outlines from the
黑体 face (no font to embed, no text that would spill into extracted or searched text), grey and translucent,
diagonally across the middle of every page.
"""

from __future__ import annotations

import copy
import io
from functools import cache
from pathlib import Path

import docx
from docx.oxml import parse_xml
from fontTools.pens.basePen import BasePen
from fontTools.ttLib import TTFont as FontToolsFont
from pypdf import PageObject, PdfReader, PdfWriter
from reportlab.pdfgen.canvas import Canvas

from docgen.assemble import set_identifier
from docgen.pdf.cff import CFFFace
from docgen.pdf.cidfonts import Face as FontFace
from docgen.pdf.diagnostics import Diagnostics
from docgen.pdf.fonts import FontMap, FontSet

TEXT = "草稿"
_FACE = "黑体"
_GREY = 0.5
_OPACITY = 0.25
_ANGLE = 45  # degrees, counter-clockwise from the baseline
_WIDTH_SHARE = 0.7  # of the page width that the mark's text spans
_VML = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    ' xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
    "<w:rPr><w:noProof/></w:rPr><w:pict>"
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"'
    ' path="m@7,l@8,m@5,21600l@6,21600e"><v:path textpathok="t" o:connecttype="custom"/>'
    '<v:textpath on="t" fitshape="t"/></v:shapetype>'
    '<v:shape id="DocgenDraftMark" o:spid="_x0000_s2049" type="#_x0000_t136"'
    ' style="position:absolute;margin-left:0;margin-top:0;width:400pt;height:200pt;rotation:315;'
    "z-index:-251657216;mso-position-horizontal:center;mso-position-horizontal-relative:margin;"
    'mso-position-vertical:center;mso-position-vertical-relative:margin" o:allowincell="f"'
    ' fillcolor="silver" stroked="f"><v:fill opacity=".5"/>'
    '<v:textpath style="font-family:&quot;黑体&quot;;font-size:1pt" string="{text}"/></v:shape>'
    "</w:pict></w:r>"
)


def mark_docx(data: bytes, text: str = TEXT) -> bytes:
    """The docx with a diagonal ``text`` watermark on every page, anchored in every header it uses."""
    document = docx.Document(io.BytesIO(data))
    odd_even = document.settings.odd_and_even_pages_header_footer
    shape = parse_xml(_VML.replace("{text}", text))
    for number, section in enumerate(document.sections):
        headers = [section.header]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        if odd_even:
            headers.append(section.even_page_header)
        for header in headers:
            if header.is_linked_to_previous:
                if number > 0:
                    continue  # it shows the previous section's header, marked already
                header.is_linked_to_previous = False  # a header of its own, one empty paragraph
            paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
            paragraph._p.append(copy.deepcopy(shape))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def mark_pdf(pdf: bytes, fontmap: FontMap, text: str = TEXT) -> bytes:
    """The PDF with ``text`` stamped diagonally over the middle of every page; deterministic bytes."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    stamps: dict[tuple[float, float], PageObject] = {}
    for page in writer.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        if size not in stamps:
            stamps[size] = PdfReader(io.BytesIO(_stamp(size, _outlines(fontmap), text))).pages[0]
        page.merge_page(stamps[size], over=True)
    set_identifier(writer, [pdf, text.encode()])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _stamp(size: tuple[float, float], outlines: _Outlines, text: str) -> bytes:
    """One page of ``size`` with nothing but the mark."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=size, invariant=1, pageCompression=1)
    width, height = size
    em = width * _WIDTH_SHARE / max(len(text), 1)
    canvas.saveState()
    canvas.setFillGray(_GREY)
    canvas.setFillAlpha(_OPACITY)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(_ANGLE)
    advance = sum(outlines.advance(char) for char in text) * em
    canvas.translate(-advance / 2, -em * 0.35)  # centred; CJK glyphs sit about 0.35 em around the middle
    canvas.scale(em / outlines.units, em / outlines.units)
    x = 0.0
    for char in text:
        path = canvas.beginPath()
        outlines.draw(char, _PathPen(path, x))
        canvas.drawPath(path, stroke=0, fill=1, fillMode=1)
        x += outlines.advance(char) * outlines.units
    canvas.restoreState()
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


class _Outlines:
    """The glyph outlines of a face: the engine's own CFF face, or a TrueType file read with fontTools."""

    def __init__(self, face: FontFace):
        self._cff = face if isinstance(face, CFFFace) else None
        if self._cff is not None:
            self.units = self._cff.units_per_em
            self._widths = {code: width / 1000 for code, width in self._cff.charWidths.items()}
            return
        index = int(face.subfontNameX.decode().lstrip("-") or 0)
        font = FontToolsFont(io.BytesIO(Path(face.filename).read_bytes()), fontNumber=index, lazy=True)
        self.units = font["head"].unitsPerEm
        self._cmap = font.getBestCmap()
        self._glyphs = font.getGlyphSet()
        self._widths = {code: self._glyphs[name].width / self.units for code, name in self._cmap.items()}

    def advance(self, char: str) -> float:
        """Advance of ``char`` in em (1 for a character the face lacks)."""
        return self._widths.get(ord(char), 1.0)

    def draw(self, char: str, pen: BasePen) -> None:
        """Draw ``char``'s outline with ``pen`` (nothing when the face lacks it)."""
        if ord(char) not in self._widths:
            return
        if self._cff is not None:
            self._cff.draw(self._cff.charToGlyph[ord(char)], pen)
        else:
            self._glyphs[self._cmap[ord(char)]].draw(pen)


def _outlines(fontmap: FontMap) -> _Outlines:
    face = FontSet(fontmap, Diagnostics()).styled(_FACE, east_asia=True, bold=False, italic=False).font.face
    return _face_outlines(face)


@cache
def _face_outlines(face: FontFace) -> _Outlines:
    return _Outlines(face)


class _PathPen(BasePen):
    """A fontTools pen drawing into a reportlab path, shifted right by ``x`` font units."""

    def __init__(self, path: object, x: float):
        super().__init__(None)
        self._path = path
        self._x = x

    def _moveTo(self, pt: tuple[float, float]) -> None:  # noqa: N802 - fontTools' pen protocol
        self._path.moveTo(pt[0] + self._x, pt[1])  # type: ignore[attr-defined]

    def _lineTo(self, pt: tuple[float, float]) -> None:  # noqa: N802
        self._path.lineTo(pt[0] + self._x, pt[1])  # type: ignore[attr-defined]

    def _curveToOne(self, pt1: tuple[float, float], pt2: tuple[float, float], pt3: tuple[float, float]) -> None:  # noqa: N802
        self._path.curveTo(pt1[0] + self._x, pt1[1], pt2[0] + self._x, pt2[1], pt3[0] + self._x, pt3[1])  # type: ignore[attr-defined]

    def _closePath(self) -> None:  # noqa: N802
        self._path.close()  # type: ignore[attr-defined]

