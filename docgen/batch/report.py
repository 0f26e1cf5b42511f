"""The errors report: ``errors.xlsx`` and ``errors.csv``, one line per problem of a rejected row."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docgen.batch.worker import Problem
from docgen.output import write_atomic

HEADER = ("行号", "列", "字段", "问题", "代码")
XLSX = "errors.xlsx"
CSV = "errors.csv"


def write_errors(out_dir: Path, problems: Sequence[Problem]) -> list[Path]:
    """Write both files atomically when there are problems; remove stale ones from an earlier run when not."""
    if not problems:
        for name in (XLSX, CSV):
            (out_dir / name).unlink(missing_ok=True)
        return []
    ordered = sorted(problems, key=lambda p: p.row)
    return [write_atomic(out_dir / XLSX, _xlsx(ordered)), write_atomic(out_dir / CSV, _csv(ordered))]


def _lines(problems: Sequence[Problem]) -> list[tuple[int | str, ...]]:
    return [(p.row, p.column, p.label, p.message, p.code) for p in problems]


def _csv(problems: Sequence[Problem]) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(HEADER)
    writer.writerows([_csv_text(v) for v in line] for line in _lines(problems))
    return ("\ufeff" + text.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def _xlsx(problems: Sequence[Problem]) -> bytes:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("错误")
    for column, width in zip("ABCDE", (8, 30, 24, 80, 30), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.append(list(HEADER))
    for line in _lines(problems):
        sheet.append([_text_cell(WriteOnlyCell(sheet, v)) for v in line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text_cell(cell: Any) -> Any:
    """Strings stay strings (openpyxl would store ``=…`` as a formula): a report must never run its input."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def _csv_text(value: int | str) -> int | str:
    """Quote text a spreadsheet would take for a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value
