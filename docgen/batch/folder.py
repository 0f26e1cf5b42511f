"""The batch's output folder: one run at a time, and a run that fails leaves nothing of its own behind.

`claim` locks the folder with ``flock`` on a hidden lock file, so a second batch into the same folder stops at once
with a clear message instead of interleaving its files and journal with the first one's. A run that fails with an
exception (a full disk, a folder that became read-only, an unreadable row) removes every file it wrote, restores the
journal to what it was before the run, and removes its temporary files (except when the Dask cluster was lost: the
rows journaled until then are sound, and ``--resume`` keeps them); an operating-system error becomes an
`OutputError` with a one-line Chinese reason. A killed run cannot clean up: the next run removes its temporary
files, and ``--resume`` keeps the rows it journaled.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from types import TracebackType

from docgen.batch.manifest import JOURNAL, SUMMARY, remove_stale_temp_files
from docgen.errors import ClusterError, DocgenError, OutputError
from docgen.output import os_reason

LOCK = ".docgen-batch.lock"


class OutputFolder:
    """A claimed output folder: locked while the run lasts, rolled back when the run raises."""

    def __init__(self, path: Path, *, fresh: bool):
        """Remember what the folder holds before the run; use through `claim`."""
        self.path = path
        self.fresh = fresh
        self._created = False
        self._lock_fd: int | None = None
        self._journal_size = 0
        self._written: list[str] = []

    def __enter__(self) -> OutputFolder:
        self._make()
        try:
            self._lock_fd = _lock(self.path)
        except OutputError:
            self._remove_if_created()
            raise
        journal = self.path / JOURNAL
        with suppress(FileNotFoundError):
            self._journal_size = journal.stat().st_size
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        try:
            if isinstance(exc, Exception) and not isinstance(exc, ClusterError):
                self._roll_back()
        finally:
            self._unlock()
        if isinstance(exc, OSError) and not isinstance(exc, DocgenError):
            raise OutputError(f"无法写入输出目录 {self.path}：{os_reason(exc)}；本次运行写入的文件已撤销") from None

    def wrote(self, names: Iterable[str]) -> None:
        """Record files (names inside the folder) this run wrote, to remove if the run fails."""
        self._written.extend(names)

    def _make(self) -> None:
        if self.path.exists() and not self.path.is_dir():
            raise OutputError(f"输出目录 {self.path} 是一个文件，不是文件夹；请换一个输出目录")
        try:
            self._created = not self.path.exists()
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"无法创建输出目录 {self.path}：{os_reason(exc)}") from None

    def _roll_back(self) -> None:
        """Remove this run's files and temporary files; put the journal back as the run found it."""
        for name in self._written:
            with suppress(OSError):
                (self.path / name).unlink(missing_ok=True)
        journal = self.path / JOURNAL
        with suppress(OSError):
            if self.fresh:  # a fresh run emptied the journal, so the summary of the old one is stale too
                journal.unlink(missing_ok=True)
                (self.path / SUMMARY).unlink(missing_ok=True)
            elif journal.exists():
                os.truncate(journal, self._journal_size)
        with suppress(OSError):
            remove_stale_temp_files(self.path)

    def _unlock(self) -> None:
        if self._lock_fd is None:
            return
        with suppress(OSError):
            (self.path / LOCK).unlink()  # still holding the lock: a waiting run re-checks the file it locked
        os.close(self._lock_fd)
        self._lock_fd = None
        self._remove_if_created()

    def _remove_if_created(self) -> None:
        if self._created:
            with suppress(OSError):
                self.path.rmdir()  # only when empty: a run that failed, or left nothing behind


def claim(path: Path, *, fresh: bool) -> OutputFolder:
    """Claim the output folder ``path`` for one run, as a context manager.

    Raises (on entering):
        OutputError: the path is a file, the folder cannot be created or written, or another batch is using it.
    """
    return OutputFolder(path, fresh=fresh)


def _lock(folder: Path) -> int:
    """An exclusive ``flock`` on the folder's lock file (holding our process id), or an `OutputError`."""
    path = folder / LOCK
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"无法写入输出目录 {folder}：{os_reason(exc)}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = _owner(fd)
            os.close(fd)
            raise OutputError(f"输出目录 {folder} 正由另一个批量生成任务{owner}使用；"
                              "请等它结束后再运行，或换一个输出目录") from None
        if _same_file(fd, path):
            break
        os.close(fd)  # the holder removed the file between our open and our lock: lock the new one
    with suppress(OSError):  # the process id only makes the message clearer; a full disk must not stop here
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def _owner(fd: int) -> str:
    with suppress(OSError, ValueError):
        pid = int(os.pread(fd, 32, 0).decode().strip())
        return f"（进程 {pid}）"
    return ""


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), path.stat())
    except FileNotFoundError:
        return False
