"""merged.pdf shares one subset per CFF face across its rows; read back with pypdf and fontTools."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from fontTools import cffLib
from pypdf import PdfReader, PdfWriter

from docgen.pdf import FontMap, typeset
from docgen.pdf.shared import share_cff_subsets
from tests.pdf.builders import chinese_document, to_bytes

ROWS = ["第一份通知：工伤预防宣传。", "第二份通知：培训项目申报。", "第三份通知：安全生产责任。"]


def document(text: str) -> bytes:
    doc = chinese_document()
    doc.add_paragraph(text)
    return typeset(to_bytes(doc)).pdf


def merged(pdfs: list[bytes]) -> tuple[bytes, int]:
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(io.BytesIO(pdf)))
    shared = share_cff_subsets(writer, FontMap.default())
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue(), shared


@pytest.fixture(scope="module")
def rows() -> list[bytes]:
    return [document(text) for text in ROWS]


def cff_fonts(pdf: bytes) -> list[tuple[int, object]]:
    """(object number, Type0 font) of the CFF fonts each page uses."""
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            if font["/DescendantFonts"][0].get_object()["/Subtype"] == "/CIDFontType0":
                found.append((ref.idnum, font))
    return found


def test_rows_share_one_subset_with_every_glyph(rows) -> None:
    pdf, shared = merged(rows)
    assert shared == 1  # 宋体 (Noto Serif CJK SC); the Latin face is TrueType
    fonts = cff_fonts(pdf)
    assert len(fonts) == len(ROWS) and len({number for number, _ in fonts}) == 1
    font = fonts[0][1]
    cmap = font["/ToUnicode"].get_object().get_data().decode()
    chars = {bytes.fromhex(text).decode("utf-16-be")
             for _, text in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", "".join(
                 re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL)))}
    assert chars == set("".join(ROWS))
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
    program = cffLib.CFFFontSet()
    program.decompile(io.BytesIO(descriptor["/FontFile3"].get_object().get_data()), None)
    assert len(program[program.fontNames[0]].charset) == len(chars) + 1  # .notdef
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert ["".join(text.split()) for text in texts] == ROWS


def test_shared_merge_is_smaller_and_deterministic(rows) -> None:
    pdf, _ = merged(rows)
    writer = PdfWriter()
    for row in rows:
        writer.append(PdfReader(io.BytesIO(row)))
    plain = io.BytesIO()
    writer.write(plain)
    assert len(pdf) < len(plain.getvalue()) * 0.8
    assert merged(rows)[0] == pdf


def test_merged_notices_share_subsets(tmp_path: Path) -> None:
    from docgen.batch import run_batch
    from tests.conftest import ROOT

    summary = run_batch("notice", ROOT / "examples" / "notices.xlsx", tmp_path / "out", jobs=1, to=("pdf",),
                        base=ROOT / "examples" / "notice.json", merge=True, name_pattern="{row:02d}")
    assert summary.rendered >= 3
    fonts = cff_fonts(summary.merged.read_bytes())
    by_face: dict[str, set[int]] = {}
    for number, font in fonts:
        by_face.setdefault(str(font["/BaseFont"]).split("+", 1)[1], set()).add(number)
    assert len(by_face) >= 3 and all(len(numbers) == 1 for numbers in by_face.values())
    row_sizes = sum(path.stat().st_size for path in (tmp_path / "out").glob("0*.pdf"))
    assert summary.merged.stat().st_size < row_sizes / 2
