"""Rules on the 服务协议: the parties, the payment split, the service period and the contract amount.

The figures they check come from `docgen.domain.agreement`, which the template context prints.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from docgen.check.applicant import credit_code_findings
from docgen.check.budget import budget_sum
from docgen.check.registry import rule
from docgen.dates import cn_date, months_between, parse_date
from docgen.domain.agreement import as_ratio, is_three_party, party_name, payee_role, payment_schedule
from docgen.domain.figures import pct, wan, yuan
from docgen.findings import Finding, Severity
from docgen.policies import Policy
from docgen.schemas import label_for


@rule("/agreement/prepayment_ratio")
def prepay_out_of_range(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """The prepayment ratio must lie in the profile's range (30%–70%, or exactly 30%); 0–100% otherwise."""
    ratio = as_ratio(record["agreement"]["prepayment_ratio"])
    limits = policy.rule("prepayment")
    low, high = (limits["min"], limits["max"]) if limits else (Decimal(0), Decimal(1))
    if low <= ratio <= high:
        return
    allowed = pct(low) if low == high else f"{pct(low)}—{pct(high)}"
    why = limits.source if limits else "预付款不能超过合同金额"
    path = "/agreement/prepayment_ratio"
    yield Finding("payment.prepay_out_of_range", path, label_for(path),
                  f"预付款比例 {pct(ratio)} 不在允许范围 {allowed} 内（{why}）")


@rule("/agreement/amount", "/agreement/prepayment_ratio", "/agreement/prepayment", "/agreement/balance")
def split_mismatch(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """Stated instalments must be the computed ones, and 预付款 + 余款 must be the contract amount."""
    agreement = record["agreement"]
    schedule = payment_schedule(agreement)
    stated_pre, stated_bal = agreement.get("prepayment"), agreement.get("balance")
    if stated_pre is not None and stated_pre != schedule.prepayment:
        path = "/agreement/prepayment"
        yield Finding("payment.split_mismatch", path, label_for(path),
                      f"预付款 {yuan(stated_pre)} 与合同金额 {yuan(schedule.amount)} × {pct(schedule.ratio)} = "
                      f"{yuan(schedule.prepayment)} 不一致")
    prepayment = stated_pre if stated_pre is not None else schedule.prepayment
    if stated_bal is not None and prepayment + stated_bal != schedule.amount:
        gap = abs(schedule.amount - prepayment - stated_bal)
        path = "/agreement/balance"
        yield Finding("payment.split_mismatch", path, label_for(path),
                      f"预付款 {yuan(prepayment)} 与余款 {yuan(stated_bal)} 之和 {yuan(prepayment + stated_bal)} "
                      f"不等于合同金额 {yuan(schedule.amount)}（相差 {yuan(gap)}）")


@rule("/agreement/start_date", "/agreement/end_date")
def period_too_long(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """The service period may not end before it starts nor exceed the profile's maximum (24 months in 内蒙古)."""
    agreement = record["agreement"]
    start, end = parse_date(agreement["start_date"]), parse_date(agreement["end_date"])
    path = "/agreement/end_date"
    if end < start:
        yield Finding("agreement.dates_reversed", path, label_for(path),
                      f"服务结束日期 {cn_date(end)} 早于开始日期 {cn_date(start)}")
        return
    limit = policy.rule("project_period")
    if limit is not None and months_between(start, end) > limit["max_months"]:
        yield Finding("agreement.period_too_long", path, label_for(path),
                      f"服务期限 {cn_date(start)} 至 {cn_date(end)} 共 {months_between(start, end)} 个月，超过最长 "
                      f"{limit['max_months']} 个月（{limit.source}）")


@rule("/agreement/amount", "/budget/items/*/amount")
def amount_over_budget(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """The contract may not promise more than the project's approved budget (申报资金合计)."""
    amount, budget = record["agreement"]["amount"], budget_sum(record)
    if amount > budget:
        path = "/agreement/amount"
        yield Finding("agreement.amount_over_budget", path, label_for(path),
                      f"合同金额 {yuan(amount)}（{wan(amount)}）超过项目预算 {yuan(budget)}（{wan(budget)}），"
                      f"超出 {yuan(amount - budget)}")


@rule("/agreement/party_a/credit_code")
def agency_credit_code(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """甲方's 统一社会信用代码 must pass GB 32100-2015, like every other party's."""
    path = "/agreement/party_a/credit_code"
    yield from credit_code_findings(record["agreement"]["party_a"]["credit_code"], path)


@rule("/agreement/party_a", "/project/implementation", "/project/third_party")
def third_party_missing(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """A project delegated to a third party needs that party (丙方) named for the three-party agreement."""
    if is_three_party(record) and "third_party" not in record["project"]:
        path = "/project/third_party"
        yield Finding("agreement.third_party_missing", path, label_for(path),
                      "项目委托第三方实施，须签订经办机构、申报单位和第三方机构的三方服务协议，但未填写第三方机构"
                      "（内人社发〔2020〕16号 四（五））")


@rule("/agreement/payee", "/applicant/name", "/project/implementation", "/project/third_party")
def payee_mismatch(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """The payee must be a party to the agreement, and the account should be held in its name."""
    role = payee_role(record)
    payee = record["agreement"]["payee"]
    if role == "party_c" and not is_three_party(record):
        path = "/agreement/payee/party"
        yield Finding("agreement.payee_invalid", path, label_for(path),
                      "项目由申报单位直接实施，协议只有甲乙两方，收款方不能是丙方")
        return
    name = party_name(record, role)
    if name is not None and payee["account_name"] != name:
        path = "/agreement/payee/account_name"
        who = "乙方" if role == "party_b" else "丙方"
        yield Finding("agreement.account_name_mismatch", path, label_for(path),
                      f"账户名称「{payee['account_name']}」与收款方（{who}）「{name}」不一致，请核对收款账户",
                      Severity.WARNING)
