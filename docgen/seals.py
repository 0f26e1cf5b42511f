"""Seal and signature images a record names: which fields, and the checks on their files.

A notice names one seal image per 署名 (``notice.seal_images``, in 署名 order); an agreement names a seal and a
signature image per party (``agreement.seals.party_a.seal`` …). Paths are relative to the record file. The files
are checked like the packet's attachments: the bytes must be a PNG or JPEG picture (sniffed, not trusted from
the name), within size and pixel limits, and decode completely; each problem is a finding naming the field.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from docgen.attachments import file_problem, resolve
from docgen.findings import Finding, Severity
from docgen.schemas import label_for

MAX_BYTES = 10_000_000  # a seal scanned at 600 dpi is well under 1 MB
MAX_PIXELS = 16_000_000  # 4000 × 4000: far beyond print resolution for a 42 mm seal
PARTIES = ("party_a", "party_b", "party_c")
_SIGNATURES = "/notice/signatories"
_MAGIC = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


def image_fields(record: dict[str, Any], kind: str) -> list[tuple[str, str]]:
    """The (JSON Pointer, path) of every seal or signature image ``kind`` shows, in document order."""
    if kind == "notice":
        images = _mapping(record.get("notice")).get("seal_images")
        return [(f"/notice/seal_images/{i}", path) for i, path in enumerate(_list(images)) if isinstance(path, str)]
    if kind == "agreement":
        seals = _mapping(_mapping(record.get("agreement")).get("seals"))
        return [(f"/agreement/seals/{party}/{what}", path) for party in PARTIES
                for what in ("seal", "signature") if isinstance(path := _mapping(seals.get(party)).get(what), str)]
    return []


def _mapping(value: Any) -> dict[str, Any]:
    """``value`` if it is an object, else an empty one: the schema reports a wrong type, this reads past it."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def with_image_paths_from(record: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    """The record with its seal and signature paths made absolute against ``base_dir``.

    For a batch's base record: its rows are merged in memory and have no folder of their own.
    """
    out = copy.deepcopy(record)
    notice = out.get("notice")
    if isinstance(notice, dict) and isinstance(notice.get("seal_images"), list):
        notice["seal_images"] = [str(resolve(p, base_dir)) if isinstance(p, str) else p for p in notice["seal_images"]]
    agreement = out.get("agreement")
    seals = agreement.get("seals") if isinstance(agreement, dict) else None
    for files in seals.values() if isinstance(seals, dict) else ():
        for what, path in list(files.items()) if isinstance(files, dict) else ():
            if isinstance(path, str):
                files[what] = str(resolve(path, base_dir))
    return out


def seal_findings(record: dict[str, Any], base_dir: Path, kinds: list[str], schema_errors: list[str]) -> list[Finding]:
    """A finding for each named image that is missing or unusable, and for seals that do not match the 署名."""
    findings = []
    for kind in kinds:
        for pointer, value in image_fields(record, kind):
            if any(pointer.startswith(error) for error in schema_errors):
                continue
            path = resolve(value, base_dir)
            label = _label(pointer)
            if not path.is_file():
                findings.append(Finding("attachment.missing", pointer, label,
                                        f"找不到图片文件「{value}」（按 {base_dir} 解析为 {path}）"))
                continue
            problem = image_problem(path)
            if problem is not None:
                findings.append(Finding("attachment.invalid", pointer, label, f"图片「{value}」：{problem}"))
        if kind == "notice":
            findings += _count_findings(_mapping(record.get("notice")))
    return findings


def _label(pointer: str) -> str:
    """The field's title; an agreement's also names the party (乙方印章和签字·印章图片)."""
    if pointer.startswith("/agreement/seals/"):
        return f"{label_for(pointer.rsplit('/', 1)[0])}·{label_for(pointer)}"
    return label_for(pointer)


def image_problem(path: Path) -> str | None:
    """Why the file at ``path`` cannot be a seal or signature (in Chinese), or None."""
    try:
        with path.open("rb") as file:
            head = file.read(8)
    except OSError as exc:
        return f"无法读取（{exc.strerror or exc}）"
    if not any(head.startswith(magic) for magic in _MAGIC):
        return "不是 PNG 或 JPG 图片（印章宜用透明背景的 PNG）"
    return file_problem(path, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS)


def signatories(notice: dict[str, Any]) -> list[str]:
    """The 署名 of a notice: its signatories, or its issuers."""
    names = _list(notice.get("signatories")) or _list(notice.get("issuers"))
    return [name for name in names if isinstance(name, str)]


def _count_findings(notice: dict[str, Any]) -> list[Finding]:
    images = notice.get("seal_images")
    if not isinstance(images, list) or not images:
        return []
    pointer = "/notice/seal_images"
    if notice.get("seal", True) is False:
        return [Finding("seal.unused", pointer, label_for(pointer),
                        "“加盖印章”为否时不应提供印章图片；请删除印章图片或改为加盖印章", Severity.WARNING)]
    names = signatories(notice)
    if len(images) != len(names):
        source = "署名" if notice.get("signatories") else "发文机关"
        message = f"印章图片 {len(images)} 个，{source} {len(names)} 个：每个署名机关一枚印章，按{source}的顺序填写"
        return [Finding("seal.count", pointer, label_for(pointer), message)]
    return []
