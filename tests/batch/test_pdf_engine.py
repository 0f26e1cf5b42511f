"""``docgen batch --pdf-engine libreoffice`` against a fake ``soffice``: checked before any row, per-row failures,
and a resume key that changes with the engine."""

import json
import os
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import write_csv

from docgen.batch import run_batch
from docgen.cli import main
from docgen.errors import UsageError
from tests.fake_soffice import FakeSoffice, no_soffice


@pytest.fixture
def rows(tmp_path):
    return write_csv(tmp_path / "rows.csv", ["applicant.name"], [["甲"], ["乙"]])


def run(rows, out, base, **options):
    options.setdefault("jobs", 1)
    options.setdefault("to", ("pdf",))
    return run_batch("application", rows, out, base=base, name_pattern="{row:03d}", **options)


def test_rows_are_converted_by_libreoffice(monkeypatch, tmp_path, rows, base_path):
    fake = FakeSoffice(monkeypatch, tmp_path / "fake", "ok")
    summary = run(rows, tmp_path / "out", base_path, pdf_engine="libreoffice")
    assert (summary.rendered, summary.failed) == (2, 0)
    assert all((tmp_path / "out" / f"{n:03d}.pdf").read_bytes() == fake.pdf for n in (2, 3))
    assert len(fake.calls) == 2


def test_parallel_workers_convert_in_profiles_of_their_own(monkeypatch, tmp_path, base_path):
    fake = FakeSoffice(monkeypatch, tmp_path / "fake", "ok")
    rows = write_csv(tmp_path / "rows.csv", ["applicant.name"], [[f"公司{i}"] for i in range(20)])
    summary = run(rows, tmp_path / "out", base_path, pdf_engine="libreoffice", jobs=2)
    assert summary.rendered == 20
    prefix = "-env:UserInstallation=file://"
    profiles = {Path(unquote(arg.removeprefix(prefix))) for call in fake.calls for arg in call if arg.startswith(prefix)}
    assert 1 <= len(profiles) <= 2  # one per worker process that got rows
    assert not any(f"docgen-soffice-{os.getpid()}-" in path.name for path in profiles)  # not the parent's
    assert not any(path.exists() for path in profiles)  # removed as the workers exited


def test_missing_soffice_stops_the_run_before_any_row(monkeypatch, tmp_path, rows, base_path):
    no_soffice(monkeypatch, tmp_path)
    with pytest.raises(UsageError, match="未找到 LibreOffice"):
        run(rows, tmp_path / "out", base_path, pdf_engine="libreoffice")
    assert not (tmp_path / "out").exists()


def test_docx_only_needs_no_soffice_but_a_known_engine(monkeypatch, tmp_path, rows, base_path):
    no_soffice(monkeypatch, tmp_path)
    assert run(rows, tmp_path / "out", base_path, to=("docx",), pdf_engine="libreoffice").rendered == 2
    with pytest.raises(UsageError, match="不支持的 PDF 引擎：word"):
        run(rows, tmp_path / "out", base_path, to=("docx",), pdf_engine="word")


def test_a_failing_conversion_fails_its_row_with_what_soffice_said(monkeypatch, tmp_path, rows, base_path):
    FakeSoffice(monkeypatch, tmp_path / "fake", "fail")
    summary = run(rows, tmp_path / "out", base_path, pdf_engine="libreoffice")
    assert (summary.rendered, summary.failed) == (0, 2)
    text = (tmp_path / "out" / "errors.csv").read_text(encoding="utf-8-sig")
    assert "batch.render_failed" in text
    assert "LibreOffice 转换 002.docx 失败（退出码 1）；LibreOffice 输出：Error: source file could not be loaded" in text


def test_resume_rerenders_when_the_engine_changes(monkeypatch, tmp_path, rows, base_path):
    FakeSoffice(monkeypatch, tmp_path / "fake", "ok")
    out = tmp_path / "out"
    run(rows, out, base_path)
    assert (run(rows, out, base_path, resume=True).skipped) == 2
    switched = run(rows, out, base_path, resume=True, pdf_engine="libreoffice")
    assert (switched.rendered, switched.skipped) == (2, 0)
    assert (run(rows, out, base_path, resume=True, pdf_engine="libreoffice").skipped) == 2
    back = run(rows, out, base_path, resume=True)
    assert (back.rendered, back.skipped) == (2, 0)


def test_the_engine_does_not_matter_to_resume_without_pdf(monkeypatch, tmp_path, rows, base_path):
    FakeSoffice(monkeypatch, tmp_path / "fake", "ok")
    out = tmp_path / "out"
    run(rows, out, base_path, to=("docx",))
    assert run(rows, out, base_path, to=("docx",), resume=True, pdf_engine="libreoffice").skipped == 2


def manifest_header(out: Path) -> dict:
    return {key: value for key, value in json.loads((out / "manifest.json").read_text(encoding="utf-8")).items()
            if key != "rows"}


def test_the_manifest_names_the_pdf_engine_of_the_pdfs(monkeypatch, tmp_path, rows, base_path):
    FakeSoffice(monkeypatch, tmp_path / "fake", "ok")
    run(rows, tmp_path / "lo", base_path, to=("docx", "pdf"), pdf_engine="libreoffice")
    assert manifest_header(tmp_path / "lo")["pdf_engine"] == "libreoffice"
    one_row = write_csv(tmp_path / "one.csv", ["applicant.name"], [["甲"]])
    run(one_row, tmp_path / "docgen", base_path)
    assert manifest_header(tmp_path / "docgen")["pdf_engine"] == "docgen"


def test_the_manifest_has_no_pdf_engine_without_pdfs(monkeypatch, tmp_path, rows, base_path):
    FakeSoffice(monkeypatch, tmp_path / "fake", "ok")
    run(rows, tmp_path / "out", base_path, to=("docx",), pdf_engine="libreoffice")
    assert list(manifest_header(tmp_path / "out")) == ["generator", "kind", "rows_file", "formats", "counts"]


def test_cli_batch_without_soffice_exits_2_with_one_chinese_line(monkeypatch, capsys, tmp_path, rows, base_path):
    no_soffice(monkeypatch, tmp_path)
    code = main(["batch", "application", str(rows), "--base", str(base_path), "-o", str(tmp_path / "out"),
                 "--to", "pdf", "--pdf-engine", "libreoffice", "--jobs", "1"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("错误：未找到 LibreOffice（soffice）") and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
