"""Candidate positions for garble's detectors, and a document's word runs, from the optional compiled kernel.

``garble.stray-punctuation`` and ``garble.word-order`` spent most of their
time in regex scans that stop at every comma, full stop, mark or word
boundary only to find the few places where their exact pattern can match.
``_mark_scan_kernel.c`` finds, in one pass over the text, a superset of
those places; the detectors then run their exact patterns at each one, so
their findings are the patterns' findings whichever scan ran
(docs/mark-scan-kernel.md). The same pass gives, exactly, where the hint
scans of other detectors match and every quote and bracket of
``garble.unbalanced-quotes`` (:class:`Candidates`): one pass where each
detector scanned the document for its own. The kernel decides
nothing and holds no word list of its own: :mod:`.garble` passes its
constants when it builds the :class:`MarkScan`.

Two more kernel functions work on a document's runs of word characters:
:data:`equal_neighbours` (the gate of ``garble.repeated-words``) and
:func:`run_filter` (the distinct letter runs less the common English words
no detector asks about); each has its Python reference here. A third,
:data:`common_hits`, counts the commonest English words the way the
language tests' ``str.count`` calls do, in one pass. :data:`run_form` makes a
document's run bytes and letters in one pass, :data:`paragraph_marks` weighs a
paragraph's quotes and brackets (garble's Python functions stay their
references). And :func:`sentence_splitter` gives :mod:`scrubber.text` its
sentence ends in C, :data:`beyond_ascii` a text's characters beyond ASCII.

Without the kernel (no C compiler when the package was installed, or
``SCRUBBER_PURE_PYTHON=1``) :func:`mark_scan` returns None and the detectors
run their pure Python scans, which stay the reference; the two functions
run their references.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from itertools import compress, count
from operator import eq
from typing import Any, NamedTuple

from .word_pairs import FORCED_PURE, kernel_implementation

try:
    from . import _mark_scan_kernel as _kernel
except ImportError:  # not built: no C compiler when the package was installed
    _kernel = None

#: a word-order rule for the kernel: (kind, first words, argument); kinds: "pair" (argument: the
#: second words), "next" (argument: the letters the next word starts with), "end" (the word before
#: ``.``/``!``/``?`` after a space or tab), "end-after-comma" (the same after ``, ``), "always"
OrderRule = tuple[str, Sequence[str], "Sequence[str] | str"]


class Candidates(NamedTuple):
    """What the kernel's one pass over a text finds, each list ascending."""

    #: a superset of where garble's ``_STRAY_SCANS`` match
    stray: list[int]
    #: a superset of where ``_WORD_ORDER_SCAN`` matches
    order: list[int]
    #: exactly where ``_TOKENIZED_HINTS[0]`` matches: a mark after a blank
    blank_mark: list[int]
    #: exactly where ``_SPACE_QUOTE_HINT`` matches: a mark, blanks, a double quote
    space_quote: list[int]
    #: exactly where ``_LOWER_HINT`` matches: a full stop after two lower-case letters, blanks, a lower-case letter
    lower_stop: list[int]
    #: exactly where ``_AFTER_QUOTE_HINT`` matches: a full stop, a closing quote, blanks, a lower-case letter
    quote_lower: list[int]
    #: exactly where garble's ``_marks`` finds a quote or a bracket (a doubled ``''`` or ``’’`` at its first character)
    marks: list[int]
    #: exactly where ``_TOKENIZED_HINTS[1]`` or ``[2]`` matches: an opening bracket before a blank
    bracket_blank: list[int]
    #: exactly where ``_TOKENIZED_HINTS[3]`` or ``[4]`` matches: the apostrophe of `` n't`` or `` n’t``
    nt: list[int]
    #: exactly where one of garble's ``_ELISION_HINTS`` matches: an apostrophe before three lower-case letters
    elision: list[int]
    #: exactly where a paragraph of :func:`scrubber.text.paragraph_spans` starts with a character ``str.islower`` takes
    lower_start: list[int]
    #: bit ``k`` set where list ``k`` above is not empty (so a detector whose hints are all empty is skipped in one test)
    present: int


_new_tuple = tuple.__new__


class MarkScan:
    """The kernel's scanner with a one-text cache: the detectors ask in turn about the same document."""

    def __init__(self, scanner: object) -> None:
        self._scanner = scanner
        self._last: tuple[str, Candidates] | None = None

    def candidates(self, text: str) -> Candidates:
        """The positions of :class:`Candidates` in ``text``, from one pass (the hint scans each stopped at every comma or full stop)."""
        last = self._last
        if last is not None and last[0] is text:
            return last[1]
        # (tuple.__new__ makes the named tuple in C: Candidates(*lists) ran its Python __new__ for every document)
        found = _new_tuple(Candidates, self._scanner.scan(text))  # type: ignore[attr-defined]
        self._last = (text, found)
        return found


def mark_scan(
    stray_after: Sequence[str],
    units: Sequence[str],
    comma_next: Sequence[str],
    stop_next: Sequence[str],
    order_rules: Sequence[OrderRule],
    colon_before: Sequence[str],
    colon_next: Sequence[str],
    comma_aux: Sequence[str],
    opening_det: Sequence[str],
) -> MarkScan | None:
    """The compiled scan built from these word lists, or None where the pure Python scans run (see :func:`scan_implementation`)."""
    if _kernel is None or FORCED_PURE:
        return None
    return MarkScan(
        _kernel.Scanner(
            stray_after=stray_after,
            units=units,
            comma_next=comma_next,
            stop_next=stop_next,
            order_rules=order_rules,
            colon_before=colon_before,
            colon_next=colon_next,
            comma_aux=comma_aux,
            opening_det=opening_det,
        )
    )


def scan_implementation() -> str:
    """Which candidate scan of stray-punctuation and word-order this process runs (for ``scrubber --version``)."""
    return kernel_implementation(_kernel)


# -- the runs of a document's words -----------------------------------------------------------


def equal_neighbours_python(runs: Sequence[str] | Sequence[bytes]) -> tuple[set, bool]:  # type: ignore[type-arg]
    """(the runs equal to the next one, whether some ``runs[j + 1] == runs[j + 3]`` with ``runs[j]`` ending with ``runs[j + 2]``).

    The reference of :func:`equal_neighbours`, for any list of runs: equal
    adjacent runs are what a repeated word needs, the second test what a
    repeated phrase (``the court, the court``) needs (see garble's
    ``_repeat_candidates``).
    """
    words = set(compress(runs, map(eq, runs, runs[1:])))
    phrase = any(runs[j].endswith(runs[j + 2]) for j in compress(count(), map(eq, runs[1:], runs[3:])))  # type: ignore[arg-type]
    return words, phrase


#: a run of ``bytes.split()``: what its whitespace does not hold
_BYTE_RUN = re.compile(rb"[^ \t\n\r\x0b\x0c]+")


def equal_neighbour_positions_python(data: bytes) -> tuple[list[int], list[int]]:
    """Where :func:`equal_neighbours_python`'s hits lie in ``data``, in order, for ``runs = data.split()``.

    (the offset of each ``runs[k]`` equal to ``runs[k + 1]``, the end of each
    ``runs[j]`` less ``len(runs[j + 2])`` for each ``j`` of the second test):
    where a repeated word, and a repeated phrase ``A B, A B`` (its first ``A``
    ends ``runs[j]``), can start in the text ``data`` was made from (garble's
    ``_repeat_candidates``). The reference of ``equal_neighbours(data, True)``.
    """
    found = [(m.start(), m.group()) for m in _BYTE_RUN.finditer(data)]
    runs = [run for _, run in found]
    words = [found[k][0] for k in compress(count(), map(eq, runs, runs[1:]))]
    phrases = [
        found[j][0] + len(runs[j]) - len(runs[j + 2])
        for j in compress(count(), map(eq, runs[1:], runs[3:]))
        if runs[j].endswith(runs[j + 2])
    ]
    return words, phrases


def _equal_neighbours_split(data: bytes, positions: bool = False) -> tuple[Any, ...]:
    if positions:
        return (*equal_neighbours_python(data.split()), *equal_neighbour_positions_python(data))
    return equal_neighbours_python(data.split())


_COMPILED = _kernel is not None and not FORCED_PURE
#: ``equal_neighbours(data) == equal_neighbours_python(data.split())``: in C (when
#: built) the runs are compared where they lie, without splitting the document;
#: ``equal_neighbours(data, True)`` adds :func:`equal_neighbour_positions_python`'s two lists
equal_neighbours: Callable[..., tuple[Any, ...]] = _kernel.equal_neighbours if _COMPILED else _equal_neighbours_split  # type: ignore[union-attr]


def run_filter(skip: Iterable[str]) -> Callable[[bytes], set[str]]:
    """``distinct(data) == set(data.decode("ascii").split()) - skip`` for ASCII ``data``.

    In C when built (:class:`_mark_scan_kernel.RunFilter`): the repeats and
    the skipped words of a document never become objects, where
    ``set(data.split())`` made one for every word (a million on perf-news,
    half of them repeats, most of the rest common English words the
    detectors then took out).
    """
    words = frozenset(skip)
    if _COMPILED:
        return _kernel.RunFilter(words).distinct  # type: ignore[union-attr,no-any-return]
    return lambda data: set(data.decode("ascii").split()) - words


# -- the quotes and brackets of a paragraph -----------------------------------------------------

#: ``paragraph_marks(text, start, end, offsets)``: garble's ``_paragraph_marks`` in C when built (None:
#: the Python loop runs, the reference), for the offsets of a paragraph's quotes and brackets
paragraph_marks: Callable[[str, int, int, list[int]], tuple[list[int], list[int], list[int]]] | None = (
    _kernel.paragraph_marks if _COMPILED else None  # type: ignore[union-attr]
)

#: ``document_marks(text, marks, paragraphs)``: garble's ``_weighed_paragraphs`` in C when built (None: the
#: Python loop runs, the reference), for the offsets of a document's quotes and brackets and its paragraphs
document_marks: Callable[[str, list[int], list[tuple[int, int]]], list[tuple[int, int, int, list[int], list[int], list[int]]]] | None = (
    _kernel.document_marks if _COMPILED else None  # type: ignore[union-attr]
)


#: ``run_form(text, replace, refuse, table, letters)``: a document's run bytes and its letters in one pass, when
#: built (None: garble makes them with :func:`~scrubber.wordruns.run_bytes` and ``bytes.translate``, the reference)
run_form: Callable[[str, dict[str, str], str, bytes, bytes], tuple[bytes, bytes] | None] | None = (
    _kernel.run_form if _COMPILED else None  # type: ignore[union-attr]
)


#: ``beyond_ascii(text)``: :func:`scrubber.text.beyond_ascii_python` in C when built (None: the Python one runs)
beyond_ascii: Callable[[str], str] | None = _kernel.beyond_ascii if _COMPILED else None  # type: ignore[union-attr]

#: ``paragraph_spans(text)``: :func:`scrubber.text.paragraph_spans_python` in C when built (None: the Python one runs)
paragraph_spans: Callable[[str], list[tuple[int, int]]] | None = _kernel.paragraph_spans if _COMPILED else None  # type: ignore[union-attr]


# -- the share of common words -----------------------------------------------------------------


def common_hits_python(
    text: str, words: tuple[str, ...], threshold: float | None = None, strict: bool = False, lower: str | None = None
) -> tuple[int, int]:
    """(spaces, hits) of ``padded = f" {text.lower()} ".replace("\n", " ")``: ``padded.count(" ")`` and the sum of ``padded.count(f" {w} ")``.

    The reference of :data:`common_hits`: ``str.count`` never counts two
    overlapping occurrences, so in ``" the the "`` the second "the", which
    shares the first's space, is not counted; the share of common words
    (:func:`~.language.common_ratio`) has always been measured that way.

    With a ``threshold``, ``hits`` is at most the least count whose share of
    the spaces is above it (or equal, when not ``strict``): counts only grow,
    so the words are counted, in the order given, only until the total
    reaches it (give the commonest first), and the share of what is returned
    reaches the threshold exactly when the full count's does.
    ``lower``: ``text.lower()``, when the caller has it (or a copy that
    differs from it only where no count sees, such as a final sigma's form).
    """
    padded = f" {text.lower() if lower is None else lower} ".replace("\n", " ")
    spaces = padded.count(" ")
    if threshold is None:
        return spaces, sum(padded.count(f" {w} ") for w in words)
    total = 0
    for word in words:
        if _share_reaches(total, spaces, threshold, strict):
            break
        total += padded.count(f" {word} ")
    return spaces, _least_reaching(total, spaces, threshold, strict) if _share_reaches(total, spaces, threshold, strict) else total


def _share_reaches(hits: int, spaces: int, threshold: float, strict: bool) -> bool:
    """``hits / spaces`` above ``threshold``, or equal to it when not ``strict``."""
    return hits / spaces > threshold or (not strict and hits / spaces == threshold)


def _least_reaching(total: int, spaces: int, threshold: float, strict: bool) -> int:
    """The least count up to ``total`` whose share of ``spaces`` reaches ``threshold`` (``total``'s does): where the kernel stops."""
    least = min(total, max(0, int(threshold * spaces) - 1))
    while not _share_reaches(least, spaces, threshold, strict):
        least += 1
    return least


#: ``common_hits(text, words[, threshold, strict]) == common_hits_python(text, words[, threshold, strict])`` for
#: distinct lower-case ASCII ``words`` (at most 32, of 1 to 15 letters): in C when built, one pass over ``text`` as
#: it is, where the reference lower-cases and pads a copy and scans it once per word (0.04 s of a pass of all rules
#: on perf-news, for the document-language test alone); with a threshold the blanks are counted first and the words
#: only until their share reaches it (about half of an English document's sample)
common_hits: Callable[..., tuple[int, int]] = _kernel.common_hits if _COMPILED else common_hits_python  # type: ignore[union-attr]
#: whether :data:`common_hits` is the compiled pass (the pure Python callers count with early exits instead)
COMMON_HITS_COMPILED = _COMPILED


# -- sentence ends -------------------------------------------------------------------------------


def sentence_splitter(abbreviations: Iterable[str], openers: Iterable[str], classes: bytes) -> object | None:
    """The compiled splitter of :func:`scrubber.text.sentence_spans`, or None where only the Python one runs.

    Its ``spans(text, p_start, p_end)`` is ``sentence_spans_python(text, p_start, p_end)`` or None
    where Python must split that paragraph (a character beyond ``classes``, a word beyond ASCII
    before a lone full stop), and its ``count`` is the length of ``spans`` without making them.
    ``classes[c]`` holds bit 1 when the regex module's ``[\\p{Lu}\\d]`` matches ``chr(c)``, bit 2
    when its ``\\s`` does: those are the regex module's tables, not CPython's, so they come from it.
    """
    if not _COMPILED:
        return None
    return _kernel.Splitter(abbreviations, openers, classes)  # type: ignore[union-attr]
