"""What one worker process does: warm up once, then turn rows into files.

Warming up compiles the template and starts the PDF stage (one typesetting session), once per process. The parent
decides names and input hashes; the worker merges, validates, renders, writes atomically and returns the
row's journal entry and its error findings (never document bytes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.batch.manifest import Entry, Note, Output
from docgen.batch.merge import overlay, pointer
from docgen.batch.rows import Row
from docgen.batch.storage import Location
from docgen.errors import ConfigError, DocgenError, OutputError
from docgen.findings import Finding
from docgen.options import RenderOptions
from docgen.output import sha256_hex
from docgen.rendered import LayoutNote
from docgen.renderer import Renderer
from docgen.schemas import get_kind, label_for, split_pointer


@dataclass(frozen=True, slots=True)
class Job:
    """The settings every row shares, sent to each worker once."""

    kind: str
    base: dict[str, Any]
    out_dir: Path  # the output folder; for a URL output, the local state folder (journal, lock, reports)
    options: RenderOptions = field(default_factory=RenderOptions)
    url: Location | None = None  # where the documents go when that is an fsspec URL, not ``out_dir``

    def location(self) -> Location:
        """Where the row documents are written."""
        return self.url or Location(self.out_dir)


@dataclass(frozen=True, slots=True)
class Task:
    """One row to render under a name the parent chose."""

    row: Row
    stem: str
    input_hash: str


@dataclass(frozen=True, slots=True)
class Problem:
    """One line of the errors report."""

    row: int
    column: str
    label: str
    message: str
    code: str


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of one row; ``layout`` holds run-wide notes (font substitutions) this worker had not sent yet."""

    entry: Entry
    problems: list[Problem]
    layout: list[LayoutNote] = field(default_factory=list)


class Worker:
    """Per-process state: the renderer (compiled template, PDF stage) and a writer thread, set up once."""

    def __init__(self, job: Job):
        """Warm up: compile the template and, for PDF output, start the PDF stage."""
        self.job = job
        self.kind = get_kind(job.kind)
        self.renderer = Renderer(job.options)
        self.renderer.warm(job.kind)
        self._sent: set[tuple[str, str]] = set()  # run-wide notes already returned
        # Files are written (and synced) by a thread while the next row renders: fsync waits on the disk with
        # the GIL released, a millisecond or two a row that would otherwise leave the core idle.
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="docgen-write")
        self._store = job.location().open()

    def render(self, tasks: Sequence[Task], before_row: Callable[[], None] | None = None) -> list[Result]:
        """Render rows in order; returns once all their files are on disk, so a result names only safe files.

        ``before_row`` is called before each row; what it raises abandons the chunk (its files are removed).

        Raises:
            OutputError: a file could not be written (the disk is full, say): the run cannot go on.
            ConfigError: the template or font setup is broken, which fails every row.
        """
        writes: list[Future[str]] = []
        try:
            results = []
            for task in tasks:
                if before_row is not None:
                    before_row()
                results.append(self._render_alone(task, writes))
            for write in writes:
                write.result()
        except BaseException:
            self._discard(writes)  # files of rows that will not be journaled must not stay at their final names
            raise
        return results

    def _render_alone(self, task: Task, writes: list[Future[str]]) -> Result:
        """`_render`, where a row whose data breaks the code fails alone (#17.7) and the batch goes on."""
        try:
            return self._render(task, writes)
        except (ConfigError, OutputError):
            raise
        except Exception as exc:  # any bug one row's data reaches must not cost the other rows
            message = f"本行无法生成（程序内部错误 {type(exc).__name__}：{exc}）；其他行不受影响，请将此行报告给维护者"
            problem = Problem(task.row.number, "", "", message[:500], "batch.internal_error")
            return Result(Entry(task.row.number, task.input_hash, "failed"), [problem])

    def _render(self, task: Task, writes: list[Future[str]]) -> Result:
        """Merge, check and render one row; a row with blocking errors yields its problems and no files."""
        row = task.row
        record, path_problems = overlay(self.job.base, row.cells)
        problems = [Problem(row.number, p.column, _label(p.column), p.message, "batch.cell") for p in row.problems]
        problems += [Problem(row.number, col, _label(col), msg, "batch.column") for col, msg in path_problems.items()]
        report = self.renderer.check(record, self.job.kind)
        blocking = report.blocking(force=self.job.options.force)
        problems += [Problem(row.number, column_of(f.path), f.label, f.message, f.code) for f in blocking]
        notes = [_note(f) for f in report.findings if f not in blocking]
        if problems:
            return Result(Entry(row.number, task.input_hash, "failed", notes=notes), problems)
        try:
            document, layout = self.renderer.render_checked(report, self.kind, task.stem)
        except ConfigError:
            raise  # a broken template or font setup fails every row: stop the run
        except (DocgenError, ValueError) as exc:  # this row's data cannot be laid out (e.g. python-docx limits)
            problem = Problem(row.number, "", "", str(exc)[:500], "batch.render_failed")
            return Result(Entry(row.number, task.input_hash, "failed", notes=notes), [problem])
        outputs = [self._write(name, data, writes) for name, data in document.files(self.job.options.formats)]
        notes += [Note("", n.where, n.message, n.code) for n in layout if n.where]
        entry = Entry(row.number, task.input_hash, "ok", outputs, notes)
        return Result(entry, [], self._unsent([n for n in layout if not n.where]))

    def _unsent(self, run_wide: list[LayoutNote]) -> list[LayoutNote]:
        fresh = [note for note in run_wide if (note.code, note.message) not in self._sent]
        self._sent.update((note.code, note.message) for note in fresh)
        return fresh

    def _write(self, name: str, data: bytes, writes: list[Future[str]]) -> Output:
        writes.append(self._writer.submit(self._store.write, name, data))
        return Output(name, sha256_hex(data), len(data))

    def _discard(self, writes: list[Future[str]]) -> None:
        """Wait for every write and remove the files that were written."""
        for write in writes:
            if write.exception() is None:
                with suppress(OSError):
                    self._store.remove(write.result())


def _note(finding: Finding) -> Note:
    return Note(column_of(finding.path), finding.label, finding.message, finding.code, str(finding.severity))


def column_of(pointer: str) -> str:
    """The dotted column name of a finding's JSON Pointer: ``/budget/items/0/amount`` → ``budget.items.0.amount``."""
    return ".".join(split_pointer(pointer))


def _label(column: str) -> str:
    return label_for(pointer(column))


# ---- process-pool entry points (module level so they pickle) ---------------------------------------------

_worker: Worker | None = None


def warm(job: Job) -> None:
    """Pool initializer: build this process's `Worker` once."""
    global _worker
    _worker = Worker(job)


def render_chunk(tasks: Sequence[Task]) -> list[Result]:
    """Render a chunk of rows in this process."""
    assert _worker is not None, "warm() must run first"
    return _worker.render(tasks)
