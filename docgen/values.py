"""Values no document can hold, found before the schema sees them: XML-illegal characters, numbers out of range.

A .docx is XML 1.0, which cannot hold most C0 control characters, lone UTF-16 surrogates or U+FFFE/U+FFFF;
lxml refuses them (or, for a surrogate, silently cuts the text there). Numbers that are not finite or are far
beyond any amount or count on a form (``NaN``, ``Infinity``, ``1e309``, a 5,000-digit integer) break Decimal
arithmetic. Each such value anywhere in a record (in a field no rule reads too) is a ``schema.*`` error finding
that names the field and the character or number; `screened` gives the copy the schema validator may see.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from docgen.errors import InputError
from docgen.findings import Finding
from docgen.schemas import label_for
from docgen.xmlchars import ILLEGAL_CHARACTER, printable

MAX_DEPTH = 64  # a record is about 6 levels deep; ``extra`` is free-form, but 64 levels is no form
MAX_MAGNITUDE = Decimal(10) ** 15  # 1,000 万亿: beyond every amount, count and ratio of a form
MAX_DIGITS = 40  # longest integer literal parsed as int (Python refuses int("9" * 4301) outright)
CHARACTER_CODE = "schema.character"
NUMBER_CODE = "schema.number"


def check_depth(data: Any, *, name: str = "记录") -> None:
    """Raise `InputError` when ``data`` nests deeper than `MAX_DEPTH` (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(f"{name} 的嵌套层数超过 {MAX_DEPTH} 层，不是有效的记录；请检查是否误贴了其他数据")
        if isinstance(node, dict):
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            stack.extend((value, depth + 1) for value in node)


def value_findings(data: Any) -> list[Finding]:
    """One error finding per string with an XML-illegal character and per number out of range, in ``data``."""
    check_depth(data)
    findings = []
    for pointer, kind, value in _hostile(data, ""):
        label = label_for(pointer)
        if kind == "key":
            findings.append(Finding(CHARACTER_CODE, pointer, label, f"字段名{_character_message(value)}"))
        elif kind == "text":
            findings.append(Finding(CHARACTER_CODE, pointer, label, f"内容{_character_message(value)}"))
        else:
            findings.append(Finding(NUMBER_CODE, pointer, label, _number_message(value)))
    return findings


def screened(data: Any) -> Any:
    """A copy of ``data`` with every number out of range replaced by None (its finding comes from `value_findings`).

    jsonschema compares numbers with ``<`` (``minimum``), which raises on a Decimal NaN.
    """
    if isinstance(data, dict):
        return {key: screened(value) for key, value in data.items()}
    if isinstance(data, list):
        return [screened(value) for value in data]
    return None if _bad_number(data) else data


def _hostile(node: Any, pointer: str) -> Iterator[tuple[str, str, Any]]:
    stack: list[tuple[Any, str]] = [(node, pointer)]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                path = f"{pointer}/{_escape(str(key))}"
                if ILLEGAL_CHARACTER.search(str(key)):
                    yield path, "key", str(key)
                stack.append((value, path))
        elif isinstance(node, list):
            stack.extend((value, f"{pointer}/{i}") for i, value in enumerate(node))
        elif isinstance(node, str):
            if ILLEGAL_CHARACTER.search(node):
                yield pointer, "text", node
        elif _bad_number(node):
            yield pointer, "number", node


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _bad_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    if isinstance(value, int):
        return abs(value) >= MAX_MAGNITUDE
    number = Decimal(value) if isinstance(value, float) else value
    return not number.is_finite() or abs(number) >= MAX_MAGNITUDE


def _character_message(text: str) -> str:
    match = ILLEGAL_CHARACTER.search(text)
    assert match is not None
    char, position = match.group(), match.start() + 1
    count = len(ILLEGAL_CHARACTER.findall(text))
    more = f"（共 {count} 处）" if count > 1 else ""
    before = printable(text[max(0, position - 11):position - 1])
    return (f"第 {position} 个字符是 {_describe(char)}，文书中无法写入{more}；"
            f"请删除该字符（常见于从其他系统复制粘贴的文字）。前文：「{before}」")


def _describe(char: str) -> str:
    code = f"U+{ord(char):04X}"
    if "\ud800" <= char <= "\udfff":
        return f"{code}（不成对的代理项，多为编码错误）"
    if char in "\ufffe\uffff":
        return f"{code}（非字符）"
    name = unicodedata.name(char, "")
    return f"{code}（控制字符{' ' + name if name else ''}）"


def _number_message(value: Any) -> str:
    number = Decimal(value) if isinstance(value, float) else value
    if isinstance(number, Decimal) and not number.is_finite():
        return f"数值 {number} 不是有限的数；请填写具体数字"
    text = str(number)
    shown = text if len(text) <= 24 else f"{text[:12]}…（共 {len(text)} 位）"
    return f"数值 {shown} 超出范围：绝对值应小于 10^15（1000万亿）"
