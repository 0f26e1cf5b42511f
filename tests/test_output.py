"""Atomic writes: the target is replaced whole or not at all, and no temporary file is left behind."""

import pytest

from docgen.errors import OutputError
from docgen.output import atomic_file, write_atomic


def test_write_atomic_replaces_the_file(tmp_path):
    target = tmp_path / "sub" / "a.txt"
    write_atomic(target, b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert list(target.parent.glob(".*.part")) == []


def test_atomic_file_keeps_the_old_file_when_the_block_raises(tmp_path):
    target = tmp_path / "merged.docx"
    target.write_bytes(b"old")
    with pytest.raises(KeyError), atomic_file(target) as fh:
        fh.write(b"half")
        raise KeyError("boom")
    assert target.read_bytes() == b"old"
    assert list(tmp_path.glob(".*.part")) == []


def test_write_atomic_names_the_file_it_cannot_write(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputError, match="无法写入"):
        write_atomic(tmp_path / "file" / "a.txt", b"x")
