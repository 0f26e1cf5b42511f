"""The merge after a batch streams: merged.docx's memory does not grow with the number of rows (#16).

Python allocations are measured with tracemalloc, which counts them exactly: the figures do not depend on the
machine's load. (merged.pdf holds one part in memory, bounded by ``DOCGEN_MERGE_PDF_PART_MB``; measured in
benchmarks/README.md, too slow under tracemalloc for a test.)
"""

import tracemalloc

import pytest
from conftest import ROOT, write_csv

from docgen.batch import run_batch
from docgen.batch.merge_docx import merge_docx


def _peak_mib(merge) -> float:
    tracemalloc.start()
    try:
        merge()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def notice(tmp_path_factory):
    """One rendered notice; merged many times over, it stands for a large batch."""
    tmp = tmp_path_factory.mktemp("notice")
    header = ["recipient.name", "recipient.code", "recipient.region", "recipient.quota", "recipient.amount",
              "recipient.contact", "recipient.phone", "recipient.deadline"]
    row = ["鄂尔多斯市第1号能源有限责任公司", "EEDS-00001", "东胜区", "2", "300010.00", "联系人1", "0477-8581001",
           "2027-02-28"]
    rows = write_csv(tmp / "rows.csv", header, [row])
    run_batch("notice", rows, tmp / "out", base=ROOT / "examples" / "notice.json", jobs=1, to=("docx",))
    return tmp / "out" / "00002"


def test_merged_docx_memory_is_flat_in_the_number_of_rows(tmp_path, notice):
    docx = notice.with_suffix(".docx")
    few = _peak_mib(lambda: merge_docx(tmp_path, [docx] * 10, title="t"))
    many = _peak_mib(lambda: merge_docx(tmp_path, [docx] * 100, title="t"))
    assert many < few * 1.2, (few, many)  # ten times the rows, about the same memory
