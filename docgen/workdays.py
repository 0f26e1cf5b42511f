"""Working days (工作日) under the State Council's holiday schedule, 调休 working weekends included.

The schedule is published year by year by the 国务院办公厅, so no rule can compute it: it is data, one
TOML file per year under ``holidays/`` (shipped for the years the ``chinese-calendar`` package covers and
cross-checked against it in the tests). An agency adds a year the day its notice appears, without a
release: ``docgen --holidays FILE_OR_DIR …`` or the environment variable ``DOCGEN_HOLIDAYS`` (files or
folders separated by the path separator). A year given that way replaces the shipped one.

A date in a year nobody has supplied raises `CalendarNotCoveredError`; rules turn that into a
``calendar.year_not_covered`` finding instead of printing a deadline that may be wrong.

Counting convention, as deadlines on these forms are read: "within N working days of day D" ends on the
N-th working day *after* D (D itself never counts, whatever kind of day it is).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from docgen.errors import ConfigError, DocgenError
from docgen.resources import data_dir

ENV_VAR = "DOCGEN_HOLIDAYS"
_DAY = timedelta(days=1)


class CalendarNotCoveredError(DocgenError, LookupError):
    """The holiday schedule of a year is not known (not yet published, or not supplied)."""

    def __init__(self, year: int):
        known = covered_years()
        span = f"{known[0]}—{known[-1]} 年" if known else "无"
        super().__init__(f"{year} 年的法定节假日和调休安排尚未收录（已收录：{span}），无法按工作日计算期限；"
                         f"国务院办公厅公布该年安排后，可用 --holidays 文件或环境变量 {ENV_VAR} 补充（见 README）")
        self.year = year


@dataclass(frozen=True, slots=True)
class YearSchedule:
    """One year's schedule: the days off (法定节假日 and the rest days joined to them) and the 调休 working days."""

    year: int
    source: str
    days_off: dict[date, str]
    working: dict[date, str]


_extra: list[Path] = []
_schedule: dict[int, YearSchedule] | None = None


def add_holidays(path: Path) -> None:
    """Read one more schedule file, or every ``*.toml`` in a folder; its years replace earlier ones.

    Raises:
        ConfigError: If the file cannot be read or does not describe a year correctly.
    """
    global _schedule
    _schedule = {**_years(), **_read_source(path)}
    _extra.append(path)


def use_holidays(paths: Iterable[Path]) -> None:
    """Add schedule files or folders for this process and the worker processes it starts (via the environment).

    Raises:
        ConfigError: If a file cannot be read or does not describe a year correctly.
    """
    for path in paths:
        add_holidays(path)
    known = [part for part in os.environ.get(ENV_VAR, "").split(os.pathsep) if part]
    os.environ[ENV_VAR] = os.pathsep.join([*known, *(str(path.resolve()) for path in paths)])


def reset_holidays() -> None:
    """Forget the schedules added with `add_holidays` (the environment variable is read again)."""
    global _schedule
    _extra.clear()
    _schedule = None


def covered_years() -> list[int]:
    """The years whose schedule is known, in order."""
    return sorted(_years())


def is_working_day(day: date) -> bool:
    """True for a working day: Monday–Friday that is not a holiday, or a 调休 weekend.

    Raises:
        CalendarNotCoveredError: If the year's schedule is unknown.
    """
    schedule = _years().get(day.year)
    if schedule is None:
        raise CalendarNotCoveredError(day.year)
    if day in schedule.working:
        return True
    return day.weekday() < 5 and day not in schedule.days_off


def next_working_day(day: date) -> date:
    """*day* itself when it is a working day, else the first working day after it (民法典 第二百零三条).

    Raises:
        CalendarNotCoveredError: If a day looked at lies in a year whose schedule is unknown.
    """
    while not is_working_day(day):
        day += _DAY
    return day


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after *start* (``n >= 1``): the last day of "within n working days".

    Example: ``add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)`` (国庆 and 中秋 1–8 October;
    Saturday 11 October is a 调休 working day).

    Raises:
        ValueError: If *n* is less than 1.
        CalendarNotCoveredError: If the count runs through a year whose schedule is unknown.
    """
    if n < 1:
        raise ValueError(f"工作日天数须至少为 1：{n}")
    day, counted = start, 0
    while counted < n:
        day += _DAY
        counted += is_working_day(day)
    return day


def within_working_days(start: date, n: int, day: date) -> bool:
    """Whether *day* is on or before the n-th working day after *start*, looking up only the days it must.

    A day at most n calendar days after *start* is always in time, whatever the schedule; otherwise the
    days are counted until the answer is known, so an unpublished year matters only when it is reached.

    Raises:
        CalendarNotCoveredError: If the answer depends on a year whose schedule is unknown.
    """
    if day <= start + timedelta(days=n):
        return True
    current, counted = start, 0
    while True:
        current += _DAY
        if current == day:
            return True
        counted += is_working_day(current)
        if counted >= n:
            return False


def working_days_between(start: date, end: date) -> int:
    """Working days after *start* up to and including *end*; negative when *end* is before *start*.

    ``working_days_between(d, add_working_days(d, n)) == n``.

    Raises:
        CalendarNotCoveredError: If a day counted lies in a year whose schedule is unknown.
    """
    if end < start:
        return -working_days_between(end, start)
    count, day = 0, start
    while day < end:
        day += _DAY
        count += is_working_day(day)
    return count


def _years() -> dict[int, YearSchedule]:
    global _schedule
    if _schedule is None:
        years = _read_source(data_dir("holidays"))
        for path in _env_paths():
            years.update(_read_source(path))
        for path in _extra:
            years.update(_read_source(path))
        _schedule = years
    return _schedule


def _env_paths() -> Iterator[Path]:
    for part in os.environ.get(ENV_VAR, "").split(os.pathsep):
        if part.strip():
            yield Path(part.strip())


def _read_source(path: Path) -> dict[int, YearSchedule]:
    if path.is_dir():
        files: Iterable[Path] = sorted(path.glob("*.toml"))
    elif path.is_file():
        files = [path]
    else:
        raise ConfigError(f"节假日安排文件或目录 {path} 不存在")
    years = {}
    for file in files:
        schedule = read_year(file)
        years[schedule.year] = schedule
    return years


def read_year(path: Path) -> YearSchedule:
    """Read one year's schedule file (format: see ``holidays/README.md``).

    Raises:
        ConfigError: If the file cannot be read, lacks ``year``/``source``, or lists a day outside its year,
            a day twice, a day off on a working weekday's 调休 list, or a 调休 day that is not a weekend.
    """
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"节假日安排文件 {path} 无法读取：{exc}") from exc
    where = f"节假日安排文件 {path}"
    year, source = data.get("year"), data.get("source")
    if not isinstance(year, int) or not isinstance(source, str) or not source:
        raise ConfigError(f"{where} 须写明 year（年份，整数）和 source（发布文件，如国务院办公厅通知）")
    days_off: dict[date, str] = {}
    working: dict[date, str] = {}
    for i, holiday in enumerate(data.get("holidays", []), start=1):
        name = _field(holiday, "name", str, f"{where} 第 {i} 个 [[holidays]]")
        first = _field(holiday, "first", date, f"{where} 「{name}」")
        last = _field(holiday, "last", date, f"{where} 「{name}」")
        if last < first:
            raise ConfigError(f"{where} 「{name}」的 last {last} 早于 first {first}")
        for day in _span(first, last):
            _put(days_off, day, name, year, where)
        for day in holiday.get("workdays", []):
            if not isinstance(day, date) or day.weekday() < 5:
                raise ConfigError(f"{where} 「{name}」的调休上班日 {day} 须为周六或周日的日期")
            _put(working, day, name, year, where)
    both = sorted(set(days_off) & set(working))
    if both:
        raise ConfigError(f"{where} 中 {both[0]} 既是放假日又是调休上班日")
    return YearSchedule(year, source, days_off, working)


def _field(table: Any, key: str, kind: type, where: str) -> Any:
    value = table.get(key) if isinstance(table, dict) else None
    if not isinstance(value, kind):
        raise ConfigError(f"{where} 缺少 {key} 或类型不对（{'日期，如 2027-01-01' if kind is date else '文字'}）")
    return value


def _span(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += _DAY


def _put(days: dict[date, str], day: date, name: str, year: int, where: str) -> None:
    if day.year != year:
        raise ConfigError(f"{where} 中的日期 {day} 不在 {year} 年内")
    if day in days:
        raise ConfigError(f"{where} 中的日期 {day} 重复出现（「{days[day]}」和「{name}」）")
    days[day] = name
