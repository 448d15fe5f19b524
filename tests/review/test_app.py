"""Pilot tests: every binding and flow of the reviewer, on a real session."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from review_helpers import said, sync
from textual.geometry import Region

from scrubber.cli import main
from scrubber.review.app import BINDINGS, ReviewApp, key_names, keymap_from_config
from scrubber.session import Session

SIZE = (120, 40)


def statuses(app: ReviewApp) -> list[str | None]:
    return [r.action for r in app.model.rows]


def stored(session: Session) -> list[str | None]:
    return [r[12] for r in Session(session.path).finding_rows()]


async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await pilot.pause()


def cursor_row(app: ReviewApp):
    return app.screen.row


def footer_actions(app: ReviewApp) -> set[str]:
    return {k.action for k in app.screen.query("FooterKey")}


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["y"], ["accept"]),
        (["n"], ["reject"]),
        (["y", "n", "y"], ["accept", "reject", "accept"]),
        (["y", "u"], [None]),
        (["y", "n", "u"], ["accept", None]),
    ],
)
@sync
async def test_decide_and_undo(session: Session, keys: list[str], expected: list[str | None]) -> None:
    app = ReviewApp(session)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await press(pilot, *keys)
        assert statuses(app)[: len(expected)] == expected
        assert stored(session)[: len(expected)] == expected  # committed, not just on screen


@sync
async def test_moving(session: Session) -> None:
    app = ReviewApp(session)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert app.screen.query_one("ChangeList").cursor == 0
        await press(pilot, "j", "j")
        assert app.screen.query_one("ChangeList").cursor == 2
        await press(pilot, "k")
        assert app.screen.query_one("ChangeList").cursor == 1
        await press(pilot, "y", "k", "k", "J")  # back to 0, J skips the decided row 1
        assert app.screen.query_one("ChangeList").cursor == 2
        await press(pilot, "K")
        assert app.screen.query_one("ChangeList").cursor == 0
        await press(pilot, "down", "up")
        assert app.screen.query_one("ChangeList").cursor == 0


@sync
async def test_progress_is_shown(session: Session) -> None:
    app = ReviewApp(session)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await press(pilot, "y", "y")
        status = str(app.screen.query_one("#status").render())
        assert "2 of 14 decided" in status
        assert "2 of 6 decided in harbour.txt" in status


@pytest.mark.parametrize(
    ("key", "scope_count", "action"),
    [("A", 3, "accept"), ("ctrl+a", 6, "accept"), ("R", 3, "reject"), ("ctrl+r", 6, "reject")],
)
@sync
async def test_all_of_a_rule(session: Session, key: str, scope_count: int, action: str) -> None:
    app = ReviewApp(session)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        rule = cursor_row(app).rule
        assert rule == "unicode.mojibake"
        await press(pilot, key)
        decided = [r for r in app.model.rows if r.action is not None]
        assert len(decided) == scope_count and {r.rule for r in decided} == {rule}
        assert {r.action for r in decided} == {action}
        assert f"{action.capitalize()}ed {scope_count} pending" in said(app)  # told how many
        await press(pilot, "u")
        assert all(r.action is None for r in app.model.rows)


async def goto_flag(pilot, app: ReviewApp) -> None:
    while not cursor_row(app).is_flag:
        await press(pilot, "j")


@sync
async def test_flag_keys(session: Session) -> None:
    app = ReviewApp(session)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        fix = cursor_row(app)
        await press(pilot, "d")  # d on a fix decides nothing, and says why
        assert fix.action is None and cursor_row(app) is fix
        assert "d drops flagged sentences; this is a fix" in said(app)
        assert "drop" not in footer_actions(app)  # nor is it offered
        await goto_flag(pilot, app)
        flag = cursor_row(app)
        assert {"drop", "keep"} <= footer_actions(app)
        assert not app.screen.check_action("accept", ()) and not app.screen.check_action("reject", ())
        await press(pilot, "d")
        assert flag.action == "drop"
        await press(pilot, "k", "y")
        assert flag.action == "accept"  # y on a flag keeps it


@sync
async def test_edit_inline(session: Session) -> None:
    app = ReviewApp(session)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        row = cursor_row(app)
        await press(pilot, "e")
        area = app.screen.query_one("TextArea")
        area.text = "council[s] \x1b"
        await press(pilot, "ctrl+s")
        assert (row.action, row.text) == ("edit", "council[s] \x1b")
        assert stored(session)[0] == "edit"
        await press(pilot, "k", "e", "escape")
        assert row.action == "edit"  # Esc cancels


@sync
async def test_edit_flag_inline(session: Session) -> None:
    app = ReviewApp(session)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await goto_flag(pilot, app)
        flag = cursor_row(app)
        await press(pilot, "e")
        assert app.screen.query_one("TextArea").text == flag.original
        app.screen.query_one("TextArea").text = "Buy now."
        await press(pilot, "ctrl+s")
        assert (flag.action, flag.text) == ("edit", "Buy now.")


@sync
async def test_edit_in_external_editor(session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "ed.sh"
    script.write_text('#!/bin/sh\nprintf "from the editor" > "$1"\n')
    script.chmod(0o755)
    monkeypatch.setenv("VISUAL", str(script))
    app = ReviewApp(session)
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)  # headless tests have no terminal to hand over
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        row = cursor_row(app)
        await press(pilot, "E")
        assert (row.action, row.text) == ("edit", "from the editor")


@sync
async def test_filter(session: Session) -> None:
    app = ReviewApp(session)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await press(pilot, "f", *"flags", "enter")
        assert len(app.model.order) == 2 and cursor_row(app).is_flag
        await press(pilot, "f")
        app.screen.query_one("Input").value = "rule:residue file:wire"
        await press(pilot, "enter")
        assert [r.rule for r in map(app.model.row_at, range(len(app.model.order)))] == ["residue.ad-shortcode-line"]
        await press(pilot, "f")
        app.screen.query_one("Input").value = "status:nonsense"
        await press(pilot, "enter")
        assert "unknown status" in said(app)
        await press(pilot, "f")
        app.screen.query_one("Input").value = ""
        await press(pilot, "enter")
        assert len(app.model.order) == 14
        await press(pilot, "y", "f", *"decided", "enter")
        assert len(app.model.order) == 1


@sync
async def test_search(session: Session) -> None:
    app = ReviewApp(session)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await press(pilot, "slash", *"BUY", "enter")
        first = cursor_row(app)
        assert "BUY" in first.original
        await press(pilot, "slash", "enter")  # the last term again: the next match
        assert cursor_row(app) is not first and "BUY" in cursor_row(app).original
        await press(pilot, "slash", *"zzz", "enter")
        assert "Not found" in said(app)


@sync
async def test_write_from_the_app(session: Session, tmp_path: Path) -> None:
    app = ReviewApp(session, default_output=str(tmp_path / "out"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await press(pilot, "y", "w", "enter")
        assert "4 file(s) written" in said(app)
    written = (tmp_path / "out" / "harbour.txt").read_text("utf-8")
    assert "council’s" in written and "“We" not in written


@pytest.mark.parametrize("size", [(80, 24), SIZE])
@sync
async def test_help_lists_every_binding(session: Session, size: tuple[int, int]) -> None:
    app = ReviewApp(session, keymap=keymap_from_config({"accept": "ctrl+y"}))
    async with app.run_test(size=size, notifications=True) as pilot:
        await press(pilot, "question_mark")
        table = app.screen.query_one("#help-table")
        assert table.region.right <= size[0]
        lines = [strip.text for strip in table.render_lines(Region(0, 0, table.size.width, table.size.height))]
        for binding in BINDINGS:  # each on a line with its key(s) first and its id (for [review-keys]) last, never wrapped
            assert binding.id
            key = key_names("ctrl+y" if binding.id in ("review.accept", "review.keep") else binding.key).split()
            assert any(line.split()[: len(key)] == key and line.split()[-1] == binding.id.removeprefix("review.") for line in lines), (
                binding.id,
                lines,
            )
        await press(pilot, "escape")
        assert app.screen.__class__.__name__ == "ReviewScreen"


@sync
async def test_mouse_selects_a_change(session: Session) -> None:
    app = ReviewApp(session)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.click("ChangeList", offset=(5, 3))
        await pilot.pause()
        assert app.screen.query_one("ChangeList").cursor == 3


@sync
async def test_quit_saves_the_position_and_resume_returns_there(session: Session) -> None:
    app = ReviewApp(session)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await press(pilot, "j", "j", "j", "q")
    again = ReviewApp(Session(session.path))
    async with again.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert again.screen.query_one("ChangeList").cursor == 3


@sync
async def test_ctrl_c_quits_like_q(session: Session) -> None:
    """A terminal user's first reflex: Ctrl+C leaves (every decision is already saved), not a "press q" toast."""
    app = ReviewApp(session)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await press(pilot, "j", "ctrl+c")
        await pilot.pause()
        assert app.return_code == 0 and not app.is_running
    again = ReviewApp(Session(session.path))
    async with again.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert again.screen.query_one("ChangeList").cursor == 1


@sync
async def test_hostile_document_is_shown_literally(session: Session) -> None:
    app = ReviewApp(session)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await press(pilot, "slash", *"caféâ", "enter")
        assert "bold" in app.model.docs[cursor_row(app).doc].label
        await pilot.pause()
        doc = str(app.screen.query_one("#doctext").render())
        for token in ("50% off [/] now", "[@click=app.quit]x[/]", "⟨ESC⟩[2J", "a⟨CR⟩b", "⟨NUL⟩", "⟨RLO⟩", "⟨ZWSP⟩"):
            assert token in doc
        assert not any(ch in doc for ch in "\x1b\r\x00\u202e\u200b")
        heading = str(app.screen.query_one("#doc-heading").render())
        assert "[b]bold[/b]" in heading
        await press(pilot, "y", "j", "k")  # still alive
        assert app.is_running


@sync
async def test_keys_remapped_from_the_config(session: Session) -> None:
    keymap = keymap_from_config({"accept": "a", "review.reject": "x,enter"})
    app = ReviewApp(session, keymap=keymap)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await press(pilot, "y", "a", "x", "enter")  # y no longer accepts
        assert statuses(app)[:3] == ["accept", "reject", "reject"]


@pytest.mark.parametrize(
    ("keys", "message"),
    [({"acept": "a"}, "no binding 'acept'"), ({"accept": ""}, "must be a string of keys"), ({"accept": 1}, "must be a string of keys")],
)
def test_bad_review_keys_are_named(keys: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        keymap_from_config(keys)


#: (config file, its text, where the error must point)
KEY_PROBLEMS = [
    ("scrubber.toml", 'jobs = 1\n\n[review-keys]\nnext = "n"\nacept = "a"\n', "scrubber.toml:5: review-keys: no binding 'acept'"),
    ("scrubber.toml", '[review_keys]\naccept = "a,"\n', "scrubber.toml:2: review-keys: accept = 'a,' holds an empty key"),
    ("scrubber.toml", '[review-keys]\nreview.accept = "a,"\n', "scrubber.toml:1: 'review-keys' must map each action to a string"),
    ("scrubber.toml", '[review-keys]\n"review.accept" = "a,"\n', "scrubber.toml:2: review-keys: accept = 'a,' holds an empty key"),
    (
        "pyproject.toml",
        '[tool.scrubber]\njobs = 1\n[tool.scrubber.review-keys]\naccept = "j"\n',
        "pyproject.toml:4: review-keys: key 'j' is bound to both",
    ),
]


@pytest.mark.parametrize(("name", "text", "said"), KEY_PROBLEMS)
def test_review_keys_problems_say_their_line(tmp_path: Path, corpus: Path, name: str, text: str, said: str) -> None:
    """Found when the reviewer's bindings are known, after the config loaded: the line is looked up again."""
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["review", str(corpus), "--config", str(tmp_path / name)])
    assert result.exit_code == 2
    assert f"scrubber: error: {tmp_path / said}" in result.stderr


def test_review_keys_in_the_config_file_reach_the_command(tmp_path: Path, corpus: Path) -> None:
    (tmp_path / "scrubber.toml").write_text('[review-keys]\nacept = "a"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["review", str(corpus), "--config", str(tmp_path / "scrubber.toml")])
    assert result.exit_code == 2 and "no binding 'acept'" in result.stderr and "next-undecided" in result.stderr
