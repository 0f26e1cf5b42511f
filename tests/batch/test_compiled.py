import io
import zipfile

import pytest

import docgen
from docgen.api import document_properties
from docgen.context import build_context
from docgen.render_docx import _zip, find_template, render_docx
from docgen.render_docx.compiled import CompiledTemplate


@pytest.mark.parametrize("kind", ["application", "feasibility", "plan"])
def test_compiled_template_is_byte_identical_to_render_docx(record, kind):
    report = docgen.validate(record, kind)
    context = build_context(report.record, report.policy, kind=kind, input_sha256=report.source.sha256)
    properties = document_properties(report, docgen.get_kind(kind))
    compiled = CompiledTemplate(find_template(kind))
    assert compiled.fast
    reference = render_docx(find_template(kind), context, properties=properties)
    assert compiled.render(context, properties=properties) == reference
    record["applicant"]["name"] = "另一家公司"  # a second row through the same compiled template
    report = docgen.validate(record, kind)
    context = build_context(report.record, report.policy, kind=kind, input_sha256=report.source.sha256)
    properties = document_properties(report, docgen.get_kind(kind))
    assert compiled.render(context, properties=properties) == render_docx(find_template(kind), context,
                                                                          properties=properties)


def test_zip_pack_matches_zipfile():
    members = [("[Content_Types].xml", b"<x/>" * 50), ("word/文档.xml", "中文".encode() * 100)]
    expected = io.BytesIO()
    with zipfile.ZipFile(expected, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    assert _zip.pack([_zip.compress(name, data) for name, data in members]) == expected.getvalue()


def _render_both(compiled, template, record, kind):
    report = docgen.validate(record, kind)
    context = build_context(report.record, report.policy, kind=kind, input_sha256=report.source.sha256)
    properties = document_properties(report, docgen.get_kind(kind))
    return compiled.render(context, properties=properties), render_docx(template, context, properties=properties)


def test_tabs_and_line_breaks_in_the_data_render_as_render_docx_does(record):
    # Rows without such characters skip docxtpl's listing pass; a row with them must still go through it.
    compiled = CompiledTemplate(find_template("application"))
    for name in ("甲公司", "乙\t公司\n第二行", "丙公司"):
        record["applicant"]["name"] = name
        fast, reference = _render_both(compiled, find_template("application"), record, "application")
        assert fast == reference


def test_a_footer_that_differs_per_row_is_rendered_per_row(tmp_path, record):
    # Footers that render the same are reused from the previous row; one that differs must not be.
    template = tmp_path / "application.docx"
    with zipfile.ZipFile(find_template("application")) as src, zipfile.ZipFile(template, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/footer1.xml":
                data = data.replace("— </w:t>".encode(), "{{ applicant.name }} — </w:t>".encode())
            dst.writestr(info, data)
    compiled = CompiledTemplate(template)
    assert compiled.fast
    for name in ("甲公司", "乙公司", "乙公司", "甲公司"):
        record["applicant"]["name"] = name
        fast, reference = _render_both(compiled, template, record, "application")
        assert fast == reference
        with zipfile.ZipFile(io.BytesIO(fast)) as package:
            assert name in package.read("word/footer1.xml").decode()
