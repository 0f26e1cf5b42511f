"""What WPS Office writes when it saves a docx, read as Word reads it.

No WPS here: the parts below follow what WPS 11.1 wrote into documents found in public repositories (a
FreeMarker template made from a WPS-saved document, WPS form-field templates): numeric style ids, Normal with
widow control off, a heading numbered through its style with ``w:suff nothing``, ``*Chars`` indents with their
twips twins, ``w:rFonts w:hint``, the _GoBack bookmark, w14 attributes under mc:Ignorable, the wpsCustomData
namespace with its milestones wrapped in an mc:AlternateContent that has no Fallback, settings with the
Word 2003 compatibility options and WPS' typoFeatureVersion, and (WPS 12.1, haystack issue 8759) XML comments
among the body's elements.
"""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from docgen.pdf import typeset
from tests.pdf.builders import text_positions, to_bytes

_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" '
    'xmlns:wp14="http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing" '
    'xmlns:wpsCustomData="http://www.wps.cn/officeDocument/2013/wpsCustomData" mc:Ignorable="w14 w15 wp14"'
)
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

STYLES = _HEAD + f"""<w:styles {_NS}>
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:eastAsia="宋体"
  w:cs="Times New Roman"/></w:rPr></w:rPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="1"><w:name w:val="Normal"/><w:qFormat/>
  <w:pPr><w:widowControl w:val="0"/>{{normal}}<w:jc w:val="both"/></w:pPr>
  <w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:eastAsia="宋体" w:cs="Times New Roman"/><w:kern w:val="2"/>
  <w:sz w:val="24"/><w:szCs w:val="22"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/><w:basedOn w:val="1"/><w:next w:val="1"/>
  <w:pPr><w:keepNext/><w:keepLines/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>
  <w:spacing w:before="240" w:beforeLines="0" w:beforeAutospacing="0" w:afterLines="0" w:afterAutospacing="0"
  w:line="240" w:lineRule="auto"/><w:outlineLvl w:val="1"/></w:pPr>
  <w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="黑体"/><w:b/><w:sz w:val="28"/></w:rPr></w:style>
<!-- a comment in the styles part: it is parsed whole -->
<w:style w:type="character" w:default="1" w:styleId="8"><w:name w:val="Default Paragraph Font"/></w:style>
<w:style w:type="table" w:default="1" w:styleId="6"><w:name w:val="Normal Table"/><w:tblPr><w:tblStyle w:val="6"/>
  <w:tblCellMar><w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
</w:styles>"""

NUMBERING = _HEAD + f"""<w:numbering {_NS}><w:abstractNum w:abstractNumId="0"><w:nsid w:val="F96AC0A8"/>
<w:multiLevelType w:val="singleLevel"/><w:tmpl w:val="F96AC0A8"/><w:lvl w:ilvl="0" w:tentative="0">
<w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:pStyle w:val="2"/><w:suff w:val="nothing"/>
<w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"""

SETTINGS = _HEAD + f"""<w:settings {_NS}><w:zoom w:percent="130"/><w:bordersDoNotSurroundHeader w:val="1"/>
<w:documentProtection w:enforcement="0"/><w:defaultTabStop w:val="420"/><w:drawingGridVerticalSpacing w:val="156"/>
<w:displayHorizontalDrawingGridEvery w:val="0"/><w:displayVerticalDrawingGridEvery w:val="2"/>
<w:characterSpacingControl w:val="compressPunctuation"/>
<w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/><w:ulTrailSpace/>
<w:doNotExpandShiftReturn/><w:adjustLineHeightInTable/><w:useFELayout/><w:useNormalStyleForList/>
<w:doNotUseIndentAsNumberingTabStop/><w:useAltKinsokuLineBreakRules/><w:allowSpaceOfSameStyleInTable/>
<w:doNotSuppressIndentation/><w:doNotAutofitConstrainedTables/><w:autofitToFirstFixedWidthCell/>
<w:displayHangulFixedWidth/><w:splitPgBreakAndParaMark/><w:doNotVertAlignCellWithSp/>
<w:doNotBreakConstrainedForcedTable/><w:doNotVertAlignInTxbx/><w:useAnsiKerningPairs/><w:cachedColBalance/>
<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="11"/></w:compat>
<mc:AlternateContent><mc:Choice Requires="wpsCustomData"><wpsCustomData:typoFeatureVersion val="1"/></mc:Choice>
</mc:AlternateContent><w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/></w:settings>"""

DOCFIELD = ('<mc:AlternateContent><mc:Choice Requires="wpsCustomData"><wpsCustomData:docfield{edge} id="1" '
            'docfieldname="{{&quot;key&quot;:&quot;c69e4698&quot;}}" hidden="0" print="1" readonly="0" index="1"/>'
            '</mc:Choice></mc:AlternateContent>')

DOCUMENT = _HEAD + f"""<w:document {_NS}><w:body>
<w:p w14:paraId="1A2B3C4D" w14:textId="77777777"><w:pPr><w:pStyle w:val="2"/><w:bidi w:val="0"/></w:pPr>
  <w:r><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr><w:t>总体要求</w:t></w:r></w:p>
<w:p><w:pPr><w:ind w:firstLine="480" w:firstLineChars="200"/><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr></w:pPr>
  <w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkEnd w:id="0"/>
  <w:r><w:rPr><w:rFonts w:hint="eastAsia"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr><w:t>申请单位：</w:t></w:r>
  {DOCFIELD.format(edge="Start")}<w:r><w:t>某某公司</w:t></w:r>{DOCFIELD.format(edge="End")}</w:p>
<!-- WPS 12.1 leaves comments between body elements -->
<w:p><w:pPr><!-- and inside them --><w:ind w:left="0" w:leftChars="0" w:firstLine="0" w:firstLineChars="0"/></w:pPr>
  <w:r><w:t>顶格段落。</w:t></w:r>{{tail}}</w:p>
<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1800" w:bottom="1440" w:left="1800"
  w:header="851" w:footer="992" w:gutter="0"/><w:cols w:space="425" w:num="1"/>
  <w:docGrid w:type="lines" w:linePitch="312" w:charSpace="0"/></w:sectPr>
</w:body></w:document>"""

CUSTOM = _HEAD + ('<s:customData xmlns:s="http://www.wps.cn/officeDocument/2013/wpsCustomData" '
                  'xmlns="http://www.wps.cn/officeDocument/2013/wpsCustomData"><customSectProps><customSectPr/>'
                  '</customSectProps></s:customData>')


def wps_docx(normal: str = "", tail: str = "") -> bytes:
    """python-docx's package with WPS' parts; ``normal`` adds pPr children to the Normal style, ``tail`` markup
    to the end of the last paragraph."""
    parts = {"word/document.xml": DOCUMENT.replace("{tail}", tail),
             "word/styles.xml": STYLES.replace("{normal}", normal),
             "word/numbering.xml": NUMBERING, "word/settings.xml": SETTINGS, "customXml/item1.xml": CUSTOM}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(to_bytes(docx.Document()))) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, parts.get(item.filename, source.read(item.filename)))
    return out.getvalue()


def test_a_wps_document_reads_without_warnings_and_keeps_its_labels_and_indents():
    result = typeset(wps_docx('<w:adjustRightInd w:val="0"/><w:snapToGrid w:val="0"/>'
                              '<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>'))
    assert [w for w in result.warnings if not w.code.startswith("pdf.font")] == []
    drawn = [(text, x) for text, x, _ in text_positions(result.pdf)]
    assert "".join(text for text, _ in drawn) == "一、总体要求申请单位：某某公司顶格段落。"
    margin = 90.0  # w:left 1800
    assert drawn[0] == ("一、总体要求", pytest.approx(margin))  # w:suff nothing: the text follows the label
    assert drawn[1][1] == pytest.approx(margin + 24)  # firstLineChars 200 of 小四 (12 pt)
    assert drawn[-1] == ("顶格段落。", pytest.approx(margin))


@pytest.mark.parametrize(("switch", "construct"), [
    ('<w:kinsoku w:val="0"/>', "kinsoku"),
    ('<w:wordWrap w:val="0"/>', "wordWrap"),
    ('<w:overflowPunct w:val="0"/>', "overflowPunct"),
    ('<w:topLinePunct/>', "topLinePunct"),
    ('<w:textAlignment w:val="center"/>', "textAlignment"),
])
def test_east_asian_typography_the_engine_does_not_follow_warns_with_the_place(switch, construct):
    result = typeset(wps_docx(switch))
    assert [w.where for w in result.warnings if w.code == f"pdf.unsupported.{construct}"] == [
        "body paragraph 1", "body paragraph 2", "body paragraph 3"]


def test_the_default_typography_switches_written_out_do_not_warn():
    result = typeset(wps_docx('<w:kinsoku/><w:wordWrap w:val="1"/><w:overflowPunct w:val="true"/>'
                              '<w:topLinePunct w:val="0"/><w:textAlignment w:val="auto"/>'))
    assert [w for w in result.warnings if not w.code.startswith("pdf.font")] == []


def test_an_alternate_content_the_engine_reads_takes_its_choice_and_unknown_markup_still_warns():
    """A Choice requiring only WordprocessingML is read; elements of an ignorable namespace are passed over, one of a
    namespace not declared ignorable warns."""
    choice = ('<mc:AlternateContent><mc:Choice Requires="w"><w:r><w:t>选中内容</w:t></w:r></mc:Choice>'
              '<mc:Fallback><w:r><w:t>备用内容</w:t></w:r></mc:Fallback></mc:AlternateContent>'
              '<w:r><w15:extension/></w:r><x:mark xmlns:x="urn:example:unknown"/>')
    result = typeset(wps_docx(tail=choice))
    assert "".join(text for text, _, _ in text_positions(result.pdf)).endswith("顶格段落。选中内容")
    assert [(w.code, w.where) for w in result.warnings if not w.code.startswith("pdf.font")] == [
        ("pdf.unsupported.mark", "body paragraph 3")]
