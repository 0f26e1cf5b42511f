from decimal import Decimal

import pytest

from docgen.errors import UnknownPolicyError
from docgen.policies import all_policies, load_policy


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
