from decimal import Decimal

import pytest

from docgen.schemas import record_schema
from docgen.web import forms
from docgen.web.records import parse_money, plain, schema_for
from tests.web.filled import APPLICATION


@pytest.mark.parametrize(("typed", "yuan"), [
    ("12,846,520.00", "12846520.00"), ("12846520", "12846520"), ("¥ 1,234.5", "1234.50"),
    ("1284.652万元", "12846520.00"), ("1284.652 万", "12846520.00"), ("300元", "300"), ("1，000", "1000"),
])
def test_money_as_people_type_it(typed, yuan):
    assert parse_money(typed) == Decimal(yuan)


@pytest.mark.parametrize("typed", ["abc", "1.234", "1.2345678万元", "12,,", "1e5"])
def test_money_that_is_not_an_amount_is_refused_in_chinese(typed):
    with pytest.raises(ValueError, match="金额"):
        parse_money(typed)


def _inputs(nodes):
    for node in nodes:
        if isinstance(node, forms.Group):
            yield from _inputs(node.children)
        elif isinstance(node, forms.Table):
            yield from node.template
        else:
            yield node


def _leaves(pointer):
    """Every leaf field the schema describes under ``pointer`` (list items as row __i__)."""
    schema = schema_for(pointer)
    if schema.get("type") == "object" and "properties" in schema:
        for key in schema["properties"]:
            yield from _leaves(f"{pointer}/{key}")
    elif schema.get("type") == "array":
        yield from _leaves(f"{pointer}/0")
    else:
        yield pointer


def test_every_schema_field_of_every_page_has_an_input_with_its_schema_title():
    for page in forms.pages():
        inputs = {i.pointer.replace(forms.ROW, "0"): i for i in _inputs(forms.build(page, {}))}
        expected = [leaf for section in page.sections for leaf in _leaves(f"/{section}")]
        assert sorted(inputs) == sorted(expected), page.kind.name
        for pointer, field in inputs.items():
            assert field.label.endswith(schema_for(pointer).get("title", "?"))


def test_widgets_follow_the_schema():
    page = forms.pages()[0]
    inputs = {i.pointer: i for i in _inputs(forms.build(page, {"policy": "nei-mongol-2020"}))}
    assert inputs["/project/start_date"].widget == "date"
    assert inputs["/finance/contributions_last_year"].widget == "money"
    assert inputs["/applicant/employees"].widget == "integer"
    assert inputs["/applicant/type"].choices == [("enterprise", "大中型企业"), ("association", "行业协会")]
    categories = [value for value, _ in inputs[f"/budget/items/{forms.ROW}/category"].choices]
    assert len(categories) == 12 and categories[0] == "专家费" and categories[-1] == "税费"
    assert inputs["/applicant/name"].required and not inputs["/applicant/address"].required
    assert inputs["/budget/items/__i__/training/persons"].label == "培训定额·参训人数"


def test_a_field_added_to_the_schema_appears_without_ui_code(monkeypatch):
    schema = record_schema()
    applicant = schema["$defs"]["applicant"]
    monkeypatch.setitem(applicant["properties"], "website", {"title": "单位网站", "type": "string",
                                                             "description": "以 https:// 开头"})
    from docgen import schemas

    schemas.schema_at.cache_clear()
    try:
        inputs = {i.pointer: i for i in _inputs(forms.build(forms.pages()[0], {"applicant": {"website": "x"}}))}
        assert inputs["/applicant/website"].label == "单位网站"
        assert inputs["/applicant/website"].help == "以 https:// 开头" and inputs["/applicant/website"].value == "x"
    finally:
        schemas.schema_at.cache_clear()


def test_a_posted_form_reads_back_into_the_record_and_keeps_what_it_cannot_read():
    posted = {**APPLICATION, "/applicant/employees": "3,260", "/budget/items/1": forms.ROW_MARK,
              "/budget/total": "三万", "/applicant/phone": "  "}
    record, problems = forms.parse(posted.items())
    assert record["finance"]["contributions_last_year"] == "1000000.00"
    assert record["budget"]["items"] == [{"category": "执行项目的培训费", "detail": "班组长培训1期，50人、1天。",
                                          "amount": "30000.01"}, {}]
    assert record["applicant"]["employees"] == 3260 and "phone" not in record["applicant"]
    assert "feasibility" not in record  # a list without rows is left out, like an empty field
    assert record["budget"]["total"] == "三万"  # kept as typed, and reported
    assert [(p.path, p.label) for p in problems] == [("/budget/total", "预算合计（元）")]


def test_merge_replaces_only_the_pages_sections():
    page = forms.pages()[1]  # feasibility
    merged = forms.merge({"applicant": {"name": "甲"}, "feasibility": {"background": "旧"}}, page, {})
    assert merged == {"applicant": {"name": "甲"}}


def test_plain_keeps_money_exact_and_other_decimals_as_numbers():
    data = plain({"budget": {"total": Decimal("0.10")}, "agreement": {"prepayment_ratio": Decimal("0.3"),
                                                                       "kpis": [{"target": Decimal("80")}]}})
    assert data == {"budget": {"total": "0.10"}, "agreement": {"prepayment_ratio": 0.3, "kpis": [{"target": 80}]}}
