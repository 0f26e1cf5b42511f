"""Derived values of the agency documents: the 服务协议's terms and the 评估验收报告's findings.

The figures come from `docgen.domain`, the functions the rules use too, so the documents print exactly what was checked.
"""

from __future__ import annotations

from typing import Any

from docgen.dates import cn_date, months_between, period_text
from docgen.domain import acceptance as acceptance_domain
from docgen.domain import agreement as agreement_domain
from docgen.domain.agreement import payment_schedule
from docgen.domain.figures import pct
from docgen.policies import Policy


def agreement_terms(record: dict[str, Any], policy: Policy) -> dict[str, Any]:
    """The 服务协议's parties, payee, payment schedule, service period and effective 绩效目标."""
    agreement = record["agreement"]
    schedule = payment_schedule(agreement)
    uses = agreement_domain.allowed_uses(policy)
    parties = _parties(record)
    payee_role = agreement_domain.payee_role(record)
    payee = next((p for p in parties if p["role"] == payee_role), parties[1])
    start, end = agreement["start_date"], agreement["end_date"]
    copies = agreement.get("copies_each", 2)
    return {
        "three_party": agreement_domain.is_three_party(record),
        "parties": parties,
        "payee": {"role": payee["title"], "name": payee["name"], **{
            key: agreement["payee"][key] for key in ("bank", "account_name", "account_number")}},
        "schedule": {"amount": schedule.amount, "ratio": schedule.ratio, "prepayment": schedule.prepayment,
                     "balance": schedule.balance, "ratio_text": pct(schedule.ratio),
                     "balance_ratio_text": pct(schedule.balance_ratio)},
        "period": {"start": start, "end": end, "months": months_between(start, end) if end >= start else 0,
                   "text": period_text(start, end) if end >= start else f"{cn_date(start)}至{cn_date(end)}"},
        "kpis": [{"label": t.label, "target_text": t.text, "source": t.cited}
                 for t in acceptance_domain.targets(record, policy)],
        "allowed_uses": "、".join(uses.uses),
        "allowed_uses_source": uses.cited,
        "copies_each": copies,
        "copies_total": copies * len(parties),
    }


def _parties(record: dict[str, Any]) -> list[dict[str, Any]]:
    agency = record["agreement"]["party_a"]
    applicant = record["applicant"]
    contact = applicant["contact"]
    parties = [
        _party("party_a", "甲方", agency, agency["contact"]["name"], agency["contact"]["phone"]),
        _party("party_b", "乙方", applicant, contact["name"], contact["phone"]),
    ]
    if agreement_domain.is_three_party(record) and "third_party" in record["project"]:
        third = record["project"]["third_party"]
        third_contact = third.get("contact", {})
        parties.append(_party("party_c", "丙方", third, third_contact.get("name", ""),
                              third_contact.get("phone", third.get("phone", ""))))
    return parties


def _party(role: str, title: str, data: dict[str, Any], contact: str, phone: str) -> dict[str, Any]:
    account = data.get("account", {})
    representative = data.get("legal_representative", "")
    signatory = data.get("signatory", "")
    return {"role": role, "title": title, "name": data["name"], "credit_code": data.get("credit_code", ""),
            "address": data.get("address", ""), "legal_representative": representative,
            "signatory": signatory if signatory != representative else "",  # printed only when it adds a name
            "contact": contact, "phone": phone,
            **{key: account.get(key, "") for key in ("bank", "account_name", "account_number")}}


def acceptance_report(record: dict[str, Any], policy: Policy) -> dict[str, Any]:
    """The 评估验收报告's indicator table, computed verdict, deadlines and settlement."""
    evaluation = acceptance_domain.evaluate(record, policy)
    money = acceptance_domain.settlement(record)
    third = record["project"].get("third_party")
    implementer = third["name"] if agreement_domain.is_three_party(record) and third else record["applicant"]["name"]
    return {
        "implementer": implementer,
        "indicators": [{"label": row.label, "target_text": row.target.text if row.target else "—",
                        "actual_text": row.actual_text, "rate_text": row.rate_text, "met_text": row.met_text,
                        "note": row.note}
                       for row in evaluation.indicators],
        "notes": [row.note for row in evaluation.indicators if row.note],
        "target_sources": sorted({row.target.cited for row in evaluation.indicators if row.target}
                                 | {target.cited for target in evaluation.missing}),
        "verdict": evaluation.verdict,
        "stated_verdict": record["acceptance"].get("verdict"),
        "failures": evaluation.failures,
        "deadlines": [{"name": d.name, "basis": d.basis, "start_label": d.start_label, "start": d.start,
                       "due": d.due, "actual": d.actual, "source": d.source}
                      for d in acceptance_domain.deadlines(record, policy, evaluation.verdict)],
        "settlement": {"amount": money.amount, "prepayment_paid": money.prepayment_paid,
                       "deductions": money.deductions, "deductions_total": money.deductions_total,
                       "balance_due": money.balance_due, "refund": money.refund,
                       "payable": evaluation.verdict == acceptance_domain.PASS},
    }
