"""The merged print file: every row's PDF in order, one bookmark per row, page labels restarting per row."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.constants import PageLabelStyle

from docgen.assemble import set_identifier
from docgen.output import write_atomic
from docgen.pdf.fonts import FontMap
from docgen.pdf.shared import share_cff_subsets

MERGED_PDF = "merged.pdf"


def merge_pdfs(out_dir: Path, parts: Iterable[tuple[str, Path]], *, title: str) -> Path:
    """Write ``merged.pdf`` from ``(bookmark title, pdf path)`` pairs; each part's pages numbered from 1."""
    writer = PdfWriter()
    writer.add_metadata({"/Title": title, "/Producer": "docgen batch"})
    digests = []  # of each row's PDF, for the file identifier
    for bookmark, path in parts:
        start = len(writer.pages)
        content = path.read_bytes()
        digests.append(hashlib.sha256(content).digest())
        reader = PdfReader(io.BytesIO(content))
        writer.append(reader, import_outline=False)
        end = len(writer.pages) - 1
        writer.add_outline_item(title=bookmark, page_number=start)
        writer.set_page_label(page_index_from=start, page_index_to=end, style=PageLabelStyle.DECIMAL, start=1)
    share_cff_subsets(writer, FontMap.default())
    set_identifier(writer, digests)
    buffer = io.BytesIO()
    writer.write(buffer)
    return write_atomic(out_dir / MERGED_PDF, buffer.getvalue())
