"""``pattern`` kind: a regex anywhere in the text, fixed, stripped or flagged.

Used for inline damage that is not a whole line: ``[ad_2]`` glued to a
sentence, an HTML entity, a run of odd spaces.

A rule may declare a cheap necessary condition (:class:`Requires`):
``requires`` (strings, any case) and/or ``requires_pattern`` (a regex). A
text holding none of them is not searched with the rule's own regex at all,
which is most texts for a rule about a rare credit line. The condition must
hold wherever the rule matches; the rule's examples are held to it when the
pack loads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

import regex

from ..model import Finding
from .base import REGEX_TIMEOUT, DocContext, Kind, Matcher, PackError, RuleSpec, RuleTimeout, compile_regex, finditer, fix_finding, register
from .by_mark import _tokens, branches

#: Characters for which "equal when case-folded" is not the same test as the
#: ``regex`` module's case-insensitive match: multi-character foldings (ß,
#: ligatures, Greek with iota subscripts) and non-ASCII characters that match
#: an ASCII letter (the Kelvin sign, long s, dotted/dotless i). Outside them a
#: keyword found case-insensitively by a rule's regex is found by
#: ``keyword.casefold() in text.casefold()``; a text holding one of them
#: skips the keyword test (every keyword counts as present).
#: tests/test_residue_perf.py recomputes this set over all code points.
FOLD_UNSAFE = (
    "\u00df\u0130-\u0131\u0149\u017f\u01f0\u0390\u03b0\u0587\u1e96-\u1e9a\u1e9e\u1f50\u1f52\u1f54\u1f56"
    "\u1f80-\u1faf\u1fb2-\u1fb4\u1fb6-\u1fb7\u1fbc\u1fc2-\u1fc4\u1fc6-\u1fc7\u1fcc\u1fd2-\u1fd3\u1fd6-\u1fd7"
    "\u1fe2-\u1fe4\u1fe6-\u1fe7\u1ff2-\u1ff4\u1ff6-\u1ff7\u1ffc\u212a\ufb00-\ufb06\ufb13-\ufb17"
)
_FOLD_UNSAFE_RE = re.compile(f"[{FOLD_UNSAFE}]")


def fold(text: str) -> str | None:
    """``text`` case-folded for keyword tests, or None when a keyword test could miss (see :data:`FOLD_UNSAFE`)."""
    if not text.isascii() and _FOLD_UNSAFE_RE.search(text):
        return None
    return text.casefold()


def anchored(
    pattern: regex.Pattern[str],
    where: tuple[str, tuple[int, ...]],
    text: str,
    timeout: float | None = None,
    first: int = 0,
) -> Iterator[regex.Match[str]]:
    """What ``pattern.finditer(text, timeout=timeout)`` gives, trying only the positions ``where`` (the literal of :func:`anchor` and its offsets) allows.

    ``finditer`` tries every position of the document (``[^\\S\\n]\\[ad_``
    starts at any space); a match can only start at an occurrence of the
    literal less one of the offsets. Those positions are tried in order,
    each from where the last match ended, as ``finditer`` would reach them:
    the same matches, for a search of the literal. (A look-behind still sees
    the text before the position tried, as in ``finditer``.) ``first``: no
    occurrence of the literal starts before it (a caller that looked for one).
    """
    literal, offsets = where
    occurrences = []
    q = text.find(literal, first)  # (a literal's search: ``str.find`` is the same test and needs no regex call)
    while q >= 0:
        occurrences.append(q)
        q = text.find(literal, q + 1)
    if not occurrences:
        return
    pos = 0
    match = pattern.match
    for s in sorted({q - o for q in occurrences for o in offsets if q >= o}):
        if s >= pos:
            found = match(text, s, timeout=timeout)
            if found is not None:
                yield found
                pos = found.end()


class Requires:
    """A rule's cheap necessary condition: one of its ``requires`` strings (any case) or a match of ``requires_pattern``.

    It lets a matcher skip a rule whose regex is slow to reject, on text the
    rule cannot match. Only sound if every match of the rule holds one of
    the strings (as written in the pattern, in any case) or a match of the
    pattern; :meth:`check_examples` holds the rule's examples to that.
    """

    def __init__(self, spec: RuleSpec) -> None:
        self.spec = spec
        keywords = spec.params.get("requires", [])
        if "requires" in spec.params and (not keywords or not all(isinstance(k, str) and k for k in keywords)):
            raise PackError(f"{spec.where()}: 'requires' must be a non-empty list of non-empty strings")
        for k in keywords:
            if any(c.isspace() for c in k):
                raise PackError(f"{spec.where()}: 'requires' string {k!r} holds white space; patterns match runs of it, so use one word")
        self.keywords: tuple[str, ...] = tuple(k.casefold() for k in keywords)
        # for whole documents: one case-insensitive literal search per word (the
        # regex module scans for a single literal fast; case-folding the whole
        # document would cost more than the search it saves)
        self._keyword_res = [compile_regex(spec, regex.escape(k), regex.IGNORECASE) for k in keywords]
        pattern = spec.params.get("requires_pattern")
        self.pattern: regex.Pattern[str] | None = None if pattern is None else compile_regex(spec, pattern)
        if pattern == "":
            raise PackError(f"{spec.where()}: 'requires_pattern' must not be empty")
        # for whole documents: a pattern led by a look-behind ('(?<=…)Source[^\S\n]+link') is
        # tried at every position; its literal is found by a fast search (see :func:`anchor`)
        found = None if self.pattern is None else anchor(self.pattern)
        self._anchor = found
        # ... and one that only matches at the end of the text ('…link[^\S\n]*(?=\s*\Z)') is only searched
        # where the text ends so (see :func:`tail_literal`)
        self._tail = None if self.pattern is None else tail_literal(self.pattern)

    @classmethod
    def of(cls, spec: RuleSpec) -> Requires | None:
        return cls(spec) if "requires" in spec.params or "requires_pattern" in spec.params else None

    def found(self, text: str, start: int, stop: int, folded: str | None) -> bool:
        """Whether ``text[start:stop]`` (``folded`` = :func:`fold` of it) may hold a match of the rule."""
        if folded is None:
            return True
        for k in self.keywords:
            if k in folded:
                return True
        return self.pattern is not None and self.pattern.search(text, start, stop) is not None

    def found_in(self, text: str) -> bool:
        """Whether the whole of ``text`` may hold a match of the rule (same test as :meth:`found`, for documents)."""
        for k in self._keyword_res:
            if k.search(text) is not None:
                return True
        if self.pattern is None:
            return False
        if self._tail is not None and not ends_with(text, self._tail):
            return False
        if self._anchor is None:
            return self.pattern.search(text) is not None
        # most documents hold no occurrence of the literal: told by one search, before any generator is made
        occurrence = text.find(self._anchor[0])
        return occurrence >= 0 and next(anchored(self.pattern, self._anchor, text, first=occurrence), None) is not None

    def describe(self) -> str:
        parts = [f"requires = {list(self.spec.params['requires'])!r}"] if self.keywords else []
        if self.pattern is not None:
            parts.append(f"requires_pattern = {self.spec.params['requires_pattern']!r}")
        return " / ".join(parts)

    def check_examples(self, spans: Sequence[tuple[str, int, int]]) -> None:
        """Raise :class:`PackError` if a span the rule matches (``text, start, stop``) fails the condition."""
        for text, start, stop in spans:
            if not self.found(text, start, stop, fold(text[start:stop])):
                raise PackError(
                    f"{self.spec.where()}: the rule matches {text[start:stop]!r} in its examples, which holds none of "
                    f"{self.describe()}; they must be found wherever the rule matches"
                )


#: escapes that match one character (``\\p{…}`` and ``\\P{…}`` too) and escapes that match none
_ONE_CHARACTER_ESCAPES = frozenset("dDwWsS")
_ZERO_WIDTH_ESCAPES = frozenset("bBAZ")
_LOOKAROUND = ("(?=", "(?!", "(?<=", "(?<!")
#: characters that are not literals outside a class (or not safely read as one)
_META = frozenset("\\[](){}.^$|?*+")
#: an anchor's literal is at least this long (a shorter one is found too often to save work)
ANCHOR_MIN = 2


def _nested(cls: str) -> bool:
    """Whether the class ``cls`` (``[…]``, as :func:`.by_mark._tokens` cut it) holds an unescaped ``[``: a nested set in ``VERSION1``."""
    i = 1
    while i < len(cls):
        if cls[i] == "\\":
            i += 2
        elif cls[i] == "[":
            return True
        else:
            i += 1
    return False


def _head(branch: str) -> list[str | None] | None:
    """What each character of a match of ``branch`` is, from its start, as far as that is fixed: the literal character, or None for any of a class.

    Read up to the first element of no fixed width (a quantified atom, a
    group other than a look-around, an escape this reading does not know).
    Look-arounds and anchors match no character and are passed over. None
    when the branch holds a nested set (``VERSION1``), which this reading
    does not follow.
    """
    tokens = _tokens(branch, False)
    head: list[str | None] = []
    k = 0
    while k < len(tokens):
        a, b, kind = tokens[k]
        piece = branch[a:b]
        if kind == "(":
            if not branch.startswith(_LOOKAROUND, a):
                break
            depth = 0
            while k < len(tokens):  # skip the whole look-around
                depth += tokens[k][2] == "("
                depth -= tokens[k][2] == ")"
                k += 1
                if depth == 0:
                    break
            continue
        if kind != "atom":
            break
        quantified = k + 1 < len(tokens) and tokens[k + 1][2] == "atom" and branch[tokens[k + 1][0]] in "?*+{"
        if piece in ("^", "$") or (piece[0] == "\\" and piece[1:] in _ZERO_WIDTH_ESCAPES):
            if quantified:
                break
            k += 1
            continue
        if quantified:
            break
        if piece[0] == "[":
            if _nested(piece):
                return None  # a nested set, or a class this reading may have cut short
            head.append(None)
        elif piece == ".":
            head.append(None)
        elif piece[0] == "\\":
            letter = piece[1]
            if letter in _ONE_CHARACTER_ESCAPES or (letter in "pP" and len(piece) > 2):
                head.append(None)
            elif not letter.isalnum() and len(piece) == 2:
                head.append(letter)
            else:
                break
        elif piece in _META:
            break
        else:
            head.append(piece)
        k += 1
    return head


def anchor(pattern: regex.Pattern[str]) -> tuple[str, tuple[int, ...]] | None:
    """A literal every match of ``pattern`` holds at a fixed distance from its start, and those distances (one per top-level branch), or None.

    Each top-level branch is read from its start as far as its width is
    fixed (:func:`_head`); its first run of literal characters is where it
    can match at all. The literal is what the runs of all branches begin
    with, at least :data:`ANCHOR_MIN` characters. Then a match can only
    start that far before an occurrence of the literal: a finditer over the
    document need only try those positions (:class:`PatternMatcher`).
    Refused (None) for case-insensitive, verbose and reverse patterns.
    """
    if pattern.flags & (regex.IGNORECASE | regex.VERBOSE | regex.REVERSE):
        return None
    runs: list[tuple[str, int]] = []
    for branch in branches(pattern.pattern, False):
        head = _head(branch)
        if head is None:
            return None
        first = next((i for i, c in enumerate(head) if c is not None), None)
        if first is None:
            return None
        end = first
        while end < len(head) and head[end] is not None:
            end += 1
        runs.append(("".join(c for c in head[first:end] if c is not None), first))
    literal = runs[0][0]
    for run, _ in runs[1:]:
        while not run.startswith(literal):
            literal = literal[:-1]
    if len(literal) < ANCHOR_MIN:
        return None
    return literal, tuple(sorted({offset for _, offset in runs}))


#: what a pattern that only matches at the end of the text ends with (see :func:`tail_literal`)
_AT_END = r"(?=\s*\Z)"
_TRAILING_BLANKS = r"[^\S\n]*"
_LAST_VISIBLE = regex.compile(r"(?r)\S", regex.VERSION1 | regex.UNICODE)


def tail_literal(pattern: regex.Pattern[str]) -> str | None:
    """The letters and digits every match of ``pattern`` ends with, where only white space may follow it to the end of the text; or None.

    For a pattern of one branch that ends with a run of at least
    :data:`ANCHOR_MIN` letters or digits, ``[^\\S\\n]*`` (or not) and
    ``(?=\\s*\\Z)``, like the inline source-link rule's
    ``…Source[^\\S\\n]+link[^\\S\\n]*(?=\\s*\\Z)``: a match needs the text to
    end with that run and white space (:func:`ends_with`), which is read
    from the end of the text instead of searching all of it. Refused for
    case-insensitive patterns and where the run could be part of an escape.
    """
    source = pattern.pattern
    if pattern.flags & (regex.IGNORECASE | regex.VERBOSE) or not source.endswith(_AT_END) or len(branches(source, False)) != 1:
        return None
    body = source[: -len(_AT_END)]
    body = body.removesuffix(_TRAILING_BLANKS)
    i = len(body)
    while i > 0 and body[i - 1].isascii() and body[i - 1].isalnum():
        i -= 1
    run = body[i:]
    if len(run) < ANCHOR_MIN or (i > 0 and body[i - 1] == "\\"):
        return None
    return run


def ends_with(text: str, run: str) -> bool:
    """Whether ``text`` ends with ``run`` and then only white space (``\\s`` as the ``regex`` module reads it).

    Every character ``regex`` reads as ``\\s`` is white space to ``str.isspace``
    (which also counts ``\\x1c``-``\\x1f``: tests/test_residue_perf.py), so a
    text whose last character is not is its own last visible one: most
    documents are told by ``str.endswith``, without a regex call.
    """
    if text and not text[-1].isspace():
        return text.endswith(run)
    last = _LAST_VISIBLE.search(text)
    return last is not None and text.endswith(run, 0, last.end())


def sign_of(literal: str) -> str | None:
    """The first character of ``literal`` that is neither a letter, a digit nor white space (``[`` of ``[ad_``), or None.

    Most documents hold no occurrence of an anchor's literal; a sign such as
    ``[`` is rare in prose, and ``sign in text`` tells its absence at the
    speed of ``memchr`` (0.2 µs for a perf-news document, where the search for
    the literal takes 2 µs). A document without the sign holds no
    occurrence of the literal.
    """
    return next((c for c in literal if not c.isalnum() and not c.isspace()), None)


class PatternMatcher(Matcher):
    def __init__(self, spec: RuleSpec) -> None:
        self.spec = spec
        self.rule_ids = (spec.id,)
        self.regex = compile_regex(spec, spec.params["pattern"])
        self.template: str | None = spec.params.get("replacement")
        if spec.action == "strip":
            self.template = ""
        elif spec.action == "fix" and self.template is None:
            raise PackError(f"{spec.where()}: action 'fix' needs a 'replacement'")
        if self.template:
            try:  # validate group references now, not on the first match
                self.regex.sub(self.template, "")
            except (regex.error, IndexError) as exc:
                raise PackError(f"{spec.where()}: bad replacement {self.template!r}: {exc}") from None
        found = anchor(self.regex)
        self._anchor = found
        self._sign = None if found is None else sign_of(found[0])
        self.requires = Requires.of(spec)
        if self.requires is not None:
            texts = [e.text for e in spec.examples_match] + list(spec.examples_no_match)
            for text in texts:
                if any(m.end() > m.start() for m in self.regex.finditer(text)) and not self.requires.found_in(text):
                    raise PackError(
                        f"{spec.where()}: the rule matches its example {text!r}, which holds none of {self.requires.describe()}"
                    )

    def _anchored(self, text: str, first: int = 0) -> Iterator[regex.Match[str]]:
        """What ``finditer`` over ``text`` gives, by :func:`anchored` (no literal before ``first``), with the rule's time-out."""
        try:
            yield from anchored(self.regex, self._anchor, text, REGEX_TIMEOUT, first)  # type: ignore[arg-type]
        except TimeoutError:
            raise RuleTimeout(f"rule {self.spec.id!r} took longer than {REGEX_TIMEOUT}s on one document and was skipped for it") from None

    def find(self, ctx: DocContext) -> Iterable[Finding]:
        """The rule's findings on the document: none, without a generator, where its literal or gate is missing (most documents)."""
        text = ctx.text
        if self._anchor is not None:
            # the literal is in every match (so where the gate would fail): most documents hold none,
            # which one search tells before any generator is made (or a test for its sign, where it has one)
            if self._sign is not None and self._sign not in text:
                return ()
            occurrence = text.find(self._anchor[0])
            if occurrence < 0:
                return ()
            return self._findings(self._anchored(text, occurrence))
        if self.requires is not None and not self.requires.found_in(text):
            return ()
        return self._findings(finditer(self.regex, text, self.spec.id))

    def _findings(self, matches: Iterable[regex.Match[str]]) -> Iterator[Finding]:
        """A finding per non-empty match that changes the text (a rule's time-out is raised while they are read)."""
        for m in matches:
            if m.end() == m.start():
                continue  # an empty match proposes nothing
            replacement = m.expand(self.template) if self.template else self.template
            if replacement == m.group():
                continue
            yield fix_finding(self.spec, m.start(), m.end(), replacement)


@register
class PatternKind(Kind):
    name = "pattern"
    params = {"pattern": (str, True), "replacement": (str, False), "requires": (list, False), "requires_pattern": (str, False)}

    @classmethod
    def compile(cls, specs: list[RuleSpec]) -> list[Matcher]:
        return [PatternMatcher(spec) for spec in specs]
