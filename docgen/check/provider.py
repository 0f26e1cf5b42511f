"""Rules on the 工伤预防服务机构 (the third party that carries out a delegated project): its basic conditions.

The day they are judged on is the agreement's signing date, else the project's start date.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from docgen.check.registry import rule
from docgen.dates import add_months, cn_date, parse_date
from docgen.findings import Finding
from docgen.policies import Policy
from docgen.schemas import label_for

_PROVIDER = "/project/third_party"


def _reference(record: dict[str, Any]) -> tuple[str, date]:
    # The agreement is optional here (an application has none), so its date is read only when well-formed.
    signed = record.get("agreement", {}).get("sign_date")
    try:
        return "协议签订日期", parse_date(signed)
    except ValueError:
        return "项目开始日期", parse_date(record["project"]["start_date"])


def _provider(record: dict[str, Any]) -> dict[str, Any] | None:
    return record["project"].get("third_party") if record["project"]["implementation"] == "third_party" else None


@rule(f"{_PROVIDER}/business_since", "/project/start_date", "/project/implementation")
def provider_too_new(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """The provider must have done related publicity/training work for the profile's minimum years."""
    provider, limit = _provider(record), policy.rule("provider")
    if provider is None or limit is None or "business_since" not in provider or "min_business_years" not in limit:
        return
    since = parse_date(provider["business_since"])
    label, day = _reference(record)
    years = int(limit["min_business_years"])
    if add_months(since, 12 * years) > day:
        path = f"{_PROVIDER}/business_since"
        yield Finding("provider.too_new", path, label_for(path),
                      f"第三方机构 {cn_date(since)} 起从事相关业务，到{label} {cn_date(day)} 不满 {years} 年"
                      f"（{limit.source}）")


@rule(f"{_PROVIDER}/violations", "/project/start_date", "/project/implementation")
def provider_violation(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """No major violation within the profile's window (内蒙古: two years; 宁波: none at all)."""
    provider, limit = _provider(record), policy.rule("provider")
    if provider is None or limit is None or "no_violation" not in limit:
        return
    label, day = _reference(record)
    window = limit.get("violation_free_years")
    for i, violation in enumerate(provider.get("violations", [])):
        when = parse_date(violation["date"])
        if when > day or (window is not None and add_months(when, 12 * int(window)) <= day):
            continue
        path = f"{_PROVIDER}/violations/{i}"
        within = f"前 {window} 年内" if window is not None else "之前"
        yield Finding("provider.violation", path, label_for(path),
                      f"第三方机构 {cn_date(when)} 有重大违法违规记录（{violation['summary']}），在{label} "
                      f"{cn_date(day)} {within}，不符合服务机构的基本条件（{limit.source}）")


@rule(f"{_PROVIDER}/disqualified_on", "/project/start_date", "/project/implementation")
def provider_disqualified(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """A provider found to have served badly may not take projects for the profile's ban (内蒙古: three years)."""
    provider, ban = _provider(record), policy.rule("provider_ban")
    if provider is None or ban is None or "disqualified_on" not in provider:
        return
    when = parse_date(provider["disqualified_on"])
    label, day = _reference(record)
    years = int(ban["years"])
    until = add_months(when, 12 * years)
    if when <= day < until:
        path = f"{_PROVIDER}/disqualified_on"
        yield Finding("provider.disqualified", path, label_for(path),
                      f"第三方机构 {cn_date(when)} 被认定服务不符合规定，{years} 年内（至 {cn_date(until)} 前）"
                      f"不得从事工伤预防项目，{label} {cn_date(day)} 仍在此期限内（{ban.source}）")
