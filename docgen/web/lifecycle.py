"""A project's life: the agreement pre-filled from the application, the acceptance from the agreement's KPIs."""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from docgen.domain.agreement import payment_schedule
from docgen.money import to_decimal

AGENCY_SETTING = "agency"  # the agency's own details, kept once: party_a, place, prepayment ratio


@cache
def _kpi_rules() -> list[dict[str, Any]]:
    with (Path(__file__).parent / "kpis.toml").open("rb") as fh:
        return list(tomllib.load(fh)["goal"])


def agreement_draft(record: dict[str, Any], agency: dict[str, Any]) -> dict[str, Any]:
    """The 服务协议 section as the application implies it; fields already filled in are kept as they are.

    Amount = the budget total, service period = the project dates, payee = the applicant (or the third party
    that carries the project out), KPI rows from the plan's goals and training, 甲方 and place from settings.
    """
    project, budget = record.get("project", {}), record.get("budget", {})
    amount = _budget_total(budget)
    third_party = project.get("implementation") == "third_party" and "third_party" in project
    payee_name = project["third_party"].get("name") if third_party else record.get("applicant", {}).get("name")
    draft: dict[str, Any] = {
        "party_a": agency.get("party_a"),
        "place": agency.get("place"),
        "amount": str(amount) if amount is not None else None,
        "prepayment_ratio": agency.get("prepayment_ratio"),
        "start_date": project.get("start_date"),
        "end_date": project.get("end_date"),
        "kpis": kpis_from_plan(record.get("plan", {})) or None,
        "payee": {"party": "party_c" if third_party else "party_b", "account_name": payee_name},
    }
    if amount is not None and draft["prepayment_ratio"] is not None:
        schedule = payment_schedule({"amount": amount, "prepayment_ratio": Decimal(str(draft["prepayment_ratio"]))})
        draft["prepayment"], draft["balance"] = str(schedule.prepayment), str(schedule.balance)
    return _fill(record.get("agreement", {}), draft)


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
