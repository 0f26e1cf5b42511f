"""#16: the batch on a Dask distributed cluster (a LocalCluster of 2 worker processes started here)."""

import json
import os
import signal
import sys

import pytest
from conftest import kill_9_when_journaled, lose_the_cluster_after_one_chunk, write_csv

from docgen.batch import cluster as cluster_module
from docgen.batch import run_batch
from docgen.batch.manifest import JOURNAL
from docgen.cli import main
from docgen.errors import ClusterError, OutputError, UsageError

distributed = pytest.importorskip("distributed")

HEADER = ["applicant.name", "finance.contributions_last_year"]


@pytest.fixture(scope="module")
def cluster():
    with cluster_module.local_cluster(2) as local:  # set up as the executor sets up its own
        yield local.scheduler_address, local


def _worker_settings() -> tuple[object, ...]:
    import dask

    return (os.environ.get("MALLOC_TRIM_THRESHOLD_"), dask.config.get("distributed.worker.profile.enabled"),
            dask.config.get("distributed.admin.tick.interval"))


def test_the_local_cluster_s_workers_run_without_profiler_tick_or_malloc_trimming(cluster):
    _address, local = cluster
    with distributed.Client(local) as client:
        settings = set(client.run(_worker_settings).values())
    assert settings == {(None, False, "1s")}  # each costs CPU per row (benchmarks/README.md)


def test_the_settings_file_works_as_dask_config_on_an_operator_s_workers():
    import copy

    import dask

    config = dask.config.update(copy.deepcopy(dask.config.config),
                                *dask.config.collect_yaml([str(cluster_module.WORKER_SETTINGS)]))
    assert config["distributed"]["nanny"]["pre-spawn-environ"]["MALLOC_TRIM_THRESHOLD_"] is None
    assert config["distributed"]["worker"]["profile"]["enabled"] is False
    assert config["distributed"]["admin"]["tick"]["interval"] == "1s"


def _worker_pids(local) -> list[int]:
    """The worker processes' ids, through a client closed before the run opens its own."""
    with distributed.Client(local) as client:
        client.wait_for_workers(2, timeout=60)  # a worker killed by an earlier test is back
        return list(client.run(os.getpid).values())


def _rows(tmp_path, count, bad=()):
    rows = [[f"第{i}号公司", "abc" if i in bad else "12846520.00"] for i in range(count)]
    return write_csv(tmp_path / "rows.csv", HEADER, rows)


def _journaled(out):
    lines = (out / JOURNAL).read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["row"] for line in lines if line.endswith("}")]


def test_dask_gives_the_files_and_bytes_of_the_local_pool(tmp_path, base_path, cluster):
    address, _local = cluster
    rows = _rows(tmp_path, 10, bad={3, 7})
    options = {"base": base_path, "to": ("docx", "pdf"), "merge": True, "name_pattern": "{row:03d}-{applicant.name}"}
    local = run_batch("application", rows, tmp_path / "local", jobs=2, **options)
    dask = run_batch("application", rows, tmp_path / "dask", executor="dask", scheduler=address, **options)

    assert (dask.total, dask.rendered, dask.failed) == (local.total, local.rendered, local.failed) == (10, 8, 2)
    names = sorted(p.name for p in (tmp_path / "local").iterdir() if not p.name.startswith("manifest"))
    assert names == sorted(p.name for p in (tmp_path / "dask").iterdir() if not p.name.startswith("manifest"))
    assert {"merged.pdf", "merged.docx", "errors.xlsx", "failed-rows.xlsx"} <= set(names)
    assert "005-第3号公司.docx" not in names  # row 5 holds the bad amount
    for name in names:
        if name.endswith((".docx", ".pdf", ".csv")):
            assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
    manifests = [json.loads((tmp_path / d / "manifest.json").read_text(encoding="utf-8")) for d in ("local", "dask")]
    assert manifests[0]["rows"] == manifests[1]["rows"]


def test_a_worker_killed_mid_run_loses_and_duplicates_no_row(tmp_path, base_path, cluster):
    address, local = cluster
    pids = _worker_pids(local)
    rows = _rows(tmp_path, 80)
    out = tmp_path / "out"
    killed = []

    def kill_one_worker(done, _total, _failed):
        if not killed and done >= 16:  # the first chunk is journaled, others are in flight on both workers
            os.kill(pids[0], signal.SIGKILL)
            killed.append(done)

    summary = run_batch("application", rows, out, base=base_path, executor="dask", scheduler=address,
                        progress=kill_one_worker)

    assert killed and killed[0] < 80
    assert summary.ok and summary.rendered == 80
    assert sorted(_journaled(out)) == list(range(2, 82))  # each row journaled exactly once
    assert len(list(out.glob("*.docx"))) == 80 and list(out.glob(".*.part")) == []
    again = run_batch("application", rows, out, base=base_path, executor="dask", scheduler=address, resume=True)
    assert (again.skipped, again.rendered) == (80, 0)
    assert len(_worker_pids(local)) == 2  # the nanny restarted the killed one


def test_resume_after_the_run_is_killed_renders_only_what_is_missing(tmp_path, base_path, cluster):
    """The machine running ``docgen batch`` (or the scheduler's client) is lost mid-run: kill -9 it, then resume."""
    address, _local = cluster
    rows = _rows(tmp_path, 64)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "docgen.batch", "application", str(rows), "-o", str(out), "--base",
               str(base_path), "--executor", "dask", "--scheduler", address]
    assert kill_9_when_journaled(command, out, 16, seconds=60) == -signal.SIGKILL
    before = len(set(_journaled(out)))
    assert 16 <= before < 64, "the kill must land in the middle of the run"

    summary = run_batch("application", rows, out, base=base_path, executor="dask", scheduler=address, resume=True)

    assert summary.skipped >= before and summary.skipped + summary.rendered == 64
    assert sorted(_journaled(out)) == list(range(2, 66))  # each row journaled exactly once
    assert len(list(out.glob("*.docx"))) == 64 and list(out.glob(".*.part")) == []


def test_a_lost_cluster_keeps_the_rows_journaled_so_far(tmp_path, base_path, cluster, monkeypatch):
    """A ClusterError is not the output's fault: unlike other failures, the run is not rolled back."""
    address, _local = cluster
    lose_the_cluster_after_one_chunk(monkeypatch)
    rows = _rows(tmp_path, 40)
    out = tmp_path / "out"
    with pytest.raises(ClusterError):
        run_batch("application", rows, out, base=base_path, executor="dask", scheduler=address)
    journaled = sorted(_journaled(out))
    assert len(journaled) == 16 and journaled == list(range(journaled[0], journaled[0] + 16))  # one whole chunk
    assert len(list(out.glob("*.docx"))) >= 16


def _executing(local) -> list[int]:
    """Chunks each worker is running now (a cancelled future's task goes on running on its worker)."""
    with distributed.Client(local) as client:
        return list(client.run(lambda dask_worker: dask_worker.state.executing_count).values())


@pytest.mark.parametrize("failure", ["worker", "parent"])
def test_a_failed_run_stops_its_chunks_and_leaves_the_folder_as_a_local_run_does(tmp_path, base_path, cluster,
                                                                                  failure):
    """An I/O error in one chunk on a worker, or an error in the parent mid-run: every file of the run is removed."""
    address, local = cluster
    rows = _rows(tmp_path, 40)

    def fail_in_parent(done, _total, _failed):
        if failure == "parent" and done >= 8:
            raise UsageError("测试：运行中途出错")

    left = {}
    for executor in ("local", "dask"):
        out = tmp_path / executor
        (out / "00030.docx").mkdir(parents=True)  # a folder where row 30's file goes (with "worker"): EISDIR
        if failure == "parent":
            (out / "00030.docx").rmdir()
        options = {"executor": "dask", "scheduler": address} if executor == "dask" else {"jobs": 2}
        with pytest.raises(OutputError if failure == "worker" else UsageError):
            run_batch("application", rows, out, base=base_path, progress=fail_in_parent, **options)
        if executor == "dask":
            assert _executing(local) == [0, 0]  # nothing still running that could write after the rollback
        left[executor] = sorted(p.name for p in out.iterdir())
    assert left["dask"] == left["local"] == (["00030.docx"] if failure == "worker" else [])


def test_ctrl_c_stops_the_chunks_keeps_the_journal_and_resume_finishes(tmp_path, base_path, cluster):
    """KeyboardInterrupt is not rolled back (as locally): the journaled rows are kept for --resume."""
    address, local = cluster
    rows = _rows(tmp_path, 64)
    out = tmp_path / "out"

    def interrupt(done, _total, _failed):
        if done >= 16:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch("application", rows, out, base=base_path, executor="dask", scheduler=address, progress=interrupt)
    assert _executing(local) == [0, 0]
    journaled = _journaled(out)
    assert 16 <= len(journaled) < 64 and list(out.glob(".*.part")) == []
    assert all((out / f"{row:05d}.docx").is_file() for row in journaled)

    summary = run_batch("application", rows, out, base=base_path, executor="dask", scheduler=address, resume=True)

    assert summary.skipped == len(journaled) and summary.skipped + summary.rendered == 64
    assert sorted(_journaled(out)) == list(range(2, 66))  # each row journaled exactly once


def test_an_unreachable_scheduler_is_one_chinese_line_and_exit_2(tmp_path, base_path, monkeypatch, capsys):
    monkeypatch.setattr(cluster_module, "CONNECT_TIMEOUT", "1s")
    rows = _rows(tmp_path, 1)
    code = main(["batch", "application", str(rows), "--base", str(base_path), "-o", str(tmp_path / "out"),
                 "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("错误：无法连接 Dask 调度器 tcp://127.0.0.1:9") and "Traceback" not in err


def test_a_scheduler_needs_the_dask_executor(tmp_path, base_path):
    with pytest.raises(UsageError, match="--scheduler 只用于 --executor dask"):
        run_batch("application", _rows(tmp_path, 1), tmp_path / "out", base=base_path, scheduler="tcp://x:1")
    with pytest.raises(UsageError, match="不支持的执行方式：spark"):
        run_batch("application", _rows(tmp_path, 1), tmp_path / "out", base=base_path, executor="spark")
    with pytest.raises(UsageError, match="应形如 tcp://"):
        run_batch("application", _rows(tmp_path, 1), tmp_path / "out", base=base_path, executor="dask",
                  scheduler="somewhere")
