"""The shipped JSON Schemas: document kinds, the validator, field labels and money normalisation.

`schemas/record.schema.json` describes the whole project record; each `schemas/<kind>.schema.json`
refers to it and lists the sections that kind requires. Adding a kind means adding a schema file
(with an ``x-docgen`` block) and a template of the same name.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import jsonschema
from referencing import Registry, Resource

from docgen.errors import ConfigError, UnknownKindError
from docgen.money import UPPER_LIMIT, to_decimal
from docgen.resources import data_dir

RECORD = "record"
_RECORD_ID = "urn:docgen:record"


@dataclass(frozen=True, slots=True)
class Kind:
    """A document kind: its id, Chinese title, order in the packet and the form it reproduces."""

    name: str
    title: str
    order: int
    source: str
    in_packet: bool
    schema: dict[str, Any]

    @property
    def sections(self) -> tuple[str, ...]:
        """Top-level record sections this kind requires."""
        return tuple(self.schema.get("required", ()))

    @property
    def standalone(self) -> bool:
        """True for a kind that is its own record (its schema does not refer to the project record), e.g. notice."""
        return not _refers_to_record(self.schema)


@cache
def _load(name: str) -> dict[str, Any]:
    path = data_dir("schemas") / f"{name}.schema.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"模式文件 {path} 无法读取：{exc}") from exc


def record_schema() -> dict[str, Any]:
    """The schema of the whole project record."""
    return _load(RECORD)


@cache
def kinds() -> dict[str, Kind]:
    """All document kinds, in packet order."""
    found = []
    for path in data_dir("schemas").glob("*.schema.json"):
        name = path.name.removesuffix(".schema.json")
        schema = _load(name)
        meta = schema.get("x-docgen")
        if meta is None:
            continue
        found.append(Kind(name, schema["title"], int(meta["order"]), meta.get("source", ""),
                          bool(meta.get("packet", False)), schema))
    return {k.name: k for k in sorted(found, key=lambda k: k.order)}


def get_kind(name: str) -> Kind:
    """Look a kind up by name, with a Chinese error listing the known ones."""
    try:
        return kinds()[name]
    except KeyError:
        known = "、".join(kinds())
        raise UnknownKindError(f"没有名为「{name}」的文书类型；可用的类型：{known}") from None


@cache
def validator(kind: str) -> jsonschema.Draft202012Validator:
    """A validator for one kind, with the record schema registered and formats checked."""
    record = Resource.from_contents(inline_refs(record_schema()))
    registry: Registry = Registry().with_resource(_RECORD_ID, record)
    checker = jsonschema.FormatChecker(formats=("date",))
    checker.checks("yuan", raises=(ValueError,))(_is_yuan)
    return jsonschema.Draft202012Validator(inline_refs(get_kind(kind).schema), registry=registry,
                                           format_checker=checker)


# ---- local $refs inlined for the validator -----------------------------------------------------------------
# Following a $ref costs jsonschema a registry lookup and a nested validator per use, about half of the time
# a record takes to validate. A local ``{"$ref": "#/$defs/x", …}`` whose siblings share no validating keyword
# with the definition validates exactly like the node with the definition's keywords put in the $ref's place:
# the same keywords run in the same order on the same instance, so the same errors come out in the same order
# (only their schema_path differs, which docgen never reads).

_DEFS = "#/$defs/"
_ANNOTATIONS = {"title", "description", "default", "examples", "$comment", "deprecated", "readOnly", "writeOnly"}
_SUBSCHEMA = {"items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"}
_SUBSCHEMA_MAPS = {"properties", "patternProperties", "dependentSchemas", "$defs"}
_SUBSCHEMA_LISTS = {"allOf", "anyOf", "oneOf", "prefixItems"}
# Keywords whose meaning depends on where a schema sits or what else was evaluated: with any of them, no inlining.
_POSITIONAL = {"$anchor", "$dynamicAnchor", "$dynamicRef", "$recursiveAnchor", "$recursiveRef",
               "unevaluatedItems", "unevaluatedProperties"}


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """A schema document with its local ``#/$defs/…`` references inlined where that changes no error.

    A new document; ``schema`` itself when it has a nested ``$id`` or a keyword listed in ``_POSITIONAL``.
    """
    if any(_POSITIONAL & node.keys() or ("$id" in node and node is not schema) for node in _walk(schema)):
        return schema
    return _inlined(schema, schema.get("$defs", {}), ())


def _inlined(node: Any, defs: dict[str, Any], expanding: tuple[str, ...]) -> Any:
    if not isinstance(node, dict):
        return node
    out = {key: _inlined_keyword(key, value, defs, expanding) for key, value in node.items()}
    name = _local_def(out.get("$ref"), defs)
    if name is None or name in expanding:  # not a local definition, or a recursive one
        return out
    target = _inlined(defs[name], defs, (*expanding, name))
    if not _mergeable(out, target):
        return out
    merged: dict[str, Any] = {}
    for key, value in out.items():
        if key == "$ref":
            merged.update((k, v) for k, v in target.items() if k not in out)
        else:
            merged[key] = value
    return merged


def _mergeable(node: dict[str, Any], target: Any) -> bool:
    """True when ``target``'s keywords can stand in for ``node``'s $ref: plain keywords, none validated twice."""
    if not isinstance(target, dict) or target.keys() & {"$ref", "$id", "$schema", "$defs"}:
        return False
    shared = (node.keys() - {"$ref"}) & target.keys()
    return all(key in _ANNOTATIONS or key.startswith("x-") for key in shared)


def _inlined_keyword(key: str, value: Any, defs: dict[str, Any], expanding: tuple[str, ...]) -> Any:
    if key in _SUBSCHEMA:
        return _inlined(value, defs, expanding)
    if key in _SUBSCHEMA_MAPS and isinstance(value, dict):
        return {name: _inlined(sub, defs, expanding) for name, sub in value.items()}
    if key in _SUBSCHEMA_LISTS and isinstance(value, list):
        return [_inlined(sub, defs, expanding) for sub in value]
    return value


def _local_def(ref: Any, defs: dict[str, Any]) -> str | None:
    if not isinstance(ref, str) or not ref.startswith(_DEFS):
        return None
    name = ref.removeprefix(_DEFS)
    return name if name in defs and "/" not in name and "~" not in name and "%" not in name else None


def _is_yuan(value: object) -> bool:
    if not isinstance(value, int | Decimal | str) or isinstance(value, bool):
        return True  # the "type" keyword reports these
    return 0 <= to_decimal(value) < UPPER_LIMIT  # the forms write amounts in 大写, which stops below 1 万亿


def _resolve(node: dict[str, Any], root: dict[str, Any] | None = None) -> dict[str, Any]:
    ref = node.get("$ref")
    if ref and ref.startswith("#/$defs/"):
        resolved = (root or record_schema())["$defs"][ref.removeprefix("#/$defs/")]
        return {**resolved, "title": node["title"]} if "title" in node else resolved
    return node


def _standalone_root(section: str) -> dict[str, Any]:
    """The schema that describes a top-level section: the record's, or a standalone kind's (e.g. notice)."""
    record = record_schema()
    if section in record.get("properties", {}):
        return record
    for kind in kinds().values():
        if section in kind.schema.get("properties", {}) and kind.standalone:
            return kind.schema
    return record


def _refers_to_record(schema: dict[str, Any]) -> bool:
    return any(str(node.get("$ref", "")).startswith(_RECORD_ID) for node in _walk(schema))


@cache
def schema_at(pointer: str) -> dict[str, Any] | None:
    """The schema node describing the field at a JSON Pointer, or None if the schema has none.

    Sections of the project record are looked up in the record schema; sections that only a standalone
    kind has (a kind whose schema does not refer to the record, such as ``notice``) in that kind's schema.
    """
    tokens = split_pointer(pointer)
    root = _standalone_root(tokens[0]) if tokens else record_schema()
    node = root
    for token in tokens:
        node = _resolve(node, root)
        if "items" in node and token.isdigit():
            node = node["items"]
        elif token in node.get("properties", {}):
            node = node["properties"][token]
        else:
            return None
    return _resolve(node, root)


def label_for(pointer: str) -> str:
    """Chinese label of a field: its schema title, prefixed with the row for items of a list."""
    tokens = split_pointer(pointer)
    node = schema_at(pointer)
    title = node.get("title", tokens[-1]) if node else (tokens[-1] if tokens else "记录")
    for i in range(len(tokens) - 1, -1, -1):
        if tokens[i].isdigit():
            parent = schema_at(join_pointer(tokens[:i])) or {}
            row = f"{parent.get('title', '列表')}第{int(tokens[i]) + 1}项"
            return row if i == len(tokens) - 1 else f"{row}·{title}"
    return title


def enum_labels() -> dict[str, str]:
    """Chinese labels of enum values, collected from the schema's ``x-labels`` annotations."""
    labels: dict[str, str] = {}
    for node in _walk(record_schema()):
        labels.update(node.get("x-labels", {}))
    return labels


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def normalise_money(data: Any, pointer: str = "") -> Any:
    """Return a copy of the record with every valid money field (format ``yuan``) as a Decimal."""
    node = schema_at(pointer) if pointer else record_schema()
    if node is not None and node.get("format") == "yuan":
        try:
            return to_decimal(data)
        except (ValueError, TypeError):
            return data
    if isinstance(data, dict):
        return {k: normalise_money(v, f"{pointer}/{escape(k)}") for k, v in data.items()}
    if isinstance(data, list):
        return [normalise_money(v, f"{pointer}/{i}") for i, v in enumerate(data)]
    return data


def escape(token: str) -> str:
    """Escape one JSON Pointer token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def split_pointer(pointer: str) -> list[str]:
    """Split a JSON Pointer into unescaped tokens."""
    if not pointer:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.lstrip("/").split("/")]


def join_pointer(tokens: list[str] | tuple[str | int, ...]) -> str:
    """Join tokens into a JSON Pointer."""
    return "".join(f"/{escape(str(t))}" for t in tokens)
