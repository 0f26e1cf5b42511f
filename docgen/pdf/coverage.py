"""Glyph coverage: which characters no font of the map can draw, checked before typesetting."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from docgen.pdf.diagnostics import Diagnostics
from docgen.pdf.fonts import Font, FontMap, FontSet

# Characters that draw nothing: spaces, line/paragraph separators, control and format characters.
_INVISIBLE = {"Zs", "Zl", "Zp", "Cc", "Cf"}


class Coverage:
    """Answers "can any mapped font draw this character?", loading each face once."""

    def __init__(self, fontmap: FontMap):
        fontset = FontSet(fontmap, Diagnostics())
        loaded = (fontset._face(key) for key in fontmap.faces)  # FontSet loads and caches faces; same package
        self._fonts: list[Font] = [pair[1] for pair in loaded if pair is not None]
        self._known: dict[str, bool] = {}

    def covers(self, char: str) -> bool:
        """True when some mapped font has a glyph for ``char`` (white space and format controls always pass)."""
        if unicodedata.category(char) in _INVISIBLE:
            return True
        found = self._known.get(char)
        if found is None:
            found = self._known[char] = any(font.has(char) for font in self._fonts)
        return found

    def missing(self, text: Iterable[str]) -> list[str]:
        """Distinct characters of ``text`` that no mapped font can draw, in order of appearance."""
        return list(dict.fromkeys(char for char in text if not self.covers(char)))
