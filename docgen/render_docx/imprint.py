"""The 版记 on an even page: the back of the last sheet (GB/T 9704-2012 8, 7.5).

Where the 版记 falls depends on the layout, which the docx cannot state: the document is typeset once, and
when its 版记 (the 图文框 at the foot of the text area) lands on an odd page, it gets a section of its own that
starts on an even page — a section break Word, LibreOffice and docgen's engine all honour. When the 版记 shared
its odd page with the last text, it moves to the next (even) page; when it was alone there, the break leaves
that page blank and the 版记 follows on the even one after it, and then neither of the two carries a page
number (8: 版记页前有空白页的，空白页和版记页均不编排页码) — the section's first page has no footer.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Callable

from lxml import etree

from docgen.pdf.ooxml import qn
from docgen.pdf.result import LaidOut
from docgen.render_docx import _zip
from docgen.render_docx.geometry import insert_child

_DOCUMENT = "word/document.xml"
_BEFORE_TYPE = ("headerReference", "footerReference", "footnotePr", "endnotePr")
_BEFORE_TITLE_PAGE = (*_BEFORE_TYPE, "type", "pgSz", "pgMar", "paperSrc", "pgBorders", "lnNumType", "pgNumType",
                      "cols", "formProt", "vAlign", "noEndnote")


def on_even_page(
    docx: bytes, typeset: Callable[[bytes], LaidOut], result: LaidOut | None = None
) -> tuple[bytes, LaidOut]:
    """``docx`` with its 版记 on an even page, and its typeset result (the one of the final docx).

    ``result``: ``docx`` typeset already (it is typeset here otherwise).
    """
    result = result or typeset(docx)
    if not result.frames:
        return docx, result
    page, alone = result.frames[-1]
    if page % 2 == 0:
        return docx, result
    moved = _imprint_section(docx, unnumbered=alone)
    return moved, typeset(moved)


def _imprint_section(docx: bytes, *, unnumbered: bool) -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        members = [(info.filename, package.read(info.filename)) for info in package.infolist()]
    parts = dict(members)
    document = etree.fromstring(parts[_DOCUMENT])
    body = document.find(qn("w:body"))
    assert body is not None
    last = body.find(qn("w:sectPr"))
    imprint = next((p for p in body.iterchildren(qn("w:p")) if _framed_at_foot(p)), None)
    if last is None or imprint is None:
        return docx
    imprint.addprevious(_section_end(last))
    insert_child(last, "type", after=_BEFORE_TYPE).set(qn("w:val"), "evenPage")
    if unnumbered:
        insert_child(last, "titlePg", after=_BEFORE_TITLE_PAGE)  # no first-page footer: the 版记 page has no number
    parts[_DOCUMENT] = etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)
    return _zip.pack([_zip.compress(name, parts[name]) for name, _ in members])


def _framed_at_foot(paragraph: etree._Element) -> bool:
    frame = paragraph.find(f"{qn('w:pPr')}/{qn('w:framePr')}")
    return frame is not None and frame.get(qn("w:yAlign")) == "bottom"


def _section_end(body_section: etree._Element) -> etree._Element:
    """An empty paragraph one point high that ends the text's section with the page setup it had."""
    paragraph = etree.Element(qn("w:p"))
    ppr = etree.SubElement(paragraph, qn("w:pPr"))
    spacing = etree.SubElement(ppr, qn("w:spacing"))
    spacing.set(qn("w:line"), "20")
    spacing.set(qn("w:lineRule"), "exact")
    ppr.append(copy.deepcopy(body_section))
    return paragraph
