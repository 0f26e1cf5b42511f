"""Rules on the 评估验收报告: the verdict, the results, the deadlines and the money.

What they judge is computed in `docgen.domain.acceptance`, which the report's template context prints.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from docgen.check.registry import rule
from docgen.dates import cn_date
from docgen.domain.acceptance import Deadline, deadlines, evaluate, settlement
from docgen.domain.figures import yuan
from docgen.findings import Finding
from docgen.policies import Policy
from docgen.schemas import label_for

_RESULTS = "/acceptance/results"
_EVALUATION_INPUTS = ("/acceptance/results", "/acceptance/verdict", "/agreement/kpis")


@rule(*_EVALUATION_INPUTS)
def verdict_mismatch(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """A stated verdict must be the one the indicators give (合格 with a 满意率 below target is an audit finding)."""
    stated = record["acceptance"].get("verdict")
    evaluation = evaluate(record, policy)
    if stated is not None and stated != evaluation.verdict:
        path = "/acceptance/verdict"
        why = "；".join(evaluation.failures) if evaluation.failures else "各项绩效指标均已达标"
        yield Finding("acceptance.verdict_mismatch", path, label_for(path),
                      f"验收结论写为「{stated}」，但按绩效指标应为「{evaluation.verdict}」：{why}")


@rule(*_EVALUATION_INPUTS)
def result_missing(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """Every target must have a reported result, and every result a value that can be judged."""
    evaluation = evaluate(record, policy)
    for target in evaluation.missing:
        yield Finding("acceptance.result_missing", _RESULTS, label_for(_RESULTS),
                      f"缺少「{target.label}」的完成情况（目标 {target.text}，{target.source}）")
    for row in evaluation.indicators:
        if row.value is None:
            yield Finding("acceptance.result_missing", row.path, label_for(row.path),
                          f"「{row.label}」既未填写完成值（actual），也未填写可计算的分子和分母")


@rule("/project/end_date", "/acceptance/date", "/acceptance/application_date")
def deadline_missed(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """验收申请 and 验收 must fall within the profile's limits."""
    yield from _deadline_findings(deadlines(record, policy))


@rule("/acceptance/date", "/acceptance/rectification_date", *_EVALUATION_INPUTS)
def rectification_missed(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """After a 不合格 verdict, 整改 must be completed within the profile's working days."""
    verdict = evaluate(record, policy).verdict
    rows = [d for d in deadlines(record, policy, verdict) if d.code == "rectification"]
    yield from _deadline_findings(rows)


def _deadline_findings(rows: list[Deadline]) -> Iterator[Finding]:
    for row in rows:
        if row.year_not_covered is not None:
            yield Finding("calendar.year_not_covered", row.path, label_for(row.path),
                          f"无法计算{row.name}（{cn_date(row.start)}{row.basis.removeprefix(row.start_label)}）："
                          f"{row.year_not_covered}")
        elif row.missed:
            assert row.due is not None and row.actual is not None
            late = (row.actual - row.due).days
            yield Finding("acceptance.deadline_missed", row.path, label_for(row.path),
                          f"{label_for(row.path)} {cn_date(row.actual)} 晚于{row.name} {cn_date(row.due)}"
                          f"（{row.start_label} {cn_date(row.start)} {row.basis.removeprefix(row.start_label)}，"
                          f"逾期 {late} 天；{row.source}）")


@rule("/acceptance/deductions", "/acceptance/prepayment_paid", "/agreement/amount", "/agreement/prepayment_ratio")
def deductions_exceed_balance(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """Deductions come out of the unpaid 余款; more than that cannot be settled by this report."""
    money = settlement(record)
    unpaid = money.amount - money.prepayment_paid
    if money.balance_due < 0:
        path = "/acceptance/deductions"
        yield Finding("acceptance.deductions_exceed_balance", path, label_for(path),
                      f"扣减合计 {yuan(money.deductions_total)} 超过未支付余款 {yuan(unpaid)}"
                      f"（合同金额 {yuan(money.amount)} − 已付预付款 {yuan(money.prepayment_paid)}）；"
                      "需追回已付款项的，请另行办理")
