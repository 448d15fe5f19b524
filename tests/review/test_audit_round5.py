"""What an audit of `scrubber review` at 80x24 and 100x30 found, each pinned by a Pilot test.

Edited rows, a footer that fits, help that reads at 80 columns, answers on
the message line rather than over the change, readable garble plans, `d`
on a fix, search in the document text, Home/End/page keys, and the resume
message after an input changed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from review_helpers import engine, open_session, said, sync
from rich.text import Text
from textual.geometry import Region

from scrubber.review.app import ReviewApp
from scrubber.review.model import ReviewModel, Row
from scrubber.review.render import detail_text, row_line
from scrubber.session import Session


async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await pilot.pause()


def list_line(app: ReviewApp, pos: int) -> str:
    changes = app.screen.query_one("ChangeList")
    return changes.render_line(pos - round(changes.scroll_offset.y)).text


# -- 1. an edit shows in its row -----------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("flag", [False, True])
@sync
async def test_an_edit_shows_in_its_list_row(session: Session, size: tuple[int, int], flag: bool) -> None:
    app = ReviewApp(session)
    async with app.run_test(size=size, notifications=True) as pilot:
        while app.screen.row.is_flag != flag:
            await press(pilot, "j")
        pos = app.screen.query_one("ChangeList").cursor
        await press(pilot, "e")
        app.screen.query_one("TextArea").text = "Zq"
        await press(pilot, "ctrl+s")
        line = list_line(app, pos)
        assert "✎" in line and "{+Zq+}" in line, line


def test_a_long_change_keeps_its_difference_in_view() -> None:
    """A mojibake fix in a narrow list shows where the old and new text differ, not two equal prefixes."""
    row = Row((1, 0, "unicode.mojibake", 0, 19, "administration’s", "administrationâ€™s", "m", 1.0, 1, "fp", "", None, None), 0)
    model = type("M", (), {"docs": [type("D", (), {"label": "a.txt"})()]})()
    line = row_line(model, row, 40, False).plain  # type: ignore[arg-type]
    assert "â€™" in line and "’" in line.split("{+")[1], line


# -- 2. the footer fits ------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [60, 80, 99, 100, 120])
@pytest.mark.parametrize("flag", [False, True])
@sync
async def test_the_footer_never_cuts_a_key(session: Session, width: int, flag: bool) -> None:
    app = ReviewApp(session)
    async with app.run_test(size=(width, 24), notifications=True) as pilot:
        while app.screen.row.is_flag != flag:
            await press(pilot, "j")
        await press(pilot, "y", "k")  # something to undo: the longest footer
        await pilot.pause()
        keys = list(app.screen.query("FooterKey"))
        shown = {k.action for k in keys}
        assert {"help", "quit"} <= shown
        for key in keys:  # whole keys only: every one ends inside the screen and shows its whole label
            assert key.region.right <= width, (key.key, key.region)
            assert key.region.width >= len(key.key_display) + 1 + len(key.description), key.description
        if width >= 100:
            assert {"write", "search", "filter", "undo"} <= shown


@sync
async def test_the_footer_refits_when_the_terminal_is_resized(session: Session) -> None:
    app = ReviewApp(session)
    async with app.run_test(size=(120, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert "write" in {k.action for k in app.screen.query("FooterKey")}
        await pilot.resize_terminal(70, 24)
        await pilot.pause()
        await pilot.pause()
        keys = list(app.screen.query("FooterKey"))
        assert all(k.region.right <= 70 for k in keys) and {"help", "quit"} <= {k.action for k in keys}


# -- 3. help at 80x24 ---------------------------------------------------------------------------------


@sync
async def test_help_scrolls_at_80x24_and_ends_with_help_and_quit(session: Session) -> None:
    app = ReviewApp(session)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await press(pilot, "question_mark")
        dialog = app.screen.query_one("#dialog")
        assert dialog.region.right <= 80 and dialog.region.bottom <= 24
        assert dialog.max_scroll_y > 0
        await press(pilot, "end")
        table = app.screen.query_one("#help-table")
        lines = [s.text.split() for s in table.render_lines(Region(0, 0, table.size.width, table.size.height))]
        assert [line[0] for line in lines if line][-3:] == ["?", "q", "ctrl+c"]
        assert dialog.scroll_y == dialog.max_scroll_y


# -- 4. answers on the message line, toasts away from from/to ------------------------------------------


@sync
async def test_routine_answers_go_to_the_message_line_not_a_toast(session: Session) -> None:
    app = ReviewApp(session)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await press(pilot, "y", "u")
        assert "Undone: 1 decision(s)." in said(app)
        await press(pilot, "A")
        assert "pending change(s) of unicode.mojibake" in said(app)
        await press(pilot, "j")
        assert said(app) == ""  # an answer lasts until the next move
        assert not list(app._notifications)


@sync
async def test_toasts_never_cover_the_detail_pane(session: Session) -> None:
    messages = ["harbour.txt changed since the last review: findings recomputed, 5 decision(s) kept, 1 no longer apply"]
    app = ReviewApp(session, messages=messages)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        toasts = list(app.screen.query("Toast"))
        assert toasts
        detail = app.screen.query_one("#detail").region
        for toast in toasts:
            assert not toast.region.overlaps(detail), (toast.region, detail)


# -- 5. a garble plan in words --------------------------------------------------------------------------


def flag_row(detail: str, message: str, original: str = "The talks . ended [/] soon \x1b[2J.") -> Row:
    return Row((1, 0, "garble.orphan-punctuation", 10, 10 + len(original), None, original, message, 0.9, 0, "fp", detail, None, None), 0)


@pytest.mark.parametrize(
    ("detail", "message", "shown", "hidden"),
    [
        (  # two reasons: listed one a line, the other detector named, the spot cut from the sentence
            json.dumps(
                [
                    {"rule": "garble.orphan-punctuation", "start": 19, "end": 21, "reason": "a full stop alone"},
                    {"rule": "garble.lowercase-start", "start": 22, "end": 27, "reason": "goes on in [b]lower[/b] case"},
                ]
            ),
            "a full stop alone; goes on in [b]lower[/b] case",
            ["why  \n  • a full stop alone at ⟦ .⟧\n  • lowercase-start: goes on in [b]lower[/b] case at ⟦ended⟧"],
            ['"reason"', "{", "plan"],
        ),
        (  # one reason that is the message: said once
            json.dumps([{"rule": "garble.orphan-punctuation", "start": 19, "end": 21, "reason": "a full stop alone"}]),
            "a full stop alone",
            ["why  a full stop alone\n"],
            ["•", '"reason"', "spots"],
        ),
        (  # any other JSON object: key: value lines, a list as bullets, hostile text made visible
            json.dumps({"plan": "decode \x1b[31m", "steps": ["one", "two [/]"]}),
            "m",
            ["plan\n  plan: decode ⟨ESC⟩[31m\n  steps: \n    • one\n    • two [/]"],
            ['"steps"', "\x1b"],
        ),
        ("ftfy plan: encode latin-1, decode utf-8", "m", ["plan ftfy plan: encode latin-1, decode utf-8"], []),
    ],
)
def test_a_rules_plan_is_shown_in_words(detail: str, message: str, shown: list[str], hidden: list[str]) -> None:
    model = type("M", (), {"rule_info": {}})()
    text = detail_text(model, flag_row(detail, message))  # type: ignore[arg-type]
    assert isinstance(text, Text)
    plain = text.plain
    for part in shown:
        assert part in plain, plain
    for part in hidden:
        assert part not in plain, plain
    assert "⟨ESC⟩[2J" in plain and "\x1b" not in plain  # the flagged sentence itself, through visible()


def test_the_change_comes_before_its_plan() -> None:
    """On a short pane the from/to lines must be on screen: they come right after the confidence line."""
    row = Row((1, 0, "unicode.mojibake", 0, 5, "café", "cafÃ©", "m", 0.9, 1, "fp", "ftfy plan: x", None, None), 0)
    plain = detail_text(type("M", (), {"rule_info": {}})(), row).plain  # type: ignore[arg-type]
    assert plain.index("from ") < plain.index("to   ") < plain.index("plan ")


# -- 6. d on a fix: covered in test_app.test_flag_keys ------------------------------------------------------

# -- 7. search in the document text ---------------------------------------------------------------------------


@sync
async def test_search_finds_the_document_text_near_a_change(session: Session) -> None:
    app = ReviewApp(session)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await press(pilot, "slash", *"Transport committee", "enter")  # only in harbour.txt's body, just after 'councilâ€™s'
        row = app.screen.row
        assert row.original == "councilâ€™s"
        assert "in the document text" in said(app)
        doc = app.screen.query_one("#doctext").render()
        at = doc.plain.index("transport committee")
        assert any((span.start, span.end) == (at, at + 19) for span in doc.spans)  # marked where it was found
        await press(pilot, "j")
        assert app.screen.highlight is None  # the mark goes with the next move


@pytest.mark.parametrize(
    ("term", "pos", "expected"),
    [
        ("Fares stay", 0, ("[ad_2]", True)),  # nearer the inline [ad_2] than the source link below it
        ("island", 0, ("[ad_1]\n", True)),  # the line just after the [ad_1] line: nearest is the shortcode above
        ("BUY", 0, ("BUY NOW!!! Limited offer!!!", False)),  # in a change: found as before
        ("nowhere at all", 0, None),
    ],
)
def test_search_model(session: Session, term: str, pos: int, expected: tuple[str, bool] | None) -> None:
    model = ReviewModel(session)
    found = model.search(term, pos)
    if expected is None:
        assert found is None
        return
    p, in_text = found
    assert (model.row_at(p).original, in_text) == expected


# -- 8. Home, End and the page keys move the selection ------------------------------------------------------


@pytest.fixture
def many(tmp_path: Path) -> Session:
    """60 one-line documents, each with one change: more rows than an 80x24 screen shows."""
    lines = [json.dumps({"text": f"Item {n}: the cafÃ© opened."}) for n in range(60)]
    (tmp_path / "many.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    s = open_session(tmp_path / "many.scrubber-session", [tmp_path / "many.jsonl"])
    yield s
    s.close()


@sync
async def test_home_end_and_page_keys_move_the_selection(many: Session) -> None:
    app = ReviewApp(many)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        changes = app.screen.query_one("ChangeList")

        def in_view() -> bool:
            top = round(changes.scroll_offset.y)
            return top <= changes.cursor < top + changes.scrollable_content_region.height

        await press(pilot, "end")
        assert changes.cursor == 59 and in_view() and app.screen.row is app.model.row_at(59)
        await press(pilot, "home")
        assert changes.cursor == 0 and in_view()
        await press(pilot, "pagedown")
        assert changes.cursor == changes.page and in_view()
        await press(pilot, "pageup")
        assert changes.cursor == 0
        for _ in range(30):  # the arrows move the selection too, also once the list scrolls
            await pilot.press("down")
        await pilot.pause()
        assert changes.cursor == 30 and in_view()


# -- 9. the resume message -----------------------------------------------------------------------------------


@sync
async def test_resuming_says_how_many_decisions_were_kept_and_lost(tmp_path: Path, corpus: Path, session: Session) -> None:
    model = ReviewModel(session)
    model.decide(list(range(4)), __import__("scrubber.model", fromlist=["Action"]).Action.ACCEPT)  # harbour.txt's first four
    harbour = corpus / "harbour.txt"
    text = harbour.read_text("utf-8")
    # a line inserted above keeps every decision under it; an edit just before a change loses that one
    edited = text.replace("The harbour council", "An inserted line.\nThe harbour council", 1).replace(
        "the chair said.", "the chair told us."
    )
    harbour.write_text(edited, "utf-8")
    again = Session(session.path)
    again.sync(engine(), [], "text", lambda *a: None)
    app = ReviewApp(again)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        assert "3 decision(s) kept, 1 could not be matched" in said(app)
    fresh = ReviewApp(Session(tmp_path / "new.scrubber-session"))
    async with fresh.run_test(size=(80, 24), notifications=True) as pilot:
        assert "every decision is saved" in said(fresh)
