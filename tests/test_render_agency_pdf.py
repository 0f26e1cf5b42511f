"""The agency documents read back from the PDF: clauses, parties, amounts with 大写, verdict, working-day dates.

Expected 大写 strings are written by hand (not computed with docgen.money).
"""

import subprocess

import pytest

import docgen
from tests.conftest import ROOT
from tests.test_render_agency import CLAUSE_HEADINGS

EXAMPLES = ROOT / "examples"


def _pdf_text(tmp_path, name: str, kind: str) -> str:
    pdf = docgen.render(EXAMPLES / f"{name}.json", kind, to=["pdf"]).documents[0].pdf
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(text.split())


@pytest.mark.parametrize(("name", "parties", "amounts"), [
    ("agreement-two-party", ["甲方", "乙方"],
     ["人民币贰拾玖万肆仟肆佰零捌元玖角整", "人民币壹拾肆万柒仟贰佰零肆元肆角伍分"]),  # 294,408.90 at 50%: 147,204.45 each
    ("agreement-three-party", ["甲方", "乙方", "丙方"],
     ["人民币壹拾叁万玖仟伍佰伍拾肆元整", "人民币肆万壹仟捌佰陆拾陆元贰角整", "人民币玖万柒仟陆佰捌拾柒元捌角整"]),
])
def test_agreement_pdf_has_clauses_parties_and_amounts_in_words(tmp_path, name, parties, amounts):
    text = _pdf_text(tmp_path, name, "agreement")
    for heading in CLAUSE_HEADINGS:
        assert heading in text, heading
    for party in parties:
        assert f"{party}（盖章）" in text or f"{party}：" in text, party
    if len(parties) == 2:
        assert "丙方" not in text
    for words in amounts:
        assert words in text, words


def test_passing_acceptance_pdf_releases_the_balance(tmp_path):
    text = _pdf_text(tmp_path, "acceptance-pass", "acceptance")
    assert "验收结论：合格" in text
    assert "人民币玖万柒仟陆佰捌拾柒元捌角整" in text  # 余款 97,687.80 = 139,554.00 − 41,866.20
    assert "2026年1月15日" in text  # 宁波: application within 15 days of the end on 2025-12-31


def test_failing_acceptance_pdf_has_verdict_deductions_and_holiday_aware_dates(tmp_path):
    text = _pdf_text(tmp_path, "acceptance-fail", "acceptance")
    assert "验收结论：不合格" in text
    assert "人民币陆仟捌佰元整" in text  # deductions 6,800.00
    assert "人民币壹拾肆万零肆佰零肆元肆角伍分" in text  # 147,204.45 − 6,800.00
    # 30 working days after 2024-03-06 across 清明 (4–6 April off, Sunday 7 April worked): 18 April.
    assert "2024年4月18日" in text
