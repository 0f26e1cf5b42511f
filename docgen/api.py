"""The public operations: validate a record, render one document, render the filing packet.

The CLI and any other front end are thin layers over these functions. Each render call uses a fresh `Renderer`;
a front end that renders many records keeps one (``docgen.Renderer(options)``) so templates and fonts stay warm.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from docgen.options import FORMATS, RenderOptions, as_path, parse_formats
from docgen.rendered import PACKET_PDF, Document, LayoutNote, Rendered, document_properties
from docgen.renderer import Renderer
from docgen.report import PACKET, RecordInput, Report, as_source, check
from docgen.typeset import DEFAULT_ENGINE

__all__ = [
    "FORMATS", "PACKET_PDF", "Document", "LayoutNote", "RecordInput", "Rendered", "Report", "as_source",
    "document_properties", "render", "render_packet", "validate", "validate_packet",
]


def validate(record: RecordInput, kind: str, *, policy: str | None = None) -> Report:
    """Check a record for one document kind: schema, then the profile's rules; all findings at once."""
    return check(as_source(record), kind, policy)


def validate_packet(record: RecordInput, *, policy: str | None = None) -> Report:
    """Check a record for every document of the filing packet, plus cross-document rules and attachments."""
    return check(as_source(record), PACKET, policy)


def render(record: RecordInput, kind: str, *, to: str | Sequence[str] = ("docx",), policy: str | None = None,
           templates: str | Path | None = None, fonts: str | Path | None = None, force: bool = False,
           pdf_engine: str = DEFAULT_ENGINE, pdfa: bool = False, qr: bool = False) -> Rendered:
    """Check and render one document as docx and/or PDF; raises `DataError` when the record has errors.

    ``pdf_engine`` is ``docgen`` (our typesetter, deterministic) or ``libreoffice`` (``soffice`` on PATH);
    ``pdfa`` writes PDF/A-2b; ``qr`` prints a verification QR code on the last page (``docgen.qr``).
    """
    return Renderer(_options(to, policy, templates, fonts, pdf_engine, force, pdfa, qr)).render(record, kind)


def render_packet(record: RecordInput, *, to: str | Sequence[str] = ("docx",), policy: str | None = None,
                  templates: str | Path | None = None, fonts: str | Path | None = None,
                  force: bool = False, pdf_engine: str = DEFAULT_ENGINE, pdfa: bool = False,
                  qr: bool = False) -> Rendered:
    """Check and render the filing packet; with PDF, also one ``packet.pdf`` with attachments and bookmarks."""
    return Renderer(_options(to, policy, templates, fonts, pdf_engine, force, pdfa, qr)).render_packet(record)


def _options(to: str | Sequence[str], policy: str | None, templates: str | Path | None, fonts: str | Path | None,
             pdf_engine: str, force: bool, pdfa: bool = False, qr: bool = False) -> RenderOptions:
    return RenderOptions(formats=parse_formats(to), policy=policy, templates=as_path(templates), fonts=as_path(fonts),
                         pdf_engine=pdf_engine, force=force, pdfa=pdfa, qr=qr)
