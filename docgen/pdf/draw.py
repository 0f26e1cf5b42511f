"""Drawing: pages of positioned operations → PDF bytes on a reportlab canvas.

The canvas runs in invariant mode (no timestamps or random ids), so equal input gives byte-identical output.
Fonts are embedded as CID-keyed subsets (``cidfonts``); no standard-14 font is ever selected.
"""

from __future__ import annotations

import copy
import io
import math
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from reportlab import rl_config
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.utils import ImageReader, _digester
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from docgen.pdf.cidfonts import DocumentFonts, SubsetMemo
from docgen.pdf.floats import float_reader, place
from docgen.pdf.model import PageSetup
from docgen.pdf.pages import Fill, Op, Page, Rule, TextLine
from docgen.pdf.paragraphs import Fragment, LineBox, PlacedFloat

# Streams are Flate-compressed already; ASCII85 on top only costs time and a quarter more bytes.
rl_config.useA85 = 0
# zlib level 1 compresses the streams (mostly font subsets) in half the time of level 6 for 8 % more bytes
# (level 3: 4 %, and a third slower than 1); compression was a third of the time spent writing a PDF.
_FLATE_LEVEL = 1
_FAKE_ITALIC_SKEW = math.tan(math.radians(12))
_BLACK = HexColor("#000000")


def _num(value: float) -> str:
    """A PDF number with at most three decimals and no trailing zeros."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


class _Numbers(dict[float, str]):
    """PDF numbers by value, each formatted once per document (positions and sizes repeat line after line)."""

    def __missing__(self, value: float) -> str:
        text = self[value] = _num(value)
        return text


_SKEW = _num(_FAKE_ITALIC_SKEW)


@dataclass(frozen=True)
class PreparedImage:
    """A picture as PDF image XObjects, decoded and compressed once per process and copied into each document.

    Decoding a PNG, splitting its alpha channel and deflating both took half the time of typesetting an agreement
    with six seals and signatures and a QR code; a batch draws the same seals on every row.
    """

    name: str
    image: pdfdoc.PDFImageXObject
    smask: pdfdoc.PDFImageXObject | None


def _prepared(reader: ImageReader) -> PreparedImage:
    """What reportlab's ``Canvas.drawImage(reader, mask="auto")`` builds for a new image: the same names, bytes."""
    rgb = reader.getRGBData()  # which also splits off the alpha channel
    alpha = reader._dataA
    name = _digester(rgb + (alpha.getRGBData() if alpha else b"auto"))
    image = pdfdoc.PDFImageXObject(name, reader, mask="auto")
    image.name = name
    smask = getattr(image, "_smask", None)
    if smask is not None:
        del image._smask
    return PreparedImage(name, image, smask)


@lru_cache(maxsize=64)
def _inline_image(data: bytes) -> PreparedImage:
    return _prepared(ImageReader(io.BytesIO(data)))


@lru_cache(maxsize=64)
def _float_image(data: bytes) -> PreparedImage:
    return _prepared(float_reader(data))


def draw_image(canvas: Canvas, prepared: PreparedImage, x: float, y: float, width: float, height: float) -> None:
    """Draw a prepared picture as ``Canvas.drawImage`` would: each XObject once per document, a copy of its own."""
    doc = canvas._doc
    registered = doc.getXObjectName(prepared.name)
    if registered not in doc.idToObject:
        image = copy.copy(prepared.image)
        canvas._setXObjects(image)
        doc.Reference(image, registered)
        doc.addForm(prepared.name, image)
        if prepared.smask is not None:
            mask_name = doc.getXObjectName(prepared.smask.name)
            if mask_name in doc.idToObject:
                image.smask = pdfdoc.PDFObjectReference(mask_name)
            else:
                smask = copy.copy(prepared.smask)
                canvas._setXObjects(smask)
                image.smask = doc.Reference(smask, mask_name)
    canvas._currentPageHasImages = 1
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(width, height)
    canvas._code.append(f"/{registered} Do")
    canvas.restoreState()
    canvas._formsinuse.append(prepared.name)


def render(pages: list[Page], metadata: dict[str, str] | None = None, subsets: SubsetMemo | None = None) -> bytes:
    """Draw every page and return the PDF; font subsets come from ``subsets`` when it has them."""
    buffer = io.BytesIO()
    first = pages[0].setup
    # The initial font must be one of ours, or reportlab would reference an unembedded Helvetica.
    canvas = Canvas(
        buffer,
        pagesize=(first.width, first.height),
        invariant=1,
        pageCompression=1,
        initialFontName=_first_font(pages),
    )
    _set_metadata(canvas, metadata or {})
    colors: dict[str, Color] = {}
    fonts = DocumentFonts(subsets)
    canvas._doc.delayedFonts.append(fonts)
    numbers = _Numbers()
    for number, page in enumerate(pages, start=1):
        canvas.setPageSize((page.setup.width, page.setup.height))
        painter = _Painter(canvas, page.setup.height, colors, fonts, numbers)
        start = len(canvas._code)
        for op in page.ops:
            painter.draw(op)
        if painter.floats:
            painter.draw_floats(page.setup, number, start)
        canvas.showPage()
    with _flate_level(_FLATE_LEVEL, subsets):
        canvas.save()
    return buffer.getvalue()


class _Flate(pdfdoc.PDFStreamFilterZCompress):
    """Reportlab's Flate filter at a chosen zlib level (reportlab always uses zlib's default, 6)."""

    def __init__(self, level: int, subsets: SubsetMemo | None):
        self.level = level
        self.subsets = subsets

    def encode(self, text: str | bytes) -> bytes:
        if isinstance(text, str):  # page contents and ToUnicode maps
            return zlib.compress(text.encode("utf8"), self.level)
        if self.subsets is None:
            return zlib.compress(text, self.level)
        # Font programs: the same subset is the same bytes object again, whose hash Python keeps.
        found = self.subsets.compressed.get(text)
        return found or self.subsets.compressed.put(text, zlib.compress(text, self.level))


@contextmanager
def _flate_level(level: int, subsets: SubsetMemo | None) -> Iterator[None]:
    """Compress the streams written in this block at ``level`` (font programs: once per ``subsets``).

    Reportlab picks its module-wide Flate filter when it writes the document (``canvas.save``), for page
    contents and font subsets alike, so swapping that filter for the duration of the save is the one hook.
    """
    default = pdfdoc.PDFZCompress
    pdfdoc.PDFZCompress = _Flate(level, subsets)
    try:
        yield
    finally:
        pdfdoc.PDFZCompress = default


def _first_font(pages: list[Page]) -> str | None:
    for page in pages:
        for op in page.ops:
            if isinstance(op, TextLine):
                for fragment in op.line.fragments:
                    return fragment.style.font.font.rl_name
    return None


def _set_metadata(canvas: Canvas, metadata: dict[str, str]) -> None:
    canvas.setCreator("docgen")
    canvas.setProducer("docgen (reportlab)")
    setters = {
        "title": canvas.setTitle,
        "author": canvas.setAuthor,
        "subject": canvas.setSubject,
        "keywords": canvas.setKeywords,
        "creator": canvas.setCreator,
    }
    for key, value in metadata.items():
        setter = setters.get(key.lower())
        if setter is not None:
            setter(value)


class _Painter:
    """Draws operations on one page; converts top-down layout coordinates to PDF's bottom-up ones."""

    def __init__(
        self, canvas: Canvas, page_height: float, colors: dict[str, Color], fonts: DocumentFonts, numbers: _Numbers
    ):
        self.canvas = canvas
        self.fonts = fonts
        self.numbers = numbers
        self.height = page_height
        self._colors = colors
        self._stroke: tuple[str, float] | None = None
        self._fill: str | None = None
        self.floats: list[tuple[TextLine, PlacedFloat]] = []  # drawn after the text (or moved before it)
        self._char_space = 0.0  # text state (Tc, Tr) outlives BT…ET: emit it only when it changes
        self._mode = 0

    def color(self, hex_rgb: str) -> Color:
        """Reportlab colour of an RRGGBB string (black when malformed)."""
        color = self._colors.get(hex_rgb)
        if color is None:
            try:
                color = HexColor(f"#{hex_rgb}")
            except (ValueError, TypeError):
                color = _BLACK
            self._colors[hex_rgb] = color
        return color

    def stroke(self, hex_rgb: str, width: float) -> None:
        """Set stroke colour and width, emitting operators only when they change."""
        if self._stroke != (hex_rgb, width):
            self.canvas.setStrokeColor(self.color(hex_rgb))
            self.canvas.setLineWidth(width)
            self._stroke = (hex_rgb, width)

    def fill(self, hex_rgb: str) -> None:
        """Set the fill colour, emitting the operator only when it changes."""
        if self._fill != hex_rgb:
            self.canvas.setFillColor(self.color(hex_rgb))
            self._fill = hex_rgb

    def draw(self, op: Op) -> None:
        """Draw one operation."""
        if isinstance(op, TextLine):
            self._line(op.x, op.top, op.line)
            if op.line.floats:
                self.floats += [(op, placed) for placed in op.line.floats]
        elif isinstance(op, Rule):
            self._rule(op)
        elif isinstance(op, Fill):
            self.fill(op.color)
            self.canvas.rect(op.x, self.height - op.y - op.height, op.width, op.height, stroke=0, fill=1)

    def _line(self, x: float, top: float, line: LineBox) -> None:
        baseline = self.height - top - line.baseline
        for fragment in line.fragments:
            if fragment.text:
                self._fragment(x + fragment.x, baseline, fragment)
        for placed in line.images:
            image = placed.image
            draw_image(self.canvas, _inline_image(image.data), x + placed.x, baseline, image.width, image.height)

    def draw_floats(self, setup: PageSetup, number: int, page_start: int) -> None:
        """Draw the page's floating pictures over its text; those ``behind`` the text go to the stream's start."""
        code = self.canvas._code
        for op, placed in self.floats:
            image = placed.image
            x, top = place(placed, setup, op.x, op.top, op.line.height, number)
            end = len(code)
            draw_image(self.canvas, _float_image(image.data), x, self.height - top - image.height, image.width,
                       image.height)
            if image.behind:
                drawn = code[end:]
                del code[end:]
                code[page_start:page_start] = drawn

    def _fragment(self, x: float, baseline: float, fragment: Fragment) -> None:
        """One text object, written as operators (reportlab's text object formats every number the slow way)."""
        style = fragment.style
        fmt = style.fmt
        num = self.numbers
        y = baseline + style.rise
        self.fill(fmt.color)
        skew = _SKEW if style.font.fake_italic else "0"
        ops = [f"BT 1 0 {skew} 1 {num[x]} {num[y]} Tm"]
        if fragment.char_space != self._char_space:
            self._char_space = fragment.char_space
            ops.append(f"{num[fragment.char_space]} Tc")
        mode = 2 if style.font.fake_bold else 0
        if mode:
            self.stroke(fmt.color, style.size * 0.03)
        if mode != self._mode:
            self._mode = mode
            ops.append(f"{mode} Tr")
        name, hexed = self.fonts.encode(style.font.font.face, fragment.text)
        ops.append(f"/{name} {num[style.size]} Tf <{hexed}> Tj ET")
        self.canvas.addLiteral(" ".join(ops))
        if fmt.underline or fmt.strike:
            self._decorations(x, y, fragment)

    def _decorations(self, x: float, y: float, fragment: Fragment) -> None:
        size = fragment.style.size
        self.stroke(fragment.style.fmt.color, max(size * 0.05, 0.5))
        if fragment.style.fmt.underline:
            self._segment(x, y - size * 0.12, x + fragment.end - fragment.x, y - size * 0.12)
        if fragment.style.fmt.strike:
            self._segment(x, y + size * 0.3, x + fragment.end - fragment.x, y + size * 0.3)

    def _rule(self, rule: Rule) -> None:
        canvas = self.canvas
        y1, y2 = self.height - rule.y1, self.height - rule.y2
        if rule.style == "double":
            self.stroke(rule.color, rule.width / 3)
            dx, dy = (0.0, rule.width / 3) if y1 == y2 else (rule.width / 3, 0.0)
            self._segment(rule.x1 - dx, y1 + dy, rule.x2 - dx, y2 + dy)
            self._segment(rule.x1 + dx, y1 - dy, rule.x2 + dx, y2 - dy)
            return
        self.stroke(rule.color, rule.width)
        dashed = rule.style in ("dashed", "dotted", "dashSmallGap", "dotDash")
        if dashed:
            canvas.setDash([1, 2] if rule.style == "dotted" else [3, 2])
        self._segment(rule.x1, y1, rule.x2, y2)
        if dashed:
            canvas.setDash([])

    def _segment(self, x1: float, y1: float, x2: float, y2: float) -> None:
        """A stroked line, written as operators (table borders are most of a form's drawing)."""
        num = self.numbers
        self.canvas.addLiteral(f"n {num[x1]} {num[y1]} m {num[x2]} {num[y2]} l S")
