"""Checks and builders for merged.docx tests: is a package well-formed, and small docx files made with python-docx."""

import io
import posixpath
import struct
import zipfile
import zlib
from collections import Counter
from pathlib import Path

import docx
from docx.oxml import parse_xml
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
NS = {"w": W, "wp": WP}


def assert_well_formed(path: Path) -> None:
    """Every part parses, [Content_Types].xml covers every part, relationships resolve, ids are unique."""
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        assert len(names) == len(set(names))
        parts = {name: package.read(name) for name in names}
    types = etree.fromstring(parts.pop("[Content_Types].xml"))
    defaults = {d.get("Extension").lower() for d in types.iterfind(f"{CT}Default")}
    overrides = {o.get("PartName").lstrip("/") for o in types.iterfind(f"{CT}Override")}
    assert overrides <= set(parts), overrides - set(parts)
    for name, data in parts.items():
        assert name in overrides or name.rsplit(".", 1)[-1].lower() in defaults, name
        if name.endswith((".xml", ".rels")):
            etree.fromstring(data)
        if name.endswith(".rels"):
            _assert_targets_exist(name, etree.fromstring(data), parts)
    _assert_unique_ids(etree.fromstring(parts["word/document.xml"]))


def _assert_targets_exist(name: str, rels: etree._Element, parts: dict[str, bytes]) -> None:
    source_dir = posixpath.dirname(posixpath.dirname(name))  # word/_rels/document.xml.rels → word
    for rel in rels.iterfind(f"{RELS}Relationship"):
        if rel.get("TargetMode") != "External":
            target = posixpath.normpath(posixpath.join(source_dir, rel.get("Target")))
            assert target.lstrip("/") in parts, (name, rel.get("Target"))


def _assert_unique_ids(document: etree._Element) -> None:
    def repeated(values):
        return [value for value, n in Counter(values).items() if n > 1]

    starts = document.xpath("//w:bookmarkStart", namespaces=NS)
    assert repeated(s.get(f"{{{W}}}id") for s in starts) == []
    assert repeated(s.get(f"{{{W}}}name") for s in starts) == []
    ends = {e.get(f"{{{W}}}id") for e in document.xpath("//w:bookmarkEnd", namespaces=NS)}
    assert ends == {s.get(f"{{{W}}}id") for s in starts}
    others = document.xpath("//*[@w:id][not(self::w:bookmarkStart or self::w:bookmarkEnd)]", namespaces=NS)
    assert repeated(e.get(f"{{{W}}}id") for e in others) == []
    assert repeated(d.get("id") for d in document.xpath("//wp:docPr", namespaces=NS)) == []


def section_properties(path: Path) -> list[etree._Element]:
    """The w:sectPr of every section, in order (python-docx's view)."""
    return [section._sectPr for section in docx.Document(path).sections]


def png(rgb: tuple[int, int, int]) -> bytes:
    """A 1×1 PNG of one colour."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" + bytes(rgb)))
            + chunk(b"IEND", b""))


def small_docx(path: Path, text: str, *, image: bytes | None = None, body_xml: str = "",
               end_with_table: bool = False) -> Path:
    """A python-docx document: a paragraph, optionally a picture, extra body XML, a table at the end."""
    document = docx.Document()
    document.add_paragraph(text)
    if image is not None:
        document.add_picture(io.BytesIO(image))
    if body_xml:
        paragraph = document.add_paragraph()
        for element in parse_xml(f'<w:p xmlns:w="{W}">{body_xml}</w:p>'):
            paragraph._p.append(element)
    if end_with_table:
        document.add_table(rows=1, cols=1).cell(0, 0).text = f"{text}（表）"
    document.save(path)
    return path
