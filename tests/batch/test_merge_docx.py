"""merged.docx (issue #5): one section per good row, in order, page numbers restarting, a well-formed package."""

import re
import shutil
import subprocess
import zipfile
from itertools import pairwise

import docx
import openpyxl
import pytest
from conftest import ROOT, write_xlsx
from docx_package import W, assert_well_formed, png, section_properties, small_docx
from pypdf import PdfReader

from docgen.batch import run_batch
from docgen.batch.merge_docx import MERGED_DOCX, Unmergeable, merge_docx
from docgen.cli import main
from docgen.errors import UsageError
from docgen.libreoffice import PDF_FILTER
from tests.pdf.builders import normalise, pages_text

NOTICE = ROOT / "examples" / "notice.json"


def notice_rows(path):
    """Rows 2–4 of examples/notices.xlsx with a bad row (amount not a number) after the first."""
    sheet = openpyxl.load_workbook(ROOT / "examples" / "notices.xlsx").active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    bad = [*rows[1][:4], "abc", *rows[1][5:]]
    bad[0] = "坏行单位"
    return write_xlsx(path, header, [rows[0], bad, rows[2], rows[3]]), [rows[0][0], rows[2][0], rows[3][0]]


def run_notices(tmp_path, *, to, **options):
    rows, names = notice_rows(tmp_path / "notices.xlsx")
    out = tmp_path / "out"
    summary = run_batch("notice", rows, out, base=NOTICE, jobs=1, to=to, merge=True,
                        name_pattern="{row:02d}-{recipient.code}", **options)
    return summary, out, names


def addressees(path):
    """The 主送机关 line of each notice in the document, in order."""
    return [p.text.removesuffix("：") for p in docx.Document(path).paragraphs if p.style.name == "Addressee"]


def page_footers(pdf: bytes) -> list[str]:
    return [found.group(1) if (found := re.search(r"—(\d+)—", normalise(page))) else "" for page in pages_text(pdf)]


@pytest.fixture(scope="module")
def docx_and_pdf(tmp_path_factory):
    """One batch of notices with --to docx,pdf --merge (the PDF engine runs once for the module)."""
    pytest.importorskip("docgen.pdf")
    return run_notices(tmp_path_factory.mktemp("notices"), to=("docx", "pdf"))


def test_merge_with_docx_only_writes_merged_docx_with_one_section_per_good_row(tmp_path):
    summary, out, names = run_notices(tmp_path, to=("docx",))
    assert (summary.rendered, summary.failed) == (3, 1)
    assert summary.merged_docx == out / MERGED_DOCX and summary.merged is None
    assert not (out / "merged.pdf").exists()
    assert summary.warnings == [] and "合并为 merged.docx" in summary.line()
    assert addressees(out / MERGED_DOCX) == names
    assert "坏行单位" not in "\n".join(p.text for p in docx.Document(out / MERGED_DOCX).paragraphs)
    sections = section_properties(out / MERGED_DOCX)
    assert len(sections) == 3
    for sect in sections:
        assert sect.find(f"{{{W}}}type").get(f"{{{W}}}val") == "nextPage"
        assert sect.find(f"{{{W}}}pgNumType").get(f"{{{W}}}start") == "1"
        # the notice's odd/even footers are still there in every section
        assert {ref.get(f"{{{W}}}type") for ref in sect.iterfind(f"{{{W}}}footerReference")} == {"default", "even"}
    assert_well_formed(out / MERGED_DOCX)


def test_each_row_keeps_its_paragraphs_in_order(tmp_path):
    summary, out, _ = run_notices(tmp_path, to=("docx",))
    rows = [docx.Document(out / name) for name in ("02-EEDS-0001.docx", "04-EEDS-0003.docx", "05-EEDS-0004.docx")]
    expected = [p.text for row in rows for p in row.paragraphs]
    assert [p.text for p in docx.Document(summary.merged_docx).paragraphs] == expected
    assert len(docx.Document(summary.merged_docx).tables) == sum(len(row.tables) for row in rows)


def test_merge_with_docx_and_pdf_writes_both(docx_and_pdf):
    summary, out, names = docx_and_pdf
    assert summary.merged_docx == out / MERGED_DOCX and summary.merged == out / "merged.pdf"
    assert "合并为 merged.docx、merged.pdf" in summary.line()
    assert addressees(summary.merged_docx) == names


def test_merge_with_pdf_only_writes_merged_pdf_only(tmp_path):
    pytest.importorskip("docgen.pdf")
    summary, out, _ = run_notices(tmp_path, to=("pdf",))
    assert summary.merged == out / "merged.pdf" and summary.merged_docx is None
    assert not (out / MERGED_DOCX).exists()


def row_pdf_pages(out):
    return [len(PdfReader(out / name).pages) for name in ("02-EEDS-0001.pdf", "04-EEDS-0003.pdf", "05-EEDS-0004.pdf")]


def test_merged_docx_typesets_to_as_many_pages_as_the_rows(docx_and_pdf):
    from docgen.pdf import typeset

    summary, out, _ = docx_and_pdf
    assert typeset(summary.merged_docx).pages == sum(row_pdf_pages(out))


def test_our_engine_restarts_page_numbers_per_row(docx_and_pdf):
    from docgen.pdf import typeset

    summary, out, _ = docx_and_pdf
    expected = [str(n) for pages in row_pdf_pages(out) for n in range(1, pages + 1)]
    assert page_footers(typeset(summary.merged_docx).pdf) == expected


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not on PATH")
def test_libreoffice_lays_out_merged_docx_with_page_numbers_restarting(docx_and_pdf, tmp_path):
    summary, out, _ = docx_and_pdf
    command = ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
               "--convert-to", PDF_FILTER, "--outdir", str(tmp_path), str(summary.merged_docx)]
    subprocess.run(command, capture_output=True, check=True, timeout=180)
    footers = page_footers((tmp_path / "merged.pdf").read_bytes())
    # LibreOffice sets notices at about 14 characters a line (tests/pdf/shipped.py), so its page counts are its
    # own: what must hold is that each row's pages are numbered from 1 again, one run per row.
    starts = [k for k, footer in enumerate(footers) if footer == "1"]
    runs = [footers[start:end] for start, end in pairwise([*starts, len(footers)])]
    assert starts[:1] == [0]
    assert len(runs) == len(row_pdf_pages(out))
    assert all(run == [str(n) for n in range(1, len(run) + 1)] for run in runs)


def test_resume_merges_rows_done_in_an_earlier_run(tmp_path):
    run_notices(tmp_path, to=("docx",))
    summary, out, names = run_notices(tmp_path, to=("docx",), resume=True)
    assert (summary.rendered, summary.skipped) == (0, 3)
    assert addressees(summary.merged_docx) == names


def test_merged_docx_over_the_part_limit_is_split_between_rows_issue_17_8(tmp_path, monkeypatch, capsys):
    """Issue #17.8: 50,000 rows made one merged.docx with 603 MB of XML that python-docx could not open."""
    monkeypatch.setenv("DOCGEN_MERGE_PART_MB", "0.03")  # two notices of ~13 KB of XML each per part
    rows, names = notice_rows(tmp_path / "notices.xlsx")
    out = tmp_path / "out"
    code = main(["batch", "notice", str(rows), "--base", str(NOTICE), "-o", str(out), "--jobs", "1", "--merge"])
    assert code == 1  # the bad row
    parts = [out / "merged-001.docx", out / "merged-002.docx"]
    assert sorted(out.glob("merged*")) == parts
    assert [addressees(part) for part in parts] == [names[:2], names[2:]]
    assert [docx.Document(part).core_properties.title for part in parts] == [
        "通知（合并）（第 1 部分，共 2 部分）", "通知（合并）（第 2 部分，共 2 部分）"]
    for part in parts:
        assert_well_formed(part)
        assert len(section_properties(part)) == len(addressees(part))
    out_text, err = capsys.readouterr()
    assert "合并为 merged-001.docx、merged-002.docx" in out_text
    assert ("警告：合并的 Word 正文超过 0.03 MB，已按行分为 2 个文件："
            "merged-001.docx 至 merged-002.docx；可用环境变量 DOCGEN_MERGE_PART_MB 调整每个文件的上限（MB）") in err

    monkeypatch.delenv("DOCGEN_MERGE_PART_MB")
    assert main(["batch", "notice", str(rows), "--base", str(NOTICE), "-o", str(out), "--jobs", "1", "--merge",
                 "--resume"]) == 1
    assert sorted(out.glob("merged*")) == [out / MERGED_DOCX]  # the parts of the earlier run are gone
    assert addressees(out / MERGED_DOCX) == names


@pytest.mark.parametrize("value", ["0", "abc", "-1", "3000"])
def test_a_bad_part_limit_setting_is_a_usage_error(tmp_path, monkeypatch, value):
    monkeypatch.setenv("DOCGEN_MERGE_PART_MB", value)
    rows = [small_docx(tmp_path / "1.docx", "第1行")]
    with pytest.raises(UsageError, match=f"环境变量 DOCGEN_MERGE_PART_MB 应为 0 到 2000 之间的兆字节数，现为「{value}」"):
        merge_docx(tmp_path, rows, title="合并")


def test_a_row_larger_than_the_part_limit_gets_a_part_of_its_own(tmp_path):
    rows = [small_docx(tmp_path / f"{n}.docx", f"第{n}行" * (400 if n == 2 else 1)) for n in (1, 2, 3)]
    parts = merge_docx(tmp_path, rows, title="合并", part_limit=4_000)
    assert [p.name for p in parts] == ["merged-001.docx", "merged-002.docx", "merged-003.docx"]
    assert [[p.text for p in docx.Document(part).paragraphs if p.text] for part in parts] == [
        ["第1行"], ["第2行" * 400], ["第3行"]]


def test_cli_warns_and_writes_no_merged_docx_when_rows_cannot_be_merged(tmp_path, monkeypatch, capsys):
    def refuse(out_dir, rows, *, title, page_count=None):
        raise Unmergeable("02-EEDS-0001.docx 含有脚注，暂不支持合并")

    monkeypatch.setattr("docgen.batch.runner.merge_docx", refuse)
    rows, _ = notice_rows(tmp_path / "notices.xlsx")
    code = main(["batch", "notice", str(rows), "--base", str(NOTICE), "-o", str(tmp_path / "out"), "--jobs", "1",
                 "--merge"])
    out, err = capsys.readouterr()
    assert code == 1  # the bad row
    assert "警告：未生成 merged.docx：02-EEDS-0001.docx 含有脚注，暂不支持合并" in err
    assert "合并为" not in out
    assert not (tmp_path / "out" / MERGED_DOCX).exists()


# ---- merge_docx on small python-docx files: what the notice template does not exercise ------------------

BOOKMARK = ('<w:bookmarkStart w:id="0" w:name="target"/><w:r><w:t>书签</w:t></w:r><w:bookmarkEnd w:id="0"/>'
            '<w:hyperlink w:anchor="target"><w:r><w:t>链接</w:t></w:r></w:hyperlink>'
            '<w:fldSimple w:instr=" PAGEREF target \\h "><w:r><w:t>1</w:t></w:r></w:fldSimple>')


def test_rows_with_different_images_and_bookmarks_get_unique_ids_and_parts(tmp_path):
    rows = [small_docx(tmp_path / f"{n}.docx", f"第{n}行", image=png((n * 60, 0, 0)), body_xml=BOOKMARK)
            for n in (1, 2, 3)]
    [merged] = merge_docx(tmp_path, rows, title="合并")
    assert_well_formed(merged)
    document = docx.Document(merged)
    assert [p.text for p in document.paragraphs if p.text.startswith("第")] == ["第1行", "第2行", "第3行"]
    images = [shape._inline.graphic.graphicData.pic.blipFill.blip.embed for shape in document.inline_shapes]
    blobs = [document.part.related_parts[rid].blob for rid in images]
    assert blobs == [png((n * 60, 0, 0)) for n in (1, 2, 3)]
    body = document.element.body
    names = [m.get(f"{{{W}}}name") for m in body.iter(f"{{{W}}}bookmarkStart")]
    assert names == ["target", "target_2", "target_3"]
    assert [h.get(f"{{{W}}}anchor") for h in body.iter(f"{{{W}}}hyperlink")] == names
    assert [f.get(f"{{{W}}}instr").split()[1] for f in body.iter(f"{{{W}}}fldSimple")] == names
    assert docx.Document(merged).core_properties.title == "合并"


def test_identical_images_are_stored_once(tmp_path):
    rows = [small_docx(tmp_path / f"{n}.docx", f"第{n}行", image=png((0, 0, 255))) for n in (1, 2)]
    with zipfile.ZipFile(merge_docx(tmp_path, rows, title="合并")[0]) as package:
        assert len([n for n in package.namelist() if n.startswith("word/media/")]) == 1


def test_a_row_ending_with_a_table_gets_an_empty_paragraph_for_its_section_break(tmp_path):
    rows = [small_docx(tmp_path / f"{n}.docx", f"第{n}行", end_with_table=True) for n in (1, 2)]
    [merged] = merge_docx(tmp_path, rows, title="合并")
    assert_well_formed(merged)
    body = docx.Document(merged).element.body
    first_break = body.xpath("w:p[w:pPr/w:sectPr]")[0]
    assert first_break.getprevious().tag == f"{{{W}}}tbl" and first_break.xpath("string(.)") == ""
    assert len(section_properties(merged)) == 2


def test_a_row_with_a_footnote_reference_is_refused_and_an_old_merged_docx_removed(tmp_path):
    (tmp_path / MERGED_DOCX).write_bytes(b"from an earlier run")
    rows = [small_docx(tmp_path / "1.docx", "第1行"),
            small_docx(tmp_path / "2.docx", "第2行", body_xml='<w:r><w:footnoteReference w:id="1"/></w:r>')]
    with pytest.raises(Unmergeable, match="2.docx 含有脚注"):
        merge_docx(tmp_path, rows, title="合并")
    assert not (tmp_path / MERGED_DOCX).exists()
    assert list(tmp_path.glob(".*.part")) == []


def test_a_row_from_another_template_is_refused(tmp_path):
    first = small_docx(tmp_path / "1.docx", "第1行")
    other = docx.Document()
    other.styles.add_style("另一个样式", 1)
    other.add_paragraph("第2行")
    other.save(tmp_path / "2.docx")
    with pytest.raises(Unmergeable, match="2.docx 的 word/styles.xml 与 1.docx 的不同"):
        merge_docx(tmp_path, [first, tmp_path / "2.docx"], title="合并")


def test_no_rows_is_unmergeable(tmp_path):
    with pytest.raises(Unmergeable, match="没有生成成功的 Word 文件"):
        merge_docx(tmp_path, [], title="合并")


def test_a_main_document_too_large_for_a_zip_without_zip64_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("docgen.batch.merge_docx._ENTRY_LIMIT", 5_000)
    rows = [small_docx(tmp_path / f"{n}.docx", f"第{n}行" * 200) for n in range(1, 6)]
    with pytest.raises(Unmergeable, match="超过 2 GiB"):
        merge_docx(tmp_path, rows, title="合并")
    assert not (tmp_path / MERGED_DOCX).exists()


def _rows_of(tmp_path, *pages):
    """Rows of 1, 2, … pages, each page saying which row and page it is; footers say the row."""
    rows = []
    for n, count in enumerate(pages, start=1):
        document = docx.Document()
        document.sections[0].footer.paragraphs[0].text = f"页脚{n}"
        for page in range(count):
            paragraph = document.add_paragraph(f"第{n}行第{page + 1}页")
            paragraph.paragraph_format.page_break_before = page > 0
        path = tmp_path / f"row{n}.docx"
        document.save(path)
        rows.append(path)
    return rows


def _pages(pdf: bytes) -> list[str]:
    return [normalise(page) for page in pages_text(pdf)]


@pytest.mark.parametrize(("duplex", "expected"), [
    (True, ["第1行第1页页脚1", "", "第2行第1页页脚2", "第2行第2页页脚2", "第3行第1页页脚3", "第3行第2页页脚3"]),
    (False, ["第1行第1页页脚1", "第2行第1页页脚2", "第2行第2页页脚2", "第3行第1页页脚3", "第3行第2页页脚3"]),
])
def test_rows_start_on_the_front_of_a_sheet_unless_single_sided(tmp_path, duplex, expected):
    """A row with an odd page count is followed by a blank page without footer (a section of its own)."""
    rows = _rows_of(tmp_path, 1, 2, 2)
    counts = {path: count for path, count in zip(rows, (1, 2, 2), strict=True)}
    (merged,) = merge_docx(tmp_path, rows, title="合并", page_count=counts.__getitem__ if duplex else None)
    sections = section_properties(merged)
    assert len(sections) == (4 if duplex else 3)
    if duplex:
        blank = sections[1]
        assert blank.find(f"{{{W}}}titlePg") is not None and blank.find(f"{{{W}}}pgNumType") is None
    pytest.importorskip("docgen.pdf")
    from docgen.pdf import typeset
    assert _pages(typeset(merged.read_bytes()).pdf) == expected
    assert_well_formed(merged)


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not on PATH")
def test_libreoffice_prints_the_blank_back_of_an_odd_row(tmp_path):
    from docgen.libreoffice import environment
    rows = _rows_of(tmp_path, 1, 3, 1)
    counts = {path: count for path, count in zip(rows, (1, 3, 1), strict=True)}
    (merged,) = merge_docx(tmp_path, rows, title="合并", page_count=counts.__getitem__)
    command = ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
               "--convert-to", PDF_FILTER, "--outdir", str(tmp_path), str(merged)]
    subprocess.run(command, capture_output=True, check=True, timeout=180, env=environment())
    pages = _pages((tmp_path / "merged.pdf").read_bytes())
    assert [n for n, text in enumerate(pages, start=1) if "第1页" in text] == [1, 3, 7]
    assert pages[1] == pages[5] == ""
