"""The pypdf adapter: merges document PDFs and attachments into one packet with an outline and metadata."""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.errors import DependencyError, PdfReadError, PyPdfError
from pypdf.generic import ArrayObject, ByteStringObject

from docgen.errors import InputError
from docgen.pdf.fonts import FontMap
from docgen.pdf.shared import share_cff_subsets


@dataclass(frozen=True, slots=True)
class Part:
    """One piece of the packet: its bookmark title and its PDF bytes."""

    title: str
    pdf: bytes


def merge(parts: Sequence[Part], *, metadata: Mapping[str, str], fonts: FontMap | None = None) -> bytes:
    """Concatenate ``parts`` with one bookmark each; set title, author, subject and keywords.

    With ``fonts``, the parts' subsets of a CFF face are replaced by one (``docgen.pdf.shared``).
    """
    writer = PdfWriter()
    for part in parts:
        start = len(writer.pages)
        for page in _reader(part).pages:
            writer.add_page(page)
        writer.add_outline_item(title=part.title, page_number=start)
    writer.add_metadata({f"/{key.capitalize()}": value for key, value in metadata.items()})
    writer.add_metadata({"/Producer": "docgen"})
    if fonts is not None:
        share_cff_subsets(writer, fonts)
    set_identifier(writer, [part.pdf for part in parts])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def set_identifier(writer: PdfWriter, contents: Iterable[bytes]) -> None:
    """Give the PDF a file identifier (/ID) derived from what it is made of, so equal input gives equal bytes.

    pypdf writes none unless asked, and then a random one; PDF/A and many archives require it.
    """
    digest = hashlib.md5(usedforsecurity=False)
    for content in contents:
        digest.update(hashlib.sha256(content).digest())
    identifier = ByteStringObject(digest.digest())
    writer._ID = ArrayObject([identifier, identifier])  # pypdf's trailer reads it; it has no public setter


def pdf_problem(data: bytes, *, max_pages: int) -> str | None:
    """Why a PDF cannot go into the packet (in Chinese), or None: unreadable, encrypted, too many pages."""
    encrypted = "PDF 已加密（设有密码或权限限制），无法合并；请提供未加密的 PDF"
    try:
        with _quiet():
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                return encrypted
            pages = len(reader.pages)
    except DependencyError:  # pypdf needs the cryptography package only to open an AES-encrypted file
        return encrypted
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        return f"不是有效的 PDF（{type(exc).__name__}）"
    if pages == 0:
        return "PDF 没有页面"
    if pages > max_pages:
        return f"PDF 有 {pages} 页，超过附件上限 {max_pages} 页"
    return None


@contextmanager
def _quiet() -> Iterator[None]:
    """Pypdf logs what it repairs in a broken file to stderr; the finding says it once, in Chinese."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def page_count(pdf: bytes) -> int:
    """Number of pages of a PDF."""
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _reader(part: Part) -> PdfReader:
    try:
        return PdfReader(io.BytesIO(part.pdf))
    except PdfReadError as exc:
        raise InputError(f"附件「{part.title}」不是有效的 PDF：{exc}") from None
