"""Values between record and cell: how each kind of field is written, and read back as people type it.

Reading never guesses: a value that is not clearly what the field holds is kept as the text that was read,
so the schema's finding quotes it (``日期「3/1/2027」无效``) and names its cell.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from docgen.load import parse_json
from docgen.workbook.layout import Field

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONTH = re.compile(r"\^?\[0-9\]\{4\}-")
_TRUE = {"是", "true", "yes", "y", "1", "√", "✓", "对", "有"}
_FALSE = {"否", "false", "no", "n", "0", "×", "✗", "错", "无"}
_CENT = Decimal("0.01")

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"


def to_cell(field: Field, value: Any) -> Any:
    """What a cell shows for a record value (Chinese labels for enums, 是/否, real dates, numbers)."""
    if value is None:
        return None
    kind = field.kind
    if kind in ("enum", "boolean"):
        for label, stored in field.choices:
            if stored == value and type(stored) is type(value):
                return label
        return str(value)
    if kind == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if kind in ("yuan", "number", "integer") and isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    if kind == "json":
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def from_cell(field: Field, value: Any) -> tuple[Any, str]:
    """A cell as the record value (None for blank) and, when something was adjusted, a note saying what."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    reader = _READERS.get(field.kind, _text)
    return reader(field, value)


def _text(field: Field, value: Any) -> tuple[Any, str]:
    if isinstance(value, datetime | date):  # Excel turned typed text into a date
        day = value.date() if isinstance(value, datetime) else value
        if _MONTH.match(str(field.schema.get("pattern", ""))):
            return f"{day.year:04d}-{day.month:02d}", ""
        return day.isoformat(), ""
    if isinstance(value, int | float) and not isinstance(value, bool) and _numbers_allowed(field):
        return (int(value) if float(value).is_integer() else _exact(value)), ""  # a declared field may be a number
    if isinstance(value, float):
        value = int(value) if value.is_integer() else _exact(value)
    text = str(value).replace("\r\n", "\n").replace("_x000D_", "").strip()
    if field.tokens and field.tokens[-1] == "credit_code":
        text = "".join(unicodedata.normalize("NFKC", text).split()).upper()
    return text, ""


def _numbers_allowed(field: Field) -> bool:
    kinds = field.schema.get("type")
    return isinstance(kinds, list) and bool({"integer", "number"} & set(kinds))


def _money(field: Field, value: Any) -> tuple[Any, str]:
    number = _number_of(value, money=True)
    if number is None or number != number.quantize(_CENT):
        return _raw(value), ""
    return f"{number.quantize(_CENT):f}", ""


def _decimal(field: Field, value: Any) -> tuple[Any, str]:
    number = _number_of(value, money=False)
    if number is None:
        return _raw(value), ""
    return (int(number) if number == number.to_integral_value() and "." not in str(number) else number), ""


def _integer(field: Field, value: Any) -> tuple[Any, str]:
    number = _number_of(value, money=False)
    if number is None or number != number.to_integral_value():
        return _raw(value), ""
    return int(number), ""


def _boolean(field: Field, value: Any) -> tuple[Any, str]:
    if isinstance(value, bool):
        return value, ""
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if text in _TRUE:
        return True, ""
    if text in _FALSE:
        return False, ""
    return _raw(value), ""


def _enum(field: Field, value: Any) -> tuple[Any, str]:
    text = unicodedata.normalize("NFKC", str(value)).strip()
    for label, stored in field.choices:
        if text in (label, str(stored)) or text == unicodedata.normalize("NFKC", label):
            return stored, ""
    partial = [stored for label, stored in field.choices if text and text in label]
    if len(partial) == 1:
        return partial[0], f"读到「{text}」，按「{dict((s, lb) for lb, s in field.choices)[partial[0]]}」读取"
    return text, ""


def _date(field: Field, value: Any) -> tuple[Any, str]:
    if isinstance(value, datetime):
        note = "" if value.time() == time() else f"读到日期时间 {value:%Y-%m-%d %H:%M}，只取日期"
        return value.date().isoformat(), note
    if isinstance(value, date):
        return value.isoformat(), ""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    found = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if found:
        try:
            return date(*(int(g) for g in found.groups())).isoformat(), ""
        except ValueError:
            pass
    return text, ""


def _json(field: Field, value: Any) -> tuple[Any, str]:
    try:
        return parse_json(str(value), name=field.label), ""
    except Exception:  # noqa: BLE001 (any JSON problem: the text read goes to the schema, which names it)
        return str(value), ""


_READERS = {"yuan": _money, "number": _decimal, "integer": _integer, "boolean": _boolean, "enum": _enum,
            "date": _date, "json": _json, "text": _text}


def _number_of(value: Any, *, money: bool) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return _exact(value)
    text = "".join(unicodedata.normalize("NFKC", str(value)).split()).replace(",", "")
    if money:
        text = text.removeprefix("¥").removesuffix("元")
    percent = text.endswith("%") and not money
    try:
        number = Decimal(text.removesuffix("%") if percent else text)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return number / 100 if percent else number


def _exact(value: float) -> Decimal:
    """A float as the shortest decimal that reads back as it (what Excel shows at full precision)."""
    return Decimal(repr(value))


def _raw(value: Any) -> Any:
    """What was read, as text the schema's finding can quote."""
    if isinstance(value, float):
        return str(_exact(value))
    if isinstance(value, int):
        return str(value)
    return str(value).strip()
