"""The batch's record of what it did: an append-only journal that survives ``kill -9``, and a summary.

Each finished row appends one JSON line to ``manifest.jsonl`` (row, input hash, status, outputs with
their SHA-256) *after* its outputs were written atomically, so a line never points at a missing or
half-written file. A line cut short by a kill is ignored on reading, and a row that has outputs but no
line is simply rendered again (same name, atomic replace): every row ends up exactly once. At the end
``manifest.json`` gathers the last entry of every row of the current input, written atomically.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from docgen.output import sha256_hex, write_atomic

JOURNAL = "manifest.jsonl"
SUMMARY = "manifest.json"


@dataclass(frozen=True, slots=True)
class Output:
    """One written file of a row."""

    file: str
    sha256: str
    bytes: int


@dataclass(frozen=True, slots=True)
class Entry:
    """What happened to one row."""

    row: int
    input: str
    status: str  # "ok" or "failed"
    outputs: list[Output] = field(default_factory=list)

    def to_json(self) -> str:
        """One journal line."""
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        """Inverse of `to_json`; raises KeyError/TypeError on a malformed line."""
        outputs = [Output(o["file"], o["sha256"], int(o["bytes"])) for o in data["outputs"]]
        return cls(int(data["row"]), str(data["input"]), str(data["status"]), outputs)


class Journal:
    """Append-only ``manifest.jsonl`` in the output folder."""

    def __init__(self, out_dir: Path, *, fresh: bool):
        """Open the journal; ``fresh`` starts a new one (a run without ``--resume``)."""
        self.path = out_dir / JOURNAL
        out_dir.mkdir(parents=True, exist_ok=True)
        self._fh = self.path.open("w" if fresh else "a", encoding="utf-8")
        if not fresh and _ends_mid_line(self.path):
            self._fh.write("\n")  # a line cut short by a kill must not swallow the next entry

    def append(self, entry: Entry) -> None:
        """Record one row; flushed to the OS at once, which is all a killed process needs."""
        self._fh.write(entry.to_json() + "\n")
        self._fh.flush()

    def close(self) -> None:
        """Flush to disk and close."""
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()


def _ends_mid_line(path: Path) -> bool:
    with path.open("rb") as fh:
        if fh.seek(0, os.SEEK_END) == 0:
            return False
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) != b"\n"


def remove_stale_temp_files(out_dir: Path) -> None:
    """Delete the temporary files of atomic writes a killed run left behind (``.NAME.XXXX.part``)."""
    for path in out_dir.glob(".*.part"):
        path.unlink(missing_ok=True)


def read_journal(out_dir: Path) -> dict[int, Entry]:
    """The last complete entry per row; lines cut short by a kill are skipped."""
    entries: dict[int, Entry] = {}
    for entry in _entries(out_dir / JOURNAL):
        entries[entry.row] = entry
    return entries


def _entries(path: Path) -> Iterator[Entry]:
    if not path.is_file():
        return
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                yield Entry.from_dict(json.loads(line))
            except (ValueError, KeyError, TypeError):
                continue


def is_done(entry: Entry | None, input_hash: str, out_dir: Path) -> bool:
    """True when ``entry`` rendered this very input and every output is on disk with its recorded hash."""
    if entry is None or entry.status != "ok" or entry.input != input_hash or not entry.outputs:
        return False
    return all(_intact(out_dir / o.file, o) for o in entry.outputs)


def _intact(path: Path, output: Output) -> bool:
    try:
        if path.stat().st_size != output.bytes:
            return False
        return sha256_hex(path.read_bytes()) == output.sha256
    except OSError:
        return False


def write_summary(out_dir: Path, header: dict[str, Any], rows: list[int]) -> Path:
    """``manifest.json``: the run's header plus the last journal entry of each row in ``rows``."""
    entries = read_journal(out_dir)
    listed = [asdict(entries[n]) for n in rows if n in entries]
    text = json.dumps({**header, "rows": listed}, ensure_ascii=False, indent=1) + "\n"
    return write_atomic(out_dir / SUMMARY, text.encode())
