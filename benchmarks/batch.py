"""Measure the batch engine: rows/s and ms per row for docx and docx+PDF, the plain-docxtpl baseline, peak RSS.

Usage: .venv/bin/python benchmarks/batch.py [--rows 10000] [--jobs 2] [--kind notice|application] [--pdf-rows N]
       .venv/bin/python benchmarks/batch.py --executor dask --workers 2 [--rows 1000] [--chunks 8,16,32] [--rounds 3]

Each batch runs as ``python -m docgen.batch`` in a subprocess so its wall time and peak RSS (the largest
process: the parent or a pool worker) are measured from outside. The baseline is what docxtpl's maintainer
advises, a new ``DocxTemplate`` per row, timed in this process on a sample of rows with the contexts built
beforehand (so the baseline does *less* work per row than the batch, which also validates and writes files).
Writing merged.docx (``--merge``) is timed apart, on the files of the largest docx run, in a fresh process.

``--executor dask`` compares the Dask executor with the local pool on docx+PDF, for ``--fewest-workers`` (1) …
``--workers`` workers: a LocalCluster set up as the executor sets up its own (`docgen.batch.cluster.local_cluster`)
is started in this process and each batch, a fresh subprocess as above, connects to it with ``--scheduler``, so
cluster start-up is not counted (a cluster outlives many runs; a first untimed run lets its workers import the
render stack). Local and Dask runs alternate within each of ``--rounds`` rounds and the median is kept, as the machine
is shared. Besides rows/s it prints the CPU per row of all processes (batch process, pool workers or the cluster's
workers, nannies and scheduler), less the fixed CPU of a run measured on 8 rows: unlike wall time, CPU time hardly
moves when other programs load the machine. It also measures the scheduler's cost per task (round trips of empty
tasks) and, at the most workers, each chunk size of ``--chunks``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_ROWS = 8  # rows of the runs that warm a new cluster and measure a run's fixed cost


@dataclass(frozen=True)
class Scenario:
    """What one kind's batch looks like: the base record, the row columns and how row ``i`` fills them."""

    base: Path
    header: list[str]
    row: Callable[[int], list[str]]


SCENARIOS = {
    # The case: an agency's annual notice to every unit it covers, one row per recipient.
    "notice": Scenario(
        ROOT / "examples" / "notice.json",
        ["recipient.name", "recipient.code", "recipient.region", "recipient.quota", "recipient.amount",
         "recipient.contact", "recipient.phone", "recipient.deadline"],
        lambda i: [f"鄂尔多斯市第{i}号能源有限责任公司", f"EEDS-{i:05d}", ("东胜区", "康巴什区", "达拉特旗")[i % 3],
                   str(1 + i % 3), f"{300000 + i * 10}.00", f"联系人{i % 97}", f"0477-{8581000 + i % 1000}",
                   "2027-02-28"]),
    # An enterprise form filled per applicant (two pages, one large bordered table).
    "application": Scenario(
        ROOT / "tests" / "fixtures" / "record.json",
        ["applicant.name", "applicant.contact.name", "finance.contributions_last_year", "budget.items.0.detail"],
        lambda i: [f"鄂尔多斯市第{i}号能源有限责任公司", f"联系人{i % 97}", f"{12846520 + i}.00",
                   f"外聘专家授课共10讲次、40学时，第{i}批"]),
}


def write_rows(path: Path, scenario: Scenario, n: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(scenario.header)
        for i in range(n):
            writer.writerow(scenario.row(i))
    return path


def run_batch(rows: Path, out: Path, *, kind: str, base: Path, jobs: int, to: str,
              merge: bool = False, extra: tuple[str, ...] = (), prelude: str = "") -> dict[str, float]:
    """Wall seconds, CPU seconds and peak RSS (MiB, largest process) of one batch in a fresh subprocess."""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "rc = subprocess.call(sys.argv[1:]); "
             "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
             "print(u.ru_utime + u.ru_stime, time.perf_counter() - t, u.ru_maxrss, rc)")
    cli = ["-m", "docgen.batch"] if not prelude else [
        "-c", f"import sys; {prelude}; from docgen.cli import main; sys.exit(main(['batch', *sys.argv[1:]]))"]
    command = [sys.executable, *cli, kind, str(rows), "-o", str(out), "--base", str(base),
               "--jobs", str(jobs), "--to", to, *(["--merge"] if merge else []), *extra]
    result = subprocess.run([sys.executable, "-c", probe, *command], cwd=ROOT, capture_output=True, text=True,
                            check=True)
    cpu, wall, rss_kib, rc = result.stdout.split()[-4:]
    if rc != "0":
        raise SystemExit(f"batch failed ({rc}): {result.stdout}{result.stderr}")
    return {"wall": float(wall), "rss_mib": int(rss_kib) / 1024, "cpu": float(cpu)}


def merge_docx(out: Path) -> dict[str, float]:
    """Wall seconds and peak RSS (MiB) of writing merged.docx from a finished batch's docx files.

    The merge runs in a grandchild, like the batches: Linux carries ru_maxrss across exec, so a direct child
    of this process (which holds the baseline's contexts) would report this process's size.
    """
    merge = ("import json, sys, time; from pathlib import Path; from docgen.batch.merge_docx import merge_docx; "
             "out = Path(sys.argv[1]); rows = json.loads((out / 'manifest.json').read_text(encoding='utf-8'))['rows']; "
             "files = (out / o['file'] for r in rows if r['status'] == 'ok' for o in r['outputs']); "
             "t = time.perf_counter(); merge_docx(out, files, title='merged'); print(time.perf_counter() - t)")
    probe = ("import resource, subprocess, sys; "
             "wall = subprocess.run(sys.argv[1:], capture_output=True, text=True, check=True).stdout.split()[-1]; "
             "print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    result = subprocess.run([sys.executable, "-c", probe, sys.executable, "-c", merge, str(out)], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    wall, rss_kib = result.stdout.split()[-2:]
    return {"wall": float(wall), "rss_mib": int(rss_kib) / 1024}


def baseline_ms(kind: str, scenario: Scenario, n: int) -> float:
    """Milliseconds per row for plain docxtpl: a new DocxTemplate per row, render, save to memory."""
    from docxtpl import DocxTemplate

    import docgen
    from docgen.batch.merge import overlay
    from docgen.context import build_context
    from docgen.render_docx import find_template, jinja_environment

    base = json.loads(scenario.base.read_text(encoding="utf-8"), parse_float=Decimal)
    contexts = []
    for i in range(n):
        record, _ = overlay(base, dict(zip(scenario.header, scenario.row(i), strict=True)))
        report = docgen.validate(record, kind)
        contexts.append(build_context(report.record, report.policy, kind=kind, input_sha256=report.source.sha256))
    template, env = find_template(kind), jinja_environment()
    started = time.perf_counter()
    for context in contexts:
        document = DocxTemplate(template)
        document.render(context, jinja_env=env, autoescape=True)
        document.save(io.BytesIO())
    return (time.perf_counter() - started) / n * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--kind", default="notice", choices=sorted(SCENARIOS))
    parser.add_argument("--baseline-rows", type=int, default=100, help="rows timed for the docxtpl baseline")
    parser.add_argument("--pdf-rows", type=int, default=None, help="rows for docx+PDF (default: --rows; 0 skips)")
    parser.add_argument("--executor", default="local", choices=("local", "dask"),
                        help="dask: compare the Dask executor with the local pool (docx+PDF)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="most Dask workers (with dask)")
    parser.add_argument("--fewest-workers", type=int, default=1, help="start the Dask comparison at this many")
    parser.add_argument("--chunks", default="", help="Dask chunk sizes (rows per task) to compare at the most "
                        "workers, e.g. 8,16,32 (default: the executor's)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved local/Dask rounds (the median is kept)")
    args = parser.parse_args()
    if args.executor == "dask":
        compare_dask(args)
        return
    pdf_rows = args.rows if args.pdf_rows is None else args.pdf_rows
    scenario = SCENARIOS[args.kind]
    print(f"{args.kind}, jobs={args.jobs}, cores={os.cpu_count()}, python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        base_ms = baseline_ms(args.kind, scenario, min(args.baseline_rows, args.rows))
        print(f"baseline (new DocxTemplate per row, 1 process, {min(args.baseline_rows, args.rows)} rows): "
              f"{base_ms:.1f} ms/row, {1000 / base_ms:.1f} rows/s")
        sizes = sorted({min(1000, args.rows), args.rows})
        for n in sizes:
            rows = write_rows(tmp_path / f"rows-{n}.csv", scenario, n)
            for jobs in sorted({1, args.jobs}) if n == sizes[0] else [args.jobs]:
                measured = run_batch(rows, tmp_path / f"docx-{n}-{jobs}", kind=args.kind, base=scenario.base,
                                     jobs=jobs, to="docx")
                _report(f"docx      {n:>6} rows jobs={jobs}", measured, n, jobs, base_ms)
        merged = merge_docx(tmp_path / f"docx-{sizes[-1]}-{args.jobs}")
        print(f"merged.docx {sizes[-1]:>6} rows: {merged['wall'] * 1000:7.0f} ms, "
              f"{merged['wall'] * 1000 / sizes[-1]:6.2f} ms/row, peak RSS {merged['rss_mib']:.0f} MiB", flush=True)
        if pdf_rows:
            rows = write_rows(tmp_path / f"rows-pdf-{pdf_rows}.csv", scenario, pdf_rows)
            _report(f"docx+pdf  {pdf_rows:>6} rows jobs={args.jobs}",
                    run_batch(rows, tmp_path / "pdf", kind=args.kind, base=scenario.base, jobs=args.jobs,
                              to="docx,pdf", merge=True),
                    pdf_rows, args.jobs, None)
            _report_pdf_sizes(tmp_path / "pdf", pdf_rows)


def _report_pdf_sizes(out: Path, n: int) -> None:
    """Bytes per row of the rows' own PDFs and of merged.pdf, whose rows share one subset per CFF face."""
    rows = sum(path.stat().st_size for path in out.glob("*.pdf") if path.name != "merged.pdf")
    merged = (out / "merged.pdf").stat().st_size
    print(f"PDF size: {rows / n / 1024:.1f} KiB/row as separate files, merged.pdf {merged / n / 1024:.1f} KiB/row "
          f"({merged / 1024 / 1024:.1f} MiB for {n} rows)", flush=True)


def compare_dask(args: argparse.Namespace) -> None:
    """Rows/s and CPU per row of the local pool and the Dask executor, for 1 … workers; the cost per task."""
    from distributed import Client

    from docgen.batch.cluster import local_cluster
    from docgen.batch.runner import DASK_CHUNK

    scenario = SCENARIOS[args.kind]
    n = args.rows if args.rows != 10_000 or args.pdf_rows is None else args.pdf_rows
    chunks = [int(c) for c in args.chunks.split(",") if c.strip()] or [DASK_CHUNK]
    print(f"{args.kind} docx+pdf, {n} rows, cores={os.cpu_count()}, python {sys.version.split()[0]}, "
          f"median of {args.rounds} interleaved rounds, load average {_load()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        rows = write_rows(tmp_path / "rows.csv", scenario, n)
        warm = write_rows(tmp_path / "warm.csv", scenario, WARM_ROWS)
        for workers in range(args.fewest_workers, args.workers + 1):
            with local_cluster(workers) as cluster, Client(cluster) as client:
                if workers == args.workers:
                    print(f"scheduler cost per task (1000 empty tasks, {workers} workers, bounded as the executor): "
                          f"{task_overhead_ms(client):.2f} ms", flush=True)
                dask = ("--executor", "dask", "--scheduler", cluster.scheduler_address)
                # Untimed: a new worker process imports the render stack on its first chunk, once in its life.
                run_batch(warm, tmp_path / f"warm-{workers}", kind=args.kind, base=scenario.base, jobs=workers,
                          to="docx,pdf", extra=dask, prelude=_chunk_prelude(1))
                sizes = chunks if workers == args.workers else [DASK_CHUNK]
                runs: dict[str | int, list[dict[str, float]]] = {"local": [], **{size: [] for size in sizes}}
                measure = _Measure(args.kind, scenario.base, tmp_path, workers, client, dask)
                # The CPU a run costs whatever its size (start-up, imports, connecting), subtracted from the CPU per
                # row below: at 10,000 rows it is spread thin, at a few hundred it is not.
                fixed = {variant: measure(variant, warm, f"fixed-{variant}")["all_cpu"] for variant in runs}
                for round_ in range(args.rounds):
                    for variant, measured in runs.items():
                        measured.append(measure(variant, rows, f"{variant}-{round_}"))
                    print(f"  round {round_ + 1}: " + ", ".join(f"{_name(v)} {n / r[-1]['wall']:.1f}"
                                                                for v, r in runs.items())
                          + f" rows/s; load {_load()}", flush=True)
                _print_dask_comparison(workers, n, runs, fixed, WARM_ROWS)


def _chunk_prelude(chunk: int) -> str:
    return f"import docgen.batch.runner as r; r.DASK_CHUNK = {chunk}"


def _name(variant: str | int) -> str:
    return "local" if variant == "local" else f"dask chunk={variant}"


def _print_dask_comparison(workers: int, n: int, runs: dict[str | int, list[dict[str, float]]],
                           fixed: dict[str | int, float], few: int) -> None:
    """Median rows/s and CPU per row (all processes, less the fixed cost of a run) against the local pool."""

    def cpu_per_row(variant: str | int) -> float:
        return (statistics.median(r["all_cpu"] for r in runs[variant]) - fixed[variant]) / (n - few) * 1000

    local = runs["local"]
    local_rate = n / statistics.median(r["wall"] for r in local)
    local_cpu = cpu_per_row("local")
    print(f"workers={workers}: local pool {local_rate:6.1f} rows/s; CPU {local_cpu:.1f} ms/row beyond "
          f"{fixed['local']:.1f} s per run (all processes)", flush=True)
    for variant, measured in runs.items():
        if variant == "local":
            continue
        rate = n / statistics.median(r["wall"] for r in measured)
        ratios = [lo["wall"] / d["wall"] for lo, d in zip(local, measured, strict=True)]
        cpu = cpu_per_row(variant)
        print(f"workers={workers}: {_name(variant):<15} {rate:6.1f} rows/s, dask/local {rate / local_rate:.3f} "
              f"(median of per-round ratios {statistics.median(ratios):.3f}); CPU {cpu:.1f} ms/row beyond "
              f"{fixed[variant]:.1f} s per run, CPU per row local/dask {local_cpu / cpu:.3f}", flush=True)


@dataclass(frozen=True)
class _Measure:
    """One batch (docx+PDF) with the local pool or on the cluster: wall, peak RSS, CPU of the batch process and of
    all processes (``all_cpu``: with the cluster's)."""

    kind: str
    base: Path
    tmp: Path
    workers: int
    client: object
    dask: tuple[str, ...]

    def __call__(self, variant: str | int, rows: Path, name: str) -> dict[str, float]:
        on_cluster = None if variant == "local" else _ClusterCpu(self.client)
        run = run_batch(rows, self.tmp / f"{name}-{self.workers}", kind=self.kind, base=self.base, jobs=self.workers,
                        to="docx,pdf", extra=() if on_cluster is None else self.dask,
                        prelude="" if on_cluster is None else _chunk_prelude(int(variant)))
        run["all_cpu"] = run["cpu"] + (on_cluster.spent() if on_cluster else 0.0)
        return run


class _ClusterCpu:
    """CPU seconds the cluster spends from now: the worker processes, and this process (the scheduler and the
    nannies of a `LocalCluster`, which start the workers: counted once, not once more per worker)."""

    def __init__(self, client: object):
        import psutil

        workers = [psutil.Process(pid) for pid in client.run(os.getpid).values()]  # type: ignore[attr-defined]
        parents = {p.ppid() for p in workers} - {os.getpid()}
        self.processes = workers + [psutil.Process(pid) for pid in sorted(parents)]
        self.start = self._now()

    def _now(self) -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        return own.ru_utime + own.ru_stime + sum(sum(p.cpu_times()[:2]) for p in self.processes)

    def spent(self) -> float:
        return self._now() - self.start


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def task_overhead_ms(client: object, tasks: int = 1000) -> float:
    """Milliseconds per empty task submitted as the executor submits chunks: a few in flight per worker thread."""
    from distributed import Client, as_completed

    from docgen.batch.cluster import IN_FLIGHT_PER_THREAD

    assert isinstance(client, Client)
    limit = IN_FLIGHT_PER_THREAD * sum(client.nthreads().values())
    finished, in_flight = as_completed(), 0
    started = time.perf_counter()
    for i in range(tasks):
        finished.add(client.submit(_nothing, i, pure=False))
        in_flight += 1
        if in_flight >= limit:
            next(finished).result()
            in_flight -= 1
    for future in finished:
        future.result()
    return (time.perf_counter() - started) / tasks * 1000


def _nothing(i: int) -> int:
    return i


def _report(label: str, measured: dict[str, float], n: int, jobs: int, base_ms: float | None) -> None:
    wall = measured["wall"]
    ms_row = wall / n * 1000
    line = (f"{label}: {wall:7.1f} s wall, {n / wall:7.1f} rows/s, {ms_row:6.2f} ms/row (wall), "
            f"{ms_row * jobs:6.2f} ms/row per core, peak RSS {measured['rss_mib']:.0f} MiB")
    if base_ms is not None:
        line += f"; vs baseline: {base_ms / ms_row:.1f}× wall, {base_ms / (ms_row * jobs):.1f}× per core"
    print(line, flush=True)


if __name__ == "__main__":
    main()
