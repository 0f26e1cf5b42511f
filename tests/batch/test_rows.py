from datetime import date, datetime
from decimal import Decimal

import pytest
from conftest import write_csv, write_jsonl, write_xlsx

from docgen.batch.rows import read_rows
from docgen.errors import InputError

HEADER = ["applicant.name", "finance.contributions_last_year", "applicant.employees"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"], ids=["utf8", "utf8-bom", "gb18030"])
def test_csv_encodings(tmp_path, encoding):
    path = write_csv(tmp_path / "rows.csv", HEADER, [["鄂尔多斯·甲公司", "12000.50", "30"], ["", "", ""],
                                                      ["乙公司", "", "  "]], encoding=encoding)
    rows = list(read_rows(path))
    assert [r.number for r in rows] == [2, 4]  # header is row 1; the blank row 3 is skipped
    assert rows[0].cells == {"applicant.name": "鄂尔多斯·甲公司", "finance.contributions_last_year": "12000.50",
                             "applicant.employees": "30"}
    # a blank cell of a column the sheet gives is the row's own blank (None), never "use the base value"
    assert rows[1].cells == {"applicant.name": "乙公司", "finance.contributions_last_year": None,
                             "applicant.employees": None}


def test_csv_in_neither_encoding_is_an_input_error(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_bytes(b"applicant.name\n\xff\xfe\xff\n")
    with pytest.raises(InputError):
        list(read_rows(path))


def test_xlsx_values_are_exact(tmp_path):
    path = write_xlsx(tmp_path / "rows.xlsx", [*HEADER, "project.start_date", "budget.items.0.amount"], [
        ["甲", 12000.5, 30, date(2027, 3, 1), 1234.567],
        [None, 12000, None, datetime(2027, 3, 1, 0, 0), 20000.25],
    ])
    first, second = read_rows(path)
    assert first.number == 2 and second.number == 3
    assert first.cells["finance.contributions_last_year"] == Decimal("12000.5")
    assert isinstance(first.cells["finance.contributions_last_year"], Decimal)
    assert first.cells["applicant.employees"] == 30 and isinstance(first.cells["applicant.employees"], int)
    assert first.cells["project.start_date"] == "2027-03-01"
    assert first.cells["budget.items.0.amount"] is None  # three decimals: flagged, never rounded silently
    assert [p.column for p in first.problems] == ["budget.items.0.amount"]
    assert second.cells == {"applicant.name": None, "finance.contributions_last_year": 12000,
                            "applicant.employees": None, "project.start_date": "2027-03-01",
                            "budget.items.0.amount": Decimal("20000.25")}


def test_jsonl_nested_or_dotted(tmp_path):
    path = write_jsonl(tmp_path / "rows.jsonl", [{"applicant": {"name": "甲"}, "finance.fund_deficit": True},
                                                 {"applicant.name": "乙", "project": {"name": None}}])
    first, second = read_rows(path)
    assert first.cells == {"applicant.name": "甲", "finance.fund_deficit": True}
    assert (second.number, second.cells) == (2, {"applicant.name": "乙", "project.name": None})


def test_unknown_suffix_is_an_input_error(tmp_path):
    with pytest.raises(InputError):
        read_rows(tmp_path / "rows.txt")
