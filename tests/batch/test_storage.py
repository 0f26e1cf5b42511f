"""#16.2: a batch whose output location is an fsspec URL, here S3 served by moto on 127.0.0.1 (started here).

The workers (a LocalCluster of 2 processes, or a local pool) write the documents to the URL themselves; the journal
and lock stay in a local state folder; reports, manifest.json and merged files are uploaded at the end.
"""

import io
import json
import os
import signal
import subprocess
import sys
import uuid
from contextlib import contextmanager

import openpyxl
import pytest
from conftest import ROOT, kill_9_when_journaled, lose_the_cluster_after_one_chunk, write_csv
from pypdf import PdfReader

from docgen.batch import cluster as cluster_module
from docgen.batch import run_batch
from docgen.batch.manifest import JOURNAL
from docgen.errors import ClusterError, UsageError

distributed = pytest.importorskip("distributed")
s3fs = pytest.importorskip("s3fs")
moto_server = pytest.importorskip("moto.server")

HEADER = ["applicant.name", "finance.contributions_last_year"]
CREDENTIALS = {"key": "docgen-test", "secret": "docgen-test"}


@pytest.fixture(scope="module")
def s3():
    """A local S3 endpoint: (storage options, file system)."""
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    options = {**CREDENTIALS, "client_kwargs": {"endpoint_url": f"http://{host}:{port}", "region_name": "us-east-1"}}
    try:
        yield options, s3fs.S3FileSystem(skip_instance_cache=True, **options)
    finally:
        server.stop()


@pytest.fixture
def bucket(s3):
    """A fresh bucket: its name."""
    _options, fs = s3
    name = f"docgen-{uuid.uuid4().hex[:12]}"
    fs.call_s3("create_bucket", Bucket=name)
    return name


@pytest.fixture(scope="module")
def cluster():
    with cluster_module.local_cluster(2) as local:
        yield local.scheduler_address, local


def _rows(tmp_path, count, bad=()):
    rows = [[f"第{i}号公司", "abc" if i in bad else "12846520.00"] for i in range(count)]
    return write_csv(tmp_path / "rows.csv", HEADER, rows)


def _objects(fs, prefix):
    fs.invalidate_cache()
    return sorted(path.rsplit("/", 1)[1] for path in fs.find(prefix))


def _journaled(state):
    lines = (state / JOURNAL).read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["row"] for line in lines if line.endswith("}")]


def test_an_s3_url_gets_the_files_and_bytes_of_a_local_folder(tmp_path, base_path, cluster, s3, bucket):
    (options, fs), (address, _local) = s3, cluster
    rows = _rows(tmp_path, 10, bad={3, 7})
    common = {"base": base_path, "to": ("docx", "pdf"), "merge": True, "name_pattern": "{row:03d}-{applicant.name}"}
    local = run_batch("application", rows, tmp_path / "local", jobs=2, **common)
    url = f"s3://{bucket}/2026/notices"
    remote = run_batch("application", rows, url, executor="dask", scheduler=address, storage_options=options,
                       state=tmp_path / "state", **common)

    assert (remote.total, remote.rendered, remote.failed) == (local.total, local.rendered, local.failed) == (10, 8, 2)
    names = sorted(p.name for p in (tmp_path / "local").iterdir() if p.name != JOURNAL and not p.name.startswith("."))
    assert _objects(fs, f"{bucket}/2026/notices") == names  # the journal and lock stay in the state folder
    assert {"merged.pdf", "merged.docx", "errors.xlsx", "failed-rows.xlsx", "manifest.json"} <= set(names)
    for name in names:
        if name.endswith((".docx", ".pdf", ".csv")):
            assert fs.cat_file(f"{bucket}/2026/notices/{name}") == (tmp_path / "local" / name).read_bytes(), name
    manifests = [json.loads(fs.cat_file(f"{bucket}/2026/notices/manifest.json")),
                 json.loads((tmp_path / "local" / "manifest.json").read_text(encoding="utf-8"))]
    assert manifests[0]["rows"] == manifests[1]["rows"]

    errors = openpyxl.load_workbook(io.BytesIO(fs.cat_file(f"{bucket}/2026/notices/errors.xlsx"))).active
    reported = {row[0] for row in errors.iter_rows(min_row=2, values_only=True)}
    assert reported == {5, 9}  # the sheet rows of the two bad amounts
    pages = [len(PdfReader(io.BytesIO(fs.cat_file(f"{bucket}/2026/notices/{n}"))).pages)
             for n in names if n.endswith(".pdf") and n[0].isdigit()]
    merged = PdfReader(io.BytesIO(fs.cat_file(f"{bucket}/2026/notices/merged.pdf")))
    assert len(pages) == 8 and len(merged.pages) == sum(p + p % 2 for p in pages)  # two-sided: rows start on a front
    assert remote.line().endswith(f"输出位置 {url}") and f"错误见 {url}/errors.xlsx" in remote.line()


def test_a_worker_killed_mid_run_loses_and_duplicates_no_object(tmp_path, base_path, cluster, s3, bucket):
    (options, fs), (address, local) = s3, cluster
    with distributed.Client(local) as client:
        client.wait_for_workers(2, timeout=60)
        pids = list(client.run(os.getpid).values())
    rows = _rows(tmp_path, 64)
    url, state = f"s3://{bucket}/out", tmp_path / "state"
    killed = []

    def kill_one_worker(done, _total, _failed):
        if not killed and done >= 16:
            os.kill(pids[0], signal.SIGKILL)
            killed.append(done)

    summary = run_batch("application", rows, url, base=base_path, executor="dask", scheduler=address,
                        storage_options=options, state=state, progress=kill_one_worker)

    assert killed and killed[0] < 64 and summary.ok and summary.rendered == 64
    assert sorted(_journaled(state)) == list(range(2, 66))  # each row journaled exactly once
    assert [n for n in _objects(fs, f"{bucket}/out") if n.endswith(".docx")] == [f"{r:05d}.docx" for r in range(2, 66)]
    again = run_batch("application", rows, url, base=base_path, executor="dask", scheduler=address,
                      storage_options=options, state=state, resume=True)
    assert (again.skipped, again.rendered) == (64, 0)


def test_resume_after_the_cluster_is_lost_renders_only_what_is_missing(tmp_path, base_path, cluster, s3, bucket,
                                                                       monkeypatch):
    (options, fs), (address, _local) = s3, cluster
    rows = _rows(tmp_path, 40)
    common = {"base": base_path, "executor": "dask", "scheduler": address, "storage_options": options,
              "state": tmp_path / "state"}
    with monkeypatch.context() as patch:
        lose_the_cluster_after_one_chunk(patch)
        with pytest.raises(ClusterError):
            run_batch("application", rows, f"s3://{bucket}/out", **common)
    before = set(_journaled(tmp_path / "state"))
    assert len(before) == 16

    summary = run_batch("application", rows, f"s3://{bucket}/out", resume=True, **common)

    assert (summary.skipped, summary.rendered) == (16, 24)
    assert sorted(_journaled(tmp_path / "state")) == list(range(2, 42))  # each row journaled exactly once
    assert len([n for n in _objects(fs, f"{bucket}/out") if n.endswith(".docx")]) == 40


def test_resume_after_the_batch_process_is_killed_renders_only_what_is_missing(tmp_path, base_path, cluster, s3,
                                                                               bucket):
    """The machine running ``docgen batch`` is lost mid-run (kill -9): its chunks still running are stopped by the
    next run into the same URL, which renders only the rows not journaled."""
    (options, fs), (address, local) = s3, cluster
    rows, state = _rows(tmp_path, 64), tmp_path / "state"
    command = [sys.executable, "-m", "docgen.batch", "application", str(rows), "-o", f"s3://{bucket}/out",
               "--state", str(state), "--base", str(base_path), "--executor", "dask", "--scheduler", address]
    with _fsspec_environment(options), _fsspec_on_workers(local, options):
        assert kill_9_when_journaled(command, state, 16, seconds=60) == -signal.SIGKILL
    before = len(set(_journaled(state)))
    assert 16 <= before < 64, "the kill must land in the middle of the run"

    summary = run_batch("application", rows, f"s3://{bucket}/out", base=base_path, executor="dask",
                        scheduler=address, storage_options=options, state=state, resume=True)

    assert summary.skipped >= before and summary.skipped + summary.rendered == 64
    assert sorted(_journaled(state)) == list(range(2, 66))  # each row journaled exactly once
    assert [n for n in _objects(fs, f"{bucket}/out") if n.endswith(".docx")] == [f"{r:05d}.docx" for r in range(2, 66)]


@contextmanager
def _fsspec_environment(options):
    """fsspec's configuration through the environment, as an operator sets it for the command line."""
    settings = {"FSSPEC_S3_KEY": options["key"], "FSSPEC_S3_SECRET": options["secret"],
                "FSSPEC_S3_ENDPOINT_URL": options["client_kwargs"]["endpoint_url"], "AWS_DEFAULT_REGION": "us-east-1"}
    saved = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def _fsspec_on_workers(local, options):
    """The same configuration on the cluster's workers, which the operator gives them too (README)."""
    settings = {"key": options["key"], "secret": options["secret"],
                "endpoint_url": options["client_kwargs"]["endpoint_url"]}
    with distributed.Client(local) as client:
        client.wait_for_workers(2, timeout=60)
        client.run(_set_fsspec_config, settings)
    try:
        yield
    finally:
        with distributed.Client(local) as client:
            client.run(_set_fsspec_config, None)


def _set_fsspec_config(settings):
    import fsspec.config

    if settings is None:
        fsspec.config.conf.pop("s3", None)
    else:
        fsspec.config.conf["s3"] = settings


def test_a_failed_run_removes_the_objects_it_wrote(tmp_path, base_path, s3, bucket):
    options, fs = s3
    seen = []

    def fail(done, _total, _failed):
        if done >= 8:
            seen.extend(_objects(fs, bucket))
            raise UsageError("测试：运行中途出错")

    with pytest.raises(UsageError):
        run_batch("application", _rows(tmp_path, 24), f"s3://{bucket}/out", base=base_path, jobs=2,
                  storage_options=options, state=tmp_path / "state", progress=fail)
    assert len(seen) >= 8  # the first chunk's documents were at the URL when the run failed
    assert _objects(fs, bucket) == []
    assert not (tmp_path / "state" / JOURNAL).exists()  # a fresh run's journal goes with it, as in a folder


def test_the_command_line_reaches_s3_through_fsspec_s_environment(tmp_path, base_path, s3, bucket):
    options, fs = s3
    command = [sys.executable, "-m", "docgen.batch", "application", str(_rows(tmp_path, 3, bad={1})), "-o",
               f"s3://{bucket}/cli", "--base", str(base_path), "--jobs", "1"]
    with _fsspec_environment(options):
        env = {**os.environ, "DOCGEN_BATCH_STATE": str(tmp_path / "states")}
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr  # exit 1: a row has errors
    assert f"错误见 s3://{bucket}/cli/errors.xlsx" in done.stdout
    assert _objects(fs, f"{bucket}/cli") == ["00002.docx", "00004.docx", "errors.csv", "errors.xlsx",
                                             "failed-rows.xlsx", "manifest.json"]
    assert len(list((tmp_path / "states" / "batch-state").iterdir())) == 1  # one state folder for the URL


def test_a_file_url_writes_the_bytes_of_a_folder_and_keeps_the_journal_aside(tmp_path, base_path):
    rows = _rows(tmp_path, 3)
    run_batch("application", rows, tmp_path / "local", base=base_path, jobs=1)
    run_batch("application", rows, (tmp_path / "shared").as_uri(), base=base_path, jobs=1, state=tmp_path / "state")
    assert sorted(p.name for p in (tmp_path / "shared").iterdir()) == ["00002.docx", "00003.docx", "00004.docx",
                                                                      "manifest.json"]
    for name in ("00002.docx", "00003.docx", "00004.docx"):
        assert (tmp_path / "shared" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
    assert sorted(_journaled(tmp_path / "state")) == [2, 3, 4]
    (tmp_path / "shared" / "00003.docx").write_bytes(b"edited")  # not what the journal recorded: rendered again
    again = run_batch("application", rows, (tmp_path / "shared").as_uri(), base=base_path, jobs=1, resume=True,
                      state=tmp_path / "state")
    assert (again.skipped, again.rendered) == (2, 1)
    assert (tmp_path / "shared" / "00003.docx").read_bytes() == (tmp_path / "local" / "00003.docx").read_bytes()


def test_memory_urls_only_run_in_this_process(tmp_path, base_path):
    with pytest.raises(UsageError, match="memory:// 只在本进程内可见"):
        run_batch("application", _rows(tmp_path, 1), "memory://out", base=base_path, jobs=2)
    summary = run_batch("application", _rows(tmp_path, 1), "memory://docgen-test/out", base=base_path, jobs=1,
                        state=tmp_path / "state")
    import fsspec

    assert summary.rendered == 1 and fsspec.filesystem("memory").exists("/docgen-test/out/00002.docx")
