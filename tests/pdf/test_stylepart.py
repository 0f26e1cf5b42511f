"""The styles part read lazily: the scan finds each style, and anything unusual is parsed whole instead."""

from __future__ import annotations

import pytest
from lxml import etree

from docgen.pdf.ooxml import W
from docgen.pdf.stylepart import scan
from docgen.pdf.styles import StyleSheet, ThemeFonts, paragraph_format, run_format
from tests.pdf.test_styles import STYLES

PART = ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n" + STYLES.strip()).encode()


def test_scan_indexes_every_style_by_id_type_and_default() -> None:
    scanned = scan(PART)
    assert scanned is not None
    assert [(s.style_id, s.kind, s.default) for s in scanned.styles] == [
        ("Normal", "paragraph", "1"), ("Title", "paragraph", None), ("Strong", "character", None),
    ]
    assert etree.QName(scanned.styles[1].fragment.element).localname == "style"
    assert scanned.doc_defaults is not None


@pytest.mark.parametrize(
    "part",
    [
        PART.replace(b"<w:docDefaults>", b"<!-- a comment --><w:docDefaults>"),
        PART.replace(b'w:styleId="Strong"', b'w:styleId="S&amp;trong"'),
        f'<x:styles xmlns:x="{W}"><x:style x:styleId="Normal"/></x:styles>'.encode(),
    ],
    ids=["comment", "entity", "other-prefix"],
)
def test_parts_the_scan_does_not_understand_are_left_to_the_parser(part: bytes) -> None:
    assert scan(part) is None


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
