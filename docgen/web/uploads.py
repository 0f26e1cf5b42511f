"""Uploaded licence scans: bounded in size and accepted only when their content is a PDF, JPEG or PNG."""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from docgen.errors import InputError

_SIGNATURES = ((b"%PDF-", ".pdf", "application/pdf"), (b"\xff\xd8\xff", ".jpg", "image/jpeg"),
               (b"\x89PNG\r\n\x1a\n", ".png", "image/png"))


class UploadRejected(InputError):
    """An upload that is empty, too large or not what it claims to be."""


def sniff(data: bytes, limit: int) -> tuple[str, str]:
    """The suffix and media type the content really has; the name and type the browser sent are ignored."""
    if not data:
        raise UploadRejected("上传的文件是空的")
    if len(data) > limit:
        raise UploadRejected(f"文件超过 {limit // 1024 // 1024} MB 的上限；请压缩扫描件后再上传")
    for signature, suffix, media_type in _SIGNATURES:
        if data.startswith(signature):
            _readable(data, suffix)
            return suffix, media_type
    raise UploadRejected("只接受 PDF、JPG、PNG 格式的扫描件（按文件内容判断，与扩展名无关）")


def _readable(data: bytes, suffix: str) -> None:
    try:
        if suffix == ".pdf":
            if not PdfReader(io.BytesIO(data)).pages:
                raise UploadRejected("PDF 文件没有页面")
        else:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
    except (PdfReadError, UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise UploadRejected(f"文件内容已损坏，无法读取（{type(exc).__name__}）") from exc
