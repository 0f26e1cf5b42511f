"""Money in 元: exact `Decimal` amounts, their figures (¥1,234.50, 万元) and their words (大写金额).

Amounts are never floats: the JSON loader parses numbers with ``parse_float=Decimal`` and
`to_decimal` refuses anything else. Every rounding is half-up (四舍五入), the rule on Chinese
forms; babel rounds half-even, so we round before handing a number to it.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.numbers import format_currency, format_decimal

# A Locale object, not its name: babel looks a name up in its data folder on every call.
_LOCALE = Locale.parse("zh_CN")
_CENT = Decimal("0.01")
_WAN_PLACES = Decimal("0.0001")
_AMOUNT_TEXT = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_GROUP_UNITS = ("", "万", "亿")
UPPER_LIMIT = Decimal("1000000000000")  # 1 万亿: the first amount _GROUP_UNITS cannot name


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Convert an amount from the input data to an exact `Decimal`, unchanged in value.

    Args:
        value: A `Decimal`, an `int`, or a plain decimal string such as ``"1234.5"``.

    Returns:
        The same amount as a `Decimal`.

    Raises:
        ValueError: For floats and bools (a float has already lost the 分), strings that are not
            plain decimals (``"1e3"``, ``"1,234"``, ``"NaN"``), NaN or Infinity, and amounts with
            more than two decimals (``"1.234"``; trailing zeros such as ``"1.230"`` are fine).
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise ValueError(f"金额须为整数、Decimal 或数字字符串，不能是 {type(value).__name__}：{value!r}")
    if isinstance(value, str) and not _AMOUNT_TEXT.fullmatch(value):
        raise ValueError(f"不是金额：{value!r}")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"不是有限的金额：{value!r}")
    if _decimal_places(amount) > 2:
        raise ValueError(f"金额最多两位小数（到分）：{value!r}")
    return amount


def round_yuan(value: Decimal) -> Decimal:
    """Round to the 分 (0.01 元), half-up; a negative zero comes back as ``0.00``.

    Raises:
        ValueError: If *value* is not a finite `Decimal`.
    """
    return _round(value, _CENT)


def format_yuan(value: Decimal, *, symbol: bool = True) -> str:
    """Format an amount as ``¥1,234,567.89``: grouped thousands, always two decimals.

    Args:
        value: Amount in 元; rounded half-up to the 分 first.
        symbol: Whether to write the ``¥`` sign (negative amounts read ``-¥12.00``).
    """
    amount = round_yuan(value)
    if symbol:
        return format_currency(amount, "CNY", locale=_LOCALE)
    return format_decimal(amount, format="#,##0.00", locale=_LOCALE)


def format_wan(value: Decimal) -> str:
    """Format an amount in 元 as 万元 for forms that ask for 万元.

    Four decimals of 万元 are exact to the 元, so the value is rounded half-up there; trailing
    zeros are dropped down to two decimals: 300000 → ``30.00``, 123456.78 → ``12.3457``,
    5000 → ``0.50``, 12345000 → ``1,234.50``.
    """
    wan = _round(_require_amount(value).scaleb(-4), _WAN_PLACES)
    return format_decimal(wan, format="#,##0.00##", locale=_LOCALE)


def rmb_upper(value: Decimal) -> str:
    """Write an amount in 大写 (capital numerals), without the 人民币 prefix templates add themselves.

    The amount is rounded half-up to the 分 first. Conventions, following 《支付结算办法》附一 and
    会计基础工作规范 第五十二条:

    * 整 ends an amount with no 分: 壹拾元整, 壹仟肆佰零玖元伍角整 (角 then 整, the accounting form);
      never after 分.
    * One 零 stands for a run of zeros inside the 元, across 万/亿 too: 100000001 → 壹亿零壹元整,
      100100 → 壹拾万零壹佰元整; zeros that only end a 万/亿 group are not read: 107000 → 壹拾万柒仟元整.
    * One 零 follows 元 when the units digit or the 角 is zero and something follows:
      1680.32 → 壹仟陆佰捌拾元零叁角贰分, 107000.53 → 壹拾万柒仟元零伍角叁分,
      16409.02 → 壹万陆仟肆佰零玖元零贰分.
    * Ten is written 壹拾 (15 → 壹拾伍元整, 100000 → 壹拾万元整).
    * Under one 元 there is no 元 part: 0.50 → 伍角整, 0.53 → 伍角叁分, 0.01 → 壹分; 0 → 零元整.

    Raises:
        ValueError: If the amount is not a finite `Decimal`, is negative, or is 1 万亿 or more.
    """
    amount = round_yuan(value)  # also rejects non-Decimals, so comparing *value* below is safe
    if value < 0:  # even -0.001, though it rounds to 0.00: a negative amount never belongs in words
        raise ValueError(f"大写金额不能为负数：{value}")
    if amount >= UPPER_LIMIT:
        raise ValueError(f"金额过大，大写金额最多到仟亿：{value}")
    cents = int(amount * 100)
    if cents == 0:
        return "零元整"
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    yuan_text = _integer_upper(yuan) + "元" if yuan else ""
    return yuan_text + _fraction_upper(yuan, jiao, fen)


def _require_amount(value: Decimal) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValueError(f"金额须为有限的 Decimal：{value!r}")
    return value


def _decimal_places(amount: Decimal) -> int:
    """Digits after the point that matter: 1.230 has two. Read off the exact text, not the context."""
    return len(format(amount, "f").partition(".")[2].rstrip("0"))


def _round(value: Decimal, places: Decimal) -> Decimal:
    rounded = _require_amount(value).quantize(places, rounding=ROUND_HALF_UP)
    # -0.001 rounds to -0.00, which would print as "-¥0.00" on a form.
    return rounded.copy_abs() if rounded.is_zero() else rounded


def _integer_upper(number: int) -> str:
    """Words for a positive whole number of 元 below 1 万亿, without the 元."""
    digits = str(number)
    words: list[str] = []
    zero_pending = False
    for index, char in enumerate(digits):
        position = len(digits) - 1 - index
        if char == "0":
            # The leading digit is never 0, so a pending 零 always sits between two written digits.
            zero_pending = True
        else:
            words.append(("零" if zero_pending else "") + _DIGITS[int(char)] + _SMALL_UNITS[position % 4])
            zero_pending = False
        if position % 4 == 0 and int(digits[max(0, index - 3) : index + 1]):
            words.append(_GROUP_UNITS[position // 4])
            # Zeros ending a 万/亿 group are not read: 107000 → 壹拾万柒仟, but 100100 → 壹拾万零壹佰.
            zero_pending = False
    return "".join(words)


def _fraction_upper(yuan: int, jiao: int, fen: int) -> str:
    """Words after 元 (or the whole text under one 元): 角, 分, or 整."""
    if not jiao and not fen:
        return "整"
    # A 零 bridges the gap between the 元 and the first written decimal.
    bridge = "零" if yuan and (yuan % 10 == 0 or not jiao) else ""
    jiao_text = _DIGITS[jiao] + "角" if jiao else ""
    fen_text = _DIGITS[fen] + "分" if fen else "整"
    return bridge + jiao_text + fen_text
