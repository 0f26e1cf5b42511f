"""The public operations: validate a record, render one document, render the filing packet.

The CLI and any other front end are thin layers over these functions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen import __version__
from docgen.assemble import Part, merge
from docgen.attachments import attachment_findings, attachment_parts
from docgen.check import run_rules
from docgen.context import build_context
from docgen.errors import DataError, UnknownPolicyError, UsageError
from docgen.findings import Finding, has_errors
from docgen.load import Source, from_mapping, read_record
from docgen.output import sha256_hex, write_atomic
from docgen.policies import DEFAULT_POLICY, Policy, load_policy, policy_ids
from docgen.render_docx import find_template, render_docx
from docgen.schemas import Kind, get_kind, kinds, normalise_money, record_schema
from docgen.typeset import DEFAULT_ENGINE, check_engine, font_map, glyph_findings, to_pdf
from docgen.validate import document_order, schema_findings

RecordInput = str | Path | Mapping[str, Any] | Source
FORMATS = ("docx", "pdf")
PACKET_PDF = "packet.pdf"
_FREE_KEYS = {"policy", "extra", "attachments"}


@dataclass(frozen=True, slots=True)
class Report:
    """The outcome of checking a record for one kind or for the packet."""

    scope: str
    source: Source
    record: dict[str, Any]
    policy: Policy | None
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        """True when no finding is an error (warnings allowed)."""
        return not has_errors(self.findings)


@dataclass(frozen=True, slots=True)
class LayoutNote:
    """Something the PDF engine could not lay out as Word would, in one output file."""

    file: str
    code: str
    where: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file} {self.where}".strip()
        return f"[排版] {where}：{self.message}  〔{self.code}〕"


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
        return _manifest(self) if self.report.scope == "packet" else None

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write every output (and the manifest, for a packet) atomically into ``out_dir``."""
        out = Path(out_dir)
        paths = [write_atomic(out / name, data) for name, data in self.files()]
        manifest = self.manifest
        if manifest is not None:
            text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
            paths.append(write_atomic(out / "manifest.json", text.encode()))
        return paths


def as_source(record: RecordInput) -> Source:
    """Normalise the accepted record inputs (path, dict, `Source`) to a `Source`."""
    if isinstance(record, Source):
        return record
    if isinstance(record, Mapping):
        return from_mapping(record)
    return read_record(record)


def validate(record: RecordInput, kind: str, *, policy: str | None = None) -> Report:
    """Check a record for one document kind: schema, then the profile's rules; all findings at once."""
    return _check(as_source(record), [get_kind(kind)], policy, scope=kind)


def validate_packet(record: RecordInput, *, policy: str | None = None) -> Report:
    """Check a record for every document of the filing packet, plus cross-document rules and attachments."""
    return _check(as_source(record), _packet_kinds(), policy, scope="packet")


def render(record: RecordInput, kind: str, *, to: Sequence[str] = ("docx",), policy: str | None = None,
           templates: str | Path | None = None, fonts: str | Path | None = None, force: bool = False,
           pdf_engine: str = DEFAULT_ENGINE) -> Rendered:
    """Check and render one document as docx and/or PDF; raises `DataError` when the record has errors.

    ``pdf_engine`` is ``docgen`` (our typesetter, deterministic) or ``libreoffice`` (``soffice`` on PATH).
    """
    formats = _formats(to)
    check_engine(pdf_engine, needed="pdf" in formats)
    report = _with_glyphs(validate(record, kind, policy=policy), formats, fonts)
    _refuse_if_errors(report, force=force)
    document, notes = _render_kind(report, get_kind(kind), formats, templates, fonts, pdf_engine)
    return Rendered(report, [document], formats, layout=notes)


def render_packet(record: RecordInput, *, to: Sequence[str] = ("docx",), policy: str | None = None,
                  templates: str | Path | None = None, fonts: str | Path | None = None,
                  force: bool = False, pdf_engine: str = DEFAULT_ENGINE) -> Rendered:
    """Check and render the filing packet; with PDF, also one ``packet.pdf`` with attachments and bookmarks."""
    formats = _formats(to)
    check_engine(pdf_engine, needed="pdf" in formats)
    report = _with_glyphs(validate_packet(record, policy=policy), formats, fonts)
    _refuse_if_errors(report, force=force)
    documents, notes = [], []
    for kind in _packet_kinds():
        document, kind_notes = _render_kind(report, kind, formats, templates, fonts, pdf_engine)
        documents.append(document)
        notes += kind_notes
    packet_pdf = _packet_pdf(report, documents, fonts) if "pdf" in formats else None
    return Rendered(report, documents, formats, packet_pdf, _once(notes))


def _formats(to: Sequence[str]) -> tuple[str, ...]:
    unknown = [fmt for fmt in to if fmt not in FORMATS]
    if unknown or not to:
        raise UsageError(f"不支持的输出格式：{'、'.join(unknown) or '（空）'}；可用：{'、'.join(FORMATS)}")
    return tuple(fmt for fmt in FORMATS if fmt in to)


def _packet_kinds() -> list[Kind]:
    return [kind for kind in kinds().values() if kind.in_packet]


def _check(source: Source, scope_kinds: Iterable[Kind], policy_override: str | None, *, scope: str) -> Report:
    scope_kinds = list(scope_kinds)
    findings: dict[tuple[str, str], Finding] = {}
    for kind in scope_kinds:
        for finding in schema_findings(_sections_for(source.data, kind), kind.name):
            findings.setdefault((finding.path, finding.code), finding)
    schema_errors = [f.path for f in findings.values()]
    policy, policy_findings = _resolve_policy(source.data, policy_override)
    record = normalise_money(source.data)
    all_findings = [*findings.values(), *policy_findings]
    if policy is not None:
        sections = {section for kind in scope_kinds for section in kind.sections}
        all_findings += run_rules(record, policy, sections=sections, schema_errors=schema_errors)
    if scope == "packet" and "/attachments" not in schema_errors:
        all_findings += attachment_findings(record, source.base_dir)
    return Report(scope, source, record, policy, _sorted(all_findings))


def _sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: document_order(f.path))


def _with_glyphs(report: Report, formats: tuple[str, ...], fonts: str | Path | None) -> Report:
    """Add missing-glyph warnings when a PDF is wanted and the record is otherwise renderable."""
    if "pdf" not in formats or any(f.code.startswith(("schema.", "policy.")) for f in report.findings):
        return report
    sections = set(get_kind(report.scope).sections) if report.scope != "packet" else {
        section for kind in _packet_kinds() for section in kind.sections}
    extra = glyph_findings(report.record, sections, fonts=_path(fonts))
    return Report(report.scope, report.source, report.record, report.policy, _sorted(report.findings + extra))


def _sections_for(data: dict[str, Any], kind: Kind) -> dict[str, Any]:
    """The record as one kind sees it: sections of other kinds left out, unknown keys kept (to report)."""
    known = set(record_schema()["properties"]) - _FREE_KEYS
    return {key: value for key, value in data.items() if key not in known or key in kind.sections}


def _resolve_policy(data: dict[str, Any], override: str | None) -> tuple[Policy | None, list[Finding]]:
    if override is not None:
        return load_policy(override), []  # an unknown --policy is a usage error, raised as such
    policy_id = data.get("policy", DEFAULT_POLICY)
    try:
        return load_policy(str(policy_id)), []
    except UnknownPolicyError:
        message = f"没有编号为「{policy_id}」的政策规则；可用的规则：{'、'.join(policy_ids())}"
        return None, [Finding("policy.unknown", "/policy", "政策规则", message)]


def _refuse_if_errors(report: Report, *, force: bool) -> None:
    errors = [f for f in report.findings if f.is_error]
    blocking = errors if not force else [f for f in errors if f.code.startswith(("schema.", "policy.", "attachment."))]
    if blocking:
        raise DataError(report.findings)


def _render_kind(report: Report, kind: Kind, formats: tuple[str, ...], templates: str | Path | None,
                 fonts: str | Path | None, engine: str) -> tuple[Document, list[LayoutNote]]:
    assert report.policy is not None  # an unknown policy is an error finding, refused before rendering
    context = build_context(report.record, report.policy, kind=kind.name, input_sha256=report.source.sha256)
    template = find_template(kind.name, _path(templates))
    properties = document_properties(report, kind)
    docx = render_docx(template, context, properties=properties)
    stem = f"{kind.order:02d}-{kind.title}"
    if "pdf" not in formats:
        return Document(kind.name, stem, docx), []
    result = to_pdf(docx, metadata=properties, fonts=_path(fonts), engine=engine, name=f"{stem}.docx")
    notes = [LayoutNote(f"{stem}.pdf", w.code, w.where, w.message) for w in result.warnings]
    return Document(kind.name, stem, docx, result.pdf, result.pages), notes


def _packet_pdf(report: Report, documents: list[Document], fonts: str | Path | None) -> bytes:
    parts = [Part(get_kind(doc.kind).title, doc.pdf) for doc in documents if doc.pdf is not None]
    parts += attachment_parts(report.record, report.source.base_dir, font_map(_path(fonts)))
    return merge(parts, metadata=document_properties(report, None))


def _once(notes: list[LayoutNote]) -> list[LayoutNote]:
    """Font substitutions and other run-wide notes are reported once, not once per document."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for note in notes:
        key = (note.code, note.message) if not note.where else (note.file + note.where, note.message)
        if key not in seen:
            seen.add(key)
            kept.append(note)
    return kept


def _path(value: str | Path | None) -> Path | None:
    return Path(value) if value is not None else None


def document_properties(report: Report, kind: Kind | None) -> dict[str, str]:
    """Title, author, subject and keywords (with the input hash) of a document, or of the packet (kind None)."""
    record = report.record
    assert report.policy is not None
    title = kind.title if kind else "工伤预防项目申报材料"
    if "notice" in record and "project" not in record:  # a notice is its own record: its title and issuer
        name, author = record["notice"]["title"], record["notice"]["issuers"][0]
    else:
        name, author = record["project"]["name"], record["applicant"]["name"]
    return {
        "title": f"{name} {title}",
        "author": author,
        "subject": title,
        "keywords": f"工伤预防; {report.policy.id}; sha256:{report.source.sha256}",
    }


def _manifest(rendered: Rendered) -> dict[str, Any]:
    report = rendered.report
    assert report.policy is not None
    kinds_by_file = {name: doc.kind for doc in rendered.documents for name, _ in doc.files(rendered.formats)}
    return {
        "generator": f"docgen {__version__}",
        "input": {"name": report.source.name, "sha256": report.source.sha256},
        "policy": report.policy.summary(),
        "outputs": [{"kind": kinds_by_file.get(name, "packet"), "file": name, "sha256": sha256_hex(data),
                     "bytes": len(data)} for name, data in rendered.files()],
        "findings": [f.to_dict() for f in report.findings],
        "layout": [{"file": n.file, "code": n.code, "where": n.where, "message": n.message} for n in rendered.layout],
    }
