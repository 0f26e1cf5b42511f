"""The docx package reader: parts found through relationships, read lazily with plain lxml."""

from __future__ import annotations

import gc
import io
import zipfile
import zlib

import pytest

from docgen.errors import InputError
from docgen.pdf import typeset
from docgen.pdf.package import STYLES, Package
from tests.pdf.builders import chinese_document, to_bytes

ROOT_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="/word/document.xml"/></Relationships>'
)
DOCUMENT = (
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>正文</w:t></w:r></w:p></w:body></w:document>"
)


def zipped(members: dict[str, str]) -> bytes:
    """A zip holding the given members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_parts_are_found_through_relative_relationships() -> None:
    package = Package(to_bytes(chinese_document()))
    assert package.main.name == "word/document.xml"
    styles = package.main.related_by_type(STYLES)
    assert styles is not None and styles.name == "word/styles.xml"


def test_absolute_targets_and_missing_optional_parts() -> None:
    package = Package(zipped({"_rels/.rels": ROOT_RELS, "word/document.xml": DOCUMENT}))
    assert package.main.name == "word/document.xml"
    assert package.main.related_by_type(STYLES) is None
    assert typeset(zipped({"_rels/.rels": ROOT_RELS, "word/document.xml": DOCUMENT})).pages == 1


@pytest.mark.parametrize(
    "members",
    [{"_rels/.rels": ROOT_RELS}, {"word/document.xml": DOCUMENT}, {"_rels/.rels": ROOT_RELS, "word/document.xml": "<"}],
    ids=["no document part", "no relationships", "malformed XML"],
)
def test_broken_packages_raise_input_error(members: dict[str, str]) -> None:
    with pytest.raises(InputError):
        typeset(zipped(members))


def test_typeset_leaves_the_garbage_collector_as_it_found_it() -> None:
    data = to_bytes(chinese_document())
    typeset(data)
    assert gc.isenabled()
    gc.disable()
    try:
        typeset(data)
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_part_as_stored_is_its_compressed_bytes(method: int) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("word/document.xml", DOCUMENT)
        archive.writestr("word/extra.xml", "<x/>")  # after it, so the stored bytes must end where they do
    main = Package(buffer.getvalue()).main
    stored_method, stored = main.stored
    assert stored_method == method
    content = stored if method == zipfile.ZIP_STORED else zlib.decompress(stored, wbits=-15)
    assert content == DOCUMENT.encode()


def test_documents_of_one_template_store_their_styles_alike() -> None:
    first, second = chinese_document(), chinese_document()
    first.add_paragraph("第一份")
    second.add_paragraph("第二份，内容不同")
    styles = [Package(to_bytes(doc)).main.related_by_type(STYLES) for doc in (first, second)]
    assert styles[0] is not None and styles[1] is not None
    assert styles[0].stored == styles[1].stored
