"""``docgen columns KIND [--xlsx FILE]``: the columns a batch of a kind reads, printed or as an empty sheet."""

from __future__ import annotations

import io
from pathlib import Path

import click

from docgen.batch.columns import Column, batch_columns, declared_fields, row_section
from docgen.load import read_record
from docgen.output import write_atomic
from docgen.schemas import get_kind


@click.command("columns")
@click.argument("kind")
@click.option("--xlsx", "xlsx", type=click.Path(path_type=Path), metavar="FILE",
              help="另存为空白表格：第 1 行是中文列名（* 为必填），批注中是字段路径和说明；"
                   "通知只含收文单位的列（其余来自 --base）")
@click.option("--base", "base", type=click.Path(path_type=Path), metavar="RECORD",
              help="批量时用的基础记录：其中声明的自定义栏目（通知的 notice.recipient_fields）也列出")
def columns_command(kind: str, xlsx: Path | None, base: Path | None) -> None:
    """列出批量生成某类文书时可用的列：字段路径、中文列名、是否必填."""
    spec = get_kind(kind)
    declared = declared_fields(kind, read_record(base).data) if base is not None else []
    click.echo(f"{spec.title}（{kind}）批量生成可用的列；列名可写中文标题或字段路径，其他列名用 --map 对应：")
    for column in [*batch_columns(kind), *declared]:
        click.echo(f"{'必填' if column.required else '选填'}  {column.title:<16}  {column.path}")
    if xlsx is not None:
        write_atomic(xlsx, empty_sheet(kind, declared))
        click.echo(f"已写入 {xlsx}")


def sheet_columns(kind: str, declared: list[Column] | None = None) -> list[Column]:
    """The columns of the empty sheet: the row section's (and ``declared``) when the kind has one, else all.

    A blank cell of a column the sheet gives is the row's own blank, so the base record's fields stay out.
    """
    own = row_section(kind)
    return [c for c in batch_columns(kind) if own is None or c.path.startswith(f"{own}.")] + list(declared or [])


def empty_sheet(kind: str, declared: list[Column] | None = None) -> bytes:
    """An .xlsx whose first row is the kind's columns by Chinese title (required ones marked ``*``)."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = get_kind(kind).title[:31]
    for index, column in enumerate(sheet_columns(kind, declared), start=1):
        cell = sheet.cell(1, index, ("*" if column.required else "") + column.title)
        cell.font = Font(bold=True, color="C00000" if column.required else None)
        cell.fill = PatternFill("solid", fgColor="FFDDEBF7")
        note = f"字段：{column.path}" + (f"\n{column.description}" if column.description else "")
        cell.comment = Comment(note, "docgen")
        sheet.column_dimensions[cell.column_letter].width = max(12, 2 * len(column.title) + 4)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
