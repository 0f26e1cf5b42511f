"""The rule registry and runner."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from docgen.findings import Finding
from docgen.policies import Policy
from docgen.schemas import record_schema, split_pointer

_FREE_KEYS = {"policy", "extra", "attachments"}  # not sections of a kind: every rule may read them
RuleFunc = Callable[[dict[str, Any], Policy], Iterator[Finding]]


@dataclass(frozen=True, slots=True)
class _Registered:
    func: RuleFunc
    reads: tuple[str, ...]
    sections: frozenset[str]  # the top-level sections of ``reads``; rules run per record, so worked out once

    def blocked_by(self, error_paths: Iterable[str]) -> bool:
        return any(_overlaps(read, bad) for read in self.reads for bad in error_paths)


_RULES: list[_Registered] = []


def rule(*reads: str) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule that reads the fields at the given JSON Pointers (``*`` for every list item)."""

    def register(func: RuleFunc) -> RuleFunc:
        _RULES.append(_Registered(func, reads, frozenset(split_pointer(p)[0] for p in reads)))
        return func

    return register


def _overlaps(read: str, bad: str) -> bool:
    """True when a schema error at ``bad`` touches the input ``read`` (``*`` matches any list index)."""
    return all(r in ("*", b) for r, b in zip(split_pointer(read), split_pointer(bad), strict=False))


def run_rules(record: dict[str, Any], policy: Policy, *, sections: Iterable[str],
              schema_errors: Iterable[str] = ()) -> list[Finding]:
    """Run every rule whose sections are in scope and present and whose inputs are schema-valid."""
    _load_rule_modules()
    scope = set(sections) & set(record)
    errors = list(schema_errors)
    findings: list[Finding] = []
    for registered in _RULES:
        if registered.sections <= scope and not registered.blocked_by(errors):
            findings.extend(registered.func(_view(record, registered.sections), policy))
    return findings


def _view(record: dict[str, Any], sections: frozenset[str]) -> dict[str, Any]:
    """The record without the project sections a rule does not declare.

    Errors in those sections do not block the rule, so a rule reading one would see values whose schema
    failed; without them it fails in the tests instead.
    """
    undeclared = set(record_schema()["properties"]) - sections - _FREE_KEYS
    return {key: value for key, value in record.items() if key not in undeclared}


def _load_rule_modules() -> None:
    # Importing the modules registers their rules; done lazily to keep the import graph acyclic.
    from docgen.check import (  # noqa: F401
        acceptance,
        agreement,
        annual_plan,
        applicant,
        budget,
        notice,
        packet,
        plan,
        project,
        provider,
    )
