"""The layout of a fill-in workbook, derived from the schema alone (nothing is written per section).

Each record section is one sheet of label/value rows (its scalar fields, nested objects flattened under
their title); each list anywhere in a section is one table sheet (one row per item, one column per scalar
field of the item). A list inside a list item (a notice table's rows) is one cell holding its JSON text.
Sheet names are the schema titles, made unique with the parent's title when two lists share one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from docgen.schemas import enum_labels, get_kind, join_pointer, kinds, record_schema, schema_at

GUIDE = "说明"
OPTIONS = "_选项"
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
PACKET = "packet"


@dataclass(frozen=True, slots=True)
class Field:
    """One value cell: its path below the sheet's root, its label, schema node and whether it must be given."""

    tokens: tuple[str, ...]
    label: str
    schema: dict[str, Any]
    required: bool
    group: str = ""  # the title of the nested object it sits in ("" at the top of the sheet)
    labels: tuple[tuple[str, Any], ...] = ()  # (label, value) choices not in the schema (the policy profiles)

    @property
    def kind(self) -> str:
        """How the cell is typed: enum, boolean, yuan, date, integer, number, json (a list in a list) or text."""
        node = self.schema
        if "enum" in node:
            return "enum"
        if node.get("format") in ("yuan", "date"):
            return str(node["format"])
        kind = node.get("type")
        if kind in ("boolean", "integer", "number"):
            return str(kind)
        if kind in ("array", "object"):
            return "json"
        return "text"

    @property
    def choices(self) -> list[tuple[str, Any]]:
        """(label shown, value stored) for an enum or a boolean."""
        if self.kind == "boolean":
            return [("是", True), ("否", False)]
        if self.labels:
            return list(self.labels)
        labels = enum_labels()
        return [(labels.get(v, str(v)) if isinstance(v, str) else str(v), v) for v in self.schema.get("enum", [])]


@dataclass(frozen=True, slots=True)
class Sheet:
    """One sheet: its name, the record path it holds (an object's or a list's) and its fields."""

    name: str
    tokens: tuple[str, ...]
    table: bool
    fields: tuple[Field, ...]
    description: str = ""
    required: bool = False  # the section (or list) must be given

    @property
    def pointer(self) -> str:
        """The JSON Pointer of the object or list this sheet holds."""
        return join_pointer(self.tokens)


def sections_for(kind: str, present: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The record sections a workbook for ``kind`` (or ``packet``) holds, plus any in ``present``."""
    if kind == PACKET:
        wanted = {s for k in kinds().values() if k.in_packet for s in k.sections} | {"attachments"}
        order = list(record_schema()["properties"])
    else:
        spec = get_kind(kind)
        wanted = set(spec.sections)
        order = list(spec.schema.get("properties", {})) if spec.standalone else list(record_schema()["properties"])
        if spec.standalone:
            wanted |= set(order)
    wanted |= set(present)
    order += [s for s in present if s not in order]
    return tuple(s for s in order if s in wanted and s not in ("policy", "extra"))


def policy_field() -> Field:
    """The record's ``policy``: a drop-down of the profiles, shown as「name（id）」."""
    from docgen.policies import load_policy, policy_ids

    ids = list(policy_ids())
    labels = tuple((f"{load_policy(pid).name}（{pid}）", pid) for pid in ids)
    return Field(("policy",), "政策规则", {"type": "string", "enum": ids}, True, labels=labels)


def sheets_for(kind: str, present: tuple[str, ...] = ()) -> tuple[tuple[str, ...], tuple[Sheet, ...]]:
    """The sections and sheets of the workbook for ``kind`` (or ``packet``), with ``present`` sections added."""
    sections = sections_for(kind, present)
    if kind == PACKET:
        required = {s for k in kinds().values() if k.in_packet for s in k.sections}
    else:
        required = set(get_kind(kind).sections)
    return sections, layout(sections, frozenset(required))


def with_declared(sheets: tuple[Sheet, ...], record: Mapping[str, Any]) -> tuple[Sheet, ...]:
    """The sheets with the fields ``record`` declares added to their section's sheet.

    A notice's recipient gets the agency's own columns from ``notice.recipient_fields``, as batch rows do.
    """
    return tuple(replace(s, fields=s.fields + extra) if (extra := declared(s, record)) else s for s in sheets)


def declared(sheet: Sheet, record: Mapping[str, Any]) -> tuple[Field, ...]:
    """The extra fields ``record`` declares for the section this fields sheet holds (none for most)."""
    from docgen.batch.columns import declared_fields

    kind = _rows_kind(sheet)
    if kind is None:
        return ()
    node = _node(sheet.tokens).get("additionalProperties")
    schema = node if isinstance(node, dict) else {"type": "string"}
    have = {f.tokens for f in sheet.fields}
    return tuple(Field((c.path.split(".", 1)[1],), c.title, {**schema, "description": c.description}, False)
                 for c in declared_fields(kind, record) if (c.path.split(".", 1)[1],) not in have)


def declaring_sheet(sheet: Sheet, sheets: tuple[Sheet, ...]) -> Sheet | None:
    """The list sheet where extra fields of this sheet's section are declared (收文单位自定义字段), if any."""
    kind = _rows_kind(sheet)
    if kind is None:
        return None
    where = tuple(str(get_kind(kind).schema.get("x-docgen", {}).get("row_fields", "")).split("."))
    return next((s for s in sheets if s.tokens == where), None)


def _rows_kind(sheet: Sheet) -> str | None:
    """The kind whose batch rows give this fields sheet's section (``notice`` for 收文单位), if any."""
    from docgen.batch.columns import row_section

    if sheet.table or len(sheet.tokens) != 1:
        return None
    return next((name for name in kinds() if row_section(name) == sheet.tokens[0]), None)


def header_of(field: Field) -> str:
    """A table column's header: the field's title, after its nested object's title when it has one."""
    return f"{field.group}·{field.label}" if field.group else field.label


@cache
def layout(sections: tuple[str, ...], required: frozenset[str] = frozenset()) -> tuple[Sheet, ...]:
    """The sheets for these sections, in order: each section's fields sheet, then its list sheets."""
    sheets: list[Sheet] = []
    for section in sections:
        node = _node((section,))
        if node.get("type") == "array":
            sheets.append(_table((section,), node, section in required))
            continue
        fields, lists = _flatten((section,), (), section in required, "", inside_list=False)
        sheets.append(Sheet(str(node.get("title", section)), (section,), False, tuple(fields),
                            str(node.get("description", "")), section in required))
        sheets += [_table((section, *tokens), _node((section, *tokens)), needed) for tokens, needed in lists]
    return _unique(sheets)


def _node(tokens: tuple[str, ...]) -> dict[str, Any]:
    return schema_at(join_pointer(tokens)) or {}


def _table(tokens: tuple[str, ...], node: dict[str, Any], required: bool) -> Sheet:
    items = _node((*tokens, "0"))
    if items.get("type") == "object":
        fields, _lists = _flatten((*tokens, "0"), (), True, "", inside_list=True)
    else:
        fields = [Field((), str(items.get("title", node.get("title", tokens[-1]))), items, True)]
    return Sheet(str(node.get("title", tokens[-1])), tokens, True, tuple(fields), str(node.get("description", "")),
                 required)


def _flatten(root: tuple[str, ...], prefix: tuple[str, ...], required: bool, group: str, *,
             inside_list: bool) -> tuple[list[Field], list[tuple[tuple[str, ...], bool]]]:
    """Scalar fields below ``root + prefix`` (nested objects flattened) and the lists found there.

    Inside a list's items a nested list (or a free-form object) is one JSON cell.
    """
    node = _node((*root, *prefix))
    fields: list[Field] = []
    lists: list[tuple[tuple[str, ...], bool]] = []
    needed = set(node.get("required", ()))
    for name in node.get("properties", {}):
        tokens = (*prefix, name)
        child = _node((*root, *tokens))
        is_required = required and name in needed
        kind = child.get("type")
        title = str(child.get("title", name))
        if kind == "object" and child.get("properties"):
            inner = f"{group}·{title}" if group else title
            sub_fields, sub_lists = _flatten(root, tokens, is_required, inner, inside_list=inside_list)
            fields += sub_fields
            lists += sub_lists
        elif kind == "array" and not inside_list:
            lists.append((tokens, is_required))
        else:
            fields.append(Field(tokens, title, child, is_required, group))
    return fields, lists


def _unique(sheets: list[Sheet]) -> tuple[Sheet, ...]:
    """Sheet names as Excel allows (≤ 31 characters, none of ``[]:*?/`` or backslash), unique."""
    seen: dict[str, int] = {}
    named = []
    for sheet in sheets:
        name = _SHEET_NAME_BAD.sub("", sheet.name)[:31] or "表"
        if name in seen or name in (GUIDE, OPTIONS):
            parent = schema_at(join_pointer(sheet.tokens[:-1])) or {}
            name = (_SHEET_NAME_BAD.sub("", str(parent.get("title", ""))) + "·" + name)[:31]
        while name in seen:
            seen[name] += 1
            name = f"{name[:28]}{seen[name]}"
        seen[name] = 1
        named.append(Sheet(name, sheet.tokens, sheet.table, sheet.fields, sheet.description, sheet.required))
    return tuple(named)
