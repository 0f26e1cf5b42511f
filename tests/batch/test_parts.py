"""Grouping rows into merged parts (#17.8)."""

from pathlib import Path

from docgen.batch.parts import group_by_size, part_paths, remove_parts


def test_groups_keep_order_and_stay_within_the_limit():
    sizes = [4, 4, 3, 9, 12, 1, 1]
    assert group_by_size(sizes, 10, int) == [[4, 4], [3], [9], [12], [1, 1]]  # 12 alone: a row is never split
    assert group_by_size([], 10, int) == []


def test_one_part_keeps_the_plain_name_and_stale_parts_go(tmp_path):
    target = tmp_path / "merged.docx"
    assert part_paths(target, 1) == [target]
    assert [p.name for p in part_paths(target, 3)] == ["merged-001.docx", "merged-002.docx", "merged-003.docx"]
    for name in ("merged.docx", "merged-001.docx", "merged-017.docx", "merged-notes.docx", "merged.pdf"):
        (tmp_path / name).write_bytes(b"old")
    remove_parts(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["merged-notes.docx", "merged.pdf"]
    assert not Path(tmp_path / "merged.docx").exists()
