"""One docgen run at a time per output folder: render, packet and batch all take the same lock.

The lock is an ``flock`` on a hidden file in the folder (``.docgen.lock``, holding the owner's process id for the
message), not on the folder itself: a directory cannot be opened for writing, and NFS, where a cluster's shared
output folder lives, emulates ``flock`` with POSIX locks that need a writable file. The holder removes the file
while still holding the lock, so a waiting process re-checks that the file it locked is still the one in the folder.
A killed holder's lock is released by the kernel; its file stays until the next run in that folder removes it.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import suppress
from pathlib import Path
from types import TracebackType

from docgen.errors import OutputError

LOCK = ".docgen.lock"


class FolderLock:
    """An exclusive lock on an existing output folder, as a context manager.

    Raises (on entering):
        OutputError: another docgen run holds the folder, or the lock file cannot be written.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self._fd: int | None = None

    def acquire(self) -> FolderLock:
        """Take the lock (see the class for what it raises)."""
        self._fd = _acquire(self.folder)
        return self

    def release(self) -> None:
        """Remove the lock file and let go; nothing when not held."""
        if self._fd is None:
            return
        with suppress(OSError):
            (self.folder / LOCK).unlink()  # still holding the lock: see the module docstring
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()


def remove_stale_lock(folder: Path) -> None:
    """Remove the lock file a killed run left behind, unless some run holds it."""
    if not (folder / LOCK).exists():
        return
    with suppress(OutputError), FolderLock(folder):
        pass


def _acquire(folder: Path) -> int:
    path = folder / LOCK
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            from docgen.output import os_reason  # here: docgen.output imports this module

            raise OutputError(f"无法写入输出目录 {folder}：{os_reason(exc)}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = _owner(fd)
            os.close(fd)
            raise OutputError(f"输出目录 {folder} 正由另一个 docgen 任务{owner}使用；"
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
