import json
from dataclasses import asdict

from docgen.batch.manifest import Entry, Journal, JournalIndex, Output, write_summary


def entry(row: int, status: str = "ok") -> Entry:
    return Entry(row, f"hash{row}", status, [Output(f"{row:05d}-甲.docx", "ab" * 32, 1234)] if status == "ok" else [])


def test_a_journal_line_is_the_entry_as_compact_json():
    for item in (entry(2), entry(3, "failed")):
        assert item.to_json() == json.dumps(asdict(item), ensure_ascii=False, separators=(",", ":"))
        assert Entry.from_dict(json.loads(item.to_json())) == item


def test_the_summary_holds_the_last_entry_of_each_row_in_the_order_asked(tmp_path):
    journal = Journal(tmp_path, fresh=True)
    for item in (entry(2, "failed"), entry(3), entry(2)):
        journal.append(item)
    journal.close()
    with (tmp_path / "manifest.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"row":4,"inp')  # a line cut short by a kill
    assert list(JournalIndex(tmp_path).entries([4, 3, 2, 5])) == [entry(3), entry(2)]
    summary = json.loads(write_summary(tmp_path, {"kind": "notice"}, [2, 3, 4]).read_text(encoding="utf-8"))
    assert summary == {"kind": "notice", "rows": [asdict(entry(2)), asdict(entry(3))]}


def test_no_journal_means_no_entries(tmp_path):
    index = JournalIndex(tmp_path)
    assert list(index.entries([2, 3])) == [] and index.get(2) is None
