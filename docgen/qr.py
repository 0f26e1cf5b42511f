"""The optional verification QR code (``--qr``): what it says, and its picture (segno).

It cannot hold the hash of the PDF it is printed on (the manifest's), so it holds what pins the document down:
the kind, the SHA-256 of the record it was rendered from and the docgen version. Rendering is deterministic, so
whoever has the record can render it again with that version and compare the bytes with the manifest; whoever has
only the paper can match the record hash against the manifest's ``input_sha256``.
"""

from __future__ import annotations

import io

import segno

from docgen import __version__

PREFIX = "docgen"


def payload(kind: str, record_sha256: str, version: str = __version__) -> str:
    """The text a document's QR code encodes: ``docgen/0.1.0 notice sha256:<64 hex digits>``."""
    return f"{PREFIX}/{version} {kind} sha256:{record_sha256}"


def png(text: str) -> bytes:
    """A QR code of ``text`` as a PNG (error correction M, the standard four-module quiet zone); deterministic."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()
