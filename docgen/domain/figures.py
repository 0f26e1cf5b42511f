"""How messages and documents write figures: 万元 and 元 amounts, percentages."""

from decimal import Decimal

from docgen.money import format_wan, format_yuan, round_yuan


def wan(amount: Decimal) -> str:
    """An amount in 元 written as 万元, e.g. ``31.20 万元``."""
    return f"{format_wan(amount)} 万元"


def yuan(amount: Decimal) -> str:
    """An amount in 元 with separators, e.g. ``12,345.60 元``."""
    return f"{format_yuan(amount, symbol=False)} 元"


def pct(ratio: Decimal) -> str:
    """A ratio as a percentage without trailing zeros: 0.03 → ``3%``, 0.305 → ``30.5%``."""
    return f"{(ratio * 100).normalize():f}%"


def exact_yuan(amount: Decimal) -> str:
    """An exact amount in 元, keeping digits below the 分 when it has them: ``38,539.575 元``."""
    if amount == round_yuan(amount):
        return yuan(amount)
    return f"{amount.normalize():,f} 元"
