"""What templates see: the record's sections plus derived values (period, budget table) and filters.

The context contract (templates are written against exactly this):
- the sections as plain dicts: ``applicant``, ``project``, ``finance``, ``budget``, ``feasibility``,
  ``plan``, ``extra`` — money as `Decimal` 元, dates as ISO strings, enums as raw values;
- ``policy``: ``{id, name, region, document}`` of the profile applied;
- ``period``: ``{start, end, months, text}`` when the record has a project;
- ``budget_table``: ``{rows, declared_total, self_funded, grand_total}`` when it has a budget, with one
  row ``{category, detail, amount}`` per 科目 of 附件3 in printed order (amount None when unused);
- ``input_sha256``;
- ``agreement`` and ``acceptance`` as plain dicts when the record has them, and, when rendering the
  服务协议 or the 评估验收报告 (the only kinds that show them):
- ``agreement_terms``: ``{three_party, parties, payee, schedule, period, kpis, copies_each, copies_total}``:
  ``parties`` lists 甲方 (the agency), 乙方 (the applicant) and, for a three-party agreement, 丙方 (the
  third party), each ``{role, title, name, credit_code, address, legal_representative, contact, phone}``
  (missing optional facts as ``""``); ``payee`` is ``{role, name, bank, account_name, account_number}``;
  ``schedule`` is ``{amount, ratio, prepayment, balance, ratio_text, balance_ratio_text}`` (Decimal 元,
  预付款 rounded half-up to the 分, 余款 the rest, so they always add up); ``period`` is
  ``{start, end, months, text}`` of the service period; ``kpis`` lists the effective targets
  ``{label, target_text, source}`` — the agreement's, then the profile's for indicators it is silent on;
- ``acceptance_report`` (only for the 评估验收报告): ``{implementer, indicators, verdict,
  stated_verdict, failures, deadlines, settlement}``: ``indicators`` rows ``{label, target_text,
  actual_text, rate_text, met_text}``; ``verdict`` the computed 合格/不合格; ``deadlines`` rows
  ``{name, basis, start_label, start, due, actual, source}`` (dates as `date`, ``due`` None when the
  holiday schedule of a year is unknown); ``settlement`` ``{amount, prepayment_paid, deductions,
  deductions_total, balance_due, payable}`` (``payable``: the 余款 may be paid now, i.e. 合格).
Filters: ``wan``, ``yuan``, ``daxie``, ``cndate``, ``checked(expected)``, ``zh``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from docgen.check import acceptance as acceptance_rules
from docgen.check import agreement as agreement_rules
from docgen.check._fmt import pct
from docgen.check.agreement import payment_schedule
from docgen.dates import cn_date, months_between, parse_date, period_text
from docgen.money import format_wan, format_yuan, rmb_upper
from docgen.policies import Policy
from docgen.schemas import enum_labels

_SECTIONS = ("applicant", "project", "finance", "budget", "feasibility", "plan", "agreement", "acceptance")


def build_context(record: dict[str, Any], policy: Policy, *, kind: str, input_sha256: str) -> dict[str, Any]:
    """Assemble the template context for a validated, money-normalised record."""
    context: dict[str, Any] = {name: record[name] for name in _SECTIONS if name in record}
    context["extra"] = record.get("extra", {})
    context["policy"] = policy.summary()
    context["input_sha256"] = input_sha256
    if "project" in record:
        context["period"] = _period(record["project"])
    if "budget" in record:
        context["budget_table"] = budget_table(record["budget"], policy)
    context.update(_agency_views(record, policy, kind))
    return context


def _agency_views(record: dict[str, Any], policy: Policy, kind: str) -> dict[str, Any]:
    """Derived values of the agency documents, for the kinds that show them (their schema already passed)."""
    views: dict[str, Any] = {}
    if kind in ("agreement", "acceptance"):
        views["agreement_terms"] = agreement_terms(record, policy)
    if kind == "acceptance":
        views["acceptance_report"] = acceptance_report(record, policy)
    return views


def agreement_terms(record: dict[str, Any], policy: Policy) -> dict[str, Any]:
    """The 服务协议's parties, payee, payment schedule, service period and effective 绩效目标."""
    agreement = record["agreement"]
    schedule = payment_schedule(agreement)
    parties = _parties(record)
    payee_role = agreement_rules.payee_role(record)
    payee = next((p for p in parties if p["role"] == payee_role), parties[1])
    start, end = agreement["start_date"], agreement["end_date"]
    copies = agreement.get("copies_each", 2)
    return {
        "three_party": agreement_rules.is_three_party(record),
        "parties": parties,
        "payee": {"role": payee["title"], "name": payee["name"], **{
            key: agreement["payee"][key] for key in ("bank", "account_name", "account_number")}},
        "schedule": {"amount": schedule.amount, "ratio": schedule.ratio, "prepayment": schedule.prepayment,
                     "balance": schedule.balance, "ratio_text": pct(schedule.ratio),
                     "balance_ratio_text": pct(schedule.balance_ratio)},
        "period": {"start": start, "end": end, "months": months_between(start, end) if end >= start else 0,
                   "text": period_text(start, end) if end >= start else f"{cn_date(start)}至{cn_date(end)}"},
        "kpis": [{"label": t.label, "target_text": t.text, "source": t.source}
                 for t in acceptance_rules.targets(record, policy)],
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
    if agreement_rules.is_three_party(record) and "third_party" in record["project"]:
        third = record["project"]["third_party"]
        third_contact = third.get("contact", {})
        parties.append(_party("party_c", "丙方", third, third_contact.get("name", ""),
                              third_contact.get("phone", third.get("phone", ""))))
    return parties


def _party(role: str, title: str, data: dict[str, Any], contact: str, phone: str) -> dict[str, Any]:
    return {"role": role, "title": title, "name": data["name"], "credit_code": data.get("credit_code", ""),
            "address": data.get("address", ""), "legal_representative": data.get("legal_representative", ""),
            "contact": contact, "phone": phone}


def acceptance_report(record: dict[str, Any], policy: Policy) -> dict[str, Any]:
    """The 评估验收报告's indicator table, computed verdict, deadlines and settlement."""
    evaluation = acceptance_rules.evaluate(record, policy)
    money = acceptance_rules.settlement(record)
    third = record["project"].get("third_party")
    implementer = third["name"] if agreement_rules.is_three_party(record) and third else record["applicant"]["name"]
    return {
        "implementer": implementer,
        "indicators": [{"label": row.label, "target_text": row.target.text if row.target else "—",
                        "actual_text": row.actual_text, "rate_text": row.rate_text, "met_text": row.met_text}
                       for row in evaluation.indicators],
        "verdict": evaluation.verdict,
        "stated_verdict": record["acceptance"].get("verdict"),
        "failures": evaluation.failures,
        "deadlines": [{"name": d.name, "basis": d.basis, "start_label": d.start_label, "start": d.start,
                       "due": d.due, "actual": d.actual, "source": d.source}
                      for d in acceptance_rules.deadlines(record, policy, evaluation.verdict)],
        "settlement": {"amount": money.amount, "prepayment_paid": money.prepayment_paid,
                       "deductions": money.deductions, "deductions_total": money.deductions_total,
                       "balance_due": money.balance_due, "payable": evaluation.verdict == acceptance_rules.PASS},
    }


def _period(project: dict[str, Any]) -> dict[str, Any]:
    start, end = parse_date(project["start_date"]), parse_date(project["end_date"])
    return {"start": project["start_date"], "end": project["end_date"],
            "months": months_between(start, end), "text": period_text(start, end)}


def budget_table(budget: dict[str, Any], policy: Policy) -> dict[str, Any]:
    """The 附件3 budget table: every 科目 in printed order, with its lines' details and amount."""
    rule = policy.rule("budget_categories")
    names: list[str] = list(rule["names"]) if rule else []
    rows = []
    for name in names:
        items = [item for item in budget["items"] if item["category"] == name]
        amount = sum((item["amount"] for item in items), Decimal(0)) if items else None
        rows.append({"category": name, "detail": "\n".join(item["detail"] for item in items), "amount": amount})
    declared = sum((item["amount"] for item in budget["items"]), Decimal(0))
    self_funded = budget.get("self_funded", Decimal(0))
    return {"rows": rows, "declared_total": declared, "self_funded": self_funded,
            "grand_total": declared + self_funded}


def _optional(func: Callable[[Any], str]) -> Callable[[Any], str]:
    def wrapped(value: Any) -> str:
        return "" if value is None else func(value)

    wrapped.__name__ = func.__name__
    return wrapped


def _checked(value: Any, expected: Any) -> str:
    return "☑" if value == expected else "☐"


def _zh(value: str) -> str:
    return enum_labels().get(value, value)


def _cndate(value: str | date) -> str:
    return cn_date(parse_date(value))


FILTERS: dict[str, Callable[..., str]] = {
    "wan": _optional(format_wan),
    "yuan": _optional(format_yuan),
    "daxie": _optional(rmb_upper),
    "cndate": _optional(_cndate),
    "checked": _checked,
    "zh": _zh,
}
