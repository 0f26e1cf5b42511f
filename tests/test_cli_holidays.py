"""`docgen --holidays`: an agency adds a year's State Council schedule before a release ships it."""

import json
import os

import pytest

from docgen.cli import main
from docgen.workdays import ENV_VAR, reset_holidays
from tests.conftest import FIXTURES

YEAR_2028 = """
year = 2028
source = "国务院办公厅关于2028年部分节假日安排的通知（测试用）"

[[holidays]]
name = "元旦"
first = 2028-01-01
last = 2028-01-03

[[holidays]]
name = "春节"
first = 2028-01-25
last = 2028-02-02
workdays = [2028-01-22, 2028-02-05]
"""


@pytest.fixture
def late_2028(tmp_path, monkeypatch):
    """An acceptance whose 30-working-day deadline runs through 2028; the environment is restored afterwards."""
    monkeypatch.setenv(ENV_VAR, "")  # recorded, so whatever --holidays adds is undone afterwards
    reset_holidays()
    record = json.loads((FIXTURES / "acceptance.json").read_text(encoding="utf-8"))
    record["project"]["start_date"] = record["agreement"]["start_date"] = "2027-03-01"
    record["project"]["end_date"] = record["agreement"]["end_date"] = "2027-12-31"
    record["acceptance"]["date"] = "2028-03-01"
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    yield path
    reset_holidays()


def test_without_the_year_the_deadline_is_not_guessed(late_2028, capsys):
    assert main(["validate", "acceptance", str(late_2028)]) == 1
    assert "calendar.year_not_covered" in capsys.readouterr().out


def test_with_the_years_file_the_deadline_is_judged(late_2028, tmp_path, capsys):
    schedule = tmp_path / "2028.toml"
    schedule.write_text(YEAR_2028, encoding="utf-8")
    assert main(["--holidays", str(schedule), "validate", "acceptance", str(late_2028)]) == 1
    out = capsys.readouterr().out
    # 30 working days after Friday 31 December 2027, counted by hand: 元旦 1–3 January and 春节 25 January –
    # 2 February off, Saturdays 22 January and 5 February worked → Monday 21 February.
    assert "calendar.year_not_covered" not in out
    assert "晚于验收完成期限 2028年2月21日" in out and "acceptance.deadline_missed" in out


def test_a_folder_works_and_is_passed_on_to_worker_processes(late_2028, tmp_path, capsys):
    folder = tmp_path / "holidays"
    folder.mkdir()
    (folder / "2028.toml").write_text(YEAR_2028, encoding="utf-8")
    main(["--holidays", str(folder), "validate", "acceptance", str(late_2028)])
    assert str(folder.resolve()) in os.environ[ENV_VAR].split(os.pathsep)
    assert "2028年2月21日" in capsys.readouterr().out


def test_a_broken_file_is_a_usage_error_in_chinese(late_2028, tmp_path, capsys):
    schedule = tmp_path / "2028.toml"
    schedule.write_text("year = 2028\n", encoding="utf-8")
    assert main(["--holidays", str(schedule), "validate", "acceptance", str(late_2028)]) == 2
    assert "source" in capsys.readouterr().err
