"""Reading rows lazily from .xlsx, .csv or .jsonl: a stream of `Row` (number as the user sees it + cells).

`open_table` finds the header (title rows above it are skipped; ``header_row`` forces one), maps each header
to a dotted path (`docgen.batch.columns.map_header`: the path itself, the schema's Chinese title, or a
``--map``) and notes what a reader of the sheet should know (which sheet was read, merged cells, a column with
data but no header). `read_rows` then yields one `Row` per non-empty line.

**Blank cells.** Every column the sheet gives belongs to the row: a blank cell is ``None`` in `Row.cells`
and removes the field from the base record, so a blank required field is an error for that row, never the
base record's value. Fields no column gives keep the base value.

Cells are read as Excel shows them: a ``0000`` number format keeps its leading zeros, a merged range gives
its value to every row it covers, and a formula with no saved result is a problem of that cell (not an empty
cell). Numbers never become floats: an Excel number with at most two decimals becomes a ``Decimal``, an
integer stays an ``int``, anything finer is a cell problem. Dates become ISO strings.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from docgen.batch.columns import Header, map_header, normal
from docgen.errors import InputError
from docgen.load import parse_json

SUFFIXES = (".xlsx", ".csv", ".jsonl")
SOURCE_ROW = "原行号"  # the column (key in .jsonl) failed-rows adds: the row's number in the file it came from
_HEADER_SCAN = 20  # title rows above the header: at most this many
_ZEROS = re.compile(r"0{2,}")


@dataclass(frozen=True, slots=True)
class CellProblem:
    """A cell that cannot be read as data (e.g. a float with more than two decimals)."""

    column: str
    message: str


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its number as the user sees it (header = row 1; line number for jsonl) and its cells.

    ``cells`` maps dotted paths to values; ``None`` is a blank cell of a column the sheet gives.
    """

    number: int
    cells: dict[str, Any]
    problems: list[CellProblem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Line:
    """One sheet row as Excel shows it: its number, values, problems and merged ranges by column index."""

    number: int
    values: list[Any]
    problems: dict[int, str] = field(default_factory=dict)
    merged: dict[int, str] = field(default_factory=dict)  # cells given their value by a merged range


@dataclass(slots=True)
class Table:
    """A rows file opened for reading: where its header is, what each column means, notes for the user."""

    path: Path
    header: Header
    header_row: int = 1
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)
    source_column: int | None = None  # index of the 原行号 column, if any

    def lines(self) -> Iterator[Line]:
        """Every line after the header, as Excel shows it (jsonl has no lines)."""
        for line in _lines(self.path, self.sheet):
            if line.number > self.header_row:
                yield line

    def preamble(self) -> list[list[Any]]:
        """The rows down to and including the header, as written (for failed-rows.xlsx)."""
        rows = []
        for line in _lines(self.path, self.sheet):
            if line.number > self.header_row:
                break
            rows.append(line.values)
        return rows

    def survey(self) -> int:
        """Count the data rows (one pass) and add notes on merged ranges and data under a blank header."""
        if self.path.suffix.lower() == ".jsonl":
            return sum(1 for _ in read_rows(self))
        count = 0
        merged: dict[str, Any] = {}
        unheaded: dict[int, int] = {}
        blank = [i for i, w in enumerate(self.header.written) if not w]
        width = len(self.header.written)
        for line in self.lines():
            if self.row(line) is None:
                continue
            count += 1
            for index, name in line.merged.items():
                if index < width and self.header.paths[index] is not None:
                    merged.setdefault(name, line.values[index])
            for index in [*blank, *range(width, len(line.values))]:
                if index < len(line.values) and line.values[index] is not None:
                    unheaded[index] = unheaded.get(index, 0) + 1
        for name, value in merged.items():
            self.notes.append(f"合并单元格 {name}：按 Excel 的显示，其中每一行都读作「{value}」")
        for index, cells in sorted(unheaded.items()):
            self.notes.append(f"第 {_letter(index)} 列没有列名，其中 {cells} 个有内容的单元格未读取；"
                              f"如需读取，请在第 {self.header_row} 行填写列名")
        return count

    def row(self, line: Line) -> Row | None:
        """The data row of a line; None when every cell the header maps is blank."""
        cells: dict[str, Any] = {}
        problems = []
        for index, path in enumerate(self.header.paths):
            if path is None:
                continue
            value = line.values[index] if index < len(line.values) else None
            if index in line.problems:
                problems.append(CellProblem(path, line.problems[index]))
                value = None
            cells[path] = value
        if not problems and all(v is None for v in cells.values()):
            return None
        number = line.number
        if self.source_column is not None and self.source_column < len(line.values):
            number = source_number(line.values[self.source_column], number)
        return Row(number, cells, problems)


def open_table(path: Path, *, kind: str | None = None, mapping: Mapping[str, str] | None = None,
               sheet: str | None = None, header_row: int | None = None) -> Table:
    """Open a rows file: choose the sheet, find and map the header. Raise `InputError`/`UsageError`."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"不支持的数据文件类型：{path.name}（可用 .xlsx、.csv、.jsonl）")
    if not path.is_file():
        raise InputError(f"找不到文件：{path}")
    if suffix == ".jsonl":  # no header line: the first object's keys stand for the columns every row gives
        return Table(path, map_header(_first_keys(path), kind, mapping), header_row=0)
    notes: list[str] = []
    if suffix == ".xlsx":
        sheet = _choose_sheet(path, sheet, notes)
    scanned = []
    for line in _lines(path, sheet):
        scanned.append(line)
        if len(scanned) >= _HEADER_SCAN or (header_row and line.number >= header_row):
            break
    found = _find_header(scanned, kind, mapping, header_row, path)
    written = [_text(v) for v in found.values]
    _check_duplicates(written, found.number, path)
    header = map_header(written, kind, mapping)
    source = next((i for i, h in enumerate(written) if normal(h) == SOURCE_ROW), None)
    if source is not None:
        header = Header(header.written, tuple(None if i == source else p for i, p in enumerate(header.paths)),
                        tuple(u for u in header.unknown if normal(u) != SOURCE_ROW), header.ambiguous)
    return Table(path, header, found.number, sheet, notes, source)


def read_rows(source: Path | Table) -> Iterator[Row]:
    """Stream the data rows of a table (a path is opened with dotted-path headers in its first row)."""
    table = source if isinstance(source, Table) else open_table(Path(source))
    if table.path.suffix.lower() == ".jsonl":
        return _jsonl_rows(table.path)
    return _table_rows(table)


def _table_rows(table: Table) -> Iterator[Row]:
    for line in table.lines():
        row = table.row(line)
        if row is not None:
            yield row


def columns(path: Path) -> list[str]:
    """The column names of a table file (the keys of the first object for .jsonl)."""
    return [p for p in open_table(path).header.paths if p]


def raw_table(path: Path) -> Iterator[list[Any]]:
    """The lines of a small sheet or CSV as Excel shows them (for a --map file)."""
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise InputError(f"映射文件应为 .toml、.xlsx 或 .csv：{path}")
    sheet = _choose_sheet(path, None, []) if path.suffix.lower() == ".xlsx" else None
    for line in _lines(path, sheet):
        yield line.values


def _find_header(lines: list[Line], kind: str | None, mapping: Mapping[str, str] | None,
                 header_row: int | None, path: Path) -> Line:
    if header_row is not None:
        for line in lines:
            if line.number == header_row and any(v is not None for v in line.values):
                return line
        raise InputError(f"{path} 第 {header_row} 行（--header-row）是空行或不存在")
    filled = [line for line in lines if sum(v is not None for v in line.values) > 0]
    if not filled:
        raise InputError(f"{path} 的前 {_HEADER_SCAN} 行都是空的，找不到列名行")
    for line in filled:  # the first row with a header we know is the header; rows above it are titles
        if kind is None or _known_count(line, kind, mapping):
            return line
    wide = [line for line in filled if sum(v is not None for v in line.values) >= 2]
    return (wide or filled)[0]


def _known_count(line: Line, kind: str, mapping: Mapping[str, str] | None) -> int:
    from docgen.batch.columns import batch_columns

    known = {c.path for c in batch_columns(kind)} | set((mapping or {}).values())
    header = map_header([_text(v) for v in line.values], kind, mapping)
    return sum(1 for p in header.paths if p and (p in known or "." in p))


def _check_duplicates(header: list[str], number: int, path: Path) -> None:
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            raise InputError(f"{path} 第 {number} 行有重复的列名：{name}")
        seen.add(name)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _letter(index: int) -> str:
    from openpyxl.utils.cell import get_column_letter

    return get_column_letter(index + 1)


def source_number(value: Any, default: int) -> int:
    """A 原行号 cell as a row number (``default`` when it is not one)."""
    try:
        return int(str(value).strip())
    except ValueError:
        return default


def _lines(path: Path, sheet: str | None) -> Iterator[Line]:
    if path.suffix.lower() == ".xlsx":
        from docgen.batch.sheet import xlsx_lines

        yield from xlsx_lines(path, sheet)
    else:
        yield from _csv_lines(path)


def _choose_sheet(path: Path, wanted: str | None, notes: list[str]) -> str:
    from docgen.batch.sheet import choose_sheet

    return choose_sheet(path, wanted, notes)


# ---- cell values -------------------------------------------------------------------------------------------

def excel_value(value: Any, number_format: str | None = None) -> Any:
    """A spreadsheet cell as data: None for empty, exact numbers, ISO dates; ValueError for unsafe floats.

    An integer under a ``0000`` format keeps the leading zeros Excel shows (``12`` → ``"0012"``).
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if number_format and _ZEROS.fullmatch(number_format):
            return str(value).zfill(len(number_format))
        return value
    if isinstance(value, float):
        exact = Decimal(repr(value))
        if not exact.is_finite() or exact.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValueError(f"数值 {value!r} 超过两位小数或不是有限数；请填写到分（两位小数）或作为文本填写")
        if number_format and _ZEROS.fullmatch(number_format) and exact == exact.to_integral_value():
            return str(int(exact)).zfill(len(number_format))
        return exact
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


# ---- csv -------------------------------------------------------------------------------------------------

def _csv_lines(path: Path) -> Iterator[Line]:
    lines = csv.reader(io.StringIO(_decode(path), newline=""))
    for number, values in enumerate(lines, start=1):  # as Excel shows it, even with multi-line cells
        yield Line(number, [v.strip() or None for v in values])


def _decode(path: Path) -> str:
    """UTF-8 (with or without BOM) or, failing that, GB18030 as Chinese Excel saves "CSV"."""
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
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
    for number, _text, data in jsonl_objects(path):
        if SOURCE_ROW in data:  # a failed-rows.jsonl passed back: each row keeps its number
            number = source_number(data.pop(SOURCE_ROW), number)
        yield Row(number, _flatten_keys(data))


def jsonl_objects(path: Path) -> Iterator[tuple[int, bytes, dict[str, Any]]]:
    """Each non-blank line of a .jsonl file: its line number, its text as written and the object it holds."""
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            line = line.removeprefix(b"\xef\xbb\xbf").strip() if number == 1 else line.strip()
            if not line:
                continue
            data = parse_json(line, name=f"{path} 第 {number} 行")
            if not isinstance(data, dict):
                raise InputError(f"{path} 第 {number} 行应为 JSON 对象（{{…}}）")
            yield number, line, data


def _first_keys(path: Path) -> list[str]:
    for row in _jsonl_rows(path):
        return list(row.cells)
    return []


def _flatten_keys(data: dict[str, Any]) -> dict[str, Any]:
    """A jsonl row may be nested or already dotted; nested objects become dotted columns; null is a blank cell."""
    cells: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            cells.update({f"{key}.{k}": v for k, v in _flatten_keys(value).items()})
        else:
            cells[key] = value
    return cells


def canonical(cells: dict[str, Any]) -> str:
    """Stable JSON text of some cells (for hashing)."""
    return json.dumps(cells, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))

