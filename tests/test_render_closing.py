"""Where the 署名 may go (docgen/render_docx/closing.py), judged from the engine's placements alone."""

from __future__ import annotations

from docgen.pdf.result import Placement
from docgen.render_docx.closing import has_body_text, leaves_body_behind, on_first_page

BODY = [Placement("Title", 1, 1, True), Placement("Addressee", 1, 1, True), Placement("BodyText", 1, 1, True)]
CLOSING = {"Signature", "AttachmentNote"}


def test_signature_under_the_body_on_its_page():
    placed = [*BODY, Placement("", 1, 1, False), Placement("Signature", 1, 1, True)]
    assert has_body_text(placed, "Signature", CLOSING)


def test_signature_pushed_with_the_attachment_note_onto_a_page_without_body_text():
    placed = [*BODY, Placement("", 1, 1, False), Placement("AttachmentNote", 2, 2, True),
              Placement("", 2, 2, False), Placement("Signature", 2, 2, True)]
    assert not has_body_text(placed, "Signature", CLOSING)


def test_body_split_across_the_page_end_goes_with_the_signature():
    placed = [*BODY[:2], Placement("BodyText", 1, 2, True), Placement("Signature", 2, 2, True)]
    assert has_body_text(placed, "Signature", CLOSING)
    assert leaves_body_behind(placed, "Signature", "Addressee")


def test_a_short_body_moved_whole_leaves_nothing_behind():
    """Moving the only body paragraph would leave page 1 with the title and the 主送机关 alone."""
    placed = [*BODY[:2], Placement("BodyText", 2, 2, True), Placement("Signature", 2, 2, True)]
    assert not leaves_body_behind(placed, "Signature", "Addressee")


def test_a_notice_on_one_page_moved_nothing():
    placed = [*BODY, Placement("", 1, 1, False), Placement("Signature", 1, 1, True)]
    assert on_first_page(placed, "Signature")
    assert not on_first_page([*BODY[:2], Placement("BodyText", 2, 2, True), Placement("Signature", 2, 2, True)],
                             "Signature")


def test_a_notice_whose_last_lines_go_with_the_signature_is_laid_out_once_and_drawn_once(monkeypatch):
    """Regression: each candidate layout was drawn as a PDF, which halved a notice batch's rows per second; then
    the docx as rendered was laid out before the one keeping its last lines with the 署名 (24.6 ms CPU a row, 16)."""
    from pathlib import Path

    import docgen
    from docgen.pdf import document, session

    drawn, laid_out = [], []
    draw, lay_out = document.render, session.lay_out_data
    monkeypatch.setattr(document, "render", lambda *args: drawn.append(1) or draw(*args))
    monkeypatch.setattr(session, "lay_out_data", lambda *args, **kw: laid_out.append(1) or lay_out(*args, **kw))
    example = Path(__file__).resolve().parent.parent / "examples" / "notice.json"

    rendered = docgen.render(example, "notice", to=["pdf"]).documents[0]

    assert rendered.pdf is not None and rendered.pdf.startswith(b"%PDF")
    assert (len(laid_out), len(drawn)) == (1, 1)
