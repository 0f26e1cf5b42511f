"""The batch run: rows in, one document per good row out, bad rows reported, resumable, in parallel.

The parent process reads rows lazily, names them (names depend on earlier rows, so naming is sequential
and identical on every run), skips rows already done when resuming, and keeps a bounded number of
chunks in flight in a process pool whose workers each compile the template once. Workers write the
files; the parent journals each finished row. Memory stays flat in the number of rows: what grows is
one small journal entry per row on disk, a set of used names and the row numbers for the summary.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from docgen import __version__
from docgen.batch import manifest, storage
from docgen.batch.assemble import PDF_PART_LIMIT_ENV, merge_pdf_part_limit, merge_pdfs
from docgen.batch.columns import declared_columns
from docgen.batch.folder import OutputFolder, claim
from docgen.batch.manifest import JOURNAL, Entry, Journal, Note
from docgen.batch.merge_docx import MERGED_DOCX, PART_LIMIT_ENV, Unmergeable, merge_docx, merge_part_limit
from docgen.batch.names import NamePattern, Namer
from docgen.batch.parts import split_message
from docgen.batch.precheck import check_header
from docgen.batch.report import write_errors, write_warnings
from docgen.batch.rows import Row, Table, canonical, open_table, read_rows
from docgen.batch.worker import Job, Problem, Result, Task, Worker, render_chunk, warm
from docgen.errors import UsageError
from docgen.load import read_record
from docgen.options import RenderOptions, as_path, parse_formats
from docgen.render_docx import find_template
from docgen.rendered import LayoutNote
from docgen.schemas import get_kind
from docgen.seals import with_image_paths_from
from docgen.typeset import DEFAULT_ENGINE, check_engine, font_map

BaseInput = str | Path | Mapping[str, Any] | None
ProgressCallback = Callable[[int, int | None, int], None]  # (rows done, total, failed so far)
CHUNK = 8  # rows per task: enough to amortise inter-process traffic, small enough to balance the load
DASK_CHUNK = 16  # rows per Dask task: a task costs ~2 ms of scheduling and round trip (benchmarks/batch.py)
EXECUTORS = ("local", "dask")
RESUME_BLOCK = 64  # rows whose outputs at a URL are checked together on resume (a few MB read at once)


@dataclass(slots=True)
class BatchSummary:
    """What a batch run did."""

    total: int = 0
    rendered: int = 0
    skipped: int = 0
    failed: int = 0
    forced: int = 0  # rows rendered despite rule errors (``force``)
    noted: int = 0  # rows with warnings (findings or layout notes), listed in warnings.xlsx
    errors_files: list[Path] = field(default_factory=list)
    warnings_files: list[Path] = field(default_factory=list)
    layout: list[LayoutNote] = field(default_factory=list)  # run-wide notes of the PDF engine (font substitutions)
    manifest: Path | None = None
    merged: Path | None = None  # merged.pdf
    merged_docx: Path | None = None  # merged.docx, or merged-001.docx when the merge was split
    merged_files: list[Path] = field(default_factory=list)  # every merged file: docx parts, then PDF parts
    warnings: list[str] = field(default_factory=list)  # Chinese lines, e.g. why merged.docx was not written
    elapsed: float = 0.0
    url: str | None = None  # the output's URL when it is one: the files above are the state folder's copies

    @property
    def ok(self) -> bool:
        """True when no row failed and none was rendered despite errors."""
        return self.failed == 0 and self.forced == 0

    def line(self) -> str:
        """One Chinese summary line."""
        text = (f"共 {self.total} 行：生成 {self.rendered} 行，跳过（已完成）{self.skipped} 行，失败 {self.failed} 行；"
                f"用时 {self.elapsed:.1f} 秒")
        if self.forced:
            text += f"；其中 {self.forced} 行有错误但按 --force 生成"
        if self.errors_files:
            text += f"；错误见 {self._shown(self.errors_files[0])}"
        if self.warnings_files:
            text += f"；{self.noted} 行有警告，见 {self._shown(self.warnings_files[0])}"
        merged = [p.name for p in self.merged_files]
        if merged:
            text += f"；合并为 {'、'.join(merged)}"
        if self.url:
            text += f"；输出位置 {self.url}"
        return text

    def _shown(self, path: Path) -> str:
        return f"{self.url}/{path.name}" if self.url else str(path)


def run_batch(kind: str, rows_path: str | Path, out_dir: str | Path, *, base: BaseInput = None,
              jobs: int | None = None, to: Iterable[str] = ("docx",), merge: bool = False, resume: bool = False,
              name_pattern: str = "{row:05d}", policy: str | None = None, templates: str | Path | None = None,
              fonts: str | Path | None = None, force: bool = False, progress: ProgressCallback | None = None,
              pdf_engine: str = DEFAULT_ENGINE, columns: Mapping[str, str] | None = None, sheet: str | None = None,
              header_row: int | None = None, strict_columns: bool = False, executor: str = "local",
              scheduler: str | None = None, pdfa: bool = False, single_sided: bool = False,
              storage_options: Mapping[str, Any] | None = None, state: str | Path | None = None) -> BatchSummary:
    """Render one document of ``kind`` per row of ``rows_path`` into ``out_dir``.

    Args:
        kind: Document kind, e.g. ``application``.
        rows_path: ``.xlsx``, ``.csv`` (UTF-8, UTF-8 with BOM or GB18030) or ``.jsonl``; dotted column names.
        out_dir: Output folder; every file lands inside it. Or an fsspec URL (a ``str`` such as
            ``s3://bucket/prefix`` or ``file:///srv/share/out``): the documents are written there, by the workers
            themselves, and the reports and merged files uploaded at the end (see `docgen.batch.storage`).
        base: Record (path or dict) each row is merged over.
        jobs: Worker processes; default the number of cores; 1 renders in this process (local executor). With
            the Dask executor and no scheduler: the processes of the local cluster it starts.
        to: Output formats, ``docx`` and/or ``pdf``.
        merge: Also write ``merged.docx`` (with ``docx`` in ``to``) and ``merged.pdf`` (with ``pdf`` in ``to``):
            the good rows in order, page numbers restarting per row.
        resume: Keep rows whose outputs exist with the same input; render only the rest.
        name_pattern: File name pattern, see `docgen.batch.names`.
        policy: Policy id overriding the records'.
        templates: Folder of user templates.
        fonts: Font folder searched first (PDF output).
        force: Render rows despite rule errors (schema errors still fail a row); their errors go to warnings.xlsx.
        progress: Called as ``progress(done, total)`` after each row (total None when unknown).
        pdf_engine: ``docgen`` (our typesetter) or ``libreoffice`` (``soffice`` on PATH, one profile per worker).
        columns: Header → dotted path for headers that are neither a path nor the field's Chinese title.
        sheet: The worksheet to read (default: the active visible one).
        header_row: The header's row number (default: found below any title rows).
        strict_columns: Unknown columns are an error instead of a warning.
        executor: ``local`` (a process pool on this machine) or ``dask`` (a Dask distributed cluster; see
            `docgen.batch.cluster`: ``out_dir``, templates and fonts must be at the same path on every worker).
        scheduler: The Dask scheduler's address (``tcp://host:8786``); None starts a local cluster.
        pdfa: Write each row's PDF as PDF/A-2b.
        single_sided: In ``merged.pdf`` and ``merged.docx`` start each row on the next page, not on the next odd
            page (for printers that print one side only; by default a blank page follows a row with an odd page
            count).
        storage_options: fsspec options for a URL ``out_dir`` (``{"client_kwargs": {"endpoint_url": …}}``); they
            travel to the workers. Without them fsspec reads its configuration and the environment (AWS_*).
        state: The local folder for a URL output's journal, lock and report copies (default: one per URL under
            ``$DOCGEN_BATCH_STATE`` or the user cache folder). ``--resume`` needs the same state folder.

    Returns:
        The counts, the errors and warnings files (if any), run-wide layout notes, the manifest and merged file
        paths, the time taken.

    Raises:
        UsageError: an option is not valid (unknown kind, format or PDF engine, bad pattern, PDF not available).
        InputError: the rows or base file cannot be read.
        SheetError: the header or the base record has errors; no row was rendered.
        ClusterError: the Dask cluster cannot be reached or lost the run (finished rows are journaled).
    """
    started = time.perf_counter()
    options = RenderOptions(formats=parse_formats(tuple(to)), policy=policy, templates=as_path(templates),
                            fonts=as_path(fonts), pdf_engine=pdf_engine, force=force, pdfa=pdfa)
    execution = Execution.of(executor, jobs, scheduler)
    where = storage.location(out_dir, storage_options, state, processes=execution.kind == "dask" or execution.jobs > 1)
    job = _job(kind, where.folder, base, options, shared=execution.kind == "dask", url=where if where.url else None)
    remote = storage.UrlStore(where.url, where.options) if where.url else None
    pattern = NamePattern.parse(name_pattern)
    rows_path = Path(rows_path)
    columns = {**declared_columns(kind, job.base), **(columns or {})}  # a notice's own recipient fields
    table = open_table(rows_path, kind=kind, mapping=columns, sheet=sheet, header_row=header_row)
    summary = BatchSummary(url=where.url)
    summary.warnings += check_header(table, kind, job.base, policy=policy, strict=strict_columns)  # may edit base
    total = table.survey()
    summary.warnings += table.notes
    with claim(job.out_dir, fresh=not resume, remote=remote) as folder:
        run = _Run(job, _run_key(job), pattern, resume, summary, progress, total, folder)
        run.execute(read_rows(table), execution)
        reports_before = _reports(job.out_dir) if remote is not None else set()  # a state folder holds no rows
        summary.errors_files = write_errors(job.out_dir, run.problems, table)
        folder.wrote(path.name for path in summary.errors_files)
        summary.warnings_files = _warnings(job.out_dir, run.numbers, summary, table)
        folder.wrote(path.name for path in summary.warnings_files)
        summary.manifest = manifest.write_summary(job.out_dir, _header(job, rows_path, summary), run.numbers)
        folder.wrote([summary.manifest.name])
        if merge:
            with _fetcher(job, remote) as fetch:
                _merge(job, run.numbers, summary, duplex=not single_sided, fetch=fetch)
            folder.wrote(path.name for path in summary.merged_files)
        if remote is not None:
            _publish(remote, job.out_dir, reports_before, summary)
    summary.elapsed = time.perf_counter() - started
    return summary


def _reports(folder: Path) -> set[str]:
    """The reports, summary and merged files in the folder (everything but the journal, the lock, temporary files)."""
    return {p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(".") and p.name != JOURNAL}


def _publish(remote: storage.UrlStore, state: Path, before: set[str], summary: BatchSummary) -> None:
    """Upload this run's reports, manifest.json and merged files; remove at the URL those the run removed locally.

    The state folder keeps its copies: they are the reference for the next run's stale files, as in a local folder.
    """
    written = [*summary.errors_files, *summary.warnings_files, *summary.merged_files]
    written += [summary.manifest] if summary.manifest else []
    for name in sorted(before - _reports(state)):  # e.g. errors.xlsx of an earlier run, now without bad rows
        remote.remove(name)
    for path in written:
        remote.upload(path.name, path)


@contextmanager
def _fetcher(job: Job, remote: storage.UrlStore | None) -> Iterator[Callable[[str], Path]]:
    """A row file as a local path: in the output folder, or downloaded from the URL into a temporary folder.

    Downloads stream to disk one file at a time, so the merge holds no more documents in memory than locally; the
    temporary folder (in the state folder) goes when the merge is done.
    """
    if remote is None:
        yield lambda name: job.out_dir / name
        return
    for left in job.out_dir.glob(".rows-*"):  # of a run killed while merging (the folder lock is ours)
        shutil.rmtree(left, ignore_errors=True)
    with tempfile.TemporaryDirectory(dir=job.out_dir, prefix=".rows-") as folder:

        def fetch(name: str) -> Path:
            path = Path(folder) / name
            return path if path.exists() else remote.download(name, path)

        yield fetch


def _header(job: Job, rows_path: Path, summary: BatchSummary) -> dict[str, Any]:
    """The head of manifest.json: what was run (with the PDF engine when there are PDFs) and the counts."""
    header: dict[str, Any] = {"generator": f"docgen {__version__}", "kind": job.kind, "rows_file": rows_path.name,
                              "formats": list(job.options.formats)}
    if job.options.wants_pdf:
        header["pdf_engine"] = job.options.pdf_engine
    header["counts"] = {"total": summary.total, "rendered": summary.rendered, "skipped": summary.skipped,
                        "failed": summary.failed}
    if job.options.force:
        header["counts"]["forced"] = summary.forced
    if summary.layout:
        header["layout"] = [{"code": n.code, "message": n.message} for n in summary.layout]
    return header


def _warnings(out_dir: Path, numbers: list[int], summary: BatchSummary, table: Table) -> list[Path]:
    """warnings.xlsx/csv from the rows' journal entries (so rows skipped on resume keep theirs); counts them."""
    notes: list[tuple[int, Note]] = []
    for entry in manifest.last_entries(out_dir, numbers):
        notes += [(entry.row, note) for note in entry.notes]
        summary.noted += bool(entry.notes)
        summary.forced += _forced(entry)
    return write_warnings(out_dir, notes, table)


def _forced(entry: Entry) -> bool:
    return entry.status == "ok" and any(note.severity == "error" for note in entry.notes)


def count_rows(path: Path) -> int:
    """Number of data rows (one extra pass over the file; used only for a progress bar)."""
    return sum(1 for _ in read_rows(path))


class _Run:
    """The state of one run: naming, resume decisions, the journal, counts and problems."""

    def __init__(self, job: Job, run_key: str, pattern: NamePattern, resume: bool, summary: BatchSummary,
                 progress: ProgressCallback | None, total: int | None, folder: OutputFolder):
        self.job, self.run_key, self.summary, self.folder = job, run_key, summary, folder
        self.namer = Namer(pattern, job.out_dir)
        self.done = manifest.JournalIndex(job.out_dir) if resume else None
        self.store = job.location().open()  # where the row documents are (checked on resume)
        self.flat_base = flatten(job.base)
        self.progress, self.total = progress, total
        self.problems: list[Problem] = []
        self.numbers: list[int] = []
        self._layout_seen: set[tuple[str, str]] = set()

    def execute(self, rows: Iterator[Row], execution: Execution) -> None:
        manifest.remove_stale_temp_files(self.job.out_dir)
        if self.job.url is not None:
            self.store.remove_temp_files()
        journal = Journal(self.job.out_dir, fresh=not self.done)
        try:
            tasks = self._tasks(rows)
            if execution.kind == "dask":
                self._on_cluster(tasks, journal, execution)
            elif execution.jobs == 1:
                self._in_process(tasks, journal)
            else:
                self._in_pool(tasks, journal, execution.jobs)
            manifest.remove_stale_temp_files(self.job.out_dir)  # those of a worker killed mid-write, replaced since
            if self.job.url is not None:
                self.store.remove_temp_files()
        finally:
            journal.close()

    def _tasks(self, rows: Iterator[Row]) -> Iterator[Task]:
        # On resume at a URL the outputs of a block of rows are checked together (concurrent reads); a folder is
        # checked row by row, as before.
        block = RESUME_BLOCK if self.done is not None and self.job.url is not None else 1
        for named in _chunks(self._named(rows), block):
            for task, done in zip(named, self._done(named), strict=True):
                if done:
                    self.summary.skipped += 1
                    self._tick()
                    continue
                yield task

    def _named(self, rows: Iterator[Row]) -> Iterator[Task]:
        for row in rows:
            self.numbers.append(row.number)
            self.summary.total += 1
            stem = self.namer.stem(row.number, {**self.flat_base, **row.cells})
            yield Task(row, stem, _sha256(f"{self.run_key}\n{stem}\n{canonical(row.cells)}"))

    def _done(self, tasks: list[Task]) -> list[bool]:
        """Which of ``tasks`` a resumed run keeps: journaled with this input, outputs intact."""
        if self.done is None:
            return [False] * len(tasks)
        return manifest.done(self.store, [(self.done.get(task.row.number), task.input_hash) for task in tasks])

    def _in_process(self, tasks: Iterator[Task], journal: Journal) -> None:
        worker = Worker(self.job)
        for chunk in _chunks(tasks):
            self._record_chunk(worker.render(chunk), journal)

    def _in_pool(self, tasks: Iterator[Task], journal: Journal, jobs: int) -> None:
        chunks = _chunks(tasks)
        with ProcessPoolExecutor(max_workers=jobs, initializer=warm, initargs=(self.job,)) as pool:
            pending: set[Future[list[Result]]] = set()
            try:
                for chunk in chunks:
                    pending.add(pool.submit(render_chunk, chunk))
                    if len(pending) >= 2 * jobs:
                        pending = self._collect(pending, journal)
                while pending:
                    pending = self._collect(pending, journal)
            except BaseException:
                self._abandon(pending)
                raise

    def _abandon(self, pending: set[Future[list[Result]]]) -> None:
        """Stop chunks not started; note the files of those that finish anyway, so a rollback removes them."""
        for future in pending:
            future.cancel()
        for future in pending:
            if not future.cancelled() and future.exception() is None:
                self._note_files(future.result())

    def _note_files(self, results: list[Result]) -> None:
        """Files a chunk wrote, for a rollback: noted before journaling, and for chunks that finish after a failure."""
        for result in results:
            self.folder.wrote(o.file for o in result.entry.outputs)

    def _on_cluster(self, tasks: Iterator[Task], journal: Journal, execution: Execution) -> None:
        from docgen.batch.cluster import DaskExecutor  # distributed is an optional dependency

        with (DaskExecutor(self.job, execution.scheduler, execution.jobs) as cluster,
              closing(cluster.map(_chunks(tasks, execution.chunk), self._note_files)) as finished):  # closed first
            for results in finished:
                self._record_chunk(results, journal)

    def _collect(self, pending: set[Future[list[Result]]], journal: Journal) -> set[Future[list[Result]]]:
        finished, rest = wait(pending, return_when=FIRST_COMPLETED)
        for future in finished:
            self._record_chunk(future.result(), journal)
        return rest

    def _record_chunk(self, results: list[Result], journal: Journal) -> None:
        self._note_files(results)  # all of them first: an error while journaling one rolls back the whole chunk
        for result in results:
            self._record(result, journal)

    def _record(self, result: Result, journal: Journal) -> None:
        journal.append(result.entry)
        if result.entry.status == "ok":
            self.summary.rendered += 1
        else:
            self.summary.failed += 1
            self.problems += result.problems
        for note in result.layout:
            if (note.code, note.message) not in self._layout_seen:
                self._layout_seen.add((note.code, note.message))
                self.summary.layout.append(note)
        self._tick()

    def _tick(self) -> None:
        if self.progress is not None:
            self.progress(self.summary.rendered + self.summary.skipped + self.summary.failed, self.total,
                          self.summary.failed)


def _job(kind: str, out_dir: Path, base: BaseInput, options: RenderOptions, *, shared: bool,
         url: storage.Location | None = None) -> Job:
    """The job; ``shared`` (for workers on other machines) makes every folder absolute, as they must see it."""
    get_kind(kind)  # raises UnknownKindError
    check_engine(options.pdf_engine, needed=options.wants_pdf)  # one that cannot run here fails before any row
    if shared:
        out_dir = out_dir.resolve()
        options = replace(options, templates=options.templates and options.templates.resolve(),
                          fonts=options.fonts and options.fonts.resolve())
    return Job(kind, _base_record(base), out_dir, options, url)


def _base_record(base: BaseInput) -> dict[str, Any]:
    if base is None:
        return {}
    if isinstance(base, Mapping):
        return dict(base)
    source = read_record(base)
    return with_image_paths_from(source.data, source.base_dir)  # rows are dicts: no folder of their own


def _run_key(job: Job) -> str:
    """Everything besides the row that decides the outputs; a change re-renders every row on resume."""
    options = job.options
    template = find_template(job.kind, options.templates)
    parts = [__version__, job.kind, ",".join(options.formats), options.policy or "", canonical(job.base),
             hashlib.sha256(template.read_bytes()).hexdigest()]
    # Options added later join only when set, so journals written before them stay valid.
    if options.wants_pdf and options.pdf_engine != DEFAULT_ENGINE:
        parts.append(f"pdf-engine={options.pdf_engine}")
    if options.wants_pdf and options.fonts is not None:
        parts.append(f"fonts={options.fonts.resolve()}")
    if options.force:
        parts.append("force")
    return _sha256("\n".join(parts))


def _chunks(tasks: Iterator[Task], size: int = CHUNK) -> Iterator[list[Task]]:
    return iter(lambda: list(islice(tasks, size)), [])


@dataclass(frozen=True, slots=True)
class Execution:
    """Where the rows are rendered: this process, a local process pool, or a Dask cluster."""

    kind: str  # one of EXECUTORS
    jobs: int
    scheduler: str | None = None
    chunk: int = CHUNK

    @classmethod
    def of(cls, executor: str, jobs: int | None, scheduler: str | None) -> Execution:
        """Check the executor options; a `UsageError` names what is wrong."""
        if executor not in EXECUTORS:
            raise UsageError(f"不支持的执行方式：{executor or '（空）'}；可用：{'、'.join(EXECUTORS)}")
        if scheduler is not None and executor != "dask":
            raise UsageError("--scheduler 只用于 --executor dask")
        if jobs is not None and jobs < 1:
            raise UsageError("--jobs 至少为 1")
        chunk = DASK_CHUNK if executor == "dask" else CHUNK
        return cls(executor, jobs or os.cpu_count() or 1, scheduler, chunk)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Dotted-path view of a record (lists by index), for the name pattern."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{path}."))
        elif isinstance(value, list):
            flat.update(flatten({str(i): v for i, v in enumerate(value)}, f"{path}."))
        else:
            flat[path] = value
    return flat


def _merge(job: Job, numbers: list[int], summary: BatchSummary, *, duplex: bool,
           fetch: Callable[[str], Path]) -> None:
    """merged.docx and/or merged.pdf, as the formats ask; a merged.docx that cannot be made is a warning."""
    title = f"{get_kind(job.kind).title}（合并）"
    if "docx" in job.options.formats:
        try:
            rows = _ok_outputs(job.out_dir, numbers, ".docx", fetch)
            files = merge_docx(job.out_dir, rows, title=title, page_count=_page_counter(job, fetch) if duplex else None)
        except Unmergeable as exc:
            summary.warnings.append(f"未生成 {MERGED_DOCX}：{exc}")
        else:
            summary.merged_docx = files[0]
            _note_parts(summary, files, "Word 正文", merge_part_limit(), PART_LIMIT_ENV)
    if job.options.wants_pdf:
        parts = ((path.stem, path) for path in _ok_outputs(job.out_dir, numbers, ".pdf", fetch))
        files = merge_pdfs(job.out_dir, parts, title=title, duplex=duplex)
        summary.merged = files[0]
        _note_parts(summary, files, "PDF 文件", merge_pdf_part_limit(), PDF_PART_LIMIT_ENV)


def _note_parts(summary: BatchSummary, files: list[Path], what: str, limit: int, env: str) -> None:
    summary.merged_files += files
    if len(files) > 1:
        summary.warnings.append(split_message(what, files, limit, env))


def _page_counter(job: Job, fetch: Callable[[str], Path]) -> Callable[[Path], int]:
    """How many pages a row's docx has: its PDF's count, or our engine's layout when no PDF was made."""
    if job.options.wants_pdf:
        return lambda docx: len(PdfReader(fetch(docx.with_suffix(".pdf").name)).pages)
    from docgen.pdf import Typesetter  # only for docx-only batches: the PDF engine is optional

    typesetter = Typesetter(font_map(job.options.fonts))
    return lambda docx: typesetter.typeset(docx).pages


def _ok_outputs(out_dir: Path, numbers: list[int], suffix: str, fetch: Callable[[str], Path]) -> Iterator[Path]:
    """The ``suffix`` files of the good rows, in row order, read from the journal one entry at a time."""
    for entry in manifest.last_entries(out_dir, numbers):
        if entry.status == "ok":
            yield from (fetch(o.file) for o in entry.outputs if o.file.endswith(suffix))
