"""Page counts equal LibreOffice's for the shipped templates rendered from the examples (needs ``soffice``)."""

from __future__ import annotations

import json
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

import docgen
from docgen.libreoffice import PDF_FILTER, environment
from docgen.pdf import typeset
from tests.pdf.shipped import SHIPPED, Shipped, long_budget_plan, rendered

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not on PATH"),
]


def libreoffice_pages(docx: bytes, folder: Path) -> int:
    """Convert with LibreOffice in its own profile folder and count the pages of its PDF."""
    source = folder / "document.docx"
    source.write_bytes(docx)
    profile = (folder / "profile").as_uri()
    command = [
        "soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", PDF_FILTER,
        "--outdir", str(folder), str(source),
    ]
    subprocess.run(command, capture_output=True, check=True, timeout=180, env=environment())  # the engine's fonts
    return len(PdfReader(folder / "document.pdf").pages)


@pytest.mark.parametrize("doc", [doc for doc in SHIPPED if doc.lo_comparable], ids=lambda d: d.id)
def test_page_count_equals_libreoffice(doc: Shipped, tmp_path: Path) -> None:
    docx = rendered(doc.kind, doc.example)
    assert typeset(docx).pages == libreoffice_pages(docx, tmp_path)


@pytest.mark.parametrize("items", [40, 60])
def test_a_long_budget_has_libreoffices_page_count_issue_15_3(items: int, tmp_path: Path) -> None:
    """Issue #15.3: a 40-line budget gave 11 pages here and 12 in LibreOffice (rows without their rules' width)."""
    docx = long_budget_plan(items)
    assert typeset(docx).pages == libreoffice_pages(docx, tmp_path)


def _signature_lines(pdf: PdfReader) -> list[str]:
    """The lines of the last page that carry the 日期 of the signature block, spaces removed."""
    text = pdf.pages[-1].extract_text()
    return ["".join(line.split()) for line in text.splitlines() if "期" in line or line.strip() == "日"]


@pytest.mark.parametrize("example", ["examples/acceptance-pass.json", "examples/acceptance-fail.json"])
def test_the_acceptance_signature_date_sits_on_one_line_in_both_engines(example: str, tmp_path: Path) -> None:
    """"日期：　　　　年　　月　　日" is 14 characters of 三号 in a block indented 3969 twips: with the body's
    two-character first-line indent only 13.2 fit and 日 fell alone on the next line in both engines."""
    docx = rendered("acceptance", example)
    ours = _signature_lines(PdfReader(BytesIO(typeset(docx).pdf)))
    libreoffice_pages(docx, tmp_path)
    theirs = _signature_lines(PdfReader(tmp_path / "document.pdf"))
    assert ours[-1:] == theirs[-1:] == ["日期：年月日"]


def _pages_holding(pdf: PdfReader, keys: tuple[str, ...]) -> list[int]:
    texts = ["".join(page.extract_text().split()) for page in pdf.pages]
    return [n for key in keys for n, text in enumerate(texts) if key in text]


def test_the_three_party_signature_table_never_splits_in_either_engine(tmp_path: Path) -> None:
    """The 甲方 row stood alone at the foot of page 7 and 乙方/丙方 went to page 8; kept together (cantSplit rows,
    keepNext paragraphs), the rows and the 签订日期 line before them share the last page in both engines."""
    docx = rendered("agreement", "examples/agreement-three-party.json")
    ours = PdfReader(BytesIO(typeset(docx).pdf))
    count = libreoffice_pages(docx, tmp_path)
    theirs = PdfReader(tmp_path / "document.pdf")
    keys = ("签订日期", "甲方（盖章）", "乙方（盖章）", "丙方（盖章）")
    assert len(ours.pages) == count
    assert _pages_holding(ours, keys) == _pages_holding(theirs, keys) == [count - 1] * 4


def test_the_blank_page_before_an_imprint_on_an_even_page_is_kept_by_both_engines(tmp_path: Path) -> None:
    """The body ends on page 2, so the 版记 goes to page 4, the back of a sheet (GB/T 9704-2012 7.4), behind a
    blank page 3. ``soffice --convert-to pdf`` alone left that page out and printed the 版记 on page 3."""
    record = json.loads(Path("examples/notice.json").read_text(encoding="utf-8"))
    del record["notice"]["attachments"]
    del record["notice"]["body"][-2:]  # the body now ends on page 2
    docx = docgen.render(record, "notice").documents[0].data
    ours = PdfReader(BytesIO(typeset(docx).pdf))
    libreoffice_pages(docx, tmp_path)
    theirs = PdfReader(tmp_path / "document.pdf")
    for pdf in (ours, theirs):
        texts = ["".join(page.extract_text().split()) for page in pdf.pages]
        assert len(texts) == 4 and texts[2] == "" and texts[3].startswith("抄送")
