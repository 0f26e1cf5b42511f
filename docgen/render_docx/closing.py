"""The 署名 on a page with body text: GB/T 9704-2012 7.3.5.4 (印章页不得无正文).

The 附件说明, 署名, 成文日期 and 附注 keep together, so when they do not fit under the body's last line they
all move to the next page, which then carries a seal and no text, and the page before is left half empty.
Whether they fit depends on the layout, which the docx cannot state. So:

1. the body's last paragraph keeps with the block (``w:keepNext``, which also holds when the notice is edited in
   Word later), so its last lines go with the 署名 to the next page where the block does not fit. This docx is
   laid out first, and kept when some body text stays behind on an earlier page (a long body loses two lines
   from a full page, the customary fix) or when the whole notice fits on its first page: where the block fits,
   the keep changes nothing, so most notices are laid out once;
2. else, when the docx as rendered does leave the 署名 without body text (a short body would move whole,
   leaving page 1 with the title alone), the main text, title to 附注, is
   set at a tighter exact line pitch: the loosest, in half points, that brings the block back under the body
   (7.3.5.4: 调整行距), down to about Word's single spacing for 三号 (16 pt × 1.3). The empty lines right
   above the 署名 keep the grid's height: the seal hangs from the 署名 and must not cover the 附件说明 above
   them (7.3.5.1: 印章顶端应当上距正文或附件说明一行之内), and the seal moves up with its 署名's text, which a
   shorter line centres higher, so the 署名 stays under the seal's centre;
3. when even that does not fit, step 1's layout it is.

Only ``w:spacing`` and ``w:snapToGrid`` of those paragraphs change, which Word, LibreOffice and docgen's engine
all honour, so the page breaks agree between them.
"""

from __future__ import annotations

import copy
import zlib
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

from lxml import etree

from docgen.pdf.ooxml import qn
from docgen.pdf.result import LaidOut, Placement
from docgen.render_docx import _zip
from docgen.render_docx.geometry import (
    insert_child,
    keep_next,
    keeps,
    paragraph_properties,
    style_ids,
    style_of,
    text_of,
)

_DOCUMENT, _STYLES = "word/document.xml", "word/styles.xml"
_SIGNATURE, _TITLE, _NOTE, _LABEL = "Signature", "Title", "Attachment Note", "Attachment Label"
_ADDRESSEE = "Addressee"
_TIGHTEST = 21.0  # points: about Word's single spacing of a 三号 (16 pt) line, 16 × 1.3
_STEP = 0.5
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_EMU_PER_POINT = 12700
_BEFORE_SNAP = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
                "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
                "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd")

Typeset = Callable[[bytes], LaidOut]
_Fit = tuple[bytes, LaidOut]


def with_body_text(docx: bytes, typeset: Typeset) -> tuple[bytes, LaidOut]:
    """``docx`` with its first 署名 on a page that has body text, and its typeset result (of the final docx)."""
    parts = _Parts(_zip.stored(docx))
    styles = _style_ids(parts.stored(_STYLES))
    signature = styles.get(_SIGNATURE)
    if signature is None:
        return docx, typeset(docx)
    document = etree.fromstring(parts[_DOCUMENT])
    kept = _with_document(parts, _body_kept(document, signature))
    kept_result = typeset(kept)
    placed = kept_result.placements
    if leaves_body_behind(placed, signature, styles.get(_ADDRESSEE)) or on_first_page(placed, signature):
        return kept, kept_result
    closing = {styles[name] for name in (_SIGNATURE, _NOTE) if name in styles}
    if has_body_text(typeset(docx).placements, signature, closing):
        return kept, kept_result  # the block fits under the body: the keep moved nothing
    grid = _grid_pitch(document)

    def attempt(pitch: float) -> _Fit | None:
        candidate = _with_document(parts, _tightened(document, styles, pitch, grid))
        laid_out = typeset(candidate)
        return (candidate, laid_out) if has_body_text(laid_out.placements, signature, closing) else None

    return _loosest_fit(_pitches(grid), attempt) or (kept, kept_result)


def has_body_text(placements: Sequence[Placement], signature: str, closing: set[str]) -> bool:
    """Whether the page of the first 署名 also holds the end of the body (its last text before the closing block)."""
    first = next((n for n, placed in enumerate(placements) if placed.style_id == signature), None)
    if first is None:
        return True
    page = placements[first].first_page
    for placed in reversed(placements[:first]):
        if placed.text and placed.style_id not in closing:
            return placed.last_page == page
    return True


def leaves_body_behind(placements: Sequence[Placement], signature: str, addressee: str | None) -> bool:
    """Whether body text (after the 主送机关) stays on a page before the first 署名's: lines moved, not the body."""
    first = next((n for n, placed in enumerate(placements) if placed.style_id == signature), None)
    if first is None:
        return True
    start = max((n + 1 for n, placed in enumerate(placements[:first]) if placed.style_id == addressee), default=0)
    page = placements[first].first_page
    return any(placed.text and placed.first_page < page for placed in placements[start:first])


def on_first_page(placements: Sequence[Placement], signature: str) -> bool:
    """Whether the first 署名 is on the document's first page: then nothing before it was moved to a later page."""
    first = next((placed for placed in placements if placed.style_id == signature), None)
    return first is None or first.first_page == placements[0].first_page


def _pitches(grid: float) -> list[float]:
    """Line pitches below the grid's, in half points, from the tightest up."""
    pitches, pitch = [], _TIGHTEST
    while pitch < grid - 0.01:
        pitches.append(float(pitch))
        pitch += _STEP
    return pitches


def _loosest_fit(pitches: list[float], attempt: Callable[[float], _Fit | None]) -> _Fit | None:
    """The fit at the loosest pitch that fits, by bisection: a tighter pitch never needs more room."""
    if not pitches:
        return None
    best = attempt(pitches[0])
    low, high = 1, len(pitches) - 1  # pitches[low - 1] fits; look for a looser one in low..high
    while best is not None and low <= high:
        middle = (low + high) // 2
        fit = attempt(pitches[middle])
        if fit is None:
            high = middle - 1
        else:
            best, low = fit, middle + 1
    return best


def _grid_pitch(document: etree._Element) -> float:
    """The body section's line pitch in points (0 without a document grid)."""
    grid = document.find(f"{qn('w:body')}/{qn('w:sectPr')}/{qn('w:docGrid')}")
    pitch = grid.get(qn("w:linePitch")) if grid is not None else None
    return int(pitch) / 20 if pitch else 0.0


def _main_text(body: etree._Element, styles: Mapping[str, str]) -> list[etree._Element]:
    """The paragraphs from the title to the 附注: up to the first attachment, section end or frame."""
    title, label = styles.get(_TITLE), styles.get(_LABEL)
    found: list[etree._Element] = []
    for paragraph in body.iterchildren(qn("w:p")):
        style = style_of(paragraph)
        if not found and (title is None or style != title):
            continue
        ppr = paragraph.find(qn("w:pPr"))
        if style == label or (ppr is not None and (ppr.find(qn("w:sectPr")) is not None
                                                   or ppr.find(qn("w:framePr")) is not None)):
            break
        found.append(paragraph)
    return found


def _tightened(document: etree._Element, styles: Mapping[str, str], pitch: float, grid: float) -> etree._Element:
    """A copy of ``document`` with its main text at ``pitch`` points a line, its spacing scaled alike."""
    tightened = copy.deepcopy(document)
    body = tightened.find(qn("w:body"))
    assert body is not None
    signature, title = styles.get(_SIGNATURE), styles.get(_TITLE)
    paragraphs = _main_text(body, styles)
    for n, paragraph in enumerate(paragraphs):
        if _above_signature(paragraphs[n:], signature):
            continue  # the seal's room keeps the grid's height
        ppr = paragraph_properties(paragraph)
        spacing = ppr.find(qn("w:spacing"))
        if spacing is None:
            spacing = insert_child(ppr, "spacing", after=(*_BEFORE_SNAP, "snapToGrid"))
        for side in ("before", "after"):
            value = spacing.get(qn(f"w:{side}"))
            if value is not None:
                spacing.set(qn(f"w:{side}"), str(round(int(value) * pitch / grid)))
        if style_of(paragraph) == title:
            continue  # a 二号 title keeps its own line height
        if style_of(paragraph) == signature:
            _raise_anchors(paragraph, (grid - pitch) / 2)
        spacing.set(qn("w:line"), str(round(pitch * 20)))
        spacing.set(qn("w:lineRule"), "exact")
        snap = ppr.find(qn("w:snapToGrid"))
        if snap is None:
            snap = insert_child(ppr, "snapToGrid", after=_BEFORE_SNAP)
        snap.set(qn("w:val"), "0")
    return tightened


def _raise_anchors(paragraph: etree._Element, points: float) -> None:
    """Move the pictures hung from ``paragraph`` (its seal) up with its text, which a shorter line centres higher."""
    for offset in paragraph.iterfind(f".//{_WP}positionV[@relativeFrom='paragraph']/{_WP}posOffset"):
        offset.text = str(int(offset.text or "0") - round(points * _EMU_PER_POINT))


def _above_signature(rest: list[etree._Element], signature: str | None) -> bool:
    """Whether ``rest[0]`` is one of the empty lines right above a 署名."""
    for paragraph in rest:
        if style_of(paragraph) == signature:
            return paragraph is not rest[0]
        if text_of(paragraph).strip():
            return False
    return False


def _body_kept(document: etree._Element, signature: str) -> etree._Element:
    """A copy of ``document`` whose last body paragraph keeps with the closing block (and the empty lines between)."""
    kept = copy.deepcopy(document)
    body = kept.find(qn("w:body"))
    assert body is not None
    first = next((p for p in body.iterchildren(qn("w:p")) if style_of(p) == signature), None)
    node = first.getprevious() if first is not None else None
    while node is not None and node.tag == qn("w:p") and keeps(node):
        node = node.getprevious()
    while node is not None and node.tag == qn("w:p") and not text_of(node).strip():
        keep_next(node, True)
        node = node.getprevious()
    if node is not None and node.tag == qn("w:p"):
        keep_next(node, True)
    return kept


@lru_cache(maxsize=8)
def _style_ids(stored: bytes) -> Mapping[str, str]:
    """The style ids of a deflated styles part, parsed once: every row of a batch has its template's (354 kB)."""
    return style_ids(etree.fromstring(zlib.decompress(stored, -15)))


class _Parts:
    """A docx's members as stored: parts are inflated when read, and only a changed document.xml is deflated again."""

    def __init__(self, members: list[_zip.Member]):
        self.members = members

    def __getitem__(self, name: str) -> bytes:
        return zlib.decompress(self.stored(name), -15)

    def stored(self, name: str) -> bytes:
        return next(m.compressed for m in self.members if m.name == name)


def _with_document(parts: _Parts, document: etree._Element) -> bytes:
    xml = etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)
    return _zip.pack([_zip.compress(m.name, xml) if m.name == _DOCUMENT else m for m in parts.members])

