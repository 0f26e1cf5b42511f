"""The XML side of merged.docx: one row's ``w:body`` made ready to follow the rows before it.

Each row becomes one section that starts a new page with page number 1 (the row's own page settings,
headers and footers stay as they are, so GB/T 9704 odd/even footers and a title page keep working), and
the ids Word checks for uniqueness across the whole document are renumbered: ``w:id`` of bookmarks and
revisions, bookmark names (with the hyperlinks and REF fields pointing at them) and ``wp:docPr/@id``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
VML_O = "urn:schemas-microsoft-com:office:office"
_NS = {"w": W, "wp": WP, "w14": W14, "o": VML_O}


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


W_BODY, W_P, W_PPR, W_SECTPR, W_ID, W_VAL = _w("body"), _w("p"), _w("pPr"), _w("sectPr"), _w("id"), _w("val")
_DOCPR = f"{{{WP}}}docPr"
_PARA_IDS = (f"{{{W14}}}paraId", f"{{{W14}}}textId")
_BOOKMARK_NAME_LIMIT = 40  # Word cuts longer bookmark names

# w:id values that point into other parts (footnotes.xml, comments.xml): the part would have to be merged too.
_CROSS_PART = {_w(n): label for n, label in [("footnoteReference", "脚注"), ("endnoteReference", "尾注"),
                                              ("commentReference", "批注"), ("commentRangeStart", "批注"),
                                              ("commentRangeEnd", "批注")]}

# The order of w:sectPr's children (CT_SectPr); Word rejects a section whose children are out of order.
_SECTPR_ORDER = [_w(n) for n in (
    "headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc",
    "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection",
    "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange")]

_with_w_id = etree.XPath(".//*[@w:id]", namespaces=_NS)
_with_para_id = etree.XPath(".//*[@w14:paraId or @w14:textId]", namespaces=_NS)
_section_properties = etree.XPath("w:p/w:pPr/w:sectPr | w:sectPr", namespaces=_NS)
relationship_references = etree.XPath(f".//@*[namespace-uri()='{R}'] | .//@o:relid", namespaces=_NS)
_FIELD_BOOKMARK = re.compile(r"\b(REF|PAGEREF|NOTEREF)(\s+)(\S+)")


class CrossPartReference(ValueError):
    """The body refers to a footnote, endnote or comment; ``args[0]`` names which (in Chinese)."""


def end_section(body: etree._Element, *, last: bool, blank_after: bool = False) -> None:
    """Make the row one section on pages of its own numbered from 1; all but the last row end in a break.

    With ``blank_after`` (a row with an odd page count, printed on both sides) a blank page follows the row, so
    the next one starts on the front of a sheet. Word and LibreOffice choose the side of an odd-page section
    break by the page number, which restarts at 1 on every row: such a break would never leave a page blank.

    The row's first section gets ``w:type nextPage`` (an odd/even page break is kept) and ``w:pgNumType
    w:start=1``. Unless the row is the last one, its final body-level ``w:sectPr`` moves into the
    ``w:pPr`` of its last paragraph (a new empty paragraph when the body ends with a table), which is how
    WordprocessingML writes a section break; the last row's ``w:sectPr`` stays the document's final one.
    """
    final = body.find(W_SECTPR)
    if final is None:
        final = etree.SubElement(body, W_SECTPR)
    _start_new_page(_section_properties(body)[0])
    if not last:
        body.remove(final)
        _put_section(_properties_of_last_paragraph(body), final)
        if blank_after:
            body.append(_blank_page(final))


def _blank_page(row_section: etree._Element) -> etree._Element:
    """A section of one empty paragraph and one page, a title page without footer: blank and unnumbered."""
    blank = copy.deepcopy(row_section)
    for child in list(blank):
        if child.tag == _w("pgNumType") or child.get(_w("type")) == "first":
            blank.remove(child)
    _child_in_order(blank, _w("type")).set(W_VAL, "nextPage")
    _child_in_order(blank, _w("titlePg"))
    paragraph = etree.Element(W_P)
    etree.SubElement(paragraph, W_PPR).append(blank)
    return paragraph


def _start_new_page(sect: etree._Element) -> None:
    kind = _child_in_order(sect, _w("type"))
    if kind.get(W_VAL) not in ("oddPage", "evenPage"):
        kind.set(W_VAL, "nextPage")
    _child_in_order(sect, _w("pgNumType")).set(_w("start"), "1")


def _child_in_order(sect: etree._Element, tag: str) -> etree._Element:
    """``sect``'s child ``tag``, inserted where CT_SectPr's sequence puts it when missing."""
    found = sect.find(tag)
    if found is not None:
        return found
    rank = _SECTPR_ORDER.index(tag)
    element = etree.Element(tag)
    later = next((c for c in sect if c.tag in _SECTPR_ORDER and _SECTPR_ORDER.index(c.tag) > rank), None)
    if later is None:
        sect.append(element)
    else:
        later.addprevious(element)
    return element


def _properties_of_last_paragraph(body: etree._Element) -> etree._Element:
    """The ``w:pPr`` of the paragraph that will carry the row's section break."""
    last = body[-1] if len(body) else None
    if last is None or last.tag != W_P or last.find(f"{W_PPR}/{W_SECTPR}") is not None:
        last = etree.SubElement(body, W_P)
    ppr = last.find(W_PPR)
    if ppr is None:
        ppr = etree.Element(W_PPR)
        last.insert(0, ppr)
    return ppr


def _put_section(ppr: etree._Element, sect: etree._Element) -> None:
    change = ppr.find(_w("pPrChange"))
    if change is None:
        ppr.append(sect)
    else:
        change.addprevious(sect)  # CT_PPr: ..., rPr, sectPr, pPrChange


class IdCounter:
    """Hands out ids no other row used: ``w:id`` (bookmarks, revisions) and ``wp:docPr/@id`` (drawings)."""

    def __init__(self, *, first_w_id: int, first_drawing_id: int):
        """Start above every id the parts shared by all rows (headers, footers) already use."""
        self.next_w_id = first_w_id
        self.next_drawing_id = first_drawing_id

    def renumber(self, body: etree._Element, *, bookmark_suffix: str) -> None:
        """Give the row's ids fresh numbers; add ``bookmark_suffix`` to its bookmark names (none for row 1).

        Raises:
            CrossPartReference: the row refers to footnotes, endnotes or comments.
        """
        renamed: dict[str, str] = {}
        for element in _with_w_id(body):
            if element.tag in _CROSS_PART:
                raise CrossPartReference(_CROSS_PART[element.tag])
            old = element.get(W_ID)
            if old not in renamed:  # a bookmarkStart and its bookmarkEnd share an id: keep them paired
                renamed[old] = str(self.next_w_id)
                self.next_w_id += 1
            element.set(W_ID, renamed[old])
        for drawing in body.iter(_DOCPR):
            drawing.set("id", str(self.next_drawing_id))
            self.next_drawing_id += 1
        if bookmark_suffix:
            rename_bookmarks(body, bookmark_suffix)


def drop_paragraph_ids(body: etree._Element) -> None:
    """Remove ``w14:paraId``/``w14:textId``: optional, unique per document, and regenerated by Word on saving."""
    for element in _with_para_id(body):
        for name in _PARA_IDS:
            element.attrib.pop(name, None)


def rename_bookmarks(body: etree._Element, suffix: str) -> None:
    """Append ``suffix`` to every bookmark name, and to the hyperlinks and REF fields of the row that use one."""
    names: dict[str, str] = {}
    for mark in body.iter(_w("bookmarkStart")):
        name = mark.get(_w("name"))
        if name:
            names[name] = name[: _BOOKMARK_NAME_LIMIT - len(suffix)] + suffix
            mark.set(_w("name"), names[name])
    if not names:
        return
    for link in body.iter(_w("hyperlink")):
        anchor = link.get(_w("anchor"))
        if anchor in names:
            link.set(_w("anchor"), names[anchor])
    rewrite = _field_rewriter(names)
    for text in body.iter(_w("instrText")):
        text.text = rewrite(text.text or "")
    for field in body.iter(_w("fldSimple")):
        field.set(_w("instr"), rewrite(field.get(_w("instr"), "")))


def _field_rewriter(names: dict[str, str]) -> Callable[[str], str]:
    def replace(match: re.Match[str]) -> str:
        return match.group(1) + match.group(2) + names.get(match.group(3), match.group(3))

    return lambda instruction: _FIELD_BOOKMARK.sub(replace, instruction)


def inner_xml(root: etree._Element, body: etree._Element, declared: dict[str | None, str]) -> bytes:
    """The serialised children of ``body``, relying on the namespace declarations ``declared`` at the root.

    Serialising the whole row and cutting out the body keeps each element free of the 17 namespace
    declarations lxml would repeat on every child serialised on its own; a row whose root declares a
    prefix the merged document does not (never the case for rows of one template) falls back to that.
    """
    if not root.nsmap.items() <= declared.items():
        return b"".join(etree.tostring(child, encoding="UTF-8") for child in body)
    data = etree.tostring(root, encoding="UTF-8")
    tag = qualified_name(body).encode()
    start = re.search(rb"<" + re.escape(tag) + rb"[\s>]", data)
    assert start is not None, "a body the merge just filled is never empty"
    return data[data.index(b">", start.start()) + 1: data.rindex(b"</" + tag + b">")]


def qualified_name(element: etree._Element) -> str:
    """``prefix:local`` as written in the XML (``w:body``)."""
    local = etree.QName(element).localname
    return f"{element.prefix}:{local}" if element.prefix else local
