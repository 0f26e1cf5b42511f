"""Seal and signature images named by a record: checked like attachments, each problem naming its field."""

from __future__ import annotations

import copy
import io
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

import docgen
from docgen.errors import DataError
from docgen.seals import with_image_paths_from
from tests.conftest import ROOT, load_json

EXAMPLES = ROOT / "examples"


def _notice(tmp_path: Path, images: list[str], **changes) -> Path:
    record = load_json(EXAMPLES / "notice.json")
    record["notice"]["seal_images"] = images
    record["notice"].update(changes)
    record["recipient"] = {"name": "某单位", "code": "1", "region": "某地", "quota": 1, "amount": "1.00",
                           "contact": "某人", "phone": "1", "deadline": "2027-02-28"}
    path = tmp_path / "notice.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return path


def _findings(path: Path, kind: str) -> list:
    return [f for f in docgen.validate(path, kind).findings if f.code.startswith(("attachment.", "seal."))]


def test_the_examples_seals_pass(tmp_path: Path) -> None:
    assert _findings(EXAMPLES / "agreement-three-party.json", "agreement") == []
    shutil.copytree(EXAMPLES / "seals", tmp_path / "seals")
    assert _findings(_notice(tmp_path, ["seals/seal-1.png", "seals/seal-2.png"]), "notice") == []


def test_missing_fake_and_oversized_images_are_findings_naming_the_field(tmp_path: Path) -> None:
    (tmp_path / "fake.png").write_text("not a picture", encoding="utf-8")
    Image.new("1", (5000, 4000)).save(tmp_path / "huge.png")  # 20 million pixels in a few kilobytes
    found = _findings(_notice(tmp_path, ["missing.png", "fake.png"]), "notice")
    assert [(f.code, f.path, f.label) for f in found] == [
        ("attachment.missing", "/notice/seal_images/0", "印章图片第1项"),
        ("attachment.invalid", "/notice/seal_images/1", "印章图片第2项"),
    ]
    assert "missing.png" in found[0].message and "不是 PNG 或 JPG" in found[1].message
    [huge] = _findings(_notice(tmp_path, ["huge.png", "huge.png"]), "notice")[:1]
    assert huge.code == "attachment.invalid" and "百万像素" in huge.message


def test_a_truncated_png_is_invalid(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 300), (255, 0, 0, 128)).save(buffer, "PNG")
    (tmp_path / "cut.png").write_bytes(buffer.getvalue()[:200])
    shutil.copy(EXAMPLES / "seals" / "seal-1.png", tmp_path / "good.png")
    [found] = _findings(_notice(tmp_path, ["good.png", "cut.png"]), "notice")
    assert (found.code, found.path) == ("attachment.invalid", "/notice/seal_images/1")


def test_one_seal_per_signatory_and_none_without_seal(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "seals" / "seal-1.png", tmp_path / "s.png")
    [count] = _findings(_notice(tmp_path, ["s.png"]), "notice")
    assert (count.code, count.path, count.severity) == ("seal.count", "/notice/seal_images", "error")
    assert "印章图片 1 个，发文机关 2 个" in count.message
    [unused] = _findings(_notice(tmp_path, ["s.png", "s.png"], seal=False), "notice")
    assert (unused.code, unused.severity) == ("seal.unused", "warning")


def test_agreement_finding_names_the_party(tmp_path: Path) -> None:
    record = load_json(EXAMPLES / "agreement-three-party.json")
    record["agreement"]["seals"]["party_b"]["signature"] = "nowhere.png"
    record = with_image_paths_from(record, EXAMPLES)
    with pytest.raises(DataError) as raised:
        docgen.render(record, "agreement")
    [found] = [f for f in raised.value.findings if f.code.startswith("attachment.")]
    assert (found.path, found.label) == ("/agreement/seals/party_b/signature", "乙方印章和签字·签字图片")


def test_batch_base_paths_are_made_absolute() -> None:
    record = copy.deepcopy(load_json(EXAMPLES / "agreement-three-party.json"))
    absolute = with_image_paths_from(record, EXAMPLES)
    assert absolute["agreement"]["seals"]["party_a"]["seal"] == str(EXAMPLES / "seals" / "seal-1.png")
    assert record["agreement"]["seals"]["party_a"]["seal"] == "seals/seal-1.png"  # the input is left as it was
