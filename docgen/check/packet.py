"""Cross-document rules: facts one document states that another must agree with."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from docgen.check.registry import rule
from docgen.findings import Finding, Severity
from docgen.policies import Policy
from docgen.schemas import label_for


@rule("/feasibility/leader", "/plan/team")
def leader_not_in_team(record: dict[str, Any], policy: Policy) -> Iterator[Finding]:
    """The 可研报告's project leader should appear in the 实施方案's team table."""
    leader = record["feasibility"]["leader"]["name"]
    if leader not in {member["name"] for member in record["plan"]["team"]}:
        path = "/feasibility/leader/name"
        yield Finding("packet.leader_not_in_team", path, label_for(path),
                      f"可行性研究报告中的项目负责人「{leader}」不在实施方案的项目团队分工表中", Severity.WARNING)

