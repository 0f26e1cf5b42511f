"""The LibreOffice PDF engine: the adapter against fake ``soffice`` scripts, then a few runs of the real one."""

import io
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from pypdf import PdfReader

import docgen
from docgen import libreoffice
from docgen.api import document_properties
from docgen.errors import EngineError, EngineTimeoutError, UsageError
from docgen.typeset import to_pdf
from tests.conftest import ROOT
from tests.fake_soffice import FakeSoffice, no_soffice
from tests.pdf.builders import normalise, pdftotext

AGREEMENT = ROOT / "examples" / "agreement-two-party.json"
AMOUNT_IN_WORDS = "人民币贰拾玖万肆仟肆佰零捌元玖角整"  # 294,408.90, written by hand


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting for a parent that does not reap counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


# ---- the adapter, with fake soffice scripts ------------------------------------------------------------------

def test_convert_returns_the_pdf_soffice_wrote_and_its_page_count(monkeypatch, tmp_path):
    fake = FakeSoffice(monkeypatch, tmp_path, "ok", pages=3)
    result = libreoffice.convert(b"docx bytes")
    assert (result.pdf, result.pages, result.warnings) == (fake.pdf, 3, [])


def test_soffice_runs_headless_in_a_profile_of_this_process(monkeypatch, tmp_path):
    fake = FakeSoffice(monkeypatch, tmp_path, "ok")
    libreoffice.convert(b"one")
    libreoffice.convert(b"two")
    profile = libreoffice.profile_dir()
    for options, outdir, source in ((call[:-2], call[-2], call[-1]) for call in fake.calls):
        assert options == ["--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                           "--convert-to", libreoffice.PDF_FILTER, "--outdir"]
        assert source == str(Path(outdir) / "document.docx")
    assert profile.is_dir() and profile.name.startswith(f"docgen-soffice-{os.getpid()}-")


def test_libreoffice_is_found_under_its_other_name(monkeypatch, tmp_path):
    FakeSoffice(monkeypatch, tmp_path, "ok", program="libreoffice")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert libreoffice.find_soffice() == str(tmp_path / "bin" / "libreoffice")


def test_missing_soffice_is_a_usage_error_naming_the_package_and_the_default_engine(monkeypatch, tmp_path):
    no_soffice(monkeypatch, tmp_path)
    with pytest.raises(UsageError) as caught:
        libreoffice.convert(b"docx")
    message = str(caught.value)
    assert message.startswith("未找到 LibreOffice（soffice）") and "\n" not in message
    assert "libreoffice-writer" in message and "--pdf-engine docgen" in message


def test_a_hanging_soffice_is_killed_with_its_children_after_the_timeout(monkeypatch, tmp_path):
    fake = FakeSoffice(monkeypatch, tmp_path, "hang")
    monkeypatch.setenv("DOCGEN_SOFFICE_TIMEOUT", "0.5")
    started = time.monotonic()
    with pytest.raises(EngineTimeoutError) as caught:
        libreoffice.convert(b"docx", name="04-服务协议.docx")
    assert time.monotonic() - started < 10  # the script sleeps 30 s
    assert isinstance(caught.value, EngineError) and isinstance(caught.value, TimeoutError)
    message = str(caught.value)
    assert message.startswith("LibreOffice 转换 04-服务协议.docx 超过 0.5 秒未完成，已终止")
    assert "DOCGEN_SOFFICE_TIMEOUT" in message and "\n" not in message
    deadline = time.monotonic() + 5
    while _alive(fake.child_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(fake.child_pid)


def test_a_timeout_discards_the_profile_the_killed_instance_may_have_locked(monkeypatch, tmp_path):
    FakeSoffice(monkeypatch, tmp_path, "hang")
    before = libreoffice.profile_dir()
    with pytest.raises(EngineTimeoutError):
        libreoffice.convert(b"docx", timeout=0.2)
    assert not before.exists()
    assert libreoffice.profile_dir() != before


@pytest.mark.parametrize("value", ["abc", "0", "-5", "inf", "nan"])
def test_a_bad_timeout_setting_is_a_usage_error(monkeypatch, value):
    monkeypatch.setenv("DOCGEN_SOFFICE_TIMEOUT", value)
    with pytest.raises(UsageError, match=f"DOCGEN_SOFFICE_TIMEOUT 应为正数（秒），现为「{value}」"):
        libreoffice.timeout_seconds()


def test_timeout_defaults_to_two_minutes(monkeypatch):
    monkeypatch.delenv("DOCGEN_SOFFICE_TIMEOUT", raising=False)
    assert libreoffice.timeout_seconds() == 120


def test_a_failing_soffice_names_the_file_exit_code_and_its_last_words(monkeypatch, tmp_path):
    FakeSoffice(monkeypatch, tmp_path, "fail")
    with pytest.raises(EngineError) as caught:
        libreoffice.convert(b"docx", name="04-服务协议.docx")
    assert str(caught.value) == ("LibreOffice 转换 04-服务协议.docx 失败（退出码 1）；"
                                 "LibreOffice 输出：Error: source file could not be loaded")


def test_soffice_exiting_0_without_a_pdf_is_an_error(monkeypatch, tmp_path):
    FakeSoffice(monkeypatch, tmp_path, "silent")
    with pytest.raises(EngineError, match="LibreOffice 未能把 04-服务协议.docx 转换为 PDF；.*could not be loaded"):
        libreoffice.convert(b"docx", name="04-服务协议.docx")


def _profile_in_worker() -> tuple[int, str]:
    return os.getpid(), str(libreoffice.profile_dir())


def test_each_process_has_its_own_profile_removed_when_it_exits():
    code = "from docgen.libreoffice import profile_dir; print(profile_dir())"
    made = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
            for _ in range(2)]
    with ProcessPoolExecutor(max_workers=1) as pool:  # pool workers leave through os._exit, skipping atexit
        pid, in_pool = pool.submit(_profile_in_worker).result()
    assert len({*made, in_pool}) == 3
    assert f"docgen-soffice-{pid}-" in in_pool
    assert not any(Path(path).exists() for path in [*made, in_pool])


# ---- the engine choice through the API, CLI and batch, still with fakes ---------------------------------------

def test_render_with_libreoffice_uses_its_pdf_and_reports_no_layout_notes(monkeypatch, tmp_path):
    fake = FakeSoffice(monkeypatch, tmp_path, "ok", pages=7)
    rendered = docgen.render(AGREEMENT, "agreement", to=["pdf"], pdf_engine="libreoffice")
    [document] = rendered.documents
    assert (document.pdf, document.pages, rendered.layout) == (fake.pdf, 7, [])


def test_to_pdf_dispatches_on_the_engine(monkeypatch, tmp_path):
    fake = FakeSoffice(monkeypatch, tmp_path, "ok")
    docx = docgen.render(AGREEMENT, "agreement").documents[0].data
    assert to_pdf(docx, metadata={}, engine="libreoffice").pdf == fake.pdf
    assert to_pdf(docx, metadata={}).pdf.startswith(b"%PDF-") and len(fake.calls) == 1


@pytest.mark.parametrize("to", [["pdf"], ["docx"]], ids=["pdf", "docx-only"])
def test_an_unknown_engine_is_a_usage_error_listing_the_engines(to):
    with pytest.raises(UsageError, match="^不支持的 PDF 引擎：word；可用：docgen、libreoffice$"):
        docgen.render(AGREEMENT, "agreement", to=to, pdf_engine="word")


def test_docx_only_does_not_need_libreoffice(monkeypatch, tmp_path):
    no_soffice(monkeypatch, tmp_path)
    rendered = docgen.render(AGREEMENT, "agreement", to=["docx"], pdf_engine="libreoffice")
    assert rendered.documents[0].pdf is None


def test_packet_with_libreoffice_merges_its_pdfs(monkeypatch, tmp_path):
    FakeSoffice(monkeypatch, tmp_path, "ok", pages=2)
    rendered = docgen.render_packet(ROOT / "examples" / "project.json", to=["pdf"], pdf_engine="libreoffice")
    assert [doc.pages for doc in rendered.documents] == [2, 2, 2]
    assert rendered.packet_pdf is not None
    packet = PdfReader(io.BytesIO(rendered.packet_pdf))
    assert len(packet.pages) >= 6  # three documents, then the attachments
    assert [item.title for item in packet.outline][:3] == ["项目申请表", "可行性研究报告", "实施方案"]


@pytest.mark.parametrize("command", ["render", "packet"])
def test_cli_without_soffice_exits_2_with_one_chinese_line(run, monkeypatch, tmp_path, command):
    no_soffice(monkeypatch, tmp_path)
    record = AGREEMENT if command == "render" else ROOT / "examples" / "project.json"
    args = ["render", "agreement"] if command == "render" else ["packet"]
    code, out, err = run(*args, record, "-o", tmp_path / "out", "--pdf-engine", "libreoffice")
    assert code == 2 and out == ""
    assert err.startswith("错误：未找到 LibreOffice（soffice）") and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err and not (tmp_path / "out").exists()


def test_cli_reports_a_failing_soffice_in_one_line_naming_the_file(run, monkeypatch, tmp_path):
    FakeSoffice(monkeypatch, tmp_path, "fail")
    code, out, err = run("render", "agreement", AGREEMENT, "-o", tmp_path / "out", "--pdf-engine", "libreoffice")
    assert code == 2 and out == ""
    assert err == "错误：LibreOffice 转换 04-服务协议.docx 失败（退出码 1）；LibreOffice 输出：Error: source file could not be loaded\n"


def test_cli_rejects_an_unknown_engine_in_chinese(run, tmp_path):
    code, _, err = run("render", "agreement", AGREEMENT, "-o", tmp_path, "--pdf-engine", "word")
    assert code == 2
    assert err == "错误：'--pdf-engine' 的值无效：应为 docgen、libreoffice 之一。用法见 docgen render --help\n"


def test_cli_help_shows_the_engine_choice(run):
    _, out, _ = run("render", "--help")
    assert "--pdf-engine [docgen|libreoffice]" in out and "LibreOffice" in out


# ---- the real LibreOffice (few: each run takes a second or two) ----------------------------------------------

needs_libreoffice = pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                                       reason="LibreOffice (soffice) not on PATH")


@pytest.mark.libreoffice
@needs_libreoffice
def test_real_libreoffice_renders_the_agreement_with_its_properties(run, tmp_path):
    code, out, _ = run("render", "agreement", AGREEMENT, "-o", tmp_path, "--to", "pdf", "--pdf-engine", "libreoffice")
    assert code == 0 and "04-服务协议.pdf" in out
    pdf = (tmp_path / "04-服务协议.pdf").read_bytes()
    text = normalise(pdftotext(pdf, layout=False))
    assert "工伤预防项目服务协议" in text and AMOUNT_IN_WORDS in text
    report = docgen.validate(AGREEMENT, "agreement")
    expected = document_properties(report, docgen.get_kind("agreement"))
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta is not None and meta["/Producer"].startswith("LibreOffice")
    assert (meta.title, meta.author, meta.subject) == (expected["title"], expected["author"], expected["subject"])
    assert report.source.sha256 in meta["/Keywords"]  # LibreOffice rewrites the separators ("; " and ":" → ", ")


@pytest.mark.libreoffice
@needs_libreoffice
def test_two_processes_convert_at_once_each_in_its_own_profile(tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}  # tempfile.gettempdir() in the children: their profiles land here
    logs = [tmp_path / f"stderr{n}.txt" for n in range(2)]
    children = []
    for n, log in enumerate(logs):
        with log.open("wb") as stderr:
            children.append(subprocess.Popen(
                [sys.executable, "-m", "docgen.cli", "render", "agreement", str(AGREEMENT), "-o", str(tmp_path / f"out{n}"),
                 "--to", "pdf", "--pdf-engine", "libreoffice"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr))
    seen: set[str] = set()
    while any(child.poll() is None for child in children):
        seen |= {path.name for path in temp.glob("docgen-soffice-*")}
        time.sleep(0.02)
    assert [child.returncode for child in children] == [0, 0], [log.read_text() for log in logs]
    assert {name.split("-")[2] for name in seen} == {str(child.pid) for child in children}
    assert list(temp.glob("docgen-soffice-*")) == []  # removed when each process exited
    for n in range(2):
        text = normalise(pdftotext((tmp_path / f"out{n}" / "04-服务协议.pdf").read_bytes(), layout=False))
        assert AMOUNT_IN_WORDS in text
