"""Headers and footers: chosen per page (first / even / default) and laid out with PAGE and NUMPAGES filled in."""

from __future__ import annotations

from collections import Counter

from docgen.pdf.diagnostics import Diagnostics
from docgen.pdf.model import Block, Document, PageSetup, Paragraph, Section
from docgen.pdf.pages import Op, Page, Rule
from docgen.pdf.paragraphs import ParagraphLayouter
from docgen.pdf.tables import Item, emit_items, measure_table


def decorate(pages: list[Page], document: Document, layouter: ParagraphLayouter, diag: Diagnostics) -> None:
    """Add each page's header and footer to its operations."""
    total = len(pages)
    in_section = Counter(page.section for page in pages)
    for page, number in zip(pages, page_numbers(pages, document), strict=True):
        if page.blank:
            continue
        section = document.sections[page.section]
        kind = _story_kind(page, number, section, document.even_and_odd_headers)
        fields = {"PAGE": str(number), "NUMPAGES": str(total), "SECTIONPAGES": str(in_section[page.section])}
        setup = page.setup
        header = _items(section.headers.get(kind, []), setup, layouter, diag, fields)
        footer = _items(section.footers.get(kind, []), setup, layouter, diag, fields)
        page.ops.extend(_emit(header, setup, setup.header, diag))
        footer_top = setup.height - setup.footer - sum(item.height for item in footer)
        page.ops.extend(_emit(footer, setup, footer_top, diag))


def page_numbers(pages: list[Page], document: Document) -> list[int]:
    """The number printed on each page: counting on from the previous page unless a section restarts it.

    Word picks the even-page header and footer by this number, not by the page's position in the file.
    """
    numbers: list[int] = []
    for page in pages:
        start = document.sections[page.section].page_start
        numbers.append(start if page.first_of_section and start is not None else (numbers[-1] + 1 if numbers else 1))
    return numbers


def _story_kind(page: Page, number: int, section: Section, even_and_odd: bool) -> str:
    if page.first_of_section and section.title_page:
        return "first"
    if even_and_odd and number % 2 == 0:
        return "even"
    return "default"


def _items(
    blocks: list[Block], setup: PageSetup, layouter: ParagraphLayouter, diag: Diagnostics, fields: dict[str, str]
) -> list[Item]:
    width = setup.frame_width
    items: list[Item] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            box_items = _paragraph(block, width, layouter, fields)
            items.extend(box_items)
        else:
            table = measure_table(block, width, layouter, diag)
            items.append(Item(table.height, table=table))
    return items


def _paragraph(paragraph: Paragraph, width: float, layouter: ParagraphLayouter, fields: dict[str, str]) -> list[Item]:
    box = layouter.layout(paragraph, width, fields=fields)
    items = [Item(box.fmt.space_before)] if box.fmt.space_before else []
    items.extend(Item(line.height, line=line) for line in box.lines)
    bottom = box.fmt.borders.get("bottom")
    if bottom is not None and bottom.style != "none":
        items.append(Item(bottom.width + bottom.space, rule=bottom))
    if box.fmt.space_after:
        items.append(Item(box.fmt.space_after))
    return items


def _emit(items: list[Item], setup: PageSetup, top: float, diag: Diagnostics) -> list[Op]:
    ops: list[Op] = []
    y = top
    for item in items:
        if item.rule is not None:
            rule_y = y + item.height - item.rule.width / 2
            right = setup.left + setup.frame_width
            ops.append(Rule(setup.left, rule_y, right, rule_y, item.rule.width, item.rule.color, item.rule.style))
        else:
            emit_items(ops, [item], setup.left, y, diag)
        y += item.height
    return ops
