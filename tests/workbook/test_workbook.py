"""Fill-in workbooks (issue #12): generated from the schema, filled as people type, read back with cells."""

import json
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

import docgen
from docgen.cli import main
from docgen.load import read_record
from docgen.schemas import normalise_money
from docgen.workbook import build_workbook, read_workbook
from docgen.workbook.layout import PACKET, header_of, sheets_for

ROOT = Path(__file__).resolve().parents[2]
PROJECT_NAME = "金岭泉煤矿一线职工工伤预防能力提升培训与宣传项目"
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def kind_of(record):
    return "notice" if "notice" in record else PACKET


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_record_to_workbook_to_record_is_lossless(tmp_path, example):
    record = read_record(example).data
    path = tmp_path / "record.xlsx"
    path.write_bytes(build_workbook(kind_of(record), record))
    back = read_workbook(path)
    assert back.findings == ()
    assert normalise_money(back.data) == normalise_money(record)


def test_the_packet_workbook_has_every_section_labels_comments_and_validations(tmp_path):
    assert main(["workbook", "packet", "-o", str(tmp_path / "项目.xlsx")]) == 0
    book = openpyxl.load_workbook(tmp_path / "项目.xlsx")
    assert book.sheetnames[:3] == ["说明", "申报单位", "项目"]
    assert {"资金情况", "项目预算"} <= set(book.sheetnames)
    assert {"预算明细", "项目团队分工", "培训类项目", "设备设施清单", "危险源辨识和风险评估清单"} <= set(book.sheetnames)
    assert book["_选项"].sheet_state == "hidden"
    applicant = book["申报单位"]
    labels = {applicant.cell(r, 1).value: r for r in range(3, applicant.max_row + 1)}
    assert "*单位名称" in labels and "行业组织" in labels  # required marked, optional not
    row = labels["*统一社会信用代码"]
    assert applicant[f"D{row}"].value == "credit_code" and applicant.column_dimensions["D"].hidden
    assert applicant[f"B{row}"].number_format == "@"  # a code typed into it stays text
    budget = book["预算明细"]
    headers = [c.value for c in budget[1]]
    assert headers[:3] == ["*科目", "*明细", "*金额（元）"] and "培训定额·培训类别" in headers
    categories = _choices(book, _validation(budget, "A9"))
    assert len(categories) == 12 and categories[0] == "专家费" and categories[-1] == "税费"
    assert _validation(budget, "C2").type == "decimal" and budget["C2"].number_format == "#,##0.00"
    enum = _validation(applicant, f"B{labels['*申报单位类型']}")
    assert _choices(book, enum) == ["大中型企业", "行业协会"]
    assert _validation(book["项目"], f"B{_row(book['项目'], 'start_date')}").type == "date"
    assert "危险源" in book["危险源辨识和风险评估清单"]["A1"].value
    assert book["项目"][f"A{_row(book['项目'], 'start_date')}"].value == "*项目开始日期"
    described = {k: v["description"] for k, v in docgen.schemas.schema_at("/applicant")["properties"].items()
                 if "description" in v and "$ref" not in v}  # a referenced group (account) has no row of its own
    assert described
    for name, text in described.items():
        assert applicant[f"A{_row(applicant, name)}"].comment.text == text
    project = book["项目"]  # the section's own fields first, then each nested object's under its heading
    paths = [project[f"D{r}"].value for r in range(3, project.max_row + 1)]
    headings = [project[f"A{r}"].value for r in range(3, project.max_row + 1) if project[f"D{r}"].value is None]
    assert paths.index("end_date") < paths.index("third_party.name") < paths.index("third_party.business_since")
    assert headings == ["第三方机构", "第三方机构·联系人信息", "第三方机构·第三方银行账户"]


def _validation(sheet, coordinate):
    return next(dv for dv in sheet.data_validations.dataValidation if coordinate in dv.sqref)


def _choices(book, validation):
    column = validation.formula1.split("!")[1].replace("$", "")[0]
    return [c.value for c in book["_选项"][column] if c.value]


def _row(sheet, path):
    return next(r for r in range(1, sheet.max_row + 1) if sheet[f"D{r}"].value == path)


def test_a_field_added_to_the_schema_appears_in_the_workbook(monkeypatch):
    from docgen.workbook import layout

    node = docgen.schemas.schema_at("/finance")
    monkeypatch.setitem(node["properties"], "audited", {"title": "经审计", "type": "boolean"})
    layout.layout.cache_clear()
    docgen.schemas.schema_at.cache_clear()
    try:
        _sections, sheets = sheets_for(PACKET)
        finance = next(s for s in sheets if s.pointer == "/finance")
        assert [f.label for f in finance.fields][-1] == "经审计"
    finally:
        layout.layout.cache_clear()
        docgen.schemas.schema_at.cache_clear()


def typed(field, value, i):
    """A value as a person types it into Excel (varied by position ``i``)."""
    kind = field.kind
    if kind == "yuan":
        number = Decimal(str(value))
        return f"{number:,.2f}" if i % 2 else float(number)
    if kind == "date":
        y, m, d = (int(p) for p in value.split("-"))
        return (f"{y}/{m}/{d}", f"{y}年{m}月{d}日", date(y, m, d))[i % 3]
    if kind == "integer":
        return str(value).translate(str.maketrans("0123456789", "０１２３４５６７８９")) if i % 2 else value
    if kind in ("enum", "boolean"):
        return next(label for label, stored in field.choices if stored == value and type(stored) is type(value))
    if field.tokens[-1:] == ("credit_code",):
        return value.lower()
    if kind == "number":
        return float(value) if i % 2 else str(value)
    return value


def fill_as_a_person(path, record):
    """Fill an empty `docgen workbook packet` with the record's values, typed as people type them."""
    book = openpyxl.load_workbook(path)
    _sections, sheets = sheets_for(PACKET)
    guide = book["说明"]
    policy_row = _row(guide, "policy")
    guide[f"B{policy_row}"] = next(v for v in book["_选项"]["A"] if v.value and record["policy"] in v.value).value
    for i, sheet in enumerate(sheets):
        ws = book[sheet.name]
        if sheet.table:
            items = _at(record, sheet.tokens) or []
            columns = {header_of(f): f for f in sheet.fields}
            for column, cell in enumerate(ws[1], start=1):
                field = columns[cell.value.lstrip("*")]
                for row, item in enumerate(items, start=2):
                    value = _at(item, field.tokens)
                    if value is not None:
                        ws.cell(row, column, typed(field, value, row + column + i))
        else:
            for field in sheet.fields:
                value = _at(record, (*sheet.tokens, *field.tokens))
                if value is not None:
                    ws[f"B{_row(ws, '.'.join(field.tokens))}"] = typed(field, value, i + len(field.label))
    book.save(path)


def _at(node, tokens):
    for token in tokens:
        node = node.get(token) if isinstance(node, dict) else None
    return node


@pytest.fixture(scope="module")
def packets(tmp_path_factory):
    """The packet from examples/project.json and from a workbook filled with its values as people type them."""
    tmp = tmp_path_factory.mktemp("packets")
    (tmp / "licence-scan.png").write_bytes((ROOT / "examples" / "licence-scan.png").read_bytes())
    workbook = tmp / "项目.xlsx"
    assert main(["workbook", "packet", "-o", str(workbook)]) == 0
    record = json.loads((ROOT / "examples" / "project.json").read_text(encoding="utf-8"))
    fill_as_a_person(workbook, record)
    assert main(["packet", str(ROOT / "examples" / "project.json"), "-o", str(tmp / "json"), "--to", "docx,pdf"]) == 0
    assert main(["packet", str(workbook), "-o", str(tmp / "xlsx"), "--to", "docx,pdf"]) == 0
    return tmp / "json", tmp / "xlsx"


def test_a_workbook_filled_as_people_type_gives_the_same_packet(packets):
    import docx
    from pypdf import PdfReader

    from_json, from_xlsx = packets
    names = sorted(p.name for p in from_json.iterdir() if p.suffix in (".docx", ".pdf"))
    assert names == sorted(p.name for p in from_xlsx.iterdir() if p.suffix in (".docx", ".pdf"))
    assert "packet.pdf" in names and len(names) >= 7
    for name in names:
        if name.endswith(".docx"):
            texts = ["\n".join(p.text for p in docx.Document(folder / name).paragraphs) +
                     "".join(c.text for t in docx.Document(folder / name).tables for r in t.rows for c in r.cells)
                     for folder in packets]
        else:
            texts = ["".join(page.extract_text() for page in PdfReader(folder / name).pages) for folder in packets]
        assert texts[0] == texts[1], name
        assert PROJECT_NAME in texts[0].replace("\n", "")


def test_findings_name_the_sheet_and_cell_and_values_are_read_as_typed(tmp_path):
    record = read_record(ROOT / "examples" / "project.json").data
    path = tmp_path / "项目.xlsx"
    path.write_bytes(build_workbook(PACKET, record))
    book = openpyxl.load_workbook(path)
    budget = book["预算明细"]
    budget["C4"] = "１２,０００.５"  # full-width digits and a thousands separator: read as 12000.50
    budget["C5"] = "一万元"          # not a number: a finding quoting what was read, at its cell
    applicant = book["申报单位"]
    applicant[f"B{_row(applicant, 'credit_code')}"] = "９１１５０６００ms0abcde1x"[:18]
    project = book["项目"]
    project[f"B{_row(project, 'start_date')}"] = "3/1/2027"  # ambiguous: never guessed
    project[f"B{_row(project, 'implementation')}"] = "直接实施"
    book.save(path)
    source = read_workbook(path)
    assert source.data["budget"]["items"][2]["amount"] == "12000.50"
    assert source.data["applicant"]["credit_code"] == "91150600MS0ABCDE1X"[:18]
    assert source.data["project"]["implementation"] == "direct"
    report = docgen.validate_packet(source)
    by_path = {f.path: f for f in report.findings}
    amount = by_path["/budget/items/3/amount"]
    assert amount.cell == "预算明细!C5" and "一万元" in amount.message and amount.is_error
    start = by_path["/project/start_date"]
    assert start.cell == f"项目!B{_row(project, 'start_date')}" and "3/1/2027" in start.message
    read_as = by_path["/project/implementation"]
    assert not read_as.is_error and "直接实施" in read_as.message and "申报机构直接实施" in read_as.message
    assert "预算明细!C5" in str(amount)


def test_an_empty_section_sheet_reports_each_required_field_at_its_cell(tmp_path):
    path = tmp_path / "空.xlsx"
    assert main(["workbook", "application", "-o", str(path)]) == 0
    report = docgen.validate(read_workbook(path), "application")
    cells = {f.path: f.cell for f in report.findings}
    sheet = openpyxl.load_workbook(path)["申报单位"]
    assert cells["/applicant/name"] == f"申报单位!B{_row(sheet, 'name')}"
    assert cells["/budget/items"] == "预算明细!A2"


def test_render_and_validate_take_a_workbook_from_the_cli(tmp_path, capsys):
    path = tmp_path / "通知.xlsx"
    assert main(["workbook", "notice", "-o", str(path), "--from", str(ROOT / "examples" / "notice.json")]) == 0
    assert main(["validate", "notice", str(path)]) == 0
    assert main(["render", "notice", str(path), "-o", str(tmp_path / "out"), "--to", "docx"]) == 0
    import docx

    text = "\n".join(p.text for p in docx.Document(next((tmp_path / "out").glob("*.docx"))).paragraphs)
    assert "鄂尔多斯市煤炭行业协会" in text
    assert main(["workbook", "nosuchkind"]) == 2


@pytest.fixture(scope="module")
def project_book():
    """The packet workbook filled from examples/project.json (built once: it takes a second or two)."""
    return build_workbook(PACKET, read_record(ROOT / "examples" / "project.json").data)


def test_a_formula_with_no_saved_result_is_an_error_at_its_cell_not_a_blank(tmp_path, project_book):
    path = tmp_path / "项目.xlsx"
    path.write_bytes(project_book)
    book = openpyxl.load_workbook(path)
    applicant = book["申报单位"]
    name_row = _row(applicant, "name")
    applicant[f"B{name_row}"] = '=CONCAT("金岭泉","煤矿")'  # openpyxl saves formulas without a result
    book["预算明细"]["C3"] = "=2*1500"
    book.save(path)
    source = read_workbook(path)
    found = {f.cell: f for f in source.findings}
    assert set(found) == {f"申报单位!B{name_row}", "预算明细!C3"}
    name = found[f"申报单位!B{name_row}"]
    assert (name.code, name.path, name.is_error) == ("workbook.formula_without_value", "/applicant/name", True)
    assert name.label == "单位名称" and 'CONCAT("金岭泉","煤矿")' in name.message
    assert name.message.startswith(f"申报单位!B{name_row} 是公式")
    assert "name" not in source.data["applicant"] and "amount" not in source.data["budget"]["items"][1]
    report = docgen.validate_packet(source)
    assert not report.ok
    assert any(f.code == "workbook.formula_without_value" and f.cell == "预算明细!C3" for f in report.findings)


def _budget_totals(sheet):
    """The computed rows of the 项目预算 sheet: label → (formula, share formula)."""
    return {sheet[f"A{r}"].value: (sheet[f"B{r}"].value, sheet[f"C{r}"].value)
            for r in range(1, sheet.max_row + 1) if sheet[f"D{r}"].value == "docgen:computed" and sheet[f"B{r}"].value
            and str(sheet[f"B{r}"].value).startswith("=")}


def test_budget_totals_are_formulas_the_reader_ignores(tmp_path, project_book):
    record = read_record(ROOT / "examples" / "project.json").data
    path = tmp_path / "项目.xlsx"
    path.write_bytes(project_book)
    book = openpyxl.load_workbook(path)
    totals = _budget_totals(book["项目预算"])
    assert totals["预算明细金额合计（元）"][0] == "=SUM('预算明细'!$C:$C)"
    assert totals["专家费"][0].startswith("=SUMIF('预算明细'!$A:$A,$A") and totals["专家费"][0].endswith(",'预算明细'!$C:$C)")
    assert len(totals) == 14 and "其他科目" in totals  # the total, the 12 科目 and the rest
    budget = book["项目预算"]
    for row in range(1, budget.max_row + 1):
        if budget[f"D{row}"].value == "docgen:computed" and budget[f"B{row}"].value:
            budget[f"B{row}"] = "=1/0"  # whatever a person does to them, no computed cell is read
    book.save(path)
    back = read_workbook(path)
    assert back.findings == ()
    assert normalise_money(back.data) == normalise_money(record)


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not on PATH")
def test_libreoffice_computes_the_totals_and_its_saved_workbook_reads_back_the_same(tmp_path, project_book):
    from docgen.libreoffice import profile_dir

    record = read_record(ROOT / "examples" / "project.json").data
    path = tmp_path / "项目.xlsx"
    path.write_bytes(project_book)
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile_dir().as_uri()}",
                    "--convert-to", "xlsx", "--outdir", str(tmp_path / "saved"), str(path)],
                   check=True, capture_output=True, timeout=120)
    saved = tmp_path / "saved" / "项目.xlsx"
    budget = openpyxl.load_workbook(saved, data_only=True)["项目预算"]
    shown = {budget[f"A{r}"].value: (budget[f"B{r}"].value, budget[f"C{r}"].value)
             for r in range(1, budget.max_row + 1) if budget[f"D{r}"].value == "docgen:computed"}
    items = record["budget"]["items"]
    total = sum(Decimal(str(i["amount"])) for i in items)
    assert Decimal(str(shown["预算明细金额合计（元）"][0])).quantize(Decimal("0.01")) == total == Decimal("294408.90")
    for category in {i["category"] for i in items}:
        expected = sum(Decimal(str(i["amount"])) for i in items if i["category"] == category)
        amount, share = shown[category]
        assert Decimal(str(amount)).quantize(Decimal("0.01")) == expected
        assert abs(Decimal(str(share)) - expected / total) < Decimal("1e-9")
    assert shown["其他科目"][0] == 0
    back = read_workbook(saved)
    assert back.findings == ()
    assert normalise_money(back.data) == normalise_money(record)


def _declaring_notice():
    record = read_record(ROOT / "examples" / "notice.json").data
    record["notice"]["recipient_fields"] = [{"name": "address", "title": "地址"}, {"name": "doc_no", "title": "文号"}]
    record["recipient"].update(address="东胜区甲路 1 号", doc_no=17)
    return record


def test_a_notices_declared_recipient_fields_are_rows_of_the_recipient_sheet(tmp_path):
    record = _declaring_notice()
    path = tmp_path / "通知.xlsx"
    path.write_bytes(build_workbook("notice", record))
    book = openpyxl.load_workbook(path)
    recipient = book["收文单位"]
    assert recipient[f"A{_row(recipient, 'address')}"].value == "地址"
    assert recipient[f"B{_row(recipient, 'address')}"].value == "东胜区甲路 1 号"
    assert recipient[f"B{_row(recipient, 'doc_no')}"].value == 17
    assert "notice.recipient_fields" in recipient[f"A{_row(recipient, 'doc_no')}"].comment.text
    back = read_workbook(path)
    assert back.findings == ()
    assert normalise_money(back.data) == normalise_money(record)  # the number stays a number
    assert docgen.validate(back, "notice").ok

    declared = book["收文单位自定义字段"]  # a person declares one more and adds its row by hand (no column D)
    declared.append(["leader", "负责人"])
    last = recipient.max_row
    recipient[f"A{last + 1}"], recipient[f"B{last + 1}"] = "负责人", "张三"
    recipient[f"A{last + 2}"], recipient[f"B{last + 2}"] = "传真", "0477-1"  # not declared: said, not lost silently
    book.save(path)
    back = read_workbook(path)
    assert back.data["recipient"]["leader"] == "张三" and "传真" not in str(back.data)
    [unknown] = back.findings
    assert (unknown.code, unknown.cell, unknown.is_error) == ("workbook.unknown_row", f"收文单位!A{last + 2}", False)
    assert "「传真」" in unknown.message and f"收文单位!B{last + 2}" in unknown.message
    assert "「收文单位自定义字段」工作表中声明" in unknown.message


def test_a_renamed_column_with_data_is_a_warning_at_its_header_not_silently_dropped(tmp_path, project_book):
    path = tmp_path / "项目.xlsx"
    path.write_bytes(project_book)
    book = openpyxl.load_workbook(path)
    book["预算明细"]["C1"] = "金额"
    book["预算明细"]["Z1"] = "备注"  # a header with nothing below it is no one's data: not reported
    book.save(path)
    [renamed] = read_workbook(path).findings
    assert (renamed.code, renamed.cell, renamed.is_error) == ("workbook.unknown_column", "预算明细!C1", False)
    assert "「金额」不是本工作表的列，该列的内容未读取" in renamed.message and "「金额（元）」" in renamed.message


def test_a_file_that_is_not_a_workbook_is_a_chinese_input_error(tmp_path):
    from docgen.errors import InputError

    path = tmp_path / "申报.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0 an old .xls saved under a new name")
    with pytest.raises(InputError) as caught:
        read_workbook(path)
    assert str(caught.value) == (f"无法打开 {path}：不是有效的 Excel 文件（.xlsx）；如果是旧版 .xls 或 WPS 格式，"
                                 "请在 Excel 或 WPS 中另存为 .xlsx 后再试")
