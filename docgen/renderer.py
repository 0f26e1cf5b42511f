"""The one renderer every front end uses: the API, the CLI, batch workers (local or Dask) and the web app.

A `Renderer` is configured by one `RenderOptions` and keeps warm what consecutive documents share: compiled
templates (recompiled when a template file changes) and the PDF stage (fonts loaded once, one typesetting
session). Its output is exactly what a fresh renderer gives for the same record: warm state only saves time.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen import qr
from docgen.assemble import Part, merge
from docgen.attachments import attachment_parts
from docgen.context import build_context
from docgen.draft import mark_docx, mark_pdf
from docgen.errors import DataError
from docgen.options import RenderOptions
from docgen.pdf import LaidOut
from docgen.pdf.pdfa import creation_date, to_pdfa
from docgen.render_docx import find_template, stamping
from docgen.render_docx.closing import with_body_text
from docgen.render_docx.compiled import CompiledTemplate
from docgen.render_docx.imprint import on_even_page
from docgen.rendered import Document, LayoutNote, Rendered, default_stem, document_properties, once
from docgen.report import PACKET, RecordInput, Report, as_source, check, packet_kinds, sections_for
from docgen.schemas import Kind, get_kind
from docgen.template_check import warnings_of
from docgen.typeset import PdfStage, check_engine, font_map, glyph_findings

_NOT_RENDERABLE = ("schema.", "policy.")  # findings after which the record's text is not worth a glyph check
_IMPRINTED = frozenset({"notice"})  # kinds with a 版记, which goes on an even page (GB/T 9704 8)


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A compiled template and the file state it was compiled from."""

    stamp: tuple[Path, int, int]  # path, mtime_ns, size
    template: CompiledTemplate


class Renderer:
    """Checks and renders records with one set of options, keeping templates and the PDF stage warm.

    Threads may share a renderer: rendering takes a lock (compiled templates and the typesetting session are not
    thread-safe); checking does not. A process pool or a Dask worker holds one renderer per process.
    """

    def __init__(self, options: RenderOptions | None = None):
        """Check the options can run here (e.g. ``soffice`` for the LibreOffice engine); start nothing yet."""
        self.options = options or RenderOptions()
        check_engine(self.options.pdf_engine, needed=self.options.wants_pdf)
        self._templates: dict[str, _Compiled] = {}
        self._pdf: PdfStage | None = None
        self._layout: PdfStage | None = None
        self._lock = threading.Lock()

    def warm(self, *kinds: str) -> None:
        """Compile the templates of ``kinds`` and start the PDF stage now rather than on the first record."""
        with self._lock:
            for kind in kinds:
                self._template(kind)
            self._pdf_stage()

    def check(self, record: RecordInput, kind: str) -> Report:
        """Every finding for ``kind`` (or ``packet``): schema, rules, and missing glyphs when PDF is wanted."""
        report = check(as_source(record), kind, self.options.policy)
        if not self.options.wants_pdf or any(f.code.startswith(_NOT_RENDERABLE) for f in report.findings):
            return report
        return report.adding(glyph_findings(report.record, report.sections, fonts=self.options.fonts))

    def render(self, record: RecordInput, kind: str) -> Rendered:
        """Check and render one document; raises `DataError` when the record has (blocking) errors."""
        report = self._renderable(self.check(record, kind))
        document, notes = self.render_checked(report, get_kind(kind))
        return Rendered(report, [document], self.options.formats, layout=notes)

    def render_packet(self, record: RecordInput) -> Rendered:
        """Check and render the filing packet; with PDF, also one ``packet.pdf`` with attachments and bookmarks."""
        report = self._renderable(self.check(record, PACKET))
        documents, notes = [], []
        for kind in packet_kinds():
            document, kind_notes = self.render_checked(report, kind)
            documents.append(document)
            notes += kind_notes
        packet_pdf = self._packet_pdf(report, documents) if self.options.wants_pdf else None
        return Rendered(report, documents, self.options.formats, packet_pdf, once(notes))

    def render_checked(self, report: Report, kind: Kind, stem: str | None = None) -> tuple[Document, list[LayoutNote]]:
        """Render a record already checked (and found renderable) as ``kind``, named ``stem``; no files written.

        Raises:
            ConfigError: the template or the fonts are broken.
            DocgenError: the record's data cannot be laid out.
        """
        assert report.policy is not None  # an unknown policy is an error finding, refused before rendering
        stem = stem or default_stem(kind)
        record = sections_for(report.record, kind)  # only what this kind validated: other sections may hold anything
        context = build_context(record, report.policy, kind=kind.name, input_sha256=report.source.sha256)
        properties = document_properties(report, kind)
        draft = not report.ok  # rendered with --force despite rule errors: marked 草稿 on every page
        libreoffice = self.options.pdf_engine == "libreoffice"
        with self._lock:
            docx = self._template(kind.name).render(context, properties=properties)
            docx = self._stamped(docx, kind.name, record, report)
            template_notes = self._template_notes(kind.name)
            pdf_stage = self._pdf_stage()
            laid_out = None
            if kind.name in _IMPRINTED:  # placed by our engine's layout; its PDF is the one wanted when it is ours
                layout = pdf_stage if pdf_stage is not None and not libreoffice else self._layout_stage()
                def typeset(data: bytes) -> LaidOut:
                    return layout.lay_out(data, metadata=properties)
                docx, laid_out = with_body_text(docx, typeset)
                docx, laid_out = on_even_page(docx, typeset, laid_out)
            marked = mark_docx(docx) if draft else docx
            if pdf_stage is None:
                return Document(kind.name, stem, marked), template_notes
            # LibreOffice draws the docx's watermark; our engine does not draw VML, so its PDF is stamped instead.
            if libreoffice or laid_out is None:
                result = pdf_stage(marked if libreoffice else docx, metadata=properties, name=f"{stem}.docx")
            else:
                result = laid_out.drawn()  # only the docx kept is drawn
        pdf = mark_pdf(result.pdf, font_map(self.options.fonts)) if draft and not libreoffice else result.pdf
        if self.options.pdfa:
            pdf = to_pdfa(pdf, creation_date(report.record))
        notes = template_notes + [LayoutNote.of(f"{stem}.pdf", warning) for warning in result.warnings]
        return Document(kind.name, stem, marked, pdf, result.pages), notes

    def _stamped(self, docx: bytes, kind: str, record: dict[str, Any], report: Report) -> bytes:
        """The docx with the record's seals and signatures and, with ``qr``, the verification QR code."""
        qr_code = qr.png(qr.payload(kind, report.source.sha256)) if self.options.qr else None
        if not stamping.wanted(kind, record, qr_code):
            return docx
        return stamping.stamp(docx, kind, record, report.source.base_dir, qr=qr_code)

    def _renderable(self, report: Report) -> Report:
        if report.blocking(force=self.options.force):
            raise DataError(report.findings)
        return report

    def _template(self, kind: str) -> CompiledTemplate:
        path = find_template(kind, self.options.templates)
        stat = path.stat()
        stamp = (path, stat.st_mtime_ns, stat.st_size)
        compiled = self._templates.get(kind)
        if compiled is None or compiled.stamp != stamp:  # a template edited while a long-lived renderer runs
            compiled = self._templates[kind] = _Compiled(stamp, CompiledTemplate(path))
        return compiled.template

    def _template_notes(self, kind: str) -> list[LayoutNote]:
        """The checker's warnings on a user's template (unaccepted revisions…): rendered, but worth a look.

        Run-wide notes (no ``where``): a batch reports them once, not on every row.
        """
        if self.options.templates is None:
            return []
        path = find_template(kind, self.options.templates)
        return [LayoutNote(path.name, f"template.{issue.code}", "", f"{issue.where}：{issue.message}")
                for issue in warnings_of(path, kind)]

    def _pdf_stage(self) -> PdfStage | None:
        if self._pdf is None and self.options.wants_pdf:
            self._pdf = PdfStage(self.options.pdf_engine, self.options.fonts)
        return self._pdf

    def _layout_stage(self) -> PdfStage:
        """Our engine, to lay out a document whose docx depends on its layout (any PDF comes from another stage)."""
        if self._layout is None:
            self._layout = PdfStage("docgen", self.options.fonts)
        return self._layout

    def _packet_pdf(self, report: Report, documents: list[Document]) -> bytes:
        parts = [Part(get_kind(doc.kind).title, doc.pdf) for doc in documents if doc.pdf is not None]
        parts += attachment_parts(report.record, report.source.base_dir, font_map(self.options.fonts))
        packet = merge(parts, metadata=document_properties(report, None), fonts=font_map(self.options.fonts))
        return to_pdfa(packet, creation_date(report.record)) if self.options.pdfa else packet

