"""How to render, declared once: the Python API's keywords, the CLI's options and a batch job all build this.

Each field carries its click declaration, so ``render``, ``packet`` and ``batch`` offer the same options with the
same names, help and checks; `cli_options` turns them into click options and hands the command one
`RenderOptions`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import click

from docgen.errors import UsageError
from docgen.typeset import DEFAULT_ENGINE, ENGINES, check_engine, check_font_dir

FORMATS = ("docx", "pdf")

_FOLDER = click.Path(path_type=Path)


def _cli(*decls: str, **settings: Any) -> dict[str, Any]:
    return {"cli": {"decls": decls, **settings}}


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """The settings a document is rendered with, whatever the front end.

    Attributes:
        formats: Output formats, a subset of ``docx`` and ``pdf`` in that order (a ``"docx,pdf"`` string is
            accepted too).
        policy: Policy profile id overriding the record's ``policy``.
        templates: Folder of user templates, preferred over the shipped ones by file name.
        fonts: Font folder, searched before ``$DOCGEN_FONT_DIR`` and the system fonts.
        pdf_engine: ``docgen`` (our typesetter, reproducible) or ``libreoffice`` (``soffice`` on PATH).
        force: Render despite rule errors (schema, policy and attachment errors still block); such output is
            marked 草稿 on every page.
        pdfa: Write PDFs as PDF/A-2b (docgen.pdf.pdfa).
        qr: Print a verification QR code (kind, record SHA-256, docgen version) on the last page (docgen.qr).

    Raises:
        UsageError: an unknown or empty format, an unknown PDF engine, or a font folder that is not one.
    """

    formats: tuple[str, ...] = field(default=("docx",), metadata=_cli(
        "--to", metavar="FORMATS", help="输出格式，逗号分隔：docx、pdf"))
    policy: str | None = field(default=None, metadata=_cli(
        "--policy", metavar="ID", help="使用指定的政策规则（覆盖记录中的 policy）"))
    templates: Path | None = field(default=None, metadata=_cli(
        "--templates", type=_FOLDER, metavar="DIR", help="自定义模板目录，同名文件优先"))
    fonts: Path | None = field(default=None, metadata=_cli(
        "--fonts", type=_FOLDER, metavar="DIR", help="字体目录（优先于环境变量 DOCGEN_FONT_DIR 和系统字体）"))
    pdf_engine: str = field(default=DEFAULT_ENGINE, metadata=_cli(
        "--pdf-engine", type=click.Choice(ENGINES),
        help="PDF 排版引擎：docgen 自带引擎（无需 Office，输出可重现）；libreoffice 调用已安装的 LibreOffice"
             "（soffice），版式与 Word 更接近，适合特殊模板"))
    force: bool = field(default=False, metadata=_cli(
        "--force", is_flag=True, help="规则检查有错误时仍然生成（格式错误仍会阻止生成）"))
    pdfa: bool = field(default=False, metadata=_cli(
        "--pdfa", is_flag=True, help="PDF 按 PDF/A-2b 归档格式生成（XMP 元数据、sRGB 输出意图、文档语言 zh-CN）"))
    qr: bool = field(default=False, metadata=_cli(
        "--qr", is_flag=True, help="在末页右下角印核验二维码（文书类型、数据记录的 SHA-256 和 docgen 版本）"))

    def __post_init__(self) -> None:
        object.__setattr__(self, "formats", parse_formats(self.formats))
        object.__setattr__(self, "templates", as_path(self.templates))
        object.__setattr__(self, "fonts", check_font_dir(self.fonts))  # a missing folder or a file: exit 2 (#17.5)
        check_engine(self.pdf_engine, needed=False)  # the name only; whether it can run is the renderer's check

    @property
    def wants_pdf(self) -> bool:
        """True when PDF is among the formats."""
        return "pdf" in self.formats


def parse_formats(formats: str | Sequence[str]) -> tuple[str, ...]:
    """The requested formats in canonical order; ``"docx, PDF"`` and ``["pdf", "docx"]`` alike."""
    if isinstance(formats, str):
        formats = formats.split(",")
    wanted = [fmt.strip().lower() for fmt in formats if fmt.strip()]
    unknown = [fmt for fmt in wanted if fmt not in FORMATS]
    if unknown or not wanted:
        raise UsageError(f"不支持的输出格式：{'、'.join(unknown) or '（空）'}；可用：{'、'.join(FORMATS)}")
    return tuple(fmt for fmt in FORMATS if fmt in wanted)


def as_path(value: str | Path | None) -> Path | None:
    """A folder option as a `Path` (None stays None)."""
    return Path(value) if value is not None else None


def cli_options(**defaults: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add a click option for every field of `RenderOptions`; the command gets them as ``options=RenderOptions``.

    ``defaults`` overrides a field's default for this command, e.g. ``cli_options(formats="docx,pdf")``.
    """
    names = [f.name for f in fields(RenderOptions)]

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def with_options(*args: Any, **kwargs: Any) -> Any:
            options = RenderOptions(**{name: kwargs.pop(name) for name in names})
            return command(*args, options=options, **kwargs)

        for spec in reversed(fields(RenderOptions)):
            settings = dict(spec.metadata["cli"])
            decls = settings.pop("decls")
            default = defaults.get(spec.name, spec.default)
            if isinstance(default, tuple):
                default = ",".join(default)
            if default is not None and not settings.get("is_flag"):
                settings["show_default"] = True
            with_options = click.option(*decls, spec.name, default=default, **settings)(with_options)
        return with_options

    return decorate
