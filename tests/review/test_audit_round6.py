"""What driving `scrubber review` in tmux as a reviewer found (docs/review-audit.md), each pinned by a test.

A resume after an input changed lost the place; a second reviewer on the
same session undid the first one's decisions; a write in place made the
next resume report every applied decision as lost; Ctrl+Z did nothing; a
bulk decision with nothing pending said "u undoes"; a kept flag looked
pending in the document; a normalisation change showed two identical sides.
"""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from review_helpers import engine, said, sync

from scrubber.model import Action
from scrubber.review import app as app_module
from scrubber.review.app import ReviewApp
from scrubber.review.model import ReviewModel, Row
from scrubber.review.render import detail_text, document_text
from scrubber.session import ReviewLock, Session, SessionError, write_reviewed


async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await pilot.pause()


def resync(session: Session) -> Session:
    """Reopen the session and bring it up to date with its inputs, as `scrubber review --session` does."""
    again = Session(session.path)
    again.sync(engine(), [], "text", lambda *a: None)
    return again


def row_of(model: ReviewModel, label: str, original: str) -> int:
    return next(i for i, r in enumerate(model.rows) if model.docs[r.doc].label.startswith(label) and original in r.original)


# -- 1. the place is kept when the input under it changed ------------------------------------------


@pytest.mark.parametrize("edit", ["above", "none"])
def test_resume_returns_to_the_same_change_after_its_input_changed(session: Session, corpus: Path, edit: str) -> None:
    model = ReviewModel(session)
    here = row_of(model, "harbour.txt", "[ad_2]Source")
    model.save_position(model.order.index(here))
    if edit == "above":  # findings of harbour.txt are recomputed: every row id of it changes
        harbour = corpus / "harbour.txt"
        harbour.write_text("A new first line.\n\n" + harbour.read_text("utf-8"), "utf-8")
    again = ReviewModel(resync(session))
    pos = again.start_position()
    row = again.row_at(pos)
    assert row is not None and again.docs[row.doc].label == "harbour.txt" and "[ad_2]Source" in row.original, row.original


def test_resume_on_a_change_that_is_gone_goes_to_the_next_undecided_one_of_its_document(session: Session, corpus: Path) -> None:
    model = ReviewModel(session)
    here = row_of(model, "harbour.txt", "[ad_1]")
    model.save_position(model.order.index(here))
    harbour = corpus / "harbour.txt"
    harbour.write_text(harbour.read_text("utf-8").replace("[ad_1]\n", ""), "utf-8")
    again = ReviewModel(resync(session))
    row = again.row_at(again.start_position())
    assert row is not None and again.docs[row.doc].label == "harbour.txt" and row.action is None
    assert row.start > harbour.read_text("utf-8").index("Residents") - 2  # after where [ad_1] was, not the first change


# -- 2. one reviewer per session -----------------------------------------------------------------------------


def test_a_second_lock_on_a_session_is_refused_and_released_on_exit(tmp_path: Path) -> None:
    path = tmp_path / "s.scrubber-session"
    first = ReviewLock(path)
    first.acquire()
    with pytest.raises(SessionError, match=rf"open in another reviewer \(process {os.getpid()}\)"):
        ReviewLock(path).acquire()
    first.release()
    assert not Path(f"{path}.lock").exists()
    second = ReviewLock(path)
    second.acquire()
    second.release()


def test_a_reviewer_killed_with_sigkill_leaves_no_lock_behind(tmp_path: Path) -> None:
    path = tmp_path / "s.scrubber-session"
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from scrubber.session import ReviewLock; ReviewLock({str(path)!r}).acquire(); print('held', flush=True); input()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "held\n"
        with pytest.raises(SessionError):
            ReviewLock(path).acquire()
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    lock = ReviewLock(path)  # the file is still there, the lock went with the process
    lock.acquire()
    lock.release()


def test_scrubber_review_refuses_a_session_open_in_another_reviewer(session: Session) -> None:
    session.close()
    held = ReviewLock(session.path)
    held.acquire()
    master, slave = pty.openpty()
    try:
        exe = Path(sys.executable).parent / "scrubber"
        result = subprocess.run(
            [str(exe), "review", "--session", str(session.path)],
            stdin=slave,
            stdout=slave,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(slave)
        os.close(master)
        held.release()
    assert result.returncode == 2, result.stderr
    assert "the session is open in another reviewer" in result.stderr and "close that one first" in result.stderr


# -- 3. writing in place, then resuming ----------------------------------------------------------------------


def test_after_a_write_in_place_the_resume_loses_nothing(session: Session, corpus: Path) -> None:
    model = ReviewModel(session)
    accepted = row_of(model, "harbour.txt", "councilâ€™s")
    rejected = row_of(model, "harbour.txt", "[ad_2]Source")
    model.decide([accepted], Action.ACCEPT)
    model.decide([rejected], Action.REJECT)
    stats = write_reviewed(session, None, True, lambda *a: None)
    assert stats.written and "council’s" in (corpus / "harbour.txt").read_text("utf-8")
    again = ReviewModel(resync(session))
    assert again.unmatched_decisions() == (0, 0)  # the applied fix is spent, not "could not be matched"
    assert [r.action for r in again.rows if "[ad_2]Source" in r.original] == ["reject"]  # the rejection carries over
    assert not any("councilâ€™s" in r.original for r in again.rows)
    assert again.session.undo() != [] and again.session.undo() == []  # only the rejection is left to undo


@sync
async def test_w_in_place_says_the_session_must_be_reopened(session: Session) -> None:
    app = ReviewApp(session)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await press(pilot, "y", "w")
        app.screen.query_one("Input").value = "--in-place"
        await press(pilot, "enter")
        assert "written" in said(app) and "quit and reopen" in said(app)


# -- 4. Ctrl+Z -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("job_control", [True, False])
@sync
async def test_ctrl_z_suspends_when_a_shell_can_resume_it(session: Session, monkeypatch: pytest.MonkeyPatch, job_control: bool) -> None:
    monkeypatch.setattr(app_module, "job_control", lambda: job_control)
    app = ReviewApp(session)
    suspended: list[bool] = []
    monkeypatch.setattr(app, "action_suspend_process", lambda: suspended.append(True))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await press(pilot, "j", "ctrl+z")
        assert suspended == ([True] if job_control else [])
        assert ("no shell with job control" in said(app)) is not job_control
        assert app.is_running


# -- 5. a bulk decision with nothing pending ------------------------------------------------------------------


@sync
async def test_a_bulk_decision_with_nothing_pending_says_so_and_leaves_undo_alone(session: Session) -> None:
    app = ReviewApp(session)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await press(pilot, "A")
        await press(pilot, "ctrl+r")  # the same rule everywhere: A took this file's, other files may remain
        await press(pilot, "ctrl+r")
        assert "nothing decided" in said(app) and "u undoes" not in said(app)
        before = app.model.decided
        await press(pilot, "u")
        assert app.model.decided < before  # u undid the last real bulk decision


# -- 6. a decided flag in the document ------------------------------------------------------------------------


@pytest.mark.parametrize(("action", "glyph"), [(None, ""), ("accept", "✓"), ("reject", "✗"), ("drop", "⌫")])
def test_a_decided_flag_carries_its_glyph_in_the_document(action: str | None, glyph: str) -> None:
    text = "Fine. BUY NOW!!! Fine."
    flag = Row((1, 0, "reviewtest.shouting", 6, 16, None, "BUY NOW!!!", "m", 0.7, 0, "fp", "", action, None), 0)
    shown = document_text(text, [flag], None)[0].plain
    assert f"Fine. {glyph}⟦BUY NOW!!!⟧ Fine." == shown


# -- 7. a change a terminal draws the same on both sides ---------------------------------------------------


def test_a_normalisation_shows_its_code_points() -> None:
    row = Row((1, 0, "unicode.nfc", 0, 4, "\u00e9\u0301", "e\u0301\u0301", "NFC", 1.0, 1, "fp", "", None, None), 0)
    model = type("M", (), {"rule_info": {}})()
    shown = detail_text(model, row).plain  # type: ignore[arg-type]
    assert "U+0065 U+0301 U+0301 → U+00E9 U+0301" in shown
    plain = Row((1, 0, "unicode.mojibake", 0, 3, "é", "Ã©", "m", 1.0, 1, "fp", "", None, None), 0)
    assert "U+" not in detail_text(model, plain).plain  # type: ignore[arg-type]


# -- 8. the inline editor shows hostile text as tokens, and gives it back exactly -----------------------


@pytest.mark.parametrize(
    "text",
    [
        "plain words",
        "red \x1b[31mRED\x1b[0m bell\x07 back\x08space",
        "line\r\nbreak\nand tab\there",
        "bidi \u202eevil\u202c zero\u200bwidth nbsp\u00a0 lone \ud800 surrogate",
        "literal tokens ⟨ESC⟩ and ⟨U+0041⟩ and ⟨ stay as typed",
        "[bold]markup[/] [@click=app.quit]x[/]",
    ],
)
def test_editable_text_round_trips_and_hides_nothing(text: str) -> None:
    from scrubber.review.visible import editable, from_editable, is_hidden

    shown = editable(text)
    assert not any(is_hidden(ch) for ch in shown if ch not in "\n\t")
    assert from_editable(shown) == text


def test_a_token_typed_in_the_editor_inserts_that_character() -> None:
    from scrubber.review.visible import from_editable

    assert from_editable("a⟨NBSP⟩b⟨U+200B⟩c⟨NOPE⟩") == "a\u00a0b\u200bc⟨NOPE⟩"


@sync
async def test_editing_hostile_text_shows_tokens_and_keeps_its_bytes(session: Session) -> None:
    hostile = "a \x1b[31mred\x1b[0m\r\nb\u202e"
    ReviewModel(session).decide([0], Action.EDIT, hostile)  # an earlier edit (or $EDITOR) left hostile text
    app = ReviewApp(session)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await press(pilot, "home", "e")
        area = app.screen.query_one("TextArea")
        assert "⟨ESC⟩[31m" in area.text and "⟨CR⟩" in area.text and not any(ch in area.text for ch in "\x1b\r\u202e")
        await press(pilot, "ctrl+s")
        row = app.model.rows[0]
        assert (row.action, row.text) == ("edit", hostile)


@sync
async def test_back_from_ctrl_z_the_screen_is_redrawn(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """fg after Ctrl+Z left most of the screen blank: Textual repaints after App.suspend(), not after SIGTSTP."""
    app = ReviewApp(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        refreshed: list[bool] = []
        monkeypatch.setattr(app, "refresh", lambda **kwargs: refreshed.append(kwargs.get("layout", False)))
        app.app_resume_signal.publish(app)
        await pilot.pause()
        assert True in refreshed


@sync
async def test_w_after_an_input_changed_says_how_to_update_it(session: Session, corpus: Path, tmp_path: Path) -> None:
    """The note said "open the session with `scrubber review`", to someone already in it."""
    (corpus / "market.txt").write_text("Changed on disk while the review was open.\n", "utf-8")
    app = ReviewApp(session)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await press(pilot, "y", "w")
        app.screen.query_one("Input").value = str(tmp_path / "out")
        await press(pilot, "enter")
        assert "nothing written" in said(app) and "quit and reopen" in said(app).lower()
        assert not (tmp_path / "out").exists()


@sync
async def test_w_with_a_missing_input_says_reopening_will_not_help(session: Session, corpus: Path, tmp_path: Path) -> None:
    (corpus / "market.txt").unlink()
    app = ReviewApp(session)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await press(pilot, "w")
        app.screen.query_one("Input").value = str(tmp_path / "out")
        await press(pilot, "enter")
        assert "1 input(s) are missing" in said(app) and "--partial" in said(app) and "reopen" not in said(app)
