"""Measure reading spreadsheets: an agency's 10,000-row notice sheet and the fill-in workbook round trip.

Usage: .venv/bin/python benchmarks/sheets.py [--rows 10000] [--rounds 3]

1. Reading the sheet: docgen's reader (header found below a title row, Chinese headers mapped, cells read as
   Excel shows them, formulas and merged cells checked from the sheet's XML) against the bare alternative
   measured in the same run, ``openpyxl.load_workbook(read_only=True)`` iterating ``values_only`` rows.
2. The workbook round trip for examples/project.json: record → workbook bytes (`build_workbook`) and
   workbook → record (`read_workbook`), against ``json.loads`` of the same record (what a JSON user pays).
Best of ``--rounds`` wall times are printed, with the ratio to the alternative.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = ["序号", "单位名称", "单位编号", "所在地区", "申报名额", "预算额度（元）", "联系人", "电话", "截止日期"]
MAPS = {"单位名称": "recipient.name", "电话": "recipient.phone", "截止日期": "recipient.deadline"}


def write_sheet(path: Path, rows: int) -> Path:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("发文名单")
    sheet.append(["2027 年度工伤预防项目申报通知发文名单"])
    sheet.append(HEADER)
    for i in range(1, rows + 1):
        sheet.append([i, f"鄂尔多斯市第{i}号能源有限责任公司", f"EEDS-{i:05d}", ("东胜区", "康巴什区")[i % 2],
                      1 + i % 3, 300000 + i * 10, f"联系人{i % 97}", f"0477-{8581000 + i % 1000}", "2027-02-28"])
    book.save(path)
    return path


def best(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def read_docgen(path: Path) -> int:
    from docgen.batch.rows import open_table, read_rows

    table = open_table(path, kind="notice", mapping=MAPS)
    return sum(1 for _ in read_rows(table))


def read_openpyxl(path: Path) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in book.worksheets[0].iter_rows(min_row=3, values_only=True))
    book.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from docgen.load import read_record
    from docgen.workbook import build_workbook, read_workbook

    with tempfile.TemporaryDirectory() as tmp:
        sheet = write_sheet(Path(tmp) / "名单.xlsx", args.rows)
        assert read_docgen(sheet) == read_openpyxl(sheet) == args.rows
        ours = best(lambda: read_docgen(sheet), args.rounds)
        bare = best(lambda: read_openpyxl(sheet), args.rounds)
        print(f"read {args.rows} rows: docgen {ours:.2f} s ({args.rows / ours:,.0f} rows/s), "
              f"openpyxl values_only {bare:.2f} s ({args.rows / bare:,.0f} rows/s); ratio {ours / bare:.2f}×")

        record = read_record(ROOT / "examples" / "project.json").data
        raw = (ROOT / "examples" / "project.json").read_bytes()
        book = Path(tmp) / "项目.xlsx"
        write = best(lambda: book.write_bytes(build_workbook("packet", record)), args.rounds)
        read = best(lambda: read_workbook(book), args.rounds)
        plain = best(lambda: json.loads(raw), args.rounds)
        print(f"workbook round trip (examples/project.json): write {write * 1000:.0f} ms, read {read * 1000:.0f} ms; "
              f"json.loads {plain * 1000:.2f} ms; ratio {(write + read) / plain:,.0f}×")


if __name__ == "__main__":
    main()
