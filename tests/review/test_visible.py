"""Hostile text is shown literally and never reaches the terminal raw."""

from __future__ import annotations

import pytest

from scrubber.review.visible import visible

CASES = [
    ("50% off [/] now", "50% off [/] now"),
    ("[@click=app.quit]x[/]", "[@click=app.quit]x[/]"),
    ("\x1b[2J", "⟨ESC⟩[2J"),
    ("a\rb", "a⟨CR⟩b"),
    ("nul\x00", "nul⟨NUL⟩"),
    ("\u202eevil", "⟨RLO⟩evil"),
    ("zero\u200bwidth", "zero⟨ZWSP⟩width"),
    ("soft\xadhyphen", "soft⟨SHY⟩hyphen"),
    ("a\u00a0b", "a⟨NBSP⟩b"),
    ("tag\U000e0041", "tag⟨U+E0041⟩"),
    ("lone \ud800", "lone ⟨U+D800⟩"),
    ("line\u2028sep", "line⟨LSEP⟩sep"),
    ("one\ntwo", "one⟨LF⟩two"),
    ("café — “ok”", "café — “ok”"),
]


@pytest.mark.parametrize(("raw", "shown"), CASES)
def test_visible_shows_every_character(raw: str, shown: str) -> None:
    assert visible(raw).plain == shown


@pytest.mark.parametrize("raw", [c[0] for c in CASES])
def test_nothing_harmful_survives(raw: str) -> None:
    plain = visible(raw).plain
    assert all(ch == "\n" or (ord(ch) >= 0x20 and not 0x7F <= ord(ch) < 0xA0) for ch in plain)
    assert not any(ch in plain for ch in "\u202e\u200b\u2028\ud800")


def test_multiline_keeps_line_breaks_only() -> None:
    assert visible("a\nb\rc", multiline=True).plain == "a\nb⟨CR⟩c"
