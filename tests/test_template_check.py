"""`docgen template check`/`export` and the check `render` runs on a user's template first."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from docgen.template_check import check_template
from tests.conftest import ROOT

SHIPPED = ROOT / "templates" / "zh"
AGREEMENT = ROOT / "examples" / "agreement-two-party.json"


def edited(tmp_path: Path, kind: str, old: str, new: str) -> Path:
    """The shipped template of ``kind`` with the paragraph whose text is ``old`` rewritten to ``new`` (as Word would:
    the new text in the paragraph's first run). Saved as ``tmp_path/<kind>.docx``."""
    document = docx.Document(str(SHIPPED / f"{kind}.docx"))
    paragraphs = [p for p in document.paragraphs if p.text == old]
    assert paragraphs, old
    runs = paragraphs[0].runs
    runs[0].text = new
    for run in runs[1:]:
        run.text = ""
    path = tmp_path / f"{kind}.docx"
    document.save(str(path))
    return path


def issues(path: Path, kind: str | None = "agreement") -> list[tuple[str, str, str]]:
    return [(i.code, i.severity, i.where) for i in check_template(path, kind)]


@pytest.mark.parametrize("kind", ["application", "feasibility", "plan", "agreement", "acceptance", "notice"])
def test_the_shipped_templates_have_no_errors(kind):
    found = check_template(SHIPPED / f"{kind}.docx", kind)
    assert [str(i) for i in found if i.severity == "error"] == []


def test_a_one_brace_typo_is_an_error_naming_its_paragraph(tmp_path):
    path = edited(tmp_path, "agreement", "协议编号：{{ agreement.number }}", "协议编号：{{ agreement.number }")
    [found] = check_template(path, "agreement")
    assert (found.code, found.severity, found.where) == ("unclosed_tag", "error", "正文第 2 段")
    assert found.excerpt == "协议编号：{{ agreement.number }"
    assert "「{{」没有对应的「}}」" in found.message


def test_a_misspelt_field_names_the_nearest_one(tmp_path):
    path = edited(tmp_path, "agreement", "协议编号：{{ agreement.number }}", "协议编号：{{ agreement.numbr }}")
    [found] = check_template(path, "agreement")
    assert (found.code, found.severity, found.where) == ("unknown_variable", "error", "正文第 2 段")
    assert "agreement.numbr" in found.message and "是否应为「number」" in found.message


def test_a_misspelt_loop_field_is_found_through_the_loop_variable(tmp_path):
    path = edited(tmp_path, "agreement", "地址：{{ party.address }}", "地址：{{ party.adress }}")
    [found] = check_template(path, "agreement")
    assert found.code == "unknown_variable" and "party.adress" in found.message and "address" in found.message


def test_an_unknown_top_level_name_is_an_error(tmp_path):
    path = edited(tmp_path, "agreement", "协议编号：{{ agreement.number }}", "协议编号：{{ agrement.number }}")
    [found] = check_template(path, "agreement")
    assert found.severity == "error" and "是否应为「agreement」" in found.message


def test_odd_quotes_unknown_filters_and_stray_braces(tmp_path):
    path = edited(tmp_path, "agreement", "项目编号：{{ project.get('number', '') }}",
                  "项目编号：{{ project.get(„number‟, '') }} {{ project.name|upper2 }} {{ project.name }}}")
    codes = {code for code, _, _ in issues(path)}
    assert {"smart_quotes", "unknown_filter", "stray_brace"} <= codes


def test_word_smart_quotes_pass_because_docxtpl_straightens_them(tmp_path):
    path = edited(tmp_path, "agreement", "项目编号：{{ project.get('number', '') }}",
                  "项目编号：{{ project.get(‘number’, “”) }}")
    assert issues(path) == []


def test_unbalanced_blocks_name_where_they_open(tmp_path):
    path = edited(tmp_path, "agreement", "{%p endfor %}", "")
    found = [i for i in check_template(path, "agreement") if i.code == "unbalanced_block"]
    assert found and found[0].where == "正文第 3 段" and "endfor" in found[0].message


def test_a_paragraph_tag_sharing_its_paragraph_with_text_is_an_error(tmp_path):
    path = edited(tmp_path, "agreement", "{%p endfor %}", "各方信息见上。{%p endfor %}")
    assert ("paragraph_tag_text", "error", "正文第 18 段") in issues(path)


def test_tags_in_attributes_and_fields_are_errors(tmp_path):
    document = docx.Document(str(SHIPPED / "agreement.docx"))
    paragraph = document.paragraphs[1]
    paragraph.paragraph_format.keep_with_next = True
    paragraph._p.pPr.find(docx.oxml.ns.qn("w:keepNext")).set(docx.oxml.ns.qn("w:val"), "{{ 1 if x else 0 }}")
    run = paragraph.add_run()
    instr = docx.oxml.OxmlElement("w:instrText")
    instr.text = " MERGEFIELD {{ project.name }} "
    run._r.append(instr)
    path = tmp_path / "agreement.docx"
    document.save(str(path))
    assert {("tag_in_attribute", "error", "正文第 2 段"), ("tag_in_field", "error", "正文第 2 段")} <= set(issues(path))


def test_check_command_exit_codes_and_json(run, tmp_path):
    code, out, _ = run("template", "check", SHIPPED / "agreement.docx")
    assert code == 0 and "未发现问题" in out
    path = edited(tmp_path, "agreement", "协议编号：{{ agreement.number }}", "协议编号：{{ agreement.number }")
    code, out, _ = run("template", "check", path, "--json")
    assert code == 1
    assert [(i["code"], i["where"]) for i in json.loads(out)] == [("unclosed_tag", "正文第 2 段")]
    code, _, err = run("template", "check", tmp_path / "missing.docx")
    assert code == 2 and "找不到模板文件" in err


def test_export_writes_the_shipped_template_and_refuses_to_overwrite_an_edited_one(run, tmp_path):
    code, out, _ = run("template", "export", "notice", tmp_path)
    assert code == 0 and (tmp_path / "notice.docx").read_bytes() == (SHIPPED / "notice.docx").read_bytes()
    assert run("template", "export", "notice", tmp_path)[0] == 0  # unchanged: nothing to lose
    edited(tmp_path, "notice", "{{ notice.addressee }}", "{{ notice.addressee }}（修订稿）")
    mine = (tmp_path / "notice.docx").read_bytes()
    code, _, err = run("template", "export", "notice", tmp_path)
    assert code == 2 and "已存在且与内置模板不同" in err and "--force" in err
    assert (tmp_path / "notice.docx").read_bytes() == mine
    assert run("template", "export", "notice", tmp_path, "--force")[0] == 0
    assert (tmp_path / "notice.docx").read_bytes() == (SHIPPED / "notice.docx").read_bytes()


@pytest.mark.parametrize("argv", [("export",), ("export", "nosuchkind"), ("check", "x.docx", "--kind", "nosuchkind")])
def test_a_missing_or_unknown_kind_lists_the_kinds_in_chinese(run, tmp_path, argv):
    (tmp_path / "x.docx").write_bytes((SHIPPED / "plan.docx").read_bytes())
    code, _, err = run("template", *[tmp_path / a if a.endswith(".docx") else a for a in argv])
    assert code == 2 and "agreement（服务协议）" in err and "notice（通知）" in err


def test_template_help_lists_the_kinds(run):
    code, out, _ = run("template", "--help")
    assert code == 0 and "文书类型 KIND" in out and "可行性研究报告" in out


def test_check_exits_2_for_a_file_that_is_not_a_template(run, tmp_path):
    (tmp_path / "agreement.docx").write_text("不是 Word 文件")
    code, _, err = run("template", "check", tmp_path / "agreement.docx")
    assert code == 2 and "不是有效的 Word 文件" in err


def test_render_refuses_a_broken_user_template_with_its_place(run, tmp_path):
    edited(tmp_path, "agreement", "协议编号：{{ agreement.number }}", "协议编号：{{ agreement.number }")
    out_dir = tmp_path / "out"
    code, _, err = run("render", "agreement", AGREEMENT, "--templates", tmp_path, "-o", out_dir)
    assert code == 2
    assert "正文第 2 段" in err and "「{{」没有对应的「}}」" in err
    assert not out_dir.exists() or not any(out_dir.iterdir())
