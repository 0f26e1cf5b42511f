"""Writing outputs: atomically (temp file + rename), so a crash never leaves a half-written file or a mixed set."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from glob import escape as glob_escape
from pathlib import Path
from typing import BinaryIO

from docgen.errors import OutputError
from docgen.folder_lock import FolderLock, remove_stale_lock

# mkstemp creates files 0600; give outputs the mode an ordinary file would get under the process umask.
_UMASK = os.umask(0)
os.umask(_UMASK)
_FILE_MODE = 0o666 & ~_UMASK


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and an atomic rename."""
    try:
        with atomic_file(path) as fh:
            fh.write(data)
    except OSError as exc:
        raise OutputError(f"无法写入 {path}：{os_reason(exc)}") from None
    return path


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A binary file (readable, writable, seekable) that replaces ``path`` atomically when the block ends.

    For outputs too large to build in memory (a zip written entry by entry). The file is a temporary one
    in the same folder (``.NAME.XXXX.part``); it is flushed to disk and renamed over ``path`` when the block
    ends normally, and removed when it raises. OSErrors are left to the caller, who knows what it was doing.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w+b") as fh:
            os.fchmod(fh.fileno(), _FILE_MODE)
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sha256_hex(data: bytes) -> str:
    """SHA-256 of some bytes, as hex."""
    return hashlib.sha256(data).hexdigest()


_REASONS = {
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "超出磁盘配额",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "所在磁盘是只读的",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EEXIST: "已有同名文件",
    errno.EISDIR: "同名的是一个文件夹",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EIO: "磁盘读写出错",
}


def os_reason(exc: OSError) -> str:
    """The operating system's reason for ``exc`` in Chinese (its own English text when there is no translation)."""
    return _REASONS.get(exc.errno or 0, exc.strerror or str(exc))


# ---- a set of outputs, replaced as a whole ----------------------------------------------------------------
# A packet is several files whose manifest names their hashes: a run killed half-way must not leave new
# files beside old ones. The files are written into a staging folder inside the output folder, then a
# journal naming them is written atomically, then each is renamed into place, then journal and staging go.
# The next run into that folder finishes a journal it finds (rolls forward) and removes staging folders
# without one, so every file at a final name belongs to one complete run.

_STAGING = ".docgen-staging-"
_JOURNAL = ".docgen-commit.json"


def write_set(out_dir: Path, files: list[tuple[str, bytes]]) -> list[Path]:
    """Write ``files`` (name, bytes) into ``out_dir`` as one set: all of them, or none at their final names.

    Raises:
        OutputError: The folder cannot be made or written (read-only, a file of that name, disk full…),
            or another docgen run is writing into it; nothing of this run is left behind.
    """
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建输出目录 {out_dir}：{os_reason(exc)}") from None
    with FolderLock(out_dir):  # the lock a batch holds for its whole run: a packet cannot write into a running batch
        _recover(out_dir, names=[name for name, _ in files])
        staging = _stage(out_dir, files)
        try:
            _commit(out_dir, staging, [name for name, _ in files])
        except OSError as exc:
            raise OutputError(f"无法写入输出目录 {out_dir}：{os_reason(exc)}") from None
    return [out_dir / name for name, _ in files]


def recover(out_dir: Path, *, names: Sequence[str] = ()) -> None:
    """Finish or undo what a killed run left in ``out_dir``; remove its temp files for ``names`` and its lock file."""
    remove_stale_lock(out_dir)
    _recover(out_dir, names=names)


def _recover(out_dir: Path, *, names: Sequence[str]) -> None:
    """`recover`, for the holder of the folder's lock (which must not open the lock file again)."""
    journal = out_dir / _JOURNAL
    if journal.is_file():
        try:
            plan = json.loads(journal.read_text(encoding="utf-8"))
            _move_into_place(out_dir, out_dir / plan["staging"], plan["names"])
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a journal written half-way was never committed: the staging folder goes below
        journal.unlink(missing_ok=True)
    for leftover in out_dir.glob(f"{_STAGING}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for name in names:  # temp files of write_atomic from an older run killed mid-write
        for part in out_dir.glob(f".{glob_escape(name)}.*.part"):
            part.unlink(missing_ok=True)


def _stage(out_dir: Path, files: list[tuple[str, bytes]]) -> Path:
    try:
        staging = Path(tempfile.mkdtemp(dir=out_dir, prefix=_STAGING))
    except OSError as exc:
        raise OutputError(f"无法写入输出目录 {out_dir}：{os_reason(exc)}") from None
    try:
        for name, data in files:
            with open(staging / name, "xb") as fh:
                os.fchmod(fh.fileno(), _FILE_MODE)
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"无法写入 {out_dir / name}：{os_reason(exc)}") from None
    return staging


def _commit(out_dir: Path, staging: Path, names: list[str]) -> None:
    plan = json.dumps({"staging": staging.name, "names": names}, ensure_ascii=False).encode()
    try:
        write_atomic(out_dir / _JOURNAL, plan)
    except OutputError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _fsync_dir(out_dir)
    _move_into_place(out_dir, staging, names)
    _fsync_dir(out_dir)
    (out_dir / _JOURNAL).unlink()
    shutil.rmtree(staging, ignore_errors=True)


def _move_into_place(out_dir: Path, staging: Path, names: list[str]) -> None:
    for name in names:
        staged = staging / name
        if staged.exists():  # already moved when a killed run is rolled forward
            os.replace(staged, out_dir / name)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
