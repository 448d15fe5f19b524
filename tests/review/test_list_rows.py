"""The change list shows the text of a change, not the line breaks around it."""

from __future__ import annotations

from pathlib import Path

import pytest
from review_helpers import open_session, sync

from scrubber.review.app import ReviewApp
from scrubber.review.render import list_label, list_sides


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("\n\nPost a Comment\n", "", ("Post a Comment", "")),  # an end-zone removal with the blank lines above it
        ("\r\n\r\nPost a Comment\r\n", "", ("Post a Comment", "")),
        ("\n \t\nShare this:\n", "", ("Share this:", "")),  # a blank line holding spaces
        ("\nThe post X appeared first on Y.\n\n", "\n", ("The post X appeared first on Y.", "\n")),  # a line back
        ("\n\n", "", ("\n\n", "")),  # only breaks: they are the change
        (" [ad_2]", "", (" [ad_2]", "")),  # no break: left alone (a removed space matters)
        ("\ncafÃ©", "\ncafé", ("cafÃ©", "café")),  # the same break on both sides
        ("word\n", "word ", ("word\n", "word ")),  # a break made a space: shown
        ("\nword", "word", ("\nword", "word")),  # a break removed: shown
        ("\u2028Post a Comment", "", ("\u2028Post a Comment", "")),  # a line separator is odd enough to show
    ],
)
def test_list_sides(old: str, new: str, expected: tuple[str, str]) -> None:
    assert list_sides(old, new) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("a.txt", "a.txt"),
        ("news300.jsonl:12 [isot-fake-0]", "news300.jsonl:12"),  # the record id is in the document heading
        ("corpus/part-00001.jsonl:123456", "…01.jsonl:123456"),  # the line number is what tells rows apart
        ("2019/11/story-0042.txt", "…/story-0042.txt"),  # and the file's own name
        ("a [draft].txt", "a [draft].txt"),  # brackets in a file name stay
    ],
)
def test_list_label_keeps_the_end(label: str, expected: str) -> None:
    assert list_label(label, 16) == expected


@sync
async def test_an_end_zone_removal_shows_its_text_in_the_list(tmp_path: Path) -> None:
    doc = tmp_path / "blog.txt"
    doc.write_text("The ferry timetable changes in March, the council said.\n\n\nPost a Comment\n[ad_2]Source link\n", "utf-8")
    session = open_session(tmp_path / "s.scrubber-session", [doc])
    app = ReviewApp(session)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        assert [r.original for r in app.model.rows] == ["\n\nPost a Comment\n", "[ad_2]Source link\n"]
        lists = app.screen.query_one("ChangeList")
        rows = [lists.render_line(i).text for i in range(2)]
        assert "[-Post a Comment-]" in rows[0] and "[-[ad_2]Source link-]" in rows[1], rows  # markup stays literal
        assert not any("⟨LF⟩" in row for row in rows), rows
        detail = str(app.screen.query_one("#detail").render())
        assert "⟨LF⟩⟨LF⟩Post a Comment⟨LF⟩" in detail  # the detail keeps the exact span
        await pilot.press("j")
        await pilot.pause()
        assert "[ad_2]Source link⟨LF⟩" in str(app.screen.query_one("#detail").render())
    session.close()
