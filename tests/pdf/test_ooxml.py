"""XML helpers: the first child by tag, and the shape that keys memoised formats."""

from __future__ import annotations

from lxml import etree

from docgen.pdf.ooxml import W, first_child, qn, shape


def element(xml: str) -> etree._Element:
    return etree.fromstring(f'<w:pPr xmlns:w="{W}">{xml}</w:pPr>'.encode())


def test_first_child_finds_a_property_element_wherever_it_is() -> None:
    ppr = element('<w:pStyle w:val="Title"/><w:jc w:val="center"/><w:rPr><w:b/></w:rPr>')
    assert first_child(ppr, qn("w:pStyle")) is ppr[0]
    assert first_child(ppr, qn("w:rPr")) is ppr[2]
    assert first_child(ppr, qn("w:ind")) is None
    assert first_child(element(""), qn("w:jc")) is None


def test_shape_tells_apart_what_serialising_would() -> None:
    same = [element('<w:jc w:val="center"/><w:rPr><w:b/></w:rPr>') for _ in range(2)]
    assert shape(same[0]) == shape(same[1])
    assert hash(shape(same[0])) == hash(shape(same[1]))
    assert shape(element('<w:jc w:val="center"/><w:rPr><w:i/></w:rPr>')) != shape(same[0])
    assert shape(element('<w:jc w:val="left"/><w:rPr><w:b/></w:rPr>')) != shape(same[0])
