"""Measure how large a merged.docx readers open comfortably: python-docx (lxml) time and peak RSS, LibreOffice time.

Usage: .venv/bin/python benchmarks/merge_limits.py [--rows 500,2000,8000] [--soffice-rows 500,2000] [--timeout 120]

Renders the example notices once, then merges them repeated to N rows with `merge_docx` (the batch's own writer),
and opens each merged.docx in a fresh process: ``docx.Document`` (python-docx, as a script reading the batch
output would), and ``soffice --convert-to pdf`` (what LibreOffice/WPS users do) when it is installed. Prints the
size of word/document.xml per row and per file, and the ratios against the smallest N measured in the same run.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docgen.batch import run_batch  # noqa: E402
from docgen.batch.merge_docx import merge_docx  # noqa: E402
from docgen.libreoffice import PDF_FILTER  # noqa: E402

OPEN = """
import resource, sys, time
import docx
started = time.perf_counter()
document = docx.Document(sys.argv[1])
paragraphs = sum(1 for _ in document.element.body.iter())
print(f"{time.perf_counter() - started:.2f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="500,2000,8000")
    parser.add_argument("--soffice-rows", default="500,2000")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "rows"
        run_batch("notice", ROOT / "examples" / "notices.xlsx", out, base=ROOT / "examples" / "notice.json")
        rows = sorted(out.glob("*.docx"))
        base = None
        for n in (int(v) for v in args.rows.split(",")):
            target = Path(tmp) / str(n)
            target.mkdir()
            started = time.perf_counter()
            merged = merge_docx(target, islice(cycle(rows), n), title="合并")
            write_s = time.perf_counter() - started
            with zipfile.ZipFile(merged) as package:
                xml = package.getinfo("word/document.xml").file_size
            opened = subprocess.run([sys.executable, "-c", OPEN, str(merged)], capture_output=True, text=True,
                                    timeout=args.timeout)
            seconds, rss = (opened.stdout.split() + ["-", "-"])[:2] if opened.returncode == 0 else ("失败", "-")
            line = (f"rows={n:>6}  document.xml={xml / 1e6:7.1f} MB ({xml / n / 1e3:.1f} KB/row)  "
                    f"merge={write_s:6.1f}s  python-docx open={seconds}s peak={rss} MB")
            if base is None and opened.returncode == 0:
                base = (n, float(seconds))
            elif base is not None and opened.returncode == 0:
                line += f"  open time ratio vs {base[0]} rows: {float(seconds) / max(base[1], 1e-3):.1f}x"
            if str(n) in args.soffice_rows.split(",") and shutil.which("soffice"):
                line += f"  soffice→pdf={_soffice(merged, Path(tmp), args.timeout)}"
            print(line, flush=True)


def _soffice(docx: Path, tmp: Path, timeout: float) -> str:
    profile = tmp / "profile"
    command = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", PDF_FILTER,
               "--outdir", str(docx.parent), str(docx)]
    started = time.perf_counter()
    try:
        subprocess.run(command, capture_output=True, timeout=timeout, check=True)
    except (subprocess.TimeoutExpired, subprocess.CalledProcessError) as exc:
        return f"失败（{type(exc).__name__}）"
    return f"{time.perf_counter() - started:.1f}s"


if __name__ == "__main__":
    main()
