"""The checker against what Word writes when a person edits a template: each case is built as Word saves it.

Where the checker says nothing, the case is also rendered with docxtpl to show the tag really is replaced; where
it reports, the place and the hint are asserted. Templates here are small synthetic documents (no kind, so no
field-name check) unless a case needs the agreement's names.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest

from docgen.errors import TemplateError
from docgen.render_docx import render_docx
from docgen.template_check import TemplateIssue, check_template
from tests.conftest import ROOT

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (f'xmlns:w="{W}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
              'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
              'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
              'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
              'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:v="urn:schemas-microsoft-com:vml"')
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CONTENT = "application/vnd.openxmlformats-officedocument.wordprocessingml."
CONTEXT = {"x": "甲值", "y": "乙值"}
REVISION = 'w:author="张三" w:date="2026-01-05T09:00:00Z"'


def text_run(text: str) -> str:
    """A plain run as Word writes it."""
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def para(*content: str) -> str:
    return f"<w:p>{''.join(content)}</w:p>"


def story(root: str, inner: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{root} {NAMESPACES}>{inner}</w:{root}>'


def word_file(path: Path, *paragraphs: str, parts: dict[str, tuple[str, str]] | None = None,
              references: str = "", core: dict[str, str] | None = None) -> Path:
    """A .docx as Word saves it: ``paragraphs`` (raw WordprocessingML) in the body; ``parts`` maps a part name
    (``header1``) to its relationship type and XML; ``references`` goes into the section properties."""
    document = docx.Document()
    for name, value in (core or {}).items():
        setattr(document.core_properties, name, value)
    buffer = io.BytesIO()
    document.save(buffer)
    parts = parts or {}
    body = "".join(paragraphs)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            raw = source.read(info.filename)
            if not info.filename.endswith((".xml", ".rels")):
                target.writestr(info, raw)
                continue
            data = raw.decode()
            if info.filename == "word/document.xml":
                data = re.sub(r"<w:body>.*?(<w:sectPr)", lambda m: f"<w:body>{body}{m.group(1)}", data, flags=re.S)
                root = data[data.index("<w:document "):data.index(">", data.index("<w:document "))]
                missing = " ".join(ns for ns in NAMESPACES.split() if ns.split("=")[0] not in root)
                data = data.replace("<w:document ", f"<w:document {missing} ", 1)
                data = re.sub(r"(<w:sectPr[^>]*>)", lambda m: m.group(1) + references, data)
            elif info.filename == "[Content_Types].xml":
                data = data.replace("</Types>", "".join(
                    f'<Override PartName="/word/{name}.xml" ContentType="{CONTENT}{plural(kind)}+xml"/>'
                    for name, (kind, _) in parts.items()) + "</Types>")
            elif info.filename == "word/_rels/document.xml.rels":
                data = data.replace("</Relationships>", "".join(
                    f'<Relationship Id="rId{name}" Type="{REL}{plural(kind)}" Target="{name}.xml"/>'
                    for name, (kind, _) in parts.items()) + "</Relationships>")
            target.writestr(info, data)
        for name, (_, xml) in parts.items():
            target.writestr(f"word/{name}.xml", xml)
    return path


def plural(kind: str) -> str:
    """Notes and comments live in one part each (footnotes.xml); headers and footers one part apiece."""
    return f"{kind}s" if kind in ("footnote", "endnote", "comment") else kind


def found(path: Path, kind: str | None = None) -> list[tuple[str, str, str]]:
    return [(i.code, i.severity, i.where) for i in check_template(path, kind)]


def only(path: Path, kind: str | None = None) -> TemplateIssue:
    [issue] = check_template(path, kind)
    return issue


def rendered(path: Path, part: str = "word/document.xml") -> str:
    """The text of ``part`` once ``path`` is rendered with `CONTEXT` the way docgen renders."""
    data = render_docx(path, CONTEXT, properties={})
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read(part).decode()
    return "".join(re.findall(r"<w:(?:t|delText)(?: [^>]*)?>([^<]*)<", xml))


# -- the parts docxtpl renders, and those it does not ----------------------------------------------------------


def text_box(*paragraphs: str) -> str:
    """A run holding a text box the way Word writes it: DrawingML in mc:Choice, the same text in VML mc:Fallback."""
    inner = "".join(paragraphs)
    return ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>'
            f'<wps:wsp><wps:txbx><w:txbxContent>{inner}</w:txbxContent></wps:txbx></wps:wsp>'
            '</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
            f'<mc:Fallback><w:pict><v:rect><v:textbox><w:txbxContent>{inner}</w:txbxContent></v:textbox></v:rect>'
            '</w:pict></mc:Fallback></mc:AlternateContent></w:r>')


def test_a_text_box_is_checked_once_as_its_own_place_and_renders_in_both_copies(tmp_path):
    broken = word_file(tmp_path / "broken.docx", para(text_run("甲方："), text_box(para(text_run("{{ x }")))))
    issue = only(broken)
    assert (issue.code, issue.where, issue.excerpt) == ("unclosed_tag", "文本框 1 第 1 段", "{{ x }")
    good = word_file(tmp_path / "good.docx", para(text_run("甲方："), text_box(para(text_run("{{ x }}")))))
    assert found(good) == []
    assert rendered(good) == "甲方：甲值甲值"  # the DrawingML box and its VML copy


def test_headers_and_footers_are_named_as_word_names_them(tmp_path):
    parts = {"header1": ("header", story("hdr", para(text_run("{{ x }}")))),
             "header2": ("header", story("hdr", para(text_run("第 {{ y } 页")))),
             "footer1": ("footer", story("ftr", para(text_run("{{ x ）}}"))))}
    references = ('<w:headerReference w:type="default" r:id="rIdheader1"/>'
                  '<w:headerReference w:type="first" r:id="rIdheader2"/>'
                  '<w:footerReference w:type="default" r:id="rIdfooter1"/><w:titlePg/>')
    path = word_file(tmp_path / "t.docx", para(text_run("正文")), parts=parts, references=references)
    assert found(path) == [("unclosed_tag", "error", "首页页眉第 1 段"), ("full_width_in_tag", "error", "页脚第 1 段")]


def test_footnotes_render_but_endnotes_comments_and_some_properties_do_not(tmp_path):
    parts = {
        "footnotes": ("footnote", story("footnotes", '<w:footnote w:type="separator" w:id="-1"><w:p/></w:footnote>'
                                    f'<w:footnote w:id="1">{para(text_run("注：{{ x }}"))}</w:footnote>'
                                    f'<w:footnote w:id="2">{para(text_run("{{ y }"))}</w:footnote>')),
        "endnotes": ("endnote", story("endnotes", f'<w:endnote w:id="1">{para(text_run("尾注 {{ x }}"))}</w:endnote>')),
        "comments": ("comment", story("comments", f'<w:comment w:id="0" w:author="张三">'
                                                  f'{para(text_run("改成 {{ y }}"))}</w:comment>')),
    }
    path = word_file(tmp_path / "t.docx", para(text_run("正文"), '<w:r><w:footnoteReference w:id="1"/></w:r>'),
                     parts=parts, core={"keywords": "{{ x }}", "comments": "{{ y }", "title": "{{ x }}"})
    assert found(path) == [
        ("unclosed_tag", "error", "脚注 2 第 1 段"),
        ("tag_not_rendered", "warning", "尾注 1 第 1 段"),
        ("tag_not_rendered", "warning", "批注 1（张三）第 1 段"),
        ("tag_not_rendered", "warning", "文档属性「标题」"),
        ("tag_not_rendered", "warning", "文档属性「关键词」"),
        ("unclosed_tag", "error", "文档属性「备注」"),
    ]
    assert "批注中的标签不会被替换" in str(check_template(path)[2])
    fixed = word_file(tmp_path / "fixed.docx", para(text_run("正文")), parts={**parts, "footnotes": ("footnote", story(
        "footnotes", f'<w:footnote w:id="1">{para(text_run("注：{{ x }}"))}</w:footnote>'))})
    assert rendered(fixed, "word/footnotes.xml") == "注：甲值"
    assert rendered(fixed, "word/endnotes.xml") == "尾注 {{ x }}"  # what the warning says: left as typed


def table(*cells: str) -> str:
    """A one-row table, a cell per argument; Word ends every cell, even one holding a table, with a paragraph."""
    row = "".join(f"<w:tc>{cell}<w:p/></w:tc>" for cell in cells)
    return f"<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr>{row}</w:tr></w:tbl><w:p/>"


def test_a_nested_table_cell_is_named(tmp_path):
    path = word_file(tmp_path / "t.docx", table(para(text_run("外")), table(para(text_run("{{ x }")))))
    assert found(path) == [("unclosed_tag", "error", "正文表格 1 第 1 行第 2 列嵌套表格第 1 行第 1 列第 1 段")]


# -- what Word does to a tag while a person edits ----------------------------------------------------------------

SPLIT_BUT_FINE = {
    "spell_check": '<w:r><w:t>{{ </w:t></w:r><w:proofErr w:type="spellStart"/><w:r><w:t>x</w:t></w:r>'
                   '<w:proofErr w:type="spellEnd"/><w:r><w:t xml:space="preserve"> }}</w:t></w:r>',
    "bookmark": '<w:r><w:t>{{</w:t></w:r><w:bookmarkStart w:id="0" w:name="甲"/><w:r><w:t xml:space="preserve"> x'
                '</w:t></w:r><w:bookmarkEnd w:id="0"/><w:r><w:t xml:space="preserve"> }}</w:t></w:r>',
    "soft_hyphen_element": '<w:r><w:t xml:space="preserve">{{ </w:t><w:softHyphen/><w:t xml:space="preserve">x }}'
                           '</w:t></w:r>',
    "no_break_space": text_run("{{\u00a0x\u00a0}}"),
    "ideographic_space": text_run("{{\u3000x\u3000}}"),
    "whole_tag_in_hyperlink": f'<w:hyperlink w:anchor="甲">{text_run("{{ x }}")}</w:hyperlink>',
    "smart_quotes": text_run("{{ x if x == “甲值” else ‘否’ }}"),
    "full_width_in_a_string": text_run("{{ x ~ '（盖章）' }}"),
    "bold_middle": f'{text_run("{{ ")}<w:r><w:rPr><w:b/></w:rPr><w:t>x</w:t></w:r>{text_run(" }}")}',
}


@pytest.mark.parametrize("case", sorted(SPLIT_BUT_FINE))
def test_what_docxtpl_renders_fine_is_not_reported(tmp_path, case):
    path = word_file(tmp_path / f"{case}.docx", para(text_run("甲方："), SPLIT_BUT_FINE[case], text_run("。")))
    assert found(path) == []
    assert rendered(path).replace("（盖章）", "") == "甲方：甲值。"


def test_a_no_break_space_after_a_paragraph_prefix_is_an_error(tmp_path):
    path = word_file(tmp_path / "t.docx", para(text_run("{%p\u00a0if x %}")), para(text_run("条款")),
                     para(text_run("{%p endif %}")))
    assert [(i.code, i.where) for i in check_template(path)] == [("unknown_tag", "正文第 1 段"),
                                                                  ("unbalanced_block", "正文第 3 段")]
    assert "不是普通空格" in check_template(path)[0].message
    with pytest.raises(TemplateError):
        rendered(path)


def test_full_width_braces_typed_by_an_input_method(tmp_path):
    path = word_file(tmp_path / "t.docx", para(text_run("甲方：｛｛ x ｝｝")), para(text_run("乙方：{{ y ｝｝")))
    first, second = check_template(path)
    assert (first.code, first.where, second.code, second.where) == (
        "full_width_brace", "正文第 1 段", "full_width_brace", "正文第 2 段")
    assert "「｛｛」是全角" in first.message and "半角" in first.message and "{{ 名称 }}" in first.message
    assert rendered(word_file(tmp_path / "r.docx", para(text_run("甲方：｛｛ x ｝｝")))) == "甲方：｛｛ x ｝｝"  # printed as is


def test_full_width_punctuation_and_invisible_characters_inside_a_tag(tmp_path):
    path = word_file(tmp_path / "t.docx", para(text_run("{{ x|default（'无'） }}")), para(text_run("{{ x\u00ad }}")),
                     para(text_run("{{ x if x == ＂甲值＂ else 1 }}")), para(text_run("{{ 2 – 1 }}")))
    wide, invisible, quotes, dash = check_template(path)
    assert (wide.code, wide.where) == ("full_width_in_tag", "正文第 1 段")
    assert "「（」→「(」、「）」→「)」" in wide.message
    assert (invisible.code, invisible.where) == ("invisible_in_tag", "正文第 2 段") and "软连字符" in invisible.message
    assert (quotes.code, quotes.where) == ("full_width_in_tag", "正文第 3 段") and "「＂」→「\"」" in quotes.message
    assert (dash.code, dash.where) == ("full_width_in_tag", "正文第 4 段") and "「–」→「-」" in dash.message


def test_a_tag_half_inside_a_hyperlink_is_an_error(tmp_path):
    path = word_file(tmp_path / "t.docx", para(f'<w:hyperlink w:anchor="甲">{text_run("{{ x")}</w:hyperlink>', text_run(" }}"),
                                               text_run("后文")), para(text_run("下一段")))
    issue = only(path)
    assert (issue.code, issue.severity, issue.where) == ("tag_across_markup", "error", "正文第 1 段")
    assert "一部分在超链接中" in issue.message
    # what the error prevents: docxtpl drops the hyperlink's end, "后文" moves into the link, paragraphs nest
    assert re.search(r"<w:hyperlink[^>]*>(?:(?!</w:hyperlink>).)*后文", render_xml(path), re.S)


def render_xml(path: Path) -> str:
    with zipfile.ZipFile(io.BytesIO(render_docx(path, CONTEXT, properties={}))) as package:
        return package.read("word/document.xml").decode()


FIELD_BEGIN = '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> {} </w:instrText>' \
              '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
FIELD_END = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'


def test_a_field_inside_a_tag_is_an_error(tmp_path):
    path = word_file(tmp_path / "t.docx", para(text_run("{{ x "), FIELD_BEGIN.format("PAGE"), text_run("1"), FIELD_END,
                                               text_run("}}")))
    issue = only(path)
    assert (issue.code, issue.where) == ("tag_across_markup", "正文第 1 段") and "夹着一个域" in issue.message


@pytest.mark.parametrize("field", ["simple", "complex"])
def test_a_tag_in_a_field_result_renders_but_warns(tmp_path, field):
    inner = (f'<w:fldSimple w:instr=" MERGEFIELD 甲方 ">{text_run("{{ x }}")}</w:fldSimple>' if field == "simple" else
             FIELD_BEGIN.format("MERGEFIELD 甲方") + text_run("{{ x }}") + FIELD_END)
    path = word_file(tmp_path / "t.docx", para(text_run("甲方："), inner))
    issue = only(path)
    assert (issue.code, issue.severity, issue.where) == ("tag_in_field_result", "warning", "正文第 1 段")
    assert "更新域" in issue.message
    assert rendered(path) == "甲方：甲值"


# -- tracked changes -----------------------------------------------------------------------------------------------


def deleted(text: str) -> str:
    return f'<w:del w:id="1" {REVISION}><w:r><w:delText xml:space="preserve">{text}</w:delText></w:r></w:del>'


def inserted(text: str) -> str:
    return f'<w:ins w:id="2" {REVISION}>{text_run(text)}</w:ins>'


def test_docxtpl_executes_deleted_tags_so_revisions_warn(tmp_path):
    # A person deleted a conditional paragraph pair with tracking on: Word shows the paragraph in between, docxtpl
    # still executes the deleted tags and drops it.
    path = word_file(tmp_path / "t.docx", para(text_run("甲方：")), para(deleted("{%p if false %}")),
                     para(text_run("保留的条款")), para(deleted("{%p endif %}")), para(text_run("乙方："), inserted("{{ y }}")))
    assert "保留的条款" not in rendered(path)
    issues = check_template(path)
    assert [(i.code, i.severity, i.where) for i in issues] == [
        ("tag_in_deletion", "warning", "正文第 2 段"),
        ("tag_in_deletion", "warning", "正文第 4 段"),
        ("tracked_changes", "warning", "正文第 2 段"),
    ]
    assert "接受所有修订" in issues[-1].message and "3 段带修订标记" in issues[-1].message


def test_a_deleted_tag_is_checked_like_any_other(tmp_path):
    path = word_file(tmp_path / "agreement.docx", para(text_run("协议编号："), deleted("{{ agreement.numbr }}"),
                                                       inserted("{{ agreement.number }}")))
    codes = found(path, "agreement")
    assert ("unknown_variable", "error", "正文第 1 段") in codes
    assert {code for code, _, _ in codes} == {"tag_in_deletion", "unknown_variable", "tracked_changes"}


def test_a_tag_retyped_with_tracking_on_renders_as_word_shows_it(tmp_path):
    path = word_file(tmp_path / "t.docx", para(text_run("{{ "), deleted("y"), inserted("x"), text_run(" }}")))
    assert found(path) == [("tracked_changes", "warning", "正文第 1 段")]
    assert rendered(path) == "甲值"


def test_a_tag_typed_half_with_tracking_on_is_an_error(tmp_path):
    path = word_file(tmp_path / "t.docx", para(inserted("{{ x"), text_run(" }}"), text_run("后文")))
    assert found(path) == [("tag_across_markup", "error", "正文第 1 段"), ("tracked_changes", "warning", "正文第 1 段")]
    assert "一部分在修订中" in check_template(path)[0].message
    assert re.search(r"<w:ins [^>]*>(?:(?!</w:ins>).)*后文", render_xml(path), re.S)  # the revision swallows text


def test_an_empty_text_element_inside_a_tag_is_an_error(tmp_path):
    # an empty <w:t xml:space="preserve"/> (a run emptied by a script): docxtpl then leaves markup inside the tag
    path = word_file(tmp_path / "t.docx", para(text_run("{{ x"), text_run(""), text_run(" }}")))
    issue = only(path)
    assert (issue.code, issue.where) == ("tag_across_markup", "正文第 1 段") and "空的文字元素" in issue.message
    with pytest.raises(TemplateError, match="语法错误"):
        rendered(path)


def test_render_with_templates_warns_about_revisions(run, tmp_path):
    source = docx.Document(str(ROOT / "templates" / "zh" / "agreement.docx"))
    paragraph = next(p for p in source.paragraphs if p.text.startswith("协议编号"))
    revision = docx.oxml.parse_xml(f'<w:ins {NAMESPACES} w:id="90" {REVISION}>{text_run("（修订）")}</w:ins>')
    paragraph._p.append(revision)
    folder = tmp_path / "templates"
    folder.mkdir()
    source.save(str(folder / "agreement.docx"))
    code, _, err = run("render", "agreement", ROOT / "examples" / "agreement-two-party.json",
                             "--templates", folder, "-o", tmp_path / "out", "--to", "docx")
    assert code == 0, err
    assert "[模板] agreement.docx：正文第 2 段：模板中有未接受的修订" in err and "接受所有修订" in err


def test_a_batch_reports_the_template_warning_once_not_per_row(run, tmp_path):
    source = docx.Document(str(ROOT / "templates" / "zh" / "notice.docx"))
    paragraph = next(p for p in source.paragraphs if p.text == "{{ notice.addressee }}")
    paragraph._p.append(docx.oxml.parse_xml(f'<w:del {NAMESPACES} w:id="91" {REVISION}>'
                                            '<w:r><w:delText>各有关单位：</w:delText></w:r></w:del>'))
    folder = tmp_path / "templates"
    folder.mkdir()
    source.save(str(folder / "notice.docx"))
    code, _, err = run("batch", "notice", ROOT / "examples" / "notices.xlsx", "--base", ROOT / "examples" / "notice.json",
                       "--templates", folder, "-o", tmp_path / "out", "--to", "docx", "--jobs", "1")
    assert code == 0, err
    assert err.count("[模板]") == 1 and "未接受的修订" in err


def test_check_exits_0_when_there_are_only_warnings(run, tmp_path):
    path = word_file(tmp_path / "t.docx", para(text_run("甲方："), inserted("{{ x }}")))
    code, out, _ = run("template", "check", path)
    assert code == 0 and "[提醒] 正文第 1 段" in out and "0 处错误，1 处提醒" in out
