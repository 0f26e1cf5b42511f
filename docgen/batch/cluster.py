"""Rendering a batch's chunks on a Dask distributed cluster (``docgen batch --executor dask``).

The parent still reads, names and journals the rows; only the rendering moves. Each task is one chunk of rows,
rendered by the same `Worker` (one render path) that a local pool process uses, kept warm per worker process
for the run. Workers write the documents straight into the output folder, which every worker must see at the
same path (a network share); what comes back through the scheduler is each row's journal entry and problems,
never a document. A worker lost mid-chunk is replaced by Dask and its chunk rendered again: files are replaced
atomically with the same bytes, and a row is journaled once, when its chunk's result reaches the parent.

Without a scheduler address a `LocalCluster` of worker processes is started on this machine and closed at the
end. distributed is an optional dependency (``pip install 'docgen[dask]'``).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Generator, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from docgen.batch.worker import Job, Result, Task, Worker
from docgen.errors import ClusterError, UsageError

if TYPE_CHECKING:
    from distributed import Client

CONNECT_TIMEOUT = "20s"
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
                # ":0": any free port for the scheduler's HTTP server, which otherwise wants 8787 and fails when taken
                self._cluster = distributed.LocalCluster(
                    n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                    silence_logs=logging.ERROR)
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

    def map(self, chunks: Iterable[Sequence[Task]]) -> Generator[list[Result], None, None]:
        """Render ``chunks`` on the cluster; yield each chunk's results when it finishes (in any order).

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
        pending: set[Any] = set()  # submitted, result not yet yielded: cancelled if the run stops early

        def collect(future: Any) -> list[Result]:
            pending.discard(future)
            return future.result()  # type: ignore[no-any-return]

        try:
            for chunk in chunks:
                future = client.submit(render_on_worker, self.job, run, list(chunk), pure=False)
                finished.add(future)
                pending.add(future)
                if len(pending) >= IN_FLIGHT_PER_THREAD * threads:
                    yield collect(next(finished))
            for future in finished:
                yield collect(future)
        except distributed.KilledWorker as exc:
            raise ClusterError(f"渲染同一批行的工作进程反复退出（{exc}）；"
                               "检查工作进程的内存和日志后用 --resume 续做") from None
        except (distributed.CancelledError, OSError) as exc:
            raise ClusterError(f"与 Dask 集群的连接中断（{type(exc).__name__}）；"
                               "已完成的行已记录，可用 --resume 续做") from None
        finally:
            if pending:
                client.cancel(list(pending))


# ---- on the worker --------------------------------------------------------------------------------------

_warm: dict[str, Worker] = {}
_lock = threading.Lock()  # a worker started with several threads renders one chunk at a time


def render_on_worker(job: Job, run: str, tasks: Sequence[Task]) -> list[Result]:
    """Render a chunk in this worker process, with the run's `Worker` built on the first chunk it gets."""
    with _lock:
        worker = _warm.get(run)
        if worker is None:
            _warm.clear()  # one run's warm state at a time: memory stays flat across runs on a long-lived worker
            worker = _warm[run] = Worker(job)
        return worker.render(tasks)


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise UsageError("--executor dask 需要安装 Dask：pip install 'docgen[dask]'") from None
    return distributed
