"""Batch progress for people: a rich bar on a terminal, a plain line every few seconds in a log.

On a terminal the bar shows rows done/total, rows per second, the time left and the failures so far, and
stays on screen as the run's summary. Off a terminal (CI, ``> log``) one line at most every ``every`` seconds
goes to stderr, plus one at the end.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

Callback = Callable[[int, int | None, int], None]


@contextmanager
def progress_display(stream: TextIO | None = None, *, every: float = 5.0) -> Iterator[Callback]:
    """A progress callback ``(done, total, failed)`` suited to ``stream`` (default stderr)."""
    stream = stream if stream is not None else sys.stderr
    if stream.isatty():
        with _bar(stream) as update:
            yield update
    else:
        log = _LogLines(stream, every)
        yield log
        log.finish()


@contextmanager
def _bar(stream: TextIO) -> Iterator[Callback]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("生成中"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
               TextColumn("剩余"), TimeRemainingColumn(), TextColumn("失败 {task.fields[failed]} 行"))
    started = time.monotonic()
    with Progress(*columns, console=Console(file=stream), transient=False) as bar:
        task = bar.add_task("rows", total=None, rate="", failed=0)

        def update(done: int, total: int | None, failed: int) -> None:
            bar.update(task, completed=done, total=total, failed=failed, rate=_rate(done, started))

        yield update


def _rate(done: int, started: float) -> str:
    elapsed = time.monotonic() - started
    return f"{done / elapsed:.1f} 行/秒" if elapsed > 0 else ""


class _LogLines:
    """One plain line at most every ``every`` seconds (and the last one at the end)."""

    def __init__(self, stream: TextIO, every: float):
        self.stream, self.every = stream, every
        self.started = self.last = time.monotonic()
        self.state: tuple[int, int | None, int] | None = None

    def __call__(self, done: int, total: int | None, failed: int) -> None:
        self.state = (done, total, failed)
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self._write()

    def finish(self) -> None:
        if self.state is not None:
            self._write()

    def _write(self) -> None:
        assert self.state is not None
        done, total, failed = self.state
        elapsed = time.monotonic() - self.started
        rate = done / elapsed if elapsed > 0 else 0.0
        of = f"/{total}" if total is not None else ""
        eta = f"，约剩 {(total - done) / rate:.0f} 秒" if total is not None and rate > 0 else ""
        self.stream.write(f"进度：{done}{of} 行，{rate:.1f} 行/秒{eta}，失败 {failed} 行\n")
        self.stream.flush()
