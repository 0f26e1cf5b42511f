"""Schema validation: every jsonschema error becomes a `Finding` with a Chinese message, all at once."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from typing import Any

from jsonschema import ValidationError

from docgen.findings import Finding
from docgen.schemas import enum_labels, join_pointer, label_for, schema_at, split_pointer, validator
from docgen.values import NUMBER_CODE, screened, value_findings

_TYPE_NAMES = {
    "string": "文本", "number": "数字", "integer": "整数", "boolean": "是/否（true 或 false）",
    "object": "对象（{…}）", "array": "列表（[…]）", "null": "空值",
}


def schema_findings(data: dict[str, Any], kind: str) -> list[Finding]:
    """Validate a record against a kind's schema; return every problem as a finding, in document order.

    Characters and numbers no document can hold come first (`docgen.values`); the schema's own finding on
    such a field (e.g. "应为数字") is left out, since it would only repeat the problem less clearly.
    """
    findings: dict[tuple[str, str], Finding] = {}
    hostile = value_findings(data)
    for finding in hostile:
        findings.setdefault((finding.path, finding.code), finding)
    numbers = {f.path for f in hostile if f.code == NUMBER_CODE}
    for error in validator(kind).iter_errors(screened(data)):
        for finding in _translate(error):
            if finding.path not in numbers:
                findings.setdefault((finding.path, finding.code), finding)
    return sorted(findings.values(), key=lambda f: document_order(f.path))


def document_order(pointer: str) -> list[tuple[int, int | str]]:
    """Sort key that puts findings in the order of the fields (list indexes compared as numbers)."""
    return [(0, int(t)) if t.isdigit() else (1, t) for t in split_pointer(pointer)]


def _translate(error: ValidationError) -> Iterator[Finding]:
    pointer = join_pointer(tuple(error.absolute_path))
    handler = _HANDLERS.get(str(error.validator))
    if handler is not None:
        yield from handler(error, pointer)
        return
    yield _finding(error, pointer, f"不符合要求（{error.validator}）")


def _finding(error: ValidationError, pointer: str, message: str) -> Finding:
    return Finding(f"schema.{error.validator}", pointer, label_for(pointer), message)


def _required(error: ValidationError, pointer: str) -> Iterator[Finding]:
    for name in error.validator_value:
        if isinstance(error.instance, dict) and name not in error.instance:
            path = f"{pointer}/{name}"
            yield Finding("schema.required", path, label_for(path), f"缺少必填项「{label_for(path)}」（{name}）")


def _additional(error: ValidationError, pointer: str) -> Iterator[Finding]:
    allowed = list(error.schema.get("properties", {}))
    for name in error.instance:
        if name in allowed:
            continue
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f"；是否想写「{close[0]}」？" if close else f"；此处允许的字段：{'、'.join(allowed)}"
        path = f"{pointer}/{name}"
        yield Finding("schema.additionalProperties", path, name, f"未知字段「{name}」{hint}")


def _type(error: ValidationError, pointer: str) -> Iterator[Finding]:
    expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
    if set(expected) == {"number", "string"}:
        wanted = "金额（数字或数字字符串，单位：元）"
    else:
        wanted = "或".join(_TYPE_NAMES.get(str(t), str(t)) for t in expected)
    yield _finding(error, pointer, f"应为{wanted}，实际为{_shown(error.instance)}")


def _enum(error: ValidationError, pointer: str) -> Iterator[Finding]:
    labels = enum_labels()
    allowed = "、".join(f"{v}（{labels[v]}）" if v in labels else str(v) for v in error.validator_value)
    yield _finding(error, pointer, f"取值{_shown(error.instance)}不在允许范围内；允许：{allowed}")


def _format(error: ValidationError, pointer: str) -> Iterator[Finding]:
    if error.validator_value == "date":
        message = f"日期{_shown(error.instance)}无效，应为 ISO 格式 YYYY-MM-DD（如 2027-03-01）"
    elif error.validator_value == "yuan":
        message = f"金额{_shown(error.instance)}无效，应为不小于 0、小于 1 万亿的数，最多两位小数（单位：元）"
    else:
        message = f"{_shown(error.instance)}不符合 {error.validator_value} 格式"
    yield _finding(error, pointer, message)


def _min_length(error: ValidationError, pointer: str) -> Iterator[Finding]:
    yield _finding(error, pointer, "不能为空")


def _minimum(error: ValidationError, pointer: str) -> Iterator[Finding]:
    yield _finding(error, pointer, f"应不小于 {error.validator_value}，实际为 {error.instance}")


def _min_items(error: ValidationError, pointer: str) -> Iterator[Finding]:
    title = (schema_at(pointer) or {}).get("title", "列表")
    yield _finding(error, pointer, f"{title}至少需要 {error.validator_value} 项，实际为 {len(error.instance)} 项")


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f"「{value}」"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict | list):
        return _TYPE_NAMES["object" if isinstance(value, dict) else "array"]
    return str(value)


_HANDLERS: dict[str, Callable[[ValidationError, str], Iterator[Finding]]] = {
    "required": _required,
    "additionalProperties": _additional,
    "type": _type,
    "enum": _enum,
    "format": _format,
    "minLength": _min_length,
    "minimum": _minimum,
    "minItems": _min_items,
}
