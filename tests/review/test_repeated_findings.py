"""Decisions on repeated identical findings stay on their own copy when the document is edited.

Four identical mojibake lines have fingerprints told apart only by their
index among the repeats; deleting the first copy used to shift every later
decision onto its neighbour (a rejected fix applied, an accepted one not),
reported as "3 kept, 1 could not be matched". Where the copy that went
cannot be told (identical lines), differing decisions are reported unmatched
rather than guessed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from review_helpers import engine

from scrubber.io.sources import discover
from scrubber.model import Action
from scrubber.realign import LineMap, Placed, moved
from scrubber.session import Session

FILLER = [f"Filler sentence number {i} is here." for i in range(8)]
COPY = "The cafÃ© opened."


def document(copies: int, extra: list[str] | None = None) -> list[str]:
    return ["Intro line here.", *FILLER, *[COPY] * copies, *(extra or []), *FILLER[:4], "End line."]


def mojibake_decisions(session: Session) -> list[str | None]:
    return [r[12] for r in session.finding_rows() if r[2] == "unicode.mojibake"]


#: (decisions on the four copies, how the lines change, the decisions the remaining copies show, kept, lost)
CASES = {
    # which copy went cannot be told from the text: differing decisions are not guessed at
    "first-copy-deleted": (["reject", "accept", "reject", "accept"], lambda ls: ls[:9] + ls[10:], [None, None, None], 0, 4),
    "third-copy-deleted": (["reject", "accept", "reject", "accept"], lambda ls: ls[:11] + ls[12:], [None, None, None], 0, 4),
    "copy-deleted-all-alike": (["accept"] * 4, lambda ls: ls[:9] + ls[10:], ["accept"] * 3, 3, 1),
    "one-copy-decided": (["accept", None, None, None], lambda ls: ls[:9] + ls[10:], [None, None, None], 0, 1),
    "line-above-added": (["accept", "reject", "accept", "reject"], lambda ls: ["New top line.", *ls], ["accept", "reject", "accept", "reject"], 4, 0),
    "line-inserted-between": (
        ["accept", "reject", "accept", "reject"],
        lambda ls: [*ls[:11], "A new line between.", *ls[11:]],
        ["accept", "reject", "accept", "reject"],
        4,
        0,
    ),
    "copy-edited": (["reject", "accept", "reject", "accept"], lambda ls: [*ls[:10], "The cafÃ© opened late.", *ls[11:]], ["reject", None, "reject", "accept"], 3, 1),
}  # fmt: skip


@pytest.mark.parametrize(("decided", "edit", "shown", "kept", "lost"), CASES.values(), ids=CASES.keys())
def test_decisions_stay_on_their_copy(tmp_path: Path, decided, edit, shown, kept: int, lost: int) -> None:
    path = tmp_path / "dup.txt"
    lines = document(4)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    session = Session(tmp_path / "dup.scrubber-session")
    session.sync(engine(), discover([str(path)]), "text", lambda *a: None)
    rows = [r for r in session.finding_rows() if r[2] == "unicode.mojibake"]
    assert len(rows) == 4
    for row, action in zip(rows, decided):
        if action is not None:
            session.decide([row[0]], Action(action))
    path.write_text("\n".join(edit(lines)) + "\n", "utf-8")
    report = Session(session.path).sync(engine(), [], "text", lambda *a: None)
    again = Session(session.path)
    assert mojibake_decisions(again) == shown
    assert [(k, n) for _, k, n in report.changed] == [(kept, lost)]


LINE = "The cafÃ© opened its doors again after a long winter."
#: (old text, new text, the one new finding's start or None): where the old ``cafÃ©`` (at 14) goes
MOVES = [
    (f"One line.\n{LINE}\n", f"Top.\nOne line.\n{LINE}\n", 19),  # carried through unchanged lines
    (f"One line.\n{LINE}\n", f"One line.\n{LINE[:-1]}, she said.\n", 14),  # its line changed away from it: unique, so by fingerprint
    (f"One line.\n{LINE}\n", "One line.\n", None),  # gone
]


@pytest.mark.parametrize(("old", "new", "start"), MOVES)
def test_moved_follows_a_finding(old: str, new: str, start: int | None):
    found = [] if start is None else [Placed("fp-new", "unicode.mojibake", start, start + 7)]
    if start == 14:  # same rule, text and context: the engine gives it the same fingerprint
        found = [found[0]._replace(fingerprint="fp-old")]
    target = moved(old, [Placed("fp-old", "unicode.mojibake", 14, 21)], new, found)["fp-old"]
    assert target == (found[0].fingerprint if found else None)


@pytest.mark.parametrize(
    ("old", "new", "offsets"),
    [
        ("a\nb\nc\n", "a\nb\nc\n", {0: 0, 2: 2, 4: 4}),
        ("a\nb\nc\n", "x\na\nb\nc\n", {0: 2, 2: 4, 4: 6}),
        ("a\nb\nc\n", "a\nc\n", {0: 0, 2: None, 4: 2}),
        ("s\ns\ns\n", "s\ns\n", {0: 0, 2: 2, 4: None}),  # repeated lines: matched in order, never junk
    ],
)
def test_line_map_carries_offsets_through_unchanged_lines(old: str, new: str, offsets: dict[int, int | None]):
    lines = LineMap(old, new)
    assert {pos: lines.offset(pos) for pos in offsets} == offsets
