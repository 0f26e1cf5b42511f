"""The styles part split into its elements without parsing it whole: each style is parsed when first used.

A styles part written by Word or python-docx holds some 170 styles in 350 kB, mostly table styles a document
never uses; parsing it whole was a fifth of the time of typesetting a document. ``scan`` finds the top-level
elements by their tags in the serialised part instead. That relies on the form every producer writes: the ``w``
prefix bound on the root and no comments, CDATA sections or DTD. ``scan`` returns None for any other part, and
the caller parses that one whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from lxml import etree

from docgen.pdf.ooxml import W
from docgen.pdf.package import PARSER

_ROOT = re.compile(rb"<w:styles[\s>]")
_STYLE_TAG = re.compile(rb"<w:style(?=[\s/>])[^>]*>")
_DOC_DEFAULTS = re.compile(rb"<w:docDefaults[\s/>]")
_ATTRIBUTE = re.compile(rb"""\sw:(styleId|type|default)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_UNSCANNABLE = b"<!"  # starts a comment, a CDATA section or a DTD
_W_BINDINGS = (f'xmlns:w="{W}"'.encode(), f"xmlns:w='{W}'".encode())


class Fragment:
    """One top-level element of the part, found where its start tag is and parsed when first asked for."""

    def __init__(self, head: bytes, data: bytes, start: int, end_tag: bytes):
        self._head = head  # prolog and root start tag: the encoding and the namespace bindings of the part
        self._data = data
        self._start = start
        self._end_tag = end_tag

    @cached_property
    def element(self) -> etree._Element:
        """The parsed element."""
        tag_end = self._data.find(b">", self._start) + 1
        end = tag_end
        if self._data[tag_end - 2 : tag_end] != b"/>":
            end = self._data.find(self._end_tag, tag_end) + len(self._end_tag)
        return etree.fromstring(self._head + self._data[self._start : end] + b"</w:styles>", PARSER)[0]


@dataclass(frozen=True, slots=True)
class StyleEntry:
    """One w:style element: the attributes a style sheet indexes it by, and the element itself."""

    style_id: str
    kind: str
    default: str | None
    fragment: Fragment


@dataclass(frozen=True, slots=True)
class ScannedPart:
    """A styles part as its w:docDefaults element (None when absent) and its w:style elements in order."""

    doc_defaults: etree._Element | None
    styles: list[StyleEntry]


def scan(data: bytes) -> ScannedPart | None:
    """Split a styles part into its elements; None when the part is not in the form the scan understands."""
    root = _ROOT.search(data)
    if root is None or _UNSCANNABLE in data:
        return None
    head_end = data.find(b">", root.start()) + 1
    head = data[:head_end]
    if not any(binding in head for binding in _W_BINDINGS) or head.endswith(b"/>"):
        return None
    styles: list[StyleEntry] = []
    for tag in _STYLE_TAG.finditer(data, head_end):
        attributes = _attributes(tag.group())
        if attributes is None:
            return None
        fragment = Fragment(head, data, tag.start(), b"</w:style>")
        styles.append(StyleEntry(attributes.get(b"styleId", ""), attributes.get(b"type", "paragraph"),
                                 attributes.get(b"default"), fragment))
    defaults = _DOC_DEFAULTS.search(data, head_end)
    doc_defaults = Fragment(head, data, defaults.start(), b"</w:docDefaults>").element if defaults else None
    return ScannedPart(doc_defaults, styles)


def _attributes(start_tag: bytes) -> dict[bytes, str] | None:
    """The indexed attributes of a w:style start tag; None when one holds an entity reference."""
    found: dict[bytes, str] = {}
    for name, double_quoted, single_quoted in _ATTRIBUTE.findall(start_tag):
        value = double_quoted or single_quoted
        if b"&" in value:
            return None  # leave decoding entity references to the XML parser
        found[name] = value.decode("utf-8")
    return found
