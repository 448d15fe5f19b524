"""Checks on the reviewer's key map (``[tool.scrubber.review-keys]``) that the app's parser leaves out.

Textual lets a remapped key shadow the binding that had it (``accept =
"j"`` leaves ``j`` meaning both "accept" and "next", and the help lists
``j`` twice), so a key bound to two actions is refused before the app
starts, naming both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from textual.keys import key_to_character


class KeymapError(ValueError):
    """A problem with ``review-keys``; ``names`` are the setting's possible spellings, to find its line."""

    def __init__(self, message: str, binding_id: str | None = None) -> None:
        super().__init__(message)
        short = (binding_id or "").removeprefix("review.")
        self.names = {short, f"review.{short}"} if short else set()


class _Binding(Protocol):
    key: str
    action: str
    id: str | None


def _canonical(key: str) -> str:
    """One spelling per key, so ``?`` and ``question_mark`` (one key to Textual) compare as one.

    A key that types a character is compared as that character (Textual's
    public ``key_to_character``: ``question_mark`` -> ``?``, ``space`` -> `` ``);
    any other key (``enter``, ``ctrl+c``) as written.
    """
    return key_to_character(key) or key


def check_keymap(keymap: Mapping[str, str], bindings: Iterable[_Binding], twins: Mapping[str, str]) -> None:
    """Raise :class:`KeymapError` for a key bound to two actions once ``keymap`` applies, or an empty key.

    ``twins`` are pairs of bindings that share a key on purpose (``y``
    accepts a fix and keeps a flag). Bindings of the same action may share
    a key (``q`` and ``ctrl+c`` both quit).
    """
    group = {flag: fix for fix, flag in twins.items()}  # a twin counts as the binding it pairs with
    owners: dict[str, dict[str, _Binding]] = {}  # key -> {group id: binding}
    spelled: dict[str, str] = {}  # key -> as the config wrote it
    for binding in bindings:
        if not binding.id:
            continue
        keys = keymap.get(binding.id, binding.key)
        for key in keys.split(","):
            if not key.strip():
                raise KeymapError(
                    f'review-keys: {_name(binding)} = {keys!r} holds an empty key (write keys as "a" or "a,enter")', binding.id
                )
            canonical = _canonical(key.strip())
            if binding.id in keymap:
                spelled.setdefault(canonical, key.strip())
            owners.setdefault(canonical, {}).setdefault(group.get(binding.id, binding.id), binding)
    for key, found in owners.items():
        if len({b.action for b in found.values()}) < 2:
            continue
        first, second = sorted(found.values(), key=lambda b: b.id not in keymap)[:2]  # the remapped one first
        shown = spelled.get(key, key)
        if second.id in keymap:  # both set in the config: neither is "the other one" to move
            raise KeymapError(
                f"review-keys: {_name(first)} and {_name(second)} are both set to key {shown!r}, "
                "and a key can do only one of them; set one of the two to another key",
                first.id,
            )
        raise KeymapError(
            f"review-keys: key {shown!r} is bound to both {_name(first)} and {_name(second)}; "
            f'give {_name(second)} another key too (e.g. {_name(second)} = "…") or choose a free key',
            first.id if first.id in keymap else None,
        )


def _name(binding: _Binding) -> str:
    return (binding.id or binding.action).removeprefix("review.")
