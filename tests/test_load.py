from decimal import Decimal

import pytest

from docgen.errors import InputError
from docgen.load import from_mapping, read_record


def test_numbers_stay_exact(tmp_path):
    path = tmp_path / "r.json"
    path.write_text('{"amount": 0.1, "n": 3}', encoding="utf-8")
    source = read_record(path)
    assert source.data == {"amount": Decimal("0.1"), "n": 3}
    assert isinstance(source.data["amount"], Decimal)
    assert len(source.sha256) == 64


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "r.json"
    path.write_bytes(b"\xef\xbb\xbf" + '{"名称": "测试"}'.encode())
    assert read_record(path).data == {"名称": "测试"}


def test_not_utf8_is_an_input_error(tmp_path):
    path = tmp_path / "r.json"
    path.write_bytes('{"名称": "测试"}'.encode("gb18030"))
    with pytest.raises(InputError, match="UTF-8"):
        read_record(path)


def test_a_directory_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="是目录"):
        read_record(tmp_path)


def test_mapping_hash_is_stable_and_key_order_free():
    assert from_mapping({"a": 1, "b": Decimal("2.50")}).sha256 == from_mapping({"b": Decimal("2.50"), "a": 1}).sha256
