"""Notice placeholders (#11): a finding for every attack, never a repr, a changed recipient or a hang."""

import time

import pytest

import docgen
from docgen.domain.placeholders import PlaceholderError, fill, placeholder_variables
from docgen.errors import DataError
from tests.conftest import ROOT, load_json
from tests.readback import open_docx


def _notice(paragraph: str) -> dict:
    record = load_json(ROOT / "examples" / "notice.json")
    record["recipient"] = {"name": "鄂尔多斯市建筑业协会", "code": "X-1", "region": "东胜区", "quota": 3,
                           "amount": "120000.00", "contact": "刘芳", "phone": "0477-1", "deadline": "2027-03-05"}
    record["notice"]["body"][0]["paragraph"] = paragraph
    return record


def _placeholder_findings(record):
    return [f for f in docgen.validate(record, "notice").findings if f.code == "notice.placeholder_invalid"]


def test_the_recipient_cannot_be_changed():
    text = "{{ recipient.update({'name': '篡改单位'}) }}{{ recipient.name }}"
    found = _placeholder_findings(_notice(text))
    assert [f.path for f in found] == ["/notice/body/0/paragraph"]
    assert "recipient.update" in found[0].message
    document = open_docx(docgen.render(_notice("致{{ recipient.name }}。" + text), "notice", force=True)
                         .documents[0].data)
    body = "\n".join(p.text for p in document.paragraphs)
    assert "篡改单位" not in body.replace(text, "")  # printed as written, never evaluated


@pytest.mark.parametrize("text", ["{{ ''.format }}", "{{ namespace }}", "{{ self }}",
                                  "{{ ''.format }}{{ namespace }}{{ self }}", "{{ recipient }}"])
def test_no_python_repr_is_printed(text):
    found = _placeholder_findings(_notice(f"经研究，{text}。"))
    assert [f.path for f in found] == ["/notice/body/0/paragraph"]
    assert "<" not in found[0].message.replace(text, "")
    with pytest.raises(DataError):
        docgen.render(_notice(text), "notice")


@pytest.mark.parametrize("text", [
    "{% for i in range(100000) %}{% for j in range(100000) %}{{ recipient.name }}{% endfor %}{% endfor %}",
    "{{ recipient.name|center(999999999) }}",
    "{{ recipient.name * 100000000 }}",
])
def test_a_hang_or_a_memory_bomb_ends_fast_as_a_finding(text):
    started = time.monotonic()
    found = _placeholder_findings(_notice(text))
    assert [f.path for f in found] == ["/notice/body/0/paragraph"]
    assert time.monotonic() - started < 20


def test_a_long_filled_text_is_refused():
    with pytest.raises(PlaceholderError, match="超过"):
        fill("{% for i in range(3000) %}{{ recipient.name }}{% endfor %}",
             placeholder_variables({"recipient": {"name": "鄂尔多斯市建筑业协会"}}))


def test_placeholders_see_a_read_only_recipient():
    variables = placeholder_variables({"recipient": {"name": "甲"}})
    with pytest.raises(TypeError):
        variables["recipient"]["name"] = "乙"


def test_ordinary_placeholders_still_fill():
    assert fill("{{ recipient.name }}（{{ recipient.quota }}个）", placeholder_variables(
        {"recipient": {"name": "甲单位", "quota": 3}})) == "甲单位（3个）"
