"""Checking a record for one kind or for the filing packet: schema, policy rules and attachments, all at once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from docgen.attachments import attachment_findings
from docgen.check import run_rules
from docgen.errors import UnknownPolicyError
from docgen.findings import Finding, has_errors
from docgen.load import Source, from_mapping, read_record
from docgen.policies import DEFAULT_POLICY, Policy, load_policy, policy_ids
from docgen.schemas import Kind, get_kind, kinds, normalise_money, record_schema
from docgen.seals import seal_findings
from docgen.validate import document_order, schema_findings

RecordInput = str | Path | Mapping[str, Any] | Source
PACKET = "packet"
_FREE_KEYS = {"policy", "extra", "attachments"}
_BLOCKING_ANYWAY = ("schema.", "policy.", "attachment.")  # errors even ``force`` cannot render past


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

    def blocking(self, *, force: bool) -> list[Finding]:
        """The errors that stop rendering: all of them, or with ``force`` those of schema, policy and attachments."""
        errors = [f for f in self.findings if f.is_error]
        return [f for f in errors if f.code.startswith(_BLOCKING_ANYWAY)] if force else errors

    @property
    def sections(self) -> set[str]:
        """The record sections the checked documents show (a standalone kind's: all but ``policy``)."""
        found: set[str] = set()
        for kind in scope_kinds(self.scope):
            found.update(set(kind.schema.get("properties", {})) - {"policy"} if kind.standalone else kind.sections)
        return found

    def adding(self, findings: list[Finding]) -> Report:
        """This report with more findings, kept in document order."""
        return Report(self.scope, self.source, self.record, self.policy, in_order(self.findings + findings))


def as_source(record: RecordInput) -> Source:
    """Normalise the accepted record inputs (path, dict, `Source`) to a `Source`."""
    if isinstance(record, Source):
        return record
    if isinstance(record, Mapping):
        return from_mapping(record)
    return read_record(record)


def packet_kinds() -> list[Kind]:
    """The kinds of the filing packet, in order."""
    return [kind for kind in kinds().values() if kind.in_packet]


def scope_kinds(scope: str) -> list[Kind]:
    """The kinds a scope checks: one kind by name, or every kind of the packet."""
    return packet_kinds() if scope == PACKET else [get_kind(scope)]


def check(source: Source, scope: str, policy_override: str | None = None) -> Report:
    """Check ``source`` for one kind (its name) or the packet (``packet``); every finding, in document order."""
    checked = scope_kinds(scope)
    findings: dict[tuple[str, str], Finding] = {}
    for kind in checked:
        for finding in schema_findings(sections_for(source.data, kind), kind.name):
            findings.setdefault((finding.path, finding.code), finding)
    schema_errors = [f.path for f in findings.values()]
    policy, policy_findings = _resolve_policy(source.data, policy_override)
    record = normalise_money(source.data)
    all_findings = [*findings.values(), *policy_findings]
    if policy is not None:
        sections = {section for kind in checked for section in kind.sections}
        all_findings += run_rules(record, policy, sections=sections, schema_errors=schema_errors)
    if scope == PACKET and "/attachments" not in schema_errors:
        all_findings += attachment_findings(record, source.base_dir)
    all_findings += seal_findings(record, source.base_dir, [kind.name for kind in checked], schema_errors)
    if source.cells:  # a workbook: each finding also names its sheet and cell
        all_findings = [replace(f, cell=f.cell or source.cell(f.path)) for f in [*source.findings, *all_findings]]
    return Report(scope, source, record, policy, in_order(all_findings))


def in_order(findings: list[Finding]) -> list[Finding]:
    """Findings in the order of the fields they name."""
    return sorted(findings, key=lambda f: document_order(f.path))


def sections_for(data: dict[str, Any], kind: Kind) -> dict[str, Any]:
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
