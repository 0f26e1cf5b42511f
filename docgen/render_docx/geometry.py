"""Geometry computed from the record, applied to a rendered notice: what a template edited in Word cannot carry.

Tags belong in text: Word, WPS and LibreOffice drop a tag written in an XML attribute when they save. So the
notice template holds ordinary values (equal table columns, placeholder tab stops and indents) and this step
sets, after rendering, what `docgen.context.notice` computed for the record:

- each table of the body and attachments whose header row is a table block's ``columns``: column widths
  fitted to the content (``grid``, twips);
- each 署名 paragraph (style "Signature") with tabs, a row of joint issuers: centre tab stops at its names'
  centres (``signature_rows``); each other 署名: its right indent (``signature``), the 成文日期's
  (``date_right``) and, with a 附注 under it, keep-with-next;
- the 版记 (style "Imprint"): in the frame at the foot of the text area, between its rules (7.5). The rule
  above 抄送 is the top border of an empty line of its own, as wide as the 版心 (抄送's indents would shorten
  it). LibreOffice keeps one frame at an absolute position for the first of them and moves their borders into
  it, which neither Word nor docgen then draws: 版记 paragraphs without any border get the rules again.

Paragraphs are found by their style's name, which LibreOffice and Word keep when they save (style ids they may
rename); an element not found is left as the template has it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from lxml import etree

from docgen.pdf.ooxml import qn

_SIGNATURE = "Signature"
_IMPRINT = "Imprint"
_TEXT_WIDTH = 8844  # the 版心, 156 mm, in twips
_THICK, _THIN = "8", "6"  # the 版记's rules in eighths of a point: 0.35 mm outside, 0.25 mm between
_INDENT_TWIPS = 16 * 20 / 100  # twips per hundredth of a 3号 (16 pt) character


def style_ids(styles: etree._Element) -> dict[str, str]:
    """Style name → style id of a styles part."""
    found: dict[str, str] = {}
    for style in styles.iterfind(qn("w:style")):
        name = style.find(qn("w:name"))
        if name is not None:
            found.setdefault(name.get(qn("w:val"), ""), style.get(qn("w:styleId"), ""))
    return found


def fits_tables(context: Mapping[str, Any]) -> bool:
    """Whether this step sets the tables' widths (a notice's, from its record); else ``autofit`` fits them."""
    notice = context.get("notice")
    return isinstance(notice, Mapping) and "signature_rows" in notice


def apply(document: etree._Element, styles: Mapping[str, str], context: Mapping[str, Any]) -> None:
    """Set the record's geometry on a rendered document (a no-op for kinds other than the notice)."""
    if not fits_tables(context):
        return
    notice = context["notice"]
    body = document.find(qn("w:body"))
    if body is None:
        return
    _fit_tables(body, _table_blocks(notice))
    imprint = styles.get(_IMPRINT)
    if imprint is not None:
        _imprint([p for p in body.iterchildren(qn("w:p")) if style_of(p) == imprint])
    signature = styles.get(_SIGNATURE)
    if signature is None:
        return
    # whether the 署名 fits under the body's last line is a matter of layout: see closing.py
    _place_signatures([p for p in body.iterchildren(qn("w:p")) if style_of(p) == signature], notice)


def _table_blocks(notice: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for block in notice.get("body", []):
        if block.get("kind") == "table":
            yield block
    for attachment in notice.get("attachments", []):
        for block in attachment.get("body", []):
            if block.get("kind") == "table":
                yield block


def _fit_tables(body: etree._Element, blocks: Iterator[Mapping[str, Any]]) -> None:
    pending = list(blocks)
    for table in body.iterchildren(qn("w:tbl")):
        rows = table.findall(qn("w:tr"))
        if not rows or not pending:
            continue
        header = ["".join(t.text or "" for t in cell.iter(qn("w:t"))) for cell in rows[0].findall(qn("w:tc"))]
        if header != list(pending[0]["columns"]):
            continue
        _set_widths(table, rows, [int(width) for width in pending.pop(0)["grid"]])


def _set_widths(table: etree._Element, rows: list[etree._Element], widths: list[int]) -> None:
    grid = table.find(qn("w:tblGrid"))
    if grid is None:
        return
    for column in grid.findall(qn("w:gridCol")):
        grid.remove(column)
    for width in widths:
        etree.SubElement(grid, qn("w:gridCol")).set(qn("w:w"), str(width))
    for row in rows:
        cells = row.findall(qn("w:tc"))
        if len(cells) != len(widths):
            continue
        for cell, width in zip(cells, widths, strict=True):
            tcpr = cell.find(qn("w:tcPr"))
            if tcpr is None:
                tcpr = etree.Element(qn("w:tcPr"))
                cell.insert(0, tcpr)
            tcw = tcpr.find(qn("w:tcW"))
            if tcw is None:
                tcw = etree.Element(qn("w:tcW"))
                tcpr.insert(1 if len(tcpr) and tcpr[0].tag == qn("w:cnfStyle") else 0, tcw)
            tcw.set(qn("w:w"), str(width))
            tcw.set(qn("w:type"), "dxa")


def _place_signatures(paragraphs: list[etree._Element], notice: Mapping[str, Any]) -> None:
    rows = list(notice.get("signature_rows", []))
    stacked = list(notice.get("signature", []))
    for paragraph in paragraphs:
        text = text_of(paragraph)
        if _has_tab(paragraph):
            if rows:
                row = rows.pop(0)
                _centre_tabs(paragraph, [row["left_at"], row["right_at"]])
        elif stacked and text == stacked[0]["text"]:
            _right_indent(paragraph, stacked.pop(0)["right"])
        elif text == notice.get("date_text"):
            _right_indent(paragraph, notice["date_right"])
            keep_next(paragraph, bool(notice.get("note")))


def _has_tab(paragraph: etree._Element) -> bool:
    return any(run.find(qn("w:tab")) is not None for run in paragraph.iterchildren(qn("w:r")))


def _centre_tabs(paragraph: etree._Element, positions: list[int]) -> None:
    ppr = paragraph_properties(paragraph)
    tabs = ppr.find(qn("w:tabs"))
    if tabs is None:
        tabs = insert_child(ppr, "tabs", after=("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr",
                                           "widowControl", "numPr", "suppressLineNumbers", "pBdr", "shd"))
    for tab in tabs.findall(qn("w:tab")):
        if tab.get(qn("w:val")) == "center":
            tabs.remove(tab)
    for position in positions:
        tab = etree.SubElement(tabs, qn("w:tab"))
        tab.set(qn("w:val"), "center")
        tab.set(qn("w:pos"), str(int(position)))
    ordered = sorted(tabs, key=lambda tab: int(tab.get(qn("w:pos"), "0")))
    tabs[:] = ordered


def _right_indent(paragraph: etree._Element, hundredths: int) -> None:
    ppr = paragraph_properties(paragraph)
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = insert_child(ppr, "ind", after=_BEFORE_IND)
    for name in ("end", "endChars"):  # LibreOffice writes the right indent as w:end
        ind.attrib.pop(qn(f"w:{name}"), None)
    ind.set(qn("w:right"), str(round(hundredths * _INDENT_TWIPS)))
    ind.set(qn("w:rightChars"), str(int(hundredths)))


def keep_next(paragraph: etree._Element, on: bool) -> None:
    """Set (or clear, with a ``w:val="0"`` that overrides the style) a paragraph's keep-with-next."""
    ppr = paragraph_properties(paragraph)
    keep = ppr.find(qn("w:keepNext"))
    if keep is None and not on:
        return
    if keep is None:
        keep = insert_child(ppr, "keepNext", after=("pStyle",))
    if on:
        keep.attrib.pop(qn("w:val"), None)
    else:
        keep.set(qn("w:val"), "0")


def _imprint(paragraphs: list[etree._Element]) -> None:
    for paragraph in paragraphs:
        ppr = paragraph_properties(paragraph)
        for old in ppr.findall(qn("w:framePr")):
            ppr.remove(old)
        frame = insert_child(ppr, "framePr", after=("pStyle", "keepNext", "keepLines", "pageBreakBefore"))
        for name, value in (("w", str(_TEXT_WIDTH)), ("wrap", "notBeside"), ("vAnchor", "margin"),
                            ("hAnchor", "margin"), ("xAlign", "center"), ("yAlign", "bottom")):
            frame.set(qn(f"w:{name}"), value)
    if any(paragraph_properties(p).find(f"{qn('w:pBdr')}/*") is not None for p in paragraphs):
        return
    # LibreOffice moved every rule into its frame when it saved the template: the first paragraph (the rule's
    # own empty line above 抄送, or the 印发 line alone) gets the top rule, the last the rule between and the bottom
    for n, paragraph in enumerate(paragraphs):
        last = n == len(paragraphs) - 1
        rules = [("top", _THICK)] if n == 0 else [("top", _THIN)] if last else []
        rules += [("bottom", _THICK)] if last else []
        if not rules:
            continue
        ppr = paragraph_properties(paragraph)
        borders = ppr.find(qn("w:pBdr"))
        if borders is None:
            borders = insert_child(ppr, "pBdr", after=_BEFORE_IND[:9])
        for edge, size in rules:
            rule = etree.SubElement(borders, qn(f"w:{edge}"))
            for name, value in (("val", "single"), ("sz", size), ("space", "1"), ("color", "000000")):
                rule.set(qn(f"w:{name}"), value)


def keeps(paragraph: etree._Element) -> bool:
    """Whether a paragraph's own properties keep it with the next."""
    ppr = paragraph.find(qn("w:pPr"))
    keep = ppr.find(qn("w:keepNext")) if ppr is not None else None
    return keep is not None and keep.get(qn("w:val"), "1") not in ("0", "false", "off")


_BEFORE_IND = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
               "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
               "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
               "snapToGrid", "spacing")


def insert_child(ppr: etree._Element, name: str, after: tuple[str, ...]) -> etree._Element:
    """A new child of ``ppr`` in schema order: after the last of its children named in ``after``."""
    element = etree.Element(qn(f"w:{name}"))
    preceding = {qn(f"w:{tag}") for tag in after}
    at = 0
    for index, child in enumerate(ppr):
        if child.tag in preceding:
            at = index + 1
    ppr.insert(at, element)
    return element


def paragraph_properties(paragraph: etree._Element) -> etree._Element:
    """A paragraph's w:pPr, added when it has none."""
    ppr = paragraph.find(qn("w:pPr"))
    if ppr is None:
        ppr = etree.Element(qn("w:pPr"))
        paragraph.insert(0, ppr)
    return ppr


def style_of(paragraph: etree._Element) -> str | None:
    """A paragraph's own style id, if it names one."""
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return style.get(qn("w:val")) if style is not None else None


def text_of(paragraph: etree._Element) -> str:
    """A paragraph's text, runs joined."""
    return "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
