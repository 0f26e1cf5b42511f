"""Notice placeholders: ``{{ recipient.name }}``-style expressions in a notice's texts, filled per recipient row.

They are untrusted (a spreadsheet column can set them), so they render in docgen's bounded sandbox
(`docgen.sandbox`: immutable, no loader, work and output capped) with ``StrictUndefined``, see a frozen
copy of the recipient, and may print only data. Every failure is a `PlaceholderError` naming the expression,
which the rule ``notice.placeholder_invalid`` reports as a finding; nothing here raises anything else.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cache, lru_cache
from types import MappingProxyType
from typing import Any

import jinja2

from docgen.dates import cn_date
from docgen.money import format_wan, format_yuan
from docgen.sandbox import LimitError, Sandbox, data_only

_TEXT_KEYS = ("heading1", "heading2", "heading3", "heading4", "paragraph")
_EXPRESSION = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.S)
MAX_TEXT = 20_000  # characters a filled text may have (a paragraph of a notice is a few hundred)
# What template code can raise on its own; MemoryError too: a sandbox limit missed must not end the run.
_PLACEHOLDER_ERRORS = (jinja2.TemplateError, TypeError, ValueError, ArithmeticError, LookupError, RecursionError,
                       AttributeError, AssertionError, MemoryError)


@cache
def _environment() -> Sandbox:
    # An empty DictLoader: {% include %} / {% import %} fail as TemplateNotFound instead of reading files.
    env = Sandbox(undefined=jinja2.StrictUndefined, autoescape=False, loader=jinja2.DictLoader({}),
                  finalize=data_only)
    env.filters.update({"cndate": cn_date, "wan": format_wan, "yuan": format_yuan})
    return env


class PlaceholderError(ValueError):
    """A placeholder that cannot be filled: the expression and the reason, in Chinese."""

    def __init__(self, expression: str, reason: str) -> None:
        super().__init__(f"{expression}：{reason}")
        self.expression = expression
        self.reason = reason


def fill(text: str, variables: Mapping[str, Any]) -> str:
    """Render the placeholders of one text in the sandbox; raises `PlaceholderError` naming the culprit."""
    if "{" not in text:
        return text
    try:
        filled = _render(text, variables)
    except _PLACEHOLDER_ERRORS as exc:
        raise PlaceholderError(_culprit(text, variables), _reason(exc)) from None
    if len(filled) > MAX_TEXT:
        raise PlaceholderError(text.strip()[:60], f"填写后超过 {MAX_TEXT:,} 个字符")
    return filled


def _render(text: str, variables: Mapping[str, Any]) -> str:
    return _compiled(text).render(dict(variables))


@lru_cache(maxsize=1024)
def _compiled(text: str) -> jinja2.Template:
    # Every text is filled twice per notice (checked, then printed), and in a batch every row shares the
    # base notice's texts: compile each once. A syntax error raises here and is not cached.
    return _environment().from_string(text)


def _culprit(text: str, variables: Mapping[str, Any]) -> str:
    """The first ``{{ … }}`` expression that fails on its own (the whole text when none does alone)."""
    for match in _EXPRESSION.finditer(text):
        if match.group(1) is None:
            continue
        try:
            _render(match.group(0), variables)
        except _PLACEHOLDER_ERRORS:
            return match.group(1).strip()[:60]
    return text.strip()[:60]


def _reason(exc: BaseException) -> str:
    if isinstance(exc, jinja2.UndefinedError):
        return "数据中没有这个字段，或不允许访问（只能使用收文单位的字段，如 recipient.name）"
    if isinstance(exc, LimitError):
        return f"超出限制（{exc}）"
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return "不允许的操作（占位符只能读取收文单位的字段，不能修改数据或调用方法）"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"占位符写法有误（{exc.message}）"
    return "无法计算（占位符只能引用字段，如 {{ recipient.name }}）"


def placeholder_variables(record: Mapping[str, Any]) -> dict[str, Any]:
    """What placeholders may use: a read-only view of the recipient's fields (empty when the record has none)."""
    recipient = record.get("recipient")
    return {"recipient": MappingProxyType(dict(recipient) if isinstance(recipient, Mapping) else {})}


def notice_texts(notice: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(JSON Pointer, text) of every text of a notice that may hold placeholders."""
    yield "/notice/title", notice["title"]
    yield "/notice/addressee", notice["addressee"]
    yield from _block_texts(notice["body"], "/notice/body")
    for i, attachment in enumerate(notice.get("attachments", [])):
        yield f"/notice/attachments/{i}/title", attachment["title"]
        yield from _block_texts(attachment["body"], f"/notice/attachments/{i}/body")


def _block_texts(blocks: list[dict[str, Any]], base: str) -> Iterator[tuple[str, str]]:
    for i, block in enumerate(blocks):
        for key in _TEXT_KEYS:
            if key in block:
                yield f"{base}/{i}/{key}", block[key]
        table = block.get("table")
        if table is not None:
            for c, column in enumerate(table["columns"]):
                yield f"{base}/{i}/table/columns/{c}", column
            for r, row in enumerate(table["rows"]):
                for c, cell in enumerate(row):
                    yield f"{base}/{i}/table/rows/{r}/{c}", cell
