"""The docx package: a zip of XML parts linked by relationships, read with zipfile and plain lxml.

Why not python-docx here: opening a package through it parses every part with its custom element classes
(slower to walk than plain lxml elements) and builds proxies the reader never uses; reading only the parts the
reader asks for, lazily, took a third of the time of a whole typeset off small documents.
"""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
from dataclasses import dataclass, field
from functools import cached_property

from lxml import etree

_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REL_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
OFFICE_DOCUMENT = _REL_BASE + "officeDocument"
STYLES = _REL_BASE + "styles"
SETTINGS = _REL_BASE + "settings"
THEME = _REL_BASE + "theme"
NUMBERING = _REL_BASE + "numbering"
# Rendered documents are our own or Word's; entity expansion and network access stay off regardless.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


@dataclass(frozen=True, slots=True)
class Relationship:
    """One internal relationship of a part: its type and the name of the target part in the zip."""

    reltype: str
    target: str


@dataclass
class Part:
    """One part of the package, parsed on first use."""

    package: Package
    name: str
    _rels: dict[str, Relationship] | None = field(default=None, repr=False)

    @property
    def blob(self) -> bytes:
        """The part's raw bytes (pictures)."""
        return self.package.read(self.name)

    @property
    def stored(self) -> tuple[int, bytes]:
        """The part as stored in the zip: compression method and compressed bytes.

        Equal for parts of equal content compressed alike (every document rendered from one template), and
        read without inflating: a cheap key for what was derived from the content.
        """
        return self.package.stored(self.name)

    @cached_property
    def element(self) -> etree._Element:
        """The part's XML root element."""
        return etree.fromstring(self.blob, PARSER)

    @property
    def rels(self) -> dict[str, Relationship]:
        """Internal relationships by id (external targets such as hyperlinks are left out)."""
        if self._rels is None:
            self._rels = self.package.relationships(self.name)
        return self._rels

    def related(self, rid: str) -> Part:
        """The part a relationship id points to; KeyError when there is none."""
        return self.package.part(self.rels[rid].target)

    def related_by_type(self, reltype: str) -> Part | None:
        """The first part related by ``reltype``, or None."""
        for rel in self.rels.values():
            if rel.reltype == reltype:
                return self.package.part(rel.target)
        return None


class Package:
    """A docx opened from bytes; ``main`` is the document part."""

    def __init__(self, data: bytes):
        self._data = data
        self._zip = zipfile.ZipFile(io.BytesIO(data))
        self._names = set(self._zip.namelist())
        self._parts: dict[str, Part] = {}
        root = self.relationships("")
        main = next((rel.target for rel in root.values() if rel.reltype == OFFICE_DOCUMENT), None)
        if main is None:
            raise KeyError("package has no officeDocument relationship")
        self.main = self.part(main)

    def read(self, name: str) -> bytes:
        """Bytes of a zip member; KeyError when absent."""
        return self._zip.read(name)

    def stored(self, name: str) -> tuple[int, bytes]:
        """A member's compression method and bytes as stored (see ``Part.stored``); KeyError when absent."""
        info = self._zip.getinfo(name)
        name_length, extra_length = struct.unpack_from("<HH", self._data, info.header_offset + 26)  # local header
        start = info.header_offset + 30 + name_length + extra_length
        return info.compress_type, self._data[start : start + info.compress_size]

    def part(self, name: str) -> Part:
        """The part called ``name`` (one object per name, so parsed XML is shared)."""
        if name not in self._names:
            raise KeyError(f"part {name} is missing")
        if name not in self._parts:
            self._parts[name] = Part(self, name)
        return self._parts[name]

    def relationships(self, source: str) -> dict[str, Relationship]:
        """Internal relationships of part ``source`` ("" for the package itself), targets as zip names."""
        folder, base = posixpath.split(source)
        rels_name = posixpath.join(folder, "_rels", f"{base}.rels")
        if rels_name not in self._names:
            return {}
        found: dict[str, Relationship] = {}
        for rel in etree.fromstring(self.read(rels_name), PARSER).iter(f"{_REL_NS}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            found[rel.get("Id", "")] = Relationship(rel.get("Type", ""), _resolve(folder, rel.get("Target", "")))
        return found


def _resolve(folder: str, target: str) -> str:
    """Zip member name of a relationship target, relative to the source folder or absolute from the root."""
    if target.startswith("/"):
        return posixpath.normpath(target[1:])
    return posixpath.normpath(posixpath.join(folder, target)).lstrip("/")
