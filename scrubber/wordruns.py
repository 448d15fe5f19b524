"""Runs of word characters split in C: what ``re.findall`` gives, without stepping through every word.

Several garble detectors first ask a cheap question of the whole document:
"are two adjacent words equal?", "is any word a foreign candidate?". Asked
with ``re.findall(r"[\\w'’-]+", text)`` the regex engine steps through every
word (0.15 s on 6 MB of news). News text is ASCII apart from a few
typographic marks (curly quotes, dashes, the ellipsis), so after those are
replaced by what they stand for here (a space, or a stand-in for ``’``),
``bytes.translate`` and ``bytes.split`` give exactly the same runs in C.
Text with any other non-ASCII character takes the ``re`` path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from .kinds.mark_scan import run_filter

#: typographic marks that are never word characters (``\\w``, ``'``, ``’``, ``-``) and make news text non-ASCII
_SEPARATORS = "“”‘—–…«»•·\u00a0"
#: stands for ``’`` where it is a word character (a control character, so it never
#: is one itself; text that holds it takes the ``re`` path)
RUN_APOSTROPHE = "\x01"

_RUN = re.compile(r"[\w'’-]+")
_LETTERS = re.compile(r"[^\W\d_]+")
#: ASCII bytes: kept when they belong to a run, a space otherwise (no other byte occurs)
_RUN_BYTES = bytes(c if chr(c).isalnum() or chr(c) in "_'-" + RUN_APOSTROPHE else 32 for c in range(128)) + bytes(128)
_LETTER_BYTES = bytes(c if chr(c).isalpha() else 32 for c in range(128)) + bytes(128)
#: a text longer than this (characters) has its runs collected a stretch at a time
_CHUNK = 1 << 20
_NOT_LETTER = re.compile(r"[\W\d_]")
_NOT_RUN = re.compile(r"[^\w'’-]")


def _ascii_form(text: str, apostrophe: str) -> str | None:
    """``text`` with the separators as spaces and ``’`` as ``apostrophe``, if that is ASCII; else None."""
    if RUN_APOSTROPHE in text:
        return None
    if text.isascii():  # (a flag of the str: nothing to replace)
        return text
    for mark in _SEPARATORS:
        if mark in text:
            text = text.replace(mark, " ")
    if "’" in text:
        text = text.replace("’", apostrophe)
    return text if text.isascii() else None


def run_bytes(text: str) -> bytes | None:
    """``text`` as ASCII bytes, one per character, with every character outside the runs a space; None off the fast path.

    The runs of :func:`word_runs` are its blank-separated pieces, at the
    offsets they have in ``text`` (each character becomes one byte: ``’`` is
    ``\\x01``), so a caller can find where a run is without a regex.
    """
    fast = _ascii_form(text, RUN_APOSTROPHE)
    return None if fast is None else fast.encode("ascii").translate(_RUN_BYTES)


def word_runs(text: str) -> list[str] | list[bytes]:
    """The runs of ``[\\w'’-]`` in ``text``, in order: equal runs compare equal, and only that is promised.

    On the fast path they are ASCII ``bytes`` with ``’`` as ``\\x01``; a
    run ends with another or is equal to another exactly when the
    ``re.findall`` strings do.
    """
    fast = run_bytes(text)
    if fast is None:
        return _RUN.findall(text)
    return fast.split()


def word_run_stretches(text: str, overlap: int = 3) -> Iterator[list[str]]:
    """:func:`word_runs`'s ``re`` path a stretch at a time: lists of consecutive runs, each starting with the last ``overlap`` runs of the one before.

    Any ``overlap + 1`` consecutive runs of the text lie together in one
    stretch, which is all a test of neighbours (:func:`~scrubber.kinds.mark_scan.equal_neighbours_python`
    looks four runs ahead) needs; the list of every run of a huge line is
    never made (two million words of a 16 MB line: 150 MB).
    """
    if len(text) <= _CHUNK:
        yield _RUN.findall(text)
        return
    tail: list[str] = []
    pos = 0
    while pos < len(text):
        m = _NOT_RUN.search(text, pos + _CHUNK)
        end = m.start() if m else len(text)
        runs = tail + _RUN.findall(text, pos, end)
        yield runs
        tail = runs[-overlap:] if overlap else []
        pos = end


class RunSkip:
    """Words :func:`letter_runs` leaves out, with the compiled filter that drops them (:func:`~scrubber.kinds.mark_scan.run_filter`)."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(words)
        self.distinct = run_filter(self.words)


def letter_runs(text: str, skip: RunSkip | None = None, runs_form: bytes | None = None) -> set[str]:
    """The distinct runs of letters (``[^\\W\\d_]+``) in ``text``: ``set(re.findall(...))``, less ``skip.words``.

    A caller that would take many common words out of the set again passes
    them as ``skip``: they then never become objects (the compiled filter).
    ``runs_form``: :func:`run_bytes` of ``text``, when the caller has it: a
    letter is a run character and every other byte becomes a space either
    way, so its letters are the same bytes, without a second pass over the
    typographic marks.
    """
    if runs_form is not None:
        letters = runs_form.translate(_LETTER_BYTES)
    else:
        fast = _ascii_form(text, " ")
        if fast is None:
            runs = _distinct_letter_runs(text)
            return runs if skip is None else runs - skip.words
        letters = fast.encode("ascii").translate(_LETTER_BYTES)
    if skip is not None:
        return skip.distinct(letters)
    if len(letters) <= _CHUNK:
        return set(letters.decode("ascii").split())
    runs: set[str] = set()
    pos = 0
    while pos < len(letters):  # a stretch at a time: the list of every word of a huge line is never made
        end = letters.find(b" ", pos + _CHUNK)
        end = len(letters) if end < 0 else end
        runs.update(letters[pos:end].decode("ascii").split())
        pos = end
    return runs


def _distinct_letter_runs(text: str) -> set[str]:
    """``set(_LETTERS.findall(text))``, a stretch at a time (cut at a character that is no letter).

    One 16 MB line of damaged news made a list of its two million words
    before the set of its few hundred distinct ones (about 10 bytes held per
    byte of input, the largest part of ``check``'s peak on such a line).
    """
    if len(text) <= _CHUNK:
        return set(_LETTERS.findall(text))
    runs: set[str] = set()
    pos = 0
    while pos < len(text):
        m = _NOT_LETTER.search(text, pos + _CHUNK)
        end = m.start() if m else len(text)
        runs.update(_LETTERS.findall(text, pos, end))
        pos = end
    return runs
