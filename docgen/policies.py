"""Regional rule profiles: TOML files under `policies/`, each figure with the article it comes from.

A profile is a set of named rules (tables such as ``[project_budget_cap]``), each holding its numbers and
a ``source``. Profiles may pull in shared standards (``standards = [...]``, files under
`policies/standards/`), e.g. the 培训费 standard of 财行〔2016〕540号. Check code reads every number
from here; no regulation's figure is written in Python.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from docgen.errors import ConfigError, UnknownPolicyError
from docgen.resources import data_dir

DEFAULT_POLICY = "national-2017"
_HEADER_KEYS = {"id", "name", "region", "document", "issued", "standards"}


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of a profile: its numbers and where they come from."""

    name: str
    values: Mapping[str, Any]
    source: str

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def __contains__(self, key: object) -> bool:
        return key in self.values

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, or ``default``."""
        return self.values.get(key, default)


@dataclass(frozen=True, slots=True)
class Policy:
    """A rule profile: identity, the document it implements, and its rules by name."""

    id: str
    name: str
    region: str
    document: str
    issued: str = ""
    rules: Mapping[str, Rule] = field(default_factory=dict)

    def rule(self, name: str) -> Rule | None:
        """The rule called ``name``, or None when this profile has no such rule."""
        return self.rules.get(name)

    def summary(self) -> dict[str, str]:
        """The identity fields templates and manifests show."""
        return {"id": self.id, "name": self.name, "region": self.region, "document": self.document}


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh, parse_float=Decimal)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"规则文件 {path} 无法读取：{exc}") from exc


def _rules(data: Mapping[str, Any], path: Path) -> dict[str, Rule]:
    rules = {}
    for name, table in data.items():
        if name in _HEADER_KEYS:
            continue
        if not isinstance(table, dict) or "source" not in table:
            raise ConfigError(f"规则文件 {path} 中 [{name}] 缺少 source（出处）")
        values = {k: v for k, v in table.items() if k != "source"}
        rules[name] = Rule(name, values, table["source"])
    return rules


@cache
def _standard(standard_id: str) -> dict[str, Rule]:
    path = data_dir("policies") / "standards" / f"{standard_id}.toml"
    if not path.is_file():
        raise ConfigError(f"找不到标准文件 {path}")
    return _rules(_read(path), path)


@cache
def load_policy(policy_id: str) -> Policy:
    """Load a profile by id, its shared standards merged under its own rules."""
    path = data_dir("policies") / f"{policy_id}.toml"
    if not path.is_file():
        known = "、".join(policy_ids())
        raise UnknownPolicyError(f"没有编号为「{policy_id}」的政策规则；可用的规则：{known}")
    data = _read(path)
    rules: dict[str, Rule] = {}
    for standard_id in data.get("standards", []):
        rules.update(_standard(standard_id))
    rules.update(_rules(data, path))
    return Policy(data["id"], data["name"], data.get("region", ""), data["document"],
                  str(data.get("issued", "")), rules)


def policy_ids() -> list[str]:
    """Ids of every shipped profile."""
    return sorted(p.stem for p in data_dir("policies").glob("*.toml"))


def all_policies() -> list[Policy]:
    """Every shipped profile, loaded."""
    return [load_policy(pid) for pid in policy_ids()]
