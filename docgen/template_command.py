"""``docgen template``: hand a user the shipped template to edit, and check what they saved."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from docgen.errors import EXIT_DATA, EXIT_OK, TemplateError, UsageError
from docgen.output import write_atomic
from docgen.render_docx import find_template
from docgen.schemas import get_kind, kinds
from docgen.template_check import check_template


@click.group("template")
def template_group() -> None:
    """导出模板以便在 Word/WPS/LibreOffice 中修改，并检查修改后的模板。"""


@template_group.command("export")
@click.argument("kind")
@click.argument("directory", required=False, type=click.Path(path_type=Path), default=Path("."))
@click.option("--force", is_flag=True, help="覆盖目录中已有的同名模板")
def export_command(kind: str, directory: Path, force: bool) -> None:
    """把 KIND 的内置模板复制到 DIRECTORY（默认当前目录），供编辑后用 --templates DIRECTORY 使用。"""
    get_kind(kind)
    source = find_template(kind)
    target = directory / source.name
    if target.exists() and not force:
        raise UsageError(f"{target} 已存在，未覆盖（如确需覆盖，请加 --force）")
    write_atomic(target, source.read_bytes())
    click.echo(f"已导出 {target}")
    click.echo(f"修改后可先检查：docgen template check {target}")
    click.echo(f"生成时使用：docgen render {kind} 数据.json --templates {directory}")


@template_group.command("check")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--kind", "kind", metavar="KIND", help="文书类型（默认取文件名，如 agreement.docx → agreement）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.pass_context
def check_command(ctx: click.Context, file: Path, kind: str | None, as_json: bool) -> None:
    """检查模板：标签是否完整、块是否配对、过滤器和字段名是否存在，并指出所在段落。"""
    if not file.is_file():
        raise UsageError(f"找不到模板文件：{file}")
    if kind is None and file.stem in kinds():
        kind = file.stem
    if kind is not None:
        get_kind(kind)
    try:
        issues = check_template(file, kind)
    except TemplateError as exc:
        raise UsageError(str(exc)) from None
    if as_json:
        click.echo(json.dumps([asdict(issue) for issue in issues], ensure_ascii=False, indent=2))
    else:
        for issue in issues:
            click.echo(str(issue))
        errors = sum(issue.severity == "error" for issue in issues)
        if kind is None:
            click.echo("未指定文书类型（--kind），未检查字段名", err=True)
        click.echo(f"{file}：{errors} 处错误，{len(issues) - errors} 处提醒" if issues else f"{file}：未发现问题")
    ctx.exit(EXIT_DATA if any(issue.severity == "error" for issue in issues) else EXIT_OK)
