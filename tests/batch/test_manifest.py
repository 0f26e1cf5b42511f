import json
from dataclasses import asdict

from docgen.batch.manifest import Entry, Journal, JournalIndex, Note, Output, write_summary


def entry(row: int, status: str = "ok") -> Entry:
    return Entry(row, f"hash{row}", status, [Output(f"{row:05d}-甲.docx", "ab" * 32, 1234)] if status == "ok" else [])


def plain(item: Entry) -> dict:
    """The entry as its journal line holds it: without notes when it has none."""
    data = asdict(item)
    del data["notes"]
    return data


def test_a_journal_line_is_the_entry_as_compact_json():
    for item in (entry(2), entry(3, "failed")):
        assert item.to_json() == json.dumps(plain(item), ensure_ascii=False, separators=(",", ":"))
        assert Entry.from_dict(json.loads(item.to_json())) == item


def test_notes_travel_with_their_entry_through_the_journal():
    noted = Entry(2, "hash2", "ok", entry(2).outputs, [Note("applicant.name", "单位名称", "字符「𪚥」无字形", "pdf.missing_glyph"),
                                                        Note("", "正文第 3 段", "不支持文本框", "pdf.unsupported.textbox", "error")])
    line = json.loads(noted.to_json())
    assert line["notes"][0] == ["applicant.name", "单位名称", "字符「𪚥」无字形", "pdf.missing_glyph", "warning"]
    assert Entry.from_dict(line) == noted


def test_the_summary_holds_the_last_entry_of_each_row_in_the_order_asked(tmp_path):
    journal = Journal(tmp_path, fresh=True)
    for item in (entry(2, "failed"), entry(3), entry(2)):
        journal.append(item)
    journal.close()
    with (tmp_path / "manifest.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"row":4,"inp')  # a line cut short by a kill
    assert list(JournalIndex(tmp_path).entries([4, 3, 2, 5])) == [entry(3), entry(2)]
    summary = json.loads(write_summary(tmp_path, {"kind": "notice"}, [2, 3, 4]).read_text(encoding="utf-8"))
    assert summary == {"kind": "notice", "rows": [plain(entry(2)), plain(entry(3))]}


def test_no_journal_means_no_entries(tmp_path):
    index = JournalIndex(tmp_path)
    assert list(index.entries([2, 3])) == [] and index.get(2) is None
