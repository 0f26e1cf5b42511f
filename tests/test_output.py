"""Atomic writes: a file, or a set of files, is replaced whole or not at all; no temporary file is left behind."""

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import docgen.output
from docgen.cli import main
from docgen.errors import OutputError
from docgen.folder_lock import FolderLock
from docgen.output import atomic_file, recover, write_atomic, write_set
from tests.conftest import ROOT


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

# ---- a set of outputs replaced as a whole (#11 faults) ----------------------------------------------------


OLD = [("a.docx", b"old a"), ("b.docx", b"old b"), ("manifest.json", b"old manifest")]
NEW = [("a.docx", b"new a"), ("b.docx", b"new b"), ("manifest.json", b"new manifest")]


class Killed(BaseException):
    """Stands for kill -9: no except clause of docgen catches it."""


def _contents(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_write_set_replaces_the_set_and_leaves_nothing_else(tmp_path):
    write_set(tmp_path, OLD)
    write_set(tmp_path, NEW)
    assert _contents(tmp_path) == dict(NEW)


def test_disk_full_leaves_the_old_set_and_no_temp_files(tmp_path, monkeypatch):
    write_set(tmp_path, OLD)

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(docgen.output.os, "fsync", full)
    with pytest.raises(OutputError, match="磁盘空间已满"):
        write_set(tmp_path, NEW)
    assert _contents(tmp_path) == dict(OLD)


def test_a_read_only_folder_is_an_output_error(tmp_path, monkeypatch):
    def refused(**kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(docgen.output.tempfile, "mkdtemp", refused)  # root ignores chmod, so refuse it here
    with pytest.raises(OutputError, match="没有写入权限"):
        write_set(tmp_path / "out", NEW)
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("renames", [0, 1, 2])
def test_a_run_killed_while_renaming_is_rolled_forward_by_the_next(tmp_path, monkeypatch, renames):
    write_set(tmp_path, OLD)
    real = os.replace
    done = []

    def replace(src, dst):
        if Path(dst).name != ".docgen-commit.json":
            if len(done) == renames:
                raise Killed
            done.append(dst)
        real(src, dst)

    monkeypatch.setattr(docgen.output.os, "replace", replace)
    with pytest.raises(Killed):
        write_set(tmp_path, NEW)
    monkeypatch.setattr(docgen.output.os, "replace", real)
    recover(tmp_path)  # what the next run into the folder does first
    assert _contents(tmp_path) == dict(NEW)


def test_a_run_killed_while_staging_leaves_the_old_set(tmp_path, monkeypatch):
    write_set(tmp_path, OLD)
    (tmp_path / ".a.docx.x1y2.part").write_bytes(b"half")  # left by an older docgen killed in write_atomic

    def killed(fd):
        raise Killed

    monkeypatch.setattr(docgen.output.os, "fsync", killed)
    with pytest.raises(Killed):
        write_set(tmp_path, NEW)
    monkeypatch.undo()
    write_set(tmp_path, NEW)
    assert _contents(tmp_path) == dict(NEW)


def test_a_second_writer_is_refused_while_the_first_holds_the_folder(tmp_path):
    with FolderLock(tmp_path), pytest.raises(OutputError, match="另一个 docgen"):
        write_set(tmp_path, NEW)


def test_cli_output_path_that_is_a_file_is_exit_2_in_one_line(tmp_path, capsys):
    (tmp_path / "out").write_text("")
    assert main(["render", "application", str(ROOT / "examples" / "project.json"), "-o", str(tmp_path / "out"),
                 "--to", "docx"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("错误：") and "无法创建输出目录" in err[-1] and "Traceback" not in "\n".join(err)


def test_cli_disk_full_is_exit_2_and_no_file_at_a_final_name(tmp_path, capsys, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(docgen.output.os, "fsync", full)
    out = tmp_path / "out"
    assert main(["packet", str(ROOT / "examples" / "project.json"), "-o", str(out), "--to", "docx"]) == 2
    assert "磁盘空间已满" in capsys.readouterr().err
    assert list(out.iterdir()) == []


def _manifest_matches(folder: Path) -> bool:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return all(hashlib.sha256((folder / o["file"]).read_bytes()).hexdigest() == o["sha256"]
               for o in manifest["outputs"])


def test_kill_9_during_packet_over_an_older_packet_never_leaves_a_mixed_set(tmp_path):
    """#11: kill -9 left .01-项目申请表.docx.*.part files and 6 new files beside 2 old ones and the old manifest."""
    old = json.loads((ROOT / "examples" / "project.json").read_text(encoding="utf-8"))
    old["project"]["name"] = "旧的项目名称"
    (tmp_path / "old.json").write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    shutil.copy(ROOT / "examples" / "licence-scan.png", tmp_path)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "docgen.cli", "packet", "-o", str(out), "--to", "docx"]
    for delay in (0.6, 1.2, 2.0):
        subprocess.run([*command, str(tmp_path / "old.json")], check=True, capture_output=True)
        process = subprocess.Popen([*command, str(ROOT / "examples" / "project.json")],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        recover(out)  # the next run's first step
        assert _manifest_matches(out)
        assert not [p.name for p in out.iterdir() if p.name.startswith(".")]
