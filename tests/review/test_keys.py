"""The reviewer's key map: two spellings of one key are one key."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from scrubber.review.keys import KeymapError, check_keymap


@dataclass
class Binding:
    key: str
    action: str
    id: str


BINDINGS = [
    Binding("question_mark", "help", "review.help"),
    Binding("space", "page", "review.page"),
    Binding("enter", "open", "review.open"),
]

#: (remapped binding, its new key, the action it now clashes with or None)
CASES = [
    ("review.open", "?", "help"),  # '?' is question_mark
    ("review.open", "question_mark", "help"),
    ("review.help", "enter", "open"),
    ("review.open", "ctrl+c", None),  # a modifier key types no character
    ("review.open", "x", None),
]


@pytest.mark.parametrize(("binding_id", "key", "clash"), CASES)
def test_a_key_spelled_two_ways_is_one_key(binding_id: str, key: str, clash: str | None) -> None:
    if clash is None:
        check_keymap({binding_id: key}, BINDINGS, {})
        return
    with pytest.raises(KeymapError, match="bound to both") as raised:
        check_keymap({binding_id: key}, BINDINGS, {})
    assert clash in str(raised.value)
