"""Time docgen's PDF engine on representative documents; compare with LibreOffice when soffice is on PATH.

The documents: synthetic reports of 1, 3 and 10 pages plus the shipped filing packet rendered from
examples/project.json (or the files given with --docx). Both engines convert the same files in the same run.

Usage: .venv/bin/python benchmarks/pdf_engine.py [-n 20] [--rounds 3] [--docx FILE ...]
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.shared import Pt

import docgen
from docgen.libreoffice import PDF_FILTER
from docgen.pdf import typeset

ROOT = Path(__file__).resolve().parents[1]

PARAGRAPH = (
    "为贯彻落实《工伤保险条例》和《工伤预防费使用管理暂行办法》（人社部规〔2017〕13号），"
    "进一步做好工伤预防工作，降低工伤发生率，现就2026年度工伤预防项目实施有关事项通知如下。"
)


def _fonts(run_or_style, east_asia: str, latin: str = "Times New Roman") -> None:
    run_or_style.font.name = latin
    run_or_style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)


def report(units: int) -> bytes:
    """A Chinese report of ``units`` parts, each a 黑体 heading, two 仿宋 paragraphs and a 4-row budget table."""
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(16)
    _fonts(normal, "仿宋_GB2312")
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.first_line_indent = Pt(32)
    for unit in range(units):
        heading = document.add_paragraph()
        _fonts(heading.add_run(f"{'一二三四五六七八九十'[unit % 10]}、项目实施方案"), "黑体")
        for _ in range(2):
            document.add_paragraph(PARAGRAPH)
        table = document.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, title in zip(table.rows[0].cells, ("序号", "支出类别", "明细", "金额（元）"), strict=True):
            cell.text = title
        for n in range(3):
            cells = table.add_row().cells
            cells[0].text, cells[1].text = str(n + 1), "宣传培训"
            cells[2].text, cells[3].text = "印制宣传手册、培训教材及场地租赁", f"{12000 + n * 350:,}.00"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def report_of(pages: int) -> bytes:
    """The smallest report (in whole parts) that fills ``pages`` pages."""
    units = 1
    while typeset(data := report(units)).pages < pages:
        units += 1
    return data


def shipped(paths: list[str]) -> list[bytes]:
    """The given docx files, or the filing packet rendered from examples/project.json through the public API."""
    if paths:
        return [Path(p).read_bytes() for p in paths]
    return [doc.data for doc in docgen.render_packet(ROOT / "examples" / "project.json").documents]


def machine() -> str:
    """CPU count and model, for the record."""
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}"


def time_engine(docs: list[bytes], repeat: int) -> float:
    """Median of ``repeat`` runs of the mean milliseconds per document for the docgen engine (warm)."""
    for data in docs:
        typeset(data)
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for data in docs:
            typeset(data)
        runs.append((time.perf_counter() - start) * 1000 / len(docs))
    return statistics.median(runs)


def time_soffice(paths: list[Path], out: Path) -> tuple[float, float]:
    """Milliseconds per document for LibreOffice: one call per document, and all documents in one call."""
    command = ["soffice", "--headless", "--convert-to", PDF_FILTER, "--outdir", str(out)]
    subprocess.run([*command, str(paths[0])], capture_output=True, check=True)  # warm-up
    start = time.perf_counter()
    for path in paths:
        subprocess.run([*command, str(path)], capture_output=True, check=True)
    single = (time.perf_counter() - start) * 1000 / len(paths)
    start = time.perf_counter()
    subprocess.run([*command, *map(str, paths)], capture_output=True, check=True)
    batch = (time.perf_counter() - start) * 1000 / len(paths)
    return single, batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=20, help="repetitions per document")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of both engines in turn; ratios are per round, so a slow spell of the "
                             "machine weighs on both sides of a ratio (the median round is reported)")
    parser.add_argument("--docx", action="append", default=[], help="a real document to include (repeatable)")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    docs = [report_of(1), report_of(3), report_of(10), *shipped(args.docx)]
    pages = [typeset(d).pages for d in docs]
    print(f"documents: {len(docs)} of {pages} pages")
    for data, count in zip(docs, pages, strict=True):
        print(f"  {count}-page document: {time_engine([data], args.n):.1f} ms")
    if shutil.which("soffice") is None:
        print(f"docgen engine: {time_engine(docs, args.n):.1f} ms/document (median of n={args.n})")
        print("soffice not on PATH: LibreOffice comparison skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = []
        for n, data in enumerate(docs):
            path = folder / f"doc{n}.docx"
            path.write_bytes(data)
            paths.append(path)
        rounds = []
        for number in range(1, args.rounds + 1):
            ours = time_engine(docs, args.n)
            single, batch = time_soffice(paths, folder / "out")
            rounds.append((single / ours, batch / ours))
            print(f"round {number}: docgen {ours:.1f} ms/document; LibreOffice {single:.0f} ms/document one call "
                  f"each, {batch:.0f} ms/document all in one call; ratios {single / ours:.0f}x, {batch / ours:.0f}x")
    one_each = statistics.median(r[0] for r in rounds)
    all_in_one = statistics.median(r[1] for r in rounds)
    print(f"ratio (median of {len(rounds)} rounds): {one_each:.0f}x one call each (target >= 50x), "
          f"{all_in_one:.0f}x all in one call (target >= 10x)")


if __name__ == "__main__":
    main()
