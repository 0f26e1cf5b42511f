"""The header and the base record, checked once before any row renders.

Unknown columns are a warning (ignored) or, with ``strict``, an error; a title naming several fields, a
required field no column gives and the base lacks, and every error of the base record itself stop the run
before row 1, all in one message. The base record is checked with each column the sheet gives filled by the
base's own value or a stand-in of the right type, and findings about those columns are left to the rows.
"""

from __future__ import annotations

import difflib
from typing import Any

import docgen
from docgen.batch.columns import Column, batch_columns, normal, row_section, suggest, value_at
from docgen.batch.merge import overlay, pointer
from docgen.batch.rows import Table
from docgen.errors import SheetError
from docgen.schemas import schema_at

_STAND_INS: dict[str, Any] = {"string": "示例", "integer": 1, "number": 1, "boolean": True}


def check_header(table: Table, kind: str, base: dict[str, Any], *, policy: str | None = None,
                 strict: bool = False) -> list[str]:
    """Warnings to show; raise `SheetError` listing every header and base-record error at once.

    The kind's row section (a notice's ``recipient``) is taken out of ``base``: each row gives it whole, so
    the base record's sample recipient is never printed for a row.
    """
    header = table.header
    errors = list(header.ambiguous)
    warnings: list[str] = []
    own = row_section(kind)
    if own:
        base.pop(own, None)
    if header.unknown:
        listed = "；".join(f"「{name}」{suggest(normal(name), kind)}" for name in header.unknown)
        text = f"以下列不是「{docgen.get_kind(kind).title}」的字段：{listed}"
        if strict:
            errors.append(text)
        else:
            warnings.append(text + "。这些列已忽略")
    missing = [c for c in batch_columns(kind) if c.required and c.path not in header.mapped
               and value_at(base, c.path.split(".")) is None]
    if missing:
        errors.append("缺少必填列：" + "；".join(_missing(c, header.unknown) for c in missing))
    errors += _base_errors(kind, base, header.mapped, policy)
    if errors:
        raise SheetError(errors)
    return warnings


def _missing(column: Column, unknown: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(normal(column.title), [normal(w) for w in unknown], n=1, cutoff=0.4)
    hint = f"，表中的「{close[0]}」是这一列吗？可用 --map {close[0]}={column.path}" if close else ""
    return f"「{column.title}」（{column.path}{hint}）"


def _base_errors(kind: str, base: dict[str, Any], mapped: set[str], policy: str | None) -> list[str]:
    probe, _problems = overlay(base, {path: _stand_in(base, path) for path in mapped})
    pointers = [pointer(path) for path in mapped]
    report = docgen.validate(probe, kind, policy=policy)
    lines = [f"基础记录：{f.label}（{f.path}）：{f.message}" for f in report.findings
             if f.is_error and not any(_related(f.path, p) for p in pointers)]
    return lines


def _related(path: str, column: str) -> bool:
    return path == column or column.startswith(path + "/") or path.startswith(column + "/")


def _stand_in(base: dict[str, Any], path: str) -> Any:
    """The base's own value for a column, else a valid value of the field's type."""
    value = value_at(base, path.split("."))
    if value is not None:
        return value
    schema = schema_at(pointer(path)) or {}
    if schema.get("format") == "date":
        return "2000-01-01"
    if schema.get("format") == "yuan":
        return "1.00"
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    return _STAND_INS.get(kind if isinstance(kind, str) else "string", "示例")
