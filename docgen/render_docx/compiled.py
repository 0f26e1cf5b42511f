"""A docx template parsed and compiled once, then rendered for many rows.

``docgen.render_docx`` builds a new ``DocxTemplate`` per document, as docxtpl's maintainer advises: it
unzips and parses the package, rewrites the XML with regexes, compiles the Jinja source, renders,
re-serialises every part and deflates 800 kB of static styles, twice. In a batch all of that except the
Jinja render and the body fix-ups is the same for every row, so `CompiledTemplate` does it once and
keeps the compressed static members. It drives the same docxtpl steps in the same order (patch, render,
listing, table fix, docPr ids) so the result is byte-identical to ``render_docx`` (tested); templates
using what it does not replay (footnotes, tags in core properties, images) fall back to ``render_docx``.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.oxml import parse_xml, serialize_part_xml
from docxtpl import DocxTemplate

from docgen.errors import TemplateError
from docgen.render_docx import (
    TEMPLATE_CODE_ERRORS,
    _zip,
    autofit,
    geometry,
    jinja_environment,
    normalise_package,
    render_docx,
    stamp_properties,
)

_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_RENDERED_PROPERTIES = ("identifier", "language")  # docxtpl renders these; docgen sets the others itself
_PARAGRAPH = re.compile(r"<w:p([ >])")
_LINE_PARAGRAPH = re.compile(r"\n<w:p([ >])")
_LISTING = re.compile("[\t\a\n\f]")  # the characters docxtpl's resolve_listing turns into tabs, breaks, pages


class CompiledTemplate:
    """One template ready to render many contexts; not thread-safe (one per worker process)."""

    def __init__(self, template: Path):
        """Parse ``template`` and compile its parts; raise `TemplateError` when it is broken."""
        self.path = template
        self._env = jinja_environment()
        self._tpl = _open(template)
        self.fast = _replayable(self._tpl)
        self._previous: dict[str, tuple[str, _zip.Member]] = {}  # part name → (rendered XML, its member)
        if self.fast:
            self._compile()

    def render(self, context: Mapping[str, Any], *, properties: Mapping[str, str]) -> bytes:
        """The rendered docx, as ``render_docx(template, context, properties=...)`` would return it."""
        if not self.fast:
            return render_docx(self.path, context, properties=properties)
        try:
            dynamic = self._render_parts(dict(context), properties)
        except jinja2.UndefinedError as exc:
            raise TemplateError(f"模板 {self.path.name} 引用了数据中没有的字段：{exc.message}") from None
        except jinja2.TemplateError as exc:
            raise TemplateError(f"模板 {self.path.name} 渲染失败：{exc}") from None
        except TEMPLATE_CODE_ERRORS as exc:
            raise TemplateError(f"模板 {self.path.name} 渲染失败：{type(exc).__name__}: {exc}") from None
        return _zip.pack([dynamic.get(m.name) or m for m in self._members])

    def _compile(self) -> None:
        tpl = self._tpl
        try:
            self._body = self._from_string(tpl.patch_xml(tpl.get_xml()))
            self._headers_footers = [
                (part.partname.lstrip("/"), self._from_string(tpl.patch_xml(tpl.get_part_xml(part))),
                 tpl.get_headers_footers_encoding(tpl.get_part_xml(part)))
                for uri in (tpl.HEADER_URI, tpl.FOOTER_URI) for _, part in tpl.get_headers_footers(uri)]
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"模板 {self.path.name} 语法错误：{exc.message}") from None
        tpl.render_properties({}, self._env)
        self._style_ids = geometry.style_ids(tpl.docx.styles.element)
        self._styles = tpl.docx.styles.element
        self._core = tpl.docx.core_properties
        self._core_part = next(p for p in tpl.docx.part.package.iter_parts() if p.partname == "/docProps/core.xml")
        buffer = io.BytesIO()
        tpl.docx.save(buffer)
        with zipfile.ZipFile(buffer) as package:
            self._members = [_zip.compress(info.filename, package.read(info.filename))
                             for info in package.infolist()]

    def _from_string(self, xml: str) -> jinja2.Template:
        return self._env.from_string(_PARAGRAPH.sub(r"\n<w:p\1", xml))

    def _render_parts(self, context: dict[str, Any], properties: Mapping[str, str]) -> dict[str, _zip.Member]:
        tpl = self._tpl
        tpl.docx_ids_index = 1000
        tpl.current_rendering_part = tpl.docx.part
        tree = tpl.fix_tables(self._finish(self._body.render(context)))
        tpl.fix_docpr_ids(tree)
        tpl.map_tree(tree)
        geometry.apply(tpl.docx.element, self._style_ids, context)
        if not geometry.fits_tables(context):
            autofit.fit_tables(tpl.docx.element.body, self._styles)
        members = {"word/document.xml": _zip.compress("word/document.xml", serialize_part_xml(tpl.docx.element))}
        for name, template, encoding in self._headers_footers:
            members[name] = self._header_footer(name, template.render(context), encoding)
        stamp_properties(self._core, properties)
        members["docProps/core.xml"] = _zip.compress("docProps/core.xml", self._core_part.blob)
        return members

    def _header_footer(self, name: str, rendered: str, encoding: str) -> _zip.Member:
        """A rendered header or footer, compressed; most are the same for every row, so the last one is reused."""
        previous = self._previous.get(name)
        if previous is not None and previous[0] == rendered:
            return previous[1]
        xml = self._finish(rendered).encode(encoding)
        member = _zip.compress(name, serialize_part_xml(parse_xml(xml)))  # type: ignore[arg-type]  # accepts bytes
        self._previous[name] = (rendered, member)
        return member

    def _finish(self, xml: str) -> str:
        """Apply the post-render steps of docxtpl's ``render_xml_part``."""
        xml = _LINE_PARAGRAPH.sub(r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        # resolve_listing rewrites only those characters: without any, its three nested regex passes change nothing
        return self._tpl.resolve_listing(xml) if _LISTING.search(xml) else xml


def _open(template: Path) -> DocxTemplate:
    tpl = DocxTemplate(template)
    try:
        tpl.render_init()
        normalise_package(tpl.docx)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise TemplateError(f"模板 {template.name} 不是有效的 Word 文件：{exc}") from None
    return tpl


def _replayable(tpl: DocxTemplate) -> bool:
    """True when the template uses nothing beyond what `CompiledTemplate` replays."""
    package = tpl.docx.part.package
    if any(part.content_type == _FOOTNOTES for part in package.iter_parts()):
        return False
    core = tpl.docx.core_properties
    return not any("{" in (getattr(core, name) or "") for name in _RENDERED_PROPERTIES)
