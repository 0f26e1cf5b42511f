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
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeGuard

if TYPE_CHECKING:
    from docgen.batch.storage import Store

JOURNAL = "manifest.jsonl"
SUMMARY = "manifest.json"


@dataclass(frozen=True, slots=True)
class Output:
    """One written file of a row."""

    file: str
    sha256: str
    bytes: int


@dataclass(frozen=True, slots=True)
class Note:
    """A warning about one row (a finding, a forced error or a layout note), kept with its entry for the report."""

    column: str
    label: str
    message: str
    code: str
    severity: str = "warning"


@dataclass(frozen=True, slots=True)
class Entry:
    """What happened to one row."""

    row: int
    input: str
    status: str  # "ok" or "failed"
    outputs: list[Output] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def to_json(self) -> str:
        """One journal line."""
        # dataclasses.asdict's dict, built by hand: asdict deep-copies every value, and this runs twice per row.
        outputs = [{"file": o.file, "sha256": o.sha256, "bytes": o.bytes} for o in self.outputs]
        data: dict[str, Any] = {"row": self.row, "input": self.input, "status": self.status, "outputs": outputs}
        if self.notes:  # most rows have none: their lines stay as before
            data["notes"] = [[n.column, n.label, n.message, n.code, n.severity] for n in self.notes]
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        """Inverse of `to_json`; raises KeyError/TypeError on a malformed line."""
        outputs = [Output(o["file"], o["sha256"], int(o["bytes"])) for o in data["outputs"]]
        notes = [Note(*map(str, note)) for note in data.get("notes", ())]
        return cls(int(data["row"]), str(data["input"]), str(data["status"]), outputs, notes)


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
        """Flush to disk and close (closed even when the disk refuses the flush)."""
        try:
            self._fh.flush()
            os.fsync(self._fh.fileno())
        finally:
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


class JournalIndex:
    """The last complete entry of each row, looked up by line offset: memory holds one int per row."""

    def __init__(self, out_dir: Path):
        """Index ``manifest.jsonl`` in ``out_dir`` (empty when there is none)."""
        self.path = out_dir / JOURNAL
        self._offsets = _last_offsets(self.path)

    def __len__(self) -> int:
        return len(self._offsets)

    def get(self, row: int) -> Entry | None:
        """The row's last entry, or None."""
        offset = self._offsets.get(row)
        if offset is None:
            return None
        with self.path.open("rb") as fh:
            return _entry_at(fh, offset)

    def entries(self, rows: Iterable[int]) -> Iterator[Entry]:
        """The last entries of ``rows`` that have one, in that order (the journal opened once, not per row)."""
        if not self._offsets:  # no journal, or nothing complete in it
            return
        with self.path.open("rb") as fh:
            for row in rows:
                offset = self._offsets.get(row)
                if offset is not None:
                    yield _entry_at(fh, offset)


def _entry_at(fh: BinaryIO, offset: int) -> Entry:
    fh.seek(offset)
    return Entry.from_dict(json.loads(fh.readline()))


def done(store: Store, checks: Sequence[tuple[Entry | None, str]]) -> list[bool]:
    """For each ``(entry, input hash)``: did the entry render this very input, every output intact in ``store``?

    Intact: there, with its recorded size and SHA-256. The outputs of all the rows are checked in one call, which
    a URL store answers with concurrent reads (one request after the other would make a resume crawl).
    """
    intact = iter(store.intact([o for entry, digest in checks if _rendered(entry, digest) for o in entry.outputs]))
    # the inner list takes every answer of the row, so that the next row gets its own
    return [_rendered(entry, digest) and all([next(intact) for _ in entry.outputs]) for entry, digest in checks]


def _rendered(entry: Entry | None, input_hash: str) -> TypeGuard[Entry]:
    return entry is not None and entry.status == "ok" and entry.input == input_hash and bool(entry.outputs)


def write_summary(out_dir: Path, header: dict[str, Any], rows: Iterable[int]) -> Path:
    """``manifest.json``: the run's header plus the last journal entry of each row in ``rows``.

    Streamed from the journal to a temporary file, so memory does not grow with the number of rows.
    """
    target = out_dir / SUMMARY
    tmp = out_dir / f".{SUMMARY}.summary.part"
    head = json.dumps(header, ensure_ascii=False, indent=1).removesuffix("\n}")  # header is never empty
    try:
        with tmp.open("w", encoding="utf-8") as out:
            out.write(head + ',\n "rows": [')
            for i, entry in enumerate(last_entries(out_dir, rows)):
                out.write(("," if i else "") + "\n  " + entry.to_json())
            out.write("\n ]\n}\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def last_entries(out_dir: Path, rows: Iterable[int]) -> Iterator[Entry]:
    """The last complete journal entry of each of ``rows``, in that order, read one line at a time."""
    return JournalIndex(out_dir).entries(rows)


def _last_offsets(path: Path) -> dict[int, int]:
    offsets: dict[int, int] = {}
    if not path.is_file():
        return offsets
    with path.open("rb") as fh:
        offset = 0
        for line in fh:
            with suppress(ValueError, KeyError, TypeError):  # a line cut short by a kill
                offsets[Entry.from_dict(json.loads(line)).row] = offset
            offset += len(line)
    return offsets
