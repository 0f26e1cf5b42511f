"""What one worker process does: warm up once, then turn rows into files.

Warming up compiles the template and starts the PDF stage (one typesetting session), once per process. The parent
decides names and input hashes; the worker merges, validates, renders, writes atomically and returns the
row's journal entry and its error findings (never document bytes).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docgen
from docgen.api import document_properties
from docgen.batch.manifest import Entry, Output
from docgen.batch.merge import overlay, pointer
from docgen.batch.rows import Row
from docgen.context import build_context
from docgen.errors import ConfigError, DocgenError
from docgen.output import sha256_hex, write_atomic
from docgen.render_docx import find_template
from docgen.render_docx.compiled import CompiledTemplate
from docgen.schemas import label_for, split_pointer
from docgen.typeset import PdfStage

FORMATS = ("docx", "pdf")


@dataclass(frozen=True, slots=True)
class Job:
    """The settings every row shares, sent to each worker once."""

    kind: str
    base: dict[str, Any]
    out_dir: Path
    to: tuple[str, ...] = ("docx",)
    policy: str | None = None
    templates: Path | None = None
    pdf_engine: str = "docgen"


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
    """The outcome of one row."""

    entry: Entry
    problems: list[Problem]


class Worker:
    """Per-process state: the compiled template and the PDF stage, set up once."""

    def __init__(self, job: Job):
        """Warm up: compile the template and, for PDF output, start the PDF stage."""
        self.job = job
        self.kind = docgen.get_kind(job.kind)
        self.template = CompiledTemplate(find_template(job.kind, job.templates))
        self.typeset = PdfStage(job.pdf_engine) if "pdf" in job.to else None
        # Files are written (and synced) by a thread while the next row renders: fsync waits on the disk with
        # the GIL released, a millisecond or two a row that would otherwise leave the core idle.
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="docgen-write")

    def render(self, tasks: Sequence[Task]) -> list[Result]:
        """Render rows in order; returns once all their files are on disk, so a result names only safe files.

        Raises:
            OutputError: a file could not be written (the disk is full, say): the run cannot go on.
            ConfigError: the template or font setup is broken, which fails every row.
        """
        writes: list[Future[Path]] = []
        try:
            return [self._render(task, writes) for task in tasks]
        finally:
            for write in writes:
                write.result()

    def _render(self, task: Task, writes: list[Future[Path]]) -> Result:
        """Merge, validate and render one row; a row with errors yields its problems and no files."""
        row = task.row
        record, path_problems = overlay(self.job.base, row.cells)
        problems = [Problem(row.number, p.column, _label(p.column), p.message, "batch.cell") for p in row.problems]
        problems += [Problem(row.number, col, _label(col), msg, "batch.column") for col, msg in path_problems.items()]
        report = docgen.validate(record, self.job.kind, policy=self.job.policy)
        problems += [Problem(row.number, column_of(f.path), f.label, f.message, f.code)
                     for f in report.findings if f.is_error]
        if problems:
            return Result(Entry(row.number, task.input_hash, "failed"), problems)
        try:
            documents = self._documents(report, task.stem)
        except ConfigError:
            raise  # a broken template or font setup fails every row: stop the run
        except (DocgenError, ValueError) as exc:  # this row's data cannot be laid out (e.g. python-docx limits)
            return Result(Entry(row.number, task.input_hash, "failed"), [Problem(row.number, "", "", str(exc)[:500],
                                                                                 "batch.render_failed")])
        outputs = [self._write(f"{task.stem}.{ext}", data, writes) for ext, data in documents]
        return Result(Entry(row.number, task.input_hash, "ok", outputs), [])

    def _documents(self, report: docgen.Report, stem: str) -> list[tuple[str, bytes]]:
        assert report.policy is not None  # an unknown policy is an error finding, handled above
        context = build_context(report.record, report.policy, kind=self.job.kind, input_sha256=report.source.sha256)
        properties = document_properties(report, self.kind)
        docx = self.template.render(context, properties=properties)
        documents = [("docx", docx)] if "docx" in self.job.to else []
        if self.typeset is not None:
            metadata = {k: properties[k] for k in ("title", "author", "subject", "keywords")}
            documents.append(("pdf", self.typeset(docx, metadata=metadata, name=f"{stem}.docx").pdf))
        return documents

    def _write(self, name: str, data: bytes, writes: list[Future[Path]]) -> Output:
        writes.append(self._writer.submit(write_atomic, self.job.out_dir / name, data))
        return Output(name, sha256_hex(data), len(data))


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
