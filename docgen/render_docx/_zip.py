"""A minimal deterministic zip writer that reuses compressed bytes of members that never change.

A rendered docx is about 800 kB of XML of which only ``word/document.xml`` and a few small parts depend
on the row; compressing the static ``styles.xml`` again for every row was most of the time per row.
The layout matches what ``zipfile`` writes for ``writestr`` (fixed 1980 timestamps, deflate, 0644),
so a batch output is byte-identical to a single render's.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

_DOS_DATE = (1980 - 1980) << 9 | 1 << 5 | 1  # 1980-01-01
_DOS_TIME = 0
_VERSION = 20
_SYSTEM_UNIX = 3
_EXTERNAL_ATTR = 0o644 << 16
_UTF8_FLAG = 0x800


@dataclass(frozen=True, slots=True)
class Member:
    """One compressed zip member."""

    name: str
    crc: int
    size: int
    compressed: bytes


def compress(name: str, data: bytes) -> Member:
    """Deflate ``data`` as zipfile does (default level, raw stream)."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return Member(name, zlib.crc32(data), len(data), compressor.compress(data) + compressor.flush())


def stored(data: bytes) -> list[Member]:
    """The members of a zip file as stored, deflated members without inflating them (to pack again)."""
    members = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for info in package.infolist():
            if info.compress_type != zlib.DEFLATED:
                members.append(compress(info.filename, package.read(info)))
                continue
            name_length, extra_length = struct.unpack_from("<2H", data, info.header_offset + 26)
            start = info.header_offset + 30 + name_length + extra_length
            members.append(Member(info.filename, info.CRC, info.file_size, data[start:start + info.compress_size]))
    return members


def pack(members: list[Member]) -> bytes:
    """The zip file holding ``members`` in order."""
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for member in members:
        name, flags = _encode(member.name)
        local = struct.pack("<4s2B4HL2L2H", b"PK\003\004", _VERSION, 0, flags, zlib.DEFLATED, _DOS_TIME, _DOS_DATE,
                            member.crc, len(member.compressed), member.size, len(name), 0)
        chunks += (local, name, member.compressed)
        central.append(struct.pack("<4s4B4HL2L5H2L", b"PK\001\002", _VERSION, _SYSTEM_UNIX, _VERSION, 0, flags,
                                   zlib.DEFLATED, _DOS_TIME, _DOS_DATE, member.crc, len(member.compressed),
                                   member.size, len(name), 0, 0, 0, 0, _EXTERNAL_ATTR, offset) + name)
        offset += len(local) + len(name) + len(member.compressed)
    directory = b"".join(central)
    end = struct.pack("<4s4H2LH", b"PK\005\006", 0, 0, len(members), len(members), len(directory), offset, 0)
    return b"".join(chunks) + directory + end


def _encode(name: str) -> tuple[bytes, int]:
    try:
        return name.encode("ascii"), 0
    except UnicodeEncodeError:
        return name.encode("utf-8"), _UTF8_FLAG
