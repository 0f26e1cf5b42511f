"""CID-keyed CFF faces (OpenType fonts with PostScript outlines, .otf/.otc): metrics and subset programs.

Noto Serif/Sans CJK and the Fandol fonts draw Chinese with CFF outlines, which reportlab cannot embed. fontTools
reads them; the subsets are written here (a bare CFF, embedded as CIDFontType0C) because fontTools' own
subsetter takes about 0.6 s a document on Noto CJK's 65,535 glyphs. Each glyph's charstring is freed of
subroutine calls once per process and kept; a subset is then the charstrings of its glyphs with the private
dictionaries they use, assembled in well under a millisecond per hundred glyphs.

The codes a PDF draws with are the font's own CIDs (Identity-H), so a character has the same code in every
document, and the subset's charset maps each of its glyphs back to that CID.
"""

from __future__ import annotations

import struct
from pathlib import Path

from fontTools.cffLib import TopDict
from fontTools.cffLib.transforms import desubroutinizeCharString
from fontTools.pens.basePen import AbstractPen
from fontTools.ttLib import TTFont as FontToolsFont
from fontTools.ttLib import TTLibError

_REGISTRY, _ORDERING = b"Adobe", b"Identity"
_FIRST_SID = 391  # the first string id after CFF's standard strings
_SUBRS = 19  # the Private DICT operator whose offset a subset drops with the subroutines


class NotCIDKeyedError(ValueError):
    """The file is not an OpenType font with CID-keyed CFF outlines."""


class CFFFace:
    """One CID-keyed CFF face of a font file, with the attributes the engine reads from reportlab's faces.

    ``charToGlyph`` maps a character to its CID, ``charWidths`` to its advance in thousandths of an em.
    """

    def __init__(self, path: Path, index: int = 0):
        self.filename = str(path)
        try:
            # Closed at the end: what is used later (charstrings, glyph order, font dictionaries) has been read.
            with open(path, "rb") as file:
                self._read(FontToolsFont(file, fontNumber=index, lazy=True), index)
        except (TTLibError, OSError, struct.error, KeyError, AssertionError) as exc:
            raise NotCIDKeyedError(f"{path}: {exc}") from None
        self._charstrings: dict[int, tuple[bytes, int]] = {}

    def _read(self, font: FontToolsFont, index: int) -> None:
        top = font["CFF "].cff.topDictIndex[0]
        if not hasattr(top, "ROS"):
            raise NotCIDKeyedError(f"{self.filename}: a name-keyed CFF font")
        self._font = font
        self._top = top
        self.units_per_em = font["head"].unitsPerEm
        scale = 1000 / self.units_per_em
        cmap = font.getBestCmap() or {}
        hmtx = font["hmtx"].metrics
        self.charToGlyph = {code: _cid(name) for code, name in cmap.items()}
        self.charWidths = {code: hmtx[name][0] * scale for code, name in cmap.items()}
        self.defaultWidth = hmtx[".notdef"][0] * scale
        os2, hhea = font["OS/2"], font["hhea"]
        self.name = font["name"].getDebugName(6).encode("ascii", "replace")
        self.subfontNameX = b"-%d" % index
        self.bbox = [round(v * scale) for v in top.FontBBox]
        self.ascent = round(hhea.ascent * scale)
        self.descent = round(hhea.descent * scale)
        self.capHeight = round(getattr(os2, "sCapHeight", 0) * scale) or self.ascent
        self.stemV = 50 + int((os2.usWeightClass / 65.0) ** 2)  # reportlab's estimate for TrueType faces
        self.italicAngle = font["post"].italicAngle
        self.flags = 0
        self._tables = {tag: font.reader[tag] for tag in ("head", "hhea", "OS/2") if tag in font.reader}
        self._privates = _privates(font, top)

    def get_table(self, tag: str) -> bytes:
        """The raw bytes of the head, hhea or OS/2 table (KeyError when the font has none)."""
        return self._tables[tag]

    def draw(self, cid: int, pen: AbstractPen) -> None:
        """Draw the outline of the glyph with this CID with a fontTools pen (in font units)."""
        self._top.CharStrings[f"cid{cid:05d}" if cid else ".notdef"].draw(pen)

    def subset(self, cids: tuple[int, ...]) -> bytes:
        """A CID-keyed CFF program of the glyphs with these CIDs (0, .notdef, among them), in CID order."""
        order = sorted(set(cids) | {0})
        glyphs = [self._charstring(cid) for cid in order]
        used = sorted({fd for _, fd in glyphs})
        new_fd = {fd: k for k, fd in enumerate(used)}
        privates = [self._privates[fd] for fd in used]
        charset = b"\0" + b"".join(struct.pack(">H", cid) for cid in order[1:])
        fd_select = b"\0" + bytes(new_fd[fd] for _, fd in glyphs)
        charstrings = _index([program for program, _ in glyphs])
        head = b"\x01\x00\x04\x04" + _index([self.name])
        strings = _index([_REGISTRY, _ORDERING]) + _index([])  # String INDEX, then an empty Global Subr INDEX

        def top_dict(charset_at: int, charstrings_at: int, fd_array_at: int, fd_select_at: int) -> bytes:
            return b"".join([
                _int(_FIRST_SID), _int(_FIRST_SID + 1), _int(0), b"\x0c\x1e",  # ROS
                _int(max(order) + 1), b"\x0c\x22",  # CIDCount
                *(_int(v) for v in self.bbox), b"\x05",
                _int5(charset_at), b"\x0f",
                _int5(charstrings_at), b"\x11",
                _int5(fd_array_at), b"\x0c\x24",
                _int5(fd_select_at), b"\x0c\x25",
            ])

        charset_at = len(head) + len(_index([top_dict(0, 0, 0, 0)])) + len(strings)
        fd_select_at = charset_at + len(charset)
        charstrings_at = fd_select_at + len(fd_select)
        fd_array_at = charstrings_at + len(charstrings)
        fd_size = len(_index([_int(len(p)) + _int5(0) + b"\x12" for p in privates]))
        private_at = fd_array_at + fd_size
        font_dicts = []
        for private in privates:
            font_dicts.append(_int(len(private)) + _int5(private_at) + b"\x12")
            private_at += len(private)
        top = _index([top_dict(charset_at, charstrings_at, fd_array_at, fd_select_at)])
        return b"".join([head, top, strings, charset, fd_select, charstrings, _index(font_dicts), *privates])

    def _charstring(self, cid: int) -> tuple[bytes, int]:
        """A glyph's charstring without subroutine calls, and its font dictionary's index; kept per process."""
        found = self._charstrings.get(cid)
        if found is None:
            name = f"cid{cid:05d}" if cid else ".notdef"
            charstring = self._top.CharStrings[name]
            desubroutinizeCharString(charstring)
            charstring.compile()
            found = self._charstrings[cid] = (charstring.bytecode, self._top.FDSelect[self._font.getGlyphID(name)])
        return found


def _privates(font: FontToolsFont, top: TopDict) -> list[bytes]:
    """Each font dictionary's Private DICT as the file has it, less its subroutines."""
    table_start = font.reader.tables["CFF "].offset
    found = []
    for font_dict in top.FDArray:
        size, offset = font_dict.rawDict["Private"]
        font.reader.file.seek(table_start + offset)
        found.append(_without_subrs(font.reader.file.read(size)))
    return found


def _cid(glyph_name: str) -> int:
    return int(glyph_name[3:]) if glyph_name.startswith("cid") else 0


def _index(items: list[bytes]) -> bytes:
    """A CFF INDEX of ``items``."""
    if not items:
        return b"\0\0"
    offsets = [1]
    for item in items:
        offsets.append(offsets[-1] + len(item))
    size = (offsets[-1].bit_length() + 7) // 8
    packed = b"".join(offset.to_bytes(size, "big") for offset in offsets)
    return struct.pack(">HB", len(items), size) + packed + b"".join(items)


def _int(value: int) -> bytes:
    """A DICT integer operand in its shortest form."""
    if -107 <= value <= 107:
        return bytes([value + 139])
    if 108 <= value <= 1131:
        value -= 108
        return bytes([(value >> 8) + 247, value & 0xFF])
    if -1131 <= value <= -108:
        value = -value - 108
        return bytes([(value >> 8) + 251, value & 0xFF])
    return _int5(value)


def _int5(value: int) -> bytes:
    """A DICT integer operand in five bytes: offsets are written before the layout is known."""
    return b"\x1d" + struct.pack(">i", value)


def _without_subrs(data: bytes) -> bytes:
    """A DICT with its Subrs entry (operands and operator) removed."""
    out = bytearray()
    start = at = 0
    while at < len(data):
        byte = data[at]
        if byte <= 21:  # an operator ends the operands since ``start``
            end = at + (2 if byte == 12 else 1)
            if byte != _SUBRS:
                out += data[start:end]
            start = at = end
        elif byte == 28:
            at += 3
        elif byte == 29:
            at += 5
        elif byte == 30:  # a real: nibbles up to the one that is 0xF
            at += 1
            while data[at] >> 4 != 0xF and data[at] & 0xF != 0xF:
                at += 1
            at += 1
        elif 247 <= byte <= 254:
            at += 2
        else:
            at += 1
    return bytes(out)
