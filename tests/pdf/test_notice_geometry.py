"""The notice measured against GB/T 9704-2012 on the PDF, with a ruler's tolerance of ±0.5 mm and exact counts.

The example notice (``examples/notice.json``) and a variant opening with a paragraph long enough to fill whole
pages, rendered by docgen's engine; the LibreOffice test measures LibreOffice's PDF of the same docx.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

import docgen
from docgen.libreoffice import PDF_FILTER, environment
from tests.conftest import ROOT, load_json
from tests.pdf.gbt9704 import TEXT_BOTTOM, TEXT_WIDTH, Notice, all_cjk

EXAMPLE = ROOT / "examples" / "notice.json"
LONG = "工伤预防宣传培训" * 130 + "。"  # 1,041 characters: fills the rest of page 1 and all of page 2
MM = 0.5


@cache
def record(variant: str) -> dict:
    data = load_json(EXAMPLE)
    if variant == "long":
        data = copy.deepcopy(data)
        data["notice"]["body"].insert(0, {"paragraph": LONG})
    return data


@cache
def rendered(variant: str) -> docgen.Document:
    return docgen.render(record(variant), "notice", to=["docx", "pdf"]).documents[0]


@cache
def measured(variant: str) -> Notice:
    pdf = rendered(variant).pdf
    assert pdf is not None
    return Notice(pdf)


def check_head(notice: Notice) -> None:
    """标志 35 mm below the 版心's top; the red 分隔线 4 mm under the 发文字号, as wide as the 版心 (7.2)."""
    assert notice.mark_top == pytest.approx(35, abs=MM)
    assert notice.separator_gap == pytest.approx(4, abs=MM)
    assert notice.separator.length == pytest.approx(TEXT_WIDTH, abs=MM)


def check_imprint(notice: Notice) -> None:
    """The 版记 on the last page, an even one; its rules as wide as the 版心, the last on its bottom (7.5, 8)."""
    assert notice.imprint_page == notice.pages and notice.pages % 2 == 0
    rules = notice.imprint_rules
    assert len(rules) == 3  # above 抄送, between 抄送 and 印发, under 印发
    for rule in rules:
        assert rule.length == pytest.approx(TEXT_WIDTH, abs=MM)
    assert rules[-1].bottom == pytest.approx(TEXT_BOTTOM, abs=MM)


def check_lines(notice: Notice) -> None:
    """22 lines on a full page; 28 characters on a full line, 26 on a first line after 空二字 (5.2.2)."""
    opening = next(line for line in notice.lines if line.text.startswith("工伤预防宣传培训"))
    assert len(opening.text) == 26
    full = notice.body_lines(2)
    assert len(full) == 22
    assert all(all_cjk(line.text) for line in full)
    assert {len(line.text) for line in full[:-1]} == {28}  # the last may end the paragraph


@pytest.mark.parametrize("variant", ["example", "long"])
def test_head_of_the_notice(variant: str) -> None:
    check_head(measured(variant))


@pytest.mark.parametrize("variant", ["example", "long"])
def test_imprint_on_an_even_last_page(variant: str) -> None:
    check_imprint(measured(variant))


def test_22_lines_of_28_characters() -> None:
    check_lines(measured("long"))


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not on PATH")
def test_libreoffice_reads_the_docx_as_a_valid_notice(tmp_path: Path) -> None:
    """The same docx opened in LibreOffice: the same head, 22 lines of 28 characters, the same pages."""
    source = tmp_path / "notice.docx"
    source.write_bytes(rendered("long").data)
    command = ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
               "--convert-to", PDF_FILTER, "--outdir", str(tmp_path), str(source)]
    subprocess.run(command, capture_output=True, check=True, timeout=180, env=environment())  # the engine's fonts
    notice = Notice((tmp_path / "notice.pdf").read_bytes())
    check_head(notice)
    check_lines(notice)
    assert notice.pages == measured("long").pages and notice.imprint_page == notice.pages
