"""Hostile spreadsheet rows through `docgen batch notice`: bad rows reported, good rows rendered, never a traceback.

Rows are JSON Lines (exact types, like a sheet read by docgen): the first row of examples/notices.xlsx with
columns replaced by hostile texts, numbers and wrong types. Every run exits 0, 1 or 2 with no exception
escaping the CLI; every docx written opens; a row's recipient name, when printable, is printed as written.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path

import docx
from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.cli import main
from docgen.xmlchars import ILLEGAL_CHARACTER
from tests.fuzz.conftest import count
from tests.fuzz.hostile import NUMBERS, ROOT, TEXTS, WRONG_TYPES, to_json
from tests.fuzz.test_hostile_records import squeeze

ROW = {"recipient.name": "鄂尔多斯市煤炭行业协会", "recipient.code": "EEDS-0001", "recipient.region": "康巴什区",
       "recipient.quota": 2, "recipient.amount": "600000.00", "recipient.contact": "王丽",
       "recipient.phone": "0477-8581234", "recipient.deadline": "2027-02-28"}


@st.composite
def rows(draw: st.DrawFn) -> list[dict]:
    drawn = []
    for _ in range(draw(st.integers(1, 3))):
        row = dict(ROW)
        for column in draw(st.lists(st.sampled_from(sorted(ROW)), min_size=1, max_size=3, unique=True)):
            row[column] = draw(st.one_of(TEXTS, NUMBERS, WRONG_TYPES))
        drawn.append(row)
    return drawn


@settings(max_examples=max(3, settings().max_examples // 3))  # a batch starts workers: about a second each
@given(drawn=rows())
def test_hostile_rows(drawn):
    folder = Path(tempfile.mkdtemp(prefix="docgen-fuzz-rows-"))
    source = folder / "rows.jsonl"
    source.write_text("".join(to_json(row) + "\n" for row in drawn), encoding="utf-8")
    out = folder / "out"
    stderr = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
        code = main(["batch", "notice", str(source), "--base", str(ROOT / "examples" / "notice.json"),
                     "-o", str(out), "--to", "docx", "--jobs", "1"])
    count("batch rows", code)
    assert code in (0, 1, 2), stderr.getvalue()
    assert "Traceback" not in stderr.getvalue()
    documents = sorted(out.glob("*.docx")) if out.exists() else []
    if code == 2:
        assert documents == []
    texts = [squeeze("".join(p.text for p in docx.Document(str(path)).paragraphs)) for path in documents]
    for row in drawn:
        name = row["recipient.name"]
        printable = isinstance(name, str) and squeeze(name) and not ILLEGAL_CHARACTER.search(name)
        if printable and "{" not in name and all(isinstance(v, str | int) for v in row.values()) and code == 0:
            assert any(squeeze(name) in text for text in texts), f"{name!r} is not in any docx as written"
