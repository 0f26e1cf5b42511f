"""The output folder under faults (#11: disk full, read-only, a file in its place, kill -9) and two batches (#17.6)."""

import errno
import fcntl
import json
import os
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path

import pytest
from conftest import ROOT, write_csv

from docgen.batch import run_batch
from docgen.batch.folder import claim
from docgen.cli import main
from docgen.errors import OutputError
from docgen.folder_lock import LOCK
from docgen.output import sha256_hex

ROWS = 12


@pytest.fixture
def rows(tmp_path):
    return write_csv(tmp_path / "rows.csv", ["applicant.name"], [[f"第{i}号公司"] for i in range(ROWS)])


@pytest.fixture
def disk_full(monkeypatch):
    """Make the disk fill up when a file whose name matches a pattern is synced (every write path syncs)."""
    real = os.fsync

    def fill_at(pattern: str) -> None:
        def fsync(fd: int) -> None:
            if fnmatch(Path(os.readlink(f"/proc/self/fd/{fd}")).name, pattern):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            real(fd)

        monkeypatch.setattr(os, "fsync", fsync)

    return fill_at


def batch(rows, out, base, *extra):
    return main(["batch", "plan", str(rows), "-o", str(out), "--base", str(base), "--jobs", "1", *extra])


def error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("full_at", [".00009.docx.*.part", ".manifest.json.summary.part", "manifest.jsonl"])
def test_disk_full_exits_2_and_leaves_nothing_issue_11(tmp_path, rows, base_path, disk_full, capsys, full_at, jobs):
    """Issue #11: a full disk gave a traceback and left manifest.jsonl and .manifest.json.summary.part behind."""
    out = tmp_path / "out"
    disk_full(full_at)
    assert main(["batch", "plan", str(rows), "-o", str(out), "--base", str(base_path), "--jobs", str(jobs)]) == 2
    line = error_line(capsys)
    assert line.startswith("错误：无法写入") and str(out) in line and "磁盘空间已满" in line
    assert not out.exists()  # the run made the folder; rolled back, nothing of it is left


def test_disk_full_while_merging_leaves_no_part_issue_11(tmp_path, rows, base_path, disk_full, capsys, monkeypatch):
    monkeypatch.setenv("DOCGEN_MERGE_PART_MB", "0.05")  # several parts: the second one fails
    disk_full(".merged-002.docx.*.part")
    out = tmp_path / "out"
    assert batch(rows, out, base_path, "--merge") == 2
    assert error_line(capsys) == f"错误：无法写入 {out / 'merged-002.docx'}：磁盘空间已满"
    assert not out.exists()


def test_disk_full_message_names_the_reason_in_chinese(tmp_path, rows, base_path, disk_full, capsys):
    disk_full(".00003.docx.*.part")
    assert batch(rows, tmp_path / "out", base_path) == 2
    assert error_line(capsys) == f"错误：无法写入 {tmp_path / 'out' / '00003.docx'}：磁盘空间已满"


def test_a_failed_run_over_an_earlier_run_restores_the_journal_and_resume_still_works(
        tmp_path, rows, base_path, disk_full):
    out = tmp_path / "out"
    first = write_csv(tmp_path / "first.csv", ["applicant.name"], [[f"第{i}号公司"] for i in range(4)])
    run_batch("plan", first, out, base=base_path, jobs=1)
    journal = (out / "manifest.jsonl").read_bytes()
    disk_full(".00009.docx.*.part")
    with pytest.raises(OutputError, match="磁盘空间已满"):
        run_batch("plan", rows, out, base=base_path, jobs=1, resume=True)
    assert (out / "manifest.jsonl").read_bytes() == journal
    assert sorted(p.name for p in out.iterdir()) == ["00002.docx", "00003.docx", "00004.docx", "00005.docx",
                                                     "manifest.json", "manifest.jsonl"]


def test_output_path_that_is_a_file_exits_2_and_keeps_the_file_issue_11(tmp_path, rows, base_path, capsys):
    """Issue #11: ``-o`` naming a file (or a path through one) gave FileExistsError/NotADirectoryError tracebacks."""
    afile = tmp_path / "out.txt"
    afile.write_text("keep", encoding="utf-8")
    assert batch(rows, afile, base_path) == 2
    assert error_line(capsys) == f"错误：输出目录 {afile} 是一个文件，不是文件夹；请换一个输出目录"
    assert batch(rows, afile / "sub", base_path) == 2
    assert error_line(capsys) == f"错误：无法创建输出目录 {afile / 'sub'}：路径中有一段是文件而不是文件夹"
    assert afile.read_text(encoding="utf-8") == "keep"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_output_folder_exits_2_issue_11(tmp_path, rows, base_path, capsys):
    """Issue #11: an output folder without write permission gave a PermissionError traceback."""
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        assert batch(rows, out, base_path) == 2
    finally:
        out.chmod(0o755)
    assert error_line(capsys) == f"错误：无法写入输出目录 {out}：没有写入权限"
    assert list(out.iterdir()) == []


def test_output_folder_refusing_writes_exits_2_issue_11(tmp_path, rows, base_path, monkeypatch, capsys):
    """Issue #11, as root too: the first write into a read-only folder fails with EACCES (or EROFS)."""
    out = tmp_path / "out"
    out.mkdir()
    real_open = os.open

    def refusing_open(path, flags, *args):
        if Path(path).parent == out and flags & os.O_CREAT:
            raise PermissionError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", refusing_open)
    assert batch(rows, out, base_path) == 2
    assert error_line(capsys) == f"错误：无法写入输出目录 {out}：所在磁盘是只读的"
    assert list(out.iterdir()) == []


def test_temp_files_of_a_killed_run_are_removed_by_the_next_run(tmp_path, rows, base_path):
    """Issue #11: kill -9 left ``.NAME.XXXX.part`` files (and the lock file of a dead run) behind."""
    out = tmp_path / "out"
    out.mkdir()
    stale = [".00002.docx.k1x2.part", ".manifest.json.summary.part", ".merged.docx.zz9.part"]
    for name in stale:
        (out / name).write_bytes(b"half")
    (out / LOCK).write_text("999999\n", encoding="utf-8")  # a killed run's lock file: its flock died with it
    assert run_batch("plan", rows, out, base=base_path, jobs=1, resume=True).rendered == ROWS
    names = {p.name for p in out.iterdir()}
    assert not names & {*stale, LOCK}
    assert names == {f"{n:05d}.docx" for n in range(2, ROWS + 2)} | {"manifest.json", "manifest.jsonl"}


def test_resume_re_renders_a_row_whose_file_was_damaged(tmp_path, rows, base_path):
    """--resume trusts a row only when its file is on disk with the journaled hash."""
    out = tmp_path / "out"
    run_batch("plan", rows, out, base=base_path, jobs=1)
    (out / "00004.docx").write_bytes(b"cut short by a kill")
    summary = run_batch("plan", rows, out, base=base_path, jobs=1, resume=True)
    assert (summary.skipped, summary.rendered) == (ROWS - 1, 1)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for row in manifest["rows"]:
        output = row["outputs"][0]
        assert sha256_hex((out / output["file"]).read_bytes()) == output["sha256"]


HOLDER = """
import sys
from pathlib import Path
from docgen.batch.folder import claim
with claim(Path(sys.argv[1]), fresh=False):
    print("locked", flush=True)
    sys.stdin.read()
"""


def test_a_second_batch_into_a_busy_folder_exits_2_and_touches_nothing_issue_17_6(tmp_path, rows, base_path):
    """Issue #17.6: two batches into one folder interleaved; the second now stops with a message."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "00002.docx").write_bytes(b"the first run's file")
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(out)], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        second = subprocess.run([sys.executable, "-m", "docgen.batch", "plan", str(rows), "-o", str(out), "--base",
                                 str(base_path), "--jobs", "1"], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert second.returncode == 2
        assert second.stderr.strip() == (f"错误：输出目录 {out} 正由另一个 docgen 任务（进程 {holder.pid}）使用；"
                                         "请等它结束后再运行，或换一个输出目录")
        assert sorted(p.name for p in out.iterdir()) == [LOCK, "00002.docx"]
        assert (out / "00002.docx").read_bytes() == b"the first run's file"
    finally:
        holder.communicate("", timeout=10)
    assert holder.returncode == 0 and not (out / LOCK).exists()
    two = write_csv(tmp_path / "two.csv", ["applicant.name"], [["甲公司"], ["乙公司"]])
    assert run_batch("plan", two, out, base=base_path, jobs=1).rendered == 2  # free once the holder is gone


def test_a_running_batch_holds_the_folder_lock_issue_17_6(tmp_path, rows, base_path):
    out = tmp_path / "out"
    refused = []

    def progress(done, *_):
        if done == 3:
            with pytest.raises(OutputError, match="正由另一个 docgen 任务"), claim(out, fresh=True):
                pass
            refused.append(done)

    run_batch("plan", rows, out, base=base_path, jobs=1, progress=progress)
    assert refused == [3]
    assert len(list(out.glob("*.docx"))) == ROWS
    with claim(out, fresh=False):  # free again once the run ended
        pass


def test_the_lock_is_an_flock_another_process_would_see(tmp_path):
    out = tmp_path / "out"
    with claim(out, fresh=True):
        fd = os.open(out / LOCK, os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)
