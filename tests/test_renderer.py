"""The one renderer: warm state saves time and never changes a byte; templates edited on disk are picked up."""

import shutil
import threading

import docx
import pytest

import docgen
from docgen.options import RenderOptions
from docgen.render_docx import find_template
from docgen.renderer import Renderer
from tests.conftest import FIXTURES, load_json
from tests.pdf.builders import normalise, pdftotext
from tests.readback import docx_text, open_docx


@pytest.fixture(scope="module")
def warm():
    return Renderer(RenderOptions(formats=("docx", "pdf")))


def test_a_warm_renderer_gives_what_one_fresh_call_gives(warm, record):
    notice = load_json(FIXTURES / "notice.json")
    for kind, data in [("application", record), ("notice", notice), ("plan", record), ("notice", notice)]:
        warm_doc = warm.render(data, kind).documents[0]
        fresh = docgen.render(data, kind, to=["docx", "pdf"]).documents[0]
        assert (warm_doc.data, warm_doc.pdf) == (fresh.data, fresh.pdf), kind


def test_a_packet_renders_every_packet_kind_in_order(warm, record):
    rendered = warm.render_packet(record)
    assert [d.kind for d in rendered.documents] == ["application", "feasibility", "plan"]
    assert rendered.packet_pdf is not None and normalise(record["project"]["name"]) in normalise(pdftotext(rendered.packet_pdf))


def test_an_edited_template_is_recompiled(tmp_path, record):
    shutil.copy(find_template("application"), tmp_path / "application.docx")
    renderer = Renderer(RenderOptions(templates=tmp_path))
    assert "修订说明" not in _text(renderer.render(record, "application").documents[0].data)
    template = docx.Document(tmp_path / "application.docx")
    template.add_paragraph("修订说明")
    template.save(tmp_path / "application.docx")
    assert "修订说明" in _text(renderer.render(record, "application").documents[0].data)


def test_threads_may_share_a_renderer(record):
    renderer = Renderer()
    names = [f"线程{i}测试有限公司" for i in range(4)]
    results: dict[str, bytes] = {}

    def render(name: str) -> None:
        data = {**record, "applicant": {**record["applicant"], "name": name}}
        results[name] = renderer.render(data, "application").documents[0].data

    threads = [threading.Thread(target=render, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == sorted(names)
    for name, data in results.items():
        assert name in _text(data) and not any(other in _text(data) for other in names if other != name)


def test_errors_refuse_and_force_renders_past_rule_errors_only(record):
    record["finance"]["contributions_last_year"] = "1000.00"
    with pytest.raises(docgen.DataError):
        Renderer().render(record, "application")
    forced = Renderer(RenderOptions(force=True)).render(record, "application")
    assert not forced.report.ok and forced.documents[0].data
    record["applicant"]["name"] = 7
    with pytest.raises(docgen.DataError):
        Renderer(RenderOptions(force=True)).render(record, "application")


def _text(data: bytes) -> str:
    return docx_text(open_docx(data))
