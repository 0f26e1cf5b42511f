"""Attachments as PDF pages: a scanned image (JPG/PNG) placed on an A4 page, fitted within the margins."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from docgen.errors import FontError, InputError
from docgen.pdf.fonts import FontMap, find_file, load_font

_MARGIN = 15 * mm


def image_problem(path: Path, *, max_pixels: int) -> str | None:
    """Why an image cannot be placed on a page (in Chinese), or None: unreadable, truncated, too many pixels.

    The size is read from the header before any pixel is decoded, so a decompression bomb costs nothing.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if width * height > max_pixels:
                    return f"图片为 {width}×{height} 像素，超过上限 {max_pixels // 1_000_000} 百万像素；请降低分辨率"
                image.load()  # decodes every pixel: a truncated or corrupt file fails here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "图片像素数过大（疑似压缩炸弹），无法放入文书"
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        return f"图片无法读取或已损坏（{type(exc).__name__}）"
    return None


def image_pdf(path: Path, fontmap: FontMap | None = None) -> bytes:
    """One A4 page showing the image at ``path``, as large as fits, centred; deterministic bytes."""
    try:
        image = ImageReader(str(path))
        width, height = image.getSize()
    except (OSError, ValueError) as exc:
        raise InputError(f"无法读取附件图片 {path}：{exc}") from None
    page_w, page_h = A4
    scale = min((page_w - 2 * _MARGIN) / width, (page_h - 2 * _MARGIN) / height)
    w, h = width * scale, height * scale
    buffer = io.BytesIO()
    # reportlab's page preamble selects an initial font; a TrueType one is only written when used, whereas
    # the default (Helvetica) would leave an unembedded font in a page that has no text at all.
    initial = _any_truetype(fontmap or FontMap.default())
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1, initialFontName=initial)
    canvas.drawImage(image, (page_w - w) / 2, (page_h - h) / 2, w, h)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _any_truetype(fontmap: FontMap) -> str:
    for face in fontmap.faces.values():
        for candidate in face.candidates:
            path = find_file(candidate.file, fontmap.search_dirs)
            font = load_font(path, candidate.index, face.label) if path else None
            if font is not None:
                return font.rl_name
    raise FontError("找不到可用的 TrueType 字体文件，请安装 fonts-arphic-uming 等字体包")
