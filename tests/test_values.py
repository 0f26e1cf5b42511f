"""Values no document can hold (#11 tracebacks, #17.3, #17.4): each a schema finding naming the field, never a crash.

Every reproducer of the issue is here: control characters and lone surrogates in text fields, numbers that
are not finite or far out of range (also in fields no rule reads), nesting too deep, wrong types at a parent.
"""

import json
from decimal import Decimal

import pytest

import docgen
from docgen.cli import main
from docgen.errors import DataError, InputError
from tests.conftest import FIXTURES, load_json

KINDS = ["application", "feasibility", "plan", "agreement", "acceptance"]


def _write(tmp_path, text: str):
    path = tmp_path / "record.json"
    path.write_text(text, encoding="utf-8")
    return path


def _findings(report, code):
    return [(f.path, f.message) for f in report.findings if f.code == code]


@pytest.mark.parametrize(("pointer", "value", "shown"), [
    (("project", "name"), "a\u001fb", "U+001F"),
    (("applicant", "profile"), "a\udfffb", "U+DFFF"),
    (("applicant", "profile"), "前文\ud800后文", "U+D800"),  # #17.3: rendered only 「前文」, exit 0
    (("applicant", "name"), "\x00", "U+0000"),
    (("applicant", "address"), "页\x0c码", "U+000C"),
    (("applicant", "address"), "\ufffe", "U+FFFE"),
])
def test_an_xml_illegal_character_is_a_finding_naming_field_and_character(record, pointer, value, shown):
    section, field = pointer
    record[section][field] = value
    report = docgen.validate(record, "application")
    found = _findings(report, "schema.character")
    assert [path for path, _ in found] == [f"/{section}/{field}"]
    assert shown in found[0][1]
    assert not report.ok
    with pytest.raises(DataError):
        docgen.render(record, "application")
    str(report.findings[0]).encode("utf-8")  # the finding itself can be printed to any UTF-8 stream


def test_a_surrogate_in_a_key_is_reported_and_printable(record):
    record["extra"] = {"x\ud800": "y"}
    report = docgen.validate(record, "application")
    assert any(f.code == "schema.character" and "U+D800" in f.message for f in report.findings)
    for finding in report.findings:
        str(finding).encode("utf-8")


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e309", "1e400", "9" * 5000, "-1e309"])
def test_a_number_out_of_range_is_a_finding_also_where_no_rule_reads(tmp_path, capsys, literal):
    text = (FIXTURES / "record.json").read_text(encoding="utf-8")
    record = json.loads(text)
    record["applicant"]["revenue_last_year"] = "@@"
    path = _write(tmp_path, json.dumps(record, ensure_ascii=False).replace('"@@"', literal))
    out = tmp_path / "out"
    assert main(["render", "application", str(path), "-o", str(out)]) == 1  # #17.4: was exit 0 (or a traceback)
    err = capsys.readouterr().err
    assert "/applicant/revenue_last_year" in err and "schema.number" in err and "Traceback" not in err
    assert not out.exists()


def test_a_number_out_of_range_in_a_money_field_is_a_finding(record):
    record["budget"]["items"][0]["amount"] = Decimal("1e309")  # was decimal.InvalidOperation in money._round
    report = docgen.validate(record, "application")
    assert [p for p, _ in _findings(report, "schema.number")] == ["/budget/items/0/amount"]
    assert not any(f.path == "/budget/items/0/amount" and f.code != "schema.number" for f in report.findings)


@pytest.mark.parametrize("depth", [65, 600, 990, 5000])
def test_deep_nesting_is_a_usage_error(tmp_path, capsys, depth):
    text = (FIXTURES / "record.json").read_text(encoding="utf-8")
    nested = "[" * depth + "1" + "]" * depth
    path = _write(tmp_path, text.rstrip().removesuffix("}") + f', "extra": {{"x": {nested}}}}}')
    assert main(["validate", "application", str(path)]) == 2
    err = capsys.readouterr().err
    assert "嵌套层数" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_deep_nesting_through_the_python_api_is_an_input_error(record):
    nested: object = 1
    for _ in range(200):
        nested = [nested]
    record["extra"] = {"x": nested}
    with pytest.raises(InputError, match="嵌套层数"):
        docgen.validate(record, "application")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("section", ["project", "applicant", "budget", "finance", "agreement", "acceptance"])
@pytest.mark.parametrize("value", [0, "", [], None])
def test_a_wrong_type_at_a_parent_never_reaches_a_rule(kind, section, value):
    example = "acceptance-pass.json" if kind in ("agreement", "acceptance") else "project.json"
    record = load_json(FIXTURES.parent.parent / "examples" / example)
    record[section] = value
    report = docgen.validate(record, kind)  # was TypeError/KeyError inside rules and views
    if section in docgen.get_kind(kind).sections:
        assert any(f.path.startswith(f"/{section}") and f.code.startswith("schema.") for f in report.findings)
    else:
        docgen.render(record, kind)  # a section the kind does not use is not read by its rules or its template


def test_float_amounts_are_read_by_their_shortest_repr(record):
    record["budget"]["items"][0]["amount"] = 1200.5  # #10: was TypeError in check/budget.py
    report = docgen.validate(record, "application")
    assert report.record["budget"]["items"][0]["amount"] == Decimal("1200.5")
    assert not any(f.path == "/budget/items/0/amount" for f in report.findings)


def test_a_float_that_is_not_finite_is_a_finding(record):
    record["applicant"]["revenue_last_year"] = float("nan")
    report = docgen.validate(record, "application")
    assert [p for p, _ in _findings(report, "schema.number")] == ["/applicant/revenue_last_year"]
