"""Where the unicode family's character scans can match, from the optional compiled kernel.

``unicode.mojibake`` (:data:`.unicode.SIGNATURE`), ``unicode.legacy-8bit``
(:data:`.legacy.TRIGGER`) and the ``chars`` rules (one class of first
characters) each read every document with a stdlib ``re`` scan, though most
documents hold no match: about 0.045 s of the family's 0.13 s on perf-news.
``_char_scan_kernel.c`` reads the text once per scan, looking each
character's classes up in a table, and returns the positions where a match
can start; the matchers then run their exact pattern at each one (:func:`matches`),
so what they find is the pattern's whichever scan ran. The patterns'
modules pass their own classes: a :data:`Rule` is "a character of class
``at``, after one of ``before`` and before one of ``after``" (``None``: no
condition), which is how each of these patterns starts (a character class
and a one-character look-behind or look-ahead).

Without the kernel (no C compiler when the package was installed, or
``SCRUBBER_PURE_PYTHON=1``) :func:`char_scan` returns None and the matchers
run their ``re`` scans, which stay the reference (docs/char-scan-kernel.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .word_pairs import FORCED_PURE, kernel_implementation

if TYPE_CHECKING:
    from .base import DocContext

try:
    from . import _char_scan_kernel as _kernel
except ImportError:  # not built: no C compiler when the package was installed
    _kernel = None

#: (before, at, after): a character of class ``at`` (a str of its members), after a character of
#: ``before`` and before one of ``after`` (None: anything, or nothing)
Rule = tuple["str | None", str, "str | None"]

#: the characters the kernel's table holds; above them every character counts as a candidate
TABLE_END = 0x10000


@lru_cache(maxsize=64)
def members(pattern: str) -> str:
    """The characters below :data:`TABLE_END` that the one-character ``re`` pattern ``pattern`` matches, in order (a few ms)."""
    return "".join(re.findall(pattern, "".join(map(chr, range(TABLE_END)))))


class CharScan:
    """A compiled scan: for each output (a list of rules), the ascending positions where one of its rules holds.

    The kernel's table is built on the first :meth:`scan` (listing a class
    such as "any letter" takes a few milliseconds), so importing a module
    that defines a scan costs nothing until a document needs it.
    """

    def __init__(self, outputs: Callable[[], Sequence[Sequence[Rule]]]) -> None:
        self._outputs = outputs
        self._scanner: object | None = None

    def scan(self, text: str) -> tuple[list[int], ...]:
        if self._scanner is None:
            self._scanner = _kernel.Scanner(self._outputs())  # type: ignore[union-attr]
        return self._scanner.scan(text)  # type: ignore[attr-defined, no-any-return]


def char_scan(outputs: Callable[[], Sequence[Sequence[Rule]]]) -> CharScan | None:
    """The compiled scan of the rules ``outputs()`` gives, or None where the ``re`` scans run (see :func:`scan_implementation`)."""
    if _kernel is None or FORCED_PURE:
        return None
    return CharScan(outputs)


def _family_outputs() -> list[list[Rule]]:
    """The rules of the unicode family's three scans (imported on first use: those modules import this one)."""
    from .chars import SHARED_FIRST
    from .legacy import trigger_rules
    from .unicode import _SIGNATURE_RULES

    return [_SIGNATURE_RULES, trigger_rules(), [(None, members(SHARED_FIRST), None)]]


#: the three scans as one compiled scan (None: the ``re`` scans run)
_FAMILY_SCAN = char_scan(_family_outputs)
#: where a document's :func:`family_candidates` are kept (its :class:`~.base.DocContext` memo)
_FAMILY_KEY = "char_scan.family"
#: the outputs of :func:`family_candidates`
SIGNATURE_OUTPUT, TRIGGER_OUTPUT, CHARS_OUTPUT = 0, 1, 2


def family_candidates(ctx: DocContext) -> tuple[list[int], list[int], list[int]] | None:
    """Where :data:`.unicode.SIGNATURE`, :data:`.legacy.TRIGGER` and the ``chars`` rules' shared class (:data:`.chars.SHARED_FIRST`) can match in the document, from one pass; None without the kernel.

    Each scan read the whole document on its own: three passes over every
    document with a character outside ASCII (0.022 s a pass over perf-news,
    0.011 s in one). Computed once per document, whichever matcher asks
    first; a matcher whose rules are not selected just does not read its
    output (the others cost the table lookup they share, and the few
    candidates they find).
    """
    if _FAMILY_SCAN is None:
        return None
    scan = _FAMILY_SCAN.scan
    return ctx.memo(_FAMILY_KEY, lambda: scan(ctx.text))  # type: ignore[no-any-return]


def matches(pattern: re.Pattern[str], text: str, candidates: Sequence[int]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern that matches no empty string and only at ``candidates`` (a superset).

    The match at each candidate after the end of the last match, as
    ``finditer`` finds them: it tries each position from there on, and can
    only succeed at a candidate.
    """
    end = 0
    match = pattern.match
    for p in candidates:
        if p < end:
            continue
        m = match(text, p)
        if m is not None:
            end = m.end()
            yield m


#: how many rules a :func:`keyword_set` can tell apart (the bits of the kernel's masks)
MAX_OWNERS = 64


def keyword_set(owners: Mapping[str, Iterable[int]], plain: str = "") -> Any | None:
    """The kernel's ``KeywordSet``, whose ``owners(line)`` is the union of ``owners[k]`` over the keywords ``k`` that occur in ``line``, as bits, in C; None without the kernel.

    Its ``owners_plain(line)`` is ``owners(line.casefold())`` where every
    character of ``line`` is ASCII or one of ``plain`` (characters beyond
    ASCII that case folding keeps), and -1 where one is not: most lines are
    read without a case-folded copy.

    The residue line rules' keyword gate (:class:`.lines.KeywordIndex`): its
    trie regex tries every letter of a line against the keywords' first
    characters one by one (a third of a line's gate test on perf-news);
    here each position looks up the few keywords starting with its
    character. Bit ``p`` stands for owner ``p``: the line gate works in
    bit masks, and a set made of the mask was turned back into one for
    every line. None too when an owner is not below :data:`MAX_OWNERS`.
    """
    if _kernel is None or FORCED_PURE or not owners:
        return None
    masks = {k: sum(1 << p for p in set(rules)) for k, rules in owners.items()}
    if any(p < 0 or p >= MAX_OWNERS for rules in owners.values() for p in rules):
        return None
    if any(c.isascii() or c.casefold() != c for c in plain):
        raise ValueError(f"plain characters must be beyond ASCII and kept by case folding, not {plain!r}")
    return _kernel.KeywordSet(list(masks.items()), plain)


def scan_implementation() -> str:
    """Which character scans of the unicode family this process runs (for bug reports)."""
    return kernel_implementation(_kernel)
