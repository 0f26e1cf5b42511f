"""One lock per output folder, whichever command writes: a batch and a packet into one folder are kept apart."""

import csv
import subprocess
import sys

from docgen.folder_lock import LOCK, FolderLock
from docgen.output import recover
from tests.conftest import ROOT

PROJECT = ROOT / "examples" / "project.json"
BASE = ROOT / "tests" / "fixtures" / "record.json"

# A batch that has claimed the folder (claim holds the lock from the first row to the merged files).
BATCH_HOLDER = """
import sys
from pathlib import Path
from docgen.batch.folder import claim
with claim(Path(sys.argv[1]), fresh=False):
    print("locked", flush=True)
    sys.stdin.read()
"""

# A render or packet in the middle of writing its set of files: write_set blocked between staging and commit.
SET_HOLDER = """
import sys
from pathlib import Path
import docgen.output as output
commit = output._commit
def held(*args):
    print("locked", flush=True)
    sys.stdin.read()
    commit(*args)
output._commit = held
output.write_set(Path(sys.argv[1]), [("00002.docx", b"the packet's file")])
"""


def _hold(script, out):
    holder = subprocess.Popen([sys.executable, "-c", script, str(out)], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    return holder


def _busy(out, holder):
    return f"错误：输出目录 {out} 正由另一个 docgen 任务（进程 {holder.pid}）使用；请等它结束后再运行，或换一个输出目录"


def test_a_packet_into_a_folder_a_batch_is_writing_exits_2_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    holder = _hold(BATCH_HOLDER, out)
    try:
        packet = subprocess.run([sys.executable, "-m", "docgen.cli", "packet", str(PROJECT), "-o", str(out),
                                 "--to", "docx"], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert packet.returncode == 2
        assert packet.stderr.strip().splitlines()[-1] == _busy(out, holder)
        assert sorted(p.name for p in out.iterdir()) == [LOCK]
    finally:
        holder.communicate("", timeout=10)
    assert holder.returncode == 0 and list(out.iterdir()) == []  # the lock file goes with the lock


def test_a_batch_into_a_folder_a_packet_is_writing_exits_2_and_leaves_the_packet_whole(tmp_path):
    out = tmp_path / "out"
    rows = tmp_path / "rows.csv"
    with rows.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["applicant.name"], ["甲公司"]])
    holder = _hold(SET_HOLDER, out)
    try:
        batch = subprocess.run([sys.executable, "-m", "docgen.batch", "plan", str(rows), "-o", str(out), "--base",
                                str(BASE), "--jobs", "1"], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert batch.returncode == 2
        assert batch.stderr.strip() == _busy(out, holder)
    finally:
        holder.communicate("", timeout=10)
    assert holder.returncode == 0
    assert sorted(p.name for p in out.iterdir()) == ["00002.docx"]  # the batch's 00002.docx did not replace it
    assert (out / "00002.docx").read_bytes() == b"the packet's file"


def test_recover_removes_the_lock_file_of_a_killed_run_but_not_a_held_one(tmp_path):
    (tmp_path / LOCK).write_text("12345\n")  # left by a run killed with -9: nobody holds it
    recover(tmp_path)
    assert not (tmp_path / LOCK).exists()
    with FolderLock(tmp_path):  # held (flock is per open file, so this process counts as another holder)
        recover(tmp_path)
        assert (tmp_path / LOCK).exists()
    assert not (tmp_path / LOCK).exists()
