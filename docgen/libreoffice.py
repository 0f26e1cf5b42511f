"""The LibreOffice adapter: convert a rendered docx to PDF with ``soffice --headless``, for Word-like layout.

Each process runs LibreOffice in its own profile folder, created on first use and removed when the process
exits: two LibreOffice instances sharing a profile hand requests to each other or refuse to start, so
parallel batch workers would otherwise trip over one another. A conversion that outlives its time limit is
killed with its whole process group (``soffice`` is a wrapper around ``soffice.bin``). LibreOffice takes the
PDF title, author, subject and keywords from the docx core properties, which docgen stamps when rendering.
LibreOffice finds its fonts through a fontconfig file in the profile folder that binds the docx font names
(仿宋_GB2312, 方正小标宋简体, …) to the files the PDF engine draws them with (``docgen.pdf.fontconfig``).
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing.util
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from docgen.assemble import page_count
from docgen.errors import EngineError, EngineTimeoutError, UsageError
from docgen.pdf import TypesetResult
from docgen.pdf.fontconfig import write_config
from docgen.pdf.fonts import FontMap

PROGRAMS = ("soffice", "libreoffice")
TIMEOUT_ENV = "DOCGEN_SOFFICE_TIMEOUT"
DEFAULT_TIMEOUT = 120.0
# ``--convert-to pdf`` alone leaves out the blank page LibreOffice inserts before an even- or odd-page section
# (IsSkipEmptyPages), so a notice's 版记 moved to an even page (render_docx/imprint.py) printed on the front of a
# sheet (GB/T 9704-2012 7.4). Word prints such pages; so does docgen's engine.
PDF_FILTER = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'
_NOISE = ("failed to launch javaldx",)  # printed by every headless run without Java; says nothing about the file
_TAIL_LINES = 3
_TAIL_CHARS = 300

_lock = threading.Lock()  # one profile admits one running instance: conversions in a process take turns
_profiles: dict[int, Path] = {}  # by pid, so a forked child never reuses (or removes) its parent's profile
_cleanup_registered: set[int] = set()


def find_soffice() -> str:
    """The path of ``soffice`` (or ``libreoffice``) on PATH; a `UsageError` when LibreOffice is not installed."""
    for program in PROGRAMS:
        found = shutil.which(program)
        if found:
            return found
    raise UsageError("未找到 LibreOffice（soffice）：PATH 中没有 soffice 或 libreoffice；"
                     "请安装 libreoffice-writer 或改用默认引擎 --pdf-engine docgen")


def timeout_seconds() -> float:
    """The time limit of one conversion: ``$DOCGEN_SOFFICE_TIMEOUT`` seconds if set, else 120."""
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise UsageError(f"环境变量 {TIMEOUT_ENV} 应为正数（秒），现为「{raw}」")
    return value


def convert(docx: bytes, *, name: str = "document.docx", timeout: float | None = None) -> TypesetResult:
    """Convert one rendered docx to PDF with LibreOffice.

    Args:
        docx: The document's bytes.
        name: The file name to quote in error messages (the file given to LibreOffice has a fixed ASCII name).
        timeout: Seconds before LibreOffice is killed; default `timeout_seconds()`.

    Returns:
        The PDF, its page count and no layout warnings (LibreOffice reports none).

    Raises:
        UsageError: LibreOffice is not installed, or the time limit setting is invalid.
        EngineTimeoutError: LibreOffice did not finish in time.
        EngineError: LibreOffice failed or wrote no PDF; the message quotes what it printed.
    """
    program = find_soffice()
    limit = timeout if timeout is not None else timeout_seconds()
    with tempfile.TemporaryDirectory(prefix="docgen-convert-") as folder:
        source = Path(folder) / "document.docx"
        source.write_bytes(docx)
        with _lock:
            command = [program, "--headless", "--norestore", f"-env:UserInstallation={profile_dir().as_uri()}",
                       "--convert-to", PDF_FILTER, "--outdir", folder, str(source)]
            code, output = _run(command, limit, name, environment())
        target = source.with_suffix(".pdf")
        pdf = target.read_bytes() if target.is_file() else b""
    if code != 0:
        raise EngineError(f"LibreOffice 转换 {name} 失败（退出码 {code}）{_quoted(output)}")
    if not pdf.startswith(b"%PDF-"):  # soffice exits 0 when it cannot load a file, and just writes nothing
        raise EngineError(f"LibreOffice 未能把 {name} 转换为 PDF{_quoted(output)}")
    return TypesetResult(pdf, page_count(pdf))


def profile_dir() -> Path:
    """This process's LibreOffice profile folder, created on first use and removed when the process exits."""
    pid = os.getpid()
    if pid not in _profiles:
        path = Path(tempfile.mkdtemp(prefix=f"docgen-soffice-{pid}-"))
        _profiles[pid] = path
        _remove_at_exit(pid)
    return _profiles[pid]


def _remove_at_exit(pid: int) -> None:
    if pid not in _cleanup_registered:
        _cleanup_registered.add(pid)
        atexit.register(_remove_profile, pid)
        # Pool workers end with os._exit(), which skips atexit; multiprocessing runs its finalizers first.
        multiprocessing.util.Finalize(None, _remove_profile, args=(pid,), exitpriority=0)


def _remove_profile(pid: int) -> None:
    if pid == os.getpid() and pid in _profiles:
        shutil.rmtree(_profiles.pop(pid), ignore_errors=True)


def environment() -> dict[str, str]:
    """The environment LibreOffice runs in: this one, with the fontconfig file of the font map."""
    config = profile_dir() / "fonts.conf"
    if not config.is_file():
        write_config(FontMap.default(), profile_dir())
    return {**os.environ, "FONTCONFIG_FILE": str(config)}


def _run(command: list[str], limit: float, name: str, env: dict[str, str]) -> tuple[int, str]:
    """Run LibreOffice in its own process group; kill the group when it outlives ``limit``."""
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True, env=env)
    try:
        stdout, stderr = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        stdout, stderr = process.communicate()
        _remove_profile(os.getpid())  # a killed instance may leave its profile locked: start afresh next time
        raise EngineTimeoutError(f"LibreOffice 转换 {name} 超过 {limit:g} 秒未完成，已终止"
                                 f"（可用环境变量 {TIMEOUT_ENV} 调整时限）{_quoted(_tail(stderr, stdout))}") from None
    finally:
        if process.poll() is None:  # interrupted (e.g. Ctrl+C): leave no LibreOffice behind
            _kill_group(process)
            process.wait()
    return process.returncode, _tail(stderr, stdout)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(process.pid, signal.SIGKILL)


def _tail(stderr: bytes, stdout: bytes) -> str:
    """The last lines LibreOffice printed (stderr first), on one line, without its start-up noise."""
    for stream in (stderr, stdout):
        lines = [line.strip() for line in stream.decode(errors="replace").splitlines()]
        lines = [line for line in lines if line and not any(noise in line for noise in _NOISE)]
        if lines:
            return " | ".join(lines[-_TAIL_LINES:])[-_TAIL_CHARS:]
    return ""


def _quoted(output: str) -> str:
    return f"；LibreOffice 输出：{output}" if output else "；LibreOffice 没有输出"
