"""Rules on the project budget: arithmetic, categories, the project-level cap and fee standards."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from docgen.check.registry import rule
from docgen.domain.figures import exact_yuan, pct, wan, yuan
from docgen.findings import Finding, Severity
from docgen.money import round_yuan
from docgen.policies import Policy
from docgen.schemas import label_for


def budget_sum(record: dict[str, Any]) -> Decimal:
    """Sum of the budget lines in 元 (the 申报资金支出合计)."""
    return sum((item["amount"] for item in record["budget"]["items"]), Decimal(0))


@rule("/budget/items/*/amount", "/budget/total")
def sum_mismatch(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """A stated total must equal the sum of the lines, to the 分."""
    stated = record["budget"].get("total")
    computed = budget_sum(record)
    if stated is not None and stated != computed:
        path = "/budget/total"
        yield Finding("budget.sum_mismatch", path, label_for(path),
                      f"预算合计 {yuan(stated)} 与各明细金额之和 {yuan(computed)} 不一致"
                      f"（相差 {yuan(abs(stated - computed))}）")


@rule("/budget/items/*/category")
def unknown_category(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """Every line must use one of the 科目 printed in 附件3, in its printed wording."""
    categories = policy.rule("budget_categories")
    if categories is None:
        return
    names = list(categories["names"])
    for i, item in enumerate(record["budget"]["items"]):
        if item["category"] not in names:
            close = difflib.get_close_matches(item["category"], names, n=1, cutoff=0.4)
            hint = f"是否应为「{close[0]}」？" if close else f"可用科目：{'、'.join(names)}"
            path = f"/budget/items/{i}/category"
            yield Finding("budget.unknown_category", path, label_for(path),
                          f"科目「{item['category']}」不在{categories.source}所列科目中；{hint}")


@rule("/budget/items/*/amount", "/finance/contributions_last_year")
def over_cap(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """The project budget may not exceed the profile's project-level cap (3% of contributions in 内蒙古).

    Compared exactly: 38,539.58 is over a cap of 1,284,652.50 × 3% = 38,539.575, though both print 38,539.58.
    """
    cap_rule = policy.rule("project_budget_cap")
    if cap_rule is None:
        return
    contributions = record["finance"]["contributions_last_year"]
    cap = contributions * cap_rule["ratio"]
    total = budget_sum(record)
    if total > cap:
        yield Finding("budget.over_cap", "/budget", label_for("/budget"),
                      f"项目预算 {yuan(total)}（{wan(total)}）超过上限 {exact_yuan(cap)}（上年度缴纳工伤保险费 "
                      f"{yuan(contributions)} × {pct(cap_rule['ratio'])}，{cap_rule.source}），"
                      f"超出 {exact_yuan(total - cap)}")


@rule("/budget/items/*/amount", "/budget/items/*/training")
def training_over_standard(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """A 培训费 line that states persons and days may not exceed the 综合定额 for its class."""
    standard = policy.rule("training")
    if standard is None:
        return
    for i, item, training in _lines_with(record, "training"):
        quota = Decimal(standard["daily_quota"][training["class"]])
        limit = training_limit(quota, training["persons"], training["days"], standard)
        if item["amount"] > limit:
            path = f"/budget/items/{i}/amount"
            yield Finding("budget.training_over_standard", path, label_for(path),
                          f"培训费 {yuan(item['amount'])} 超过{training['class']}培训综合定额上限 {yuan(limit)}"
                          f"（{quota} 元/人·天 × {training['persons']} 人 × {training['days']} 天，{standard.source}）")


def training_limit(quota: Decimal, persons: int, days: int, standard: Any) -> Decimal:
    """Upper limit of a training line: full quota up to the long-course threshold, reduced beyond it."""
    full_days = min(days, standard["full_rate_days"])
    extra_days = days - full_days
    return round_yuan(quota * persons * (full_days + extra_days * standard["long_course_factor"]))


@rule("/budget/items/*/amount", "/budget/items/*/lecture")
def lecture_fee_over_cap(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """A 讲课费 line that states hours and the lecturer's title may not exceed the hourly cap."""
    standard = policy.rule("lecture")
    if standard is None:
        return
    for i, item, lecture in _lines_with(record, "lecture"):
        hourly = Decimal(standard["hourly_cap"][lecture["title"]])
        limit = hourly * lecture["hours"]
        if item["amount"] > limit:
            path = f"/budget/items/{i}/amount"
            yield Finding("budget.lecture_fee_over_cap", path, label_for(path),
                          f"讲课费 {yuan(item['amount'])} 超过上限 {yuan(limit)}（{lecture['title']} 每学时 "
                          f"{hourly} 元 × {lecture['hours']} 学时，{standard.source}）")


def _lines_with(record: dict[str, Any], key: str) -> Iterator[tuple[int, dict[str, Any], dict[str, Any]]]:
    """Budget lines that carry the ``key`` sub-object (e.g. ``training``), with their index."""
    for i, item in enumerate(record["budget"]["items"]):
        if key in item:
            yield i, item, item[key]


@rule("/budget/items/*/beneficiaries", "/budget/items/*/standard")
def detail_incomplete(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """Every line should state its beneficiaries and its standard; warn naming what is missing."""
    basis = policy.rule("budget_detail")
    if basis is None:
        return
    for i, item in enumerate(record["budget"]["items"]):
        missing = [label_for(f"/budget/items/{i}/{key}").rsplit("·", 1)[-1]
                   for key in ("beneficiaries", "standard") if key not in item]
        if missing:
            path = f"/budget/items/{i}"
            yield Finding("budget.detail_incomplete", path, label_for(path),
                          f"未填写{'和'.join(missing)}（{basis.source}）", Severity.WARNING)


@rule("/budget/items/*/category", "/budget/items/*/detail", "/budget/items/*/amount", "/budget/items/*/standard",
      "/budget/items/*/quantity", "/budget/items/*/unit_price")
def itemised_cost_incomplete(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """印刷费 and 宣传费 lines must state their kind, standard and amount; quantity × unit price must add up."""
    basis = policy.rule("itemised_costs")
    if basis is None:
        return
    for i, item in enumerate(record["budget"]["items"]):
        if item["category"] not in basis["categories"] and not any(k in item["detail"] for k in basis["keywords"]):
            continue
        priced = "quantity" in item and "unit_price" in item
        if not priced and "standard" not in item:
            path = f"/budget/items/{i}/standard"
            yield Finding("budget.itemised_cost_incomplete", path, label_for(path),
                          f"「{item['category']}」未列明支出标准，也未填写数量和单价（{basis.source}）")
        elif priced and item["quantity"] * item["unit_price"] != item["amount"]:
            product = item["quantity"] * item["unit_price"]
            path = f"/budget/items/{i}/amount"
            yield Finding("budget.itemised_cost_mismatch", path, label_for(path),
                          f"金额 {yuan(item['amount'])} 不等于数量 {item['quantity']:,}{item.get('unit', '')} × 单价 "
                          f"{yuan(item['unit_price'])} = {yuan(product)}（相差 {yuan(abs(item['amount'] - product))}）")
