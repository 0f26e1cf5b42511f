"""Hostile records for every kind through the CLI: an exit code, never a traceback; outputs sound or none at all.

For each drawn record (see `hostile.records`): the exit code is 0, 1 or 2 and no exception escapes
``docgen.cli.main``; after exit 1 or 2 the output folder holds nothing; after exit 0 every docx opens, every
PDF passes ``qpdf --check``, and every replaced text of a field the example prints literally is printed
literally (a line break as a break; compared without whitespace, which Word lays out its own way).
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

import docx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from docgen.cli import main
from docgen.schemas import schema_at
from tests.fuzz.conftest import count
from tests.fuzz.hostile import ROOT, Hostile, records, set_at, to_json, with_text
from tests.fuzz.hostile import example as example_record

KINDS = ["application", "feasibility", "plan", "agreement", "acceptance", "notice"]
_SPACE = re.compile(r"\s+")
_MARKER = "标记ZQX9"


def run(hostile: Hostile, *, formats: str = "docx") -> tuple[int, Path, str]:
    """Run the CLI on the record, in a fresh temp folder; (exit code, output folder, stderr)."""
    folder = Path(tempfile.mkdtemp(prefix="docgen-fuzz-"))
    shutil.copy(ROOT / "examples" / "licence-scan.png", folder)  # the packet example's attachment
    source = folder / "record.json"
    source.write_text(to_json(hostile.data), encoding="utf-8")
    out = folder / "out"
    command = ["packet", str(source)] if hostile.kind == "packet" else ["render", hostile.kind, str(source)]
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main([*command, "-o", str(out), "--to", formats])
    return code, out, stderr.getvalue()


def check(hostile: Hostile, test: str, *, formats: str = "docx") -> None:
    code, out, stderr = run(hostile, formats=formats)
    count(test, code)
    assert code in (0, 1, 2), stderr
    assert "Traceback" not in stderr
    if code != 0:
        left = sorted(p.name for p in out.rglob("*")) if out.exists() else []
        assert left == [], f"exit {code} left files behind: {left}"
        assert stderr.strip(), "an error exit says why"
        return
    text = ""
    for path in sorted(out.glob("*.docx")):
        text += docx_text(path)
    for path in sorted(out.glob("*.pdf")):
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, f"{path.name}: {result.stdout}{result.stderr}"
    for pointer, (new, old) in hostile.texts.items():
        if isinstance(old, str) and printed_literally(hostile.kind, pointer):
            assert squeeze(new) in squeeze(text), f"{pointer} = {new!r} is not in the docx as written"


def docx_text(path: Path) -> str:
    """All text of a docx (body, tables, headers, footers) with breaks as newlines; fails if it does not open."""
    document = docx.Document(str(path))
    parts = [document.element.body]
    for section in document.sections:
        parts += [section.header._element, section.footer._element]
    return "".join(_text(element) for element in parts)


def _text(element) -> str:
    out = []
    for node in element.iter():
        tag = node.tag.rsplit("}", 1)[-1]
        if tag == "t" and node.text:
            out.append(node.text)
        elif tag in ("br", "cr", "tab"):
            out.append("\n")
    return "".join(out)


def squeeze(text: str) -> str:
    return _SPACE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


@cache
def printed_literally(kind: str, pointer: str) -> bool:
    """True when the example, with this field set to a marker text, prints the marker as it is."""
    schema = schema_at(pointer) or {}
    if "enum" in schema or "format" in schema or (kind == "notice" and pointer.startswith("/notice/")):
        return False  # labels, dates; notice texts are placeholders' templates, filled rather than printed
    data = example_record(kind)
    set_at(data, pointer, _MARKER)
    code, out, _ = run(Hostile(kind, data))
    return code == 0 and any(_MARKER in docx_text(path) for path in out.glob("*.docx"))


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_hostile_record_renders_or_is_refused_cleanly(kind, data):
    check(data.draw(records(kind)), kind)


@settings(max_examples=max(3, settings().max_examples // 4))  # a packet with PDFs takes seconds
@given(hostile=records("packet"))
@example(hostile=with_text("packet", "/applicant/profile", "回车\r\n换行{_{ x }_}+cmd|' /C calc'!A0"))
def test_hostile_packet_with_pdf(hostile):
    check(hostile, "packet+pdf", formats="docx,pdf")
