"""Rules on the 评估验收报告: the verdict, the results, the deadlines and the money.

What they judge is computed in `docgen.domain.acceptance`, which the report's template context prints.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from docgen.check.registry import rule
from docgen.dates import cn_date, parse_date
from docgen.domain.acceptance import UNREPORTED, Deadline, deadlines, evaluate, lowered_targets, settlement
from docgen.domain.figures import yuan
from docgen.findings import Finding, Severity
from docgen.policies import Policy
from docgen.schemas import label_for

_RESULTS = "/acceptance/results"
_EVALUATION_INPUTS = ("/acceptance/results", "/acceptance/verdict", "/agreement/kpis", "/project/categories")


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
                      f"缺少「{target.label}」的完成情况（目标 {target.text}，{target.cited}）")
    if evaluation.unreported:
        names = "、".join(f"「{t.label}」（{t.text}）" for t in evaluation.unreported)
        yield Finding("acceptance.condition_unreported", _RESULTS, label_for(_RESULTS),
                      f"未报告{names}，无法确认是否符合{evaluation.unreported[0].cited}的要求", Severity.WARNING)
    for row in evaluation.indicators:
        if row.actual_text == UNREPORTED:
            yield Finding("acceptance.result_missing", row.path, label_for(row.path),
                          f"「{row.label}」既未填写完成值（actual），也未填写可计算的分子和分母")


@rule("/project/end_date", "/acceptance/date", "/acceptance/application_date")
def deadline_missed(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """验收申请 and 验收 must fall within the profile's limits."""
    yield from _deadline_findings(deadlines(record, policy))


@rule("/acceptance/date", "/acceptance/rectification_date", "/project/end_date", *_EVALUATION_INPUTS)
def rectification_missed(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """After a 不合格 verdict, 整改 must be completed within the profile's working days."""
    verdict = evaluate(record, policy).verdict
    rows = [d for d in deadlines(record, policy, verdict) if d.code == "rectification"]
    yield from _deadline_findings(rows)


def _deadline_findings(rows: list[Deadline]) -> Iterator[Finding]:
    for row in rows:
        span = f"{cn_date(row.start)}{row.basis.removeprefix(row.start_label)}"
        if row.missed is None and row.year_not_covered is not None:
            # An error when the record's date cannot be judged; a warning when only the printed last day is unknown.
            severity = Severity.ERROR if row.actual is not None else Severity.WARNING
            yield Finding("calendar.year_not_covered", row.path, label_for(row.path),
                          f"无法计算{row.name}（{span}）：{row.year_not_covered}", severity)
        elif row.missed:
            assert row.due is not None and row.actual is not None
            late = (row.actual - row.due).days
            moved = (f"，末日 {cn_date(row.postponed_from)} 为法定节假日或休息日，顺延至 {cn_date(row.due)}"
                     if row.postponed_from else "")
            yield Finding("acceptance.deadline_missed", row.path, label_for(row.path),
                          f"{label_for(row.path)} {cn_date(row.actual)} 晚于{row.name} {cn_date(row.due)}"
                          f"（{row.start_label} {cn_date(row.start)} {row.basis.removeprefix(row.start_label)}{moved}，"
                          f"逾期 {late} 天；{row.source}）")


@rule("/agreement/kpis", "/project/categories")
def target_below_profile(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """An agreed target below the profile's figure is raised to it (the 办法's figures are floors), with a warning."""
    for i, agreed, floor in lowered_targets(record, policy):
        path = f"/agreement/kpis/{i}/target"
        yield Finding("acceptance.target_below_profile", path, label_for(path),
                      f"服务协议约定的「{agreed.label}」目标 {agreed.text} 低于{floor.cited}规定的 "
                      f"{floor.text}，评估验收按 {floor.text} 执行", Severity.WARNING)


_MONEY_INPUTS = ("/acceptance/deductions", "/acceptance/prepayment_paid", "/agreement/amount",
                 "/agreement/prepayment_ratio")


@rule(*_MONEY_INPUTS)
def prepayment_refund(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """Deductions beyond the unpaid 余款 (up to the whole contract) mean part of the 预付款 must be returned."""
    money = settlement(record)
    if money.refund > 0 and money.deductions_total <= money.amount:
        path = "/acceptance/deductions"
        basis = policy.rule("deductions")
        why = f"；{basis.source.split('：')[0]}：可以扣减部分乃至全部合同款" if basis else ""
        yield Finding("acceptance.prepayment_refund", path, label_for(path),
                      f"扣减合计 {yuan(money.deductions_total)} 超过未支付余款 {yuan(money.unpaid)}"
                      f"（合同金额 {yuan(money.amount)} − 已付预付款 {yuan(money.prepayment_paid)}），"
                      f"不再支付余款，并应退回预付款 {yuan(money.refund)}{why}", Severity.WARNING)


@rule(*_MONEY_INPUTS)
def deductions_exceed_contract(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """Deductions may reach the whole contract amount, not more."""
    money = settlement(record)
    if money.deductions_total > money.amount:
        path = "/acceptance/deductions"
        yield Finding("acceptance.deductions_exceed_contract", path, label_for(path),
                      f"扣减合计 {yuan(money.deductions_total)} 超过合同金额 {yuan(money.amount)}，"
                      f"超出 {yuan(money.deductions_total - money.amount)}；扣减最多为全部合同款")


@rule("/project/end_date", "/acceptance/application_date", "/acceptance/date", "/acceptance/rectification_date")
def dates_out_of_order(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """The project ends, then 验收 is applied for, then accepted, then rectified: each date after the one before."""
    acceptance = record["acceptance"]
    steps = [("/project/end_date", record["project"]["end_date"])]
    steps += [(f"/acceptance/{key}", acceptance[key]) for key in ("application_date", "date", "rectification_date")
              if key in acceptance]
    for (before_path, before), (path, value) in zip(steps, steps[1:], strict=False):
        if parse_date(value) < parse_date(before):
            yield Finding("acceptance.dates_out_of_order", path, label_for(path),
                          f"{label_for(path)} {cn_date(value)} 早于{label_for(before_path)} {cn_date(before)}")
