"""The one shape every problem takes: schema errors and rule findings alike."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum

from docgen.xmlchars import ILLEGAL_CHARACTER, printable


class Severity(StrEnum):
    """How bad a finding is: errors stop rendering, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a record.

    Attributes:
        code: Stable dotted id, e.g. ``budget.over_cap``.
        path: JSON Pointer to the field, e.g. ``/budget/items/3/amount``.
        label: The field's Chinese title from the schema.
        message: Chinese explanation with the numbers involved.
        severity: ``error`` or ``warning``.
        cell: Where a workbook holds the field, e.g. ``预算明细!D7`` ("" for a JSON record).
    """

    code: str
    path: str
    label: str
    message: str
    severity: Severity = Severity.ERROR
    cell: str = ""

    def __post_init__(self) -> None:
        # A finding about a lone surrogate or a control character quotes it: escape it, so every output can print it.
        for name in ("path", "label", "message"):
            text = getattr(self, name)
            if ILLEGAL_CHARACTER.search(text):
                object.__setattr__(self, name, printable(text))

    @property
    def is_error(self) -> bool:
        """True when this finding blocks rendering."""
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict[str, str]:
        """Plain dict with the five keys (six with a workbook cell), for JSON output."""
        return {k: str(v) for k, v in asdict(self).items() if k != "cell" or v}

    def __str__(self) -> str:
        level = "错误" if self.is_error else "警告"
        where = f"{self.label}（{'，'.join(p for p in (self.path, self.cell) if p)}）" if self.path else self.label
        return f"[{level}] {where}：{self.message}  〔{self.code}〕"


def has_errors(findings: list[Finding]) -> bool:
    """True when any finding is an error."""
    return any(f.is_error for f in findings)
