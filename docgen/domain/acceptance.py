"""The 评估验收报告's computations: the indicators against their targets, the verdict, the deadlines and the money.

Targets come from the agreement's 绩效目标; an indicator the agreement is silent on takes the profile's
``[kpi]`` threshold (宁波办法 第二十二条), if any. Each result is judged on its exact value; rates are
shown rounded half-up to 0.01%. The verdict is 合格 when every targeted indicator is met and every agreed
target has a result.

Deadlines (see `docgen.workdays` for how working days are counted):

* 验收申请 within ``application_days_after_end`` calendar days of the project end (宁波: 15 日);
* 验收 within ``working_days`` working days (内蒙古: 30), counted from the 验收申请日期 when the record gives
  one — the agency cannot accept a project nobody has asked it to accept — and from the project end
  date otherwise;
* after a 不合格 verdict, 整改 within ``rectification_working_days`` working days of the acceptance date.

The rules in `docgen.check.acceptance` and the report's template context both use `evaluate`,
`deadlines` and `settlement`, so the report prints exactly what was checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from docgen.dates import parse_date
from docgen.domain.agreement import as_ratio, payment_schedule
from docgen.domain.figures import pct
from docgen.policies import Policy
from docgen.schemas import enum_labels
from docgen.workdays import CalendarNotCoveredError, add_working_days

PASS, FAIL = "合格", "不合格"
_RATES = {"training_rate", "satisfaction_rate"}
_COUNTS = {"training_persons": "人次", "training_sessions": "场", "publicity_items": "份"}
_ACCIDENT = "accident_rate_change"
# Keys of a profile's [kpi] rule → (indicator, sign of the target). The drop is written as a negative change.
_PROFILE_KPIS = {"training_rate": ("training_rate", 1), "satisfaction_rate": ("satisfaction_rate", 1),
                 "exam_score": ("exam_score", 1), "accident_rate_drop": (_ACCIDENT, -1)}
_RESULTS = "/acceptance/results"


@dataclass(frozen=True, slots=True)
class Target:
    """One performance target: the indicator, its bound, the direction and where it was agreed."""

    indicator: str
    name: str
    target: Decimal
    comparison: str
    source: str

    @property
    def key(self) -> tuple[str, str]:
        """Results match targets by indicator and, when there are several, by name."""
        return self.indicator, self.name

    @property
    def label(self) -> str:
        """指标 column: the indicator's Chinese name, with the target's own name when it has one."""
        base = enum_labels()[self.indicator]
        return f"{base}（{self.name}）" if self.name else base

    @property
    def text(self) -> str:
        """The target as printed: ≥95%, ≥3,260 人次, ≥80 分, 下降不少于20%."""
        if self.indicator == _ACCIDENT and self.comparison == "<=" and self.target <= 0:
            return f"下降不少于{pct(-self.target)}"
        sign = "≥" if self.comparison == ">=" else "≤"
        return f"{sign}{_figure(self.indicator, self.target)}"

    def met_by(self, value: Decimal) -> bool:
        """Whether an exact value meets this target."""
        return value >= self.target if self.comparison == ">=" else value <= self.target


@dataclass(frozen=True, slots=True)
class Indicator:
    """One row of the indicator table: the result, the value judged and whether it meets its target."""

    path: str
    label: str
    target: Target | None
    value: Decimal | None
    actual_text: str
    rate_text: str

    @property
    def met(self) -> bool | None:
        """True/False against the target; None when there is no target (shown, not judged)."""
        if self.target is None:
            return None
        return self.value is not None and self.target.met_by(self.value)

    @property
    def met_text(self) -> str:
        """达标 / 未达标 / — for the table."""
        return {True: "达标", False: "未达标", None: "—"}[self.met]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The indicator table, the agreed targets without a result, and the verdict they give."""

    indicators: list[Indicator]
    missing: list[Target]

    @property
    def verdict(self) -> str:
        """合格 when every targeted indicator is met and no agreed target lacks a result."""
        ok = not self.missing and all(row.met is not False for row in self.indicators)
        return PASS if ok else FAIL

    @property
    def failures(self) -> list[str]:
        """Short texts naming what failed, for messages and the report's conclusion."""
        failed = [f"{row.label} {row.rate_text if row.rate_text != '—' else row.actual_text}（目标 {row.target.text}）"
                  for row in self.indicators if row.met is False and row.target is not None]
        return failed + [f"{target.label} 未报告完成情况（目标 {target.text}）" for target in self.missing]


@dataclass(frozen=True, slots=True)
class Deadline:
    """One deadline: what it is, the day it counts from, its last day and the date the record gives."""

    code: str
    name: str
    path: str
    start_label: str
    start: date
    basis: str
    source: str
    due: date | None
    actual: date | None
    year_not_covered: CalendarNotCoveredError | None = None

    @property
    def missed(self) -> bool:
        """True when the record's date falls after the last allowed day."""
        return self.due is not None and self.actual is not None and self.actual > self.due


@dataclass(frozen=True, slots=True)
class Settlement:
    """The money at acceptance: contract amount, prepayment paid, deductions and the 余款 due."""

    amount: Decimal
    prepayment_paid: Decimal
    deductions: list[dict[str, Any]]
    deductions_total: Decimal

    @property
    def balance_due(self) -> Decimal:
        """余款 = contract amount − prepayment paid − deductions."""
        return self.amount - self.prepayment_paid - self.deductions_total


def targets(record: dict[str, Any], policy: Policy) -> list[Target]:
    """The agreement's targets, then the profile's for every indicator the agreement does not mention."""
    agreed = [_agreed_target(kpi) for kpi in record["agreement"].get("kpis", [])]
    mentioned = {target.indicator for target in agreed}
    kpi = policy.rule("kpi")
    profile = []
    if kpi is not None:
        for key, (indicator, sign) in _PROFILE_KPIS.items():
            if key in kpi.values and indicator not in mentioned:
                comparison = ">=" if sign > 0 else "<="
                profile.append(Target(indicator, "", Decimal(kpi[key]) * sign, comparison, kpi.source))
    return agreed + profile


def _agreed_target(kpi: dict[str, Any]) -> Target:
    default = "<=" if kpi["indicator"] == _ACCIDENT else ">="
    return Target(kpi["indicator"], kpi.get("name", ""), as_ratio(kpi["target"]), kpi.get("comparison", default),
                  "服务协议约定")


def evaluate(record: dict[str, Any], policy: Policy) -> Evaluation:
    """Judge every reported result against its target."""
    by_key = {target.key: target for target in targets(record, policy)}
    rows = []
    for i, result in enumerate(record["acceptance"]["results"]):
        target = by_key.pop((result["indicator"], result.get("name", "")), None)
        rows.append(_indicator(f"{_RESULTS}/{i}", result, target))
    return Evaluation(rows, list(by_key.values()))


def _indicator(path: str, result: dict[str, Any], target: Target | None) -> Indicator:
    indicator = result["indicator"]
    label = target.label if target else Target(indicator, result.get("name", ""), Decimal(0), ">=", "").label
    value = result_value(result)
    actual_text, rate_text = _texts(result, value, target)
    return Indicator(path, label, target, value, actual_text, rate_text)


def result_value(result: dict[str, Any]) -> Decimal | None:
    """The exact value judged: the stated ``actual``, or the rate (or change) computed from the counts."""
    if "actual" in result:
        return as_ratio(result["actual"])
    if result["indicator"] in _RATES and {"numerator", "denominator"} <= result.keys():
        return Decimal(result["numerator"]) / Decimal(result["denominator"])
    if result["indicator"] == _ACCIDENT and _has_accident_counts(result):
        return _accident_change(result)
    return None


def _has_accident_counts(result: dict[str, Any]) -> bool:
    return {"numerator", "denominator", "baseline_numerator", "baseline_denominator"} <= result.keys()


def _accident_change(result: dict[str, Any]) -> Decimal | None:
    """Relative change of the accident rate (injured ÷ employees) against the same period last year."""
    now = Decimal(result["numerator"]) / Decimal(result["denominator"])
    before = Decimal(result["baseline_numerator"]) / Decimal(result["baseline_denominator"])
    if before == 0:
        return Decimal(0) if now == 0 else None  # no accidents last year: only "still none" can be judged
    return now / before - 1


def _texts(result: dict[str, Any], value: Decimal | None, target: Target | None) -> tuple[str, str]:
    """完成值 and 完成率/计算值 as printed."""
    indicator = result["indicator"]
    if value is None:
        return "未填写", "—"
    if indicator in _RATES:
        counted = "numerator" in result and "actual" not in result
        actual = f"{result['numerator']:,}/{result['denominator']:,}" if counted else percent(value)
        return actual, percent(value)
    if indicator == _ACCIDENT:
        change = ("持平" if value == 0 else
                  f"下降{percent(-value)}" if value < 0 else f"上升{percent(value)}")
        if _has_accident_counts(result) and "actual" not in result:
            actual = (f"本期 {result['numerator']:,}/{result['denominator']:,}，"
                      f"上年同期 {result['baseline_numerator']:,}/{result['baseline_denominator']:,}")
            return actual, change
        return change, change
    actual = _figure(indicator, value)
    if indicator in _COUNTS and target is not None and target.target > 0:
        return actual, percent(value / target.target)
    return actual, "—"


def _figure(indicator: str, number: Decimal) -> str:
    if indicator in _RATES or indicator == _ACCIDENT:
        return pct(number)
    unit = _COUNTS.get(indicator, "分")
    return f"{number.normalize():,f} {unit}"


def percent(ratio: Decimal) -> str:
    """A computed rate as a percentage rounded half-up to 0.01%: 3180/3260 → ``97.55%``."""
    return f"{(ratio * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def deadlines(record: dict[str, Any], policy: Policy, verdict: str | None = None) -> list[Deadline]:
    """The deadlines the profile sets: 验收申请, 验收 and, after a 不合格 verdict, 整改."""
    rule_ = policy.rule("acceptance")
    if rule_ is None:
        return []
    acceptance, project = record["acceptance"], record["project"]
    end = parse_date(project["end_date"])
    found = []
    if "application_days_after_end" in rule_.values:
        days = int(rule_["application_days_after_end"])
        found.append(Deadline("application", "验收申请期限", "/acceptance/application_date", "项目结束日期", end,
                              f"项目结束日期后 {days} 日内", rule_.source, end + timedelta(days=days),
                              _date_or_none(acceptance.get("application_date"))))
    if "working_days" in rule_.values:
        start_label, start = ("验收申请日期", parse_date(acceptance["application_date"])) \
            if "application_date" in acceptance else ("项目结束日期", end)
        found.append(_working_deadline("acceptance", "验收完成期限", "/acceptance/date", start_label, start,
                                       int(rule_["working_days"]), rule_.source, acceptance.get("date")))
    if verdict == FAIL and "rectification_working_days" in rule_.values:
        found.append(_working_deadline("rectification", "整改完成期限", "/acceptance/rectification_date", "验收日期",
                                       parse_date(acceptance["date"]), int(rule_["rectification_working_days"]),
                                       rule_.source, acceptance.get("rectification_date")))
    return found


def _working_deadline(code: str, name: str, path: str, start_label: str, start: date, days: int, source: str,
                      actual: str | None) -> Deadline:
    basis = f"{start_label}后 {days} 个工作日内"
    try:
        due, error = add_working_days(start, days), None
    except CalendarNotCoveredError as exc:
        due, error = None, exc
    return Deadline(code, name, path, start_label, start, basis, source, due, _date_or_none(actual), error)


def _date_or_none(value: str | None) -> date | None:
    return parse_date(value) if value is not None else None


def settlement(record: dict[str, Any]) -> Settlement:
    """The money at acceptance; the prepayment paid defaults to the agreement's 预付款."""
    acceptance = record["acceptance"]
    paid = acceptance.get("prepayment_paid", payment_schedule(record["agreement"]).prepayment)
    deductions = acceptance.get("deductions", [])
    total = sum((d["amount"] for d in deductions), Decimal(0))
    return Settlement(record["agreement"]["amount"], paid, deductions, total)
