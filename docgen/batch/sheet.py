"""Reading one worksheet of an .xlsx as Excel shows it (openpyxl, read-only, streamed).

openpyxl's read-only mode gives cached values only, so two things it cannot say are read from the sheet's XML
in one streamed pass first: which formulas have no saved result (a file written by a program and never
opened in Excel: openpyxl would say "empty") and which cells are merged (openpyxl gives the value to the
top-left cell only; Excel shows one value across the range).
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree
from openpyxl.utils.cell import get_column_letter, range_boundaries

from docgen.batch.rows import Line, excel_value
from docgen.errors import InputError, UsageError

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _open(path: Path) -> Any:
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types (with English messages) for a broken file
        raise InputError(not_a_workbook(path)) from None


def not_a_workbook(path: Path) -> str:
    """What to tell a person whose file openpyxl cannot open."""
    return (f"无法打开 {path}：不是有效的 Excel 文件（.xlsx）；如果是旧版 .xls 或 WPS 格式，"
            f"请在 Excel 或 WPS 中另存为 .xlsx 后再试")


def choose_sheet(path: Path, wanted: str | None, notes: list[str]) -> str:
    """The sheet to read: ``wanted``, else the active sheet if visible, else the first visible one."""
    book = _open(path)
    try:
        names = list(book.sheetnames)
        if wanted is not None:
            if wanted not in names:
                raise UsageError(f"{path.name} 中没有名为「{wanted}」的工作表；有：{'、'.join(names)}")
            return wanted
        visible = [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
        if not visible:
            raise InputError(f"{path.name} 中没有可见的工作表")
        active = book.active
        chosen = active.title if active is not None and active.title in visible else visible[0]
        hidden = [n for n in names if n not in visible]
        if len(names) > 1:
            others = "、".join(n + ("（隐藏）" if n in hidden else "") for n in names if n != chosen)
            notes.append(f"读取工作表「{chosen}」；本文件另有：{others}（可用 --sheet 指定）")
        return chosen
    finally:
        book.close()


def xlsx_lines(path: Path, sheet: str | None) -> Iterator[Line]:
    """Every row of the sheet (empty ones too), numbered as Excel numbers them, values as Excel shows them."""
    book = _open(path)
    try:
        ws = book[sheet] if sheet else book.worksheets[0]
        with book._archive.open(ws._worksheet_path) as xml:  # noqa: SLF001 (openpyxl keeps the part name here)
            formulas, merges = _scan(xml)
        spans = _spans(merges)
        carried: dict[tuple[int, int], Any] = {}
        for number, cells in enumerate(ws.iter_rows(), start=1):
            yield _line(number, cells, formulas, spans, carried)
    finally:
        book.close()


def uncomputed_formulas(path: Path) -> dict[str, dict[str, str]]:
    """Sheet name → {cell → formula text} for every formula the file holds no saved result of.

    For a workbook opened whole (not streamed), where openpyxl does not say which part holds which sheet: the
    sheets are found through ``xl/workbook.xml`` and its relationships.
    """
    found: dict[str, dict[str, str]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            book = etree.fromstring(archive.read("xl/workbook.xml"))
            rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
            for sheet in book.iter(f"{_NS}sheet"):
                target = targets.get(sheet.get(f"{_REL}id"), "")
                part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
                if part in archive.namelist():
                    with archive.open(part) as xml:
                        formulas, _merges = _scan(xml)
                    if formulas:
                        found[sheet.get("name", "")] = formulas
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        raise InputError(not_a_workbook(path)) from None
    return found


def _line(number: int, cells: Any, formulas: dict[str, str], spans: dict[tuple[int, int], tuple[str, int, int]],
          carried: dict[tuple[int, int], Any]) -> Line:
    values: list[Any] = []
    problems: dict[int, str] = {}
    merged: dict[int, str] = {}
    for index, cell in enumerate(cells):
        ref = f"{get_column_letter(index + 1)}{number}"
        try:
            value = excel_value(cell.value, getattr(cell, "number_format", None))
        except ValueError as exc:
            problems[index] = f"{ref}：{exc}"
            value = None
        if ref in formulas and value is None:
            problems[index] = (f"{ref} 是公式「={formulas[ref]}」，文件中没有它的计算结果（程序生成、未用 Excel "
                               f"保存过的文件常见）；请用 Excel 或 WPS 打开并保存，或直接填写数值")
        span = spans.get((number, index))
        if span is not None:
            name, top, left = span
            if (number, index) == (top, left):
                carried[(top, left)] = value
            else:
                value = carried.get((top, left))
                merged[index] = name
        values.append(value)
    return Line(number, values, problems, merged)


def _scan(xml: Any) -> tuple[dict[str, str], list[str]]:
    """Formulas with no saved result (cell → formula text) and merged ranges of one sheet's XML."""
    formulas: dict[str, str] = {}
    merges: list[str] = []
    for _event, element in etree.iterparse(xml, events=("end",), tag=(f"{_NS}c", f"{_NS}mergeCell"),
                                          huge_tree=True):
        if element.tag == f"{_NS}mergeCell":
            merges.append(element.get("ref", ""))
        else:
            formula = element.find(f"{_NS}f")
            if formula is not None:
                cached = element.find(f"{_NS}v")
                if cached is None or not (cached.text or "").strip():
                    formulas[element.get("r", "")] = formula.text or ""
        element.clear(keep_tail=True)
    return formulas, merges


def _spans(merges: list[str]) -> dict[tuple[int, int], tuple[str, int, int]]:
    """(row, column index) → (range, top row, left column index) for every cell of a merged range."""
    spans: dict[tuple[int, int], tuple[str, int, int]] = {}
    for ref in merges:
        try:
            left, top, right, bottom = range_boundaries(ref)
        except ValueError:
            continue
        if left is None or top is None or right is None or bottom is None:
            continue
        if (bottom - top + 1) * (right - left + 1) > 100_000:  # a whole-column merge: no one types data there
            continue
        for row in range(top, bottom + 1):
            for column in range(left, right + 1):
                spans[(row, column - 1)] = (ref, top, left - 1)
    return spans
