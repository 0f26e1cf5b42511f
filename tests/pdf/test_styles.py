"""Style resolution: document defaults → style chain → direct formatting."""

from __future__ import annotations

from lxml import etree

from docgen.pdf.ooxml import W
from docgen.pdf.styles import StyleSheet, ThemeFonts, merge, paragraph_format, run_format

STYLES = f"""
<w:styles xmlns:w="{W}">
  <w:docDefaults>
    <w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="宋体"/><w:sz w:val="21"/></w:rPr></w:rPrDefault>
    <w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>
  </w:docDefaults>
  <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>
    <w:rPr><w:rFonts w:eastAsia="仿宋_GB2312"/><w:sz w:val="32"/></w:rPr></w:style>
  <w:style w:type="paragraph" w:styleId="Title"><w:basedOn w:val="Normal"/>
    <w:pPr><w:jc w:val="center"/><w:spacing w:before="240"/></w:pPr>
    <w:rPr><w:rFonts w:eastAsia="方正小标宋简体"/><w:sz w:val="44"/></w:rPr></w:style>
  <w:style w:type="character" w:styleId="Strong"><w:rPr><w:b/></w:rPr></w:style>
</w:styles>
"""


def sheet() -> StyleSheet:
    return StyleSheet(etree.fromstring(STYLES.encode()), ThemeFonts())


def element(xml: str) -> etree._Element:
    return etree.fromstring(f'<w:pPr xmlns:w="{W}">{xml}</w:pPr>'.encode())


def test_run_inherits_defaults_style_chain_and_direct() -> None:
    props = sheet().run_props(element('<w:color w:val="FF0000"/>'), "Title", "Strong", None)
    fmt = run_format(props, ThemeFonts())
    assert fmt.east_asia_font == "方正小标宋简体"
    assert fmt.latin_font == "Times New Roman"
    assert fmt.size == 22.0
    assert fmt.bold
    assert fmt.color == "FF0000"


def test_default_paragraph_style_applies_without_pstyle() -> None:
    fmt = run_format(sheet().run_props(None, "", "", None), ThemeFonts())
    assert (fmt.east_asia_font, fmt.size) == ("仿宋_GB2312", 16.0)


def test_spacing_attributes_merge_across_layers() -> None:
    props = sheet().paragraph_props(element('<w:spacing w:line="560" w:lineRule="exact"/>'), "Title", None)
    fmt = paragraph_format(props, 16.0)
    assert fmt.align == "center"
    assert (fmt.space_before, fmt.space_after) == (12.0, 6.0)
    assert (fmt.line_rule, fmt.line) == ("exact", 28.0)


def test_character_indents_use_font_size() -> None:
    props = merge({}, element('<w:ind w:firstLineChars="200" w:firstLine="640"/>'))
    assert paragraph_format(props, 16.0).first_line == 32.0
    props = merge({}, element('<w:ind w:left="420" w:hanging="420"/>'))
    fmt = paragraph_format(props, 16.0)
    assert (fmt.left, fmt.first_line) == (21.0, -21.0)


def test_direct_off_overrides_style_on() -> None:
    props = sheet().run_props(element('<w:b w:val="0"/>'), "", "Strong", None)
    assert not run_format(props, ThemeFonts()).bold


def test_borders_from_pbdr() -> None:
    props = merge({}, element('<w:pBdr><w:bottom w:val="single" w:sz="24" w:space="4" w:color="FF0000"/></w:pBdr>'))
    border = paragraph_format(props, 16.0).borders["bottom"]
    assert (border.width, border.space, border.color) == (3.0, 4.0, "FF0000")


def _first_line(*layers: str, size: float = 16.0) -> float:
    """The first-line indent (points; negative: hanging) of w:ind layers merged lowest first."""
    props: dict = {}
    for layer in layers:
        merge(props, element(f"<w:ind {layer}/>"))
    return paragraph_format(props, size).first_line


def test_a_lower_hanging_zero_gives_way_to_a_higher_first_line() -> None:
    """LibreOffice saves Normal with w:hanging="0" under the body style's w:firstLine: the body keeps its indent."""
    assert _first_line('w:hanging="0"', 'w:firstLine="640"') == 32.0
    assert _first_line('w:firstLine="640"', 'w:hanging="420"') == -21.0


def test_hanging_wins_over_first_line_in_one_layer() -> None:
    assert _first_line('w:firstLine="640" w:hanging="420"') == -21.0
    assert _first_line('w:firstLineChars="200" w:hangingChars="100"') == -16.0


def test_character_units_win_over_twips_and_zero_characters_give_way() -> None:
    assert _first_line('w:firstLineChars="200" w:firstLine="100"') == 32.0
    assert _first_line('w:firstLineChars="200"', 'w:firstLine="0"') == 32.0  # inherited per attribute
    assert _first_line('w:firstLineChars="200"', 'w:firstLineChars="0" w:firstLine="100"') == 5.0
    assert _first_line('w:hangingChars="150"', size=12.0) == -18.0  # hundredths of a character of the font
    assert _first_line('w:hangingChars="200"', 'w:firstLine="640"') == -32.0


def test_start_and_end_are_left_and_right() -> None:
    props = merge({}, element('<w:ind w:left="420" w:right="210"/>'))
    merge(props, element('<w:ind w:start="840" w:endChars="100"/>'))
    fmt = paragraph_format(props, 16.0)
    assert (fmt.left, fmt.right) == (42.0, 16.0)
    props = merge({}, element('<w:ind w:leftChars="200" w:left="100"/>'))
    merge(props, element('<w:ind w:leftChars="0" w:left="300"/>'))
    assert paragraph_format(props, 16.0).left == 15.0
