"""Rules on the project period."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from docgen.check.registry import rule
from docgen.dates import cn_date, months_between, parse_date
from docgen.findings import Finding
from docgen.policies import Policy
from docgen.schemas import label_for


@rule("/project/start_date", "/project/end_date")
def dates_reversed(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """The project must not end before it starts."""
    start, end = parse_date(record["project"]["start_date"]), parse_date(record["project"]["end_date"])
    if end < start:
        path = "/project/end_date"
        yield Finding("project.dates_reversed", path, label_for(path),
                      f"项目结束日期 {cn_date(end)} 早于开始日期 {cn_date(start)}")


@rule("/project/start_date", "/project/end_date")
def period_too_long(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """The period may not exceed the profile's maximum (e.g. 24 months under nei-mongol-2020)."""
    limit = policy.rule("project_period")
    start, end = parse_date(record["project"]["start_date"]), parse_date(record["project"]["end_date"])
    if limit is None or end < start:
        return
    months = months_between(start, end)
    if months > limit["max_months"]:
        path = "/project/end_date"
        yield Finding("project.period_too_long", path, label_for(path),
                      f"实施周期 {cn_date(start)} 至 {cn_date(end)} 共 {months} 个月，超过最长 "
                      f"{limit['max_months']} 个月（{limit.source}）")
