from datetime import date
from decimal import Decimal

import pytest

from docgen.web.lifecycle import acceptance_draft, agreement_draft, format_number, kpis_from_plan, number_problem

AGENCY = {"party_a": {"name": "某市社会保险事业服务中心"}, "place": "某市", "prepayment_ratio": 0.3}


def test_agreement_is_prefilled_from_the_application_and_settings(record):
    draft = agreement_draft(record, AGENCY)
    total = sum(Decimal(str(item["amount"])) for item in record["budget"]["items"])
    assert Decimal(draft["amount"]) == Decimal(str(record["budget"].get("total", total)))
    assert (draft["start_date"], draft["end_date"]) == (record["project"]["start_date"], record["project"]["end_date"])
    assert draft["payee"] == {"party": "party_b", "account_name": record["applicant"]["name"]}
    assert draft["party_a"] == AGENCY["party_a"] and draft["place"] == "某市"
    assert Decimal(draft["prepayment"]) + Decimal(draft["balance"]) == Decimal(draft["amount"])
    assert Decimal(draft["prepayment"]) == (Decimal(draft["amount"]) * Decimal("0.3")).quantize(Decimal("0.01"))


def test_what_is_filled_in_is_kept_and_a_third_party_is_paid(record):
    record["project"]["implementation"] = "third_party"
    record["project"]["third_party"] = {"name": "某安全技术服务有限公司"}
    record["agreement"] = {"amount": "1.00", "payee": {"bank": "某银行"}}
    draft = agreement_draft(record, {})
    assert draft["amount"] == "1.00" and "party_a" not in draft
    assert draft["payee"] == {"bank": "某银行", "party": "party_c", "account_name": "某安全技术服务有限公司"}


def test_kpis_read_from_the_plan():
    plan = {"training": [{"participants": 80}, {"participants": 1200}],
            "goals": [{"goal": "职工培训率达到95%以上，学员满意率达到90%以上"}, {"goal": "考核合格（80分及以上）"},
                      {"goal": "工伤事故发生率比上年同期下降20%以上"}]}
    kpis = {k["indicator"]: k["target"] for k in kpis_from_plan(plan)}
    assert kpis == {"training_persons": 1280, "training_sessions": 2, "training_rate": Decimal("0.95"),
                    "satisfaction_rate": Decimal("0.90"), "exam_score": Decimal("80"),
                    "accident_rate_change": Decimal("-0.20")}


def test_acceptance_starts_from_the_agreements_kpis():
    record = {"agreement": {"kpis": [{"indicator": "training_rate", "target": 0.95},
                                     {"indicator": "publicity_items", "name": "宣传手册", "target": 3000}]}}
    assert acceptance_draft(record)["results"] == [{"indicator": "training_rate"},
                                                   {"indicator": "publicity_items", "name": "宣传手册"}]


def test_the_draft_carries_the_number_today_and_the_payers_bank_account(record):
    account = {"bank": "中国工商银行鄂尔多斯分行", "account_name": record["applicant"]["name"], "account_number": "0606 1"}
    record["applicant"]["account"] = account
    draft = agreement_draft(record, AGENCY, number="2027-001", today=date(2027, 2, 20))
    assert (draft["number"], draft["sign_date"]) == ("2027-001", "2027-02-20")
    assert draft["payee"] == {"party": "party_b", **account}
    record["agreement"] = {"number": "手写-1", "sign_date": "2027-01-05"}
    kept = agreement_draft(record, AGENCY, number="2027-002", today=date(2027, 2, 20))
    assert (kept["number"], kept["sign_date"]) == ("手写-1", "2027-01-05")


@pytest.mark.parametrize(("pattern", "seq", "expected"), [
    ("{year}-{seq:03d}", 7, "2027-007"), ("EEDS-GSYF-XY-{year}{month}-{seq}", 12, "EEDS-GSYF-XY-202702-12"),
    ("协议{seq:4}", 5, "协议0005")])
def test_number_patterns(pattern, seq, expected):
    assert number_problem(pattern) is None
    assert format_number(pattern, seq, date(2027, 2, 20)) == expected


@pytest.mark.parametrize(("pattern", "says"), [
    ("{year}-001", "须含序号"), ("{yaer}-{seq}", "无法识别的占位符"), ("{seq.__class__}", "无法识别的占位符"),
    ("{seq:x}", "无法识别的占位符"), ("  ", "不能为空")])
def test_bad_number_patterns_are_explained(pattern, says):
    assert says in number_problem(pattern)


def test_unmet_targets_wait_for_results_and_a_readable_agreement(record):
    from docgen import validate
    from docgen.web.lifecycle import agreed_targets, unmet_targets

    assert unmet_targets(record, validate(record, "acceptance").findings) == []  # no acceptance section yet
    record["agreement"] = {"kpis": [{"indicator": "training_rate", "target": 0.95}]}
    record["acceptance"] = {"results": [{"indicator": "training_rate", "actual": 0.9}]}
    findings = validate(record, "acceptance").findings
    assert agreed_targets(record, findings) == [] and unmet_targets(record, findings) == []  # agreement incomplete


def test_a_third_party_with_an_account_is_paid_into_it(record):
    account = {"bank": "某银行某支行", "account_name": "某安全技术服务有限公司", "account_number": "6222 0000"}
    record["project"]["implementation"] = "third_party"
    record["project"]["third_party"] = {"name": "某安全技术服务有限公司", "account": account}
    assert agreement_draft(record, {})["payee"] == {"party": "party_c", **account}
