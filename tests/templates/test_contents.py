"""The shipped application, feasibility and plan templates: tidy Word files that render a record faithfully.

The .docx files in templates/zh are the source (edited in Word, WPS or LibreOffice). Each test renders the
shipped file with docxtpl the way docgen does (autoescape, StrictUndefined, the docgen filter names with
stand-in implementations) and reads the result back with python-docx.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import jinja2
import pytest
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_NAMES = ["application.docx", "feasibility.docx", "plan.docx"]
TRICKY = 'A&B <公司> "测试"'

# The 12 科目 of 附件3 in printed order.
CATEGORIES = [
    "专家费",
    "劳务费",
    "项目执行人员的人工成本",
    "执行项目的培训费",
    "执行项目的场地费",
    "执行项目的餐费",
    "执行项目的交通费",
    "执行项目的通讯费",
    "执行项目的印刷费",
    "执行项目必需器材设备租赁费",
    "执行项目的其他费用",
    "税费",
]
AMOUNTS = {
    "专家费": Decimal("12000"),
    "执行项目的培训费": Decimal("80000"),
    "执行项目的印刷费": Decimal("31456.78"),
}
DETAILS = {
    "专家费": "专家授课 4 学时 × 3000 元\n方案评审 1 次 × 0 元",
    "执行项目的培训费": "培训 200 人 × 2 天 × 200 元",
}


# ----------------------------------------------------------------------------------------------
# Stand-ins for the filters docgen registers (same names, same behaviour on the sample values)
# ----------------------------------------------------------------------------------------------


def wan(amount):
    if amount is None:
        return ""
    text = format((Decimal(amount) / 10000).quantize(Decimal("0.0001")), "f").rstrip("0")
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(2, '0')}"


def yuan(amount):
    return f"¥{Decimal(amount):,.2f}"


DAXIE = {Decimal("123456.78"): "壹拾贰万叁仟肆佰伍拾陆元柒角捌分"}


def daxie(amount):
    return DAXIE[Decimal(amount)]


def cndate(iso):
    day = dt.date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def checked(value, expected):
    return "☑" if value == expected else "☐"


ZH = {
    "enterprise": "大中型企业",
    "association": "行业协会",
    "direct": "申报机构直接实施",
    "third_party": "委托第三方实施",
}


def jinja_env():
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.filters.update(wan=wan, yuan=yuan, daxie=daxie, cndate=cndate, checked=checked, zh=ZH.get)
    return env


def test_stand_in_filters_match_the_contract():
    assert wan(Decimal("123456.78")) == "12.3457"
    assert wan(Decimal("300000")) == "30.00"
    assert wan(None) == ""
    assert cndate("2026-03-01") == "2026年3月1日"


# ----------------------------------------------------------------------------------------------
# Sample context
# ----------------------------------------------------------------------------------------------


def activity(name, date, **extra):
    return {
        "name": name,
        "date": date,
        "place": "呼和浩特市",
        "form": "线上直播",
        "participants": 500,
        **extra,
    }


def sample_context():
    rows = [{"category": c, "detail": DETAILS.get(c, ""), "amount": AMOUNTS.get(c)} for c in CATEGORIES]
    declared = sum(AMOUNTS.values())
    return {
        "policy": {
            "id": "nei-mongol-2020",
            "name": "内蒙古自治区工伤预防实施方案",
            "document": "内人社发〔2020〕16号",
        },
        "period": {
            "start": "2026-03-01",
            "end": "2027-02-28",
            "months": 12,
            "text": "2026年3月1日至2027年2月28日（共12个月）",
        },
        "input_sha256": "0" * 64,
        "applicant": {
            "name": TRICKY,
            "type": "enterprise",
            "credit_code": "91150100MA0N8K2X3B",
            "legal_representative": "王建国",
            "industry": "煤炭开采和洗选业",
            "industry_organization": "内蒙古煤炭工业协会",
            "address": "呼和浩特市新城区某路 1 号",
            "phone": "0471-1234567",
            "profile": "营业收入 12 亿元，从业人员 3200 人。",
            "accident_history": "近三年发生轻伤事故 4 起。",
            "contact": {"name": "李娜", "phone": "13800000000"},
        },
        "project": {
            "name": "煤矿一线职工工伤预防培训项目",
            "summary": "面向井下一线职工开展培训。",
            "implementation": "direct",
            "start_date": "2026-03-01",
            "end_date": "2027-02-28",
        },
        "finance": {"contributions_last_year": Decimal("5000000")},
        "budget": {"items": [{"category": c, "detail": "x", "amount": a} for c, a in AMOUNTS.items()]},
        "budget_table": {
            "rows": rows,
            "declared_total": declared,
            "self_funded": Decimal("20000"),
            "grand_total": declared + Decimal("20000"),
        },
        "feasibility": {
            "organization": {
                "equipment": "培训教室 2 间",
                "technical_staff": "注册安全工程师 6 人",
                "assets": "总资产 30 亿元",
                "business_scope": "煤炭开采",
                "finance": "收支平衡",
                "tax": "依法纳税",
            },
            "leader": {
                "name": "张伟",
                "gender": "男",
                "age": 45,
                "position": "安全副总",
                "professional_title": "高级工程师",
                "major": "采矿工程",
            },
            "background": "背景情况文字",
            "necessity": "必要性文字",
            "feasibility": "可行性文字",
            "risks": "风险文字",
            "risk_measures": "应对措施文字",
            "equipment": [{"name": "VR 安全体验设备", "quantity": 2, "unit": "套", "purpose": "沉浸式培训"}],
            "staff": [
                {
                    "name": "赵敏",
                    "gender": "女",
                    "professional_title": "工程师",
                    "major": "安全工程",
                    "years": 12,
                    "role": "课程设计",
                }
            ],
            "technical": "技术条件文字",
            "hazards": [
                {
                    "hazard": "顶板冒落",
                    "location": "采煤工作面",
                    "consequence": "冒顶片帮",
                    "level": "重大风险",
                    "measures": "加强支护",
                }
            ],
            "accidents": [
                {"date": "2024-05-06", "summary": "运输巷跌倒", "cause": "地面湿滑", "measures": "铺设防滑垫"}
            ],
            "expected": {
                "accident_rate": "事故率下降 20%",
                "awareness": "意识提升文字",
                "training_assessment": "考核合格率 95%",
                "benefits": "效益文字",
            },
        },
        "plan": {
            "background": {
                "urgency": "紧迫性文字",
                "beneficiaries": "受益人群文字",
                "experience": "经验文字",
            },
            "long_term_goal": "长远目标文字",
            "goals": [{"goal": "培训 2000 人次", "measure": "签到表与考试成绩"}],
            "publicity": {
                "online": [activity("安全知识线上答题", "2026-04-01", end_date="2026-04-30", ads="微信公众号推送")],
                "offline": [activity("安全生产月宣传", "2026-06-16", materials="宣传折页 3000 份")],
            },
            "training": [
                {
                    "course": "井下作业安全规程",
                    "date": "2026-05-10",
                    "place": "培训中心",
                    "lecturer": "陈刚",
                    "lecturer_title": "正高级工程师",
                    "participants": 120,
                    "outline": "规程解读与案例",
                }
            ],
            "risks": [{"risk": "疫情影响线下培训", "response": "改为线上直播"}],
            "effects": {"beneficiaries": "直接受益 3200 人", "changes": "行为改变文字", "impact": "影响文字"},
            "team": [
                {
                    "name": "张伟",
                    "position": "项目负责人",
                    "professional_title": "高级工程师",
                    "duty": "统筹协调",
                }
            ],
        },
    }


# ----------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def templates() -> dict[str, Path]:
    return {name: ROOT / "templates" / "zh" / name for name in TEMPLATE_NAMES}


def render(template: Path, context: dict) -> docx.document.Document:
    tpl = DocxTemplate(template)
    tpl.render(context, jinja_env(), autoescape=True)
    buffer = io.BytesIO()
    tpl.save(buffer)
    buffer.seek(0)
    return docx.Document(buffer)


def paragraph_texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def table_rows(table) -> list[list[str]]:
    """Cell texts per row, each merged cell once."""
    rows = []
    for row in table.rows:
        seen, texts = set(), []
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                texts.append(cell.text)
        rows.append(texts)
    return rows


def find_table(document, first_header: str):
    matches = [t for t in document.tables if any(first_header == cell.text for cell in t.rows[0].cells)]
    assert len(matches) == 1, f"expected one table headed {first_header!r}, found {len(matches)}"
    return matches[0]


def all_xml_text(document) -> str:
    parts = [document.element.xml]
    for section in document.sections:
        parts.append(section.footer._element.xml)
    return "".join(parts)


def part_xml(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name))


# ----------------------------------------------------------------------------------------------
# The built templates as Word files
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_every_tag_sits_inside_one_run(templates, name):
    document = docx.Document(templates[name])
    tag = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    tags_seen = 0
    for paragraph in paragraphs:
        in_runs = [t for run in paragraph.runs for t in tag.findall(run.text)]
        assert tag.findall(paragraph.text) == in_runs, paragraph.text
        tags_seen += len(in_runs)
    assert tags_seen > 0


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_every_style_in_use_sets_east_asian_and_latin_fonts(templates, name):
    styles = part_xml(templates[name], "word/styles.xml")
    by_id = {s.get(qn("w:styleId")): s for s in styles.iter(qn("w:style"))}
    used = {"Normal"}  # paragraphs without w:pStyle
    for part in ("word/document.xml", "word/footer1.xml"):
        root = part_xml(templates[name], part)
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle"):
            used |= {el.get(qn("w:val")) for el in root.iter(qn(tag))}
    assert {"Title", "TableText", "TableGrid", "Footer"} <= used
    for style_id in sorted(used):
        fonts = by_id[style_id].find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts is not None, style_id
        assert fonts.get(qn("w:eastAsia")), style_id
        assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == "Times New Roman", style_id
        assert not any("Theme" in key or "theme" in key for key in fonts.attrib), style_id
    default_fonts = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert default_fonts.get(qn("w:eastAsia"))


@pytest.mark.parametrize(
    ("name", "normal_font", "normal_size"),
    [
        ("application.docx", "宋体", 12),
        ("feasibility.docx", "仿宋_GB2312", 16),
        ("plan.docx", "仿宋_GB2312", 16),
    ],
)
def test_house_styles(templates, name, normal_font, normal_size):
    styles = docx.Document(templates[name]).styles

    def east_asia(style_name):
        return styles[style_name].element.rPr.rFonts.get(qn("w:eastAsia"))

    assert (east_asia("Normal"), styles["Normal"].font.size.pt) == (normal_font, normal_size)
    assert (east_asia("Title"), styles["Title"].font.size.pt) == ("方正小标宋简体", 22)
    assert styles["Title"].paragraph_format.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    assert (east_asia("Heading 1"), styles["Heading 1"].font.size.pt) == ("黑体", 16)
    assert (east_asia("Heading 2"), styles["Heading 2"].font.size.pt) == ("楷体_GB2312", 16)


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_page_is_a4_with_official_margins_and_page_number_footer(templates, name):
    document = docx.Document(templates[name])
    (section,) = document.sections
    mm = [
        round(length.mm)
        for length in (
            section.page_width,
            section.page_height,
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ]
    assert mm == [210, 297, 37, 35, 28, 26]
    footer = section.footer._element
    assert [t.text.strip() for t in footer.iter(qn("w:instrText"))] == ["PAGE"]
    assert section.footer.paragraphs[0].text == "— 1 —"
    assert section.header.is_linked_to_previous  # no header part: the header stays empty


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_only_plain_constructs(templates, name):
    body = part_xml(templates[name], "word/document.xml")
    for forbidden in ("w:drawing", "w:pict", "w:txbxContent", "w:sdt", "w:tblpPr", "w:object", "w:framePr"):
        assert next(body.iter(qn(forbidden)), None) is None, forbidden


# ----------------------------------------------------------------------------------------------
# Rendering
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_rendering_leaves_no_template_syntax_and_escapes_values(templates, name):
    document = render(templates[name], sample_context())
    xml = all_xml_text(document)
    assert "{{" not in xml and "{%" not in xml and "%}" not in xml
    texts = paragraph_texts(document) + [c.text for t in document.tables for r in t.rows for c in r.cells]
    if name != "plan.docx":
        assert any(TRICKY in text for text in texts)


@pytest.mark.parametrize(
    ("applicant_type", "implementation", "expected"),
    [
        (
            "enterprise",
            "direct",
            ("大中型企业 ☑　　　　行业协会 ☐", "申报机构直接实施 ☑", "委托第三方实施 ☐"),
        ),
        (
            "association",
            "third_party",
            ("大中型企业 ☐　　　　行业协会 ☑", "申报机构直接实施 ☐", "委托第三方实施 ☑"),
        ),
    ],
    ids=["enterprise-direct", "association-third-party"],
)
def test_application_ticks_the_chosen_boxes(templates, applicant_type, implementation, expected):
    context = sample_context()
    context["applicant"]["type"] = applicant_type
    context["project"]["implementation"] = implementation
    rows = table_rows(render(templates["application.docx"], context).tables[0])
    assert rows[2] == ["申报单位类型", expected[0]]
    assert rows[10] == ["项目实施方式", expected[1]]
    assert rows[11] == ["项目实施方式", expected[2]]  # vertically merged label


def test_application_form_fields(templates):
    document = render(templates["application.docx"], sample_context())
    assert paragraph_texts(document)[:2] == ["附件1", "各盟、市行业协会/大中型企业\n工伤预防项目申请表"]
    assert len(document.tables) == 1
    rows = table_rows(document.tables[0])
    assert rows[0] == ["单位名称", TRICKY]
    assert rows[1] == ["项目名称", "煤矿一线职工工伤预防培训项目"]
    assert rows[3] == ["行 业", "煤炭开采和洗选业"]
    assert rows[4] == [
        "行业组织",
        "内蒙古煤炭工业协会",
        "法定代表人",
        "王建国",
        "组织机构代码",
        "91150100MA0N8K2X3B",
    ]
    assert rows[5] == [
        "企业简介（详细描述企业营业收入、纳税、从业人员、规模等基本情况）：\n营业收入 12 亿元，从业人员 3200 人。"
    ]
    assert rows[6] == ["企业过往工伤事故综述：\n近三年发生轻伤事故 4 起。"]
    assert rows[7] == [
        "项目简介（概述项目希望解决的问题，以及计划通过何种方式达到什么目标？）\n面向井下一线职工开展培训。"
    ]
    assert rows[8] == ["上年度缴纳工伤基金总额（万元）", "500.00"]
    assert rows[9] == ["项目预算（万元，不高于年缴纳工伤基金总额的 3%）", "12.3457"]
    assert rows[12] == ["实施周期", "2026年3月1日至2027年2月28日（共12个月）"]
    assert rows[13] == ["联系人", "李娜", "联系电话", "13800000000"]
    assert rows[14] == ["申请单位意见：\n\n\n公章：\n负责人：\n日期："]
    assert rows[15] == ["联席会议意见\n\n\n公章：\n负责人：\n日期："]
    assert len(rows) == 16


def test_application_optional_industry_organisation_may_be_absent(templates):
    context = sample_context()
    del context["applicant"]["industry_organization"]
    rows = table_rows(render(templates["application.docx"], context).tables[0])
    assert rows[4][:2] == ["行业组织", ""]


def test_application_notes_as_printed(templates):
    texts = paragraph_texts(render(templates["application.docx"], sample_context()))
    assert texts[-4:] == [
        "填表说明：",
        "1、此表由行业协会/大中型企业在申请工伤预防项目时使用。",
        "2、此表后需附《可行性研究报告》《工伤预防项目实施方案》。",
        "3、此表一式两份，申报单位、工伤保险经办机构各一份。",
    ]


FEASIBILITY_HEADINGS = [
    "一、基本情况",
    "（一）工伤预防项目基本情况",
    "（二）工伤预防项目负责人基本情况",
    "二、必要性和可行性",
    "（一）工伤预防项目开展的背景情况",
    "（二）工伤预防项目开展的必要性",
    "（三）工伤预防项目开展的可行性",
    "（四）项目实施风险及不确定性",
    "三、实施条件",
    "（一）硬件设备",
    "（二）人员条件",
    "（三）技术条件",
    "（四）软件条件",
    "（五）事故分析条件",
    "四、预期效果",
    "（一）工伤事故发生率降低情况",
    "（二）企业从业人员安全意识提升、企业现场改善、企业管理体系建设情况",
    "（三）培训效果评估、培训成绩情况",
    "（四）取得的社会经济效益情况",
]


def headings(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


def test_feasibility_report_parts_and_tables(templates):
    document = render(templates["feasibility.docx"], sample_context())
    texts = paragraph_texts(document)
    assert texts[1] == "煤矿一线职工工伤预防培训项目可行性研究报告"
    assert texts[2] == f"申报单位：{TRICKY}"
    assert headings(document) == FEASIBILITY_HEADINGS
    for line in [
        "法人：王建国",
        "地址：呼和浩特市新城区某路 1 号",
        "设备条件：培训教室 2 间",
        "税务情况：依法纳税",
        "实施过程存在的主要风险与不确定性分析：风险文字",
        "对风险的应对措施：应对措施文字",
        "考核合格率 95%",
    ]:
        assert line in texts
    assert table_rows(find_table(document, "年龄")) == [
        ["姓名", "性别", "年龄", "职务", "职称", "专业"],
        ["张伟", "男", "45", "安全副总", "高级工程师", "采矿工程"],
    ]
    assert table_rows(find_table(document, "规格型号")) == [
        ["序号", "名称", "规格型号", "数量", "用途"],
        ["1", "VR 安全体验设备", "", "2套", "沉浸式培训"],
    ]
    assert table_rows(find_table(document, "工作年限"))[1] == [
        "赵敏",
        "女",
        "工程师",
        "安全工程",
        "12年",
        "课程设计",
    ]
    assert table_rows(find_table(document, "危险源"))[1] == [
        "1",
        "顶板冒落",
        "采煤工作面",
        "冒顶片帮",
        "重大风险",
        "加强支护",
    ]
    assert table_rows(find_table(document, "发生日期")) == [
        ["发生日期", "事故经过", "原因分析", "整改措施"],
        ["2024年5月6日", "运输巷跌倒", "地面湿滑", "铺设防滑垫"],
    ]
    assert "近年未发生工伤事故。" not in texts


def test_feasibility_without_accidents_says_so_instead_of_a_table(templates):
    context = sample_context()
    context["feasibility"]["accidents"] = []
    document = render(templates["feasibility.docx"], context)
    assert "近年未发生工伤事故。" in paragraph_texts(document)
    assert not [t for t in document.tables if t.rows[0].cells[0].text == "发生日期"]


PLAN_HEADINGS = [
    "一、项目背景",
    "（一）项目具体实施行业、区域需求的紧迫性分析",
    "（二）本项目受益人群的数量、基本特征、具体需求",
    "（三）与开展本项目相关的项目经验支撑",
    "二、项目方案",
    "（一）项目长远目标",
    "（二）项目近期目标",
    "（三）项目实施方案和进度安排",
    "1、宣传类项目",
    "（1）线上活动",
    "（2）线下活动",
    "2、培训类项目",
    "（四）风险分析及应对预案",
    "（五）项目预期成效",
    "1、直接受益人群和人数、间接受益人群和数量",
    "2、对受益人群行为能力/心理状况等方面带来的改变",
    "3、对重点行业、企业、工种带来的影响",
    "三、项目团队分工",
    "四、项目预算",
]


def test_plan_parts_and_tables(templates):
    document = render(templates["plan.docx"], sample_context())
    assert paragraph_texts(document)[1] == "煤矿一线职工工伤预防培训项目实施方案"
    assert headings(document) == PLAN_HEADINGS
    assert table_rows(find_table(document, "目标（聚焦、具体、可衡量）")) == [
        ["目标（聚焦、具体、可衡量）", "目标达成情况的衡量方法"],
        ["培训 2000 人次", "签到表与考试成绩"],
    ]
    online, offline = [t for t in document.tables if t.rows[0].cells[0].text == "活动名称"]
    assert table_rows(online)[1] == [
        "安全知识线上答题",
        "2026年4月1日至2026年4月30日",
        "呼和浩特市",
        "线上直播",
        "500",
        "",
        "微信公众号推送",
    ]
    assert table_rows(offline)[1][:2] == ["安全生产月宣传", "2026年6月16日"]
    assert table_rows(offline)[1][5] == "宣传折页 3000 份"
    assert table_rows(find_table(document, "讲师专业职称"))[1] == [
        "井下作业安全规程",
        "2026年5月10日",
        "培训中心",
        "陈刚",
        "正高级工程师",
        "120",
        "规程解读与案例",
    ]
    assert table_rows(find_table(document, "应对预案"))[1] == ["疫情影响线下培训", "改为线上直播"]
    assert table_rows(find_table(document, "职责分工")) == [
        ["姓名", "职务", "专业职称", "职责分工"],
        ["张伟", "项目负责人", "高级工程师", "统筹协调"],
    ]


def test_plan_budget_table_as_printed(templates):
    document = render(templates["plan.docx"], sample_context())
    rows = table_rows(find_table(document, "申报资金"))
    assert rows[:3] == [
        ["申报资金", "（万元）", "12.3457"],
        ["申报资金预算支出明细"],
        ["科 目", "明 细", "金额（万元）"],
    ]
    assert [row[0] for row in rows[3:15]] == CATEGORIES
    amounts = {row[0]: row[2] for row in rows[3:15]}
    assert amounts == {
        c: {"专家费": "1.20", "执行项目的培训费": "8.00", "执行项目的印刷费": "3.1457"}.get(c, "") for c in CATEGORIES
    }
    assert rows[3][1] == "专家授课 4 学时 × 3000 元\n方案评审 1 次 × 0 元"  # \n becomes a line break
    assert rows[15:] == [["申报资金支出合计", "", "12.3457"], ["资金支出合计", "", "14.3457"]]
    texts = paragraph_texts(document)
    assert "申报资金合计（大写）：人民币壹拾贰万叁仟肆佰伍拾陆元柒角捌分" in texts
    assert texts[-6:] == [
        "预算编制要求：",
        "1.项目支出应当用于受益对象和开展活动，以受益对象和活动为基础编列预算，预算需列明受益人数、人次、支出标准或"
        "单次服务金额等，预算的人数和标准应符合实际，并接受社会监督。",
        "2.培训费用标准应参照《中央和国家机关培训费管理办法》执行。",
        "3.项目活动确需印刷费、宣传费的，应列明费用的种类、标准和金额。",
        "4.立项单位工伤预防费用必须用于培训和宣传项目，不得用作其他用途。",
        "5.项目预算是否合理、节约，将作为项目评审的重要指标之一。",
    ]


def test_plan_empty_activity_lists_are_stated(templates):
    context = copy.deepcopy(sample_context())
    context["plan"]["publicity"] = {"online": [], "offline": []}
    context["plan"]["training"] = []
    document = render(templates["plan.docx"], context)
    texts = paragraph_texts(document)
    assert {"本项目不开展线上活动。", "本项目不开展线下活动。", "本项目不开展培训类活动。"} <= set(texts)
    assert not [t for t in document.tables if t.rows[0].cells[0].text in ("活动名称", "课程")]
