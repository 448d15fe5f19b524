"""Carry review decisions on repeated findings across an edit of their document.

A finding's fingerprint (:func:`scrubber.model.fingerprint`) is its rule,
its text and 16 characters on each side, plus its index among the findings
with the same rule, text and context. That survives edits elsewhere, but
not for repeats: four identical ``The cafÃ© opened.`` lines give four
fingerprints told apart only by the index, and deleting the first copy
shifts the index of every later one, so the decision made on copy 2 would
silently land on copy 3 (a rejected fix applied, an accepted one not).

Nor is a unique fingerprint safe: with the first copy deleted, the second
copy now has the first one's context, so it *is* the first one's
fingerprint. So when a document's text changed, decisions are matched by
place first: the old and new texts are aligned line by line
(:class:`difflib.SequenceMatcher`, no junk heuristic, since repeated lines
are exactly what must be told apart), an old finding's start is carried to
the new text through the lines that stayed, and the new finding of the
same rule and text found exactly there takes the decision. A finding on a
line that changed falls back to the fingerprint only where that cannot be
confused (see :func:`moved`); otherwise its decision is reported as "could
not be matched", never moved to a neighbour.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import NamedTuple

from .model import fingerprint_key


class Placed(NamedTuple):
    """A stored finding: its fingerprint, rule and span in its document, and the decision on it (None: none yet)."""

    fingerprint: str
    rule: str
    start: int
    end: int
    decision: tuple[str, str | None] | None = None


def _key(text: str, f: Placed) -> tuple[str, str, str, str]:
    return fingerprint_key(f.rule, text, f.start, f.end)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    pos = text.find("\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


def _runs(lines: list[str]) -> list[int]:
    """For each line, the index of the first line of its run of identical consecutive lines."""
    out: list[int] = []
    for k, line in enumerate(lines):
        out.append(out[k - 1] if k and lines[k - 1] == line else k)
    return out


class LineMap:
    """Offsets of an old text carried to a new one through the lines both share (None where the line changed).

    Where identical consecutive lines were added or removed (four copies
    became three), which copy went cannot be told: the alignment picks one.
    The lines of such a run are :meth:`uncertain`.
    """

    def __init__(self, old: str, new: str) -> None:
        self._old_starts = _line_starts(old)
        self._new_starts = _line_starts(new)
        old_lines = old.splitlines(keepends=True) or [""]
        new_lines = new.splitlines(keepends=True) or [""]
        self._runs = runs = _runs(old_lines)
        self._to_new: dict[int, int] = {}
        self._uncertain_runs: set[int] = set()
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
            if tag == "equal":
                self._to_new.update((i1 + k, j1 + k) for k in range(i2 - i1))
            elif i2 - i1 != j2 - j1:  # lines removed or added (an edit line for line is placed for sure)
                near = [k for k in (i1 - 1, *range(i1, i2), i2) if 0 <= k < len(old_lines)]
                changed = {*old_lines[i1:i2], *new_lines[j1:j2]}
                self._uncertain_runs.update(runs[k] for k in near if old_lines[k] in changed)

    def _line(self, pos: int) -> int:
        return bisect_right(self._old_starts, pos) - 1

    def offset(self, pos: int) -> int | None:
        line = self._line(pos)
        new_line = self._to_new.get(line)
        return None if new_line is None else self._new_starts[new_line] + pos - self._old_starts[line]

    def uncertain(self, pos: int) -> bool:
        """Whether the line of old offset ``pos`` is in a run of identical lines that grew or shrank."""
        return self._runs[self._line(pos)] in self._uncertain_runs


def moved(old_text: str, old: Sequence[Placed], new_text: str, new: Sequence[Placed]) -> dict[str, str | None]:
    """Old fingerprint -> the new fingerprint of the same change (None: it is no longer there), for every old finding.

    An old finding on a line that stayed is the new finding of the same rule
    and text at the carried offset, whatever its context now holds (a line
    above it changed) and however many copies there are. One on a line that
    changed keeps its plain fingerprint match only when its rule, text and
    context are unique in both texts and that new finding was not already
    taken by a finding on an unchanged line (a neighbouring copy that moved
    into its context); otherwise its decision could not be matched. Copies
    of one line decided differently are not carried where the alignment had
    to choose between them (see :func:`_differently_decided_copies`).
    """
    lines = LineMap(old_text, new_text)
    ambiguous = _differently_decided_copies(old_text, old, lines)
    new_at = {(f.rule, new_text[f.start : f.end], f.start): f.fingerprint for f in new}
    out: dict[str, str | None] = {}
    claimed: set[str] = set()
    elsewhere: list[Placed] = []
    for f in old:
        if f.fingerprint in ambiguous:
            out[f.fingerprint] = None
            continue
        start = lines.offset(f.start)
        if start is None:
            elsewhere.append(f)
            continue
        target = new_at.get((f.rule, old_text[f.start : f.end], start))
        out[f.fingerprint] = target
        if target is not None:
            claimed.add(target)
    if elsewhere:
        old_count = Counter(_key(old_text, f) for f in old)
        new_keys = [(_key(new_text, f), f.fingerprint) for f in new]
        new_count = Counter(key for key, _ in new_keys)
        unique_new = {key: fp for key, fp in new_keys if new_count[key] == 1}
        for f in elsewhere:
            key = _key(old_text, f)
            target = unique_new.get(key) if old_count[key] == 1 else None
            out[f.fingerprint] = None if target in claimed else target
    return out


def _differently_decided_copies(old_text: str, old: Sequence[Placed], lines: LineMap) -> set[str]:
    """Fingerprints of the findings on uncertain copies (see :class:`LineMap`) whose decisions differ.

    Four identical lines decided reject, accept, reject, accept that became
    three: which copy went cannot be told from the text, and a guess may put
    a rejection where an acceptance was. All of them are reported unmatched,
    and the copies come back undecided; copies all decided alike keep their
    (one) decision, which is then right whichever copy went.
    """
    groups: dict[tuple[str, str], list[Placed]] = {}
    for f in old:
        if lines.uncertain(f.start):
            groups.setdefault((f.rule, old_text[f.start : f.end]), []).append(f)
    return {f.fingerprint for members in groups.values() if len({f.decision for f in members}) > 1 for f in members}
