"""What rendering gives back: documents (docx and PDF bytes), layout notes, and how they are written to disk."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen import __version__
from docgen.output import sha256_hex, write_set
from docgen.pdf.diagnostics import LayoutWarning
from docgen.report import PACKET, Report
from docgen.schemas import Kind

PACKET_PDF = "packet.pdf"


@dataclass(frozen=True, slots=True)
class LayoutNote:
    """Something the PDF engine could not lay out as Word would, in one output file.

    A note without ``where`` concerns the whole run (a font substitution), not a place in the document.
    """

    file: str
    code: str
    where: str
    message: str

    @classmethod
    def of(cls, file: str, warning: LayoutWarning) -> LayoutNote:
        """The note of a typesetter warning in ``file``."""
        return cls(file, warning.code, warning.where, warning.message)

    @property
    def label(self) -> str:
        """What the note is about, as printed before it: 排版 (the PDF engine) or 模板 (a user's template)."""
        return "模板" if self.code.startswith("template.") else "排版"

    def __str__(self) -> str:
        where = f"{self.file} {self.where}".strip()
        return f"[{self.label}] {where}：{self.message}  〔{self.code}〕"


@dataclass(frozen=True, slots=True)
class Document:
    """One rendered document: its docx bytes (``data``) and, when asked for, its PDF."""

    kind: str
    stem: str
    data: bytes
    pdf: bytes | None = None
    pages: int | None = None

    @property
    def filename(self) -> str:
        """The docx file name, e.g. ``01-项目申请表.docx``."""
        return f"{self.stem}.docx"

    def files(self, formats: Iterable[str]) -> list[tuple[str, bytes]]:
        """(file name, bytes) for each requested format this document has."""
        found = {"docx": self.data, "pdf": self.pdf}
        return [(f"{self.stem}.{fmt}", found[fmt]) for fmt in formats if found.get(fmt) is not None]  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class Rendered:
    """Rendered documents plus the report they were checked with; `write` puts them on disk."""

    report: Report
    documents: list[Document]
    formats: tuple[str, ...] = ("docx",)
    packet_pdf: bytes | None = None
    layout: list[LayoutNote] = field(default_factory=list)

    def files(self) -> list[tuple[str, bytes]]:
        """Every output file as (name, bytes), in writing order."""
        files = [item for doc in self.documents for item in doc.files(self.formats)]
        if self.packet_pdf is not None:
            files.append((PACKET_PDF, self.packet_pdf))
        return files

    @property
    def manifest(self) -> dict[str, Any] | None:
        """The packet's manifest (inputs, profile, outputs with hashes, findings); None for one document."""
        return _manifest(self) if self.report.scope == PACKET else None

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write every output (and the manifest, for a packet) into ``out_dir`` as one set, atomically."""
        files = self.files()
        manifest = self.manifest
        if manifest is not None:
            files.append(("manifest.json", (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()))
        return write_set(Path(out_dir), files)  # all files or none: a killed run never leaves a mixed set


def default_stem(kind: Kind) -> str:
    """The file name (without suffix) of a kind's document, e.g. ``01-项目申请表``."""
    return f"{kind.order:02d}-{kind.title}"


def document_properties(report: Report, kind: Kind | None) -> dict[str, str]:
    """Title, author, subject and keywords (with the input hash) of a document, or of the packet (kind None)."""
    record = report.record
    assert report.policy is not None
    title = kind.title if kind else "工伤预防项目申报材料"
    if kind is not None and kind.standalone:  # a notice is its own record: its title and issuer
        name, author = record["notice"]["title"], record["notice"]["issuers"][0]
    else:
        name, author = record["project"]["name"], record["applicant"]["name"]
    return {
        "title": f"{name} {title}",
        "author": author,
        "subject": title,
        "keywords": f"工伤预防; {report.policy.id}; sha256:{report.source.sha256}",
    }


def once(notes: list[LayoutNote]) -> list[LayoutNote]:
    """Font substitutions and other run-wide notes are reported once, not once per document."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for note in notes:
        key = (note.code, note.message) if not note.where else (note.file + note.where, note.message)
        if key not in seen:
            seen.add(key)
            kept.append(note)
    return kept


def _manifest(rendered: Rendered) -> dict[str, Any]:
    report = rendered.report
    assert report.policy is not None
    kinds_by_file = {name: doc.kind for doc in rendered.documents for name, _ in doc.files(rendered.formats)}
    return {
        "generator": f"docgen {__version__}",
        "input": {"name": report.source.name, "sha256": report.source.sha256},
        "policy": report.policy.summary(),
        "outputs": [{"kind": kinds_by_file.get(name, PACKET), "file": name, "sha256": sha256_hex(data),
                     "bytes": len(data)} for name, data in rendered.files()],
        "findings": [f.to_dict() for f in report.findings],
        "layout": [{"file": n.file, "code": n.code, "where": n.where, "message": n.message} for n in rendered.layout],
    }
