"""Templates as users edit them: opened and saved by LibreOffice, changed with python-docx, given a numbered list.

Each shipped template saved by LibreOffice (``soffice --convert-to docx``) renders, through ``--templates``, to
the same docx text, and to PDFs with the same text in the same order and the same page count, with docgen's
engine and with LibreOffice's, as the shipped file. LibreOffice runs twice in all: once to save the six templates,
once to print the twelve renders (a session fixture), so these tests cost some twenty seconds.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

import docgen
from docgen.libreoffice import PDF_FILTER, environment
from docgen.pdf import typeset
from docgen.pdf.diagnostics import Diagnostics
from docgen.pdf.reader import read
from tests.conftest import ROOT
from tests.pdf.builders import pdftotext, text_positions

SHIPPED = ROOT / "templates" / "zh"
EXAMPLES = {
    "application": "project", "feasibility": "project", "plan": "project",
    "agreement": "agreement-two-party", "acceptance": "acceptance-pass", "notice": "notice",
}
_PAGE_NUMBER = re.compile(r"—\d+—|-\d+-")


def soffice(args: list[str], profile: Path) -> None:
    """LibreOffice with the fonts docgen's engine uses (``docgen.libreoffice.environment``)."""
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}", *args],
                   capture_output=True, check=True, timeout=300, env=environment())


def render(kind: str, templates: Path | None) -> docgen.api.Document:
    return docgen.render(ROOT / "examples" / f"{EXAMPLES[kind]}.json", kind, to=("docx", "pdf"),
                         templates=templates).documents[0]


def body_text(data: bytes) -> list[str]:
    """Paragraph and cell texts of a docx in body order."""
    document = docx.Document(io.BytesIO(data))
    out: list[str] = []
    for block in document.element.body.iterchildren():
        out.extend("".join(t.text or "" for t in p.iter(docx.oxml.ns.qn("w:t")))
                   for p in block.iter(docx.oxml.ns.qn("w:p")))
    return [text for text in out if text.strip()]


def header_rows(data: bytes) -> list[str]:
    """The text of each repeated table header row: it appears once per page the table spans."""
    document = docx.Document(io.BytesIO(data))
    return ["".join(cell.text for cell in table.rows[0].cells).replace(" ", "")
            for table in document.tables if table.rows and table.rows[0]._tr.trPr is not None
            and table.rows[0]._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None]


def pdf_text(pdf: bytes, headers: list[str]) -> str:
    """The text a PDF draws, page by page in the order it draws it, without whitespace, page numbers and repeated
    table headers (they come once per page a table spans). A paragraph moved, lost or doubled changes it."""
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    text = "".join(t for page in range(pages) for t, _, _ in text_positions(pdf, page))
    text = _PAGE_NUMBER.sub("", re.sub(r"\s+", "", text))
    for header in headers:
        text = text.replace(header, "")
    return text


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="session")
def libreoffice_renders(tmp_path_factory) -> Renders:
    """Every kind rendered from its shipped template and from that template saved by LibreOffice."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) not on PATH")
    root = tmp_path_factory.mktemp("roundtrip")
    profile, saved, docs = root / "profile", root / "saved", root / "docs"
    sources = [SHIPPED / f"{kind}.docx" for kind in EXAMPLES]
    numbered_source = edited_agreement(root / "numbered", numbered) / "agreement.docx"
    sources.append(numbered_source.rename(numbered_source.with_name("numbered.docx")))
    soffice(["--convert-to", "docx", "--outdir", str(saved), *map(str, sources)], profile)
    (root / "numbered-saved").mkdir()
    (saved / "numbered.docx").rename(root / "numbered-saved" / "agreement.docx")
    renders = {}
    docs.mkdir()
    for kind in EXAMPLES:
        for origin, folder in (("shipped", None), ("saved", saved)):
            document = render(kind, folder)
            (docs / f"{kind}-{origin}.docx").write_bytes(document.data)
            renders[(kind, origin)] = document
    soffice(["--convert-to", PDF_FILTER, "--outdir", str(docs), *sorted(map(str, docs.glob("*.docx")))], profile)
    return Renders({key: (document, (docs / f"{key[0]}-{key[1]}.pdf").read_bytes())
                    for key, document in renders.items()}, root / "numbered-saved")


class Renders(dict):
    """(kind, "shipped" | "saved") → (the render, LibreOffice's PDF of its docx); and a folder holding the
    agreement template with a numbered list, saved by LibreOffice."""

    def __init__(self, renders, saved_numbered: Path):
        super().__init__(renders)
        self.saved_numbered = saved_numbered


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", list(EXAMPLES))
def test_a_template_saved_by_libreoffice_renders_the_same_document(libreoffice_renders, kind):
    shipped, shipped_lo = libreoffice_renders[(kind, "shipped")]
    saved, saved_lo = libreoffice_renders[(kind, "saved")]
    assert body_text(saved.data) == body_text(shipped.data)
    headers = header_rows(shipped.data)
    assert pdf_text(saved.pdf, headers) == pdf_text(shipped.pdf, headers)
    assert saved.pages == shipped.pages
    assert pdf_text(saved_lo, headers) == pdf_text(shipped_lo, headers)
    assert pages(saved_lo) == pages(shipped_lo) == saved.pages


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", [kind for kind in EXAMPLES if kind != "notice"])
def test_a_template_saved_by_libreoffice_lays_out_every_line_in_the_same_place(libreoffice_renders, kind):
    """Same text at the same positions on every page: indents, spacing, grid and breaks read alike.

    Not the notice: LibreOffice drops Normal's w:autoSpaceDE/w:autoSpaceDN="0" when it saves (it writes neither in
    styles nor paragraphs), so the saved template's render puts the ¼-em gap between 汉字 and digits or Latin
    letters, and lines mixing them break one character earlier: measured on examples/notice.json, 9 of 129 text
    runs differ (5 on page 1, 4 on page 2), pages 3–4 and the page count (4) agree. With the two flags put back
    into the saved Normal style every run has the same text, at positions within 0.5 pt (page 1 only: everything
    from the 发文机关标志 down sits 0.25–0.5 pt lower). Its text and pages are compared above.
    """
    shipped = libreoffice_renders[(kind, "shipped")][0].pdf
    saved = libreoffice_renders[(kind, "saved")][0].pdf
    for page in range(pages(shipped)):
        before, after = text_positions(shipped, page), text_positions(saved, page)
        assert [t for t, _, _ in after] == [t for t, _, _ in before], f"page {page + 1}"
        assert [v for _, x, y in after for v in (x, y)] == pytest.approx(
            [v for _, x, y in before for v in (x, y)], abs=0.2), f"page {page + 1}"


@pytest.mark.libreoffice
def test_the_notice_saved_by_libreoffice_keeps_its_first_line_indents_and_28_character_grid(libreoffice_renders):
    """LibreOffice writes Normal's w:firstLine="0" as w:hanging="0" (body styles keep w:firstLine="640"). The
    22-line grid survives, and the 28 characters a line come from Normal's 0.25 pt condensing, not from the grid.
    """
    saved, _ = libreoffice_renders[("notice", "saved")]
    shipped, _ = libreoffice_renders[("notice", "shipped")]
    grids = [read(document.data, Diagnostics()).sections[0].page.grid for document in (shipped, saved)]
    assert grids[1] == grids[0] and grids[0].line == pytest.approx(579 / 20) and grids[0].char == 0
    lines = [text for text in pdftotext(saved.pdf).splitlines() if text.strip()]
    assert any(len(text.strip()) == 28 for text in lines)
    body = next((x, text) for text, x, _ in text_positions(saved.pdf, 0) if text.startswith("为做好"))
    assert body[0] == pytest.approx(saved_setup(saved).left + 32, abs=0.2)  # two characters of 三号


def saved_setup(document):
    return read(document.data, Diagnostics()).sections[0].page


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", list(EXAMPLES))
def test_a_template_saved_by_libreoffice_adds_no_layout_warning(libreoffice_renders, kind, tmp_path):
    shipped = typeset(libreoffice_renders[(kind, "shipped")][0].data).warnings
    saved = typeset(libreoffice_renders[(kind, "saved")][0].data).warnings
    assert {(w.code, w.message) for w in saved} <= {(w.code, w.message) for w in shipped}


def edited_agreement(folder: Path, edit) -> Path:
    document = docx.Document(str(SHIPPED / "agreement.docx"))
    edit(document)
    folder.mkdir(exist_ok=True)
    document.save(str(folder / "agreement.docx"))
    return folder


def _paragraph(document, starts: str):
    return next(p for p in document.paragraphs if p.text.startswith(starts))


def test_a_clause_edited_in_the_template_appears_in_the_docx_and_the_pdf(tmp_path):
    clause = "乙方应于每季度末向甲方书面报告项目进展，并附培训签到表复印件。"

    def edit(document):
        paragraph = _paragraph(document, "根据《工伤保险条例》")
        paragraph.insert_paragraph_before(clause, style=paragraph.style)

    document = render("agreement", edited_agreement(tmp_path / "tpl", edit))
    assert clause in body_text(document.data)
    assert clause in re.sub(r"\s+", "", "".join(t for t, _, _ in text_positions(document.pdf, 0)))


def numbered(document) -> None:
    """Three clauses in Word's built-in "List Number" style (a numbered list), after the 协议编号 line."""
    anchor = _paragraph(document, "协议编号")
    for text in reversed(("按期完成培训", "按时提交报告", "接受监督检查")):
        anchor._p.addnext(document.add_paragraph(text, style="List Number")._p)


def _labels(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(t for t, _, _ in text_positions(pdf, 0)))


def test_a_numbered_list_in_a_template_keeps_its_labels_in_the_pdf(tmp_path):
    document = render("agreement", edited_agreement(tmp_path / "tpl", numbered))
    assert "1.按期完成培训2.按时提交报告3.接受监督检查" in _labels(document.pdf)


@pytest.mark.libreoffice
def test_a_numbered_list_saved_by_libreoffice_keeps_its_labels(libreoffice_renders):
    document = render("agreement", libreoffice_renders.saved_numbered)
    assert "1.按期完成培训2.按时提交报告3.接受监督检查" in _labels(document.pdf)


@pytest.mark.libreoffice
def test_the_notice_imprint_keeps_its_frame_and_rules_after_libreoffice(libreoffice_renders):
    """LibreOffice keeps one absolute frame for the 版记 and moves its rules into it; rendering restores both."""
    document = docx.Document(io.BytesIO(libreoffice_renders[("notice", "saved")][0].data))
    imprint = [p for p in document.paragraphs if p.style.name == "Imprint"]
    assert len(imprint) == 3  # the rule above 抄送 on an empty line of its own, 抄送, 印发
    for paragraph in imprint:
        frame = paragraph._p.pPr.find(docx.oxml.ns.qn("w:framePr"))
        assert frame.get(docx.oxml.ns.qn("w:yAlign")) == "bottom" and frame.get(docx.oxml.ns.qn("w:y")) is None
    edges = [[(edge.tag.rpartition("}")[2], edge.get(docx.oxml.ns.qn("w:sz")))
              for edge in p._p.pPr.find(docx.oxml.ns.qn("w:pBdr"))] for p in imprint[::2]]
    assert edges == [[("top", "8")], [("top", "6"), ("bottom", "8")]]
