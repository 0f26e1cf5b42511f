"""Hostile records drawn from the schemas: a valid example with fields replaced by what users and attackers send.

`records(kind)` starts from the shipped example of a kind, picks fields of it and replaces each by a value
hostile *for its schema type* (texts with control characters, lone surrogates, template syntax, formulas,
CR LF; numbers that are NaN, 1e309 or 5,000 digits long; wrong types at a parent; nesting too deep; unknown
keys). `to_json` writes such a record as the JSON text a user's file would hold (NaN, huge literals and all).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from docgen.schemas import escape, schema_at, split_pointer
from docgen.xmlchars import ILLEGAL_CHARACTER

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = {
    "application": "project.json", "feasibility": "project.json", "plan": "project.json", "packet": "project.json",
    "agreement": "agreement-two-party.json", "acceptance": "acceptance-pass.json", "notice": "notice.json",
}

# Pieces hostile texts are built from: each once broke (or could break) a document, a message or a file.
PIECES = [
    "前文", "后文", "单位", "A&B <公司> \"测试\"", "x", " ", "　", "\t", "\n", "\r\n", "\r",
    "\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\ud800", "\udfff", "\ufffe",
    "\uffff", "\u2028", "\u202e", "\u200b", "\ufeff", "𠀀", "👨‍👩‍👧", "é", "e\u0301",
    "{{ x }}", "{_{ x }_}", "{_%", "%_}", "{%", "%}", "{#", "#}", "{{", "}}", "{", "}", "{{ recipient.name }}",
    "{{ ''.__class__ }}", "{{ recipient.update({'name': '篡改'}) }}", "{% for i in range(99999) %}x{% endfor %}",
    "+cmd|' /C calc'!A0", "=1+1", "@SUM(A1)", "-2+3", "<w:t>", "</w:t></w:r></w:p>", "]]>", "&amp;", "&#0;",
    "'", '"', "\\", "%s", "%(x)s", "{0}", "~1", "/", "..", "../../etc/passwd", "NUL", "CON",
]
PRINTABLE = [piece for piece in PIECES if not ILLEGAL_CHARACTER.search(piece)]
TEXTS = st.one_of(
    st.lists(st.sampled_from(PRINTABLE), min_size=1, max_size=6).map("".join),  # must print as written
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("".join),
    st.text(st.characters(codec=None, exclude_categories=()), max_size=20),
    st.sampled_from(["", " ", "x" * 5000, "前" * 3000]),
)
NUMBERS = st.one_of(
    st.sampled_from([Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("1e309"), Decimal("1e400"),
                     Decimal("-1e309"), Decimal("9" * 5000), Decimal("1e-400"), Decimal("999999999999999"),
                     Decimal("1000000000000000"), -1, 0, Decimal("0.001"), Decimal("-0.00"), 10 ** 15]),
    st.integers(),
    st.decimals(allow_nan=True, allow_infinity=True),
)
WRONG_TYPES = st.sampled_from([0, 1, -1, "", "0", None, True, False, [], {}, [None], {"x": None}])
DEPTHS = st.sampled_from([5, 63, 65, 200, 990])


@dataclass
class Hostile:
    """A drawn record: the data, and which text fields were replaced (pointer → new text, old text)."""

    kind: str
    data: dict[str, Any]
    texts: dict[str, tuple[str, Any]] = field(default_factory=dict)


def example(kind: str) -> dict[str, Any]:
    """The shipped example record a kind's hostile records start from."""
    return json.loads((ROOT / "examples" / EXAMPLES[kind]).read_text(encoding="utf-8"), parse_float=Decimal)


def with_text(kind: str, pointer: str, text: str) -> Hostile:
    """The example of ``kind`` with one text replaced: an explicit case beside the drawn ones."""
    data = example(kind)
    old = _get(data, pointer)
    set_at(data, pointer, text)
    return Hostile(kind, data, {pointer: (text, old)})


def pointers(data: Any, base: str = "") -> list[str]:
    """Every JSON Pointer in ``data`` (objects, lists and leaves), in document order."""
    found = [base] if base else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += pointers(value, f"{base}/{escape(key)}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += pointers(value, f"{base}/{i}")
    return found


@st.composite
def records(draw: st.DrawFn, kind: str) -> Hostile:
    """A hostile record for ``kind``: one to four fields replaced by values hostile for their schema type."""
    base = example(kind)
    data = copy.deepcopy(base)
    hostile = Hostile(kind, data)
    candidates = pointers(base)
    for pointer in draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=4, unique=True)):
        if _get(data, pointer) is _MISSING:
            continue  # under a field an earlier replacement removed
        old = _get(base, pointer)
        new = draw(_value_for(pointer, old))
        set_at(data, pointer, new)
        if isinstance(new, str):
            hostile.texts[pointer] = (new, old)
    if draw(st.booleans()):
        target = draw(st.sampled_from([p for p in [""] + candidates if isinstance(_get(data, p), dict)] or [""]))
        _get(data, target)[draw(TEXTS)] = draw(st.one_of(TEXTS, NUMBERS, WRONG_TYPES))
    return hostile


def _value_for(pointer: str, old: Any) -> st.SearchStrategy[Any]:
    schema = schema_at(pointer) or {}
    types = schema.get("type", [])
    types = types if isinstance(types, list) else [types]
    if isinstance(old, dict | list):
        return st.one_of(WRONG_TYPES, TEXTS, NUMBERS, DEPTHS.map(_nested))
    if isinstance(old, str) and "number" not in types:
        return st.one_of(TEXTS, TEXTS.map(lambda text: old + text + old), WRONG_TYPES)
    return st.one_of(NUMBERS, WRONG_TYPES, TEXTS)


@dataclass(frozen=True)
class Deep:
    """Lists nested ``depth`` levels deep, written out by `to_json` without recursion."""

    depth: int


def _nested(depth: int) -> Deep:
    return Deep(depth)


_MISSING = object()


def _get(data: Any, pointer: str) -> Any:
    for token in split_pointer(pointer):
        if isinstance(data, dict) and token in data:
            data = data[token]
        elif isinstance(data, list) and token.isdigit() and int(token) < len(data):
            data = data[int(token)]
        else:
            return _MISSING
    return data


def set_at(data: Any, pointer: str, value: Any) -> None:
    """Replace the value at ``pointer`` (which exists) in ``data``."""
    *parents, last = split_pointer(pointer)
    parent = _get(data, "".join(f"/{escape(t)}" for t in parents))
    parent[int(last) if isinstance(parent, list) else last] = value


def to_json(value: Any) -> str:
    """JSON text as a file would hold it: Decimals as literals (``NaN``, ``1E+309``, 5,000 digits), ``\\ud800`` escaped."""
    if isinstance(value, Deep):
        return "[" * value.depth + '"底"' + "]" * value.depth
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {to_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(to_json(v) for v in value) + "]"
    if isinstance(value, Decimal):
        if value.is_nan():
            return "NaN"
        if value.is_infinite():
            return "Infinity" if value > 0 else "-Infinity"
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return format(Decimal(value), "f")  # str() refuses more than 4,300 digits
    return json.dumps(value)  # ensure_ascii: a lone surrogate is written as the escape a file would hold
