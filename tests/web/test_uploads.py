import io

import pytest
from PIL import Image

from docgen.web.uploads import UploadRejected, sniff
from tests.conftest import ROOT


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_content_decides_the_type_not_the_name():
    assert sniff(_png(), 1 << 20) == (".png", "image/png")
    assert sniff((ROOT / "examples" / "licence-scan.png").read_bytes(), 10 << 20)[0] == ".png"


@pytest.mark.parametrize(("data", "message"), [
    (b"", "空"), (b"MZ\x90\x00 not a scan", "只接受 PDF、JPG、PNG"), (b"%PDF-1.7\nnot really", "损坏"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "损坏"), (b"\xff\xd8\xff" + b"x" * 2000, "上限"),
])
def test_bad_uploads_are_refused_with_a_reason(data, message):
    with pytest.raises(UploadRejected, match=message):
        sniff(data, 1000)
