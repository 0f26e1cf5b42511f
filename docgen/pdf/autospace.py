"""Automatic space between Chinese and Western text (w:autoSpaceDE, w:autoSpaceDN; both on unless turned off).

Word and LibreOffice widen the gap where East Asian text meets Latin letters or digits, so ``共420人`` reads
``共 420 人`` without a typed space. LibreOffice, the engine's fidelity oracle, inserts one fifth of the font size
there (``SwKernPortion``, ``font height / 5``); that is the amount used here, added to the advance of the
character before the boundary. Pure function over atoms; nothing here knows fonts or PDF.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from docgen.pdf.linebreak import Atom

FRACTION = 0.2


def is_ideograph(char: str) -> bool:
    """True for Han ideographs, kana and hangul: the East Asian side of an autospace boundary (not punctuation)."""
    code = ord(char)
    return (
        0x3400 <= code <= 0x9FFF
        or 0x3040 <= code <= 0x30FF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3FFFF
    )


_OTHER, _IDEOGRAPH, _DIGIT, _LETTER = "OIDL"
# Where a boundary starts: an ideograph before a digit or letter, or one after it (zero-width, so they overlap).
_BOUNDARY = re.compile(r"(?=I[DL]|[DL]I)")


class _Kinds(dict[int, str]):
    """Which side of an autospace boundary each character can be on: a ``str.translate`` table, filled on use."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if is_ideograph(char):
            kind = _IDEOGRAPH
        elif char.isalnum() and code < 0x2E80:
            kind = _DIGIT if char.isdigit() else _LETTER
        else:
            kind = _OTHER
        self[code] = kind
        return kind


_KINDS = _Kinds()


def autospace(atoms: list[Atom], text: str, size: Callable[[int], float], *, letters: bool, digits: bool) -> None:
    """Widen, in place, each atom followed by a change between ideographs and Latin letters or digits.

    Args:
        atoms: The paragraph's atoms.
        text: Their characters, one per atom.
        size: Font size of atom ``k`` (points); the gap is a fifth of the size of the atom before it.
        letters: Space ideographs from Latin letters (w:autoSpaceDE).
        digits: Space ideographs from digits (w:autoSpaceDN).

    Punctuation on either side gets no space (``，2023`` and ``56.5%，`` stay tight), as in LibreOffice.
    """
    if not (letters or digits):
        return
    spaced = {_DIGIT: digits, _LETTER: letters}
    kinds = text.translate(_KINDS)
    if _IDEOGRAPH not in kinds or (_DIGIT not in kinds and _LETTER not in kinds):
        return  # all Chinese, or no Chinese at all: no boundary (most paragraphs and table cells)
    for boundary in _BOUNDARY.finditer(kinds):
        k = boundary.start()
        latin = kinds[k + 1] if kinds[k] == _IDEOGRAPH else kinds[k]
        if spaced[latin] and size(k):
            atom = atoms[k]
            atoms[k] = Atom(atom.char, atom.width + size(k) * FRACTION, atom.forced_break)
