import pytest

from docgen.batch.names import MAX_STEM_BYTES, NamePattern, Namer, safe_stem
from docgen.errors import UsageError


@pytest.mark.parametrize(("raw", "expected"), [
    ("../x", "_x"),
    ("a/b", "a_b"),
    ("a\\b", "a_b"),
    ("CON", "_CON"),
    ("nul.txt", "_nul.txt"),
    ("名称:*?", "名称___"),
    ("..", "00007"),
    ("  .hidden. ", "hidden"),
    ("tab\there", "tab_here"),
    ("merged", "_merged"),
    ("", "00007"),
], ids=["dotdot", "slash", "backslash", "con", "nul-ext", "windows-chars", "only-dots", "dots-spaces", "control",
        "reserved", "empty"])
def test_safe_stem(raw, expected):
    assert safe_stem(raw, fallback="00007") == expected


def test_long_names_are_cut_on_a_character_boundary():
    stem = safe_stem("名" * 300, fallback="x")
    assert len(stem.encode()) <= MAX_STEM_BYTES and set(stem) == {"名"}


def test_every_name_lands_inside_the_folder_and_duplicates_are_numbered(tmp_path):
    namer = Namer(NamePattern.parse("{applicant.name}"), tmp_path)
    raws = ["../x", "a/b", "CON", "名称:*?", "名" * 300, "甲", "甲", "甲", "/etc/passwd", "..\\..\\evil"]
    stems = [namer.stem(i, {"applicant.name": raw}) for i, raw in enumerate(raws, start=2)]
    assert len({s.casefold() for s in stems}) == len(stems)
    assert stems[5:8] == ["甲", "甲-2", "甲-3"]
    for stem in stems:
        path = (tmp_path / f"{stem}.docx").resolve()
        assert path.parent == tmp_path.resolve()
        assert len(path.name.encode()) <= 255


def test_duplicates_of_long_names_stay_within_the_limit(tmp_path):
    namer = Namer(NamePattern.parse("{n}"), tmp_path)
    first, second = namer.stem(2, {"n": "名" * 300}), namer.stem(3, {"n": "名" * 300})
    assert second.endswith("-2") and first != second and len(second.encode()) <= MAX_STEM_BYTES


def test_pattern_fields_are_plain_lookups():
    pattern = NamePattern.parse("{row:05d}-{applicant.name}-{x.__class__}")
    assert pattern.format({"row": 7, "applicant.name": "甲"}) == "00007-甲-"  # no attribute access, ever


@pytest.mark.parametrize("text", ["fixed", "{row!r}", "{row:{width}}", "{", "{}"])
def test_bad_patterns_are_usage_errors(text):
    with pytest.raises(UsageError):
        NamePattern.parse(text)


@pytest.mark.parametrize("text", ["{recipient.name:>999999999}", "{row:0999999999d}", "{x:.999999999}"])
def test_huge_format_widths_are_usage_errors_not_hangs(text):
    with pytest.raises(UsageError, match="宽度过大"):  # #11: --name '{recipient.name:>999999999}' hung
        NamePattern.parse(text)
