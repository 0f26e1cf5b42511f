import csv
import io
import json
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "tests" / "fixtures" / "record.json"


def write_csv(path: Path, header: list[str], rows: list[list[object]], *, encoding: str = "utf-8") -> Path:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def docx_text(path: Path) -> str:
    import docx

    document = docx.Document(path)
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture
def base_path() -> Path:
    return BASE


def kill_9_when_journaled(command: list[str], out: Path, rows: int, *, seconds: float = 20) -> int:
    """Run a batch command and ``kill -9`` it once ``rows`` rows are journaled; its return code."""
    from docgen.batch.manifest import JournalIndex

    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            deadline = time.monotonic() + seconds
            while len(JournalIndex(out)) < rows:  # rows are journaled a chunk at a time, once their files are synced
                if process.poll() is not None:
                    stderr.seek(0)
                    raise AssertionError(stderr.read().decode(errors="replace"))
                assert time.monotonic() < deadline, "the batch produced no output in time"
                time.sleep(0.005)
            os.kill(process.pid, signal.SIGKILL)
            return process.wait(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()


def lose_the_cluster_after_one_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the Dask executor deliver one chunk's results, then fail as when the connection to the cluster drops."""
    from docgen.batch import cluster
    from docgen.errors import ClusterError

    original = cluster.DaskExecutor.map

    def map_then_lose(self, chunks, abandoned):  # type: ignore[no-untyped-def]
        results = original(self, chunks, abandoned)
        yield next(results)
        results.close()
        raise ClusterError("与 Dask 集群的连接中断（测试）")

    monkeypatch.setattr(cluster.DaskExecutor, "map", map_then_lose)
