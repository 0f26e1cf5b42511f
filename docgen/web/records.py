"""Records as the store keeps them (plain JSON) and money as people type it (12,846,520.00 or 1284.65万元)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from docgen.money import round_yuan, to_decimal
from docgen.schemas import escape, schema_at

_MONEY = re.compile(r"[¥￥]?\s*(?P<number>[+-]?(?:[0-9]{1,3}(?:[,，][0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)"
                    r"\s*(?P<wan>万元?|元)?")
_WAN = Decimal(10000)
# A date as people type or paste it: 2027-03-01, 2027-3-1, 2027/3/1, 2027.3.1, 2027年3月1日, 20270301.
_DATE = re.compile(r"(?P<y>[0-9]{4})(?:(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})"
                   r"|\s*年\s*(?P<m2>[0-9]{1,2})\s*月\s*(?P<d2>[0-9]{1,2})\s*日?|(?P<m3>[0-9]{2})(?P<d3>[0-9]{2}))")
_INDEX = re.compile(r"/[0-9]+(?=/|$)")


def schema_for(pointer: str) -> dict[str, Any]:
    """The schema node of a field; list indices do not matter, so every row shares one lookup."""
    return _schema_for(_INDEX.sub("/0", pointer))


@lru_cache(maxsize=4096)
def _schema_for(pointer: str) -> dict[str, Any]:
    return schema_at(pointer) or {}


def is_money(node: dict[str, Any]) -> bool:
    """True for an amount in 元 (format ``yuan``)."""
    return node.get("format") == "yuan"


def is_percent(node: dict[str, Any]) -> bool:
    """True for a ratio kept as a fraction and shown as a percentage (format ``percent``)."""
    return node.get("format") == "percent"


def percent_text(value: Any) -> str:
    """A stored fraction as the percentage people write, without the sign: 0.5 → 50, 0.125 → 12.5."""
    number = Decimal(str(value)) * 100  # the store's JSON keeps it as a float: 0.3 is "0.3", not 0.299…
    text = format(number.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_percent(text: str) -> Decimal:
    """A percentage typed by a person (50, 50%, 12.5 %) as the fraction stored (0.5, 0.125).

    Raises:
        ValueError: With a Chinese message, for anything that is not a number, and for a bare number between 0
            and 1 (0.5 is the record's way of writing 50%: refused rather than read as 0.5%).
    """
    signed = text.strip().endswith(("%", "％"))
    try:
        number = Decimal(text.strip().rstrip("%％").strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"「{text}」不是百分数；如 50 即 50%") from None
    if not signed and 0 < number < 1:  # the fraction the record keeps, typed by someone who knows the file
        raise ValueError(f"「{text}」像是小数：请按百分数填写，如 50 即 50%；确为 {text}% 请写 {text}%")
    return number / 100


def parse_money(text: str) -> Decimal:
    """An amount typed by a person, in 元: thousands separators, ¥, 元 and 万元 are understood.

    Raises:
        ValueError: With a Chinese message, for anything that is not an amount to the 分.
    """
    match = _MONEY.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"「{text}」不是金额；可写 12846520.00、12,846,520.00 或 1284.652万元")
    number = Decimal(match["number"].replace(",", "").replace("，", ""))
    if match["wan"] and match["wan"].startswith("万"):
        number *= _WAN
    if number != round_yuan(number):
        raise ValueError(f"金额「{text}」精确到分以下（{number} 元）；金额最多两位小数")
    return round_yuan(number)


def parse_date_text(text: str) -> str:
    """A date typed by a person, as the record keeps it (ISO ``YYYY-MM-DD``), whatever the browser's language.

    Raises:
        ValueError: With a Chinese message, for text that is not a date or a day that does not exist.
    """
    match = _DATE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"「{text}」不是日期；可写 2027-03-01、2027/3/1 或 2027年3月1日")
    month = match["m"] or match["m2"] or match["m3"]
    day = match["d"] or match["d2"] or match["d3"]
    try:
        return date(int(match["y"]), int(month), int(day)).isoformat()
    except ValueError:
        raise ValueError(f"「{text}」不是存在的日期（{match['y']}年{int(month)}月{int(day)}日）") from None


def plain(value: Any, pointer: str = "") -> Any:
    """The record as plain JSON: amounts as exact strings, other decimals as numbers (read back exactly)."""
    if isinstance(value, dict):
        return {key: plain(item, f"{pointer}/{escape(key)}") for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item, f"{pointer}/{i}") for i, item in enumerate(value)]
    if isinstance(value, Decimal):
        if is_money(schema_for(pointer)):
            return str(value)
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def money_text(value: Any) -> str:
    """An amount shown in a form: grouped thousands and two decimals, or the raw text if it is not an amount."""
    try:
        amount = value if isinstance(value, Decimal) else to_decimal(value)
    except (ValueError, TypeError, InvalidOperation):
        return str(value)
    return f"{round_yuan(amount):,.2f}"
