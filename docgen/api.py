"""The public operations: validate a record, render one document, render the filing packet.

The CLI and any other front end are thin layers over these functions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen import __version__
from docgen.check import run_rules
from docgen.context import build_context
from docgen.errors import DataError, UnknownPolicyError
from docgen.findings import Finding, has_errors
from docgen.load import Source, from_mapping, read_record
from docgen.output import sha256_hex, write_atomic
from docgen.policies import DEFAULT_POLICY, Policy, load_policy, policy_ids
from docgen.render_docx import find_template, render_docx
from docgen.schemas import Kind, get_kind, kinds, normalise_money, record_schema
from docgen.validate import document_order, schema_findings

RecordInput = str | Path | Mapping[str, Any] | Source
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
class Document:
    """One rendered file, not yet written."""

    kind: str
    filename: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Rendered:
    """Rendered documents plus the report they were checked with; `write` puts them on disk."""

    report: Report
    documents: list[Document]
    manifest: dict[str, Any] | None = field(default=None)

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write every document (and the manifest, for a packet) atomically into ``out_dir``."""
        out = Path(out_dir)
        paths = [write_atomic(out / doc.filename, doc.data) for doc in self.documents]
        if self.manifest is not None:
            text = json.dumps(self.manifest, ensure_ascii=False, indent=2) + "\n"
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
    """Check a record for every document of the filing packet, plus the cross-document rules."""
    return _check(as_source(record), _packet_kinds(), policy, scope="packet")


def render(record: RecordInput, kind: str, *, policy: str | None = None, templates: str | Path | None = None,
           force: bool = False) -> Rendered:
    """Check and render one document; raises `DataError` when the record has errors (unless ``force``)."""
    report = validate(record, kind, policy=policy)
    _refuse_if_errors(report, force=force)
    return Rendered(report, [_render_kind(report, get_kind(kind), templates)])


def render_packet(record: RecordInput, *, policy: str | None = None, templates: str | Path | None = None,
                  force: bool = False) -> Rendered:
    """Check and render the whole filing packet with its manifest."""
    report = validate_packet(record, policy=policy)
    _refuse_if_errors(report, force=force)
    documents = [_render_kind(report, kind, templates) for kind in _packet_kinds()]
    return Rendered(report, documents, _manifest(report, documents))


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
    return Report(scope, source, record, policy, sorted(all_findings, key=lambda f: document_order(f.path)))


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
    blocking = errors if not force else [f for f in errors if f.code.startswith(("schema.", "policy."))]
    if blocking:
        raise DataError(report.findings)


def _render_kind(report: Report, kind: Kind, templates: str | Path | None) -> Document:
    assert report.policy is not None  # an unknown policy is an error finding, refused before rendering
    context = build_context(report.record, report.policy, input_sha256=report.source.sha256)
    template = find_template(kind.name, Path(templates) if templates else None)
    data = render_docx(template, context, properties=_properties(report, kind))
    return Document(kind.name, f"{kind.order:02d}-{kind.title}.docx", data)


def _properties(report: Report, kind: Kind) -> dict[str, str]:
    record = report.record
    assert report.policy is not None
    return {
        "title": f"{record['project']['name']} {kind.title}",
        "author": record["applicant"]["name"],
        "subject": kind.title,
        "keywords": f"工伤预防; {report.policy.id}; sha256:{report.source.sha256}",
        "comments": f"docgen {__version__}",
    }


def _manifest(report: Report, documents: list[Document]) -> dict[str, Any]:
    assert report.policy is not None
    return {
        "generator": f"docgen {__version__}",
        "input": {"name": report.source.name, "sha256": report.source.sha256},
        "policy": report.policy.summary(),
        "outputs": [{"kind": d.kind, "file": d.filename, "sha256": sha256_hex(d.data), "bytes": len(d.data)}
                    for d in documents],
        "findings": [f.to_dict() for f in report.findings],
    }
