"""Namespaces and tiny helpers for reading WordprocessingML with lxml."""

from __future__ import annotations

from functools import cache
from typing import Any

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
NS = {"w": W, "r": R, "a": A, "wp": WP, "mc": MC}


@cache
def qn(name: str) -> str:
    """Clark name of a prefixed name: ``w:p`` → ``{…main}p``."""
    prefix, local_name = name.split(":")
    return f"{{{NS[prefix]}}}{local_name}"


def local(element: etree._Element) -> str:
    """Local name of an element (``p`` for ``w:p``); empty for comments and processing instructions."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def attrs(element: etree._Element) -> dict[str, str]:
    """The element's attributes by local name."""
    return {key.rpartition("}")[2]: value for key, value in element.attrib.items()}


def wval(element: etree._Element | None, name: str = "val") -> str | None:
    """Attribute ``w:<name>`` of an element, or None."""
    if element is None:
        return None
    return element.get(f"{{{W}}}{name}")


def on_off(value: str | None) -> bool:
    """An ST_OnOff value where the element is present: absent ``w:val`` means on."""
    return value not in ("0", "false", "off", "none")


def shape(element: etree._Element) -> tuple[Any, ...]:
    """A hashable value equal for elements with the same tags, attributes and text, all the way down.

    Keys the formats read from property elements (pPr, rPr, tcPr). Serialising them instead (``tostring``)
    is twice as slow: it repeats every namespace declaration of the document in each one.
    """
    return (element.tag, element.text, tuple(element.attrib.items()), tuple(map(shape, element)))


def first_child(element: etree._Element, tag: str) -> etree._Element | None:
    """The first child of ``element`` called ``tag`` (a Clark name), or None.

    Property elements (pPr, rPr, tcPr, pStyle…) come first in their parent, so the first child is tried
    before a search; ``find`` parses its path argument on every call and took a tenth of reading a document.
    """
    if len(element) and element[0].tag == tag:
        return element[0]
    return next(element.iterchildren(tag), None)
