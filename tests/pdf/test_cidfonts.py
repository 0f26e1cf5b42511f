"""CID-keyed font embedding: each embedded subset is read back with fontTools and checked against the face.

The test document draws 宋体 with a CFF face (Noto Serif CJK SC, CIDFontType0C) and Times New Roman with a
TrueType one (Liberation Serif, CIDFontType2), so both kinds of program are checked.
"""

from __future__ import annotations

import io

import pytest
from fontTools import cffLib, ttLib
from fontTools.pens.recordingPen import DecomposingRecordingPen
from pypdf.generic import NameObject

from docgen.pdf import FontMap, typeset
from docgen.pdf.cidfonts import _name_chars
from docgen.pdf.diagnostics import Diagnostics
from docgen.pdf.fonts import FontSet
from tests.pdf.builders import chinese_document, embedded_fonts, pdftotext, to_bytes

# Chinese (宋体 stand-in), Latin with composite glyphs (é, Å are built from components in Liberation Serif),
# digits and full-width punctuation, with characters repeated across paragraphs.
TEXT = ["工伤预防项目申请表（2026年度）。", "Café Ångström, naïve résumé 12,345.67", "项目预算：壹拾贰万元整；Café。"]


@pytest.fixture(scope="module")
def pdf() -> bytes:
    document = chinese_document()
    for line in TEXT:
        document.add_paragraph(line)
    return typeset(to_bytes(document)).pdf


def outline(font, glyph_name: str) -> list:
    pen = DecomposingRecordingPen(font.getGlyphSet())
    font.getGlyphSet()[glyph_name].draw(pen)
    return pen.value


def cff_outline(charstrings, glyph_name: str) -> list:
    pen = DecomposingRecordingPen(None)
    charstrings[glyph_name].draw(pen)
    return pen.value


def original_faces() -> dict[str, ttLib.TTFont]:
    """The faces docgen draws 宋体 and Times New Roman with, read by fontTools, by their PDF font name."""
    fonts = FontSet(FontMap.default(), Diagnostics())
    found = {}
    for name in ("宋体", "Times New Roman"):
        face = fonts.styled(name, east_asia=name == "宋体", bold=False, italic=False).font.face
        index = int(face.subfontNameX.decode().lstrip("-") or 0)
        with open(face.filename, "rb") as fh:
            found[(face.name + face.subfontNameX).decode()] = ttLib.TTFont(io.BytesIO(fh.read()), fontNumber=index)
    return found


def cff_program(descendant) -> cffLib.TopDict:
    """The top dictionary of an embedded CIDFontType0C program, read by fontTools."""
    stream = descendant["/FontDescriptor"]["/FontFile3"].get_object()
    assert stream["/Subtype"] == "/CIDFontType0C"
    program = cffLib.CFFFontSet()
    program.decompile(io.BytesIO(stream.get_data()), None)
    return program[program.fontNames[0]]


def test_each_face_is_one_type0_font_and_text_extracts(pdf: bytes) -> None:
    fonts = embedded_fonts(pdf)
    assert len(fonts) == 2  # 宋体's stand-in and Times New Roman's, each once however many characters
    assert sorted(str(d["/Subtype"]) for d, _ in fonts) == ["/CIDFontType0", "/CIDFontType2"]
    assert "".join(pdftotext(pdf).split()) == "".join("".join(TEXT).split())


def test_cff_subset_glyphs_are_the_faces_glyphs_at_the_fonts_cids(pdf: bytes) -> None:
    originals = original_faces()
    descendant, to_unicode = next((d, u) for d, u in embedded_fonts(pdf) if d["/Subtype"] == "/CIDFontType0")
    top = cff_program(descendant)
    original = originals[descendant["/BaseFont"].split("+", 1)[1]]
    cmap = original.getBestCmap()
    assert top.ROS == ("Adobe", "Identity", 0)
    assert sorted(top.charset) == sorted([".notdef", *(f"cid{cid:05d}" for cid in to_unicode)])
    for cid, char in to_unicode.items():
        assert cmap[ord(char)] == f"cid{cid:05d}", char  # the code drawn is the font's own CID
        assert cff_outline(top.CharStrings, cmap[ord(char)]) == outline(original, cmap[ord(char)]), char
        assert not any(op in ("callsubr", "callgsubr") for op in top.CharStrings[cmap[ord(char)]].program)
    assert cff_outline(top.CharStrings, ".notdef") == outline(original, ".notdef")
    assert set(to_unicode.values()) == {char for char in "".join(TEXT) if ord(char) > 0x2000}  # the CJK ones


def test_truetype_subset_glyphs_are_the_faces_glyphs_at_their_cids(pdf: bytes) -> None:
    originals = original_faces()
    checked = 0
    for descendant, to_unicode in embedded_fonts(pdf):
        if descendant["/Subtype"] != "/CIDFontType2":
            continue
        program = descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data()
        subset = ttLib.TTFont(io.BytesIO(program))
        order = subset.getGlyphOrder()
        original = originals[descendant["/BaseFont"].split("+", 1)[1]]
        for cid, char in to_unicode.items():
            expected = original.getBestCmap()[ord(char)]
            assert outline(subset, order[cid]) == outline(original, expected), char
            assert subset["hmtx"][order[cid]][0] == original["hmtx"][expected][0], char
            checked += 1
        assert outline(subset, order[0]) == outline(original, ".notdef")
    assert checked == len({char for char in "".join(TEXT) if ord(char) < 0x2000})  # the space too: it is drawn


def test_widths_are_the_faces_advances(pdf: bytes) -> None:
    originals = original_faces()
    listed = 0
    for descendant, to_unicode in embedded_fonts(pdf):
        widths = {}
        for first, run in zip(descendant["/W"][::2], descendant["/W"][1::2], strict=True):  # c [w1 w2 …]
            widths.update({first + k: width for k, width in enumerate(run)})
        assert len(widths) < len(to_unicode)  # the default width (DW) covers the others
        listed += len(widths)
        original = originals[descendant["/BaseFont"].split("+", 1)[1]]
        scale = 1000 / original["head"].unitsPerEm
        cmap = original.getBestCmap()
        for cid, char in to_unicode.items():
            width = widths.get(cid, descendant["/DW"])
            assert width == pytest.approx(original["hmtx"][cmap[ord(char)]][0] * scale, abs=0.01), char
    assert listed > 10  # Latin letters of several widths, in runs of consecutive CIDs


def test_composite_glyphs_bring_their_components(pdf: bytes) -> None:
    latin = next(d for d, to_unicode in embedded_fonts(pdf) if "é" in to_unicode.values())
    subset = ttLib.TTFont(io.BytesIO(latin["/FontDescriptor"]["/FontFile2"].get_object().get_data()))
    order = subset.getGlyphOrder()
    composites = [subset["glyf"][name] for name in order if subset["glyf"][name].isComposite()]
    assert len(composites) >= 4  # é Å ö ï
    for glyph in composites:
        assert all(component.glyphName in order for component in glyph.components)


def test_font_names_outside_the_postscript_rules_are_escaped() -> None:
    escaped = _name_chars(b"My Font#1(x)")
    assert escaped == b"My#20Font#231#28x#29"
    assert NameObject.read_from_stream(io.BytesIO(b"/" + escaped + b" "), None) == "/My Font#1(x)"
    assert _name_chars(b"WenQuanYiZenHei-0") == b"WenQuanYiZenHei-0"
