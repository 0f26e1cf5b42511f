"""Records as the store keeps them (plain JSON) and money as people type it (12,846,520.00 or 1284.65万元)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from docgen.money import round_yuan, to_decimal
from docgen.schemas import escape, schema_at

_MONEY = re.compile(r"[¥￥]?\s*(?P<number>[+-]?(?:[0-9]{1,3}(?:[,，][0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)"
                    r"\s*(?P<wan>万元?|元)?")
_WAN = Decimal(10000)
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
