"""The merged print file: every row's PDF in order, one bookmark per row, page labels restarting per row."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.constants import PageLabelStyle

from docgen.assemble import set_identifier
from docgen.batch.parts import group_by_size, limit_from_env, part_paths, part_title, remove_parts
from docgen.output import write_atomic
from docgen.pdf.fonts import FontMap
from docgen.pdf.shared import share_cff_subsets

MERGED_PDF = "merged.pdf"
# pypdf holds every page of a merged file in memory and the file once more while writing it; a notice's PDF is
# about 85 KB (its own font subsets), so 50,000 rows would need several GB. Parts of 100 MB keep that bounded.
PDF_PART_LIMIT_MB = 100.0
PDF_PART_LIMIT_ENV = "DOCGEN_MERGE_PDF_PART_MB"


def merge_pdfs(out_dir: Path, parts: Iterable[tuple[str, Path]], *, title: str,
               part_limit: int | None = None, duplex: bool = True) -> list[Path]:
    """Write ``merged.pdf`` from ``(bookmark title, pdf path)`` pairs; each part's pages numbered from 1.

    ``duplex``: each part starts on an odd physical page (the front of a sheet), a blank page following a
    part with an odd page count, so that no row is printed on the back of another's last sheet.

    Above ``part_limit`` bytes of input PDFs (default `merge_pdf_part_limit`) the rows are split into
    ``merged-001.pdf`` … (see `docgen.batch.parts`). Returns the files written.
    """
    target = out_dir / MERGED_PDF
    limit = part_limit if part_limit is not None else merge_pdf_part_limit()
    remove_parts(target)
    groups = group_by_size(parts, limit, lambda part: part[1].stat().st_size) or [[]]
    paths = part_paths(target, len(groups))
    try:
        for number, (path, group) in enumerate(zip(paths, groups, strict=True), start=1):
            write_atomic(path, _merged(group, part_title(title, number, len(groups)), duplex))
    except BaseException:
        for path in paths:  # no part of an incomplete merge stays
            path.unlink(missing_ok=True)
        raise
    return paths


def merge_pdf_part_limit() -> int:
    """Bytes of row PDFs per merged PDF: ``$DOCGEN_MERGE_PDF_PART_MB`` megabytes, default `PDF_PART_LIMIT_MB`."""
    return limit_from_env(PDF_PART_LIMIT_ENV, PDF_PART_LIMIT_MB)


def _merged(parts: Iterable[tuple[str, Path]], title: str, duplex: bool) -> bytes:
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
        if duplex and (end - start) % 2 == 0:  # an odd number of pages: the back of its last sheet stays blank
            box = writer.pages[end].mediabox
            writer.add_blank_page(width=box.width, height=box.height)
    share_cff_subsets(writer, FontMap.default())
    set_identifier(writer, digests)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
