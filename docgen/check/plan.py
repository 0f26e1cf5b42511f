"""Rules on the 实施方案: its schedule must fit the project and its training must be budgeted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from docgen.check.registry import rule
from docgen.dates import cn_date, parse_date
from docgen.findings import Finding, Severity
from docgen.policies import Policy
from docgen.schemas import label_for

_SCHEDULES = ("/plan/publicity/online", "/plan/publicity/offline", "/plan/training")


@rule("/project/start_date", "/project/end_date", *_SCHEDULES)
def activity_outside_period(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """Every scheduled activity must take place within the project period."""
    start, end = parse_date(record["project"]["start_date"]), parse_date(record["project"]["end_date"])
    for base, entries in _schedule_entries(record):
        for i, entry in enumerate(entries):
            for key in ("date", "end_date"):
                if key in entry and not start <= parse_date(entry[key]) <= end:
                    path = f"{base}/{i}/{key}"
                    yield Finding("plan.activity_outside_period", path, label_for(path),
                                  f"日期 {cn_date(entry[key])} 不在项目实施周期 {cn_date(start)} 至 {cn_date(end)} 内",
                                  Severity.WARNING)


@rule("/plan/training", "/budget/items/*/category")
def training_without_budget(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """Training courses in the plan need a 培训费 line in the budget."""
    categories = policy.rule("budget_categories")
    if categories is None or not record["plan"]["training"]:
        return
    if not any(item["category"] == categories["training"] for item in record["budget"]["items"]):
        yield Finding("plan.training_without_budget", "/plan/training", label_for("/plan/training"),
                      f"方案安排了 {len(record['plan']['training'])} 项培训，但预算中没有「{categories['training']}」",
                      Severity.WARNING)


def _schedule_entries(record: dict[str, Any]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    plan = record["plan"]
    yield "/plan/publicity/online", plan["publicity"]["online"]
    yield "/plan/publicity/offline", plan["publicity"]["offline"]
    yield "/plan/training", plan["training"]
