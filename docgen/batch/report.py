"""Reports a person can act on: ``errors.xlsx``/``errors.csv`` and ``failed-rows.xlsx``.

The errors report has one line per problem: the row number in the user's sheet, the unit (the row's unit
name, or its first column), the column as the user wrote it, the value found, the problem and its code.
``failed-rows.xlsx`` holds just the failed rows in the sheet's own layout (title rows and header kept, the
offending cells marked and commented) plus a 原行号 column, so it can be fixed and passed back with
``--resume``: each row keeps its number and file name. For ``.jsonl`` input it is ``failed-rows.jsonl``: the
failed objects as written, each with a 原行号 key. Text a spreadsheet would run as a formula stays text
(``xlsx``: a string cell; ``csv``: a leading apostrophe), and characters XML cannot hold are shown escaped.
``warnings.xlsx``/``warnings.csv`` list what to look at in rows that were rendered: rule warnings, missing glyphs,
layout notes and errors rendered past with ``--force``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from docgen.batch.manifest import Note
from docgen.batch.rows import SOURCE_ROW, Line, Table, jsonl_objects, read_rows, source_number
from docgen.batch.worker import Problem
from docgen.output import write_atomic

HEADER = ("行号", "单位", "列", "填写的值", "字段", "问题", "代码")
WIDTHS = (8, 30, 20, 24, 24, 80, 28)
XLSX = "errors.xlsx"
CSV = "errors.csv"
FAILED = "failed-rows.xlsx"
FAILED_JSONL = "failed-rows.jsonl"
WARNINGS_HEADER = ("行号", "列", "字段", "级别", "问题", "代码")
WARNINGS_WIDTHS = (8, 20, 24, 8, 80, 28)
WARNINGS_XLSX = "warnings.xlsx"
WARNINGS_CSV = "warnings.csv"
_SEVERITY = {"error": "错误", "warning": "警告"}
_UNIT_PATHS = ("recipient.name", "applicant.name", "project.name")
_MARK = "FFFFE699"  # the fill of a cell to fix in failed-rows.xlsx (Excel's light yellow)


@dataclass(frozen=True, slots=True)
class _Failed:
    """A failed row as the user wrote it: its sheet line (None for .jsonl) and its cells by path."""

    line: Line | None
    cells: dict[str, Any]


def write_errors(out_dir: Path, problems: Sequence[Problem], table: Table | None = None) -> list[Path]:
    """Write the reports atomically when there are problems; remove stale ones from an earlier run when not."""
    if not problems:
        for name in (XLSX, CSV, FAILED, FAILED_JSONL):
            (out_dir / name).unlink(missing_ok=True)
        return []
    given = table.header.mapped if table is not None else set()
    ordered = sorted(problems, key=lambda p: (p.row, p.column not in given))  # the sheet's own columns first
    failed = _failed_rows(table, {p.row for p in ordered}) if table is not None else {}
    lines = [_line(p, table, failed.get(p.row)) for p in ordered]
    written = [write_atomic(out_dir / XLSX, _xlsx(lines)), write_atomic(out_dir / CSV, _csv(lines))]
    if table is None:
        stale = [FAILED, FAILED_JSONL]
    elif table.path.suffix.lower() == ".jsonl":
        written.append(write_atomic(out_dir / FAILED_JSONL, _failed_lines(table, failed)))
        stale = [FAILED]
    else:
        written.append(write_atomic(out_dir / FAILED, _failed_book(table, failed, ordered)))
        stale = [FAILED_JSONL]
    for name in stale:
        (out_dir / name).unlink(missing_ok=True)
    return written


def _failed_rows(table: Table, numbers: set[int]) -> dict[int, _Failed]:
    """The failed rows, read again from the file (only the failed ones are kept)."""
    found: dict[int, _Failed] = {}
    if table.path.suffix.lower() == ".jsonl":
        for row in read_rows(table):
            if row.number in numbers:
                found[row.number] = _Failed(None, row.cells)
        return found
    for line in table.lines():
        data = table.row(line)
        if data is not None and data.number in numbers:
            found[data.number] = _Failed(line, data.cells)
    return found


def _failed_lines(table: Table, failed: dict[int, _Failed]) -> bytes:
    """The failed objects of a .jsonl file as written, each with its 原行号 first (kept if it has one)."""
    lines = []
    for number, text, data in jsonl_objects(table.path):
        source = source_number(data.get(SOURCE_ROW), number)
        if source not in failed:
            continue
        if SOURCE_ROW not in data:
            key = json.dumps(SOURCE_ROW, ensure_ascii=False).encode()
            inner = text[1:].lstrip()
            text = b"{" + key + b": " + str(number).encode() + (b"" if inner.startswith(b"}") else b", ") + inner
        lines.append(text + b"\n")
    return b"".join(lines)


def _line(problem: Problem, table: Table | None, row: _Failed | None) -> tuple[Any, ...]:
    column = table.header.written_for(problem.column) if table is not None and problem.column else problem.column
    value = _shown(row.cells.get(problem.column)) if row is not None and problem.column in row.cells else ""
    return (problem.row, _unit(table, row), column, value, problem.label, problem.message, problem.code)


def _unit(table: Table | None, row: _Failed | None) -> str:
    if row is None:
        return ""
    for path in _UNIT_PATHS:
        if row.cells.get(path) not in (None, ""):
            return str(row.cells[path])
    if table is not None and row.line is not None and table.header.written:
        first = row.line.values[0] if row.line.values else None
        return f"（单位名称未填；{table.header.written[0] or 'A 列'}：{_shown(first)}）"
    return ""


def _shown(value: Any) -> str:
    return "（空）" if value is None or value == "" else str(value)


def _csv(lines: Sequence[tuple[Any, ...]], header: Sequence[str] = HEADER) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows([_csv_text(v) for v in line] for line in lines)
    return ("\ufeff" + text.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def _xlsx(lines: Sequence[tuple[Any, ...]], header: Sequence[str] = HEADER, widths: Sequence[int] = WIDTHS,
          title: str = "错误") -> bytes:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    head = []
    for name in header:
        cell = WriteOnlyCell(sheet, name)
        cell.font = Font(bold=True)
        head.append(cell)
    sheet.append(head)
    for line in lines:
        sheet.append([_text_cell(WriteOnlyCell(sheet, _safe(v))) for v in line])
    return _saved(book)


def write_warnings(out_dir: Path, notes: Sequence[tuple[int, Note]], table: Table | None = None) -> list[Path]:
    """``warnings.xlsx``/``.csv``: each (row number, note) in row order; stale ones removed when there are none."""
    if not notes:
        for name in (WARNINGS_XLSX, WARNINGS_CSV):
            (out_dir / name).unlink(missing_ok=True)
        return []
    lines = [(row, table.header.written_for(n.column) if table is not None and n.column else n.column, n.label,
              _SEVERITY.get(n.severity, n.severity), n.message, n.code)
             for row, n in sorted(notes, key=lambda item: item[0])]
    return [write_atomic(out_dir / WARNINGS_XLSX, _xlsx(lines, WARNINGS_HEADER, WARNINGS_WIDTHS, "警告")),
            write_atomic(out_dir / WARNINGS_CSV, _csv(lines, WARNINGS_HEADER))]


def _failed_book(table: Table, failed: dict[int, _Failed], problems: Sequence[Problem]) -> bytes:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet((table.sheet or "失败的行")[:31])
    preamble = table.preamble()
    width = max([len(table.header.written), *(len(v) for v in preamble)])
    source = table.source_column if table.source_column is not None else width
    for values in preamble[:-1]:
        sheet.append([_text_cell(WriteOnlyCell(sheet, _safe(v))) for v in values])
    header = list(table.header.written) + [""] * (width - len(table.header.written))
    if table.source_column is None:
        header.append(SOURCE_ROW)
    sheet.append([_text_cell(WriteOnlyCell(sheet, _safe(v))) for v in header])
    messages: dict[tuple[int, str], list[str]] = {}
    for p in problems:
        messages.setdefault((p.row, p.column), []).append(p.message)
    fill = PatternFill("solid", fgColor=_MARK)
    for number in sorted(failed):
        line = failed[number].line
        assert line is not None
        values = list(line.values) + [None] * (max(width, source + 1) - len(line.values))
        values[source] = number
        cells = []
        for index, value in enumerate(values):
            cell = _text_cell(WriteOnlyCell(sheet, _safe(value)))
            path = table.header.paths[index] if index < len(table.header.paths) else None
            notes = messages.get((number, path or ""), []) if path else []
            if notes:
                cell.fill = fill
                cell.comment = Comment(_safe("\n".join(notes)), "docgen")
            cells.append(cell)
        sheet.append(cells)
    return _saved(book)


def _saved(book: Any) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _safe(value: Any) -> Any:
    r"""Characters an xlsx cannot hold (control characters) shown escaped (``\x1f``), never failing the report."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    return value


def _text_cell(cell: Any) -> Any:
    """Strings stay strings (openpyxl would store ``=…`` as a formula): a report must never run its input."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def _csv_text(value: Any) -> Any:
    """Quote text a spreadsheet would take for a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value
