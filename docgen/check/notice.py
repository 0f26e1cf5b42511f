"""Rules on the 通知 (GB/T 9704-2012): the 发文字号, the per-recipient placeholders and the annual plan.

Placeholders are filled in `docgen.domain.placeholders`; every failure there becomes a
`notice.placeholder_invalid` finding naming the text and the expression, never an exception.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from docgen.check.registry import rule
from docgen.dates import parse_date
from docgen.domain.figures import pct, wan
from docgen.domain.placeholders import PlaceholderError, fill, notice_texts, placeholder_variables
from docgen.findings import Finding, Severity
from docgen.policies import Policy
from docgen.schemas import label_for, schema_at

_CODE_FORBIDDEN = re.compile(r"[〔〕\[\]【】﹝﹞()（）0-9０-９号第]")


def doc_number(notice: Mapping[str, Any]) -> str:
    """The 发文字号: 机关代字〔年份〕序号号, year in 〔〕, no 第, no leading zeros (内人社发〔2020〕16号)."""
    return f"{notice['issuer_code']}〔{notice['year']}〕{notice['serial']}号"


# --------------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------------


@rule("/notice/issuer_code")
def doc_number_invalid(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """The 机关代字 holds only the code: year, serial, brackets and 号 are added when printing."""
    code = record["notice"]["issuer_code"]
    bad = sorted(set(_CODE_FORBIDDEN.findall(code)))
    if bad:
        path = "/notice/issuer_code"
        yield Finding("notice.doc_number_invalid", path, label_for(path),
                      f"机关代字「{code}」含有{'、'.join(f'「{c}」' for c in bad)}；只填代字（如“内人社发”），"
                      f"年份和序号分别填写，程序按 GB/T 9704 排成“{_example(record)}”")


def _example(record: dict[str, Any]) -> str:
    clean = _CODE_FORBIDDEN.sub("", record["notice"]["issuer_code"]) or "代字"
    return doc_number({**record["notice"], "issuer_code": clean})


@rule("/notice/year", "/notice/date")
def year_mismatch(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """The year in the 发文字号 is the year the notice is dated."""
    notice = record["notice"]
    dated = parse_date(notice["date"]).year
    if notice["year"] != dated:
        path = "/notice/year"
        yield Finding("notice.year_mismatch", path, label_for(path),
                      f"发文字号的年份 {notice['year']} 与成文日期的年份 {dated} 不一致", Severity.WARNING)


@rule("/notice/title", "/notice/addressee", "/notice/body", "/notice/attachments")
def placeholder_invalid(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """Every placeholder must fill from the recipient's fields inside the sandbox."""
    variables = placeholder_variables(record)
    for path, text in notice_texts(record["notice"]):
        try:
            fill(text, variables)
        except PlaceholderError as exc:
            yield Finding("notice.placeholder_invalid", path, label_for(path),
                          f"占位符「{exc.expression}」无法填写：{exc.reason}")


@rule("/notice/plan/total", "/notice/plan/subprojects/*/budget")
def subprojects_sum_mismatch(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """The sub-projects' budgets add up to the year's 工伤预防费."""
    plan = record["notice"].get("plan")
    if plan is None:
        return
    computed = sum((item["budget"] for item in plan["subprojects"]), Decimal(0))
    if computed != plan["total"]:
        path = "/notice/plan/total"
        yield Finding("plan.subprojects_sum_mismatch", path, label_for(path),
                      f"年度预算 {wan(plan['total'])} 与 {len(plan['subprojects'])} 个子项目预算之和 "
                      f"{wan(computed)} 不一致（相差 {wan(abs(plan['total'] - computed))}）")


@rule("/notice/plan/total", "/notice/plan/income_last_year", "/notice/plan/deficit_last_year")
def fund_over_cap(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """The year's 工伤预防费 stays within the profile's share of last year's 征缴收入."""
    cap_rule = policy.rule("fund_cap")
    plan = record["notice"].get("plan")
    if cap_rule is None or plan is None:
        return
    deficit = bool(plan.get("deficit_last_year")) and cap_rule.get("deficit_ratio") is not None
    ratio = as_decimal(cap_rule["deficit_ratio" if deficit else "ratio"])
    cap = plan["income_last_year"] * ratio
    if plan["total"] <= cap:
        return
    about = "左右" if cap_rule.get("approximate") else ""
    basis = f"上年度征缴收入 {wan(plan['income_last_year'])} × {pct(ratio)}{about}"
    basis += "，上年度收不抵支" if deficit else ""
    path = "/notice/plan/total"
    severity = Severity.WARNING if cap_rule.get("approximate") else Severity.ERROR
    yield Finding("plan.fund_over_cap", path, label_for(path),
                  f"年度工伤预防费 {wan(plan['total'])} 超过上限 {wan(cap)}（{basis}；{cap_rule.source}）", severity)


@rule("/notice/plan/prepayment_ratio", "/notice/plan/balance_ratio")
def payment_split_invalid(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """预付款 % + 余款 % = 100%, and the 预付款 within the profile's range where it has one."""
    plan = record["notice"].get("plan")
    if plan is None:
        return
    prepay, balance = as_decimal(plan["prepayment_ratio"]), as_decimal(plan["balance_ratio"])
    if prepay + balance != 1:
        path = "/notice/plan/balance_ratio"
        yield Finding("plan.payment_split_invalid", path, label_for(path),
                      f"预付款 {pct(prepay)} 与余款 {pct(balance)} 之和为 {pct(prepay + balance)}，应为 100%")
    bounds = policy.rule("prepayment")
    if bounds is None:
        return
    low, high = as_decimal(bounds["min"]), as_decimal(bounds["max"])
    if not low <= prepay <= high:
        allowed = pct(low) if low == high else f"{pct(low)}—{pct(high)}"
        path = "/notice/plan/prepayment_ratio"
        yield Finding("plan.payment_split_invalid", path, label_for(path),
                      f"预付款 {pct(prepay)} 不在允许范围 {allowed} 内（{bounds.source}）")


def as_decimal(value: Decimal | int | float) -> Decimal:
    """A ratio as an exact Decimal (JSON and TOML give Decimals already; a Python caller may pass floats)."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


@rule("/notice/recipient_fields")  # reads /recipient too, which a notice need not have
def recipient_field_undeclared(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """A recipient field outside the schema must be declared in notice.recipient_fields (catches misspellings)."""
    recipient = record.get("recipient")
    if not isinstance(recipient, dict):
        return
    known = set((schema_at("/recipient") or {}).get("properties", {}))
    declared = {str(f.get("name")) for f in record["notice"].get("recipient_fields", [])}
    allowed = sorted(known | declared)
    for key in recipient:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = (f"是否想写「{close[0]}」？" if close
                    else "如是本机关名单中的栏目，请在 notice.recipient_fields 中声明")
            yield Finding("notice.recipient_field_undeclared", f"/recipient/{key}", key,
                          f"收文单位没有字段「{key}」；{hint}（可用：{'、'.join(allowed)}）")
