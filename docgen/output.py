"""Writing outputs: atomically (temp file + rename), so a crash never leaves a half-written file."""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from docgen.errors import OutputError

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
