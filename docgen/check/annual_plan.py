"""Rules on the 年度实施方案 carried by a 通知: its work steps must run forward and fit the completion period."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from docgen.check.registry import rule
from docgen.findings import Finding
from docgen.policies import Policy
from docgen.schemas import label_for

_STEPS = "/notice/plan/steps"


def _month_index(text: str) -> int:
    """``YYYY-MM`` → months since year 0, so spans can be counted."""
    year, month = (int(part) for part in text.split("-"))
    return year * 12 + month - 1


def _month_text(text: str) -> str:
    year, month = (int(part) for part in text.split("-"))
    return f"{year}年{month}月"


@rule(_STEPS)
def step_months_reversed(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """A work step may not end before it starts."""
    for i, step in enumerate(record["notice"].get("plan", {}).get("steps", [])):
        if "end" in step and _month_index(step["end"]) < _month_index(step["start"]):
            path = f"{_STEPS}/{i}/end"
            yield Finding("plan.step_months_reversed", path, label_for(path),
                          f"「{step['title']}」的结束月份 {_month_text(step['end'])} 早于开始月份 "
                          f"{_month_text(step['start'])}")


@rule(_STEPS, "/notice/plan/completion_months")
def steps_beyond_completion(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """The steps, first start to last end, must fit the plan's 完成期限 (N 个月内完成各子项目的全部服务工作)."""
    plan = record["notice"].get("plan", {})
    months, basis = plan.get("completion_months"), policy.rule("plan_completion")
    if months is None or basis is None:
        return
    steps = plan["steps"]
    first = min(_month_index(step["start"]) for step in steps)
    last = max(_month_index(step.get("end", step["start"])) for step in steps)
    span = last - first + 1
    if span > months:
        path = "/notice/plan/completion_months"
        yield Finding("plan.steps_beyond_completion", path, label_for(path),
                      f"工作步骤从第一步开始到最后一步结束共 {span} 个月，超过完成期限 {months} 个月（{basis.source}）")
