"""The `docgen` command: a thin layer over the public API. Exit codes: 0 ok, 1 data errors, 2 usage/I-O."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click

import docgen
from docgen.batch.columns_command import columns_command
from docgen.batch.command import batch_command
from docgen.errors import EXIT_DATA, EXIT_OK, EXIT_USAGE, DataError, DocgenError
from docgen.findings import Finding
from docgen.options import cli_options
from docgen.schemas import record_schema
from docgen.template_command import template_group
from docgen.web.command import serve_command, users_command
from docgen.workbook.command import workbook_command
from docgen.workdays import use_holidays

_OUT_DEFAULT = Path("output")
_policy_option = click.option("--policy", "policy", metavar="ID", help="使用指定的政策规则（覆盖记录中的 policy）")
_out_option = click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=_OUT_DEFAULT,
                           show_default=True, help="输出目录")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(docgen.__version__, prog_name="docgen")
@click.option("--holidays", "holidays", multiple=True, type=click.Path(path_type=Path), metavar="FILE_OR_DIR",
              help="补充法定节假日安排（每年一个 TOML 文件，或含这些文件的目录；可重复），用于尚未收录的年份")
def cli(holidays: tuple[Path, ...]) -> None:
    """工伤预防项目文书生成：校验数据，检查政策规则，生成 Word 文书。"""
    if holidays:
        use_holidays(holidays)


@cli.command("kinds")
def kinds_command() -> None:
    """列出可生成的文书类型。"""
    for kind in docgen.kinds().values():
        click.echo(f"{kind.name:<12} {kind.title}（{kind.source}）  需要：{'、'.join(kind.sections)}")


@cli.command("schema")
@click.argument("kind")
def schema_command(kind: str) -> None:
    """输出某类文书的 JSON Schema（含各字段中文标题）。"""
    found = docgen.get_kind(kind)
    schema = found.schema if found.standalone else {**record_schema(), "title": found.title,
                                                    "required": list(found.sections)}
    click.echo(json.dumps(schema, ensure_ascii=False, indent=2, default=str))


@cli.command("policies")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def policies_command(as_json: bool) -> None:
    """列出政策规则配置及每条规则的出处。"""
    policies = docgen.all_policies()
    if as_json:
        data = [{**p.summary(), "rules": {name: {**{k: str(v) if not isinstance(v, list | dict) else v
                                                     for k, v in rule.values.items()}, "source": rule.source}
                                           for name, rule in p.rules.items()}} for p in policies]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    for policy in policies:
        click.echo(f"{policy.id:<16} {policy.name}（{policy.document}）")
        for rule in policy.rules.values():
            click.echo(f"    {rule.name}: {rule.source}")


@cli.command("validate")
@click.argument("kind")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 列表输出问题（code、path、label、message、severity）")
@_policy_option
def validate_command(kind: str, file: Path, as_json: bool, policy: str | None) -> int:
    """校验记录是否满足某类文书（或 packet：全套申报材料）的要求。"""
    if kind == "packet":
        report = docgen.validate_packet(file, policy=policy)
    else:
        report = docgen.validate(file, kind, policy=policy)
    if as_json:
        click.echo(json.dumps([f.to_dict() for f in report.findings], ensure_ascii=False, indent=2))
    else:
        _echo_findings(report.findings, err=False)
        click.echo(_summary(report.findings))
    return EXIT_OK if report.ok else EXIT_DATA


@cli.command("render")
@click.argument("kind")
@click.argument("file", type=click.Path(path_type=Path))
@_out_option
@cli_options(formats="docx,pdf")
def render_command(kind: str, file: Path, out_dir: Path, options: docgen.RenderOptions) -> int:
    """校验并生成一份文书（Word 和/或 PDF）。"""
    return _finish(docgen.Renderer(options).render(file, kind), out_dir)


@cli.command("packet")
@click.argument("file", type=click.Path(path_type=Path))
@_out_option
@cli_options(formats="docx,pdf")
def packet_command(file: Path, out_dir: Path, options: docgen.RenderOptions) -> int:
    """校验并生成全套申报材料（申请表、可行性研究报告、实施方案），合并的 packet.pdf 及 manifest.json。"""
    return _finish(docgen.Renderer(options).render_packet(file), out_dir)


def _finish(rendered: docgen.Rendered, out_dir: Path) -> int:
    _echo_findings(rendered.report.findings, err=True)
    for note in rendered.layout:
        click.echo(str(note), err=True)
    for path in rendered.write(out_dir):
        click.echo(f"已生成 {path}")
    return EXIT_OK if rendered.report.ok else EXIT_DATA


def _echo_findings(findings: list[Finding], *, err: bool) -> None:
    for finding in findings:
        click.echo(str(finding), err=err)


def _summary(findings: list[Finding]) -> str:
    errors = sum(f.is_error for f in findings)
    warnings = len(findings) - errors
    verdict = "校验通过" if errors == 0 else "校验未通过"
    return f"{verdict}：{errors} 处错误，{warnings} 处警告"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code; user mistakes print a Chinese message, never a traceback."""
    _tolerate_unencodable()
    try:
        result = cli.main(args=list(argv) if argv is not None else None, prog_name="docgen",
                          standalone_mode=False)
    except DataError as exc:
        _echo_findings(exc.findings, err=True)
        click.echo(f"{exc}（{_summary(exc.findings)}）", err=True)
        return EXIT_DATA
    except DocgenError as exc:
        click.echo(f"错误：{exc}", err=True)
        return exc.exit_code
    except click.exceptions.NoArgsIsHelpError as exc:
        exc.show()
        return EXIT_USAGE
    except click.UsageError as exc:
        click.echo(_usage_message(exc), err=True)
        return EXIT_USAGE
    except click.ClickException as exc:
        click.echo(f"错误：{exc.format_message()}", err=True)
        return EXIT_USAGE
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        click.echo("已中止", err=True)
        return EXIT_USAGE
    return result if isinstance(result, int) else EXIT_OK


cli.add_command(batch_command)
cli.add_command(columns_command)
cli.add_command(template_group)
cli.add_command(serve_command)
cli.add_command(users_command)
cli.add_command(workbook_command)


def _tolerate_unencodable() -> None:
    """Print what the terminal's encoding cannot show as ``?`` instead of failing (e.g. ☑ under GBK)."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="replace")


def _range_hint(exc: click.BadParameter) -> str | None:
    kind = exc.param.type if exc.param is not None else None
    if isinstance(kind, click.IntRange) and kind.min is not None and kind.max is None:
        return f"应为不小于 {kind.min} 的整数"
    if isinstance(kind, click.Choice):
        return f"应为 {'、'.join(map(str, kind.choices))} 之一"
    return None


def _usage_message(exc: click.UsageError) -> str:
    """Click's usage errors in Chinese, with where to find help."""
    command = exc.ctx.command_path if exc.ctx else "docgen"
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        what = "选项" if isinstance(exc.param, click.Option) else "参数"
        name = " / ".join(exc.param.opts) if isinstance(exc.param, click.Option) else exc.param.human_readable_name
        problem = f"缺少{what} {name}"
    elif isinstance(exc, click.NoSuchOption):
        close = f"；是否想用 {'、'.join(sorted(exc.possibilities))}" if exc.possibilities else ""
        problem = f"没有选项 {exc.option_name}{close}"
    elif isinstance(exc, click.BadOptionUsage):
        needs_value = "requires an argument" in exc.message
        problem = f"选项 {exc.option_name} " + ("需要一个值" if needs_value else f"用法不对（{exc.message}）")
    elif isinstance(exc, click.BadParameter):
        name = exc.param.get_error_hint(exc.ctx) if exc.param is not None and exc.ctx else "参数"
        problem = f"{name} 的值无效：{_range_hint(exc) or exc.message}"
    elif exc.message.startswith("No such command"):
        problem = f"没有这个命令：{exc.message.split(chr(39))[1] if chr(39) in exc.message else exc.message}"
    else:
        problem = exc.format_message()
    return f"错误：{problem}。用法见 {command} --help"


if __name__ == "__main__":
    sys.exit(main())
