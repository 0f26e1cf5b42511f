"""The shipped templates rendered from the examples, and their docx text, for the shipped-template tests."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from lxml import etree

import docgen

ROOT = Path(__file__).resolve().parents[2]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class Shipped:
    """One shipped template rendered from an example record and its expected page count.

    The count is LibreOffice's where ``lo_comparable``; for notices, the count of Word's 22 × 28 grid.
    """

    kind: str
    example: str
    pages: int
    lo_comparable: bool = True

    @property
    def id(self) -> str:
        """Test id: the kind, and the example when a kind has several."""
        return self.kind if self.kind != "notice" else f"notice-{Path(self.example).stem}"


# Page counts LibreOffice 7.4.7.2 (soffice --headless --convert-to pdf) gives for these renders on the
# reference machine with the fonts of the Makefile, bound to the docx names by docgen.pdf.fontconfig.
SHIPPED = (
    Shipped("application", "examples/project.json", 2),
    Shipped("feasibility", "examples/project.json", 9),
    # 9 before its list tables were fitted (#15.3), 8 fitted for height alone (dates split over 7 lines), 9 with
    # each date whole ("2027年10月19日至" took 9.2 ems from the text columns), 8 with dates broken between their
    # units ("2027年" / "4月" / "12日至"), in a 时间 column some 4 ems wide
    Shipped("plan", "examples/project.json", 8),
    Shipped("agreement", "examples/agreement-two-party.json", 7),
    Shipped("acceptance", "examples/acceptance-pass.json", 3),
    # Notices: a line grid and 3号 condensed by 0.25 pt give 22 lines × 28 characters in LibreOffice as in Word and
    # docgen (tests/pdf/test_notice_geometry.py); the annual plan's page 1 is set tighter so its 署名 stays with the
    # body (docgen/render_docx/closing.py), and its 版记 shares the last (even) page.
    Shipped("notice", "examples/notice.json", 4),
    Shipped("notice", "examples/annual-plan.json", 6),
)


@cache
def rendered(kind: str, example: str) -> bytes:
    """The docx of ``kind`` rendered from ``example`` through the public API."""
    return docgen.render(ROOT / example, kind).documents[0].data


@cache
def long_budget_plan(items: int) -> bytes:
    """The shipped 实施方案 rendered from the example project with ``items`` budget lines (its own cycled)."""
    record = json.loads((ROOT / "examples" / "project.json").read_text("utf-8"), parse_float=Decimal)
    own = record["budget"]["items"]
    record["budget"]["items"] = [dict(own[n % len(own)]) for n in range(items)]
    record["budget"]["total"] = str(sum(Decimal(str(item["amount"])) for item in record["budget"]["items"]))
    return docgen.render(record, "plan", to=("docx",), force=True).documents[0].data


@dataclass(frozen=True)
class BodyText:
    """Body paragraphs in order, each a string of non-whitespace characters; ``in_table`` marks cell text."""

    paragraphs: list[tuple[str, bool]]
    top: float
    bottom: float


def body_text(docx: bytes) -> BodyText:
    """The body's paragraph and table-cell texts in document order (headers and footers excluded)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    body = root.find(f"{W}body")
    paragraphs: list[tuple[str, bool]] = []
    for p in body.iter(f"{W}p"):
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        text = re.sub(r"\s+", "", text)
        if text:
            in_table = any(a.tag == f"{W}tc" for a in p.iterancestors())
            paragraphs.append((text, in_table))
    margins = body.find(f"{W}sectPr/{W}pgMar")
    return BodyText(paragraphs, float(margins.get(f"{W}top")) / 20, float(margins.get(f"{W}bottom")) / 20)
