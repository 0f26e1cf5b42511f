"""A real ``kill -9`` of a running batch, then ``--resume``: every row exactly once, no temp files left."""

import json
import signal
import sys

from conftest import kill_9_when_journaled, write_csv

from docgen.batch import run_batch
from docgen.batch.manifest import JournalIndex

ROWS = 60


def test_resume_after_kill_9_yields_every_row_exactly_once(tmp_path, base_path):
    rows = write_csv(tmp_path / "rows.csv", ["applicant.name"], [[f"第{i}号公司"] for i in range(ROWS)])
    out = tmp_path / "out"
    command = [sys.executable, "-m", "docgen.batch", "plan", str(rows), "-o", str(out), "--base", str(base_path),
               "--jobs", "1"]
    assert kill_9_when_journaled(command, out, 3) == -signal.SIGKILL
    done_before = len(JournalIndex(out))
    assert 0 < done_before < ROWS, "the kill must land in the middle of the run"

    summary = run_batch("plan", rows, out, base=base_path, jobs=1, resume=True)

    assert summary.ok and summary.total == ROWS
    assert summary.skipped + summary.rendered == ROWS and summary.skipped >= done_before
    expected = {f"{n:05d}.docx" for n in range(2, ROWS + 2)}
    assert {p.name for p in out.glob("*.docx")} == expected
    assert list(out.glob("*.part")) == list(out.glob(".*.part")) == []
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [r["row"] for r in manifest["rows"]] == list(range(2, ROWS + 2))
    assert all(r["status"] == "ok" and len(r["outputs"]) == 1 for r in manifest["rows"])
    lines = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
             if line.strip().endswith("}")]
    journaled = [line["row"] for line in lines]
    assert sorted(journaled) == list(range(2, ROWS + 2))  # each row journaled exactly once
