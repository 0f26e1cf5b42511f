"""The ``docgen batch`` command (click), attached to the main CLI with ``cli.add_command(batch_command)``.

Progress (`docgen.batch.progress`): a rich bar on a terminal, a plain line every few seconds otherwise.
"""

from __future__ import annotations

from pathlib import Path

import click

from docgen.batch.columns import parse_mappings
from docgen.batch.progress import progress_display
from docgen.batch.runner import EXECUTORS, run_batch
from docgen.errors import EXIT_DATA, EXIT_OK
from docgen.options import RenderOptions, cli_options


@click.command("batch")
@click.argument("kind")
@click.argument("rows", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", required=True, metavar="DIR|URL",
              help="输出目录，或 fsspec 地址如 s3://桶/前缀（连接参数取自 fsspec 配置和 AWS_* 环境变量）")
@click.option("--state", type=click.Path(path_type=Path), metavar="DIR",
              help="输出为 URL 时，本机存放日志（manifest.jsonl）、锁和报告副本的目录；续做须用同一目录"
                   "（默认在用户缓存目录下按 URL 区分）")
@click.option("--base", type=click.Path(path_type=Path), metavar="RECORD", help="各行共用的基础记录（JSON）")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N", help="并行进程数，默认为 CPU 核数")
@cli_options(formats="docx")
@click.option("--merge", is_flag=True,
              help="另按行序合并成功的行：--to 含 docx 时生成 merged.docx（每行一节，分节符另起一页），"
                   "含 pdf 时生成 merged.pdf（每行一个书签）；页码每行从 1 开始")
@click.option("--single-sided", is_flag=True,
              help="merged.pdf、merged.docx 供单面打印：每行紧接上一行"
                   "（默认双面：页数为奇数的行后加一空白页，每行从正面开始）")
@click.option("--resume", is_flag=True, help="续做：只生成输出缺失或数据有变化的行")
@click.option("--name", "name_pattern", default="{row:05d}", show_default=True, metavar="PATTERN",
              help="文件名模式，如 {row:05d}-{applicant.name}")
@click.option("--map", "maps", multiple=True, metavar="列名=字段|FILE",
              help="把表中的列名对应到字段，如 --map 单位名称=recipient.name（可重复）；"
                   "或一个映射文件（.toml 或两列表格）")
@click.option("--sheet", metavar="NAME", help="读取的工作表名称（默认：打开时显示的可见工作表）")
@click.option("--header-row", type=click.IntRange(min=1), metavar="N", help="列名所在行号（默认自动跳过标题行）")
@click.option("--strict-columns", is_flag=True, help="表中有不认识的列时报错（默认警告并忽略，如“序号”列）")
@click.option("--executor", type=click.Choice(EXECUTORS), default="local", show_default=True,
              help="在哪里生成：local 本机进程池；dask 在 Dask 集群上（见 --scheduler）")
@click.option("--scheduler", metavar="ADDRESS",
              help="Dask 调度器地址，如 tcp://10.0.0.5:8786（不给则在本机启动 --jobs 个工作进程）；"
                   "输出目录（或 -o 给的 URL）、模板和字体目录须在每个工作进程上以同一路径可见")
def batch_command(kind: str, rows: Path, out_dir: str, state: Path | None, base: Path | None, jobs: int | None,
                  merge: bool, single_sided: bool, resume: bool, name_pattern: str, maps: tuple[str, ...],
                  sheet: str | None, header_row: int | None, strict_columns: bool, executor: str, scheduler: str | None,
                  options: RenderOptions) -> int:
    """按表格（.xlsx/.csv/.jsonl）每行生成一份文书；有问题的行写入 errors.xlsx 和 failed-rows.xlsx，不影响其他行."""
    with progress_display() as progress:
        summary = run_batch(kind, rows, out_dir, base=base, jobs=jobs, to=options.formats, merge=merge,
                            resume=resume, name_pattern=name_pattern, policy=options.policy,
                            templates=options.templates, fonts=options.fonts, force=options.force,
                            progress=progress, pdf_engine=options.pdf_engine, columns=parse_mappings(maps),
                            sheet=sheet, header_row=header_row, strict_columns=strict_columns,
                            executor=executor, scheduler=scheduler, pdfa=options.pdfa, single_sided=single_sided,
                            state=state)
    for note in summary.layout:
        click.echo(f"[{note.label}] {note.message}  〔{note.code}〕", err=True)
    click.echo(summary.line())
    for warning in summary.warnings:
        click.echo(f"警告：{warning}", err=True)
    return EXIT_OK if summary.ok else EXIT_DATA

