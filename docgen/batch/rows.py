"""Reading rows lazily from .xlsx, .csv or .jsonl: a stream of `Row` (number as the user sees it + cells).

Cells are keyed by their column name (dotted paths such as ``budget.items.0.amount``). Empty cells are
left out (they mean "not given": the base record's value stays). Numbers never become floats: an Excel
number with at most two decimals becomes a ``Decimal`` (from its shortest repr), an integer stays an
``int``, anything finer is reported as a cell problem. Dates become ISO strings.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from docgen.errors import InputError
from docgen.load import parse_json

SUFFIXES = (".xlsx", ".csv", ".jsonl")


@dataclass(frozen=True, slots=True)
class CellProblem:
    """A cell that cannot be read as data (e.g. a float with more than two decimals)."""

    column: str
    message: str


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its number as the user sees it (header = row 1; line number for jsonl) and its cells."""

    number: int
    cells: dict[str, Any]
    problems: list[CellProblem] = field(default_factory=list)


def read_rows(path: Path) -> Iterator[Row]:
    """Stream the rows of ``path``; the format follows the suffix. Raise `InputError` on unreadable files."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"不支持的数据文件类型：{path.name}（可用 .xlsx、.csv、.jsonl）")
    if not path.is_file():
        raise InputError(f"找不到文件：{path}")
    readers = {".xlsx": _xlsx_rows, ".csv": _csv_rows, ".jsonl": _jsonl_rows}
    return readers[suffix](path)


def columns(path: Path) -> list[str]:
    """The column names of a table file (the keys of the first object for .jsonl)."""
    for row in read_rows(path):
        return list(row.cells)
    return []


# ---- xlsx ------------------------------------------------------------------------------------------------

def _xlsx_rows(path: Path) -> Iterator[Row]:
    import openpyxl  # the only module that touches openpyxl for reading; optional weight

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise InputError(f"{path} 不是有效的 Excel 文件（.xlsx）：{exc}") from None
    try:
        lines = book.worksheets[0].iter_rows(values_only=True)
        header = _header(next(lines, ()), path)
        for number, values in enumerate(lines, start=2):
            row = _xlsx_row(number, header, values)
            if row.cells or row.problems:
                yield row
    finally:
        book.close()


def _xlsx_row(number: int, header: list[str], values: tuple[Any, ...]) -> Row:
    cells: dict[str, Any] = {}
    problems: list[CellProblem] = []
    for column, value in zip(header, values, strict=False):
        if not column:
            continue
        try:
            converted = excel_value(value)
        except ValueError as exc:
            problems.append(CellProblem(column, str(exc)))
            continue
        if converted is not None:
            cells[column] = converted
    return Row(number, cells, problems)


def excel_value(value: Any) -> Any:
    """A spreadsheet cell as data: None for empty, exact numbers, ISO dates; ValueError for unsafe floats."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        exact = Decimal(repr(value))
        if not exact.is_finite() or exact.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValueError(f"数值 {value!r} 超过两位小数或不是有限数；请填写到分（两位小数）或作为文本填写")
        return exact
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _header(values: tuple[Any, ...] | list[Any], path: Path) -> list[str]:
    header = [str(v).strip() if v is not None else "" for v in values]
    if not any(header):
        raise InputError(f"{path} 第 1 行应为列名（如 applicant.name），实际为空")
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            raise InputError(f"{path} 第 1 行有重复的列名：{name}")
        seen.add(name)
    return header


# ---- csv -------------------------------------------------------------------------------------------------

def _csv_rows(path: Path) -> Iterator[Row]:
    text = _decode(path)
    lines = csv.reader(io.StringIO(text, newline=""))
    header = _header(next(lines, []), path)
    for number, values in enumerate(lines, start=2):  # as Excel shows it, even with multi-line cells
        cells = {col: v.strip() for col, v in zip(header, values, strict=False) if col and v.strip()}
        if cells:
            yield Row(number, cells)


def _decode(path: Path) -> str:
    """UTF-8 (with or without BOM) or, failing that, GB18030 as Chinese Excel saves "CSV"."""
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError(f"{path} 的编码既不是 UTF-8 也不是 GB18030") from None


# ---- jsonl -----------------------------------------------------------------------------------------------

def _jsonl_rows(path: Path) -> Iterator[Row]:
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            line = line.removeprefix(b"\xef\xbb\xbf").strip() if number == 1 else line.strip()
            if not line:
                continue
            data = parse_json(line, name=f"{path} 第 {number} 行")
            if not isinstance(data, dict):
                raise InputError(f"{path} 第 {number} 行应为 JSON 对象（{{…}}）")
            yield Row(number, _flatten_keys(data))


def _flatten_keys(data: dict[str, Any]) -> dict[str, Any]:
    """A jsonl row may be nested or already dotted; nested objects become dotted columns, null means empty."""
    cells: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            cells.update({f"{key}.{k}": v for k, v in _flatten_keys(value).items()})
        elif value is not None:
            cells[key] = value
    return cells


def canonical(cells: dict[str, Any]) -> str:
    """Stable JSON text of some cells (for hashing)."""
    return json.dumps(cells, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))
