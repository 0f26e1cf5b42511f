"""Attachments of the filing packet (the licence scan…): checked before rendering, appended as PDF pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docgen.assemble import Part, pdf_problem
from docgen.findings import Finding
from docgen.pdf import FontMap
from docgen.pdf.attachments import image_pdf, image_problem
from docgen.schemas import label_for

_IMAGES = {".jpg", ".jpeg", ".png"}
_KINDS = {".pdf", *_IMAGES}
MAX_BYTES = 50_000_000  # one attachment file: a scan or a signed PDF is a few MB
MAX_PIXELS = 60_000_000  # an A4 scan at 600 dpi is 35 million pixels
MAX_PAGES = 500


def attachment_findings(record: dict[str, Any], base_dir: Path) -> list[Finding]:
    """An error for each attachment that is missing, of a type the packet cannot hold, too large or unreadable."""
    findings = []
    for i, attachment in enumerate(record.get("attachments", [])):
        path = resolve(attachment["path"], base_dir)
        pointer = f"/attachments/{i}/path"
        if path.suffix.lower() not in _KINDS:
            findings.append(Finding("attachment.unsupported", pointer, label_for(pointer),
                                    f"附件「{attachment['path']}」的格式不支持；可用：PDF、JPG、PNG"))
        elif not path.is_file():
            findings.append(Finding("attachment.missing", pointer, label_for(pointer),
                                    f"找不到附件文件「{attachment['path']}」（按 {base_dir} 解析为 {path}）"))
        else:
            problem = _problem(path)
            if problem is not None:
                findings.append(Finding("attachment.invalid", pointer, label_for(pointer),
                                        f"附件「{attachment['path']}」：{problem}"))
    return findings


def _problem(path: Path) -> str | None:
    return file_problem(path, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS)


def file_problem(path: Path, *, max_bytes: int, max_pixels: int) -> str | None:
    """Why the PDF or image at ``path`` cannot be used (in Chinese): too large, unreadable, corrupt; or None."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return f"文件大小 {size / 1e6:.1f} MB，超过上限 {max_bytes // 1_000_000} MB"
        if path.suffix.lower() == ".pdf":
            return pdf_problem(path.read_bytes(), max_pages=MAX_PAGES)
    except OSError as exc:
        return f"无法读取（{exc.strerror or exc}）"
    return image_problem(path, max_pixels=max_pixels)


def attachment_parts(record: dict[str, Any], base_dir: Path, fontmap: FontMap) -> list[Part]:
    """Each attachment as a packet part: PDFs as they are, images on an A4 page."""
    parts = []
    for attachment in record.get("attachments", []):
        path = resolve(attachment["path"], base_dir)
        pdf = path.read_bytes() if path.suffix.lower() == ".pdf" else image_pdf(path, fontmap)
        parts.append(Part(attachment["title"], pdf))
    return parts


def resolve(path: str, base_dir: Path) -> Path:
    """A path named in a record: relative ones are relative to the record's folder."""
    candidate = Path(path)
    return candidate if candidate.is_absolute() else base_dir / candidate
