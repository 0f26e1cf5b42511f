"""Build the shipped docxtpl templates (templates/zh/*.docx) from readable Python.

Run ``python templates/build.py`` (or ``make templates``) after changing this file; the .docx files are
generated artefacts, edit them here rather than in Word.

The three documents reproduce the forms of 内人社发〔2020〕16号 附件1–3 (seed 002):

* ``application.docx`` — 附件1 各盟、市行业协会/大中型企业工伤预防项目申请表
* ``feasibility.docx`` — 附件2 可行性研究报告（提纲）
* ``plan.docx``        — 附件3 大中型企业工伤预防实施方案（框架模板）

Conventions the templates rely on (see the context contract in the renderer):

* every docxtpl tag is written with a single ``add_run`` call, so it never straddles runs;
* table loops use ``{%tr for … %}`` / ``{%tr endfor %}`` rows, paragraph conditionals ``{%p … %}``;
* optional record fields are read with ``x.get('field', '')`` because rendering uses StrictUndefined;
* only plain constructs: styles, tables (Table Grid, gridSpan/vMerge), one section, a PAGE-field footer.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Length, Mm, Pt, RGBColor
from docx.styles.style import BaseStyle, StyleFactory
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from lxml import etree

OUT_DIR = Path(__file__).resolve().parent / "zh"

LATIN_FONT = "Times New Roman"
FIXED_TIME = dt.datetime(2020, 11, 16, tzinfo=dt.UTC)  # date of 内人社发〔2020〕16号
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

# Style names used by the templates. Built-in Word styles keep their English names (Word shows them
# localised, e.g. 标题 1); the custom ones are ours.
NORMAL = "Normal"
BODY = "Body Text"
TITLE = "Title"
SUBTITLE = "Subtitle"
H1, H2, H3, H4 = "Heading 1", "Heading 2", "Heading 3", "Heading 4"
FOOTER = "Footer"
ATTACHMENT = "Attachment Label"
TABLE_TEXT = "Table Text"
TABLE_LABEL = "Table Label"
TABLE_HEADING = "Table Heading"
TABLE_GRID = "Table Grid"


# --------------------------------------------------------------------------------------------------
# Styles
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StyleSpec:
    """Font and paragraph settings for one style; ``None`` leaves a setting to the base style."""

    east_asia: str
    size: float
    bold: bool = False
    align: WD_ALIGN_PARAGRAPH | None = None
    first_line_indent: Length | None = None
    line_exact: float | None = None  # points; None means single spacing
    space_before: float = 0
    space_after: float = 0
    outline_level: int | None = None
    keep_with_next: bool = False


def report_styles() -> dict[str, StyleSpec]:
    """Styles of the two reports (附件2, 附件3): 仿宋_GB2312 三号 body on a 28-point line, as in 公文."""
    indent = Pt(32)  # two characters of 三号
    heading = {"first_line_indent": indent, "line_exact": 28, "keep_with_next": True}
    return {
        NORMAL: StyleSpec("仿宋_GB2312", 16, line_exact=28),
        BODY: StyleSpec("仿宋_GB2312", 16, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line_indent=indent, line_exact=28),
        TITLE: StyleSpec("方正小标宋简体", 22, align=WD_ALIGN_PARAGRAPH.CENTER, space_before=16, space_after=16),
        SUBTITLE: StyleSpec("楷体_GB2312", 16, align=WD_ALIGN_PARAGRAPH.CENTER, line_exact=28),
        H1: StyleSpec("黑体", 16, outline_level=0, **heading),
        H2: StyleSpec("楷体_GB2312", 16, outline_level=1, **heading),
        H3: StyleSpec("仿宋_GB2312", 16, bold=True, outline_level=2, **heading),
        H4: StyleSpec("仿宋_GB2312", 16, outline_level=3, **heading),
        ATTACHMENT: StyleSpec("黑体", 16, line_exact=28),
        **table_styles(),
        FOOTER: StyleSpec("宋体", 14, align=WD_ALIGN_PARAGRAPH.CENTER),
    }


def form_styles() -> dict[str, StyleSpec]:
    """Styles of the application form (附件1): 宋体 小四 around one bordered table."""
    styles = report_styles()
    styles.update(
        {
            NORMAL: StyleSpec("宋体", 12),
            BODY: StyleSpec("宋体", 12, line_exact=22),
            ATTACHMENT: StyleSpec("黑体", 16),
            TITLE: StyleSpec("方正小标宋简体", 22, align=WD_ALIGN_PARAGRAPH.CENTER, space_before=8, space_after=16),
        }
    )
    return styles


def table_styles() -> dict[str, StyleSpec]:
    """Cell paragraph styles, shared by all documents.

    五号 (10.5 pt) so that the 申请表 row 行业组织 | 法定代表人 | 组织机构代码 keeps an 18-character
    统一社会信用代码 on one line within the 156 mm text width, and the seven-column activity tables stay
    readable.
    """
    return {
        TABLE_TEXT: StyleSpec("宋体", 10.5),
        TABLE_LABEL: StyleSpec("宋体", 10.5, align=WD_ALIGN_PARAGRAPH.CENTER),
        TABLE_HEADING: StyleSpec("宋体", 10.5, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER),
    }


def define_styles(doc: DocxDocument, specs: dict[str, StyleSpec]) -> None:
    """Create or reset every style in ``specs`` and give the table style the table text fonts."""
    set_document_defaults(doc, specs[NORMAL].east_asia)
    for name, spec in specs.items():
        style = get_or_add_paragraph_style(doc, name)
        reset_style(style)
        apply_spec(style, spec)
        sync_linked_character_style(doc, style, spec)
    for name in (H1, H2, H3, H4):
        doc.styles[name].next_paragraph_style = doc.styles[BODY]  # Enter after a heading starts body text
    set_fonts(doc.styles[TABLE_GRID], specs[TABLE_TEXT].east_asia)


def get_or_add_paragraph_style(doc: DocxDocument, name: str) -> BaseStyle:
    """Return the paragraph style ``name``, adding a custom one based on Normal when missing."""
    if name in doc.styles:
        return doc.styles[name]
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[TABLE_TEXT] if name in (TABLE_LABEL, TABLE_HEADING) else doc.styles[NORMAL]
    style.quick_style = True
    return style


def sync_linked_character_style(doc: DocxDocument, style: BaseStyle, spec: StyleSpec) -> None:
    """Give the linked character style (e.g. "Title Char", used when a style is applied to part of a
    paragraph) the same font and size instead of the default template's theme fonts."""
    link = style.element.find(qn("w:link"))
    if link is None:
        return
    linked = StyleFactory(doc.styles.element.get_by_id(link.get(qn("w:val"))))
    reset_style(linked)
    set_fonts(linked, spec.east_asia)
    linked.font.size = Pt(spec.size)
    linked.font.bold = spec.bold


def reset_style(style: BaseStyle) -> None:
    """Drop the default template's formatting (theme fonts, colours, borders) from ``style``."""
    for tag in ("w:pPr", "w:rPr"):
        for child in style.element.findall(qn(tag)):
            style.element.remove(child)


def apply_spec(style: BaseStyle, spec: StyleSpec) -> None:
    """Write ``spec`` into ``style`` through python-docx where it has an API."""
    set_fonts(style, spec.east_asia)
    style.font.size = Pt(spec.size)
    style.font.bold = spec.bold
    fmt = style.paragraph_format
    fmt.alignment = spec.align
    fmt.first_line_indent = spec.first_line_indent if spec.first_line_indent is not None else Pt(0)
    fmt.space_before = Pt(spec.space_before)
    fmt.space_after = Pt(spec.space_after)
    if spec.line_exact is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(spec.line_exact)
    fmt.keep_with_next = spec.keep_with_next or None
    if spec.outline_level is not None:
        set_outline_level(style, spec.outline_level)


def set_fonts(style: BaseStyle, east_asia: str) -> None:
    """Set Latin and East Asian fonts explicitly; theme font attributes would override them."""
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "cs"):
        rfonts.set(qn(f"w:{attr}"), LATIN_FONT)
    rfonts.set(qn("w:eastAsia"), east_asia)


def set_outline_level(style: BaseStyle, level: int) -> None:
    """Mark a heading style for Word's navigation pane (python-docx has no API for w:outlineLvl)."""
    ppr = style.element.get_or_add_pPr()
    outline = OxmlElement("w:outlineLvl", attrs={qn("w:val"): str(level)})
    ppr.insert_element_before(outline, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def set_document_defaults(doc: DocxDocument, east_asia: str) -> None:
    """Replace the theme fonts and en-US language of w:docDefaults with explicit Chinese settings."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rfonts = rpr.find(qn("w:rFonts"))
    rfonts.attrib.clear()
    for attr in ("ascii", "hAnsi", "cs"):
        rfonts.set(qn(f"w:{attr}"), LATIN_FONT)
    rfonts.set(qn("w:eastAsia"), east_asia)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.attrib.clear()
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")


# --------------------------------------------------------------------------------------------------
# Page setup and footer
# --------------------------------------------------------------------------------------------------


def set_up_page(section: Section) -> None:
    """A4 portrait with the margins of Chinese official documents (GB/T 9704 版心 156 × 225 mm)."""
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(23)


def add_page_number_footer(section: Section) -> None:
    """Footer "— 1 —": a centred PAGE field between em dashes; the header stays empty."""
    section.header.is_linked_to_previous = True
    paragraph = section.footer.paragraphs[0]
    paragraph.style = FOOTER
    paragraph.add_run("— ")
    add_field(paragraph, "PAGE")
    paragraph.add_run(" —")


def add_field(paragraph: Paragraph, instruction: str) -> None:
    """Append a complex field (begin / instrText / separate / result / end), as Word writes it."""
    for kind in ("begin", "instr", "separate", "result", "end"):
        run = paragraph.add_run()
        if kind == "instr":
            text = OxmlElement("w:instrText", attrs={qn("xml:space"): "preserve"})
            text.text = f" {instruction} "
            run._r.append(text)
        elif kind == "result":
            run.text = "1"
        else:
            run._r.append(OxmlElement("w:fldChar", attrs={qn("w:fldCharType"): kind}))


# --------------------------------------------------------------------------------------------------
# Paragraphs
# --------------------------------------------------------------------------------------------------


def para(container, style: str, *parts: str) -> Paragraph:
    """Add a paragraph made of ``parts``; each part (literal text or one docxtpl tag) is one run."""
    paragraph = container.add_paragraph(style=style)
    add_runs(paragraph, parts)
    return paragraph


def add_runs(paragraph: Paragraph, parts) -> None:
    """Append one run per part, so a tag is never split over runs."""
    for part in parts:
        paragraph.add_run(part)


def heading(doc: DocxDocument, style: str, text: str) -> Paragraph:
    """Add a heading paragraph (一、… / （一）… / 1、… / （1）…)."""
    return para(doc, style, text)


def headed_texts(doc: DocxDocument, level: str, var: str, items: list[tuple[str, str]]) -> None:
    """Sub-headings of one level, each followed by the text field ``var.key`` it introduces."""
    for title, key in items:
        heading(doc, level, title)
        para(doc, BODY, f"{{{{ {var}.{key} }}}}")


def field(doc: DocxDocument, caption: str, tag: str) -> Paragraph:
    """Add a body paragraph "caption：value" with the value as one tag run."""
    return para(doc, BODY, f"{caption}：", tag)


def tag_line(container, tag: str) -> Paragraph:
    """Add a paragraph holding only a ``{%p … %}`` tag; docxtpl removes the whole paragraph."""
    return para(container, BODY, tag)


# --------------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One cell of a table row: its runs, how many grid columns it spans, its paragraph style."""

    parts: tuple[str, ...]
    span: int = 1
    style: str = TABLE_TEXT


def label(text: str, span: int = 1) -> Cell:
    """A centred label cell, e.g. 单位名称."""
    return Cell((text,), span, TABLE_LABEL)


def value(*parts: str, span: int = 1) -> Cell:
    """A left-aligned value cell; ``parts`` are literal text and tags, one run each."""
    return Cell(parts, span, TABLE_TEXT)


def centred(*parts: str, span: int = 1) -> Cell:
    """A centred value cell, for numbers and dates."""
    return Cell(parts, span, TABLE_LABEL)


def blank(span: int = 1) -> Cell:
    """An empty cell (no runs, so a vertical merge into it moves nothing)."""
    return Cell((), span, TABLE_TEXT)


def header(text: str) -> Cell:
    """A bold column-heading cell."""
    return Cell((text,), 1, TABLE_HEADING)


def new_table(doc: DocxDocument, widths_cm: list[float]) -> Table:
    """Add an empty fixed-layout Table Grid table whose columns have ``widths_cm``."""
    table = doc.add_table(rows=0, cols=len(widths_cm))
    table.style = TABLE_GRID
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    return table


def add_row(table: Table, *cells: Cell, height_cm: float | None = None) -> _Row:
    """Append a row; cells spanning several grid columns are merged (w:gridSpan) before filling."""
    if sum(cell.span for cell in cells) != len(table.columns):
        raise ValueError(f"row spans {[c.span for c in cells]} do not fill {len(table.columns)} columns")
    row = table.add_row()
    index = len(table.rows) - 1
    col = 0
    for cell in cells:
        target = table.cell(index, col)
        if cell.span > 1:
            target = target.merge(table.cell(index, col + cell.span - 1))
        fill(target, cell)
        col += cell.span
    if height_cm is not None:
        row.height = Cm(height_cm)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    return row


def fill(target: _Cell, cell: Cell) -> None:
    """Write a cell's runs into its first paragraph and centre it vertically."""
    paragraph = target.paragraphs[0]
    paragraph.style = cell.style
    add_runs(paragraph, cell.parts)
    target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def repeat_as_header(row: _Row) -> None:
    """Repeat ``row`` at the top of each page the table runs onto (no python-docx API for w:tblHeader)."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def tag_row(table: Table, tag: str) -> None:
    """Add a full-width row holding one ``{%tr … %}`` tag; docxtpl removes the whole row."""
    add_row(table, value(tag, span=len(table.columns)))


def list_table(doc: DocxDocument, columns: list[tuple[str, float]], loop: str, cells: list[Cell]) -> Table:
    """A table with a heading row and one data row repeated by ``{%tr for loop %}``."""
    table = new_table(doc, [width for _, width in columns])
    repeat_as_header(add_row(table, *(header(title) for title, _ in columns)))
    tag_row(table, f"{{%tr for {loop} %}}")
    add_row(table, *cells)
    tag_row(table, "{%tr endfor %}")
    return table


def dated(var: str) -> tuple[str, ...]:
    """Runs of a 时间 cell: start date, then "至<end>" only when the record has a later end date."""
    return (
        f"{{{{ {var}.date|cndate }}}}",
        f"{{% if {var}.get('end_date', {var}.date) != {var}.date %}}",
        "至",
        f"{{{{ {var}.end_date|cndate }}}}",
        "{% endif %}",
    )


# --------------------------------------------------------------------------------------------------
# 附件1 申请表
# --------------------------------------------------------------------------------------------------

# Grid of the form: label | value | label | value | label | value (cm, total 15.6 = text width).
FORM_GRID = [2.6, 2.3, 2.0, 1.7, 2.4, 4.6]
FORM_NOTES = [
    "1、此表由行业协会/大中型企业在申请工伤预防项目时使用。",
    "2、此表后需附《可行性研究报告》《工伤预防项目实施方案》。",
    "3、此表一式两份，申报单位、工伤保险经办机构各一份。",
]


def build_application() -> DocxDocument:
    """附件1 各盟、市行业协会/大中型企业工伤预防项目申请表."""
    doc = new_document(form_styles(), title="工伤预防项目申请表")
    para(doc, ATTACHMENT, "附件1")
    title = para(doc, TITLE, "各盟、市行业协会/大中型企业")
    title.add_run().add_break()
    title.add_run("工伤预防项目申请表")
    table = new_table(doc, FORM_GRID)
    add_identity_rows(table)
    add_description_rows(table)
    add_money_rows(table)
    add_implementation_rows(table)
    add_opinion_rows(table)
    para(doc, NORMAL, "")
    para(doc, BODY, "填表说明：")
    for note in FORM_NOTES:
        para(doc, BODY, note)
    return doc


def add_identity_rows(table: Table) -> None:
    """单位名称 … 组织机构代码."""
    row = 0.9
    add_row(table, label("单位名称"), value("{{ applicant.name }}", span=5), height_cm=row)
    add_row(table, label("项目名称"), value("{{ project.name }}", span=5), height_cm=row)
    add_row(
        table,
        label("申报单位类型"),
        value(
            "大中型企业 ",
            "{{ applicant.type|checked('enterprise') }}",
            "　　　　行业协会 ",
            "{{ applicant.type|checked('association') }}",
            span=5,
        ),
        height_cm=row,
    )
    add_row(table, label("行 业"), value("{{ applicant.industry }}", span=5), height_cm=row)
    add_row(
        table,
        label("行业组织"),
        value("{{ applicant.get('industry_organization', '') }}"),
        label("法定代表人"),
        value("{{ applicant.legal_representative }}"),
        label("组织机构代码"),
        value("{{ applicant.credit_code }}"),
        height_cm=row,
    )


def add_description_rows(table: Table) -> None:
    """The three full-width text boxes: 企业简介, 企业过往工伤事故综述, 项目简介."""
    boxes = [
        ("企业简介（详细描述企业营业收入、纳税、从业人员、规模等基本情况）：", "{{ applicant.profile }}"),
        ("企业过往工伤事故综述：", "{{ applicant.accident_history }}"),
        ("项目简介（概述项目希望解决的问题，以及计划通过何种方式达到什么目标？）", "{{ project.summary }}"),
    ]
    for caption, tag in boxes:
        row = add_row(table, value(caption, span=6), height_cm=4.0)
        cell = row.cells[0]
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        para(cell, TABLE_TEXT, tag)


def add_money_rows(table: Table) -> None:
    """上年度缴纳工伤基金总额 and 项目预算, both in 万元."""
    add_row(
        table,
        label("上年度缴纳工伤基金总额（万元）", span=5),
        centred("{{ finance.contributions_last_year|wan }}"),
        height_cm=0.9,
    )
    add_row(
        table,
        label("项目预算（万元，不高于年缴纳工伤基金总额的 3%）", span=5),
        centred("{{ budget_table.declared_total|wan }}"),
        height_cm=0.9,
    )


def add_implementation_rows(table: Table) -> None:
    """项目实施方式 (label merged over two option rows), 实施周期, 联系人 | 联系电话."""
    first = add_row(
        table,
        label("项目实施方式"),
        value("申报机构直接实施 ", "{{ project.implementation|checked('direct') }}", span=5),
        height_cm=0.9,
    )
    add_row(
        table,
        blank(),
        value("委托第三方实施 ", "{{ project.implementation|checked('third_party') }}", span=5),
        height_cm=0.9,
    )
    top = first.cells[0]
    top.merge(table.cell(len(table.rows) - 1, 0))
    add_row(table, label("实施周期"), value("{{ period.text }}", span=5), height_cm=0.9)
    add_row(
        table,
        label("联系人"),
        value("{{ applicant.contact.name }}", span=3),
        label("联系电话"),
        value("{{ applicant.contact.phone }}"),
        height_cm=0.9,
    )


def add_opinion_rows(table: Table) -> None:
    """申请单位意见 and 联席会议意见: blank signing areas with 公章 / 负责人 / 日期 lines."""
    for caption in ("申请单位意见：", "联席会议意见"):
        row = add_row(table, value(caption, span=6), height_cm=4.2)
        cell = row.cells[0]
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        for _ in range(2):
            para(cell, TABLE_TEXT, "")
        for line in ("公章：", "负责人：", "日期："):
            signing = para(cell, TABLE_TEXT, line)
            signing.paragraph_format.left_indent = Cm(9)
            signing.paragraph_format.space_before = Pt(6)


# --------------------------------------------------------------------------------------------------
# 附件2 可行性研究报告
# --------------------------------------------------------------------------------------------------


def build_feasibility() -> DocxDocument:
    """附件2 可行性研究报告 following the 提纲."""
    doc = new_document(report_styles(), title="可行性研究报告")
    para(doc, ATTACHMENT, "附件2")
    para(doc, TITLE, "{{ project.name }}", "可行性研究报告")
    para(doc, SUBTITLE, "申报单位：", "{{ applicant.name }}")
    para(doc, SUBTITLE, "编制日期：　　　　年　　月　　日")
    add_basic_situation(doc)
    add_necessity(doc)
    add_conditions(doc)
    add_expected_effects(doc)
    return doc


def add_basic_situation(doc: DocxDocument) -> None:
    """一、基本情况: the organisation and the project leader."""
    heading(doc, H1, "一、基本情况")
    heading(doc, H2, "（一）工伤预防项目基本情况")
    organisation = "feasibility.organization"
    for caption, tag in [
        ("申报组织或机构名称", "{{ applicant.name }}"),
        ("法人", "{{ applicant.legal_representative }}"),
        ("地址", "{{ applicant.get('address', '') }}"),
        ("电话", "{{ applicant.get('phone', '') }}"),
        ("设备条件", f"{{{{ {organisation}.equipment }}}}"),
        ("技术人员", f"{{{{ {organisation}.technical_staff }}}}"),
        ("资产规模", f"{{{{ {organisation}.assets }}}}"),
        ("业务范围", f"{{{{ {organisation}.business_scope }}}}"),
        ("财务收支", f"{{{{ {organisation}.finance }}}}"),
        ("税务情况", f"{{{{ {organisation}.tax }}}}"),
    ]:
        field(doc, caption, tag)
    heading(doc, H2, "（二）工伤预防项目负责人基本情况")
    leader = "feasibility.leader"
    table = new_table(doc, [2.6] * 6)
    add_row(table, *(header(t) for t in ("姓名", "性别", "年龄", "职务", "职称", "专业")))
    add_row(
        table,
        centred(f"{{{{ {leader}.name }}}}"),
        centred(f"{{{{ {leader}.get('gender', '') }}}}"),
        centred(f"{{{{ {leader}.get('age', '') }}}}"),
        centred(f"{{{{ {leader}.position }}}}"),
        centred(f"{{{{ {leader}.professional_title }}}}"),
        centred(f"{{{{ {leader}.get('major', '') }}}}"),
    )
    field(doc, "历年项目负责情况，与项目相关的主要情况", f"{{{{ {leader}.get('experience', '') }}}}")


def add_necessity(doc: DocxDocument) -> None:
    """二、必要性和可行性."""
    heading(doc, H1, "二、必要性和可行性")
    heading(doc, H2, "（一）工伤预防项目开展的背景情况")
    para(doc, BODY, "{{ feasibility.background }}")
    heading(doc, H2, "（二）工伤预防项目开展的必要性")
    para(doc, BODY, "{{ feasibility.necessity }}")
    heading(doc, H2, "（三）工伤预防项目开展的可行性")
    para(doc, BODY, "{{ feasibility.feasibility }}")
    heading(doc, H2, "（四）项目实施风险及不确定性")
    field(doc, "实施过程存在的主要风险与不确定性分析", "{{ feasibility.risks }}")
    field(doc, "对风险的应对措施", "{{ feasibility.risk_measures }}")


def add_conditions(doc: DocxDocument) -> None:
    """三、实施条件: equipment, staff, technique, hazard register, accident investigations."""
    heading(doc, H1, "三、实施条件")
    heading(doc, H2, "（一）硬件设备")
    para(doc, BODY, "项目开展需要的各种设备和场地见下表（设备设施清单）。")
    list_table(
        doc,
        [("序号", 1.4), ("名称", 3.8), ("规格型号", 3.4), ("数量", 2.0), ("用途", 5.0)],
        "item in feasibility.equipment",
        [
            centred("{{ loop.index }}"),
            value("{{ item.name }}"),
            value("{{ item.get('spec', '') }}"),
            centred("{{ item.quantity }}", "{{ item.get('unit', '') }}"),
            value("{{ item.purpose }}"),
        ],
    )
    heading(doc, H2, "（二）人员条件")
    para(doc, BODY, "项目负责人及主要技术人员情况见下表（技术人员简介和职称复印件附后）。")
    list_table(
        doc,
        [("姓名", 2.2), ("性别", 1.4), ("职称", 2.8), ("专业", 2.8), ("工作年限", 2.0), ("项目职责", 4.4)],
        "person in feasibility.staff",
        [
            centred("{{ person.name }}"),
            centred("{{ person.get('gender', '') }}"),
            value("{{ person.professional_title }}"),
            value("{{ person.major }}"),
            centred("{{ person.years }}", "年"),
            value("{{ person.get('role', '') }}"),
        ],
    )
    heading(doc, H2, "（三）技术条件")
    para(doc, BODY, "{{ feasibility.technical }}")
    add_hazard_register(doc)
    add_accident_analysis(doc)


def add_hazard_register(doc: DocxDocument) -> None:
    """（四）软件条件: the 危险源辨识和风险评估清单."""
    heading(doc, H2, "（四）软件条件")
    para(doc, BODY, "企业开展了危险源辨识和风险评估，危险源辨识和风险评估清单见下表。")
    list_table(
        doc,
        [
            ("序号", 1.2),
            ("危险源", 2.8),
            ("场所/岗位", 2.4),
            ("可能导致的事故", 2.8),
            ("风险等级", 2.0),
            ("管控措施", 4.4),
        ],
        "hazard in feasibility.hazards",
        [
            centred("{{ loop.index }}"),
            value("{{ hazard.hazard }}"),
            value("{{ hazard.location }}"),
            value("{{ hazard.consequence }}"),
            centred("{{ hazard.level }}"),
            value("{{ hazard.measures }}"),
        ],
    )


def add_accident_analysis(doc: DocxDocument) -> None:
    """（五）事故分析条件: the investigated accidents, or a statement that there were none."""
    heading(doc, H2, "（五）事故分析条件")
    tag_line(doc, "{%p if feasibility.accidents %}")
    para(doc, BODY, "企业对历年发生的工伤事故进行了事故调查、原因分析，情况见下表（事故调查报告附后）。")
    list_table(
        doc,
        [("发生日期", 2.8), ("事故经过", 4.6), ("原因分析", 4.0), ("整改措施", 4.2)],
        "accident in feasibility.accidents",
        [
            centred("{{ accident.date|cndate }}"),
            value("{{ accident.summary }}"),
            value("{{ accident.cause }}"),
            value("{{ accident.measures }}"),
        ],
    )
    tag_line(doc, "{%p else %}")
    para(doc, BODY, "近年未发生工伤事故。")
    tag_line(doc, "{%p endif %}")


def add_expected_effects(doc: DocxDocument) -> None:
    """四、预期效果."""
    heading(doc, H1, "四、预期效果")
    headed_texts(doc, H2, "feasibility.expected", [
        ("（一）工伤事故发生率降低情况", "accident_rate"),
        ("（二）企业从业人员安全意识提升、企业现场改善、企业管理体系建设情况", "awareness"),
        ("（三）培训效果评估、培训成绩情况", "training_assessment"),
        ("（四）取得的社会经济效益情况", "benefits"),
    ])


# --------------------------------------------------------------------------------------------------
# 附件3 实施方案
# --------------------------------------------------------------------------------------------------

BUDGET_GRID = [4.2, 8.4, 3.0]
BUDGET_RULES = [
    "1.项目支出应当用于受益对象和开展活动，以受益对象和活动为基础编列预算，预算需列明受益人数、人次、"
    "支出标准或单次服务金额等，预算的人数和标准应符合实际，并接受社会监督。",
    "2.培训费用标准应参照《中央和国家机关培训费管理办法》执行。",
    "3.项目活动确需印刷费、宣传费的，应列明费用的种类、标准和金额。",
    "4.立项单位工伤预防费用必须用于培训和宣传项目，不得用作其他用途。",
    "5.项目预算是否合理、节约，将作为项目评审的重要指标之一。",
]
ACTIVITY_COLUMNS = [
    ("活动名称", 2.6),
    ("时间", 2.6),
    ("地点", 2.0),
    ("组织形式", 2.0),
    ("参加人数", 1.6),
    ("所用材料", 2.4),
    ("广告", 2.4),
]
TRAINING_COLUMNS = [
    ("课程", 2.6),
    ("时间", 2.4),
    ("地点", 2.0),
    ("讲师", 1.6),
    ("讲师专业职称", 2.0),
    ("参加人数", 1.6),
    ("培训大纲", 3.4),
]


def build_plan() -> DocxDocument:
    """附件3 大中型企业工伤预防实施方案 following the 框架模板."""
    doc = new_document(report_styles(), title="工伤预防实施方案")
    para(doc, ATTACHMENT, "附件3")
    para(doc, TITLE, "{{ project.name }}", "实施方案")
    add_background(doc)
    heading(doc, H1, "二、项目方案")
    add_goals(doc)
    add_schedule(doc)
    add_risks_and_effects(doc)
    add_team(doc)
    add_budget(doc)
    return doc


def add_background(doc: DocxDocument) -> None:
    """一、项目背景."""
    heading(doc, H1, "一、项目背景")
    headed_texts(doc, H2, "plan.background", [
        ("（一）项目具体实施行业、区域需求的紧迫性分析", "urgency"),
        ("（二）本项目受益人群的数量、基本特征、具体需求", "beneficiaries"),
        ("（三）与开展本项目相关的项目经验支撑", "experience"),
    ])


def add_goals(doc: DocxDocument) -> None:
    """（一）长远目标 and （二）近期目标 with its table."""
    heading(doc, H2, "（一）项目长远目标")
    para(doc, BODY, "{{ plan.long_term_goal }}")
    heading(doc, H2, "（二）项目近期目标")
    list_table(
        doc,
        [("目标（聚焦、具体、可衡量）", 8.4), ("目标达成情况的衡量方法", 7.2)],
        "goal in plan.goals",
        [value("{{ goal.goal }}"), value("{{ goal.measure }}")],
    )


def add_schedule(doc: DocxDocument) -> None:
    """（三）实施方案和进度安排: 宣传类 (线上 / 线下) and 培训类 projects."""
    heading(doc, H2, "（三）项目实施方案和进度安排")
    heading(doc, H3, "1、宣传类项目")
    add_activities(doc, "（1）线上活动", "plan.publicity.online", "本项目不开展线上活动。")
    add_activities(doc, "（2）线下活动", "plan.publicity.offline", "本项目不开展线下活动。")
    heading(doc, H3, "2、培训类项目")
    tag_line(doc, "{%p if plan.training %}")
    list_table(
        doc,
        TRAINING_COLUMNS,
        "course in plan.training",
        [
            value("{{ course.course }}"),
            centred(*dated("course")),
            value("{{ course.place }}"),
            centred("{{ course.lecturer }}"),
            centred("{{ course.lecturer_title }}"),
            centred("{{ course.participants }}"),
            value("{{ course.outline }}"),
        ],
    )
    tag_line(doc, "{%p else %}")
    para(doc, BODY, "本项目不开展培训类活动。")
    tag_line(doc, "{%p endif %}")


def add_activities(doc: DocxDocument, title: str, items: str, none_text: str) -> None:
    """One 宣传 activity table, or ``none_text`` when the list is empty."""
    heading(doc, H4, title)
    tag_line(doc, f"{{%p if {items} %}}")
    list_table(
        doc,
        ACTIVITY_COLUMNS,
        f"activity in {items}",
        [
            value("{{ activity.name }}"),
            centred(*dated("activity")),
            value("{{ activity.place }}"),
            value("{{ activity.form }}"),
            centred("{{ activity.participants }}"),
            value("{{ activity.get('materials', '') }}"),
            value("{{ activity.get('ads', '') }}"),
        ],
    )
    tag_line(doc, "{%p else %}")
    para(doc, BODY, none_text)
    tag_line(doc, "{%p endif %}")


def add_risks_and_effects(doc: DocxDocument) -> None:
    """（四）风险分析及应对预案 and （五）项目预期成效."""
    heading(doc, H2, "（四）风险分析及应对预案")
    list_table(
        doc,
        [("风险", 5.6), ("应对预案", 10.0)],
        "risk in plan.risks",
        [value("{{ risk.risk }}"), value("{{ risk.response }}")],
    )
    heading(doc, H2, "（五）项目预期成效")
    headed_texts(doc, H3, "plan.effects", [
        ("1、直接受益人群和人数、间接受益人群和数量", "beneficiaries"),
        ("2、对受益人群行为能力/心理状况等方面带来的改变", "changes"),
        ("3、对重点行业、企业、工种带来的影响", "impact"),
    ])


def add_team(doc: DocxDocument) -> None:
    """三、项目团队分工."""
    heading(doc, H1, "三、项目团队分工")
    list_table(
        doc,
        [("姓名", 2.4), ("职务", 3.0), ("专业职称", 3.2), ("职责分工", 7.0)],
        "member in plan.team",
        [
            centred("{{ member.name }}"),
            centred("{{ member.position }}"),
            centred("{{ member.professional_title }}"),
            value("{{ member.duty }}"),
        ],
    )


def add_budget(doc: DocxDocument) -> None:
    """四、项目预算: the printed budget table, the amount in words and the 预算编制要求."""
    heading(doc, H1, "四、项目预算")
    table = new_table(doc, BUDGET_GRID)
    add_row(
        table,
        label("申报资金"),
        label("（万元）"),
        centred("{{ budget_table.declared_total|wan }}"),
        height_cm=0.8,
    )
    add_row(table, label("申报资金预算支出明细", span=3), height_cm=0.8)
    repeat_as_header(add_row(table, header("科 目"), header("明 细"), header("金额（万元）")))
    tag_row(table, "{%tr for row in budget_table.rows %}")
    add_row(
        table,
        value("{{ row.category }}"),
        value("{{ row.detail }}"),
        centred("{{ row.amount|wan }}"),
        height_cm=0.8,
    )
    tag_row(table, "{%tr endfor %}")
    add_row(
        table,
        label("申报资金支出合计"),
        blank(),
        centred("{{ budget_table.declared_total|wan }}"),
        height_cm=0.8,
    )
    add_row(table, label("资金支出合计"), blank(), centred("{{ budget_table.grand_total|wan }}"), height_cm=0.8)
    para(doc, BODY, "申报资金合计（大写）：人民币", "{{ budget_table.declared_total|daxie }}")
    para(doc, BODY, "预算编制要求：")
    for rule in BUDGET_RULES:
        para(doc, BODY, rule)


# --------------------------------------------------------------------------------------------------
# Agency documents: 服务协议 and 评估验收报告 (not part of the filing packet)
# --------------------------------------------------------------------------------------------------

AGREEMENT_TITLE = "工伤预防项目服务协议"
PARTY_LINES = [
    ("统一社会信用代码", "credit_code"),
    ("地址", "address"),
    ("法定代表人", "legal_representative"),
    ("联系人", "contact"),
    ("联系电话", "phone"),
]
# Clause texts after 人社厅发〔2018〕131号《工伤预防宣传（培训）服务协议范本（试行）》; facts come from the record.
QUALITY_DEFAULT = [
    ("（一）实施单位（", "{% if agreement_terms.three_party %}", "丙方", "{% else %}", "乙方", "{% endif %}",
     "）应按照经审定的项目实施方案组织实施，宣传、培训内容符合工伤保险政策和安全生产、职业病防治法律法规，"
     "不得擅自变更服务内容、降低服务标准或转包、分包。"),
    "（二）培训应配备具有相应专业能力的讲师，建立签到、考核和满意度评价记录；宣传品应按约定的种类、数量和时间制作、发放。",
    "（三）项目实施档案（方案、通知、签到表、课件、照片、影像、考核试卷、满意度调查表、票据等）应真实、完整，"
    "随时接受甲方检查。",
]
AUDIT_CLAUSES = [
    "（一）甲方负责对项目实施情况进行管理、监督检查和费用审核结算，可采取查阅资料、现场抽查、走访培训对象等方式，"
    "其他各方应予配合并如实提供资料。",
    "（二）项目实施过程中如需调整服务内容、时间或预算，应书面报甲方同意；未经同意擅自调整的，甲方可不予结算相应费用。",
    "（三）项目完成后，实施单位应及时提出评估验收申请；甲方组织第三方评估机构或聘请相关专家，按本协议约定的绩效目标"
    "进行评估验收，形成评估验收报告。",
    "（四）验收不合格的，实施单位应在规定期限内完成整改，经整改评估验收合格后方可支付余款；对失去时效性或已确无整改"
    "必要的项目，甲方可结合实际情况扣减部分乃至全部合同款。",
]
DUTY_CLAUSES = [
    "（一）甲方有权对项目实施进行监督检查，有权要求实施单位对不符合约定的服务限期改正，并按本协议约定支付费用。",
    "（二）乙方应组织职工参加宣传、培训活动，提供必要的场地和条件，如实提供职工人数、工伤事故等基础数据。",
    ("（三）实施单位应按本协议和实施方案提供服务，专款专用，工伤预防费只能用于", "{{ agreement_terms.allowed_uses }}",
     "，不得挪作他用。"),
]
CONFIDENTIAL_CLAUSES = [
    "（一）各方对履行本协议过程中知悉的参保单位和职工个人信息、工伤及职业病数据负有保密义务，不得用于本协议以外的目的，"
    "本协议终止后仍然有效。",
    "（二）项目形成的宣传品、课件、影像等资料，甲方可在工伤预防工作中无偿使用。",
]
BREACH_CLAUSES = [
    "（一）实施单位未按约定的内容、时间和质量提供服务的，甲方有权要求限期改正；逾期不改正的，甲方可扣减相应费用。",
    "（二）实施单位弄虚作假、虚报冒领、挪用工伤预防费的，甲方有权解除本协议、追回已支付款项，并依法追究相关责任；"
    "服务不符合法律和合同规定、服务质量不高的，三年内不得从事工伤预防项目。",
    "（三）因一方过错给其他方造成损失的，过错方应承担赔偿责任。",
]
DISPUTE_CLAUSES = [
    "因履行本协议发生争议的，各方应协商解决；协商不成的，任何一方可依法向甲方所在地人民法院提起诉讼。",
]
TERMINATION_CLAUSES = [
    "（一）各方协商一致，可以书面解除本协议。",
    "（二）因不可抗力或政策调整致使本协议无法履行的，本协议终止，费用按已完成的工作量据实结算。",
    "（三）实施单位严重违约、验收不合格且拒不整改，或整改后再次验收仍不合格的，甲方有权终止本协议，"
    "并可视情况拒绝支付或扣除部分项目资金。",
]


def build_agreement() -> DocxDocument:
    """服务协议 between the agency, the applicant and (when delegated) the third party."""
    doc = new_document(report_styles(), title=AGREEMENT_TITLE)
    set_subject(doc, "工伤预防项目服务协议")
    title = para(doc, TITLE, "工伤预防项目", "{% if agreement_terms.three_party %}", "三方", "{% endif %}", "服务协议")
    title.paragraph_format.space_after = Pt(8)
    para(doc, SUBTITLE, "协议编号：", "{{ agreement.number }}")
    add_parties(doc)
    para(doc, BODY, "根据《工伤保险条例》《工伤预防费使用管理暂行办法》（人社部规〔2017〕13号）和",
         "{{ policy.document }}", "的规定，经各方协商一致，就工伤预防项目的实施签订本协议，共同遵守。")
    add_agreement_clauses(doc)
    add_payment(doc)
    add_closing_clauses(doc)
    add_signatures(doc)
    return doc


def add_parties(doc: DocxDocument) -> None:
    """The party blocks: 甲方, 乙方 and, in a three-party agreement, 丙方, each with its identifiers."""
    tag_line(doc, "{%p for party in agreement_terms.parties %}")
    para(doc, H4, "{{ party.title }}", "：", "{{ party.name }}")
    for caption, key in PARTY_LINES:
        para(doc, BODY, f"{caption}：", f"{{{{ party.{key} }}}}")
    tag_line(doc, "{%p endfor %}")


def add_agreement_clauses(doc: DocxDocument) -> None:
    """一 to 六: project, scope, content, period, quality, KPIs."""
    heading(doc, H1, "一、项目名称与编号")
    para(doc, BODY, "项目名称：", "{{ project.name }}")
    para(doc, BODY, "项目编号：", "{{ project.get('number', '') }}")
    para(doc, BODY, "项目实施方式：", "{{ project.implementation|zh }}")
    heading(doc, H1, "二、服务范围")
    optional_text(doc, "agreement.get('scope')", [
        ("实施区域为", "{{ project.get('region', '') }}", "，服务对象为", "{{ applicant.name }}",
         "的参保职工及相关管理人员，工伤预防费只用于", "{{ agreement_terms.allowed_uses }}", "（",
         "{{ agreement_terms.allowed_uses_source }}", "）。"),
    ])
    heading(doc, H1, "三、服务内容")
    optional_text(doc, "agreement.get('content')", [
        ("{{ project.summary }}",),
        ("具体宣传、培训活动的时间、地点、形式和人数，以经审定的项目实施方案为准，实施方案为本协议附件。",),
    ])
    heading(doc, H1, "四、服务期限")
    para(doc, BODY, "服务期限自", "{{ agreement.start_date|cndate }}", "起至", "{{ agreement.end_date|cndate }}",
         "止，共", "{{ agreement_terms.period.months }}", "个月。")
    heading(doc, H1, "五、服务质量")
    optional_text(doc, "agreement.get('quality')",
                  [line if isinstance(line, tuple) else (line,) for line in QUALITY_DEFAULT])
    heading(doc, H1, "六、绩效目标")
    para(doc, BODY, "项目评估验收按下列绩效目标进行，全部达到的为验收合格：")
    list_table(
        doc,
        [("序号", 1.4), ("指标", 5.0), ("目标值", 3.6), ("依据", 5.6)],
        "kpi in agreement_terms.kpis",
        [centred("{{ loop.index }}"), value("{{ kpi.label }}"), centred("{{ kpi.target_text }}"),
         value("{{ kpi.source }}")],
    )


def optional_text(doc: DocxDocument, test: str, defaults: list[tuple[str, ...]]) -> None:
    """The record's own text for a clause when it has one, else the model wording (one paragraph per tuple)."""
    tag_line(doc, f"{{%p if {test} %}}")
    para(doc, BODY, f"{{{{ {test} }}}}")
    tag_line(doc, "{%p else %}")
    for parts in defaults:
        para(doc, BODY, *parts)
    tag_line(doc, "{%p endif %}")


def add_payment(doc: DocxDocument) -> None:
    """七、费用结算: the contract amount in figures and words, the instalments, the payee's account."""
    heading(doc, H1, "七、费用结算")
    para(doc, BODY, "（一）本协议项目费用总额为", "{{ agreement_terms.schedule.amount|yuan }}", "（大写：人民币",
         "{{ agreement_terms.schedule.amount|daxie }}", "），不超过经审定的项目预算。")
    para(doc, BODY, "（二）费用分两期支付：")
    table = new_table(doc, [2.2, 4.6, 1.8, 3.0, 4.0])
    repeat_as_header(add_row(table, *(header(t) for t in ("款项", "支付条件", "比例", "金额", "大写金额"))))
    add_row(table, label("预付款"), value("本协议签订后，甲方按协议约定支付"),
            centred("{{ agreement_terms.schedule.ratio_text }}"),
            centred("{{ agreement_terms.schedule.prepayment|yuan }}"),
            value("人民币", "{{ agreement_terms.schedule.prepayment|daxie }}"))
    add_row(table, label("余款"), value("项目完成并经评估验收合格后支付"),
            centred("{{ agreement_terms.schedule.balance_ratio_text }}"),
            centred("{{ agreement_terms.schedule.balance|yuan }}"),
            value("人民币", "{{ agreement_terms.schedule.balance|daxie }}"))
    add_row(table, label("合计"), blank(), centred("100%"), centred("{{ agreement_terms.schedule.amount|yuan }}"),
            value("人民币", "{{ agreement_terms.schedule.amount|daxie }}"))
    para(doc, BODY, "（三）甲方将款项支付至", "{{ agreement_terms.payee.role }}", "（",
         "{{ agreement_terms.payee.name }}", "）下列账户：")
    para(doc, BODY, "开户银行：", "{{ agreement_terms.payee.bank }}")
    para(doc, BODY, "账户名称：", "{{ agreement_terms.payee.account_name }}")
    para(doc, BODY, "银行账号：", "{{ agreement_terms.payee.account_number }}")
    para(doc, BODY, "（四）收款方应在收款前开具合法有效的票据。验收不合格的，余款暂缓支付，待整改验收合格后支付。")


def add_closing_clauses(doc: DocxDocument) -> None:
    """八 to 十四: audit, rights and duties, confidentiality, breach, disputes, termination, entry into force."""
    for title, clauses in [
        ("八、审核与控制", AUDIT_CLAUSES),
        ("九、权利和义务", DUTY_CLAUSES),
        ("十、保密与资料", CONFIDENTIAL_CLAUSES),
        ("十一、违约责任", BREACH_CLAUSES),
        ("十二、争议处理", DISPUTE_CLAUSES),
        ("十三、解除或终止条件", TERMINATION_CLAUSES),
    ]:
        heading(doc, H1, title)
        for clause in clauses:
            para(doc, BODY, *(clause if isinstance(clause, tuple) else (clause,)))
    heading(doc, H1, "十四、生效与份数")
    para(doc, BODY, "本协议自各方法定代表人或授权代表签字并加盖公章之日起生效，至项目费用结算完毕时终止。本协议一式",
         "{{ agreement_terms.copies_total }}", "份，各方各执", "{{ agreement_terms.copies_each }}",
         "份，具有同等法律效力，并报工伤预防联席会议各成员单位备案。")


def add_signatures(doc: DocxDocument) -> None:
    """Signature and seal blocks, one row per party (two or three)."""
    para(doc, NORMAL, "")
    table = new_table(doc, [6.0, 5.6, 4.0])
    tag_row(table, "{%tr for party in agreement_terms.parties %}")
    add_row(table, value("{{ party.title }}", "（盖章）：", "{{ party.name }}"),
            value("法定代表人或授权代表（签字）："), value("日期：　　年　月　日"), height_cm=2.4)
    tag_row(table, "{%tr endfor %}")
    para(doc, BODY, "签订日期：", "{% if agreement.get('sign_date') %}", "{{ agreement.sign_date|cndate }}",
         "{% else %}", "　　　　年　　月　　日", "{% endif %}", "　签订地点：", "{{ agreement.get('place', '') }}")


def build_acceptance() -> DocxDocument:
    """评估验收报告: indicators against targets, the computed verdict, deadlines and the settlement."""
    doc = new_document(report_styles(), title="工伤预防项目评估验收报告")
    set_subject(doc, "工伤预防项目评估验收报告")
    para(doc, TITLE, "工伤预防项目评估验收报告")
    add_acceptance_facts(doc)
    heading(doc, H1, "一、项目实施情况")
    para(doc, BODY, "{{ acceptance.get('summary', project.summary) }}")
    heading(doc, H1, "二、验收组成员")
    list_table(
        doc,
        [("序号", 1.2), ("姓名", 2.2), ("工作单位", 5.0), ("职务/职称", 3.0), ("验收组职务", 2.2), ("签字", 2.0)],
        "member in acceptance.panel",
        [centred("{{ loop.index }}"), centred("{{ member.name }}"), value("{{ member.unit }}"),
         value("{{ member.get('title', '') }}"), centred("{{ member.get('role', '') }}"), blank()],
    )
    add_indicator_table(doc)
    add_deadline_table(doc)
    add_settlement(doc)
    add_conclusion(doc)
    return doc


def add_acceptance_facts(doc: DocxDocument) -> None:
    """The header table: project, numbers, implementer, period, method, dates."""
    table = new_table(doc, [3.2, 4.6, 3.2, 4.6])
    add_row(table, label("项目名称"), value("{{ project.name }}", span=3), height_cm=0.9)
    add_row(table, label("项目编号"), value("{{ project.get('number', '') }}"), label("服务协议编号"),
            value("{{ agreement.number }}"), height_cm=0.9)
    add_row(table, label("申报单位"), value("{{ applicant.name }}"), label("实施单位"),
            value("{{ acceptance_report.implementer }}"), height_cm=0.9)
    add_row(table, label("实施周期"), value("{{ period.text }}", span=3), height_cm=0.9)
    add_row(table, label("验收方式"), value("评审验收 ", "{{ acceptance.method|checked('评审验收') }}", "　结项验收 ",
                                        "{{ acceptance.method|checked('结项验收') }}"),
            label("验收日期"), centred("{{ acceptance.date|cndate }}"), height_cm=0.9)
    add_row(table, label("验收申请日期"), centred("{{ acceptance.get('application_date')|cndate }}"),
            label("合同金额"), centred("{{ agreement.amount|yuan }}"), height_cm=0.9)


def add_indicator_table(doc: DocxDocument) -> None:
    """三、绩效目标完成情况: every result against its target."""
    heading(doc, H1, "三、绩效目标完成情况")
    list_table(
        doc,
        [("指标", 3.6), ("目标值", 2.6), ("完成情况", 4.2), ("完成率/计算值", 2.8), ("是否达标", 2.4)],
        "row in acceptance_report.indicators",
        [value("{{ row.label }}"), centred("{{ row.target_text }}"), centred("{{ row.actual_text }}"),
         centred("{{ row.rate_text }}"), centred("{{ row.met_text }}")],
    )
    para(doc, BODY, "注：比例按实际数除以应计数计算，保留两位小数，四舍五入；",
         "舍入会改变是否达标时按实际值所在一侧取舍。",
         "{% if acceptance_report.target_sources %}", "目标值依据：",
         "{{ acceptance_report.target_sources|join('；') }}", "。", "{% endif %}")
    tag_line(doc, "{%p for note in acceptance_report.notes %}")
    para(doc, BODY, "{{ note }}。")
    tag_line(doc, "{%p endfor %}")


def add_deadline_table(doc: DocxDocument) -> None:
    """四、验收期限: deadlines in (working) days under the State Council holiday schedule."""
    heading(doc, H1, "四、验收期限")
    tag_line(doc, "{%p if acceptance_report.deadlines %}")
    para(doc, BODY, "工作日按国务院办公厅公布的法定节假日安排（含调休上班日）计算。")
    list_table(
        doc,
        [("事项", 3.0), ("期限", 4.6), ("期限届满日", 2.8), ("实际日期", 2.8), ("依据", 2.4)],
        "d in acceptance_report.deadlines",
        [value("{{ d.name }}"), value("{{ d.start_label }}", "（", "{{ d.start|cndate }}", "）",
                                      "{{ d.basis.removeprefix(d.start_label) }}"),
         centred("{% if d.due %}", "{{ d.due|cndate }}", "{% else %}", "节假日安排未公布", "{% endif %}"),
         centred("{{ d.actual|cndate }}"), value("{{ d.source.split('：')[0] }}")],
    )
    tag_line(doc, "{%p else %}")
    para(doc, BODY, "{{ policy.document }}", "未规定验收期限。")
    tag_line(doc, "{%p endif %}")


def add_settlement(doc: DocxDocument) -> None:
    """五、资金结算: contract amount, prepayment paid, deductions with reasons, 余款, all with 大写."""
    heading(doc, H1, "五、资金结算")
    money = "acceptance_report.settlement"
    table = new_table(doc, [4.0, 3.6, 8.0])
    repeat_as_header(add_row(table, header("项目"), header("金额"), header("大写金额")))
    add_row(table, label("合同金额"), centred(f"{{{{ {money}.amount|yuan }}}}"),
            value("人民币", f"{{{{ {money}.amount|daxie }}}}"))
    add_row(table, label("已付预付款"), centred(f"{{{{ {money}.prepayment_paid|yuan }}}}"),
            value("人民币", f"{{{{ {money}.prepayment_paid|daxie }}}}"))
    tag_row(table, f"{{%tr for d in {money}.deductions %}}")
    add_row(table, value("扣减：", "{{ d.reason }}"), centred("{{ d.amount|yuan }}"),
            value("人民币", "{{ d.amount|daxie }}"))
    tag_row(table, "{%tr endfor %}")
    add_row(table, label("扣减合计"), centred(f"{{{{ {money}.deductions_total|yuan }}}}"),
            value("人民币", f"{{{{ {money}.deductions_total|daxie }}}}"))
    add_row(table, label("余款（应付）"), centred(f"{{{{ {money}.balance_due|yuan }}}}"),
            value("人民币", f"{{{{ {money}.balance_due|daxie }}}}"))
    tag_row(table, f"{{%tr if {money}.refund %}}")
    add_row(table, label("应退回预付款"), centred(f"{{{{ {money}.refund|yuan }}}}"),
            value("人民币", f"{{{{ {money}.refund|daxie }}}}"))
    tag_row(table, "{%tr endif %}")
    para(doc, BODY, f"{{% if {money}.refund %}}", "扣减合计超过未支付余款，不再支付余款，实施单位应退回已付预付款",
         f"{{{{ {money}.refund|yuan }}}}", "（可以扣减部分乃至全部合同款）。", "{% endif %}")
    para(doc, BODY, "余款 = 合同金额 − 已付预付款 − 扣减合计（不足扣减的部分从已付预付款中退回）。",
         f"{{% if {money}.payable %}}", "验收合格，经办机构据此支付余款。",
         "{% else %}", "验收不合格，余款暂缓支付，待整改并经评估验收合格后支付。", "{% endif %}")


def add_conclusion(doc: DocxDocument) -> None:
    """六、验收结论: the verdict computed from the indicators, and the panel's opinion."""
    heading(doc, H1, "六、验收结论")
    para(doc, BODY, "验收结论：", "{{ acceptance_report.verdict }}")
    tag_line(doc, "{%p for failure in acceptance_report.failures %}")
    para(doc, BODY, "未达标：", "{{ failure }}")
    tag_line(doc, "{%p endfor %}")
    tag_line(doc, "{%p if acceptance.get('opinion') %}")
    para(doc, BODY, "验收意见：", "{{ acceptance.opinion }}")
    tag_line(doc, "{%p endif %}")
    para(doc, NORMAL, "")
    for line in ("验收组组长（签字）：", "社会保险经办机构（盖章）：", "日期：　　　　年　　月　　日"):
        signing = para(doc, BODY, line)
        signing.paragraph_format.left_indent = Cm(7)


def set_subject(doc: DocxDocument, subject: str) -> None:
    """The agency documents are not part of the filing packet: say so in their metadata."""
    doc.core_properties.subject = subject


AGENCY_BUILDERS = {
    "agreement.docx": build_agreement,
    "acceptance.docx": build_acceptance,
}


# --------------------------------------------------------------------------------------------------
# 通知 (GB/T 9704-2012)
# --------------------------------------------------------------------------------------------------

ISSUER = "Issuer Mark"
DOC_NUMBER = "Document Number"
ADDRESSEE = "Addressee"
ATTACHMENT_NOTE = "Attachment Note"
SIGNATURE = "Signature"
IMPRINT = "Imprint"
RED = "FF0000"
CHAR = Pt(16)  # one character of 3号
IMPRINT_CHAR = Pt(14)  # one character of 4号, the 版记's size
GRID_LINE = 225 / 22 / 25.4 * 72  # 版心 225 mm over 22 lines, in points
SEAL_ROOM = 2  # blank lines over the first 署名 under seals: the seal's top within a line of the body (7.3.5.1)
SEAL_ROWS_APART = 5  # lines between rows of joint 署名: 5 × 10.2 mm clears a seal about 42 mm across
BLOCK_KINDS = [("h1", H1), ("h2", H2), ("h3", H3), ("h4", H4), ("p", BODY)]


def notice_styles() -> dict[str, StyleSpec]:
    """GB/T 9704 styles: 3号仿宋 body snapped to the 22-line grid, 小标宋 mark and title, 4号 版记."""
    heading_spec = {"first_line_indent": CHAR, "keep_with_next": True}
    return {
        NORMAL: StyleSpec("仿宋_GB2312", 16),
        BODY: StyleSpec("仿宋_GB2312", 16, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line_indent=CHAR * 2),
        TITLE: StyleSpec("方正小标宋简体", 22, align=WD_ALIGN_PARAGRAPH.CENTER),
        H1: StyleSpec("黑体", 16, outline_level=0, **{**heading_spec, "first_line_indent": CHAR * 2}),
        H2: StyleSpec("楷体_GB2312", 16, outline_level=1, **{**heading_spec, "first_line_indent": CHAR * 2}),
        H3: StyleSpec("仿宋_GB2312", 16, bold=True, outline_level=2, **{**heading_spec, "first_line_indent": CHAR * 2}),
        H4: StyleSpec("仿宋_GB2312", 16, outline_level=3, **{**heading_spec, "first_line_indent": CHAR * 2}),
        ATTACHMENT: StyleSpec("黑体", 16),
        ISSUER: StyleSpec("方正小标宋简体", 22, align=WD_ALIGN_PARAGRAPH.DISTRIBUTE),
        DOC_NUMBER: StyleSpec("仿宋_GB2312", 16, align=WD_ALIGN_PARAGRAPH.CENTER, space_before=2 * GRID_LINE),
        ADDRESSEE: StyleSpec("仿宋_GB2312", 16, align=WD_ALIGN_PARAGRAPH.LEFT),
        ATTACHMENT_NOTE: StyleSpec("仿宋_GB2312", 16, first_line_indent=CHAR * 2),
        SIGNATURE: StyleSpec("仿宋_GB2312", 16, align=WD_ALIGN_PARAGRAPH.RIGHT),
        IMPRINT: StyleSpec("仿宋_GB2312", 14),
        **table_styles(),
        FOOTER: StyleSpec("宋体", 14),
    }


def build_notice() -> DocxDocument:
    """红头通知 laid out per GB/T 9704-2012: 版头, 主体 (with attachments on new pages), 版记."""
    doc = new_document(notice_styles(), title="通知")
    set_subject(doc, "通知（GB/T 9704-2012）")
    set_notice_page(doc)
    doc.styles[ISSUER].font.color.rgb = RGBColor.from_string(RED)
    doc.styles[ATTACHMENT].paragraph_format.page_break_before = True
    for name in (ISSUER, TITLE, IMPRINT, FOOTER, TABLE_TEXT, TABLE_LABEL, TABLE_HEADING):
        off_grid(doc.styles[name])
    add_masthead(doc)
    title = add_title(doc)
    title.paragraph_format.space_before = Pt(2 * GRID_LINE)
    addressee = para(doc, ADDRESSEE, "{{ notice.addressee }}")
    addressee.paragraph_format.space_before = Pt(GRID_LINE)
    add_blocks(doc, "notice.body")
    add_closing(doc)
    tag_line(doc, "{%p for a in notice.attachments %}")
    para(doc, ATTACHMENT, "{{ a.label }}")
    attachment_title = para(doc, TITLE, "{{ a.title }}")
    attachment_title.paragraph_format.space_before = Pt(GRID_LINE)
    attachment_title.paragraph_format.space_after = Pt(GRID_LINE)
    add_blocks(doc, "a.body")
    tag_line(doc, "{%p endfor %}")
    add_imprint(doc)
    return doc


def off_grid(style: BaseStyle) -> None:
    """Lay the style out off the character grid: text larger or smaller than 3号 would take whole grid cells."""
    ppr = style.element.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid", attrs={qn("w:val"): "0"})
    ppr.insert_element_before(snap, "w:spacing", "w:ind", "w:jc", "w:outlineLvl", "w:rPr")


def set_notice_page(doc: DocxDocument) -> None:
    """The 22 × 28 grid and the odd/even page numbers: "— N —" right on odd pages, left on even ones."""
    section = doc.sections[0]
    grid = section._sectPr.find(qn("w:docGrid"))
    grid.set(qn("w:type"), "linesAndChars")
    # Pitches rounded down, so that 22 lines and 28 characters fit the 版心 (rounded up, one of each falls off).
    grid.set(qn("w:linePitch"), str(math.floor(GRID_LINE * 20)))
    grid.set(qn("w:charSpace"), str(math.floor((Mm(156).pt / 28 - 16) * 4096)))
    doc.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = Pt(14)
    even = section.even_page_footer.paragraphs[0]
    even.style = FOOTER
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(14)
    even.add_run("— ")
    add_field(even, "PAGE")
    even.add_run(" —")


def add_masthead(doc: DocxDocument) -> None:
    """版头: the issuing bodies stacked (red 小标宋) with 文件 beside them, then the 发文字号 over the red rule."""
    spacer = para(doc, NORMAL, "")
    spacer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    spacer.paragraph_format.line_spacing = Mm(35)  # the mark's top 35 mm below the 版心 top
    table = new_table(doc, [13.4, 2.2])
    remove_borders(table)
    row = add_row(table, Cell(("{%p for name in notice.issuers %}",), 1, ISSUER), Cell(("文件",), 1, ISSUER))
    cell = row.cells[0]
    para(cell, ISSUER, "{{ name }}")
    para(cell, ISSUER, "{%p endfor %}")
    number = para(doc, DOC_NUMBER, "{{ notice.doc_number }}")
    add_border(number, "bottom", size=12, space=11, color=RED)


def remove_borders(table: Table) -> None:
    """A layout table: no borders (the 发文机关标志 is text, not a grid)."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(OxmlElement(f"w:{edge}", attrs={qn("w:val"): "nil"}))
    table._tbl.tblPr.append(borders)


def add_border(paragraph: Paragraph, edge: str, *, size: int, space: int = 1, color: str = "000000") -> None:
    """A paragraph border (w:pBdr), which Word draws across the full text width: the 公文 rules."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.insert_element_before(borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                                  "w:spacing", "w:ind", "w:jc", "w:rPr", "w:sectPr", "w:pPrChange")
    borders.append(OxmlElement(f"w:{edge}", attrs={qn("w:val"): "single", qn("w:sz"): str(size),
                                                   qn("w:space"): str(space), qn("w:color"): color}))


def add_blocks(doc: DocxDocument, var: str) -> None:
    """The blocks of a body: headings, paragraphs and tables whose columns come from the record."""
    tag_line(doc, f"{{%p for b in {var} %}}")
    for i, (kind, style) in enumerate(BLOCK_KINDS):
        tag_line(doc, f"{{%p {'if' if i == 0 else 'elif'} b.kind == '{kind}' %}}")
        para(doc, style, "{{ b.text }}")  # the body's last paragraph is kept with the 署名 after rendering
    tag_line(doc, "{%p else %}")
    table = new_table(doc, [5.2, 5.2, 5.2])
    add_row(table, blank(), header("{{ c }}"), blank())
    for cell, tag in ((table.cell(0, 0), "{%tc for c in b.columns %}"), (table.cell(0, 2), "{%tc endfor %}")):
        add_runs(cell.paragraphs[0], [tag])
    repeat_as_header(table.rows[0])
    tag_row(table, "{%tr for row in b.rows %}")
    add_row(table, value("{%tc for c in row %}"), centred("{{ c }}"), value("{%tc endfor %}"))
    tag_row(table, "{%tr endfor %}")  # columns fitted to the content after rendering (render_docx.geometry)
    tag_line(doc, "{%p endif %}")
    tag_line(doc, "{%p endfor %}")


def add_closing(doc: DocxDocument) -> None:
    """附件说明, 署名 and 成文日期, 附注; the block stays with the last lines of the body (印章页不得无正文)
    and the 成文日期 with the 附注 under it (7.3.6).

    The right indents of 署名 and 成文日期 come from the record (``notice.signature``, ``notice.date_right``,
    in hundredths of a character): 右空四字 under a seal with each 署名 centred over the date, else 署名右空二字
    and the date two characters right of it (GB/T 9704-2012 7.3.5). Joint issuers under seals come side by side
    instead (``notice.signature_rows``, see `add_signature_rows`).
    """
    tag_line(doc, "{%p if notice.attachment_note %}")
    kept(para(doc, NORMAL, ""))  # one blank line between the body and the 附件说明
    tag_line(doc, "{%p for line in notice.attachment_note %}")
    kept(para(doc, ATTACHMENT_NOTE, "{{ line }}"))
    tag_line(doc, "{%p endfor %}")
    tag_line(doc, "{%p endif %}")
    add_seal_room(doc)
    add_signature_rows(doc)
    tag_line(doc, "{%p for s in notice.signature %}")
    signed = kept(para(doc, SIGNATURE, "{{ s.text }}"))
    signed.paragraph_format.right_indent = CHAR * 4  # each set from the record after rendering
    tag_line(doc, "{%p endfor %}")
    dated_line = para(doc, SIGNATURE, "{{ notice.date_text }}")
    dated_line.paragraph_format.right_indent = CHAR * 4  # kept with the 附注 after rendering when there is one
    tag_line(doc, "{%p if notice.note %}")
    para(doc, BODY, "（", "{{ notice.note }}", "）")  # 7.3.6: on the line under the 成文日期, 居左空二字
    tag_line(doc, "{%p endif %}")


def add_seal_room(doc: DocxDocument) -> None:
    """Blank lines between the body (or 附件说明) and the first line of 署名: `SEAL_ROOM` under seals, else one.

    Without a seal 7.3.5.2 asks for one blank line (在正文（或附件说明）下空一行). Under seals the room follows
    from 7.3.5.1 (印章顶端应当上距正文（或附件说明）一行之内), on a line pitch p = 225 mm / 22 ≈ 10.23 mm and a
    seal 42 mm across (radius 21 mm). With n blank lines and y measured down from the foot of the last body
    line, the first 署名 line spans n·p to (n + 1)·p. A seal pressing a single 署名 and the date below it
    (the last seal of joint issuers too) is centred a little above the boundary of the two lines, (n + 1)·p,
    so that both sit 偏下 in it; a seal of a first row followed by further rows presses only its 署名 and is
    centred on it, at (n + 0.5)·p, which also keeps the seals of each row level. A centre anywhere from
    (n + 0.5)·p to (n + 1)·p puts the seal's top at (n + 0.5)·p - 21 to (n + 1)·p - 21 mm:
    n = 1: -5.7 to -0.5 mm, the seal covers the last body line;
    n = 2: 4.6 to 9.7 mm, within one line (p) of the body;
    n = 3: 14.8 to 19.9 mm, more than a line away.
    So two blank lines, for one issuer and for rows of joint issuers alike.
    """
    kept(para(doc, NORMAL, ""))
    tag_line(doc, "{%p if notice.seal %}")
    for _ in range(SEAL_ROOM - 1):
        kept(para(doc, NORMAL, ""))
    tag_line(doc, "{%p endif %}")


def add_title(doc: DocxDocument) -> Paragraph:
    """The title, its lines (``notice.title_lines``) separated by line breaks in one centred paragraph."""
    title = para(doc, TITLE, "{%r for line in notice.title_lines %}", "{{ line }}", "{%r if not loop.last %}")
    title.add_run().add_break()
    add_runs(title, ["{%r endif %}", "{%r endfor %}"])
    return title


def add_signature_rows(doc: DocxDocument) -> None:
    """Joint 署名 under seals (``notice.signature_rows``): two a row, each centred on its tab stop.

    Tab stops rather than a layout table: the rows stay plain grid-snapped paragraphs in the keep-with-next
    chain, and every engine centres a name on a centre tab stop by its real width. Rows of names are
    `SEAL_ROWS_APART` lines apart so that the seals pressing them do not touch.
    """
    tag_line(doc, "{%p for r in notice.signature_rows %}")
    tag_line(doc, "{%p if not loop.first %}")
    for _ in range(SEAL_ROWS_APART - 1):
        kept(para(doc, NORMAL, ""))
    tag_line(doc, "{%p endif %}")
    row = kept(para(doc, SIGNATURE, "\t", "{{ r.left }}", "\t", "{{ r.right }}"))
    row.alignment = WD_ALIGN_PARAGRAPH.LEFT  # tab stops measure from the left; right alignment would shift them
    for position in (Mm(35), Mm(121)):  # each row's stops are set from the record after rendering
        row.paragraph_format.tab_stops.add_tab_stop(position, WD_TAB_ALIGNMENT.CENTER)
    tag_line(doc, "{%p endfor %}")


def kept(paragraph: Paragraph) -> Paragraph:
    """Keep ``paragraph`` on the page of the next one."""
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def add_imprint(doc: DocxDocument) -> None:
    """版记: 抄送, 印发机关 and 印发日期 in 4号仿宋 between full-width rules (0.35 / 0.25 mm).

    A frame anchored to the bottom of the text area puts its last rule on the last line of the last page.
    """
    tag_line(doc, "{%p if notice.copy_to %}")
    copy_to = para(doc, IMPRINT, "抄送：", "{{ notice.copy_to }}", "。")
    # 7.5.2: 左右各空一字, continuation lines aligned with the first character after the colon.
    copy_to.paragraph_format.left_indent = IMPRINT_CHAR * 4
    copy_to.paragraph_format.first_line_indent = -IMPRINT_CHAR * 3
    copy_to.paragraph_format.right_indent = IMPRINT_CHAR
    add_border(copy_to, "top", size=8)
    at_page_foot(copy_to)
    add_printed_line(doc, top=6)
    tag_line(doc, "{%p else %}")
    add_printed_line(doc, top=8)
    tag_line(doc, "{%p endif %}")


def add_printed_line(doc: DocxDocument, *, top: int) -> None:
    """印发机关 at the left, 印发日期 at the right, over the last (0.35 mm) rule."""
    printed = para(doc, IMPRINT, "　", "{{ notice.printer }}", "\t", "{{ notice.print_date_text }}", "印发")
    printed.paragraph_format.tab_stops.add_tab_stop(Mm(156) - IMPRINT_CHAR, WD_TAB_ALIGNMENT.RIGHT)
    add_border(printed, "top", size=top)
    add_border(printed, "bottom", size=8)
    at_page_foot(printed)


def at_page_foot(paragraph: Paragraph) -> None:
    """Put ``paragraph`` in the full-width frame at the foot of the text area (consecutive ones share it)."""
    ppr = paragraph._p.get_or_add_pPr()
    frame = OxmlElement("w:framePr", attrs={
        qn("w:w"): str(Mm(156).twips), qn("w:wrap"): "notBeside", qn("w:vAnchor"): "margin",
        qn("w:hAnchor"): "margin", qn("w:xAlign"): "center", qn("w:yAlign"): "bottom"})
    ppr.insert_element_before(frame, "w:widowControl", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
                              "w:kinsoku", "w:wordWrap", "w:spacing", "w:ind", "w:jc", "w:rPr", "w:sectPr",
                              "w:pPrChange")


NOTICE_BUILDERS = {
    "notice.docx": build_notice,
}


def build_notices(out_dir: Path) -> list[Path]:
    """Write the notice template (GB/T 9704 通知) into ``out_dir`` and return its path."""
    return write_templates(out_dir, NOTICE_BUILDERS)


# --------------------------------------------------------------------------------------------------
# Document shell, saving, entry point
# --------------------------------------------------------------------------------------------------


def new_document(styles: dict[str, StyleSpec], title: str) -> DocxDocument:
    """An empty document with our styles, page setup, footer and fixed core properties."""
    doc = Document()
    define_styles(doc, styles)
    section = doc.sections[0]
    set_up_page(section)
    add_page_number_footer(section)
    set_core_properties(doc, title)
    return doc


def set_core_properties(doc: DocxDocument, title: str) -> None:
    """Fixed metadata so that builds are reproducible (docxtpl renders these strings too: no tags)."""
    props = doc.core_properties
    props.title = title
    props.subject = "内蒙古自治区工伤预防项目申报材料"
    props.author = "docgen"
    props.last_modified_by = "docgen"
    props.comments = "docgen 模板：可在 Word、WPS 或 LibreOffice 中编辑，标签写在文字中（见 README）"
    props.language = "zh-CN"
    props.keywords = ""
    props.revision = 1
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.last_printed = FIXED_TIME


def save_reproducibly(doc: DocxDocument, path: Path) -> None:
    """Save ``doc`` with every zip entry dated 1980-01-01 so identical input gives identical bytes."""
    buffer = io.BytesIO()
    doc.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for entry in src.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, finish_part(entry.filename, src.read(entry.filename)))
    path.write_bytes(out.getvalue())


# --------------------------------------------------------------------------------------------------
# The package as Word users get it: font table with fallbacks, Chinese theme language, plain app
# properties, property elements in schema order (Word rejects some out-of-order ones)
# --------------------------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# (name, altName Word falls back to on Windows versions without the font, charset, family, pitch)
FONT_TABLE = [
    ("Times New Roman", "", "00", "roman", "variable"),
    ("宋体", "SimSun", "86", "auto", "variable"),
    ("仿宋_GB2312", "仿宋", "86", "modern", "fixed"),
    ("楷体_GB2312", "楷体", "86", "modern", "fixed"),
    ("黑体", "SimHei", "86", "modern", "fixed"),
    ("方正小标宋简体", "宋体", "86", "script", "fixed"),
]
APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Template>Normal.dotm</Template><TotalTime>0</TotalTime><Application>docgen</Application>"
    "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><Company></Company>"
    "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
    "</Properties>"
)
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


def finish_part(name: str, data: bytes) -> bytes:
    """The part as Word writes it: see the section comment."""
    if name == "docProps/app.xml":
        return APP_XML.encode()
    if not (name.startswith("word/") and name.endswith(".xml")):
        return data
    root = etree.fromstring(data)
    if name == "word/fontTable.xml":
        root = font_table()
    elif name == "word/settings.xml":
        lang = root.find(f"{{{W_NS}}}themeFontLang")
        if lang is not None:
            lang.set(f"{{{W_NS}}}val", "en-US")
            lang.set(f"{{{W_NS}}}eastAsia", "zh-CN")
    in_schema_order(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def font_table() -> etree._Element:
    """The fonts the templates name; 仿宋_GB2312 and 楷体_GB2312 fall back to 仿宋 and 楷体 where absent."""
    root = etree.Element(f"{{{W_NS}}}fonts", nsmap={"w": W_NS})
    for name, alt, charset, family, pitch in FONT_TABLE:
        font = etree.SubElement(root, f"{{{W_NS}}}font", {f"{{{W_NS}}}name": name})
        if alt:
            etree.SubElement(font, f"{{{W_NS}}}altName", {f"{{{W_NS}}}val": alt})
        etree.SubElement(font, f"{{{W_NS}}}charset", {f"{{{W_NS}}}val": charset})
        etree.SubElement(font, f"{{{W_NS}}}family", {f"{{{W_NS}}}val": family})
        etree.SubElement(font, f"{{{W_NS}}}pitch", {f"{{{W_NS}}}val": pitch})
    return root


def in_schema_order(root: etree._Element) -> None:
    """Sort the children of every property element into the order of the WordprocessingML schema."""
    ranks = {tag: {child: i for i, child in enumerate(order.split())} for tag, order in SCHEMA_ORDER.items()}
    for element in root.iter():
        tag = etree.QName(element).localname if isinstance(element.tag, str) else ""
        order = ranks.get(tag)
        if order is None or not len(element):
            continue
        children = list(element)
        ranked = sorted(children, key=lambda child: order.get(etree.QName(child).localname, len(order)))
        if ranked != children:
            element[:] = ranked


BUILDERS = {
    "application.docx": build_application,
    "feasibility.docx": build_feasibility,
    "plan.docx": build_plan,
}


def build(out_dir: Path) -> list[Path]:
    """Write the three templates into ``out_dir`` and return their paths."""
    return write_templates(out_dir, BUILDERS)


def write_templates(out_dir: Path, builders: dict[str, Callable[[], DocxDocument]]) -> list[Path]:
    """Build each template and save it reproducibly into ``out_dir``; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, builder in builders.items():
        path = out_dir / name
        save_reproducibly(builder(), path)
        written.append(path)
    return written


def build_agency(out_dir: Path) -> list[Path]:
    """Write the agency templates (服务协议, 评估验收报告) into ``out_dir`` and return their paths.

    Kept apart from `build` (the filing packet's three forms) so each set can be rebuilt and tested on its own.
    """
    return write_templates(out_dir, AGENCY_BUILDERS)


if __name__ == "__main__":
    for built in [*build(OUT_DIR), *build_agency(OUT_DIR), *build_notices(OUT_DIR)]:
        sys.stdout.write(f"{built}\n")
