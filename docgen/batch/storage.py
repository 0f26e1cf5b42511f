"""Where a batch's row documents go: a local folder, or an fsspec URL (``s3://bucket/prefix``, ``file:///abs/path``).

Every write replaces a whole file at once, so a reader (or ``--resume``) never sees half a document: in a local
folder through a temporary file and a rename (`docgen.output.write_atomic`, unchanged); on an object store one PUT
of the whole object (``fs.pipe_file``), which the store makes visible all at once or not at all; on fsspec's local
file system through a temporary name and a move, as in a folder. Object stores have no append, rename or lock, so
the journal, the run's lock and the reports are kept in a local state folder by the batch process (see
`state_folder`); only the documents live at the URL, and the reports and merged files are uploaded at the end.

A `Store` is made from a picklable `Location`, so Dask workers open their own connection from the URL and the
storage options; documents never travel through the scheduler.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from docgen.batch.manifest import Output, remove_stale_temp_files
from docgen.errors import OutputError, UsageError
from docgen.output import sha256_hex, write_atomic

STATE_ENV = "DOCGEN_BATCH_STATE"  # folder under which the state folders of URL outputs go (default: user cache)
_READ_CHUNK = 1 << 20


def is_url(location: str | Path) -> bool:
    """True for an fsspec URL (``s3://…``); a `Path` is always a folder (it cannot hold ``//``)."""
    return isinstance(location, str) and "://" in location


class Store(Protocol):
    """The row documents' location: whole files written atomically, read back, removed."""

    def write(self, name: str, data: bytes) -> str:
        """Write ``name`` atomically; returns the name. Raises `OutputError`."""

    def size(self, name: str) -> int | None:
        """Bytes of ``name``, None when it is not there."""

    def read(self, name: str) -> bytes:
        """The bytes of ``name`` (OSError when missing)."""

    def remove(self, name: str) -> None:
        """Remove ``name`` if present; errors are left to the caller."""

    def remove_temp_files(self) -> None:
        """Remove temporary files a killed writer left behind."""

    def intact(self, outputs: Sequence[Output]) -> list[bool]:
        """For each output: is it there with its recorded size and SHA-256?"""


@dataclass(frozen=True, slots=True)
class Location:
    """A picklable description of a `Store`: a local folder, or a URL with its fsspec storage options."""

    folder: Path
    url: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def open(self) -> Store:
        """The store, connected (fsspec caches one file system per process and options)."""
        return LocalStore(self.folder) if self.url is None else UrlStore(self.url, self.options)

    @property
    def name(self) -> str:
        """What users call it: the URL or the folder."""
        return self.url or str(self.folder)


class LocalStore:
    """A folder on this machine or a network share every worker sees at the same path (today's behaviour)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def write(self, name: str, data: bytes) -> str:
        """See `Store.write`."""
        write_atomic(self.folder / name, data)
        return name

    def size(self, name: str) -> int | None:
        """See `Store.size`."""
        try:
            return (self.folder / name).stat().st_size
        except OSError:
            return None

    def read(self, name: str) -> bytes:
        """See `Store.read`."""
        return (self.folder / name).read_bytes()

    def remove(self, name: str) -> None:
        """See `Store.remove`."""
        (self.folder / name).unlink(missing_ok=True)

    def remove_temp_files(self) -> None:
        """See `Store.remove_temp_files`."""
        remove_stale_temp_files(self.folder)

    def intact(self, outputs: Sequence[Output]) -> list[bool]:
        """See `Store.intact`: one file after the other, the size first (a stat costs less than a read)."""
        return [self._intact(output) for output in outputs]

    def _intact(self, output: Output) -> bool:
        try:
            if self.size(output.file) != output.bytes:
                return False
            return sha256_hex(self.read(output.file)) == output.sha256
        except OSError:
            return False


class UrlStore:
    """An fsspec file system under one URL prefix."""

    def __init__(self, url: str, options: Mapping[str, Any]):
        self.url = url.rstrip("/")
        try:
            import fsspec  # installed with dask, and with the s3 extra

            self.fs, root = fsspec.core.url_to_fs(self.url, **options)
        except ImportError as exc:  # fsspec, or the protocol's package (s3fs), is not installed
            raise UsageError(f"输出到 {url} 需要安装相应的包（s3:// 用 pip install 'docgen[s3]'）：{exc}") from None
        except ValueError as exc:  # an unknown protocol
            raise UsageError(f"无法使用输出位置 {url}：{exc}") from None
        self.root = root.rstrip("/")
        protocols = (self.fs.protocol,) if isinstance(self.fs.protocol, str) else self.fs.protocol
        self.local = "file" in protocols  # a real file system: PUT is not atomic there, a rename is

    def _path(self, name: str) -> str:
        return f"{self.root}/{name}"

    def write(self, name: str, data: bytes) -> str:
        """See `Store.write`."""
        try:
            if self.local:
                self.fs.makedirs(self.root, exist_ok=True)
                temporary = self._path(f".{name}.{uuid.uuid4().hex[:8]}.part")
                self.fs.pipe_file(temporary, data)
                self.fs.mv(temporary, self._path(name))
            else:
                self.fs.pipe_file(self._path(name), data)  # one PUT: the object appears whole or not at all
        except Exception as exc:  # a network store fails in many ways; each must stop the run like a full disk
            raise OutputError(f"无法写入 {self.url}/{name}：{type(exc).__name__}：{exc}") from None
        return name

    def size(self, name: str) -> int | None:
        """See `Store.size`."""
        try:
            return int(self.fs.size(self._path(name)))
        except (FileNotFoundError, OSError):
            return None

    def read(self, name: str) -> bytes:
        """See `Store.read`."""
        return bytes(self.fs.cat_file(self._path(name)))

    def remove(self, name: str) -> None:
        """See `Store.remove`."""
        with suppress(FileNotFoundError):
            self.fs.rm_file(self._path(name))

    def remove_temp_files(self) -> None:
        """See `Store.remove_temp_files`."""
        if self.local:  # an object store has no temporary objects: a PUT cut short leaves nothing
            for path in self.fs.glob(self._path(".*.part")):
                self.fs.rm_file(path)

    def intact(self, outputs: Sequence[Output]) -> list[bool]:
        """See `Store.intact`: all the objects read at once (fsspec reads a list concurrently on object stores)."""
        if not outputs:
            return []
        found = self.fs.cat([self._path(o.file) for o in outputs], on_error="return")
        return [_matches(found.get(self._path(o.file)), o) for o in outputs]

    def upload(self, name: str, local: Path) -> None:
        """Copy a local file to ``name`` (streamed from disk; atomic as `write` is)."""
        try:
            if self.local:
                temporary = self._path(f".{name}.{uuid.uuid4().hex[:8]}.part")
                self.fs.put_file(str(local), temporary)
                self.fs.mv(temporary, self._path(name))
            else:
                self.fs.put_file(str(local), self._path(name))
        except Exception as exc:
            raise OutputError(f"无法上传 {local.name} 到 {self.url}：{type(exc).__name__}：{exc}") from None

    def download(self, name: str, local: Path) -> Path:
        """Copy ``name`` to the local file ``local`` a chunk at a time (never the whole document in memory)."""
        with self.fs.open(self._path(name), "rb") as src, local.open("wb") as dst:
            shutil.copyfileobj(src, dst, _READ_CHUNK)
        return local


def _matches(data: object, output: Output) -> bool:
    return isinstance(data, bytes) and len(data) == output.bytes and sha256_hex(data) == output.sha256


def location(out: str | Path, options: Mapping[str, Any] | None, state: str | Path | None, *,
             processes: bool) -> Location:
    """The `Location` of ``-o``: a folder, or a URL whose journal and lock live in a local state folder.

    ``processes``: the rows are rendered in other processes (a pool or a cluster), which cannot see an in-memory
    file system.
    """
    if not is_url(out):
        if options:
            raise UsageError("存储选项只用于 s3:// 等 URL 形式的输出位置")
        return Location(Path(out))
    url = str(out).rstrip("/")
    if url.startswith("memory://") and processes:
        raise UsageError("memory:// 只在本进程内可见，只能与 --jobs 1 一起用")
    return Location(Path(state) if state is not None else state_folder(url), url, dict(options or {}))


def state_folder(url: str) -> Path:
    """The default local state folder of a URL: ``$DOCGEN_BATCH_STATE`` or the user cache, one folder per URL."""
    root = os.environ.get(STATE_ENV) or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "docgen"
    return Path(root) / "batch-state" / hashlib.sha256(url.encode()).hexdigest()[:16]
