"""Line breaking for mixed Chinese/Latin text, obeying 禁则 (GB/T 15834 and JIS X 4051 style rules).

Pure functions over characters and widths; nothing here knows fonts or PDF. A break is allowed between two
characters when either is CJK (or a space precedes), unless the next one may not start a line
(，。、；：！？）》」』】…) or the previous one may not end a line (（《「『【…). Chinese closing punctuation
may hang past the right margin, as Word does by default (w:overflowPunct), instead of dragging the previous
character to the next line.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

# Characters that must not start a line (行首禁则).
NO_START = frozenset(
    "，。、；：！？）》」』】〕〗〙〛｝］＞›»’”…‥·・—～"
    "ー々〻ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
    ",.;:!?)]}%‰℃°"
    "\u2014\u2026\u00b7\uff09\uff0e\uff0c"
)
# Characters that must not end a line (行尾禁则).
NO_END = frozenset("（《「『【〔〖〘〚｛［＜‹«‘“([{$￥£€")
# Punctuation that may hang into the right margin instead of breaking (Word: 允许标点溢出边界).
HANGING = frozenset("，。、；：！？,.")
# Of the no-start characters, those that come in pairs and may not be split between lines either.
INSEPARABLE = frozenset("—…‥")


def is_cjk(char: str) -> bool:
    """True for characters laid out as CJK (ideographs, kana, hangul, full-width forms and CJK punctuation)."""
    code = ord(char)
    return (
        0x2E80 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
        or 0xFE30 <= code <= 0xFE4F
        or 0xFF00 <= code <= 0xFFEF
        or 0x20000 <= code <= 0x3FFFF
        or char in "“”‘’—…·"
    )


def is_space(char: str) -> bool:
    """True for the characters a line may break after and drop at its end."""
    return char in " \u3000\t"


@lru_cache(maxsize=1 << 16)
def break_allowed(before: str, after: str) -> bool:
    """Whether a line may break between ``before`` and ``after`` (single characters; U+FFFC = object).

    Memoised: the breaker asks for every adjacent pair, and a document repeats few distinct pairs.
    """
    if is_space(after):
        return False
    if after in NO_START or before in NO_END:
        return False
    if before in INSEPARABLE and after == before:
        return False
    if is_space(before):
        return True
    if before == "-" and not after.isdigit():
        return True
    return is_cjk(before) or is_cjk(after) or before == "\ufffc" or after == "\ufffc"


@dataclass(frozen=True, slots=True)
class Atom:
    """What the breaker sees of one character or object: its text, width, and whether it forces a break."""

    char: str
    width: float
    forced_break: bool = False


@lru_cache(maxsize=1 << 16)
def expandable(before: str, after: str) -> bool:
    """Whether justification may widen the gap between ``before`` and ``after`` (memoised like ``break_allowed``)."""
    return break_allowed(before, after) or is_space(before)


TabWidth = Callable[[int, int, float], float]
"""Width of the tab atom ``i`` on line ``n`` starting ``x`` from the line start (tabs alone depend on position)."""


def break_lines(
    atoms: Sequence[Atom],
    widths: Callable[[int], float],
    tab_width: TabWidth | None = None,
    *,
    hanging: bool = True,
) -> list[tuple[int, int]]:
    """Split atoms into lines greedily.

    Args:
        atoms: The paragraph's atoms in order.
        widths: Available width of line ``n`` (0-based), e.g. smaller for an indented first line.
        tab_width: Width of a tab given its line and start position; tabs are atoms whose char is a tab.
        hanging: Whether closing punctuation may hang past the right edge (not in a table cell, where it would
            cross the cell's border: the character before it goes to the next line with it instead).

    Returns:
        ``(start, end)`` index ranges, one per line, ``end`` exclusive. A forced break ends its line and
        belongs to it. An empty paragraph yields one empty line.
    """
    runs = _Runs.of(atoms, tab_width)
    lines: list[tuple[int, int]] = []
    start, n = 0, len(atoms)
    while start < n or not lines:
        end = _fill_line(atoms, start, widths(len(lines)), _for_line(tab_width, len(lines)), runs, hanging)
        lines.append((start, end))
        if end >= n:
            break
        start = end
    return lines


def _for_line(tab_width: TabWidth | None, line: int) -> Callable[[int, float], float] | None:
    if tab_width is None:
        return None
    return lambda i, x: tab_width(line, i, x)


@dataclass(frozen=True, slots=True)
class _Runs:
    """The atoms' widths and forced breaks, for finding where a line overflows without a loop in Python.

    Only for paragraphs without tabs (whose width depends on where they start) and without negative widths
    (condensed spacing), so that the running width of a line never decreases.
    """

    widths: list[float]
    forced: list[int]  # indices of the forced breaks, ascending

    @classmethod
    def of(cls, atoms: Sequence[Atom], tab_width: TabWidth | None) -> _Runs | None:
        widths = [atom.width for atom in atoms]
        if (tab_width is not None and any(atom.char == "\t" for atom in atoms)) or (widths and min(widths) < 0):
            return None
        return cls(widths, [i for i, atom in enumerate(atoms) if atom.forced_break])

    def overflow(self, start: int, limit: float) -> tuple[int, float]:
        """Where the line from ``start`` first needs a decision, and its width up to there.

        That is the first atom that would end past ``limit``, else the next forced break, else the end; the
        width is summed in the same order as the loop in ``_fill_line`` sums it, so the floats agree.
        """
        stop = self.forced[bisect_left(self.forced, start)] if self.forced and self.forced[-1] >= start else None
        stop = len(self.widths) if stop is None else stop
        i, x = start, 0.0
        while i < stop:
            chunk = min(stop, i + 64)
            ends = list(accumulate(self.widths[i:chunk], initial=x))  # ends[m]: where atom i+m-1 ends
            m = bisect_right(ends, limit, 1)
            if m < len(ends):
                return i + m - 1, ends[m - 1]
            i, x = chunk, ends[-1]
        return stop, x


def _fill_line(
    atoms: Sequence[Atom],
    start: int,
    available: float,
    tab_width: Callable[[int, float], float] | None,
    runs: _Runs | None = None,
    hanging: bool = True,
) -> int:
    """Index just past the last atom of the line that begins at ``start``."""
    x = 0.0
    last_break = -1  # index of the first atom after the latest allowed break
    i = start
    if runs is not None:
        # Skip to where the loop below would first find something to do: an overflow or a forced break.
        i, x = runs.overflow(start, available + 1e-6)
        if i < len(atoms) and not atoms[i].forced_break:
            last_break = _last_break_before(atoms, start, i)
    while i < len(atoms):
        atom = atoms[i]
        if atom.forced_break:
            return i + 1
        if i > start and break_allowed(atoms[i - 1].char, atom.char):
            last_break = i
        width = tab_width(i, x) if atom.char == "\t" and tab_width else atom.width
        if x + width > available + 1e-6 and not (hanging and _fits_hanging(atoms, i, x, available)):
            if is_space(atom.char):
                return _skip_spaces(atoms, i)
            if last_break > start:
                return last_break
            return max(i, start + 1)  # no break opportunity: cut the unit where it overflows
        x += width
        i += 1
    return i


def _last_break_before(atoms: Sequence[Atom], start: int, i: int) -> int:
    """The latest allowed break after ``start`` and before atom ``i``, or -1."""
    for k in range(i - 1, start, -1):
        if break_allowed(atoms[k - 1].char, atoms[k].char):
            return k
    return -1


def _fits_hanging(atoms: Sequence[Atom], i: int, x: float, available: float) -> bool:
    """A hanging punctuation mark may overflow when the line up to it fits (Word: 允许标点溢出边界)."""
    return atoms[i].char in HANGING and x <= available + 1e-6 and i > 0 and not is_space(atoms[i - 1].char)


def _skip_spaces(atoms: Sequence[Atom], i: int) -> int:
    """Spaces at a break stay at the end of the line they follow (and are not drawn)."""
    while i < len(atoms) and is_space(atoms[i].char) and not atoms[i].forced_break:
        i += 1
    return i


def expansion_points(text: str, *, distribute: bool) -> list[bool]:
    """For each gap between two characters of a line's ``text``, whether justification may widen it."""
    if distribute:
        return [True] * (len(text) - 1)
    return list(map(expandable, text[:-1], text[1:]))
