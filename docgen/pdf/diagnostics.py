"""Warnings of the typesetter: every construct it cannot render faithfully is reported, never dropped silently."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class LayoutWarning:
    """One thing the PDF may show differently from Word.

    Attributes:
        code: Stable dotted id, e.g. ``pdf.unsupported.textbox`` or ``pdf.font.missing_glyph``.
        where: Where in the document, e.g. ``正文第 12 段`` / ``body paragraph 12``.
        message: Chinese explanation naming the construct.
    """

    code: str
    where: str
    message: str

    def __str__(self) -> str:
        place = f"{self.where}：" if self.where else ""
        return f"{place}{self.message}  〔{self.code}〕"


@dataclass
class Diagnostics:
    """Collects warnings of one typeset run, each (code, where, message) once and in order of discovery."""

    _items: dict[tuple[str, str, str], LayoutWarning] = field(default_factory=dict)

    def warn(self, code: str, where: str, message: str) -> None:
        """Record a warning unless the same one is already recorded."""
        key = (code, where, message)
        if key not in self._items:
            self._items[key] = LayoutWarning(code, where, message)

    def warn_once(self, code: str, message: str) -> None:
        """Record a run-wide warning (e.g. a font substitution) without a location."""
        self.warn(code, "", message)

    @property
    def warnings(self) -> list[LayoutWarning]:
        """The warnings recorded so far."""
        return list(self._items.values())


def unsupported(diag: Diagnostics, construct: str, where: str, label: str) -> None:
    """Report a construct the engine does not render (code ``pdf.unsupported.<construct>``)."""
    diag.warn(f"pdf.unsupported.{construct}", where, f"不支持{label}（{construct}），PDF 中未按 Word 排出")
