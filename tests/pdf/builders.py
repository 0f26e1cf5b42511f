"""Helpers: build small docx files with python-docx (raw XML where it has no API) and read PDFs back."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import docx
import pytest
from docx.oxml import parse_xml
from docx.shared import Pt
from pypdf import PdfReader

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def to_bytes(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def chinese_document(size: float = 12.0) -> docx.document.Document:
    """A document whose Normal style is 宋体/Times New Roman at ``size`` pt with no paragraph spacing."""
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(size)
    normal.font.name = "Times New Roman"
    rpr = normal.element.get_or_add_rPr()
    rpr.rFonts.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", "宋体")
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    return document


def add_xml(parent, xml: str):
    """Append a raw WordprocessingML element (``w:`` prefix bound) to a python-docx element."""
    element = parse_xml(re.sub(r"^<(w:\w+)", rf"<\1 {W_NS}", xml.strip()))
    parent.append(element)
    return element


def pdftotext(pdf: bytes, *, layout: bool = True) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    args = ["pdftotext", *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode("utf-8")


def pages_text(pdf: bytes) -> list[str]:
    return pdftotext(pdf).split("\f")[:-1]


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", text)


def text_positions(pdf: bytes, page: int = 0) -> list[tuple[str, float, float]]:
    """(text, x, y) of every text show operation on a page, PDF coordinates."""
    found: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            found.append((text, tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return found


def lines_per_page(size: float = 12.0) -> int:
    """How many one-line "占位" paragraphs of ``chinese_document(size)`` fill the first page.

    Tests that need a block to fall at a page end derive their filler from this, not from one font's metrics
    (line height follows the font the map resolves 宋体 to on the machine).
    """
    from docgen.pdf import typeset

    document = chinese_document(size)
    for _ in range(200):
        document.add_paragraph("占位")
    return normalise(pages_text(typeset(to_bytes(document)).pdf)[0]).count("占位")


def word_boxes(pdf: bytes, page: int) -> list[tuple[str, float, float, float, float]]:
    """(text, x_min, y_min, x_max, y_max) of each word pdftotext finds on ``page`` (0-based), y from the top."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    args = ["pdftotext", "-bbox", "-f", str(page + 1), "-l", str(page + 1), "-", "-"]
    html = subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode("utf-8")
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(text, float(x0), float(y0), float(x1), float(y1)) for x0, y0, x1, y1, text in re.findall(pattern, html)]


def embedded_fonts(pdf: bytes, page: int = 0) -> list[tuple[dict, dict[int, str]]]:
    """Each font of a page: its descendant CIDFont dictionary and its ToUnicode map (CID → character)."""
    fonts = []
    for ref in PdfReader(io.BytesIO(pdf)).pages[page]["/Resources"]["/Font"].values():
        font = ref.get_object()
        cmap = font["/ToUnicode"].get_object().get_data().decode()
        entries = "".join(re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL))
        to_unicode = {int(cid, 16): bytes.fromhex(text).decode("utf-16-be")
                      for cid, text in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", entries)}
        fonts.append((font["/DescendantFonts"][0].get_object(), to_unicode))
    return fonts


def image_boxes(pdf: bytes, page: int) -> list[tuple[float, float, float, float, bool]]:
    """(x_min, y_min, x_max, y_max, has_smask) of each image drawn on ``page`` (0-based), y from the top.

    Reads the content stream: the transformation (``cm``, saved and restored with ``q``/``Q``) in force at each
    ``Do`` of an image XObject maps the unit square to where the image is drawn.
    """
    reader = PdfReader(io.BytesIO(pdf))
    page_obj = reader.pages[page]
    height = float(page_obj.mediabox.height)
    xobjects = page_obj["/Resources"].get("/XObject", {})
    stack, matrix, boxes = [], [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], []
    for operands, operator in page_obj.get_contents().operations:
        if operator == b"q":
            stack.append(matrix)
        elif operator == b"Q":
            matrix = stack.pop()
        elif operator == b"cm":
            a, b, c, d, e, f = (float(value) for value in operands)
            m = matrix
            matrix = [a * m[0] + b * m[2], a * m[1] + b * m[3], c * m[0] + d * m[2], c * m[1] + d * m[3],
                      e * m[0] + f * m[2] + m[4], e * m[1] + f * m[3] + m[5]]
        elif operator == b"Do":
            xobject = xobjects[operands[0]].get_object()
            if xobject.get("/Subtype") == "/Image":
                x0, y0, x1, y1 = matrix[4], matrix[5], matrix[4] + matrix[0], matrix[5] + matrix[3]
                boxes.append((x0, height - y1, x1, height - y0, "/SMask" in xobject))
    return boxes
