"""A project's life: the agreement pre-filled from the application, the acceptance from the agreement's KPIs."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from docgen.domain.acceptance import Target, evaluate, targets
from docgen.domain.agreement import payment_schedule
from docgen.findings import Finding, Severity
from docgen.money import to_decimal
from docgen.policies import DEFAULT_POLICY, Policy, load_policy
from docgen.schemas import label_for

AGENCY_SETTING = "agency"  # the agency's own details, kept once: party_a, place, prepayment ratio, number pattern
NUMBER_PATTERN = "number_pattern"  # the key of the 协议编号 pattern in the agency setting
DEFAULT_NUMBER_PATTERN = "{year}-{seq:03d}"
_PLACEHOLDER = re.compile(r"\{(?P<name>[a-z]+)(?::0?(?P<width>[1-9]))?(?P<d>d)?\}")


@cache
def _kpi_rules() -> list[dict[str, Any]]:
    with (Path(__file__).parent / "kpis.toml").open("rb") as fh:
        return list(tomllib.load(fh)["goal"])


def agreement_draft(record: dict[str, Any], agency: dict[str, Any], *, number: str | None = None,
                    today: date | None = None) -> dict[str, Any]:
    """The 服务协议 section as the application implies it; fields already filled in are kept as they are.

    Amount = the budget total, service period = the project dates, payee = the applicant (or the third party
    that carries the project out) with its bank account when the record has one, KPI rows from the plan's
    goals and training, 甲方 and place from settings, the 协议编号 given and today as the sign date.
    """
    project, budget = record.get("project", {}), record.get("budget", {})
    amount = _budget_total(budget)
    third_party = project.get("implementation") == "third_party" and "third_party" in project
    payer = project["third_party"] if third_party else record.get("applicant", {})
    draft: dict[str, Any] = {
        "number": number,
        "sign_date": (today or date.today()).isoformat(),
        "party_a": agency.get("party_a"),
        "place": agency.get("place"),
        "amount": str(amount) if amount is not None else None,
        "prepayment_ratio": agency.get("prepayment_ratio"),
        "start_date": project.get("start_date"),
        "end_date": project.get("end_date"),
        "kpis": kpis_from_plan(record.get("plan", {})) or None,
        "payee": {"party": "party_c" if third_party else "party_b", "account_name": payer.get("name"),
                  **payer.get("account", {})},
    }
    if amount is not None and draft["prepayment_ratio"] is not None:
        schedule = payment_schedule({"amount": amount, "prepayment_ratio": Decimal(str(draft["prepayment_ratio"]))})
        draft["prepayment"], draft["balance"] = str(schedule.prepayment), str(schedule.balance)
    return _fill(record.get("agreement", {}), draft)


def number_problem(pattern: str) -> str | None:
    """Why a 协议编号 pattern cannot be used (in Chinese), or None when it can."""
    if not pattern.strip():
        return "协议编号格式不能为空"
    names = [m["name"] for m in _PLACEHOLDER.finditer(pattern)]
    leftover = _PLACEHOLDER.sub("", pattern)
    if any(name not in ("year", "month", "seq") for name in names) or "{" in leftover or "}" in leftover:
        return (f"协议编号格式「{pattern}」中有无法识别的占位符；可用 {{year}}（年份）、{{month}}（月份）、"
                "{seq}（序号）和 {seq:03d}（补足 3 位的序号）")
    if "seq" not in names:
        return f"协议编号格式「{pattern}」须含序号 {{seq}} 或 {{seq:03d}}，否则每份协议的编号都相同"
    return None


def format_number(pattern: str, seq: int, today: date) -> str:
    """The 协议编号 ``pattern`` gives for sequence number ``seq`` (a pattern `number_problem` accepts)."""
    def value(match: re.Match[str]) -> str:
        number = {"year": today.year, "month": today.month, "seq": seq}[match["name"]]
        return str(number).zfill(int(match["width"] or (2 if match["name"] == "month" else 1)))

    return _PLACEHOLDER.sub(value, pattern)


def acceptance_draft(record: dict[str, Any]) -> dict[str, Any]:
    """The 评估验收 section started from the agreement's KPIs (one result row each), keeping what is filled in."""
    kpis = record.get("agreement", {}).get("kpis", [])
    rows = [{k: v for k, v in kpi.items() if k in ("indicator", "name")} for kpi in kpis]
    return _fill(record.get("acceptance", {}), {"results": rows or None, "panel": []})


def kpis_from_plan(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """KPI rows read from the plan: trainees and sessions from its training, rates and scores from its goals."""
    training = plan.get("training", [])
    kpis: list[dict[str, Any]] = []
    if training:
        persons = sum(int(course.get("participants", 0)) for course in training)
        kpis += [{"indicator": "training_persons", "target": persons},
                 {"indicator": "training_sessions", "target": len(training)}]
    for goal in plan.get("goals", []):
        text = str(goal.get("goal", ""))
        for rule in _kpi_rules():
            match = re.search(rule["pattern"], text)
            if match and not any(k["indicator"] == rule["indicator"] for k in kpis):
                target = Decimal(match["value"]) * Decimal(str(rule.get("scale", 1)))
                kpis.append({"indicator": rule["indicator"], "target": target})
    return kpis


def _budget_total(budget: dict[str, Any]) -> Decimal | None:
    try:
        if budget.get("total") is not None:
            return to_decimal(budget["total"])
        items = budget.get("items") or []
        return sum((to_decimal(item["amount"]) for item in items), Decimal(0)) if items else None
    except (ValueError, TypeError, KeyError):
        return None  # an unreadable budget is reported on its own page; the amount is left for a person


def _fill(current: dict[str, Any], draft: dict[str, Any]) -> dict[str, Any]:
    """``current`` with the draft's values where it has none (nested objects filled the same way)."""
    filled = dict(current)
    for key, value in draft.items():
        if value is None:
            continue
        if isinstance(value, dict) and isinstance(filled.get(key), dict):
            filled[key] = _fill(filled[key], value)
        elif filled.get(key) in (None, "", []):
            filled[key] = value
    return filled


def agreed_targets(record: dict[str, Any], findings: list[Finding]) -> list[Target]:
    """The targets the acceptance is judged against (the agreement's, raised to the profile's floors).

    Empty while ``findings`` (of the record's acceptance page) say the agreement cannot be read for them yet.
    """
    return [] if _blocked(findings, _TARGET_INPUTS) else targets(record, _policy(record))


def unmet_targets(record: dict[str, Any], findings: list[Finding]) -> list[Finding]:
    """A warning at each result that misses its target, so the clerk sees it while typing the results."""
    if not record.get("acceptance", {}).get("results") or _blocked(findings, (*_TARGET_INPUTS, "/acceptance/results")):
        return []
    results = record["acceptance"]["results"]
    found = []
    for i, row in enumerate(evaluate(record, _policy(record)).indicators):
        if row.met is False and row.target:
            path = f"{row.path}/{'actual' if 'actual' in results[i] else 'numerator'}"  # under the figure typed
            found.append(Finding("acceptance.target_unmet", path, label_for(path),
                                 f"「{row.label}」完成 {row.actual_text}，未达到目标 {row.target.text}"
                                 f"（{row.target.cited}）；验收结论应为不合格", Severity.WARNING))
    return found


_TARGET_INPUTS = ("/policy", "/project", "/agreement")  # what the targets are read from


def _blocked(findings: list[Finding], inputs: tuple[str, ...]) -> bool:
    """True when schema or profile errors in ``inputs`` keep the domain functions from reading the record."""
    return any(f.is_error and f.code.startswith(("schema.", "policy.")) and f.path.startswith(inputs)
               for f in findings)


def _policy(record: dict[str, Any]) -> Policy:
    return load_policy(str(record.get("policy") or DEFAULT_POLICY))
