"""Typesetter: a session that reuses work between documents gives, for each, exactly what typeset gives."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest

import docgen
from docgen.pdf import Typesetter, typeset
from tests.pdf.builders import chinese_document, to_bytes

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
METADATA = {"title": "通知", "author": "鄂尔多斯市人力资源和社会保障局", "subject": "工伤预防", "keywords": "申报"}


@pytest.fixture(scope="module")
def notices() -> list[bytes]:
    """Notices from one template that differ in the recipient, as a batch renders them."""
    base = json.loads((EXAMPLES / "notice.json").read_text(encoding="utf-8"), parse_float=Decimal)
    recipients = [("鄂尔多斯市煤炭行业协会", 2), ("准格尔旗恒源煤电有限公司", 1),
                  ("鄂尔多斯市第一百二十三号能源有限责任公司（达拉特旗分公司）", 5), ("ABC Mining Co., Ltd.", 3)]
    documents = []
    for name, quota in recipients:
        record = copy.deepcopy(base)
        record["recipient"]["name"], record["recipient"]["quota"] = name, quota
        documents.append(docgen.render(record, "notice", to=["docx"]).documents[0].data)
    return documents


def test_notices_are_byte_identical_to_one_shot_typesetting(notices: list[bytes]) -> None:
    session = Typesetter()
    for data in [*notices, *notices]:  # the second round reuses every paragraph
        assert session.typeset(data, metadata=METADATA) == typeset(data, metadata=METADATA)


def test_documents_of_different_templates_interleaved_keep_their_own_styles(notices: list[bytes]) -> None:
    """Shared formats are keyed by the styles part: another template's document must not get the notice's."""
    packet = [doc.data for doc in docgen.render_packet(EXAMPLES / "project.json").documents]
    plain = chinese_document(size=14)
    plain.add_paragraph("宋体正文，十四磅。")
    others = [*packet, to_bytes(plain)]
    session = Typesetter(style_parts=2)
    for data in [notices[0], *others, notices[1], *others]:
        assert session.typeset(data) == typeset(data)


def test_a_small_memory_still_gives_the_same_documents(notices: list[bytes]) -> None:
    session = Typesetter(paragraphs=3, style_parts=1)
    for data in notices[:2]:
        assert session.typeset(data, metadata=METADATA) == typeset(data, metadata=METADATA)


def test_reused_paragraphs_still_warn_in_each_document() -> None:
    document = chinese_document()
    document.add_paragraph("生僻字\U00020000在此")
    document.add_paragraph("宋体文字 Latin text")
    data = to_bytes(document)
    expected = typeset(data).warnings
    assert [w for w in expected if w.code == "pdf.font.missing_glyph"]
    session = Typesetter()
    assert session.typeset(data).warnings == expected
    assert session.typeset(data).warnings == expected


def test_font_warnings_do_not_depend_on_what_was_typeset_before(notices: list[bytes]) -> None:
    document = chinese_document()
    document.add_paragraph("宋体文字")
    data = to_bytes(document)
    first = typeset(data).warnings
    typeset(notices[0])
    assert typeset(data).warnings == first
