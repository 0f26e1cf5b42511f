"""The shipped templates as Word users get them: font table with fallbacks, Chinese theme language, plain
properties, and property elements in the order of the WordprocessingML schema (also after the notice's
geometry is applied)."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

import docgen
from tests.conftest import ROOT

SHIPPED = ROOT / "templates" / "zh"
KINDS = ["application", "feasibility", "plan", "agreement", "acceptance", "notice"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# ECMA-376 Part 1, 17.3.1.26 (pPr), 17.3.2.28 (rPr), 17.4.60 (tblPr), 17.4.70 (tcPr), 17.6.17 (sectPr).
SCHEMA_ORDER = {
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
           "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
           "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection "
           "textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
           "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText "
           "vertAlign rtl cs em lang eastAsianLayout specVanish oMath",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc tblCellSpacing "
             "tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription tblPrChange",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark "
            "headers cellIns cellDel cellMerge tcPrChange",
    "sectPr": "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType "
              "pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid "
              "printerSettings sectPrChange",
}


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def out_of_order(xml: bytes) -> list[str]:
    found = []
    for element in etree.fromstring(xml).iter():
        if not isinstance(element.tag, str):
            continue
        order = SCHEMA_ORDER.get(etree.QName(element).localname, "").split()
        names = [etree.QName(child).localname for child in element if isinstance(child.tag, str)]
        ranks = [order.index(name) for name in names if name in order]
        if ranks != sorted(ranks):
            found.append(f"{etree.QName(element).localname}: {' '.join(names)}")
    return found


@pytest.fixture(scope="module", params=KINDS)
def template(request) -> tuple[str, dict[str, bytes]]:
    return request.param, parts((SHIPPED / f"{request.param}.docx").read_bytes())


def test_font_table_names_every_font_with_fallbacks_for_the_gb2312_faces(template):
    _, files = template
    table = etree.fromstring(files["word/fontTable.xml"])
    alt = {font.get(f"{W}name"): (font.find(f"{W}altName").get(f"{W}val") if font.find(f"{W}altName") is not None
                                  else None) for font in table.iter(f"{W}font")}
    assert alt["仿宋_GB2312"] == "仿宋" and alt["楷体_GB2312"] == "楷体"
    used = set()
    for element in (etree.fromstring(files["word/document.xml"]), *styles_in_use(files)):
        for fonts in element.iter(f"{W}rFonts"):
            used |= {fonts.get(f"{W}{attr}") for attr in ("ascii", "hAnsi", "eastAsia")} - {None}
    assert used <= alt.keys()


def styles_in_use(files: dict[str, bytes]) -> list[etree._Element]:
    """The document defaults and the styles the document uses, with the styles they are based on."""
    styles = etree.fromstring(files["word/styles.xml"])
    by_id = {style.get(f"{W}styleId"): style for style in styles.iter(f"{W}style")}
    document = etree.fromstring(files["word/document.xml"])
    pending = {ref.get(f"{W}val") for tag in ("pStyle", "rStyle", "tblStyle") for ref in document.iter(f"{W}{tag}")}
    pending |= {style.get(f"{W}styleId") for style in by_id.values() if style.get(f"{W}default") == "1"}
    found: dict[str, etree._Element] = {}
    while pending:
        style = by_id.get(pending.pop())
        if style is None or style.get(f"{W}styleId") in found:
            continue
        found[style.get(f"{W}styleId")] = style
        for ref in ("basedOn", "link"):
            based = style.find(f"{W}{ref}")
            if based is not None:
                pending.add(based.get(f"{W}val"))
    return [styles.find(f"{W}docDefaults"), *found.values()]


def test_theme_language_and_properties(template):
    kind, files = template
    settings = etree.fromstring(files["word/settings.xml"])
    assert settings.find(f"{W}themeFontLang").get(f"{W}eastAsia") == "zh-CN"
    app = etree.fromstring(files["docProps/app.xml"])
    assert app.findtext("{*}Application") == "docgen"
    assert app.find("{*}TitlesOfParts") is None  # Word's list of titles: an empty second title before
    core = etree.fromstring(files["docProps/core.xml"])
    assert len(core.findall("{http://purl.org/dc/elements/1.1/}title")) == 1
    assert "build.py" not in files["docProps/core.xml"].decode()


def test_property_elements_are_in_schema_order(template):
    _, files = template
    for name, xml in files.items():
        if name.startswith("word/") and name.endswith(".xml"):
            assert out_of_order(xml) == [], name


@pytest.mark.parametrize("example", ["notice.json", "annual-plan.json"])
def test_the_notice_geometry_keeps_schema_order(example):
    rendered = docgen.render(ROOT / "examples" / example, "notice").documents[0].data
    assert out_of_order(parts(rendered)["word/document.xml"]) == []
