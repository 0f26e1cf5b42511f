"""Stand-ins for LibreOffice's ``soffice``: small shell scripts put first on PATH, so no office suite is needed.

Every script appends its arguments (one per line, then ``--``) to ``$FAKE_SOFFICE_LOG``.
"""

import io
import os
import stat
from pathlib import Path

from pypdf import PdfWriter

LOG = 'printf "%s\\n" "$@" -- >> "$FAKE_SOFFICE_LOG"\n'

SCRIPTS = {
    # Writes $FAKE_SOFFICE_PDF as <outdir>/<source stem>.pdf, as soffice --convert-to pdf does.
    "ok": LOG + """outdir=; file=
while [ $# -gt 0 ]; do
  case "$1" in
    --outdir) outdir=$2; shift ;;
    *) file=$1 ;;
  esac
  shift
done
name=$(basename "$file")
cp "$FAKE_SOFFICE_PDF" "$outdir/${name%.*}.pdf"
""",
    # Hangs in a child process (as soffice.bin runs under the soffice wrapper); its pid goes to $FAKE_SOFFICE_PID.
    "hang": LOG + """sleep 30 &
echo $! > "$FAKE_SOFFICE_PID"
wait
""",
    "fail": LOG + """echo "Warning: failed to launch javaldx - java may not function correctly" >&2
echo "Error: source file could not be loaded" >&2
exit 1
""",
    # What real soffice does with a file it cannot load: says so, exits 0, writes nothing.
    "silent": LOG + """echo "Error: source file could not be loaded" >&2
""",
}


def blank_pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class FakeSoffice:
    """One fake ``soffice`` on PATH; `calls` are the argument lists it was run with."""

    def __init__(self, monkeypatch, folder: Path, behaviour: str, *, program: str = "soffice", pages: int = 2):
        self.folder = folder
        bin_dir = folder / "bin"
        bin_dir.mkdir(parents=True, exist_ok=True)
        script = bin_dir / program
        script.write_text("#!/bin/sh\n" + SCRIPTS[behaviour], encoding="utf-8")
        script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        self.pdf = blank_pdf(pages)
        (folder / "fake.pdf").write_bytes(self.pdf)
        monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
        monkeypatch.setenv("FAKE_SOFFICE_LOG", str(folder / "calls.log"))
        monkeypatch.setenv("FAKE_SOFFICE_PDF", str(folder / "fake.pdf"))
        monkeypatch.setenv("FAKE_SOFFICE_PID", str(folder / "child.pid"))

    @property
    def calls(self) -> list[list[str]]:
        log = self.folder / "calls.log"
        if not log.exists():
            return []
        calls, current = [], []
        for line in log.read_text(encoding="utf-8").splitlines():
            if line == "--":
                calls.append(current)
                current = []
            else:
                current.append(line)
        return calls

    @property
    def child_pid(self) -> int:
        return int((self.folder / "child.pid").read_text())


def no_soffice(monkeypatch, folder: Path) -> None:
    """A PATH on which neither soffice nor libreoffice can be found."""
    empty = folder / "empty-bin"
    empty.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("PATH", str(empty))
