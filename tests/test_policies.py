import re
from decimal import Decimal
from pathlib import Path

import pytest

import docgen
from docgen.errors import UnknownPolicyError
from docgen.policies import all_policies, load_policy
from tests.conftest import ROOT


def test_every_rule_of_every_profile_cites_a_source():
    for policy in all_policies():
        assert policy.rules, policy.id
        for rule in policy.rules.values():
            assert len(rule.source) > 10, (policy.id, rule.name)


@pytest.mark.parametrize(("policy_id", "low", "high"), [
    ("nei-mongol-2020", "0.30", "0.70"),
    ("sanming-2021", "0.30", "0.70"),
    ("urumqi-2016", "0.30", "0.30"),
    ("ningbo", "0.30", "0.30"),
])
def test_prepayment_ranges_follow_the_seeds(policy_id, low, high):
    rule = load_policy(policy_id).rule("prepayment")
    assert (rule["min"], rule["max"]) == (Decimal(low), Decimal(high))


def test_numbers_are_decimals_not_floats():
    cap = load_policy("nei-mongol-2020").rule("project_budget_cap")
    assert isinstance(cap["ratio"], Decimal)


def test_standards_are_shared_and_a_profile_has_only_what_its_document_says():
    national = load_policy("national-2017")
    assert national.rule("training")["daily_quota"]["三类"] == 550
    assert national.rule("project_budget_cap") is None
    assert national.rule("project_period") is None
    assert load_policy("nei-mongol-2020").rule("project_period")["max_months"] == 24
    assert load_policy("ningbo").rule("kpi")["training_rate"] == Decimal("0.95")


def test_unknown_policy_lists_known_ones():
    with pytest.raises(UnknownPolicyError, match="national-2017"):
        load_policy("atlantis")


# --------------------------------------------------------------------------------------------------
# Every rule is documented with its source, and every profile rule is read by a check
# --------------------------------------------------------------------------------------------------

_DOCGEN = Path(docgen.__file__).parent


def _source_text(package: Path = _DOCGEN) -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in package.rglob("*.py"))


def _codes(text: str) -> set[str]:
    return set(re.findall(r'Finding\(\s*"([a-z_]+\.[a-z_]+)"', text))


def _readme_rules() -> dict[str, str]:
    """Finding code → the 出处 cell of the README's 检查项目 table."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### 检查项目", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`"):
            for code in re.findall(r"`([a-z_]+\.[a-z_<>\u4e00-\u9fff]+)`", cells[0]):
                rows[code] = cells[3]
    return rows


def test_the_readme_lists_every_rule_with_its_source():
    rules = _codes(_source_text(_DOCGEN / "check"))
    documented = _readme_rules()
    assert rules - set(documented) == set(), "rules missing from the README's 检查项目 table"
    assert all(source for source in documented.values())
    emitted = _codes(_source_text())
    assert {code for code in documented if "<" not in code} - emitted == set(), "documented codes nothing emits"


def test_every_profile_rule_is_read_by_the_code_and_every_rule_read_exists():
    read = set(re.findall(r'\.rule\("([a-z_]+)"\)', _source_text()))
    defined = {name for policy in all_policies() for name, rule in policy.rules.items() if not rule.get("informational")}
    assert read - defined == set(), "rules the code reads that no profile defines"
    assert defined - read == set(), "profile rules no check reads (data with no effect)"


def test_docgen_policies_prints_every_rule_with_its_source(capsys):
    from docgen.cli import main

    assert main(["policies"]) == 0
    out = capsys.readouterr().out
    for policy in all_policies():
        for rule in policy.rules.values():
            assert f"    {rule.name}: {rule.source}" in out
