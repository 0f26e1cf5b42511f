"""Attachments that would crash or swamp the packet (#11): findings, read within bounded sizes."""

import shutil
import struct
import subprocess
import zlib

import pytest
from pypdf import PdfWriter

import docgen
from docgen.cli import main
from tests.conftest import ROOT


def _png(path, width, height):
    """A valid grayscale PNG of zeros: a 20000×20000 one is 400 MB of pixels in a few hundred kB."""
    rows = zlib.compress(b"\x00" * ((width + 1) * height), 9)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b""))
    return path


def _truncated(path):
    data = (ROOT / "examples" / "licence-scan.png").read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _encrypted(path):
    plain = path.with_name("plain.pdf")
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(plain)
    subprocess.run(["qpdf", "--encrypt", "user", "owner", "256", "--", str(plain), str(path)], check=True)
    return path


def _broken(path):
    path.write_bytes(b"%PDF-1.7\n1 0 obj <<")
    return path


@pytest.mark.parametrize(("name", "make", "says"), [
    ("bomb.png", lambda p: _png(p, 20000, 20000), "像素"),
    ("wide.png", lambda p: _png(p, 12000, 6000), "超过上限"),
    ("truncated.png", _truncated, "损坏"),
    ("encrypted.pdf", _encrypted, "加密"),
    ("broken.pdf", _broken, "不是有效的 PDF"),
])
def test_a_hostile_attachment_is_a_finding(record, tmp_path, name, make, says):
    make(tmp_path / name)
    record["attachments"] = [{"title": "附件", "path": str(tmp_path / name)}]
    found = [f for f in docgen.validate_packet(record).findings if f.code.startswith("attachment.")]
    assert [(f.code, f.path) for f in found] == [("attachment.invalid", "/attachments/0/path")]
    assert says in found[0].message


def test_packet_with_a_bomb_exits_1_with_no_traceback_and_no_files(record, tmp_path, capsys):
    _png(tmp_path / "bomb.png", 20000, 20000)
    record["attachments"] = [{"title": "营业执照", "path": "bomb.png"}]
    source = tmp_path / "record.json"
    source.write_text(__import__("json").dumps(record, ensure_ascii=False, default=str), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["packet", str(source), "-o", str(out), "--to", "docx,pdf"]) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert not out.exists()


def test_the_shipped_scan_still_passes(record, tmp_path):
    shutil.copy(ROOT / "examples" / "licence-scan.png", tmp_path)
    record["attachments"] = [{"title": "营业执照", "path": str(tmp_path / "licence-scan.png")}]
    assert not [f for f in docgen.validate_packet(record).findings if f.code.startswith("attachment.")]
