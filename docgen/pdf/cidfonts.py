"""Fonts embedded as CID-keyed subsets (Type0 fonts, Identity-H encoding) of TrueType and CFF faces.

Reportlab embeds a TrueType font as simple fonts of 256 glyphs each, so encoding text was a Python call per
character and a Chinese document carried several subsets of each face. Here each face is one font per
document: a character's two-byte code (its CID) is its glyph's place in the document's subset, assigned on the
character's first use by the ``str.translate`` table of the face, so text is encoded in C; the subset keeps
the glyphs in CID order (CID = glyph id), with a ToUnicode map so the text can be extracted and searched.
A CID-keyed CFF face (``cff.CFFFace``) keeps the CIDs of the font itself: its subset's charset says which.
"""

from __future__ import annotations

import struct
import sys
import zlib
from array import array
from collections import Counter
from dataclasses import dataclass
from functools import cache, partial
from itertools import groupby
from typing import TypeAlias

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import (
    GF_ARG_1_AND_2_ARE_WORDS,
    GF_MORE_COMPONENTS,
    GF_WE_HAVE_A_SCALE,
    GF_WE_HAVE_A_TWO_BY_TWO,
    GF_WE_HAVE_AN_X_AND_Y_SCALE,
    TTFontFace,
    TTFontMaker,
)

from docgen.pdf.cff import CFFFace
from docgen.pdf.recent import Recent

_COPIED_TABLES = ("name", "OS/2", "cvt ", "fpgm", "prep")
_BFCHAR_BLOCK = 100  # entries per beginbfchar section, the most a CMap section may hold
# A cmap mapping nothing: one (3, 1) format 4 subtable whose one segment is the required end at 0xFFFF. A
# CIDFontType2 program's cmap is not used (CID = glyph id), but font loaders expect the table to exist.
_EMPTY_CMAP = struct.pack(">HHHHL", 0, 1, 3, 1, 12) + struct.pack(">12H", 4, 24, 0, 2, 2, 0, 0, 0xFFFF, 0, 0xFFFF, 1, 0)
_SYMBOLIC, _NONSYMBOLIC = 1 << 2, 1 << 5
_NAME_DELIMITERS = b"()<>[]{}/%#"
Face: TypeAlias = TTFontFace | CFFFace


class _Codes(dict[int, str]):
    """One face's ``str.translate`` table in one document: each character's CID as four hex digits.

    A character gets the CID of its glyph, and a glyph the next free CID when first drawn; 0 is .notdef, which
    also draws what the face has no glyph for (the coverage check has reported those characters).
    """

    def __init__(self, glyph_of: dict[int, int], *, fonts_cids: bool = False):
        super().__init__()
        self._glyph_of = glyph_of
        self._fonts_cids = fonts_cids  # CFF faces: a glyph's CID is the font's (``glyph_of`` gives CIDs)
        self._cids = {0: 0}  # glyph id in the face → CID
        self.glyphs = [0]  # glyph id in the face, by CID
        self.chars: dict[int, str] = {}  # CID → the character it stands for in extracted text

    def __missing__(self, code: int) -> str:
        glyph = self._glyph_of.get(code, 0)
        cid = self._cids.get(glyph)
        if cid is None:
            cid = self._cids[glyph] = glyph if self._fonts_cids else len(self.glyphs)
            self.glyphs.append(glyph)
            self.chars[cid] = chr(code)
        hexed = self[code] = f"{cid:04X}"
        return hexed


class SubsetMemo:
    """What a Typesetter keeps between documents.

    Font programs, the tables that go with a subset (widths and ToUnicode map) and compressed streams.
    """

    def __init__(self, size: int):
        self.programs: Recent[tuple[int, tuple[int, ...]], bytes] = Recent(size)
        self.tables: Recent[tuple[int, tuple[tuple[int, str], ...]], _Tables] = Recent(size)
        self.compressed: Recent[bytes, bytes] = Recent(size)


class DocumentFonts:
    """The faces one PDF draws with: their resource names and codes, and their font objects at save time.

    Register with ``canvas._doc.delayedFonts``: reportlab calls ``addObjects`` when it writes the document.
    """

    def __init__(self, memo: SubsetMemo | None = None):
        self._memo = memo
        self._faces: dict[Face, tuple[str, _Codes]] = {}

    def encode(self, face: Face, text: str) -> tuple[str, str]:
        """``text`` in ``face``: the font's resource name and the hex digits of a PDF string.

        Faces are named C1, C2, … in order of first use.
        """
        found = self._faces.get(face)
        if found is None:
            codes = _Codes(face.charToGlyph, fonts_cids=isinstance(face, CFFFace))
            found = self._faces[face] = (f"C{len(self._faces) + 1}", codes)
        return found[0], text.translate(found[1])

    def addObjects(self, doc: pdfdoc.PDFDocument) -> None:  # reportlab's name for the save-time hook
        """Add each face's font objects to the document and to the font resources every page shares."""
        resources = doc.idToObject["BasicFonts"].dict
        for face, (name, codes) in self._faces.items():
            resources[name] = doc.Reference(_type0(doc, face, codes, self._memo), name)


def _type0(doc: pdfdoc.PDFDocument, face: Face, codes: _Codes, memo: SubsetMemo | None) -> pdfdoc.PDFDictionary:
    # Names and the W array are written as bytes, which reportlab passes through (PDFName escapes every call).
    glyphs = tuple(codes.glyphs)
    base_font = b"/" + _tag(glyphs).encode() + b"+" + _name_chars(face.name + face.subfontNameX)
    program = _program(face, glyphs, memo)
    tables = _tables(face, codes.chars, memo)
    cff = isinstance(face, CFFFace)
    if cff:
        font_file = ("FontFile3", doc.Reference(_stream(program, Subtype=b"/CIDFontType0C")))
    else:
        font_file = ("FontFile2", doc.Reference(_stream(program, Length1=len(program))))
    descriptor = doc.Reference(pdfdoc.PDFDictionary({
        "Type": b"/FontDescriptor",
        "FontName": base_font,
        "Flags": face.flags & ~_NONSYMBOLIC | _SYMBOLIC,
        "FontBBox": pdfdoc.PDFArray(face.bbox),
        "ItalicAngle": face.italicAngle,
        "Ascent": face.ascent,
        "Descent": face.descent,
        "CapHeight": face.capHeight,
        "StemV": face.stemV,
        font_file[0]: font_file[1],
    }))
    cid_font = pdfdoc.PDFDictionary({
        "Type": b"/Font",
        "Subtype": b"/CIDFontType0" if cff else b"/CIDFontType2",
        "BaseFont": base_font,
        "CIDSystemInfo": b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>",
        "FontDescriptor": descriptor,
        "DW": tables.default_width,
        "W": tables.widths,
    })
    if not cff:
        cid_font.dict["CIDToGIDMap"] = b"/Identity"
    return pdfdoc.PDFDictionary({
        "Type": b"/Font",
        "Subtype": b"/Type0",
        "BaseFont": base_font,
        "Encoding": b"/Identity-H",
        "DescendantFonts": pdfdoc.PDFArray([doc.Reference(cid_font)]),
        "ToUnicode": doc.Reference(_stream(tables.to_unicode)),
    })


@dataclass(frozen=True, slots=True)
class _Tables:
    """What a subset's font dictionaries carry besides the program: advances, and the ToUnicode map."""

    default_width: float
    widths: bytes  # the W array, serialised
    to_unicode: bytes


def _tables(face: Face, chars: dict[int, str], memo: SubsetMemo | None) -> _Tables:
    if memo is None:
        return _make_tables(face, chars)
    key = (id(face), tuple(chars.items()))
    return memo.tables.get(key) or memo.tables.put(key, _make_tables(face, chars))


def _make_tables(face: Face, chars: dict[int, str]) -> _Tables:
    chars = dict(sorted(chars.items()))  # a CFF face's CIDs come in order of use; runs need them in order
    default_width, widths = _widths(face, chars)
    return _Tables(default_width, widths, _to_unicode(chars).encode("ascii"))


@cache
def _name_chars(name: bytes) -> bytes:
    """``name`` as the characters of a PDF name: delimiters, white space and other bytes written as #XX.

    (PostScript names of fonts should need none of that; user-supplied fonts do not always keep to it.)
    """
    return b"".join(bytes([c]) if 0x21 <= c <= 0x7E and c not in _NAME_DELIMITERS else b"#%02X" % c for c in name)


def _stream(content: str | bytes, **entries: int | bytes) -> pdfdoc.PDFStream:
    stream = pdfdoc.PDFStream(content=content, filters=[pdfdoc.PDFZCompress])
    stream.dictionary.dict.update(entries)
    return stream


def _tag(glyphs: tuple[int, ...]) -> str:
    """The six capital letters that name a subset, derived from its glyphs (so equal input, equal bytes)."""
    value = zlib.crc32(array("H", glyphs).tobytes())
    letters = []
    for _ in range(6):
        value, digit = divmod(value, 26)
        letters.append(chr(ord("A") + digit))
    return "".join(letters)


def _widths(face: Face, chars: dict[int, str]) -> tuple[float, bytes]:
    """The most common advance (DW) and the W array of every other one, runs of consecutive CIDs together."""
    advances = {cid: face.charWidths.get(ord(char), face.defaultWidth) for cid, char in chars.items()}
    if not advances:
        return face.defaultWidth, b"[]"
    counts = Counter(advances.values())
    default = max(counts, key=lambda width: (counts[width], -width))
    others = [(cid, width) for cid, width in advances.items() if width != default]
    runs = []
    for _, run in groupby(enumerate(others), key=lambda item: item[1][0] - item[0]):  # consecutive CIDs
        cids_widths = [pair for _, pair in run]
        runs.append(f"{cids_widths[0][0]} [{fp_str(*(width for _, width in cids_widths))}]")
    return default, f"[{' '.join(runs)}]".encode("ascii")


def _to_unicode(chars: dict[int, str]) -> str:
    """A ToUnicode CMap from two-byte codes (CIDs) to the characters they stand for."""
    entries = [f"<{cid:04X}> <{_utf16(char)}>" for cid, char in chars.items()]
    sections = []
    for start in range(0, len(entries), _BFCHAR_BLOCK):
        block = entries[start : start + _BFCHAR_BLOCK]
        sections.append(f"{len(block)} beginbfchar\n" + "\n".join(block) + "\nendbfchar")
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
        "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange",
        *sections,
        "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


@cache
def _utf16(char: str) -> str:
    return char.encode("utf-16-be").hex().upper()


def _program(face: Face, glyphs: tuple[int, ...], memo: SubsetMemo | None) -> bytes:
    make = face.subset if isinstance(face, CFFFace) else partial(subset, face)
    if memo is None:
        return make(glyphs)
    key = (id(face), glyphs)  # faces live as long as the process (fonts._LOADED)
    return memo.programs.get(key) or memo.programs.put(key, make(glyphs))


def subset(face: TTFontFace, glyphs: tuple[int, ...]) -> bytes:
    """A TrueType program of ``glyphs`` (ids in ``face``, .notdef first): glyph ``k`` of it is ``glyphs[k]``.

    Glyphs that composites among them are built from follow, and the composites refer to them by their new ids.
    """
    glyf = _glyf(face)
    order = _with_components(glyf, glyphs)
    new_id = {glyph: k for k, glyph in enumerate(order)}
    outlines = [glyf.outline(glyph, new_id) for glyph in order]
    offsets = [0]
    for outline in outlines:
        offsets.append(offsets[-1] + len(outline))
    long_offsets = offsets[-1] > 0x1FFFE
    loca = array("I", offsets) if long_offsets else array("H", [offset >> 1 for offset in offsets])
    hmtx = array("H", [value for glyph in order for value in face.hmetrics[glyph]])
    if sys.byteorder == "little":
        loca.byteswap()
        hmtx.byteswap()
    tables = _constant_tables(face)
    count = len(order)
    maker = TTFontMaker()
    for tag, data in tables.items():
        maker.add(tag, data)
    maker.add("head", tables["head"][:50] + struct.pack(">h", 1 if long_offsets else 0) + tables["head"][52:])
    maker.add("hhea", tables["hhea"][:34] + struct.pack(">H", count) + tables["hhea"][36:])
    maker.add("maxp", tables["maxp"][:4] + struct.pack(">H", count) + tables["maxp"][6:])
    maker.add("hmtx", hmtx.tobytes())
    maker.add("loca", loca.tobytes())
    maker.add("glyf", b"".join(outlines))
    return maker.makeStream()


@cache
def _constant_tables(face: TTFontFace) -> dict[str, bytes]:
    """The tables every subset of ``face`` copies (or shares), read from the file once per process."""
    tables = {"cmap": _EMPTY_CMAP, "post": b"\x00\x03\x00\x00" + face.get_table("post")[4:16] + b"\x00" * 16}
    for tag in ("head", "hhea", "maxp", *_COPIED_TABLES):
        try:
            tables[tag] = face.get_table(tag)
        except KeyError:  # cvt, fpgm and prep are optional
            continue
    return tables


@cache
def _glyf(face: TTFontFace) -> _Glyf:
    """The face's outlines, with what was read of them, for as long as the process has the face."""
    return _Glyf(face)


class _Glyf:
    """The outlines of a face, read in place from the loaded file; each glyph is looked at once per process.

    Like the face's metrics, what is kept here is the font's, not any document's: a glyph's outline padded
    for the glyf table, and where its components are when it is a composite.
    """

    def __init__(self, face: TTFontFace):
        self._data = face._ttf_data
        self._start = face.get_table_pos("glyf")[0]
        self._positions = face.glyphPos
        self._outlines: dict[int, bytes] = {}
        self._components: dict[int, list[tuple[int, int]]] = {}

    def components(self, glyph: int) -> list[tuple[int, int]]:
        """Where in a composite glyph's outline each component id sits, and the id (empty for other glyphs)."""
        found = self._components.get(glyph)
        if found is None:
            found = self._components[glyph] = self._read_components(glyph)
        return found

    def _read_components(self, glyph: int) -> list[tuple[int, int]]:
        data, start = self._data, self._start + self._positions[glyph]
        if self._positions[glyph + 1] - self._positions[glyph] < 10 or struct.unpack_from(">h", data, start)[0] >= 0:
            return []
        found = []
        at = 10
        flags = GF_MORE_COMPONENTS
        while flags & GF_MORE_COMPONENTS:
            flags, component = struct.unpack_from(">HH", data, start + at)
            found.append((at + 2, component))
            at += 4 + (4 if flags & GF_ARG_1_AND_2_ARE_WORDS else 2)
            if flags & GF_WE_HAVE_A_SCALE:
                at += 2
            elif flags & GF_WE_HAVE_AN_X_AND_Y_SCALE:
                at += 4
            elif flags & GF_WE_HAVE_A_TWO_BY_TWO:
                at += 8
        return found

    def outline(self, glyph: int, new_id: dict[int, int]) -> bytes:
        """The glyph's outline padded to four bytes, its components (if any) renumbered by ``new_id``."""
        outline = self._outlines.get(glyph)
        if outline is None:
            raw = self._data[self._start + self._positions[glyph] : self._start + self._positions[glyph + 1]]
            outline = self._outlines[glyph] = raw + b"\0" * (-len(raw) % 4)
        components = self.components(glyph)
        if components:
            edited = bytearray(outline)
            for at, component in components:
                struct.pack_into(">H", edited, at, new_id[component])
            outline = bytes(edited)
        return outline


def _with_components(glyf: _Glyf, glyphs: tuple[int, ...]) -> list[int]:
    """``glyphs``, then the glyphs composites among them are built from, in order."""
    order = list(glyphs)
    seen = set(order)
    for glyph in order:  # grows while it is walked: components may be composites too
        for _, component in glyf.components(glyph):
            if component not in seen:
                seen.add(component)
                order.append(component)
    return order
