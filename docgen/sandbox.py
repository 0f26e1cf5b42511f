"""The Jinja sandbox every template and placeholder renders in, with its work and memory bounded.

Jinja's `ImmutableSandboxedEnvironment` already keeps templates away from attributes, files and mutation;
what it leaves open is cost: nested ``range(100000)`` loops, ``'x' * 10**9``, ``'a'|center(999999999)``,
``'{:>999999999}'.format(x)``. Here every render runs under a `Budget` (a deadline, a number of ``range``
items for the whole render, and a cap on output size), integer arguments of calls and filters are capped,
string ``%`` formatting is refused and ``str.format`` specs may not ask for huge widths. A broken limit raises
`LimitError` (a Jinja ``SecurityError``), which callers turn into a finding or a `TemplateError`.
"""

from __future__ import annotations

import functools
import re
import string
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from jinja2 import pass_eval_context
from jinja2.exceptions import SecurityError
from jinja2.nodes import EvalContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_SECONDS = 15.0  # one render; the longest shipped template renders in well under a second
MAX_RANGE_ITEMS = 100_000  # all range() calls of one render together: nested loops run out of it
MAX_OUTPUT = 20_000_000  # characters one render may produce
MAX_ARGUMENT = 100_000  # largest integer a call or filter may take (widths, counts, repeats)
MAX_REPEAT = 10_000  # longest string or list "*" may build
DATA_TYPES = (str, int, float, Decimal, date, type(None))
_SPEC_NUMBER = re.compile(r"\d+")
_PADDING = {"center", "ljust", "rjust", "zfill", "expandtabs"}  # str methods whose argument sets the length


class LimitError(SecurityError):
    """A template or placeholder asked for more work or memory than a document needs."""


@pass_eval_context
def data_only(eval_ctx: EvalContext, value: Any) -> Any:
    """The finalizer of templates: ``value`` itself when it is data (text, number, date), else `LimitError`.

    So a template never prints ``<class '…'>``, ``<bound method …>`` or a dict's repr into a document.
    Taking the eval context keeps Jinja from folding constant output at compile time, where it would
    stringify (and escape) ``{{ ''.format }}`` before any finalizer could see it.
    """
    if isinstance(value, bool) or not isinstance(value, DATA_TYPES):
        raise LimitError(f"只能输出文字、数字和日期，不能输出 {type(value).__name__}")
    return value


@dataclass
class Budget:
    """What one render may still spend."""

    deadline: float
    range_items: int = MAX_RANGE_ITEMS
    output: int = MAX_OUTPUT

    def check_time(self) -> None:
        """Raise `LimitError` once the deadline has passed."""
        if time.monotonic() > self.deadline:
            raise LimitError(f"渲染超过 {MAX_SECONDS:g} 秒，已停止（循环或计算过多）")


_BUDGET: ContextVar[Budget | None] = ContextVar("docgen_sandbox_budget", default=None)


@contextmanager
def bounded(seconds: float = MAX_SECONDS) -> Iterator[Budget]:
    """Run the renders inside the block under one budget (renders outside any block get their own)."""
    budget = Budget(time.monotonic() + seconds)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


def _budget() -> Budget:
    # Renders run inside `Sandbox.concat`, which opens a budget when none is open; this is for calls outside one.
    return _BUDGET.get() or Budget(time.monotonic() + MAX_SECONDS)


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with work and memory bounded (see the module docstring)."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, **options: Any) -> None:
        """An environment like `ImmutableSandboxedEnvironment`, with ``range`` and every filter bounded."""
        super().__init__(**options)
        self.globals["range"] = _bounded_range
        self.globals.pop("lipsum", None)  # builds its whole text before any limit could see it
        self.filters = _GuardedFilters(self.filters)

    def concat(self, parts: Iterable[str]) -> str:  # type: ignore[override]
        """Join a render's output (the render runs as it is joined) under the open budget, or a new one."""
        if _BUDGET.get() is None:
            with bounded():
                return self._spend(parts)
        return self._spend(parts)

    def _spend(self, parts: Iterable[str]) -> str:
        """Spend the budget on ``parts``: output size and, at every piece, the deadline."""
        budget = _budget()
        out = []
        for part in parts:
            budget.output -= len(part)
            if budget.output < 0:
                raise LimitError(f"输出超过 {MAX_OUTPUT:,} 个字符，已停止")
            budget.check_time()
            out.append(part)
        return "".join(out)

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Every call of a template: deadline checked, widths of the padding string methods capped."""
        _budget().check_time()
        if isinstance(getattr(__obj, "__self__", None), str) and getattr(__obj, "__name__", "") in _PADDING:
            _check_arguments(args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """``**`` refused, ``*`` bounded, ``%`` only on numbers (string ``%`` formatting can ask for any width)."""
        if operator == "**":
            raise LimitError("不允许乘方运算")
        if operator == "%" and isinstance(left, str):
            raise LimitError("不允许用 % 格式化文字")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(count, int) and len(seq) * count > MAX_REPEAT:
                    raise LimitError("生成的文字过长")
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` of a format string whose widths and precisions are capped (and not nested)."""
        wrapper = super().wrap_str_format(value)
        if wrapper is not None:
            _check_spec(value.__self__)
        return wrapper


class _GuardedFilters(dict[str, Any]):
    """The filter table: every filter, also one added later, caps its integer arguments."""

    def __init__(self, filters: dict[str, Any]) -> None:
        super().__init__()
        for name, func in filters.items():
            self[name] = func

    def __setitem__(self, name: str, func: Any) -> None:
        super().__setitem__(name, _guarded(func))

    def update(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """Guard each filter added."""
        for name, func in dict(*args, **kwargs).items():
            self[name] = func


def _guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)  # keeps jinja_pass_arg (pass_context & co.)
    def filter_(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(args[2 if getattr(func, "jinja_pass_arg", None) else 1:], kwargs)  # not the value
        if func.__name__ == "do_format":  # "%999999999s"|format(x)
            _check_percent(args)
        return func(*args, **kwargs)

    return filter_


def _bounded_range(*args: int) -> range:
    items = range(*args)
    budget = _budget()
    budget.range_items -= len(items)
    if budget.range_items < 0:
        raise LimitError(f"循环次数超过 {MAX_RANGE_ITEMS:,}，已停止")
    return items


def _check_arguments(args: Iterable[Any], kwargs: dict[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ARGUMENT:
            raise LimitError(f"参数 {value} 过大（最大 {MAX_ARGUMENT:,}）")


def _check_spec(text: str) -> None:
    """Refuse a format string whose widths or precisions exceed `MAX_ARGUMENT` (also nested specs)."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return  # str.format raises the same error itself
    for _, _, spec, _ in parsed:
        if spec and "{" in spec:
            raise LimitError("格式中不允许嵌套的宽度")
        if spec and any(int(n) > MAX_ARGUMENT for n in _SPEC_NUMBER.findall(spec)):
            raise LimitError(f"格式「{spec}」要求的宽度过大")


def _check_percent(args: tuple[Any, ...]) -> None:
    """Refuse a ``%`` format string (the format filter's) with a number above `MAX_ARGUMENT` in it."""
    text = next((arg for arg in args if isinstance(arg, str)), "")
    if any(int(n) > MAX_ARGUMENT for n in _SPEC_NUMBER.findall(text)):
        raise LimitError("格式要求的宽度过大")
