"""The styles part searched in its serialised form: a style is found, and parsed, when a document first uses it.

A styles part written by Word or python-docx holds some 170 styles in 350 kB, mostly table styles a document
never uses; parsing it whole was a fifth of the time of typesetting a document, and indexing all its start tags
still a twentieth. ``index`` instead finds a style by searching the bytes for its ``w:styleId`` attribute, and
the default styles by their ``w:default`` attributes. That relies on the ``w`` prefix being bound on the root
and on the part having no comments, CDATA sections, DTD or entity references; ``index`` returns None for any
other part, and the caller parses that one whole. Searches for the plain form every producer writes
(`` w:styleId="Normal"``) come first; other spellings are found by a slower regular expression.
"""

from __future__ import annotations

import re
from functools import cached_property

from lxml import etree

from docgen.pdf.ooxml import W
from docgen.pdf.package import PARSER

_ROOT = re.compile(rb"<w:styles[\s>]")
_DOC_DEFAULTS = re.compile(rb"<w:docDefaults[\s/>]")
_ATTRIBUTE = re.compile(rb"""\sw:(styleId|type|default)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
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


class IndexedPart:
    """A styles part ready for searching: its w:style elements by id, and its default styles.

    ``doc_defaults`` is the w:docDefaults element, None when the part has none.
    """

    def __init__(self, head: bytes, data: bytes):
        self._head = head
        self._data = data
        defaults = _DOC_DEFAULTS.search(data, len(head))
        self.doc_defaults = Fragment(head, data, defaults.start(), b"</w:docDefaults>").element if defaults else None

    def find(self, style_id: str) -> Fragment | None:
        """The w:style element with ``style_id``: the first one, as ECMA-376 17.7.4.17 has duplicates resolved.

        The plain spellings are searched for as bytes, in C; a style not found that way may still be written
        another way, which a regular expression (ten times slower) settles.
        """
        if not style_id:
            return None
        data, encoded = self._data, style_id.encode("utf-8")
        at = data.find(b' w:styleId="' + encoded + b'"')
        if at < 0:
            at = data.find(b" w:styleId='" + encoded + b"'")
        if at < 0:
            loose = re.search(rb"""\sw:styleId\s*=\s*(["'])""" + re.escape(encoded) + rb"\1", data)
            if loose is None:
                return None
            at = loose.start()
        return Fragment(self._head, data, data.rfind(b"<", 0, at), b"</w:style>")

    def defaults(self) -> list[tuple[str, str, str]]:
        """(style type, style id, w:default value) of each w:style start tag with a w:default, in order."""
        data, found = self._data, []
        at = data.find(b"w:default", len(self._head))
        while at >= 0:
            if data[at - 1 : at].isspace() and data[at + 9 : at + 10] in (b" ", b"\t", b"\r", b"\n", b"="):
                attributes = _attributes(data[data.rfind(b"<", 0, at) : data.find(b">", at) + 1])
                found.append((attributes.get(b"type", "paragraph"), attributes.get(b"styleId", ""),
                              attributes.get(b"default", "")))
            at = data.find(b"w:default", at + 9)
        return found


def index(data: bytes) -> IndexedPart | None:
    """The part ready for searching; None when the part is not in the form the search understands."""
    root = _ROOT.search(data)
    # The one-byte tests run at memchr speed; "<!" alone is searched slowly, '<' being everywhere.
    if root is None or b"&" in data or (b"!" in data and b"<!" in data):
        return None
    head_end = data.find(b">", root.start()) + 1
    head = data[:head_end]
    if not any(binding in head for binding in _W_BINDINGS) or head.endswith(b"/>"):
        return None
    return IndexedPart(head, data)


def _attributes(start_tag: bytes) -> dict[bytes, str]:
    """The attributes a style is indexed by, from its start tag."""
    return {name: (double or single).decode("utf-8") for name, double, single in _ATTRIBUTE.findall(start_tag)}
