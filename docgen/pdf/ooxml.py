"""Namespaces and tiny helpers for reading WordprocessingML with lxml."""

from __future__ import annotations

from functools import cache

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
