"""A one-character pattern tried, at a position, with only the branches that can take the character there.

``garble.stray-punctuation``'s pattern is an alternation of 32 branches,
each zero-width look-arounds around one character class (the mark it
flags). Tried at a candidate position it walks every branch's
look-behinds, although a branch whose class cannot take the character at
that position cannot match there: a ``:`` can match 13 branches, a ``-``
four. :class:`ByMark` splits the pattern into its top-level branches,
finds each one's character class (what is left once the look-arounds are
taken out), and keeps per character the branches that can take it, **in
their order**. At a position it runs that smaller alternation: the first
branch of the whole pattern that matches there is a branch that can take
the character, and it is also the first of those to match, so the match
(its span and its named groups) is the whole pattern's. A named group that
the smaller alternation lacks is added as a branch that never matches, so
``group(name)`` is ``None`` as with the whole pattern.

Any branch that is not look-arounds around one class, one escaped or one
literal character makes :class:`ByMark` refuse the pattern (``ValueError``).
"""

from __future__ import annotations

import re
from typing import Any

import regex

_LOOKAROUND = ("(?<=", "(?<!", "(?=", "(?!")
#: one character: a class, an escape of one character (``\.``, ``\p{L}``), or a literal
_ONE_CHARACTER = re.compile(r"\[(?:\\.|[^\]\\])+\]|\\(?:[pP]\{\w+\}|[dDwWsS]|[^\w\s])|[^\\()\[\]|?*+{}.^$]")
_NAMED = re.compile(r"\(\?P<(\w+)>")


def _skip_class(src: str, i: int) -> int:
    """Index after the character class opening at ``src[i]`` (``[``)."""
    i += 1
    if i < len(src) and src[i] == "^":
        i += 1
    if i < len(src) and src[i] == "]":
        i += 1
    while i < len(src) and src[i] != "]":
        i += 2 if src[i] == "\\" else 1
    if i >= len(src):
        raise ValueError("unclosed character class")
    return i + 1


def _tokens(src: str, verbose: bool) -> list[tuple[int, int, str]]:
    """``(start, end, kind)`` of each element of ``src``: ``(`` and ``)``, ``|``, or ``atom`` (comments and verbose blanks left out)."""
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(src):
        ch = src[i]
        if ch == "\\":
            end = i + 2
            if src.startswith(("p{", "P{"), i + 1):
                end = src.index("}", i) + 1
            out.append((i, end, "atom"))
            i = end
        elif ch == "[":
            end = _skip_class(src, i)
            out.append((i, end, "atom"))
            i = end
        elif verbose and ch == "#":
            nl = src.find("\n", i)
            i = len(src) if nl < 0 else nl + 1
        elif verbose and ch.isspace():
            i += 1
        elif ch in "()|":
            out.append((i, i + 1, ch))
            i += 1
        else:
            out.append((i, i + 1, "atom"))
            i += 1
    return out


def branches(src: str, verbose: bool) -> list[str]:
    """The top-level branches of ``src``, as source text (``"|".join`` of them is ``src``)."""
    parts: list[str] = []
    depth = 0
    start = 0
    for a, _b, kind in _tokens(src, verbose):
        if kind == "(":
            depth += 1
        elif kind == ")":
            depth -= 1
        elif kind == "|" and depth == 0:
            parts.append(src[start:a])
            start = a + 1
    parts.append(src[start:])
    return parts


def consumed(branch: str, verbose: bool) -> str:
    """The one-character atom of ``branch`` (its look-arounds and a wrapping named group taken out); ``ValueError`` if there is not exactly one."""
    tokens = _tokens(branch, verbose)
    kept: list[str] = []
    k = 0
    while k < len(tokens):
        a, b, kind = tokens[k]
        if kind == "(" and branch.startswith(_LOOKAROUND, a):
            depth = 0
            while True:  # skip the whole look-around
                kind = tokens[k][2]
                depth += kind == "("
                depth -= kind == ")"
                k += 1
                if depth == 0:
                    break
            continue
        kept.append(branch[a:b])
        k += 1
    atom = "".join(kept)
    named = _NAMED.match(atom)
    if named and atom.endswith(")"):
        return consumed(atom[named.end() : -1], verbose)
    if not _ONE_CHARACTER.fullmatch(atom):
        raise ValueError(f"not look-arounds around one character: {branch!r}")
    return atom


class ByMark:
    """``pattern.match(text, pos)`` for a one-character ``pattern``, by the branches that can take ``text[pos]``."""

    def __init__(self, pattern: regex.Pattern[str]) -> None:
        if pattern.flags & regex.VERSION1:
            raise ValueError("VERSION1 patterns may nest character classes, which this reading does not follow")
        self.pattern = pattern
        verbose = bool(pattern.flags & regex.VERBOSE)
        self._branches = branches(pattern.pattern, verbose)
        self._atoms = [regex.compile(consumed(b, verbose), pattern.flags) for b in self._branches]
        self._names = list(pattern.groupindex)
        self._by_char: dict[str, regex.Pattern[str] | None] = {}

    def for_char(self, ch: str) -> regex.Pattern[str] | None:
        """The alternation of the branches that can take ``ch``, in order (None when none can); compiled once per character."""
        try:
            return self._by_char[ch]
        except KeyError:
            pass
        kept = [b for b, atom in zip(self._branches, self._atoms) if atom.fullmatch(ch)]
        found = None
        if kept:
            names = set().union(*(_NAMED.findall(b) for b in kept))
            kept += [f"(?P<{n}>(?!))" for n in self._names if n not in names]
            sep = "\n|" if self.pattern.flags & regex.VERBOSE else "|"  # a branch may end in a comment
            found = regex.compile(sep.join(kept), self.pattern.flags)
        self._by_char[ch] = found
        return found

    def match(self, text: str, pos: int, **kwargs: Any) -> Any:
        """What ``pattern.match(text, pos, **kwargs)`` gives (``kwargs``: ``timeout``)."""
        if pos >= len(text):
            return self.pattern.match(text, pos, **kwargs)
        sub = self.for_char(text[pos])
        return None if sub is None else sub.match(text, pos, **kwargs)
