"""Rendering a batch's chunks on a Dask distributed cluster (``docgen batch --executor dask``).

The parent still reads, names and journals the rows; only the rendering moves. Each task is one chunk of rows,
rendered by the same `Worker` (one render path) that a local pool process uses, kept warm per worker process for the
run. Workers write the documents straight into the output folder, which every worker must see at the same path (a
network share), or to the output URL (`docgen.batch.storage`); what comes back through the scheduler is each row's
journal entry and problems, never a document. A worker lost mid-chunk is replaced by Dask and its chunk rendered
again: files are replaced atomically with the same bytes, and a row is journaled once, when its chunk's result
reaches the parent.

Cancelling a Dask future does not stop a task already running, so a run that stops early (an error, Ctrl-C) flags
itself aborted on every worker: its chunks stop before their next row and remove their files, and the run waits
for them before it rolls back. A run also stops, first, the chunks a killed earlier run left running in its folder.

Without a scheduler address a `LocalCluster` of worker processes is started on this machine and closed at the
end. distributed is an optional dependency (``pip install 'docgen[dask]'``).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Generator, Iterable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.batch.worker import Job, Result, Task, Worker
from docgen.errors import ClusterError, DocgenError, UsageError

if TYPE_CHECKING:
    from distributed import Client

CONNECT_TIMEOUT = "20s"
STOP_TIMEOUT = 60  # seconds to wait for a stopped run's chunks: each stops before its next row
# Settings for the worker processes (profiler, health tick, malloc trimming), with why each saves CPU per row. A local
# cluster starts its workers with them; operators of a cluster copy the file to their workers (README).
WORKER_SETTINGS = Path(__file__).with_name("dask-worker.yaml")
IN_FLIGHT_PER_THREAD = 2  # chunks queued per worker thread: enough to hide the round trip, few to lose on a kill


class DaskExecutor:
    """A run's connection to a cluster: `map` renders chunks there and yields their results as they finish.

    Args:
        job: The settings every row shares. It travels with each chunk (a few kB) rather than scattered once: a
            scattered value dies with the workers holding it and takes the chunks that need it along.
        scheduler: Address of a running scheduler (``tcp://host:8786``); None starts a local cluster.
        workers: Worker processes of the local cluster (ignored with ``scheduler``).
    """

    def __init__(self, job: Job, scheduler: str | None, workers: int):
        self.job, self.scheduler, self.workers = job, scheduler, workers
        self._client: Client | None = None
        self._cluster: Any = None

    def __enter__(self) -> DaskExecutor:
        distributed = _distributed()
        try:
            if self.scheduler is None:
                self._cluster = local_cluster(self.workers)
                self._client = distributed.Client(self._cluster)
            else:
                self._client = distributed.Client(self.scheduler, timeout=CONNECT_TIMEOUT)
        except ValueError as exc:
            if self.scheduler is None:
                raise
            raise UsageError(f"Dask 调度器地址「{self.scheduler}」不对（{exc}）；应形如 tcp://10.0.0.5:8786") from None
        except (OSError, TimeoutError) as exc:
            self.__exit__(None, None, None)
            raise ClusterError(f"无法连接 Dask 调度器 {self.scheduler}：{exc}") from None
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def map(self, chunks: Iterable[Sequence[Task]],
            abandoned: Callable[[list[Result]], None]) -> Generator[list[Result], None, None]:
        """Render ``chunks`` on the cluster; yield each chunk's results when it finishes (in any order).

        When the run stops early (an error here or in the caller, Ctrl-C, closing the generator), the chunks still
        on the cluster are stopped and waited for before this returns, so no worker writes into the folder after
        the run ended: a chunk stopped mid-way removes its files, and the results of chunks that finished anyway
        go to ``abandoned`` (to roll their files back).

        Raises:
            ClusterError: the cluster has no workers, kept losing the workers of one chunk, or went away.
            OutputError, ConfigError: raised by a worker, as in a local run.
        """
        distributed = _distributed()
        client = self._client
        assert client is not None, "use DaskExecutor as a context manager"
        threads = sum(client.nthreads().values())
        if threads == 0:
            raise ClusterError(f"Dask 集群 {self.scheduler} 没有可用的工作进程（dask worker）")
        run = uuid.uuid4().hex  # names this run's warm state on the workers
        finished = distributed.as_completed()
        pending: set[Any] = set()  # submitted, result not yet yielded: stopped and waited for if the run stops early

        def collect(future: Any) -> list[Result]:
            pending.discard(future)
            return future.result()  # type: ignore[no-any-return]

        try:
            self._stop_orphans(run)
            for chunk in chunks:
                future = client.submit(render_on_worker, self.job, run, list(chunk), pure=False)
                finished.add(future)
                pending.add(future)
                if len(pending) >= IN_FLIGHT_PER_THREAD * threads:
                    yield collect(next(finished))
            for future in finished:
                yield collect(future)
        except DocgenError:
            raise  # a worker's OutputError (an OSError too) or ConfigError, as in a local run
        except distributed.KilledWorker as exc:
            raise ClusterError(f"渲染同一批行的工作进程反复退出（{exc}）；"
                               "检查工作进程的内存和日志后用 --resume 续做") from None
        except (distributed.CancelledError, OSError) as exc:
            raise ClusterError(f"与 Dask 集群的连接中断（{type(exc).__name__}）；"
                               "已完成的行已记录，可用 --resume 续做") from None
        finally:
            if pending:
                self._stop(run, pending, abandoned)

    def _stop_orphans(self, run: str) -> None:
        """Stop chunks an earlier run into this folder left running, and wait until they have (see `_orphans`).

        A batch process killed mid-run (or cut off from the scheduler) cannot stop its chunks: the scheduler forgets
        them, but a chunk already running goes on. Left alone it would write, or remove on failing, the files of
        rows this run renders again. The folder's lock (held by this run) says any other run into it is such a one.
        """
        client = self._client
        assert client is not None
        folder = self.job.location().name  # the URL of an fsspec output: its state folder may differ per machine
        deadline = time.monotonic() + STOP_TIMEOUT
        while any(client.run(_orphans, folder, run).values()) and time.monotonic() < deadline:
            time.sleep(0.05)

    def _stop(self, run: str, pending: set[Any], abandoned: Callable[[list[Result]], None]) -> None:
        """Stop the run's chunks on every worker, wait for them, hand over the results of those that finished."""
        distributed = _distributed()
        client = self._client
        assert client is not None
        # Cancelling a future does not stop a task already running on a worker: it would go on writing files after
        # the run rolled back. The flag makes running and queued chunks of this run stop before their next row.
        with suppress(Exception):  # the cluster may be the reason the run stopped
            client.run(_abort, run)
            distributed.wait(list(pending), timeout=STOP_TIMEOUT)
        for future in pending:
            if future.status == "finished":
                abandoned(future.result())
        with suppress(Exception):
            client.cancel(list(pending))


def local_cluster(workers: int) -> Any:
    """A `LocalCluster` of ``workers`` single-threaded worker processes on this machine, set up for rendering."""
    distributed = _distributed()
    import dask

    with dask.config.set(worker_config()):  # the nannies hand the config to the worker processes they start
        # ":0": any free port for the scheduler's HTTP server, which otherwise wants 8787 and fails when taken
        return distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=":0", silence_logs=logging.ERROR)


def worker_config() -> dict[str, Any]:
    """`WORKER_SETTINGS` as dotted keys for `dask.config.set` (which would replace a whole nested section)."""
    import yaml  # a dependency of dask

    return _dotted(yaml.safe_load(WORKER_SETTINGS.read_text(encoding="utf-8")))


def _dotted(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(_dotted(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


# ---- on the worker --------------------------------------------------------------------------------------

_warm: dict[str, Worker] = {}
_lock = threading.Lock()  # a worker started with several threads renders one chunk at a time
_aborted: set[str] = set()  # runs that stopped early (a few bytes per failed run, for the worker's life)
_started: list[tuple[str, str]] = []  # (run, output folder) of each chunk started and not yet returned


class _Aborted(Exception):
    """The chunk's run stopped early: the chunk stops before its next row (`Worker.render` removes its files)."""


def render_on_worker(job: Job, run: str, tasks: Sequence[Task]) -> list[Result]:
    """Render a chunk in this worker process, with the run's `Worker` built on the first chunk it gets.

    A chunk of a run that stopped early (`_abort`) renders nothing more and returns no results.
    """
    started = (run, str(job.out_dir))
    _started.append(started)  # before the lock: a worker with several threads may hold chunks waiting for it
    try:
        with _lock:
            _check(run)
            worker = _warm.get(run)
            if worker is None:
                _warm.clear()  # one run's warm state at a time: memory stays flat across runs on a long-lived worker
                worker = _warm[run] = Worker(job)
            return worker.render(tasks, before_row=lambda: _check(run))
    except _Aborted:
        return []
    finally:
        _started.remove(started)


def _check(run: str) -> None:
    if run in _aborted:
        raise _Aborted(run)


def _orphans(folder: str, run: str) -> bool:
    """Run by `Client.run` on each worker: abort chunks of other runs into ``folder``; True while one is running."""
    others = [other for other, into in list(_started) if into == folder and other != run]
    _aborted.update(others)
    return bool(others)


def _abort(run: str) -> None:
    """Run by `Client.run` on each worker (on its event loop, while a chunk may be rendering in another thread)."""
    _aborted.add(run)
    _warm.pop(run, None)


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise UsageError("--executor dask 需要安装 Dask：pip install 'docgen[dask]'") from None
    return distributed
