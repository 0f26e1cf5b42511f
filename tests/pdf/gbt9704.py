"""Measuring a notice PDF against GB/T 9704-2012, as a reader with a ruler would: from any engine's PDF.

Positions of ink (the 发文机关标志, the red 分隔线, the 版记 rules) come from the page rendered at 254 dpi, ten
pixels a millimetre, so the figures do not depend on how an engine draws a rule (a stroked line, a filled
rectangle) or which ascent a font declares. Lines and characters come from ``pdftotext -bbox-layout``.
"""

from __future__ import annotations

import io
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cached_property

from PIL import Image, ImageChops
from pypdf import PdfReader

from docgen.pdf.linebreak import is_cjk

PX_PER_MM = 10  # at 254 dpi
TEXT_TOP, TEXT_BOTTOM = 37.0, 262.0  # the 版心, mm from the top of an A4 page
TEXT_WIDTH = 156.0
_PT_PER_MM = 72 / 25.4
_XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Band:
    """A horizontal stretch of ink: rows ``top``..``bottom`` and columns ``left``..``right``, in mm."""

    top: float
    bottom: float
    left: float
    right: float

    @property
    def length(self) -> float:
        return self.right - self.left

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class TextLine:
    """A line of text as pdftotext reads it: its page (1-based), text and box in mm."""

    page: int
    text: str
    top: float
    bottom: float
    left: float
    right: float


def raster(pdf: bytes, page: int) -> Image.Image:
    """Page ``page`` (1-based) rendered at 254 dpi."""
    png = subprocess.run(["pdftoppm", "-r", "254", "-f", str(page), "-l", str(page), "-png"], input=pdf,
                         capture_output=True, check=True).stdout
    return Image.open(io.BytesIO(png)).convert("RGB")


def red_ink(image: Image.Image) -> Image.Image:
    """255 where the page is red (the 标志 and the 分隔线), else 0."""
    r, g, _ = image.split()
    return ImageChops.multiply(r.point(lambda v: 255 if v > 150 else 0), g.point(lambda v: 255 if v < 110 else 0))


def dark_ink(image: Image.Image) -> Image.Image:
    """255 where the page is black or grey text and rules, else 0."""
    return image.convert("L").point(lambda v: 255 if v < 140 else 0)


def rules(mask: Image.Image, coverage: float = 0.5) -> list[Band]:
    """Horizontal rules: runs of rows with ink across more than ``coverage`` of the page width."""
    width, height = mask.size
    rows = mask.resize((1, height), Image.Resampling.BOX).tobytes()  # one byte a row: its mean
    found: list[Band] = []
    y = 0
    while y < height:
        if rows[y] > coverage * 255:
            start = y
            while y < height and rows[y] > coverage * 255:
                y += 1
            box = mask.crop((0, start, width, y)).getbbox()
            assert box is not None
            found.append(Band(start / PX_PER_MM, y / PX_PER_MM, box[0] / PX_PER_MM, box[2] / PX_PER_MM))
        y += 1
    return found


def ink(mask: Image.Image, top_mm: float, bottom_mm: float) -> Band | None:
    """The ink of ``mask`` between two heights, or None."""
    width = mask.size[0]
    box = mask.crop((0, round(top_mm * PX_PER_MM), width, round(bottom_mm * PX_PER_MM))).getbbox()
    if box is None:
        return None
    return Band(top_mm + box[1] / PX_PER_MM, top_mm + box[3] / PX_PER_MM, box[0] / PX_PER_MM, box[2] / PX_PER_MM)


class Notice:
    """The GB/T 9704 figures of one notice PDF."""

    def __init__(self, pdf: bytes):
        self.pdf = pdf
        self.pages = len(PdfReader(io.BytesIO(pdf)).pages)

    @cached_property
    def _first(self) -> Image.Image:
        return raster(self.pdf, 1)

    @cached_property
    def separator(self) -> Band:
        """The red 分隔线 under the 发文字号."""
        (rule,) = rules(red_ink(self._first))
        return rule

    @cached_property
    def mark(self) -> Band:
        """The 发文机关标志: the red ink above the 分隔线."""
        band = ink(red_ink(self._first), 0, self.separator.top - 0.2)
        assert band is not None
        return band

    @cached_property
    def number(self) -> Band:
        """The 发文字号: the dark ink between the 标志 and the 分隔线."""
        band = ink(dark_ink(self._first), self.mark.bottom + 0.2, self.separator.top - 0.2)
        assert band is not None
        return band

    @property
    def mark_top(self) -> float:
        """How far the 标志's top is below the 版心's top, in mm (GB/T 9704 7.2.2: 35)."""
        return self.mark.top - TEXT_TOP

    @property
    def separator_gap(self) -> float:
        """From the bottom of the 发文字号 to the middle of the 分隔线, in mm (7.2.4: 4)."""
        return self.separator.middle - self.number.bottom

    @cached_property
    def lines(self) -> list[TextLine]:
        """Every text line of every page, in reading order as pdftotext gives it."""
        xml = subprocess.run(["pdftotext", "-bbox-layout", "-", "-"], input=self.pdf, capture_output=True,
                             check=True).stdout
        found = []
        for number, page in enumerate(ET.fromstring(xml).iter(f"{_XHTML}page"), start=1):
            for line in page.iter(f"{_XHTML}line"):
                words = list(line.iter(f"{_XHTML}word"))
                found.append(TextLine(
                    number, "".join(word.text or "" for word in words),
                    *(float(line.get(key, "0")) / _PT_PER_MM for key in ("yMin", "yMax", "xMin", "xMax"))))
        return found

    @cached_property
    def imprint_page(self) -> int:
        """The page (1-based) of the 版记: the one with the 印发 line."""
        (page,) = {line.page for line in self.lines if line.text.endswith("印发")}
        return page

    @cached_property
    def imprint_rules(self) -> list[Band]:
        """The 版记's rules, top to bottom: those from just above its first line (抄送, or else 印发) down."""
        first = min(line.top for line in self.lines if line.page == self.imprint_page
                    and (line.text.startswith("抄送") or line.text.endswith("印发")))
        return [rule for rule in rules(dark_ink(raster(self.pdf, self.imprint_page))) if rule.bottom > first - 4]

    def body_lines(self, page: int) -> list[TextLine]:
        """The lines of ``page`` inside the 版心 (not the page number under it), one per baseline."""
        inside = [line for line in self.lines if line.page == page and line.bottom <= TEXT_BOTTOM + 1]
        merged: dict[int, TextLine] = {}
        for line in inside:
            merged.setdefault(round(line.bottom), line)
        return list(merged.values())


def all_cjk(text: str) -> bool:
    """Whether every character of ``text`` is a full-width one (ideographs and Chinese punctuation)."""
    return bool(text) and all(is_cjk(char) for char in text)
