"""``docgen template``: hand a user the shipped template to edit, and check what they saved."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from docgen.errors import EXIT_DATA, EXIT_OK, TemplateError, UnknownKindError, UsageError
from docgen.output import write_atomic
from docgen.render_docx import find_template
from docgen.schemas import kinds
from docgen.template_check import check_template


def kind_list() -> str:
    """The kinds with their Chinese titles, for messages: ``application（…申请表）、…``."""
    return "、".join(f"{kind.name}（{kind.title}）" for kind in kinds().values())


class _ListsKinds(click.Command):
    """A command whose help ends with the document kinds (read when help is shown, not at import)."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        with formatter.section("文书类型 KIND"):
            formatter.write_dl([(kind.name, kind.title) for kind in kinds().values()])


class _GroupListsKinds(_ListsKinds, click.Group):
    pass


@click.group("template", cls=_GroupListsKinds)
def template_group() -> None:
    r"""导出模板以便在 Word/WPS/LibreOffice 中修改，并检查修改后的模板。

    \b
    步骤：docgen template export KIND 目录 → 在 Word 中修改 → docgen template check 目录/KIND.docx
          → docgen render KIND 数据.json --templates 目录
    """


@template_group.command("export", cls=_ListsKinds)
@click.argument("kind", required=False)
@click.argument("directory", required=False, type=click.Path(path_type=Path), default=Path("."))
@click.option("--force", is_flag=True, help="覆盖目录中已修改过的同名模板")
def export_command(kind: str | None, directory: Path, force: bool) -> None:
    """把 KIND 的内置模板复制到 DIRECTORY（默认当前目录），供编辑后用 --templates DIRECTORY 使用。"""
    if kind is None:
        raise UsageError(f"请指定要导出的文书类型 KIND，可用的类型：{kind_list()}。"
                         "例如：docgen template export agreement 我的模板")
    if kind not in kinds():
        raise UnknownKindError(f"没有名为「{kind}」的文书类型；可用的类型：{kind_list()}")
    source = find_template(kind)
    target = directory / source.name
    shipped = source.read_bytes()
    if target.is_file() and target.read_bytes() == shipped:
        click.echo(f"{target} 已是内置模板，无需导出")
    elif target.exists() and not force:
        raise UsageError(f"{target} 已存在且与内置模板不同（可能是您修改过的模板），未覆盖。"
                         "如确需用内置模板覆盖，请先备份，再加 --force")
    else:
        write_atomic(target, shipped)
        click.echo(f"已导出 {target}")
    click.echo(f"修改后先检查：docgen template check {target}")
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
    if kind is not None and kind not in kinds():
        raise UnknownKindError(f"没有名为「{kind}」的文书类型；可用的类型：{kind_list()}")
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
