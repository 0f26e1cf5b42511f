"""The styles part read lazily: a search finds each style, and anything unusual is parsed whole instead."""

from __future__ import annotations

import pytest
from lxml import etree

from docgen.pdf.ooxml import W
from docgen.pdf.stylepart import index
from docgen.pdf.styles import StyleSheet, ThemeFonts, paragraph_format, run_format
from tests.pdf.test_styles import STYLES

PART = ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n" + STYLES.strip()).encode()


def test_search_finds_styles_by_id_and_the_defaults_by_type() -> None:
    part = index(PART)
    assert part is not None
    assert part.defaults() == [("paragraph", "Normal", "1")]
    for style_id in ("Normal", "Title", "Strong"):
        found = part.find(style_id)
        assert found is not None
        assert found.element.get(f"{{{W}}}styleId") == style_id
        assert etree.QName(found.element).localname == "style"
    assert part.find("Titl") is None and part.find("Unknown") is None
    assert part.doc_defaults is not None


@pytest.mark.parametrize("spelling", [b'\nw:styleId="Strong"', b" w:styleId = 'Strong'"], ids=["newline", "spaced"])
def test_other_spellings_of_an_id_are_found_too(spelling: bytes) -> None:
    part = index(PART.replace(b' w:styleId="Strong"', spelling).replace(b' w:default="1"', b'\n w:default = "1"'))
    assert part is not None
    found = part.find("Strong")
    assert found is not None and found.element.get(f"{{{W}}}styleId") == "Strong"
    assert part.defaults() == [("paragraph", "Normal", "1")]


def test_a_repeated_id_finds_the_first_style_as_ecma_376_has_it() -> None:
    twice = PART.replace(b"</w:styles>", b'<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Again"/>'
                                          b"</w:style></w:styles>")
    part = index(twice)
    assert part is not None
    found = part.find("Title")
    assert found is not None
    assert found.element.find(f"{{{W}}}name") is None  # the first Title has no name; the second is "Again"
    lazy, whole = StyleSheet.from_part(twice, ThemeFonts()), StyleSheet(etree.fromstring(twice), ThemeFonts())
    assert run_format(lazy.run_props(None, "Title", "", None), ThemeFonts()) == run_format(
        whole.run_props(None, "Title", "", None), ThemeFonts())


@pytest.mark.parametrize(
    "part",
    [
        PART.replace(b"<w:docDefaults>", b"<!-- a comment --><w:docDefaults>"),
        PART.replace(b'w:styleId="Strong"', b'w:styleId="S&amp;trong"'),
        f'<x:styles xmlns:x="{W}"><x:style x:styleId="Normal"/></x:styles>'.encode(),
    ],
    ids=["comment", "entity", "other-prefix"],
)
def test_parts_the_search_does_not_understand_are_left_to_the_parser(part: bytes) -> None:
    assert index(part) is None


@pytest.mark.parametrize("part", [PART, PART.replace(b"<w:docDefaults>", b"<!-- x --><w:docDefaults>")],
                         ids=["scanned", "parsed"])
def test_lazy_and_parsed_style_sheets_resolve_alike(part: bytes) -> None:
    lazy = StyleSheet.from_part(part, ThemeFonts())
    whole = StyleSheet(etree.fromstring(part), ThemeFonts())
    for style in ("", "Normal", "Title", "Unknown"):
        assert run_format(lazy.run_props(None, style, "Strong", None), ThemeFonts()) == run_format(
            whole.run_props(None, style, "Strong", None), ThemeFonts())
        assert paragraph_format(lazy.paragraph_props(None, style, None), 16.0) == paragraph_format(
            whole.paragraph_props(None, style, None), 16.0)
