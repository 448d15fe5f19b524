"""Reviewer cases a demanding user hit: `n` on a flag, an 80x24 terminal."""

from __future__ import annotations

from review_helpers import sync

from scrubber.review.app import ReviewApp
from scrubber.session import Session


async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await pilot.pause()


async def goto_flag(pilot, app: ReviewApp) -> None:
    while not app.screen.row.is_flag:
        await press(pilot, "j")


@sync
async def test_n_on_a_flag_rejects_it_like_R_does(session: Session) -> None:
    """README: `n` rejects. On a flag that means "not garbled": the text is kept, and it is recorded."""
    app = ReviewApp(session)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await goto_flag(pilot, app)
        flag = app.screen.row
        await press(pilot, "n")
        assert flag.action == "reject"
        assert app.screen.row is not flag  # moved on, as every decision does
        assert [r[12] for r in Session(session.path).finding_rows() if r[0] == flag.id] == ["reject"]


@sync
async def test_an_80x24_terminal_shows_the_change_and_how_to_get_help(session: Session) -> None:
    app = ReviewApp(session)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        lists = app.screen.query_one("ChangeList")
        first = app.model.row_at(0)
        line = lists.render_line(0).text
        assert first.original[:4] in line, line  # the change itself, not only its file and rule
        footer = app.screen.query_one("Footer")
        shown = " ".join(k.key for k in footer.query("FooterKey").results())
        visible_keys = [k for k in footer.query("FooterKey").results() if k.region.right <= 80 and k.region.width > 0]
        assert any(k.key == "question_mark" for k in visible_keys), shown
        assert any(k.key == "q" for k in visible_keys), shown
