"""Writing a fill-in workbook: a 说明 sheet, one sheet per section, one table sheet per list (openpyxl).

Labels are the schema's Chinese titles (``*`` and red for required fields), descriptions are cell comments,
and every value cell carries the data validation Excel has for it: drop-downs with Chinese labels for enums,
是/否, the policy's budget 科目; date, decimal and whole-number cells. A hidden column (fields sheets) and
the header titles (tables) tell `docgen.workbook.read` where each value belongs.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from docgen.batch.columns import value_at
from docgen.policies import DEFAULT_POLICY, load_policy
from docgen.schemas import get_kind
from docgen.workbook.cells import DATE_FORMAT, MONEY_FORMAT, TEXT_FORMAT, to_cell
from docgen.workbook.layout import (
    GUIDE,
    OPTIONS,
    PACKET,
    Field,
    Sheet,
    header_of,
    policy_field,
    sheets_for,
    with_declared,
)

TABLE_ROWS = 300  # rows of a list sheet that carry validation and formats
PATH_COLUMN = "D"  # the hidden column of a fields sheet naming each row's field
MARKER = "docgen:"  # 说明!D1 holds the kind and the sections the workbook was made for
COMPUTED = "（自动计算）"
COMPUTED_PATH = "docgen:computed"  # column D of a fields sheet's rows of totals: the reader skips them
# Free-text fields whose drop-down is a list in the default policy: path (no list indexes) → (rule, key).
_SUGGESTIONS: dict[tuple[str, ...], tuple[str, str]] = {("budget", "items", "category"): ("budget_categories", "names")}
_HINTS = {"yuan": "金额（元），可带千分位，最多两位小数", "date": "日期，如 2027-03-01 或 2027年3月1日",
          "integer": "整数", "number": "数字（比例可写 30%）", "boolean": "从下拉列表选择：是 / 否",
          "enum": "从下拉列表选择", "json": "JSON 文本（高级）", "text": ""}
_HEAD_FILL = PatternFill("solid", fgColor="FFDDEBF7")
_GROUP_FILL = PatternFill("solid", fgColor="FFF2F2F2")
_REQUIRED = Font(bold=True, color="FFC00000")
_THIN = Side(style="thin", color="FFBFBFBF")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_FIELD_WIDTHS = (34, 70, 34)
_GUIDE_WIDTHS = (30, 70, 60)
_LINE = 15.0  # points per line of 11-point text


def build_workbook(kind: str, record: Mapping[str, Any] | None = None) -> bytes:
    """The fill-in workbook for ``kind`` (or ``packet``), filled from ``record`` when given."""
    record = dict(record or {})
    sections, sheets = sheets_for(kind, tuple(record))
    sheets = with_declared(sheets, record)
    book = Workbook()
    guide = book.active
    assert guide is not None
    guide.title = GUIDE
    options = _Options(book.create_sheet(OPTIONS))
    _guide(guide, kind, sections, sheets, record, options)
    fields_sheets = {sheet.name for sheet in sheets if not sheet.table}
    for sheet in sheets:
        ws = book.create_sheet(sheet.name)
        if sheet.table:
            _table(ws, sheet, value_at(record, sheet.tokens), options, _holder(sheet, sheets))
        else:
            _fields(ws, sheet, record, options, sheets)
    for ws in book.worksheets:
        _printable(ws, 2 if ws.title in fields_sheets else 1)
    book.move_sheet(OPTIONS, offset=len(book.sheetnames))
    book[OPTIONS].sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _printable(ws: Worksheet, heading_rows: int) -> None:
    """Printed landscape, as wide as the page, the heading rows repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"1:{heading_rows}"


def _title(kind: str) -> str:
    return "项目申报材料（申请表、可行性研究报告、实施方案）" if kind == PACKET else get_kind(kind).title


def _guide(ws: Worksheet, kind: str, sections: tuple[str, ...], sheets: tuple[Sheet, ...],
           record: Mapping[str, Any], options: _Options) -> None:
    ws["A1"] = f"工伤预防项目数据填写表：{_title(kind)}"
    ws["A1"].font = Font(bold=True, size=16)
    ws[f"{PATH_COLUMN}1"] = f"{MARKER}{kind}:{','.join(sections)}"
    tables = [s.name for s in sorted(sheets, key=lambda s: not s.required) if s.table] or ["表"]  # examples
    lines = [
        "1. 每个工作表对应材料的一部分；标“*”的红色项目为必填。把鼠标停在项目名称上可看到填写说明（批注）。",
        f"2. 列表类工作表（如{'、'.join(tables[:2])}）每行一项，需要多少行就填多少行，空行会被忽略；"
        "可以插入行，但不要改动第 1 行的列名。",
        "3. 金额以元为单位，可写 12,846,520.00；日期可写 2027-03-01、2027/3/1 或 2027年3月1日；"
        "下拉列表中的选项也可直接输入中文。",
        "4. 合计、比例等由程序重新计算并核对，无需自己计算；标有“（自动计算）”的汇总行是公式，填写时可参考，"
        f"程序不读取。有问题时，程序会指出工作表和单元格（如 {tables[0]}!A3）。",
        f"5. 填好保存后运行：docgen validate {kind} 本文件.xlsx 检查；docgen "
        + ("packet" if kind == PACKET else f"render {kind}") + " 本文件.xlsx 生成文书。",
        "6. 政策规则决定预算上限、费用标准等：按项目所在地选择（没有本地规则时选全国通用规则）。",
    ]
    for row, text in enumerate(lines, start=3):
        ws.cell(row, 1, text).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        ws.row_dimensions[row].height = 32
    policy_row = len(lines) + 4
    policy = policy_field()
    label = ws.cell(policy_row, 1, "*" + policy.label)
    label.font, label.fill, label.border = _REQUIRED, _HEAD_FILL, _BOX
    value = ws.cell(policy_row, 2, to_cell(policy, record.get("policy", DEFAULT_POLICY)))
    value.border = _BOX
    ws.cell(policy_row, 3, _HINTS["enum"]).font = Font(color="FF808080")
    ws[f"{PATH_COLUMN}{policy_row}"] = "policy"
    options.validate(ws, f"B{policy_row}", [lb for lb, _ in policy.choices], policy.label)
    head = policy_row + 2
    for column, text in enumerate(("工作表", "内容", "必填项"), start=1):
        cell = ws.cell(head, column, text)
        cell.font, cell.fill, cell.border = Font(bold=True), _HEAD_FILL, _BOX
    for row, sheet in enumerate(sheets, start=head + 1):
        ws.cell(row, 1, sheet.name).hyperlink = f"#{quote_sheetname(sheet.name)}!A1"
        ws.cell(row, 1).font = Font(color="FF0563C1", underline="single")
        ws.cell(row, 1).alignment = _WRAP
        what = "列表，每行一项" if sheet.table else f"逐项填写（{len(sheet.fields)} 项）"
        what += f"：{sheet.description}" if sheet.description else ""
        ws.cell(row, 2, what).alignment = _WRAP
        needed = [f.label for f in sheet.fields if f.required]
        needed_text = ("至少一行；" if sheet.table and sheet.required else "") + "、".join(needed)
        ws.cell(row, 3, needed_text).alignment = _WRAP
        for column in range(1, 4):
            ws.cell(row, column).border = _BOX
        _fit_height(ws, row, [(what, _GUIDE_WIDTHS[1]), (needed_text, _GUIDE_WIDTHS[2])])
    for letter, width in zip("ABC", _GUIDE_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    ws.column_dimensions[PATH_COLUMN].hidden = True


def _fields(ws: Worksheet, sheet: Sheet, record: Mapping[str, Any], options: _Options,
            sheets: tuple[Sheet, ...]) -> None:
    ws["A1"] = sheet.name + (f"：{sheet.description}" if sheet.description else "")
    ws["A1"].font = Font(bold=True, size=14)
    for column, text in enumerate(("项目", "填写内容", "填写说明"), start=1):
        cell = ws.cell(2, column, text)
        cell.font, cell.fill, cell.border = Font(bold=True), _HEAD_FILL, _BOX
    row, group = 3, ""
    for field in _grouped(sheet.fields):
        if field.group != group:
            group = field.group
            ws.cell(row, 1, group).font = Font(bold=True)
            for column in range(1, 4):
                ws.cell(row, column).fill = _GROUP_FILL
            row += 1
        label = ws.cell(row, 1, ("*" if field.required else "") + field.label)
        label.border, label.alignment = _BOX, _WRAP
        if field.required:
            label.font = _REQUIRED
        if field.schema.get("description"):
            label.comment = _comment(str(field.schema["description"]))
        value = ws.cell(row, 2, to_cell(field, value_at(record, (*sheet.tokens, *field.tokens))))
        value.border, value.alignment = _BOX, _WRAP
        _format(ws, value.coordinate, field, options, sheet.tokens)
        hint = ws.cell(row, 3, _HINTS[field.kind])
        hint.font, hint.alignment = Font(color="FF808080"), _WRAP
        ws[f"{PATH_COLUMN}{row}"] = ".".join(field.tokens)
        _fit_height(ws, row, [(label.value, _FIELD_WIDTHS[0]), (value.value, _FIELD_WIDTHS[1])])
        row += 1
    _totals(ws, row + 1, sheet, sheets)
    for letter, width in zip("ABC", _FIELD_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    ws.column_dimensions[PATH_COLUMN].hidden = True
    ws.freeze_panes = "B3"


def _table(ws: Worksheet, sheet: Sheet, items: Any, options: _Options, holder: Sheet | None) -> None:
    items = items if isinstance(items, list) else []
    summed = _summed(sheet)
    widths: list[float] = []
    for column, field in enumerate(sheet.fields, start=1):
        cell = ws.cell(1, column, ("*" if field.required else "") + header_of(field))
        cell.font = _REQUIRED if field.required else Font(bold=True)
        cell.fill, cell.border, cell.alignment = _HEAD_FILL, _BOX, Alignment(wrap_text=True, vertical="center")
        total = f"合计见「{holder.name}」工作表下方（自动计算）" if column == summed and holder is not None else ""
        note = "；".join(p for p in (str(field.schema.get("description", "")), _HINTS[field.kind], total) if p)
        if note:
            cell.comment = _comment(note)
        letter = get_column_letter(column)
        last = max(TABLE_ROWS, len(items) + 50)
        _format(ws, f"{letter}2:{letter}{last}", field, options, sheet.tokens)
        for row, item in enumerate(items, start=2):
            value = item if not field.tokens else value_at(item, field.tokens)
            target = ws.cell(row, column, to_cell(field, value))
            target.alignment = _WRAP
        widths.append(_width(field, [ws.cell(row, column).value for row in range(2, len(items) + 2)]))
        ws.column_dimensions[letter].width = widths[-1]
    for row in range(2, len(items) + 2):
        _fit_height(ws, row, [(ws.cell(row, c + 1).value, w) for c, w in enumerate(widths)])
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 30


def _grouped(fields: tuple[Field, ...]) -> list[Field]:
    """The section's own fields first, then each nested object's together (schema order within each).

    In schema order a nested object's fields may be followed by more of its parent's, which would show under
    the nested object's heading (or under a heading with no title).
    """
    rank = {"": -1}
    for field in fields:
        rank.setdefault(field.group, len(rank))
    return sorted(fields, key=lambda field: rank[field.group])


def _totals(ws: Worksheet, row: int, section: Sheet, sheets: tuple[Sheet, ...]) -> int:
    """Live totals of the section's lists, below its fields, as Excel formulas; the row after them.

    For each list of the section with a required 元 column: the sum of that column and, where a column of the
    list takes the policy's names (the budget's 科目), the sum and share of each name. Column D marks the rows
    `COMPUTED`, so the reader never reads them (docgen recomputes every total it uses).
    """
    for table in sheets:
        summed = _summed(table)
        if summed is None or _holder(table, sheets) is not section:
            continue
        field = table.fields[summed - 1]
        source = f"{quote_sheetname(table.name)}!${get_column_letter(summed)}:${get_column_letter(summed)}"
        name = field.label.removesuffix("（元）")
        lines = [(f"{'' if name.startswith(table.name) else table.name}{name}合计（元）", f"=SUM({source})")]
        grouped = next(((i, names) for i, f in enumerate(table.fields, start=1)
                        if (names := _suggestion((*table.tokens, *f.tokens)))), None)
        if grouped is not None:
            key = f"{quote_sheetname(table.name)}!${get_column_letter(grouped[0])}:${get_column_letter(grouped[0])}"
            first, last = row + 2, row + 1 + len(grouped[1])
            lines += [(name, f"=SUMIF({key},$A{at},{source})") for at, name in enumerate(grouped[1], start=first)]
            lines.append((f"其他{table.fields[grouped[0] - 1].label}", f"=B{row + 1}-SUM(B{first}:B{last})"))
        ws.cell(row, 1, f"{table.name}汇总{COMPUTED}").font = Font(bold=True)
        ws.cell(row, 2, "程序会重新计算并核对，此处仅供填写时参考").font = Font(color="FF808080")
        ws.cell(row, 3, "占比" if grouped is not None else None).font = Font(color="FF808080")
        for column in range(1, 4):
            ws.cell(row, column).fill = _GROUP_FILL
        ws[f"{PATH_COLUMN}{row}"] = COMPUTED_PATH
        total = row + 1
        for at, (text, formula) in enumerate(lines, start=total):
            label, value = ws.cell(at, 1, text), ws.cell(at, 2, formula)
            label.border, value.border, value.number_format = _BOX, _BOX, MONEY_FORMAT
            label.font = value.font = Font(bold=at == total)
            ws[f"{PATH_COLUMN}{at}"] = COMPUTED_PATH
            if grouped is not None:
                share = ws.cell(at, 3, f'=IF($B${total}=0,"",B{at}/$B${total})')
                share.number_format, share.border = "0.0%", _BOX
        row += len(lines) + 1
    return row


def _summed(table: Sheet) -> int | None:
    """The column (1-based) of a list whose total the workbook shows: its first required 元 column."""
    if not table.table:
        return None
    return next((i for i, f in enumerate(table.fields, start=1) if f.kind == "yuan" and f.required), None)


def _holder(table: Sheet, sheets: tuple[Sheet, ...]) -> Sheet | None:
    """The fields sheet of the section a list belongs to (where its totals are shown)."""
    return next((s for s in sheets if not s.table and table.tokens[:len(s.tokens)] == s.tokens), None)


def _format(ws: Worksheet, cells: str, field: Field, options: _Options, root: tuple[str, ...]) -> None:
    """Number format and data validation for a cell or a column range."""
    number_format = {"yuan": MONEY_FORMAT, "date": DATE_FORMAT, "text": TEXT_FORMAT, "json": TEXT_FORMAT}.get(
        field.kind)
    if number_format:
        for row in ws[cells] if ":" in cells else ((ws[cells],),):
            for cell in row:
                cell.number_format = number_format
    kind = field.kind
    if kind in ("enum", "boolean"):
        options.validate(ws, cells, [label for label, _ in field.choices], field.label)
    elif (suggested := _suggestion((*root, *field.tokens))) is not None:
        options.validate(ws, cells, suggested, field.label, strict=False)
    elif kind in ("yuan", "number", "integer", "date"):
        rule = {"yuan": ("decimal", "0", "金额应为不小于 0 的数（元）"), "number": ("decimal", None, "应为数字"),
                "integer": ("whole", None, "应为整数"), "date": ("date", "1900-01-01", "应为日期，如 2027-03-01")}
        kind_name, minimum, message = rule[kind]
        check = DataValidation(type=kind_name, operator="greaterThanOrEqual" if minimum else "between",
                               formula1=_validation_minimum(kind, minimum),
                               formula2=None if minimum else "999999999999", allow_blank=True,
                               showErrorMessage=True, errorStyle="warning", errorTitle=field.label, error=message)
        ws.add_data_validation(check)
        check.add(cells)


def _validation_minimum(kind: str, minimum: str | None) -> str:
    if kind == "date":
        return "DATE(1900,1,1)"
    return minimum if minimum is not None else "-999999999999"


def _suggestion(tokens: tuple[str, ...]) -> list[str] | None:
    """The policy's list for a free-text field that has one (the budget 科目), else None."""
    found = _SUGGESTIONS.get(tuple(t for t in tokens if not t.isdigit()))
    if found is None:
        return None
    rule = load_policy(DEFAULT_POLICY).rule(found[0])
    return [str(name) for name in rule[found[1]]] if rule is not None else None


class _Options:
    """The hidden sheet holding drop-down lists, one column per distinct list."""

    def __init__(self, ws: Worksheet):
        self.ws = ws
        self.columns: dict[tuple[str, ...], str] = {}

    def validate(self, ws: Worksheet, cells: str, labels: list[str], title: str, *, strict: bool = True) -> None:
        key = tuple(labels)
        if key not in self.columns:
            letter = get_column_letter(len(self.columns) + 1)
            for row, label in enumerate(labels, start=1):
                self.ws[f"{letter}{row}"] = label
            self.columns[key] = letter
        letter = self.columns[key]
        source = f"{quote_sheetname(OPTIONS)}!${letter}$1:${letter}${len(labels)}"
        check = DataValidation(type="list", formula1=source,
                               allow_blank=True, showErrorMessage=True, errorStyle="stop" if strict else "warning",
                               errorTitle=title,
                               error="请从下拉列表中选择" + ("" if strict else "（也可填写其他内容）"))
        ws.add_data_validation(check)
        check.add(cells)


def _comment(text: str) -> Comment:
    comment = Comment(text, "docgen")
    comment.width, comment.height = 320, max(60, 20 * (len(text) // 22 + 1))
    return comment


def _fit_height(ws: Worksheet, row: int, cells: list[tuple[Any, float]]) -> None:
    """Set a row tall enough for its wrapped text (Excel and LibreOffice do not grow rows of a written file)."""
    lines = 1
    for value, width in cells:
        if isinstance(value, str) and value:
            columns = max(1, int(width * 0.9) - 1)  # CJK glyphs run a little wider than two columns
            lines = max(lines, sum(-(-max(1, _units(part)) // columns) for part in value.split("\n")))
    if lines > 1:
        ws.row_dimensions[row].height = min(409.0, _LINE * lines)


def _units(text: str) -> int:
    """Display width in Excel's character columns: a CJK character is two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _width(field: Field, values: list[Any] | None = None) -> float:
    """A table column's width: its default, narrowed to the values it holds but not below its header.

    Text wider than the default wraps.
    """
    header = _units(header_of(field)) + 3  # the required mark and some room
    if field.kind in ("text", "json") and not field.schema.get("enum"):
        default = 40.0 if field.schema.get("minLength") or field.required else 24.0
    else:
        default = max(12.0, 2.2 * len(header_of(field)))
    if not values:  # an empty list: room to type
        return default
    shown = [_units(v.isoformat() if isinstance(v, date) else str(v).split("\n")[0]) for v in values if v is not None]
    return float(min(default, max(header, max(shown, default=0) + 2, 10)))
