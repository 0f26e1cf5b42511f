"""Reading a fill-in workbook back into a record, remembering the cell of every field.

The sections come from ``说明!D1`` (written by `docgen.workbook.generate`); a workbook without it is read
against the packet's sheets. On a fields sheet each row's field is named by the hidden column D (or, if a
person deleted it, by its label); on a table sheet each column by its header. Blank cells are left out; a
section with no value at all is left out (the schema then says it is missing, at its sheet). A formula the
file holds no result of (written by a program, never opened in Excel) is an error at its cell, never a blank;
the computed cells the workbook writes itself (totals) sit where no field is read, so they are never read.
"""

from __future__ import annotations

import difflib
import hashlib
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from docgen.batch.columns import normal
from docgen.batch.sheet import not_a_workbook, uncomputed_formulas
from docgen.errors import DocgenError, InputError
from docgen.findings import Finding, Severity
from docgen.load import Source
from docgen.schemas import join_pointer, label_for
from docgen.workbook.cells import from_cell
from docgen.workbook.generate import COMPUTED_PATH, MARKER, PATH_COLUMN
from docgen.workbook.layout import (
    GUIDE,
    OPTIONS,
    PACKET,
    Field,
    Sheet,
    declared,
    declaring_sheet,
    header_of,
    layout,
    policy_field,
    sections_for,
    sheets_for,
)


class _Reading:
    """What reading collects: the record, where each field sits, and the findings on the way."""

    def __init__(self, formulas: dict[str, dict[str, str]] | None = None) -> None:
        self.record: dict[str, Any] = {}
        self.cells: dict[str, str] = {}
        self.findings: list[Finding] = []
        self.formulas = formulas or {}  # sheet → cell → formula, for formulas the file has no result of

    def read(self, field: Field, tokens: tuple[str, ...], raw: Any, sheet: str, ref: str) -> None:
        """Put one cell's value at ``tokens``; a formula with no saved result is an error, never a blank."""
        where = f"{sheet}!{ref}"
        formula = self.formulas.get(sheet, {}).get(ref)
        if raw is None and formula is not None:
            pointer = join_pointer(tokens)
            self.cells.setdefault(pointer, where)
            message = (f"{where} 是公式「={formula}」，文件中没有保存它的计算结果，读不到值（程序生成、未用 Excel "
                       f"保存过的文件常见）；请用 Excel、WPS 或 LibreOffice 打开并保存，或直接填写数值")
            self.findings.append(Finding("workbook.formula_without_value", pointer, label_for(pointer) or field.label,
                                         message, Severity.ERROR, where))
            return
        value, note = from_cell(field, raw)
        self.put(tokens, value, where, note)

    def put(self, tokens: tuple[str, ...], value: Any, where: str, note: str) -> None:
        pointer = join_pointer(tokens)
        self.cells.setdefault(pointer, where)
        if note:
            self.findings.append(Finding("workbook.read_as", pointer, label_for(pointer), note, Severity.WARNING,
                                         where))
        if value is None:
            return
        node: Any = self.record
        for depth, token in enumerate(tokens[:-1]):
            nxt = tokens[depth + 1]
            if isinstance(node, list):
                while len(node) <= int(token):
                    node.append({} if not nxt.isdigit() else [])
                node = node[int(token)]
            else:
                node = node.setdefault(token, [] if nxt.isdigit() else {})
        last = tokens[-1]
        if isinstance(node, list):
            while len(node) <= int(last):
                node.append(None)
            node[int(last)] = value
        else:
            node[last] = value

    def mark(self, tokens: tuple[str, ...], where: str) -> None:
        """Remember the cell of a section, a list or an item (for findings about the whole of it)."""
        self.cells.setdefault(join_pointer(tokens), where)


def read_workbook(path: Path) -> Source:
    """Read a fill-in workbook; `InputError` when it is not a readable .xlsx."""
    import openpyxl

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"找不到文件：{path}") from None
    except OSError as exc:
        raise InputError(f"无法读取 {path}：{exc.strerror}") from None
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception:  # openpyxl raises many types (with English messages) for a broken file
        raise InputError(not_a_workbook(path)) from None
    reading = _Reading(uncomputed_formulas(path))
    sheets = _sheets(book)
    names = {sheet.name for sheet in sheets}
    if GUIDE in book.sheetnames:
        _read_fields(book[GUIDE], (), (policy_field(),), reading)
    for sheet in sheets:
        if sheet.name not in book.sheetnames:
            continue
        if sheet.table:
            _read_table(book[sheet.name], sheet, reading)
        else:
            if sheet.required:  # its required fields are each reported at their cell, not the section as one
                reading.record.setdefault(sheet.tokens[0], {})
            fields = sheet.fields + declared(sheet, reading.record)  # sheets declaring them come first
            declares = declaring_sheet(sheet, sheets)
            hint = f"；如是本机关名单中的栏目，请先在「{declares.name}」工作表中声明" if declares else ""
            _read_fields(book[sheet.name], sheet.tokens, fields, reading, unknown=hint)
    for name in book.sheetnames:
        if name not in names and name not in (GUIDE, OPTIONS) and book[name].max_row > 1:
            message = f"工作表「{name}」不是本表格的一部分，未读取"
            where = f"{name}!A1"
            reading.findings.append(Finding("workbook.unknown_sheet", "", name, message, Severity.WARNING, where))
    book.close()
    return Source(data=reading.record, sha256=hashlib.sha256(raw).hexdigest(), name=str(path),
                  origin=path.resolve(), findings=tuple(reading.findings), cells={"": GUIDE + "!A1", **reading.cells})


def _sheets(book: Any) -> tuple[Sheet, ...]:
    """The layout the workbook was made with (说明!D1), else the packet's."""
    kind, sections = PACKET, sections_for(PACKET)
    marker = book[GUIDE][f"{PATH_COLUMN}1"].value if GUIDE in book.sheetnames else None
    if isinstance(marker, str) and marker.startswith(MARKER) and marker.count(":") == 2:
        _, kind, names = marker.split(":")
        sections = tuple(s for s in names.split(",") if s)
    try:
        return sheets_for(kind, sections)[1]
    except DocgenError:
        return layout(sections)


def _read_fields(ws: Any, root: tuple[str, ...], fields: tuple[Field, ...], reading: _Reading, *,
                 unknown: str | None = None) -> None:
    """Read label/value rows; with ``unknown`` (a hint, may be ""), a filled row naming no field is a warning."""
    by_path = {".".join(f.tokens): f for f in fields}
    by_label = {normal(f.label): f for f in fields}
    for row in range(2, ws.max_row + 1):
        path = ws[f"{PATH_COLUMN}{row}"].value
        if path == COMPUTED_PATH:  # the workbook's own totals (formulas): docgen recomputes, never reads them
            continue
        label = str(ws.cell(row, 1).value or "").strip()
        field = by_path.get(str(path)) if path else by_label.get(normal(label))
        if field is None:
            if unknown is not None and row > 2 and label and not _blank(ws.cell(row, 2).value):
                message = (f"第 {row} 行的项目「{label}」不是本工作表的项目，{ws.title}!B{row} 的内容未读取{unknown}")
                reading.findings.append(Finding("workbook.unknown_row", join_pointer(root), label, message,
                                                Severity.WARNING, f"{ws.title}!A{row}"))
            continue
        where = f"{ws.title}!B{row}"
        for depth in range(len(root), len(root) + len(field.tokens)):
            reading.mark((*root, *field.tokens)[:depth], where)
        reading.read(field, (*root, *field.tokens), ws.cell(row, 2).value, ws.title, f"B{row}")


def _read_table(ws: Any, sheet: Sheet, reading: _Reading) -> None:
    headers = {normal(header_of(f)): f for f in sheet.fields}
    columns: dict[int, Field] = {}
    for column in range(1, ws.max_column + 1):
        written = str(ws.cell(1, column).value or "").strip()
        found = headers.get(normal(written))
        if found is not None:
            columns[column] = found
        elif written and any(not _blank(ws.cell(row, column).value) for row in range(2, ws.max_row + 1)):
            _unknown_column(ws, column, written, [header_of(f) for f in sheet.fields], reading)
    reading.mark(sheet.tokens, f"{ws.title}!A2")
    formulas = reading.formulas.get(ws.title, {})
    index = 0
    for row in range(2, ws.max_row + 1):
        refs = {column: f"{get_column_letter(column)}{row}" for column in columns}
        values = {column: ws.cell(row, column).value for column in columns}
        if all(_blank(v) and refs[c] not in formulas for c, v in values.items()):
            continue
        item = (*sheet.tokens, str(index))
        reading.mark(item, f"{ws.title}!A{row}")
        for column, field in columns.items():
            reading.read(field, (*item, *field.tokens), values[column], ws.title, refs[column])
        index += 1


def _unknown_column(ws: Any, column: int, written: str, known: list[str], reading: _Reading) -> None:
    """A column whose header names no field of the list, with data below it: said once, with the closest names."""
    where = f"{ws.title}!{get_column_letter(column)}1"
    close = difflib.get_close_matches(normal(written), known, n=2, cutoff=0.4)
    hint = f"是否应为{'、'.join(f'「{c}」' for c in close)}？" if close else ""
    message = f"{where} 的列名「{written}」不是本工作表的列，该列的内容未读取；{hint}请改回生成填写表时的列名"
    reading.findings.append(Finding("workbook.unknown_column", "", written, message, Severity.WARNING, where))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
