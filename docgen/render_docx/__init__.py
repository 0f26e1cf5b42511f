"""The docxtpl adapter: the only package that touches docxtpl.

`render_docx` renders a `.docx` template with autoescaping, `StrictUndefined` and our filters in Jinja's
sandbox, stamps the document properties, and returns deterministic bytes (fixed zip timestamps);
`compiled.CompiledTemplate` renders many documents from one template for a batch, byte-identical to it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docxtpl import DocxTemplate
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape

from docgen.context import FILTERS
from docgen.errors import TemplateError
from docgen.render_docx import autofit, geometry
from docgen.resources import data_dir
from docgen.sandbox import Sandbox, data_only
from docgen.template_check import ensure_usable

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_CORE_PROPERTY_LIMIT = 255  # python-docx refuses longer core properties (e.g. a very long project name)
# docxtpl turns "{_{", "}_}", "{_%", "%_}" in the rendered XML into Jinja tags: data writes its braces as
# character references, which the XML parser reads back as braces after that step.
_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})
# Raised by template code itself ({{ 1/0 }}, a filter on the wrong type…): a broken template, not a crash.
TEMPLATE_CODE_ERRORS = (TypeError, ValueError, ArithmeticError, LookupError, AttributeError, RecursionError,
                        SyntaxError)


def find_template(kind: str, user_dir: Path | None = None) -> Path:
    """The template for ``kind``: the user's folder first (same file name), then the shipped one."""
    name = f"{kind}.docx"
    if user_dir is not None:
        if not user_dir.is_dir():
            raise TemplateError(f"模板目录不存在：{user_dir}")
        candidate = user_dir / name
        if candidate.is_file():
            ensure_usable(candidate, kind)  # a broken tag would drop text silently: refuse, naming its place
            return candidate
    shipped = data_dir("templates") / "zh" / name
    if not shipped.is_file():
        raise TemplateError(f"找不到模板 {name}（已查找：{user_dir or '—'}、{shipped.parent}）")
    return shipped


@cache
def jinja_environment() -> jinja2.Environment:
    """The bounded sandbox every template renders in (StrictUndefined, autoescape, data printed literally)."""
    env = Sandbox(undefined=jinja2.StrictUndefined, autoescape=True, finalize=printed)
    env.filters.update(FILTERS)
    return env


@jinja2.pass_eval_context  # see sandbox.data_only: no constant folding past the finalizer
def printed(eval_ctx: EvalContext, value: Any) -> Markup:
    """A value as the document shows it: its text exactly, line breaks as breaks, never a Python repr.

    CR LF and a lone CR become LF, which docxtpl writes as a line break; markup (a template's own
    ``|safe`` XML) passes unchanged.
    """
    if isinstance(value, Markup):
        return value
    text = str(data_only(eval_ctx, value)).replace("\r\n", "\n").replace("\r", "\n")
    return Markup(str(escape(text)).translate(_BRACES))


def render_docx(template: Path, context: Mapping[str, Any], *, properties: Mapping[str, str]) -> bytes:
    """Render ``template`` with ``context``; set core properties (title, author, subject, keywords…)."""
    try:
        doc = DocxTemplate(template)
        doc.init_docx()
        normalise_package(doc.docx)
        doc.render(dict(context), jinja_env=jinja_environment(), autoescape=True)
        geometry.apply(doc.docx.element, geometry.style_ids(doc.docx.styles.element), context)
        if not geometry.fits_tables(context):
            autofit.fit_tables(doc.docx.element.body, doc.docx.styles.element)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"模板 {template.name} 语法错误：{exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"模板 {template.name} 引用了数据中没有的字段：{exc.message}") from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"模板 {template.name} 渲染失败：{exc}") from None
    except zipfile.BadZipFile as exc:
        raise TemplateError(f"模板 {template.name} 不是有效的 Word 文件：{exc}") from None
    except TEMPLATE_CODE_ERRORS as exc:
        raise TemplateError(f"模板 {template.name} 渲染失败：{type(exc).__name__}: {exc}") from None
    stamp_properties(doc.docx.core_properties, properties)
    buffer = io.BytesIO()
    doc.save(buffer)
    return fixed_zip(buffer.getvalue())


def normalise_package(document: Any) -> None:
    """Repair what editors write that python-docx misreads (a python-docx ``Document``, before rendering).

    LibreOffice relates the core properties by ".../officedocument/2006/relationships/metadata/core-properties"
    rather than the package namespace's type; python-docx would not find the part and add a second
    docProps/core.xml to the zip.
    """
    for rel in document.part.package.rels.values():
        if rel.reltype != RT.CORE_PROPERTIES and rel.reltype.endswith("/metadata/core-properties"):
            rel._reltype = RT.CORE_PROPERTIES


def stamp_properties(core: Any, properties: Mapping[str, str]) -> None:
    """Set document core properties (title, author…), cut to the length Word allows."""
    for name, value in properties.items():
        setattr(core, name, value[:_CORE_PROPERTY_LIMIT])


def fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so the same input gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
