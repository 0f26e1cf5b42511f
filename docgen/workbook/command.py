"""``docgen workbook KIND|packet [-o FILE.xlsx] [--from RECORD]``: write a fill-in workbook."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.load import read_record
from docgen.output import write_atomic
from docgen.schemas import get_kind
from docgen.workbook.generate import build_workbook
from docgen.workbook.layout import PACKET


@click.command("workbook")
@click.argument("kind")
@click.option("-o", "--out", "out", type=click.Path(path_type=Path), metavar="FILE.xlsx",
              help="输出文件（默认：<类型>.xlsx，如 packet.xlsx）")
@click.option("--from", "source", type=click.Path(path_type=Path), metavar="RECORD",
              help="用已有的记录（JSON 或填写表）预先填好")
def workbook_command(kind: str, out: Path | None, source: Path | None) -> None:
    """生成 Excel 填写表：说明页、每部分一个工作表、列表每行一项，带下拉选项和格式校验."""
    if kind != PACKET:
        get_kind(kind)  # an unknown kind is a usage error listing the known ones
    record = read_record(source).data if source is not None else None
    target = out or Path(f"{kind}.xlsx")
    if target.suffix.lower() != ".xlsx":
        raise click.BadParameter("填写表应保存为 .xlsx 文件", param_hint="-o")
    write_atomic(target, build_workbook(kind, record))
    click.echo(f"已写入 {target}：用 Excel 或 WPS 填写后，运行 docgen "
               + ("packet" if kind == PACKET else f"render {kind}") + f" {target.name}")
