"""Reviewer cases a demanding user hit: `n` on a flag, an 80x24 terminal, a 150 kB document."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from review_helpers import open_session, said, sync

from scrubber.review.app import ReviewApp
from scrubber.review.model import Row
from scrubber.review.render import WINDOW, document_window
from scrubber.session import Session


async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await pilot.pause()


async def until(pilot, ready: Callable[[], bool], tries: int = 40) -> None:
    """Pause until ``ready()`` holds, at most ``tries`` times 50 ms: on a loaded machine the first layout comes later than one pause.

    The caller asserts afterwards, so a screen that never gets there still fails.
    """
    for _ in range(tries):
        if ready():
            return
        await pilot.pause(0.05)


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
        first = app.model.row_at(0)

        def first_line() -> str:
            return app.screen.query_one("ChangeList").render_line(0).text

        def visible_keys() -> list[str]:
            keys = app.screen.query_one("Footer").query("FooterKey").results()
            return [k.key for k in keys if k.region.right <= 80 and k.region.width > 0]

        await until(pilot, lambda: first.original[-5:] in first_line() and "question_mark" in visible_keys())
        line = first_line()
        assert first.original[-5:] in line and first.replacement[-3:] in line, line  # the change itself, both sides
        shown = visible_keys()
        assert "question_mark" in shown and "q" in shown, shown


@pytest.fixture
def long_session(tmp_path: Path) -> Session:
    """One 150 kB document, a single line, with 3,000 mojibake words (a second per key press before).

    A note mark between the sentences keeps the mojibake rule's runs from
    crossing them (``unicode.coarse_runs`` never passes a bracket), so the
    line keeps its 3,000 findings.
    """
    text = " [1] ".join(["The cafÃ© said more words here."] * 3000)
    (tmp_path / "long.jsonl").write_text(json.dumps({"text": text}) + "\n")
    s = open_session(tmp_path / "long.scrubber-session", [tmp_path / "long.jsonl"])
    yield s
    s.close()


@sync
async def test_a_long_document_is_shown_around_the_current_change(long_session: Session) -> None:
    app = ReviewApp(long_session)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await press(pilot, "J")
        shown = app.screen.query_one("#doctext").render()
        assert "characters below" in str(shown) and "characters above" not in str(shown)
        assert len(str(shown)) < 2 * WINDOW
        app.screen.go(2000)
        await pilot.pause()
        shown = str(app.screen.query_one("#doctext").render())
        assert "characters above" in shown and "characters below" in shown
        assert "✓" not in shown
        await press(pilot, "y")  # the decided change is in the window, marked
        assert "✓[-cafÃ©-]" in str(app.screen.query_one("#doctext").render())


def rows_of(spans: list[tuple[int, int, str | None]], text: str) -> list[Row]:
    return [Row((n, 0, "r.x", a, b, repl, text[a:b], "m", 1.0, 1, f"fp{n}", "", None, None), 0) for n, (a, b, repl) in enumerate(spans)]


@pytest.mark.parametrize(
    ("spans", "current", "above", "below"),
    [
        ([(5, 8, "X")], 0, False, True),  # at the start: nothing above
        ([(19_990, 19_995, "")], 0, True, False),  # at the end: nothing below
        ([(9_000, 9_004, "")], 0, True, True),
        ([(100, 9_500, None), (9_000, 9_004, "")], 1, True, True),  # a long flag is never cut: the window widens to hold it
    ],
)
def test_document_window_never_cuts_a_change(spans, current: int, above: bool, below: bool) -> None:
    text = ("word " * 4000)[:20_000]
    rows = rows_of(spans, text)
    out, offset = document_window(text, rows, rows[current])
    plain = out.plain
    assert ("characters above" in plain) == above and ("characters below" in plain) == below
    for row in rows:  # whole, with both its marks
        assert f"[-{row.original}-]" in plain if not row.is_flag else plain.count("⟦") == plain.count("⟧") == 1
    assert plain[offset] in "[⟦"  # the cursor offset points at the current change's mark


@pytest.mark.parametrize(
    ("editor", "action", "message"),
    [
        ("nosuch-editor-xyz", None, "Cannot run"),  # crashed the app with a traceback before
        ("'unbalanced", None, "Cannot run"),
        ("false", None, "left without saving"),  # a non-zero exit (vim's :cq) cancels, as in git
        ("sed -i s/.*/Edited/", "edit", ""),
    ],
)
@sync
async def test_external_editor_problems_are_said_and_cancel(
    session: Session, monkeypatch: pytest.MonkeyPatch, editor: str, action: str | None, message: str
) -> None:
    import contextlib

    monkeypatch.setenv("VISUAL", editor)
    monkeypatch.setattr(ReviewApp, "suspend", lambda self: contextlib.nullcontext())  # headless: run the editor in place
    app = ReviewApp(session)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        row = app.screen.row
        await press(pilot, "E")
        assert row.action == action
        if action == "edit":
            assert row.text == "Edited"
        assert message in said(app)


@sync
async def test_write_expands_a_tilde_like_a_shell_would(session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    app = ReviewApp(session, default_output="~/clean")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await press(pilot, "y", "w", "enter")
    assert (tmp_path / "home" / "clean" / "harbour.txt").exists()
    assert not (tmp_path / "~").exists()  # not a folder literally named '~'


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ({"accept": "a", "reject": "x"}, {"review.accept": "a", "review.keep": "a", "review.reject": "x", "review.reject-flag": "x"}),
        ({"accept": "a", "keep": "k"}, {"review.accept": "a", "review.keep": "k"}),
    ],
)
def test_remapping_accept_or_reject_remaps_its_flag_twin(keys: dict, expected: dict) -> None:
    from scrubber.review.app import keymap_from_config

    assert keymap_from_config(keys) == expected


@pytest.mark.parametrize("size", [(80, 24), (60, 20), (40, 12), (20, 6), (12, 6)])
@sync
async def test_quit_and_help_stay_whole_in_a_narrow_footer(session: Session, size: tuple[int, int]) -> None:
    """Under 80 columns the footer cut `q quit` to `q qu` (20x6): every key shown is whole, quit and help always."""
    app = ReviewApp(session)
    async with app.run_test(size=size) as pilot:
        for _ in range(2):  # a fix, then a flag (its keys differ: y keep, d drop)
            await pilot.pause()
            keys = list(app.screen.query_one("Footer").query("FooterKey").results())
            assert all(k.region.right <= size[0] for k in keys), [(k.key, k.description, k.region) for k in keys]
            shown = {k.key: k.description for k in keys}
            assert "q" in shown and "question_mark" in shown, shown
            if size[0] >= 20:
                assert shown["q"] == "quit" and shown["question_mark"] == "help", shown
            await goto_flag(pilot, app)
