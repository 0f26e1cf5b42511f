"""禁则 line breaking on plain atoms (one CJK char = width 1, Latin = 0.5)."""

from __future__ import annotations

import pytest

from docgen.pdf.linebreak import NO_END, NO_START, Atom, break_allowed, break_lines, is_cjk


def lines_of(text: str, width: float) -> list[str]:
    atoms = [Atom(c, 1.0 if is_cjk(c) else 0.5, forced_break=c == "\n") for c in text]
    return [text[s:e] for s, e in break_lines(atoms, lambda _: width)]


@pytest.mark.parametrize(
    ("before", "after", "allowed"),
    [
        ("字", "字", True),
        ("字", "，", False),
        ("（", "字", False),
        ("a", "b", False),
        ("a", "字", True),
        (" ", "b", True),
        ("a", " ", False),
        ("—", "—", False),
        ("字", "》", False),
    ],
)
def test_break_allowed(before: str, after: str, allowed: bool) -> None:
    assert break_allowed(before, after) is allowed


def test_comma_hangs_instead_of_starting_a_line() -> None:
    assert lines_of("一二三四五，六七", 5) == ["一二三四五，", "六七"]


def test_closing_bracket_pulls_previous_char_down() -> None:
    assert lines_of("一二三四五）六七", 5) == ["一二三四", "五）六七"]


def test_opening_bracket_goes_down_with_next_char() -> None:
    assert lines_of("一二三四（五六七", 5) == ["一二三四", "（五六七"]


def test_latin_words_break_at_spaces_only() -> None:
    assert lines_of("aaaa bbbb cccc", 5) == ["aaaa bbbb ", "cccc"]


def test_overlong_word_is_cut() -> None:
    assert lines_of("abcdefghijklmnop", 2) == ["abcd", "efgh", "ijkl", "mnop"]


def test_forced_break_ends_line() -> None:
    assert lines_of("一二\n三", 5) == ["一二\n", "三"]


def test_empty_paragraph_has_one_line() -> None:
    assert break_lines([], lambda _: 10) == [(0, 0)]


@pytest.mark.parametrize("text", ["《工伤保险条例》（2010年修订）规定，用人单位应当参加工伤保险。" * 4])
@pytest.mark.parametrize("width", [5, 6, 7, 9, 11, 13])
def test_no_line_violates_kinsoku(text: str, width: int) -> None:
    lines = lines_of(text, width)
    assert "".join(lines) == text
    assert not [line for line in lines[1:] if line[0] in NO_START]
    assert not [line for line in lines[:-1] if line[-1] in NO_END]


@pytest.mark.parametrize("seed", range(12))
def test_overflow_search_agrees_with_the_plain_loop(seed: int) -> None:
    """Lines found by summing widths in C (``_Runs``) are those of the loop over every atom."""
    import random

    from docgen.pdf.linebreak import _fill_line, _Runs

    rng = random.Random(seed)
    alphabet = "工伤预防，。（）《》abc -1\n"
    atoms = [Atom(c, rng.choice((0.0, 0.5, 1.0, 1.25)), forced_break=c == "\n")
             for c in (rng.choice(alphabet) for _ in range(300))]
    runs = _Runs.of(atoms, None)
    start = 0
    while start < len(atoms):
        available = rng.choice((3.0, 5.0, 7.5))
        end = _fill_line(atoms, start, available, None, runs)
        assert end == _fill_line(atoms, start, available, None)
        start = end
