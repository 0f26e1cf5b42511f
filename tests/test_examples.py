"""Every shipped example is valid under its own profile and renders the whole packet."""

import io

import docx
import pytest

import docgen
from tests.conftest import ROOT

# Project records (notices are their own kind of record, tested in test_render_notice.py).
EXAMPLES = [p for p in sorted((ROOT / "examples").glob("*.json")) if '"applicant"' in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_renders_a_clean_packet(path):
    rendered = docgen.render_packet(path)
    assert rendered.report.findings == []
    assert [d.kind for d in rendered.documents] == ["application", "feasibility", "plan"]
    name = rendered.report.record["applicant"]["name"]
    form = docx.Document(io.BytesIO(rendered.documents[0].data))
    assert form.tables[0].rows[0].cells[1].text == name


def test_examples_cover_several_profiles_and_both_applicant_types():
    reports = [docgen.validate_packet(p) for p in EXAMPLES]
    assert len({r.policy.id for r in reports}) >= 3
    assert {r.record["applicant"]["type"] for r in reports} == {"enterprise", "association"}
