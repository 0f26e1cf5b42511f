"""The pieces a cell's text breaks into, as a typist sees them, for fitting list-table columns (issue #15.3).

Both engines break CJK text between any two characters and keep a run of Latin letters and digits together, so
"2027年4月12日" may break after 2027, 年, 4 or 月. A typist breaks a date only between its *units*: "2027年",
"4月", "12日" (the digits with the character they count), with the 至 of a range kept after its 日; a numeric date
(2027-04-12) is one unit. Then a narrow 时间 column reads "2027年4月" / "12日至" / "2027年4月" / "14日". The
engines cannot be told (LibreOffice would not follow a private rule), so the fitter gives a column the width of
its longest unit and checks, with the engines' own greedy breaking, that no unit of a column is split at the
width it gets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from docgen.pdf.autospace import FRACTION, is_ideograph

_CONNECTOR = "[至到~～—–]?"  # what joins the two dates of a range; it stays with the first date
_DATE = (r"\d{4}[-./]\d{1,2}(?:[-./]\d{1,2})?"  # 2027-04-12, 2027.4: whole
         r"|\d{4}年|\d{1,2}[月日]")  # 2027年, 4月, 12日: the units of a written date
_LATIN = r"[\x21-\x7e\u00a0-\u02ff]+"  # runs of Latin letters, digits and ASCII signs: never broken
_SLACK = 0.5
_LETTER = re.compile("[A-Za-z\u00a0-\u02ff]")
_WHOLE_DATE = r"(?:\d{4}年)?\d{1,2}月(?:\d{1,2}日)?|\d{4}年|\d{4}[-./]\d{1,2}(?:[-./]\d{1,2})?"
_DATED = re.compile(f"(?:{_WHOLE_DATE})(?:[至到~～—–](?:{_WHOLE_DATE}))?")
_UNIT = re.compile(f"(?:{_DATE}){_CONNECTOR}|{_LATIN}")
_WORD = re.compile(_LATIN)


def width(text: str) -> float:
    """Width in ems of ``text`` set alone."""
    return sum(_advances(text))


def units(text: str) -> list[float]:
    """Widths in ems of the pieces of ``text`` a typist may break between: CJK characters and whole units."""
    advances = _advances(text)
    return [sum(advances[start:end]) for start, end in _spans(text, _UNIT)]


def longest_unit(text: str) -> float:
    """Width in ems of the longest unit of ``text`` (a Latin word, 12日至, 2027年); 0 for plain CJK.

    A unit with Latin letters gets half an em more: letters are not exactly half an em wide, digits are.
    """
    advances = _advances(text)
    return max((sum(advances[match.start() : match.end()]) + (_SLACK if _LETTER.search(match.group()) else 0.0)
                for match in _UNIT.finditer(text)), default=0.0)


def splits_unit(text: str, room: float) -> bool:
    """Whether the engines' greedy breaking of ``text`` in lines ``room`` ems wide breaks inside a unit.

    E.g. "2027" at a line's end and its 年 at the next line's start, or 至 parted from its 日.
    """
    advances = _advances(text)
    starts: set[int] = set()
    x = 0.0
    for start, end in _spans(text, _WORD):
        wide = sum(advances[start:end])
        if x + wide > room + 1e-6 and x > 0:
            starts.add(start)
            x = 0.0
        x += wide
    return any(match.start() < start < match.end() for match in _UNIT.finditer(text) for start in starts)


def _advances(text: str) -> list[float]:
    """Each character's advance in ems: full-width characters one, the others half.

    Plus the engines' autospace before a change between ideographs and Latin letters or digits
    (docgen.pdf.autospace, as LibreOffice does): "2027年4月12日" is 8 ems, not 7.
    """
    advances = [1.0 if ord(char) > 0x2E7F else 0.5 for char in text]
    for k in range(len(text) - 1):
        here, after = text[k], text[k + 1]
        if (is_ideograph(here) and _latin(after)) or (_latin(here) and is_ideograph(after)):
            advances[k] += FRACTION
    return advances


def _latin(char: str) -> bool:
    return char.isalnum() and ord(char) < 0x2E80


def _spans(text: str, unit: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of the matches of ``unit`` and of the single characters between them, in order."""
    at = 0
    for match in unit.finditer(text):
        yield from ((k, k + 1) for k in range(at, match.start()))
        yield match.start(), match.end()
        at = match.end()
    yield from ((k, k + 1) for k in range(at, len(text)))


def dated(text: str) -> bool:
    """Whether ``text`` is a date or a range of dates and nothing else (2027年4月12日至2027年4月14日)."""
    return _DATED.fullmatch(text) is not None


def unit_breaks(text: str, room: float) -> list[int]:
    """Where greedy breaking of ``text`` in lines ``room`` ems wide breaks when it breaks between units only.

    Offsets of the first character of each line after the first: "2027年4月12日至2027年4月14日" at 5.5 ems
    breaks before 12, 2027 and 14.
    """
    advances = _advances(text)
    breaks: list[int] = []
    x = 0.0
    for start, end in _spans(text, _UNIT):
        wide = sum(advances[start:end])
        if x + wide > room + 1e-6 and x > 0:
            breaks.append(start)
            x = 0.0
        x += wide
    return breaks
