"""Read the rendered docx back and check the real content of every form."""

import io
import zipfile
from decimal import Decimal

import docx
import pytest

import docgen
from docgen.errors import TemplateError
from tests.readback import docx_text, open_docx, table_rows

DAXIE_TOTAL = "贰拾玖万肆仟肆佰零捌元玖角整"  # 294,408.90 元
CATEGORIES = [
    "专家费", "劳务费", "项目执行人员的人工成本", "执行项目的培训费", "执行项目的场地费", "执行项目的餐费",
    "执行项目的交通费", "执行项目的通讯费", "执行项目的印刷费", "执行项目必需器材设备租赁费", "执行项目的其他费用", "税费",
]








def _row_starting(table, label: str) -> list[str]:
    return next(row for row in table_rows(table) if row and row[0].replace(" ", "") == label.replace(" ", ""))


@pytest.fixture(scope="module")
def packet(_record_master):
    return {d.kind: open_docx(d.data) for d in docgen.render_packet(_record_master).documents}


def test_application_form_has_every_field_of_annex_1(packet, _record_master):
    form = packet["application"]
    [table] = form.tables
    applicant = _record_master["applicant"]
    assert _row_starting(table, "单位名称")[1] == applicant["name"]
    assert _row_starting(table, "项目名称")[1] == _record_master["project"]["name"]
    assert _row_starting(table, "行业")[1] == applicant["industry"]
    assert _row_starting(table, "行业组织") == [
        "行业组织", applicant["industry_organization"], "法定代表人", applicant["legal_representative"],
        "组织机构代码", applicant["credit_code"]]
    assert _row_starting(table, "上年度缴纳工伤基金总额（万元）")[1] == "1,284.652"
    assert _row_starting(table, "项目预算（万元，不高于年缴纳工伤基金总额的 3%）")[1] == "29.4409"
    assert _row_starting(table, "实施周期")[1] == "2027年3月1日至2028年2月29日（共12个月）"
    assert _row_starting(table, "联系人") == ["联系人", "李海峰", "联系电话", "0477-8656318"]
    text = docx_text(form)
    for label in ("企业简介", "企业过往工伤事故综述", "项目简介", "申请单位意见", "联席会议意见", "公章", "负责人"):
        assert label in text
    assert applicant["profile"][:40] in text
    assert applicant["accident_history"][:40] in text
    assert _record_master["project"]["summary"][:40] in text
    for line in ("1、此表由行业协会/大中型企业在申请工伤预防项目时使用。",
                 "2、此表后需附《可行性研究报告》《工伤预防项目实施方案》。",
                 "3、此表一式两份，申报单位、工伤保险经办机构各一份。"):
        assert line in text


@pytest.mark.parametrize(("field", "value", "ticked", "unticked"), [
    ("type", "enterprise", "大中型企业 ☑", "行业协会 ☐"),
    ("type", "association", "行业协会 ☑", "大中型企业 ☐"),
    ("implementation", "direct", "申报机构直接实施 ☑", "委托第三方实施 ☐"),
    ("implementation", "third_party", "委托第三方实施 ☑", "申报机构直接实施 ☐"),
])
def test_application_checkboxes_follow_the_data(record, field, value, ticked, unticked):
    section = "applicant" if field == "type" else "project"
    record[section][field] = value
    text = docx_text(open_docx(docgen.render(record, "application").documents[0].data))
    assert ticked in text and unticked in text


def test_feasibility_has_all_four_parts_and_their_lists(packet, _record_master):
    report = packet["feasibility"]
    text = docx_text(report)
    for heading in ("一、基本情况", "二、必要性和可行性", "三、实施条件", "四、预期效果",
                    "（一）硬件设备", "（二）人员条件", "（三）技术条件", "（四）软件条件", "（五）事故分析条件"):
        assert heading in text
    feas = _record_master["feasibility"]
    tables = [table_rows(t) for t in report.tables]
    equipment = next(t for t in tables if t[0][:2] == ["序号", "名称"])
    assert [row[1] for row in equipment[1:]] == [e["name"] for e in feas["equipment"]]
    staff = next(t for t in tables if "工作年限" in t[0])
    assert [row[0] for row in staff[1:]] == [s["name"] for s in feas["staff"]]
    hazards = next(t for t in tables if "危险源" in t[0])
    assert [row[hazards[0].index("风险等级")] for row in hazards[1:]] == [h["level"] for h in feas["hazards"]]
    accidents = next(t for t in tables if "事故经过" in t[0])
    assert len(accidents) == 1 + len(feas["accidents"])
    for key in ("accident_rate", "awareness", "training_assessment", "benefits"):
        assert feas["expected"][key][:30] in text
    assert feas["leader"]["name"] in text and feas["risk_measures"][:30] in text


def test_feasibility_without_accidents_says_so(record):
    record["feasibility"]["accidents"] = []
    text = docx_text(open_docx(docgen.render(record, "feasibility").documents[0].data))
    assert "近年未发生工伤事故。" in text


def test_plan_budget_table_lists_all_12_categories_and_totals(packet):
    plan = packet["plan"]
    budget = next(table_rows(t) for t in plan.tables if any(r and r[0] == "申报资金" for r in table_rows(t)))
    assert budget[0] == ["申报资金", "（万元）", "29.4409"]
    header = next(i for i, row in enumerate(budget) if row[0].replace(" ", "") == "科目")
    lines = budget[header + 1: header + 13]
    assert [row[0] for row in lines] == CATEGORIES
    assert [row[-1] for row in lines] == ["2.00", "0.72", "2.40", "13.20", "0.90", "1.08", "1.4065", "0.176",
                                         "3.0584", "1.98", "2.22", "0.30"]
    assert budget[header + 13][0] == "申报资金支出合计" and budget[header + 13][-1] == "29.4409"
    assert budget[header + 14][0] == "资金支出合计" and budget[header + 14][-1] == "34.4409"
    assert f"人民币{DAXIE_TOTAL}" in docx_text(plan)


def test_plan_keeps_empty_categories_as_rows(record):
    record["budget"]["items"] = [i for i in record["budget"]["items"] if i["category"] != "税费"]
    del record["budget"]["total"]
    plan = open_docx(docgen.render(record, "plan").documents[0].data)
    budget = next(table_rows(t) for t in plan.tables if any(r and r[0] == "税费" for r in table_rows(t)))
    assert _row_starting_rows(budget, "税费")[-1] == ""


def _row_starting_rows(rows, label):
    return next(row for row in rows if row[0] == label)


def test_plan_has_every_part_and_schedule_table(packet, _record_master):
    plan = packet["plan"]
    text = docx_text(plan)
    for heading in ("一、项目背景", "二、项目方案", "三、项目团队分工", "四、项目预算", "（一）项目长远目标",
                    "（二）项目近期目标", "（三）项目实施方案和进度安排", "1、宣传类项目", "（1）线上活动", "（2）线下活动",
                    "2、培训类项目", "（四）风险分析及应对预案", "（五）项目预期成效", "预算编制要求"):
        assert heading in text, heading
    tables = [table_rows(t) for t in plan.tables]
    goals = next(t for t in tables if t[0][0].startswith("目标"))
    assert [row[0] for row in goals[1:]] == [g["goal"] for g in _record_master["plan"]["goals"]]
    team = next(t for t in tables if t[0] == ["姓名", "职务", "专业职称", "职责分工"])
    assert [row[0] for row in team[1:]] == [m["name"] for m in _record_master["plan"]["team"]]
    training = next(t for t in tables if t[0][0] == "课程")
    assert [row[0] for row in training[1:]] == [c["course"] for c in _record_master["plan"]["training"]]
    assert training[1][1].replace("\n", "") == "2027年4月12日至2027年4月14日"  # broken between units (autofit)
    offline = next(t for t in tables if t[0][0] == "活动名称" and "安全生产月" in t[1][0])
    assert offline[1][1].replace("\n", "") == "2027年6月16日"  # a one-day activity shows one date, not "X至X"


def test_markup_in_values_renders_literally(record):
    record["applicant"]["name"] = 'A&B <公司> "测试"'
    data = docgen.render(record, "application").documents[0].data
    form = open_docx(data)
    assert _row_starting(form.tables[0], "单位名称")[1] == 'A&B <公司> "测试"'
    assert form.core_properties.author == 'A&B <公司> "测试"'


def test_no_template_tags_survive(packet):
    for document in packet.values():
        text = docx_text(document)
        assert "{{" not in text and "{%" not in text


def test_properties_carry_the_input_hash(packet, _record_master):
    props = packet["plan"].core_properties
    assert props.author == _record_master["applicant"]["name"]
    assert props.title.endswith("实施方案")
    assert "sha256:" in props.keywords and "nei-mongol-2020" in props.keywords


def test_same_input_gives_same_bytes(_record_master):
    first = [d.data for d in docgen.render_packet(_record_master).documents]
    second = [d.data for d in docgen.render_packet(_record_master).documents]
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first[0])) as z:
        assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_user_template_folder_overrides_by_file_name(tmp_path, _record_master):
    custom = docx.Document()
    custom.add_paragraph("自定义：{{ applicant.name }}，预算 {{ budget_table.declared_total|wan }} 万元")
    custom.save(tmp_path / "application.docx")
    rendered = docgen.render(_record_master, "application", templates=tmp_path)
    assert open_docx(rendered.documents[0].data).paragraphs[0].text == (
        f"自定义：{_record_master['applicant']['name']}，预算 29.4409 万元")
    plan = docgen.render(_record_master, "plan", templates=tmp_path).documents[0]
    assert "四、项目预算" in docx_text(open_docx(plan.data))  # no override for plan: the shipped one is used


def test_template_with_unknown_field_names_the_template(tmp_path, _record_master):
    custom = docx.Document()
    custom.add_paragraph("{{ applicant.nickname }}")
    custom.save(tmp_path / "application.docx")
    with pytest.raises(TemplateError, match="application.docx"):
        docgen.render(_record_master, "application", templates=tmp_path)


def test_packet_manifest_lists_outputs_and_hashes(tmp_path, _record_master):
    rendered = docgen.render_packet(_record_master)
    paths = rendered.write(tmp_path)
    assert [p.name for p in paths] == ["01-项目申请表.docx", "02-可行性研究报告.docx", "03-实施方案.docx", "manifest.json"]
    manifest = rendered.manifest
    assert manifest["policy"]["id"] == "nei-mongol-2020"
    assert [o["file"] for o in manifest["outputs"]] == [p.name for p in paths[:3]]
    import hashlib
    for output in manifest["outputs"]:
        assert hashlib.sha256((tmp_path / output["file"]).read_bytes()).hexdigest() == output["sha256"]


def test_amounts_keep_decimals_exact(record):
    record["budget"]["items"][0]["amount"] = Decimal("19999.99")
    record["budget"]["total"] = Decimal("294408.89")
    plan = open_docx(docgen.render(record, "plan").documents[0].data)
    assert "人民币贰拾玖万肆仟肆佰零捌元捌角玖分" in docx_text(plan)


def test_a_name_longer_than_word_properties_allow_still_renders(record):
    # Regression: python-docx refuses core properties over 255 characters; a long name crashed rendering.
    record["applicant"]["name"] = "甲" * 300
    form = open_docx(docgen.render(record, "application").documents[0].data)
    assert _row_starting(form.tables[0], "单位名称")[1] == "甲" * 300
    assert form.core_properties.author == "甲" * 255


@pytest.mark.parametrize("value", ["回车\r\n换行", "单独\r回车", "{_{ x }_}", "a{_%b%_}c", "+cmd|' /C calc'!A0",
                                   "=HYPERLINK(\"http://x\")", "{{ applicant.name }}", "{% if 1 %}y{% endif %}",
                                   "&#0;&amp;<w:br/>", "制表\t符"])
def test_data_is_printed_literally(record, value):
    """#11 silent wrong content: CR LF lost its break; {_{ x }_} printed as {{ x }} (docxtpl's escape syntax)."""
    record["applicant"]["profile"] = value
    document = open_docx(docgen.render(record, "application").documents[0].data)
    expected = value.replace("\r\n", "\n").replace("\r", "\n")
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert any(expected in text for text in cells)


def test_a_user_template_that_loops_forever_is_a_template_error(tmp_path, _record_master):
    custom = docx.Document()
    custom.add_paragraph("{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}")
    custom.save(tmp_path / "application.docx")
    with pytest.raises(TemplateError, match="application.docx"):  # hung > 45 s
        docgen.render(_record_master, "application", templates=tmp_path)


@pytest.mark.parametrize("expression", ["{{ ''.format }}", "{{ applicant }}", "{{ applicant.update({'name': 'x'}) }}",
                                        "{{ 1 / 0 }}", "{{ applicant.name|center(999999999) }}"])
def test_a_user_template_prints_only_data(tmp_path, _record_master, expression):
    custom = docx.Document()
    custom.add_paragraph(expression)
    custom.save(tmp_path / "application.docx")
    with pytest.raises(TemplateError, match="application.docx"):
        docgen.render(_record_master, "application", templates=tmp_path)
