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
  third party), each ``{role, title, name, credit_code, address, legal_representative, signatory, contact,
  phone, bank, account_name, account_number}`` (missing optional facts as ``""``; ``signatory`` only when
  it differs from the legal representative); ``payee`` is ``{role, name, bank, account_name, account_number}``;
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
- ``notice`` (only when rendering the 通知, kind ``notice``): see `notice_view`:
  ``{doc_number, issuers, title, title_lines, addressee, body, attachment_note, attachments, signature, signature_rows,
  date_text, date_right, seal, note, copy_to, printer, print_date_text}``, placeholders already filled for the
  recipient; ``signature`` ``[{text, right}]`` and ``date_right`` are right indents in hundredths of a character;
  ``signature_rows`` ``[{left, right, left_at, right_at}]`` are joint 署名 under seals two a row, each centre in
  twips from the left of the 版心 (``signature`` is then empty); ``note`` is the 附注 without its parentheses;
  body blocks carry ``keep`` and table blocks ``grid`` (column widths in twips).
Filters: ``wan``, ``yuan``, ``daxie``, ``cndate``, ``checked(expected)``, ``zh``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from docgen.context.agency import acceptance_report, agreement_terms
from docgen.context.notice import notice_view
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
    context.update(_kind_views(record, policy, kind))
    return context


def _kind_views(record: dict[str, Any], policy: Policy, kind: str) -> dict[str, Any]:
    """Derived values only some kinds show, built for those kinds (their schema already passed)."""
    views: dict[str, Any] = {}
    if kind in ("agreement", "acceptance"):
        views["agreement_terms"] = agreement_terms(record, policy)
    if kind == "acceptance":
        views["acceptance_report"] = acceptance_report(record, policy)
    if kind == "notice":
        views["notice"] = notice_view(record)
    return views


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
