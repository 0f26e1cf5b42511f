"""The batch's output folder: one run at a time, and a run that fails leaves nothing of its own behind.

`claim` locks the folder for the whole run with the lock render and packet take (`docgen.folder_lock`), so a second
batch, or a packet, into the same folder stops at once with a clear message instead of interleaving its files and
journal with the run's. A run that fails with an exception (a full disk, a folder that became read-only, an
unreadable row) removes every file it wrote, restores the journal to what it was before the run, and removes its
temporary files (except when the Dask cluster was lost: the rows journaled until then are sound, and ``--resume``
keeps them); an operating-system error becomes an `OutputError` with a one-line Chinese reason. A killed run
cannot clean up: the next run removes its temporary files, and ``--resume`` keeps the rows it journaled.

For an output at a URL the claimed folder is the run's local state folder (journal, lock, copies of the reports)
and ``remote`` the URL's store: a rollback removes the run's files there too.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from docgen.batch.manifest import JOURNAL, SUMMARY, remove_stale_temp_files
from docgen.errors import ClusterError, DocgenError, OutputError
from docgen.folder_lock import FolderLock
from docgen.output import os_reason

if TYPE_CHECKING:
    from docgen.batch.storage import Store


class OutputFolder:
    """A claimed output folder: locked while the run lasts, rolled back when the run raises."""

    def __init__(self, path: Path, *, fresh: bool, remote: Store | None = None):
        """Remember what the folder holds before the run; use through `claim`."""
        self.path = path
        self.fresh = fresh
        self.remote = remote
        self._created = False
        self._lock: FolderLock | None = None
        self._journal_size = 0
        self._written: list[str] = []

    def __enter__(self) -> OutputFolder:
        self._make()
        try:
            self._lock = FolderLock(self.path).acquire()
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
        if self.remote is not None:
            self._roll_back_remote(self.remote)

    def _roll_back_remote(self, remote: Store) -> None:
        names = [*self._written, SUMMARY] if self.fresh else self._written
        with suppress(Exception):  # the store may be why the run failed; what stays is overwritten by the next run
            for name in names:
                remote.remove(name)
            remote.remove_temp_files()

    def _unlock(self) -> None:
        if self._lock is None:
            return
        self._lock.release()
        self._lock = None
        self._remove_if_created()

    def _remove_if_created(self) -> None:
        if self._created:
            with suppress(OSError):
                self.path.rmdir()  # only when empty: a run that failed, or left nothing behind


def claim(path: Path, *, fresh: bool, remote: Store | None = None) -> OutputFolder:
    """Claim the output folder ``path`` for one run, as a context manager (``remote``: see the module's text).

    Raises (on entering):
        OutputError: the path is a file, the folder cannot be created or written, or another docgen run is using it.
    """
    return OutputFolder(path, fresh=fresh, remote=remote)
