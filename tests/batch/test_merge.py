from decimal import Decimal

import pytest

from docgen.batch.merge import coerce, overlay


def test_overlay_sets_dotted_paths_without_touching_the_base():
    base = {"applicant": {"name": "甲", "type": "enterprise"}, "budget": {"items": [{"amount": "1.00"}]}}
    record, problems = overlay(base, {"applicant.name": "乙", "budget.items.0.amount": Decimal("2.00"),
                                      "budget.items.1.amount": "3.00"})
    assert problems == {}
    assert record["applicant"] == {"name": "乙", "type": "enterprise"}
    assert record["budget"]["items"] == [{"amount": Decimal("2.00")}, {"amount": Decimal("3.00")}]
    assert base["applicant"]["name"] == "甲" and len(base["budget"]["items"]) == 1


def test_overlay_copies_the_base_all_the_way_down():
    base = {"notice": {"body": [{"table": {"rows": [["甲", Decimal("1.50")]]}}], "when": {("not", "json")}}}
    record, _ = overlay(base, {})
    assert record == base
    record["notice"]["body"][0]["table"]["rows"][0][0] = "乙"
    record["notice"]["when"].add("other")
    assert base["notice"]["body"][0]["table"]["rows"][0][0] == "甲" and base["notice"]["when"] == {("not", "json")}


def test_overlay_reports_paths_that_cannot_be_placed():
    _, problems = overlay({"budget": {"items": []}, "policy": "x"}, {"budget.items.5.amount": "1", "policy.id": "y",
                                                                     "budget.items.a": "1"})
    assert set(problems) == {"budget.items.5.amount", "policy.id", "budget.items.a"}


def test_overlay_creates_missing_sections():
    record, _ = overlay({}, {"finance.fund_deficit": "否", "budget.items.0.category": "劳务费"})
    assert record == {"finance": {"fund_deficit": False}, "budget": {"items": [{"category": "劳务费"}]}}


@pytest.mark.parametrize(("column", "value", "expected"), [
    ("applicant.phone", 13800000000, "13800000000"),          # Excel made a number of a text field
    ("applicant.employees", "3260", 3260),                     # CSV text for an integer field
    ("applicant.employees", Decimal("3260.0"), 3260),
    ("applicant.employees", "很多", "很多"),                    # left for validation to report
    ("finance.contributions_last_year", "12,846,520.00", Decimal("12846520.00")),
    ("finance.fund_deficit", "是", True),
    ("applicant.nmae", 5, 5),                                  # unknown field: as given, validation reports it
], ids=["text", "int-text", "int-decimal", "int-bad", "yuan-text", "bool", "unknown"])
def test_coerce_follows_the_schema(column, value, expected):
    result = coerce(column, value)
    assert result == expected and type(result) is type(expected)
