"""The 评估验收报告's computations: the indicators against their targets, the verdict, the deadlines and the money.

Targets come from the agreement's 绩效目标 and the profile's ``[kpi]`` thresholds (宁波办法 第二十二条). The
profile's figures are floors: an agreed target below one is replaced by it (and `lowered_targets` names it);
an indicator the agreement is silent on takes the profile's figure. Indicators the profile reserves for
training projects (``training_only``) are not asked of a publicity-only project.

Every result is judged on its exact value (a `Fraction`: 8/3000 against 10/3000 is a drop of exactly 20%);
rates are shown with two decimals of a percent, rounded half-up unless that would put the shown figure on
the other side of the target than the exact one (0.949951 is shown 94.99%, not 95.00% 未达标). The verdict
is 合格 when every targeted indicator is met and every target has a result.

Deadlines (see `docgen.workdays` for how working days are counted):

* 验收申请 within ``application_days_after_end`` calendar days of the project end (宁波: 15 日); a last day
  that is a holiday or rest day moves to the next working day (民法典 第二百零三条, profile rule
  ``deadline_postponement``);
* 验收 within ``working_days`` working days (内蒙古: 30), counted from the 验收申请日期 when the record gives
  one — the agency cannot accept a project nobody has asked it to accept — and from the project end
  date otherwise;
* after a 不合格 verdict, 整改 within ``rectification_working_days`` working days of the acceptance date.

A deadline is judged without the holiday schedule whenever the answer does not depend on it; only an
answer that does depend on an unpublished year is left open (`Deadline.year_not_covered`).

The rules in `docgen.check.acceptance` and the report's template context both use `evaluate`,
`deadlines` and `settlement`, so the report prints exactly what was checked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from docgen.dates import parse_date
from docgen.domain.agreement import as_ratio, payment_schedule
from docgen.domain.figures import pct
from docgen.policies import Policy
from docgen.schemas import enum_labels
from docgen.workdays import CalendarNotCoveredError, add_working_days, next_working_day, within_working_days

PASS, FAIL = "合格", "不合格"
UNREPORTED = "未填写"  # 完成值 of a result with neither a value nor counts
_RATES = {"training_rate", "satisfaction_rate"}
_COUNTS = {"training_persons": "人次", "training_sessions": "场", "publicity_items": "份",
           "pneumoconiosis_short_exposure": "人", "occupational_cluster": "人"}
_ACCIDENT = "accident_rate_change"
# Keys of a profile's [kpi] rule → (indicator, comparison, sign). The drop is written as a negative change.
_PROFILE_KPIS = {"training_rate": ("training_rate", ">=", 1), "satisfaction_rate": ("satisfaction_rate", ">=", 1),
                 "exam_score": ("exam_score", ">=", 1), "accident_rate_drop": (_ACCIDENT, "<=", -1),
                 "pneumoconiosis_short_exposure_max": ("pneumoconiosis_short_exposure", "<=", 1),
                 "occupational_cluster_max": ("occupational_cluster", "<=", 1)}
_AT_MOST = {_ACCIDENT, "pneumoconiosis_short_exposure", "occupational_cluster"}  # lower is better
_RESULTS = "/acceptance/results"
_AGREED = "服务协议约定"


@dataclass(frozen=True, slots=True)
class Target:
    """One performance target: the indicator, its bound, the direction and where it was set."""

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
    def cited(self) -> str:
        """Where the target comes from, without the quoted text: ``宁波办法 第二十二条（起草说明（十二））``."""
        return self.source.split("：")[0]

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
        return f"{sign}{_figure(self.indicator, Fraction(self.target))}"

    def met_by(self, value: Fraction) -> bool:
        """Whether an exact value meets this target."""
        return _meets(value, Fraction(self.target), self.comparison)

    def weaker_than(self, floor: Target) -> bool:
        """True when meeting this target does not guarantee meeting ``floor``."""
        if self.comparison != floor.comparison:
            return True
        return not floor.met_by(Fraction(self.target))


@dataclass(frozen=True, slots=True)
class Indicator:
    """One row of the indicator table: the result, the value judged and whether it meets its target."""

    path: str
    label: str
    target: Target | None
    value: Fraction | None
    actual_text: str
    rate_text: str
    met: bool | None  # None: no target (shown, not judged) or no value to judge
    note: str = ""

    @property
    def met_text(self) -> str:
        """达标 / 未达标 / — for the table."""
        return {True: "达标", False: "未达标", None: "—"}[self.met]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The indicator table, the targets without a result, and the verdict they give."""

    indicators: list[Indicator]
    missing: list[Target]
    unreported: list[Target]  # conditions the profile only warns about when the report is silent on them

    @property
    def verdict(self) -> str:
        """合格 when every targeted indicator is met and no target lacks a result."""
        ok = not self.missing and all(row.met or row.target is None for row in self.indicators)
        return PASS if ok else FAIL

    @property
    def failures(self) -> list[str]:
        """Short texts naming what failed, for messages and the report's conclusion."""
        failed = [f"{row.label} {row.rate_text if row.rate_text != '—' else row.actual_text}（目标 {row.target.text}）"
                  for row in self.indicators if row.met is False and row.target is not None]
        return failed + [f"{target.label} 未报告完成情况（目标 {target.text}）" for target in self.missing]


@dataclass(frozen=True, slots=True)
class Deadline:
    """One deadline: what it is, the day it counts from, its last day and the date the record gives.

    ``due`` is None when the holiday schedule it needs is unknown; ``missed`` is then still known when the
    record's date is decided without it, and None only when the answer depends on the unknown days.
    """

    code: str
    name: str
    path: str
    start_label: str
    start: date
    basis: str
    source: str
    due: date | None
    actual: date | None
    missed: bool | None
    year_not_covered: CalendarNotCoveredError | None = None
    postponed_from: date | None = None  # the calendar-day deadline's last day, when it fell on a day off


@dataclass(frozen=True, slots=True)
class Settlement:
    """The money at acceptance: contract amount, prepayment paid, deductions, the 余款 due and any refund.

    Deductions may reach the whole contract (宁波办法 第二十六条, 三明实施方案 四（三）2); what exceeds the unpaid
    余款 is the part of the 预付款 to be returned.
    """

    amount: Decimal
    prepayment_paid: Decimal
    deductions: list[dict[str, Any]]
    deductions_total: Decimal

    @property
    def unpaid(self) -> Decimal:
        """The part of the contract not yet paid: amount − prepayment paid."""
        return self.amount - self.prepayment_paid

    @property
    def balance_due(self) -> Decimal:
        """余款 = contract amount − prepayment paid − deductions, never below zero."""
        return max(self.unpaid - self.deductions_total, Decimal(0))

    @property
    def refund(self) -> Decimal:
        """The part of the 预付款 to be returned: deductions beyond the unpaid 余款."""
        return max(self.deductions_total - self.unpaid, Decimal(0))


def targets(record: dict[str, Any], policy: Policy) -> list[Target]:
    """The agreement's targets (raised to the profile's floors), then the profile's for the rest."""
    floors = profile_targets(record, policy)
    effective = []
    for kpi in record["agreement"].get("kpis", []):
        agreed, floor = _agreed_target(kpi), floors.get(kpi["indicator"])
        effective.append(replace(floor, name=agreed.name) if floor and agreed.weaker_than(floor) else agreed)
    mentioned = {target.indicator for target in effective}
    return effective + [floor for indicator, floor in floors.items() if indicator not in mentioned]


def lowered_targets(record: dict[str, Any], policy: Policy) -> list[tuple[int, Target, Target]]:
    """Agreed targets below the profile's floor: (index in ``/agreement/kpis``, agreed, floor)."""
    floors = profile_targets(record, policy)
    found = []
    for i, kpi in enumerate(record["agreement"].get("kpis", [])):
        agreed, floor = _agreed_target(kpi), floors.get(kpi["indicator"])
        if floor is not None and agreed.weaker_than(floor):
            found.append((i, agreed, floor))
    return found


def profile_targets(record: dict[str, Any], policy: Policy) -> dict[str, Target]:
    """The profile's floors by indicator, without the training ones for a publicity-only project."""
    kpi = policy.rule("kpi")
    if kpi is None:
        return {}
    skipped = set(kpi.get("training_only", [])) if publicity_only(record) else set()
    floors = {}
    for key, (indicator, comparison, sign) in _PROFILE_KPIS.items():
        if key in kpi.values and indicator not in skipped:
            floors[indicator] = Target(indicator, "", Decimal(kpi[key]) * sign, comparison, kpi.source)
    return floors


def publicity_only(record: dict[str, Any]) -> bool:
    """A project of 宣传 alone: its stated categories, else a plan with publicity and no training."""
    project = record["project"]
    if "categories" in project:
        return set(project["categories"]) == {"publicity"}
    plan = record.get("plan")
    if not plan:
        return False
    publicity = plan.get("publicity", {})
    return not plan.get("training") and bool(publicity.get("online") or publicity.get("offline"))


def _agreed_target(kpi: dict[str, Any]) -> Target:
    default = "<=" if kpi["indicator"] in _AT_MOST else ">="
    return Target(kpi["indicator"], kpi.get("name", ""), as_ratio(kpi["target"]), kpi.get("comparison", default),
                  _AGREED)


def evaluate(record: dict[str, Any], policy: Policy) -> Evaluation:
    """Judge every reported result against its target."""
    by_key = {target.key: target for target in targets(record, policy)}
    rows = []
    for i, result in enumerate(record["acceptance"]["results"]):
        target = by_key.pop((result["indicator"], result.get("name", "")), None)
        rows.append(_indicator(f"{_RESULTS}/{i}", result, target))
    kpi = policy.rule("kpi")
    warns = set(kpi.get("unreported_warns", [])) if kpi else set()
    left = list(by_key.values())
    unreported = [t for t in left if t.indicator in warns and t.source != _AGREED]
    return Evaluation(rows, [t for t in left if t not in unreported], unreported)


def _indicator(path: str, result: dict[str, Any], target: Target | None) -> Indicator:
    indicator = result["indicator"]
    label = target.label if target else Target(indicator, result.get("name", ""), Decimal(0), ">=", "").label
    if indicator == _ACCIDENT and "actual" not in result and _has_accident_counts(result):
        if result["numerator"] == 0 and result["baseline_numerator"] == 0:
            actual_text, _ = _texts(result, Fraction(0), target)
            return Indicator(path, label, target, Fraction(0), actual_text, "均未发生工伤事故",
                             None if target is None else True, "本期与上年同期均未发生工伤事故，视为达标")
        if result["baseline_numerator"] == 0:
            actual_text, _ = _texts(result, Fraction(0), target)
            return Indicator(path, label, target, None, actual_text, "上升（上年同期未发生工伤事故）",
                             None if target is None else False)
    value = result_value(result)
    actual_text, rate_text = _texts(result, value, target)
    met = None if target is None or value is None else target.met_by(value)
    return Indicator(path, label, target, value, actual_text, rate_text, met)


def result_value(result: dict[str, Any]) -> Fraction | None:
    """The exact value judged: the stated ``actual``, or the rate (or change) computed from the counts."""
    if "actual" in result:
        return Fraction(as_ratio(result["actual"]))
    if result["indicator"] in _RATES and {"numerator", "denominator"} <= result.keys():
        return Fraction(result["numerator"], result["denominator"])
    if result["indicator"] == _ACCIDENT and _has_accident_counts(result) and result["baseline_numerator"]:
        now = Fraction(result["numerator"], result["denominator"])
        before = Fraction(result["baseline_numerator"], result["baseline_denominator"])
        return now / before - 1  # relative change of injured ÷ employees against the same period last year
    return None


def _has_accident_counts(result: dict[str, Any]) -> bool:
    return {"numerator", "denominator", "baseline_numerator", "baseline_denominator"} <= result.keys()


def _texts(result: dict[str, Any], value: Fraction | None, target: Target | None) -> tuple[str, str]:
    """完成值 and 完成率/计算值 as printed, never contradicting the verdict."""
    indicator = result["indicator"]
    if value is None:
        return UNREPORTED, "—"
    bound = (Fraction(target.target), target.comparison) if target else None
    if indicator in _RATES:
        counted = "numerator" in result and "actual" not in result
        shown = percent(value, bound)
        return (f"{result['numerator']:,}/{result['denominator']:,}" if counted else shown), shown
    if indicator == _ACCIDENT:
        drop_bound = (-bound[0], ">=" if bound[1] == "<=" else "<=") if bound else None
        change = ("持平" if value == 0 else
                  f"下降{percent(-value, drop_bound)}" if value < 0 else f"上升{percent(value)}")
        if _has_accident_counts(result) and "actual" not in result:
            actual = (f"本期 {result['numerator']:,}/{result['denominator']:,}，"
                      f"上年同期 {result['baseline_numerator']:,}/{result['baseline_denominator']:,}")
            return actual, change
        return change, change
    actual = _figure(indicator, value)
    if indicator in _COUNTS and target is not None and target.comparison == ">=" and target.target > 0:
        return actual, percent(value / Fraction(target.target), (Fraction(1), target.comparison))
    return actual, "—"


def _figure(indicator: str, number: Fraction) -> str:
    if indicator in _RATES or indicator == _ACCIDENT:
        return pct(Decimal(number.numerator) / Decimal(number.denominator))
    unit = _COUNTS.get(indicator, "分")
    shown = Decimal(number.numerator) / Decimal(number.denominator)
    return f"{shown.normalize():,f} {unit}"


def _meets(value: Fraction, bound: Fraction, comparison: str) -> bool:
    return value >= bound if comparison == ">=" else value <= bound


def percent(ratio: Fraction | Decimal, bound: tuple[Fraction, str] | None = None) -> str:
    """A rate as a percentage with two decimals: 3180/3260 → ``97.55%``.

    Rounded half-up; when a ``(bound, comparison)`` is given and half-up rounding would carry the shown
    figure across it, rounded toward the exact value's side instead (0.949951 against ≥95% → ``94.99%``).
    """
    exact = Fraction(ratio)
    steps = _steps(exact, "half_up")
    if bound is not None:
        limit, comparison = bound
        met = _meets(exact, limit, comparison)
        if _meets(Fraction(steps, 10000), limit, comparison) != met:
            steps = _steps(exact, "ceiling" if met == (comparison == ">=") else "floor")
    return f"{Decimal(steps).scaleb(-2)}%"


def _steps(value: Fraction, mode: str) -> int:
    """The value in steps of 0.01% (1/10000), rounded as ``mode`` says."""
    scaled = value * 10000
    if mode == "floor":
        return math.floor(scaled)
    if mode == "ceiling":
        return math.ceil(scaled)
    magnitude = math.floor(abs(scaled) + Fraction(1, 2))  # half-up: halves away from zero
    return magnitude if scaled >= 0 else -magnitude


def deadlines(record: dict[str, Any], policy: Policy, verdict: str | None = None) -> list[Deadline]:
    """The deadlines the profile sets: 验收申请, 验收 and, after a 不合格 verdict, 整改."""
    rule_ = policy.rule("acceptance")
    if rule_ is None:
        return []
    acceptance, project = record["acceptance"], record["project"]
    end = parse_date(project["end_date"])
    found = []
    if "application_days_after_end" in rule_.values:
        found.append(_calendar_deadline(end, int(rule_["application_days_after_end"]), rule_.source, policy,
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


def _calendar_deadline(end: date, days: int, source: str, policy: Policy, actual: date | None) -> Deadline:
    """验收申请: ``days`` calendar days after the project end, moved off a holiday or rest day."""
    last = end + timedelta(days=days)
    postponement = policy.rule("deadline_postponement")
    basis = f"项目结束日期后 {days} 日内"
    due: date | None = last
    error = None
    if postponement is not None:
        try:
            due = next_working_day(last)
        except CalendarNotCoveredError as exc:
            due, error = None, exc
    postponed = due is not None and due != last
    if postponed and postponement is not None:  # both articles cited, without their quoted text
        source = f"{source.split('：')[0]}；{postponement.source.split('：')[0]}"
    if actual is None or actual <= last:
        missed: bool | None = False if actual is not None else None
    else:
        missed = None if due is None else actual > due
    return Deadline("application", "验收申请期限", "/acceptance/application_date", "项目结束日期", end, basis,
                    source, due, actual, missed, error, last if postponed else None)


def _working_deadline(code: str, name: str, path: str, start_label: str, start: date, days: int, source: str,
                      actual_text: str | None) -> Deadline:
    basis = f"{start_label}后 {days} 个工作日内"
    actual = _date_or_none(actual_text)
    error = None
    try:
        due: date | None = add_working_days(start, days)
    except CalendarNotCoveredError as exc:
        due, error = None, exc
    missed: bool | None = None
    if actual is not None:
        try:
            missed = not within_working_days(start, days, actual)
        except CalendarNotCoveredError:
            missed = None
    return Deadline(code, name, path, start_label, start, basis, source, due, actual, missed, error)


def _date_or_none(value: str | None) -> date | None:
    return parse_date(value) if value is not None else None


def settlement(record: dict[str, Any]) -> Settlement:
    """The money at acceptance; the prepayment paid defaults to the agreement's 预付款."""
    acceptance = record["acceptance"]
    paid = acceptance.get("prepayment_paid", payment_schedule(record["agreement"]).prepayment)
    deductions = acceptance.get("deductions", [])
    total = sum((d["amount"] for d in deductions), Decimal(0))
    return Settlement(record["agreement"]["amount"], paid, deductions, total)
