"""Forms generated from the record schema, and form posts read back into a record.

Every input is named by the JSON Pointer of its field, so findings land under their fields and a posted
form turns back into the record without per-section code. Widgets follow the schema: enums and profile
lists become drop-downs, ``format: date`` a date input, ``format: yuan`` a money input, ``format: percent`` a
percentage input (the record keeps the fraction: 50 shown, 0.5 stored), arrays of objects editable tables, objects
fieldsets.
"""

from __future__ import annotations

import fnmatch
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from docgen.findings import Finding
from docgen.policies import DEFAULT_POLICY, all_policies, load_policy
from docgen.schemas import Kind, escape, kinds, label_for, split_pointer
from docgen.web.records import (
    is_money,
    is_percent,
    money_text,
    parse_date_text,
    parse_money,
    parse_percent,
    percent_text,
    schema_for,
)

ROW = "__i__"  # the row index placeholder in a table's template row
ROW_MARK = "{row}"  # value of the hidden input that keeps an empty row


@cache
def _config() -> dict[str, Any]:
    with (Path(__file__).parent / "form.toml").open("rb") as fh:
        return tomllib.load(fh)


@dataclass(frozen=True, slots=True)
class Page:
    """One document's page: the kind and the top-level record fields it edits."""

    kind: Kind
    sections: tuple[str, ...]


@dataclass(slots=True)
class Input:
    """One field: where it is, how it is shown and its current value as text."""

    pointer: str
    label: str
    help: str
    required: bool
    widget: str  # text, date, money, percent, integer, number, bool, select
    value: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class Group:
    """An object of the record, shown as a fieldset."""

    pointer: str
    label: str
    help: str
    required: bool
    children: list[Input | Group | Table]


@dataclass(slots=True)
class Table:
    """An array of the record, shown as an editable table: one row per item, one column per leaf field."""

    pointer: str
    label: str
    help: str
    required: bool
    columns: list[Input]  # pointers relative to a row, e.g. ``/training/persons``
    rows: list[list[Input]]
    template: list[Input]  # the columns of a new row, pointers with ROW for the index


def pages() -> list[Page]:
    """The project's document pages in document order, each with the sections it is the first to need."""
    extra = _config()["pages"]
    hidden = set(_config()["hidden"]["sections"])
    seen: set[str] = set()
    found = []
    for kind in kinds().values():
        if kind.standalone:
            continue
        own = [s for s in extra.get(kind.name, []) if s not in seen]
        own += [s for s in kind.sections if s not in seen and s not in hidden]
        seen.update(own)
        found.append(Page(kind, tuple(own)))
    return found


def page_of(pointer: str) -> str | None:
    """The name of the page that edits the field at ``pointer``."""
    tokens = split_pointer(pointer)
    for page in pages():
        if tokens and tokens[0] in page.sections:
            return page.kind.name
    return None


def build(page: Page, record: dict[str, Any]) -> list[Input | Group | Table]:
    """The form of one page, filled with the record's values."""
    required = set(page.kind.sections)
    return [_node(f"/{escape(s)}", record.get(s), s in required, record) for s in page.sections]


def build_fields(pointers: Iterable[str], record: dict[str, Any]) -> list[Input | Group | Table]:
    """Form fields for the given pointers (e.g. the agency settings), filled from ``record``."""
    return [_node(pointer, _at(record, pointer), False, record) for pointer in pointers]


def _at(record: Any, pointer: str) -> Any:
    for token in split_pointer(pointer):
        record = record.get(token) if isinstance(record, dict) else None
    return record


def _node(pointer: str, value: Any, required: bool, record: dict[str, Any]) -> Input | Group | Table:
    schema = schema_for(pointer)
    label, help_text = schema.get("title", split_pointer(pointer)[-1]), schema.get("description", "")
    if schema.get("type") == "object" and "properties" in schema:
        value = value if isinstance(value, dict) else {}
        wanted = set(schema.get("required", ()))
        children = [_node(f"{pointer}/{escape(k)}", value.get(k), k in wanted, record) for k in schema["properties"]]
        return Group(pointer, label, help_text, required, children)
    if schema.get("type") == "array":
        return _table(pointer, schema, value if isinstance(value, list) else [], required, record)
    return _input(pointer, schema, value, required, record)


def _table(pointer: str, schema: dict[str, Any], rows: list[Any], required: bool,
           record: dict[str, Any]) -> Table:
    columns = _columns(f"{pointer}/0", "", "", True)
    filled = [[_cell(pointer, str(i), column, row, record) for column in columns] for i, row in enumerate(rows)]
    template = [_cell(pointer, ROW, column, {}, record) for column in columns]
    return Table(pointer, schema.get("title", ""), schema.get("description", ""), required, template, filled,
                 template)


def _columns(item_pointer: str, suffix: str, prefix: str, required: bool) -> list[Input]:
    """The leaf fields of a list item, nested objects flattened (``培训定额·参训人数``), pointers relative."""
    schema = schema_for(item_pointer + suffix)
    if schema.get("type") != "object" or "properties" not in schema:
        label = prefix or schema.get("title", "")
        return [Input(suffix, label, schema.get("description", ""), required, "")]
    wanted = set(schema.get("required", ()))
    columns = []
    for key in schema["properties"]:
        title = schema_for(f"{item_pointer}{suffix}/{escape(key)}").get("title", key)
        label = f"{prefix}·{title}" if prefix else title
        columns += _columns(item_pointer, f"{suffix}/{escape(key)}", label, required and key in wanted)
    return columns


def _cell(pointer: str, index: str, column: Input, row: Any, record: dict[str, Any]) -> Input:
    cell = _input(f"{pointer}/{index}{column.pointer}", schema_for(f"{pointer}/0{column.pointer}"),
                  _at(row, column.pointer),
                  column.required, record)
    cell.label = column.label
    return cell


def _input(pointer: str, schema: dict[str, Any], value: Any, required: bool, record: dict[str, Any]) -> Input:
    label = schema.get("title", split_pointer(pointer)[-1] if pointer else "")
    field_ = Input(pointer, label, schema.get("description", ""), required, _widget(schema), _text(schema, value))
    choices = _choices(pointer, schema, record)
    if choices is not None:
        field_.widget = "select"
        if field_.value and field_.value not in {v for v, _ in choices}:
            choices.append((field_.value, f"{field_.value}（不在列表中）"))  # keep what was typed
        field_.choices = choices
    return field_


def _widget(schema: dict[str, Any]) -> str:
    if is_money(schema):
        return "money"
    if is_percent(schema):
        return "percent"
    if schema.get("format") == "date":
        return "date"
    return {"integer": "integer", "number": "number", "boolean": "bool"}.get(str(schema.get("type")), "text")


def _choices(pointer: str, schema: dict[str, Any], record: dict[str, Any]) -> list[tuple[str, str]] | None:
    if "enum" in schema:
        labels = schema.get("x-labels", {})
        return [(str(v), labels.get(v, str(v))) for v in schema["enum"]]
    if schema.get("type") == "boolean":
        return [("true", "是"), ("false", "否")]
    generic = "/".join("*" if t.isdigit() or t == ROW else t for t in pointer.split("/"))
    for pattern, source in _config()["choices"].items():
        if not fnmatch.fnmatchcase(generic, pattern):
            continue
        if source.get("profiles"):
            return [(p.id, f"{p.name}（{p.id}）") for p in all_policies()]
        policy = load_policy(str(record.get("policy") or DEFAULT_POLICY)) if _known(record) else None
        rule = policy.rule(source["rule"]) if policy else None
        return [(str(v), str(v)) for v in rule[source["key"]]] if rule else None
    return None


def _known(record: dict[str, Any]) -> bool:
    return str(record.get("policy") or DEFAULT_POLICY) in {p.id for p in all_policies()}


def _text(schema: dict[str, Any], value: Any) -> str:
    if value is None:
        return ""
    if is_money(schema):
        return money_text(value)
    if is_percent(schema) and not isinstance(value, str | bool):
        return percent_text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ---- reading a posted form back ---------------------------------------------------------------------------------


def parse(items: Iterable[tuple[str, str]]) -> tuple[dict[str, Any], list[Finding]]:
    """The record fields a posted form holds (inputs named by JSON Pointer), and a finding per unreadable value.

    Empty inputs are left out (so a required one is reported missing), and so is a list without rows; a row
    that was added stays, even empty. A value that cannot be read is kept as typed, so nothing is lost, and
    reported.
    """
    root: dict[str, Any] = {}
    findings = []
    for name, raw in items:
        if not name.startswith("/"):
            continue
        tokens = split_pointer(name)
        if raw == ROW_MARK:
            _container(root, tokens)
            continue
        text = raw.strip()
        if not text:
            continue
        value, problem = _value(schema_for(name), text)
        if problem:
            findings.append(Finding("form.invalid", name, label_for(name), problem))
        _put(root, tokens, value)
    return _lists(root, ""), findings


def _value(schema: dict[str, Any], text: str) -> tuple[Any, str | None]:
    try:
        if is_money(schema):
            return str(parse_money(text)), None
        if is_percent(schema):
            return parse_percent(text), None
        if schema.get("format") == "date":
            return parse_date_text(text), None
        kind = schema.get("type")
        if kind == "integer":
            return int(text.replace(",", "")), None
        if kind == "number":
            number = Decimal(text.rstrip("%").replace(",", ""))
            return (number / 100 if text.endswith("%") else number), None
        if kind == "boolean":
            return text == "true", None
    except ValueError as exc:  # parse_money explains itself; int() does not
        return text, str(exc) if "「" in str(exc) else f"「{text}」不是整数"
    except InvalidOperation:
        return text, f"「{text}」不是数字；可写 0.5 或 50%"
    return text, None


def _container(root: dict[str, Any], tokens: list[str]) -> dict[str, Any]:
    node = root
    for token in tokens:
        node = node.setdefault(token, {})
    return node


def _put(root: dict[str, Any], tokens: list[str], value: Any) -> None:
    _container(root, tokens[:-1])[tokens[-1]] = value


def _lists(node: Any, pointer: str) -> Any:
    """Turn the index-keyed dicts of array fields into lists, in index order."""
    if not isinstance(node, dict):
        return node
    if schema_for(pointer).get("type") == "array" and pointer:
        keys = sorted((k for k in node if k.isdigit()), key=int)
        return [_lists(node[k], f"{pointer}/{i}") for i, k in enumerate(keys)]
    return {key: _lists(value, f"{pointer}/{escape(key)}") for key, value in node.items()}


def merge(record: dict[str, Any], page: Page, posted: dict[str, Any]) -> dict[str, Any]:
    """The record with the page's sections replaced by what was posted (absent ones removed)."""
    merged = {key: value for key, value in record.items() if key not in page.sections}
    merged.update((key, posted[key]) for key in page.sections if key in posted)
    return merged
