"""One font subset per CFF face in a merged PDF (merged.pdf, packet.pdf), instead of one per merged document.

A CFF face draws with the font's own CIDs (``cff``), so a character has the same code in every document:
the documents' subsets of one face can be replaced by a single subset of all their glyphs without touching
any page's content. That subset is made by the engine itself (``cidfonts.DocumentFonts``, in a one-page
PDF whose font objects are copied over), so it has the same form as any other. TrueType faces number their
glyphs per document and keep their own subsets (Latin text and 楷体 headings: a few kilobytes a document).
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from typing import cast

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, IndirectObject, NameObject, StreamObject
from reportlab.pdfgen.canvas import Canvas

from docgen.pdf.cff import CFFFace
from docgen.pdf.cidfonts import DocumentFonts
from docgen.pdf.fonts import FontMap, find_file, load_font

_BFCHAR = re.compile(r"beginbfchar(.*?)endbfchar", re.DOTALL)
_ENTRY = re.compile(r"<([0-9A-F]{4})> <([0-9A-F]+)>")
_FONT_DEPTH = 4  # Type0 → CIDFont → FontDescriptor → font program


def share_cff_subsets(writer: PdfWriter, fontmap: FontMap) -> int:
    """Give every page the one subset per CFF face that covers all pages; return how many faces were shared.

    Faces the font map cannot load here (a font folder of another machine) keep their documents' subsets.
    """
    uses: dict[str, list[tuple[DictionaryObject, NameObject]]] = defaultdict(list)  # face → where it is used
    chars: dict[str, dict[int, str]] = defaultdict(dict)  # face → CID → character
    seen: set[int] = set()
    for page in writer.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        if fonts is None:
            continue
        fonts = fonts.get_object()
        if id(fonts) in seen:  # the documents' pages share one font dictionary each
            continue
        seen.add(id(fonts))
        for name, ref in fonts.items():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else None
            if descendant is None or descendant.get("/Subtype") != "/CIDFontType0":
                continue
            key = str(font["/BaseFont"]).split("+", 1)[-1]
            uses[key].append((fonts, NameObject(name)))
            chars[key].update(_to_unicode(font))
    if len(uses) == 0:
        return 0
    faces = _faces(fontmap, set(uses))
    shared = 0
    for key, places in uses.items():
        found = faces.get(key)
        if found is None or len(places) < 2:
            continue
        ref = _font_object(writer, found, chars[key])
        for fonts, name in places:
            fonts[name] = ref
        shared += 1
    # pypdf drops objects nothing refers to one level a pass: the replaced Type0 fonts, then their CIDFonts and
    # ToUnicode maps, their descriptors, their programs. (It also merges identical objects, e.g. Latin subsets.)
    for _ in range(_FONT_DEPTH if shared else 0):
        writer.compress_identical_objects()
    return shared


def _to_unicode(font: DictionaryObject) -> dict[int, str]:
    cmap = cast(StreamObject, font["/ToUnicode"].get_object()).get_data().decode("ascii")
    entries = "".join(_BFCHAR.findall(cmap))
    return {int(cid, 16): bytes.fromhex(text).decode("utf-16-be") for cid, text in _ENTRY.findall(entries)}


def _font_object(writer: PdfWriter, face: CFFFace, chars: dict[int, str]) -> IndirectObject:
    """The engine's Type0 font of ``face`` drawing ``chars``, added to ``writer``."""
    fonts = DocumentFonts()
    fonts.encode(face, "".join(chars[cid] for cid in sorted(chars)))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1, pageCompression=1)
    canvas._doc.delayedFonts.append(fonts)
    canvas.showPage()
    canvas.save()
    resources = cast(DictionaryObject, PdfReader(io.BytesIO(buffer.getvalue())).pages[0]["/Resources"])
    font = cast(DictionaryObject, cast(DictionaryObject, resources["/Font"])["/C1"].get_object())
    return writer._add_object(font.clone(writer))


def _faces(fontmap: FontMap, wanted: set[str]) -> dict[str, CFFFace]:
    """The CFF faces of the font map whose PDF names (name and face index) are ``wanted``."""
    found: dict[str, CFFFace] = {}
    for face in fontmap.faces.values():
        for candidate in face.candidates:
            for file in {candidate.file, candidate.bold, candidate.italic, candidate.bold_italic} - {""}:
                path = find_file(file, fontmap.search_dirs)
                font = load_font(path, candidate.index, face.label) if path else None
                if font is not None and isinstance(font.face, CFFFace):
                    key = (font.face.name + font.face.subfontNameX).decode("ascii", "replace")
                    if key in wanted:
                        found[key] = font.face
                if len(found) == len(wanted):
                    return found
    return found
