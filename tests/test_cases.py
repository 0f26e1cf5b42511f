"""Data-driven cases: each file under cases/ lists records (the fixture plus patches) and their findings."""

from pathlib import Path

import pytest

import docgen
from docgen.schemas import split_pointer
from tests.conftest import FIXTURES, load_json

CASES_DIR = Path(__file__).parent / "cases"
BASES = {"record": FIXTURES / "record.json", "notice": FIXTURES / "notice.json",  # a case's "base" fixture
         "acceptance": FIXTURES / "acceptance.json"}


def _cases():
    for path in sorted(CASES_DIR.glob("*.json")):
        for case in load_json(path):
            yield pytest.param(case, id=f"{path.stem}: {case['description']}")


def _parent(record, pointer):
    *head, last = split_pointer(pointer)
    node = record
    for token in head:
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node, (int(last) if isinstance(node, list) else last)


def _patched(record, case):
    for pointer, value in case.get("set", {}).items():
        node, key = _parent(record, pointer)
        node[key] = value
    for pointer in case.get("remove", []):
        node, key = _parent(record, pointer)
        del node[key]
    return record


@pytest.mark.parametrize("case", list(_cases()))
def test_case(case, record):
    base = case.get("base", "record")
    data = _patched(record if base == "record" else load_json(BASES[base]), case)
    if case["kind"] == "packet":
        report = docgen.validate_packet(data, policy=case.get("policy"))
    else:
        report = docgen.validate(data, case["kind"], policy=case.get("policy"))

    got = {(f.code, f.path): f for f in report.findings}
    assert set(got) == {(f["code"], f["path"]) for f in case["findings"]}, [str(f) for f in report.findings]
    for expected in case["findings"]:
        finding = got[(expected["code"], expected["path"])]
        assert finding.label == expected["label"]
        assert finding.severity == expected.get("severity", "error")
        for fragment in expected["message"]:
            assert fragment in finding.message
    assert report.ok == case.get("valid", False)
