"""``line`` and ``block`` kinds: whole lines of scraper residue.

Residue clusters at the start and the end of a document, so position is part
of every rule:

* a ``line`` rule matches a whole line (surrounding spaces ignored) and says
  ``where`` it may be removed: ``anywhere``, only in the ``start`` zone, only
  in the ``end`` zone, or in either (``edges``);
* a ``block`` rule is a terminator (``Related Posts:``, ``Share this:``):
  found in the end zone, it and up to ``max_after`` following lines of any
  content are residue, the way boilerpipe cuts a page after its last
  article block. With ``follow = "headlines"`` the block only swallows the
  *headline-like* lines after its marker (short, no sentence-final
  punctuation: the list of links under "More:" or "DON'T MISS"), stops at
  the first real sentence, and may sit anywhere (``where = "anywhere"``).
  A headline block never takes a sentence with it, which is what makes it
  safe in the middle of an article.

The *end zone* is the longest run of lines at the end of the document made of
blank lines, lines matched by ``end``/``anywhere`` rules and terminator
blocks. The *start zone* is the same at the top with ``start``/``anywhere``
rules. Defining zones over all line rules together (not rule by rule) is what
makes fixing idempotent: once a zone is removed, the line above it is one no
rule matched, so a second run finds no new zone.

All line and block rules of a run compile into one alternation per kind,
tried on each short line in C; the Python loop only sees lines that matched.

Two options look at a candidate's neighbours: with ``skip_ranked`` a rule
never takes a line of a ranked list (numbered lines counting by one:
:func:`ranked_lines`), and with ``skip_beside`` (a regex) never a line whose
nearest unmatched neighbour above or below is a whole line of that regex (a
``-`` between two numbers is a table cell, not an empty bullet). With
``min_matches = N`` a rule takes its lines only when at least N lines of the
document match it: a list of teasers cut off with '...' repeats the shape,
while a sentence that trails off does so once.

A rule whose pattern is costly to *reject* (a lazy ``[^\\n]{0,300}?`` before
its keyword, many case-insensitive alternatives, ``DEFINE`` groups) declares
what every line it matches holds (:class:`~scrubber.kinds.pattern.Requires`):
``requires``, words of which one must appear in any case, and/or
``requires_pattern``, a cheap regex (``\\d[:.]\\d`` for a time of day). Each
line is tested for the gated rules' words first (one trie search of the
case-folded line, :class:`KeywordIndex`) and their patterns (one search for
all of them), and the alternation tried on it holds the ungated rules
and only the gated rules whose condition holds, in pack order. Leaving out
rules that cannot match a line does not change which rule a line matches,
so findings are the same as without the gates; most lines hold no keyword
and never meet a costly pattern. The condition is checked at pack load
against the rule's own examples: a line the pattern matches without the
required text is a :class:`PackError`.
"""

from __future__ import annotations

import contextlib
import functools
import html.entities
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import regex

from .. import regexcache
from ..model import Finding
from .base import REGEX_TIMEOUT, DocContext, Kind, Matcher, PackError, RuleSpec, RuleTimeout, compile_regex, fix_finding, register
from .by_mark import _LOOKAROUND, _tokens
from .char_scan import keyword_set
from .pattern import _FOLD_UNSAFE_RE, Requires, _nested, fold

WHERE = ("anywhere", "start", "end", "edges")
FOLLOW = ("any", "headlines")

#: a headline-like line is at most this long
HEADLINE_MAX = 160
_CLOSERS = "\"”’'»)]"
_SENTENCE_END = ".!…;,:"


def is_headline(line: str) -> bool:
    """A short line that does not end like a sentence (a link, a title, a heading)."""
    s = line.strip()
    if not s or len(s) > HEADLINE_MAX:
        return False
    core = s.rstrip(_CLOSERS)
    return bool(core) and core[-1] not in _SENTENCE_END


#: Characters other rules delete (controls, zero-width and bidi marks, soft
#: hyphens, BOMs), their spellings as entities and mojibake, and the WordPress
#: ad token that rides on residue lines.
#: At a line's edges they count as white space, and a line of nothing else
#: counts as blank: otherwise deleting them would turn a line into residue
#: (or a blank) only on a second run, and fixing would not be idempotent.
INVISIBLE = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_INVISIBLE_CLASS = regex.compile(f"[{INVISIBLE}]")


def _spelled_invisible() -> tuple[str, str, str]:
    """An alternation of the spellings other rules decode into white space or an invisible character, and the classes of their first and last characters.

    ``&shy;``, ``&#8203;``, ``&nbsp;`` (also double-escaped, ``&amp;shy;``) and
    the mojibake of those characters (``Â\u00ad``, ``â€‹``): the first run
    decodes them, so a line of nothing else is blank after it; counted as
    blank (and as edge) from the start, the residue above such a line is
    judged the same on both runs.
    """
    targets = _invisible_targets()
    # the html-entity rule decodes no control character but tab, and numeric references
    # to 128-159 are Windows-1252 characters
    decodable = [c for c in targets if c == "\t" or unicodedata.category(c) != "Cc"]
    decimal = "|".join(sorted({str(ord(c)) for c in decodable}, key=_longest_first))
    hexa = "|".join(sorted({f"{ord(c):x}" for c in decodable}, key=_longest_first))
    names = "|".join(
        sorted({regex.escape(n[:-1]) for n, v in html.entities.html5.items() if n.endswith(";") and v in decodable}, key=_longest_first)
    )
    mojibake = {regex.escape(m) for m in _mojibake_spellings(targets)}
    entity = rf"&(?:amp;)*(?:\#0*(?:{decimal})|\#[xX]0*(?i:{hexa})|(?:{names}));"
    # the first characters up front, so a line's edge is rejected with one class test
    firsts = "[" + regex.escape("".join(sorted({m.replace("\\", "")[0] for m in mojibake} | {"&"})), special_only=True) + "]"
    # ... and the last ones, so that a line's end is judged the same way (:data:`EDGE_LAST`)
    lasts = "[" + regex.escape("".join(sorted({m.replace("\\", "")[-1] for m in mojibake} | {";"})), special_only=True) + "]"
    return f"(?={firsts})(?:" + "|".join([entity, *sorted(mojibake, key=_longest_first)]) + ")", firsts, lasts


def _invisible_targets() -> list[str]:
    """The characters a line's edge may hold: white space but the line break, and :data:`INVISIBLE`."""
    targets = [c for c in map(chr, range(0x3000 + 1)) if (c.isspace() and c != "\n") or _INVISIBLE_CLASS.fullmatch(c)]
    return [*targets, "\ufeff"]


def _mojibake_spellings(targets: list[str]) -> set[str]:
    """The mojibake of ``targets``: each one's UTF-8 bytes read as cp1252 or latin-1 (``Â\u00a0``, ``â€‹``)."""
    mojibake: set[str] = set()
    for c in targets:
        if not c.isascii():
            for codec in ("cp1252", "latin-1"):
                with contextlib.suppress(UnicodeDecodeError):
                    mojibake.add(c.encode("utf-8").decode(codec))
    return mojibake


def _longest_first(alternative: str) -> tuple[int, str]:
    """Sort key: longer first, then by text, so that the pattern is the same string in every process.

    Which of two alternatives of equal length comes first changes nothing
    (none is a prefix of another: tests/test_lines.py), but the
    string keys :mod:`scrubber.regexcache`; sets iterate in an order that
    changes with each process's string hashing.
    """
    return -len(alternative), alternative


SPELLED_INVISIBLE, _SPELLED_FIRST, _SPELLED_LAST = _spelled_invisible()
#: one item of :data:`EDGE`: where none matches at a line's start, every rule's match leaves no edge there
EDGE_ITEM = rf"[^\S\n]|[{INVISIBLE}]|\[ad_\d{{1,2}}\]|{SPELLED_INVISIBLE}"
EDGE = rf"(?:{EDGE_ITEM})*"
_INVISIBLE_RE = regex.compile(f"[{INVISIBLE}]|{SPELLED_INVISIBLE}")
#: where a line starts with none of these, no item of :data:`EDGE` can start it
EDGE_FIRST = rf"[^\S\n]|[{INVISIBLE}]|\[|{_SPELLED_FIRST}"
#: where a line ends with none of these, no item of :data:`EDGE` can end it (``]`` of ``[ad_N]``, ``;`` of an entity)
EDGE_LAST = rf"[^\S\n]|[{INVISIBLE}]|\]|{_SPELLED_LAST}"

#: Residue is short: template lines, widgets, credits and disclosures are
#: well under this many characters, and article paragraphs are often longer.
#: Longer lines are never tried, which keeps rules with look-aheads from
#: scanning whole paragraphs (the main cost of this kind before).
MAX_LINE = 600
SHORT_LINE = regex.compile(rf"(?m)^[^\n]{{1,{MAX_LINE}}}$")


def short_lines(text: str) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` of every line of 1 to :data:`MAX_LINE` characters: the spans of ``SHORT_LINE.finditer(text)``.

    Found with ``str.find`` instead of the regex: news documents are mostly
    paragraphs longer than :data:`MAX_LINE`, and on each of them the regex
    reads :data:`MAX_LINE` characters, finds no line end and backs off one
    character at a time (0.02 s of the residue family's 0.15 s on
    perf-news); ``str.find`` reads each line once, in C.
    """
    pos, size = 0, len(text)
    while pos < size:
        stop = text.find("\n", pos)
        if stop < 0:
            stop = size
        if 0 < stop - pos <= MAX_LINE:
            yield pos, stop
        pos = stop + 1


#: the number that opens a list line: '3 …', '3. …', '- 3) …', 'The 3 …'
_LEADING_NUMBER = re.compile(r"[^\S\n]*(?:[-•*·][^\S\n]*)?(?:The[^\S\n]+)?(\d{1,3})(?=[\s.):])")


def ranked_lines(text: str, lines: Sequence[_Line]) -> set[int]:
    """Lines that belong to a ranked list: numbered lines counting up or down by one.

    A list article's own items, a chart, a table of standings or a closing list
    of tips count 1, 2, 3 (or down to 1), while the links a page adds to its
    own list articles carry unrelated numbers ('27 …', '10 …', '11 …'). The
    numbered lines are taken in document order, skipping the lines between
    them (a list article has a paragraph under each item). A run of numbers
    that step by one, up or down, is a ranked list when it reaches 1 or is at
    least three long.
    """
    numbered: list[tuple[int, int]] = []  # (line number, its number)
    for i, line in enumerate(lines):
        if not line.blank:
            m = _LEADING_NUMBER.match(text, line.start, line.stop)
            if m is not None:
                numbered.append((i, int(m.group(1))))
    ranked: set[int] = set()
    k = 0
    while k < len(numbered):
        j = k + 1
        while (
            j < len(numbered)
            and abs(numbered[j][1] - numbered[j - 1][1]) == 1
            and (j - k == 1 or numbered[j][1] - numbered[j - 1][1] == numbered[j - 1][1] - numbered[j - 2][1])
        ):
            j += 1
        run = numbered[k:j]
        if len(run) >= 3 or (len(run) == 2 and any(n == 1 for _, n in run)):
            ranked.update(i for i, _ in run)
        k = j
    return ranked


def _is_blank(segment: str) -> bool:
    lead = segment.lstrip()  # not stripped at the end: a spelling may end in a space ('Â\u00a0')
    if not lead:
        return True
    if _INVISIBLE_RE.match(lead) is None:
        return False  # it starts with neither white space nor anything invisible: something stays
    return not _INVISIBLE_RE.sub("", lead).strip()


@dataclass
class _Line:
    start: int  # offset of the first character
    stop: int  # offset of the line break (or end of text)
    next: int  # offset of the next line (after the line break)
    blank: bool


def _split_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    pos = 0
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        stop = n if nl == -1 else nl
        nxt = n if nl == -1 else nl + 1
        # a line that starts with neither white space nor anything invisible is not blank
        # (what _is_blank finds without copying the line: most lines are paragraphs)
        # (nor with an ASCII letter or digit, which nothing invisible or spelled so starts: told without the regex)
        first = text[pos] if pos < stop else "\n"
        visible = (first.isascii() and first.isalnum()) or (
            pos < stop and not first.isspace() and _INVISIBLE_RE.match(text, pos, stop) is None
        )
        lines.append(_Line(pos, stop, nxt, False if visible else _is_blank(text[pos:stop])))
        pos = nxt
    return lines


def line_pattern(spec: RuleSpec) -> regex.Pattern[str]:
    """One rule alone, the way the group tries it: a whole line, edges ignored."""
    return compile_regex(spec, rf"{EDGE}(?:{spec.params['pattern']}){EDGE}")


#: a reference to a group by its number (``\1``, ``\g<1>``, ``(?1)``, ``(?R)``, ``(?(1)…)``), skipping
#: escapes and character classes (where ``\1`` is an octal escape)
_NUMBERED_REFERENCE = regex.compile(
    r"""
    \[(?:\\.|[^]\\])*\]     # a character class
  | (?P<ref>\\[1-9] | \\g<[+-]?\d+> | \(\?[+-]?\d+\) | \(\?R\) | \(\?\(\d+\))
  | \\.                     # any other escape
    """,
    regex.VERBOSE,
)


def numbered_reference(pattern: str) -> str | None:
    """The first reference to a group by number in ``pattern``, or None.

    Line and block rules are joined into one alternation, each rule's
    pattern a named group of it (:func:`_alternation_source`), so group
    numbers shift: a rule's ``\\1`` would refer to another group and the
    rule would silently never match. Names stay valid (duplicates across
    rules are allowed by ``regex``), so such a pattern is refused with that
    advice at load.
    """
    for m in _NUMBERED_REFERENCE.finditer(pattern):
        if m.group("ref"):
            return m.group("ref")
    return None


def check_gate(spec: RuleSpec, gate: Requires, bare: regex.Pattern[str]) -> None:
    """Raise :class:`PackError` if the rule matches a line of its examples (match and no-match) that fails its gate.

    Exact, yet it seldom compiles the rule's line pattern (:data:`EDGE`
    twice, about 10 ms): a line the rule matches whole (edges aside) holds a
    match of its pattern ``bare``, which a search bounded to the line finds,
    so only the lines where that search succeeds *and* the gate fails need
    the line pattern to tell whether the rule matches them. Most rules have
    no such line, and the check costs a search per example line.
    """
    texts = [e.text for e in spec.examples_match] + list(spec.examples_no_match)
    gate.check_examples(
        [
            (t, start, stop)
            for t in texts
            for start, stop in short_lines(t)
            if bare.search(t, start, stop) is not None
            and not gate.found(t, start, stop, fold(t[start:stop]))
            and line_pattern(spec).fullmatch(t, start, stop) is not None  # (compiled once: regex caches it)
        ]
    )


#: rule ``i``'s group in a joined alternation is named ``RULE_GROUP + str(i)`` (a pack's own
#: group names must not start so)
RULE_GROUP = "scrubber_rule_"


def _rule_group(i: int) -> str:
    return f"{RULE_GROUP}{i}"


def _alternation_source(specs: Sequence[RuleSpec], idxs: Sequence[int]) -> str:
    """``EDGE (?:(?P<scrubber_rule_0>…)|(?P<scrubber_rule_1>…)|…) EDGE``: the rules ``idxs`` tried on one line, in pack order."""
    branches = "|".join(f"(?P<{_rule_group(i)}>{specs[i].params['pattern']})" for i in idxs)
    return rf"{EDGE}(?:{branches}){EDGE}"


def _alternation(specs: Sequence[RuleSpec], idxs: Sequence[int]) -> regex.Pattern[str] | None:
    """The compiled :func:`_alternation_source` of the rules ``idxs`` (None for none)."""
    if not idxs:
        return None
    return compile_regex(specs[idxs[0]], _alternation_source(specs, idxs))


class _OnFirstUse:
    """A gated rule's own line pattern, compiled the first time a line passes the rule's gate.

    Each such pattern holds :data:`EDGE` twice and takes about 10 ms to
    compile, most of a second for the built-in packs, paid by every command
    before its first document; most lines pass no gate, and a short run
    meets few of the gated rules. The rule's pattern alone was compiled when
    the pack loaded (invalid regexes are reported then), and the wrapping is
    fixed, so compiling later cannot fail where compiling up front would not.
    Once a process has compiled it, later ones rebuild it from
    :mod:`scrubber.regexcache` (0.1 ms), still only when a line needs it.
    """

    __slots__ = ("_compiled", "_source", "_spec")

    def __init__(self, spec: RuleSpec, source: str) -> None:
        self._spec, self._source = spec, source
        self._compiled: regex.Pattern[str] | None = None

    @property
    def pattern(self) -> regex.Pattern[str]:
        if self._compiled is None:
            self._compiled = compile_regex(self._spec, self._source)
        return self._compiled


def _any_of(patterns: Sequence[regex.Pattern[str]]) -> regex.Pattern[str] | None:
    """One pattern that finds a match where any of ``patterns`` would, or None if they cannot be joined.

    Most lines hold none of the gating patterns (a time of day, a year, an
    agency slug): one search for all of them rejects such a line for the
    price of one, instead of a search per pattern (0.014 s → 0.004 s on
    perf-news). A search for ``(?:A)|(?:B)`` succeeds exactly where one for
    ``A`` or one for ``B`` would. Patterns with groups (a numbered
    reference would change meaning) or differing flags are not joined: then
    each is searched on its own, as before.
    """
    if len(patterns) < 2 or any(p.groups or p.flags != patterns[0].flags for p in patterns):
        return None
    return regexcache.compile("|".join(f"(?:{p.pattern})" for p in patterns), patterns[0].flags)


#: not looked up yet (a joined pattern may be None)
_UNJOINED = regex.compile("")


class KeywordIndex:
    """The rules whose keywords a case-folded line holds: the union of ``owners[k]`` for each ``k in line``.

    A substring test per keyword per line (over a hundred of them) was a
    third of the residue family's time on perf-news. Here the keywords form
    a trie, written as one regex (``cli(?:c(?:k)?|qu)`` for ``clic``,
    ``click``, ``cliqu``) that matches, where a keyword starts, the longest
    keyword starting there; the shorter ones starting there are its
    prefixes. Searching again from the next character finds every position
    where a keyword starts, so the keywords a line holds are exactly the
    prefixes (:attr:`_prefixes`) of what the searches return. ``re`` skips
    in C to the characters a keyword can start with and walks the trie one
    character at a time, instead of trying each word at each position.
    """

    def __init__(self, owners: dict[str, frozenset[int]], plain: str = "") -> None:
        self._trie = re.compile(_trie_pattern(list(owners))) if owners else None
        #: keyword -> the rules of it and of every keyword it starts with
        self._prefixes = {k: frozenset().union(*(rules for p, rules in owners.items() if k.startswith(p))) for k in owners}
        #: a character of a line :meth:`admitted_plain` declines: beyond ASCII and ``plain``
        self._beyond_plain = re.compile(f"[^\\x00-\\x7f{re.escape(plain)}]")
        #: the same tests in C (:func:`.char_scan.keyword_set`): each keyword with its rules as bits; None without the kernel
        found = keyword_set(owners, plain)
        if found is not None:  # (a call less per line)
            self.admitted_bits = found.owners  # type: ignore[method-assign]
            self.admitted_plain = found.owners_plain  # type: ignore[method-assign]

    def admitted_plain(self, line: str) -> int:
        """:meth:`admitted_bits` of ``line.casefold()`` where every character of ``line`` is ASCII or ``plain``; else -1.

        The kernel reads such a line folding ASCII capitals as it goes (case
        folding keeps the ``plain`` characters), without the case-folded
        copy; this is its reference.
        """
        if not line.isascii() and self._beyond_plain.search(line) is not None:
            return -1
        return self.admitted_bits(line.casefold())

    def admitted_bits(self, folded: str) -> int:
        """The rules whose keywords ``folded`` (a case-folded line) holds, as a bit mask (bit ``pos`` for rule ``pos``): what the line gate works in."""
        bits = 0
        for pos in self.admitted_python(folded):
            bits |= 1 << pos
        return bits

    def admitted_python(self, folded: str) -> set[int]:
        """:meth:`admitted_bits` as a set, by the trie regex (the reference, and what runs without the kernel)."""
        admitted: set[int] = set()
        if self._trie is None:
            return admitted
        search, prefixes, pos = self._trie.search, self._prefixes, 0
        while (m := search(folded, pos)) is not None:
            admitted |= prefixes[m.group()]
            pos = m.start() + 1
        return admitted


def _trie_pattern(words: Sequence[str]) -> str:
    """A regex matching, at a position, the longest of ``words`` that starts there (a trie: one branch per next character)."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for c in word:
            node = node.setdefault(c, {})
        node[""] = {}  # a word ends here

    def branch(node: dict[str, dict]) -> str:
        alternatives = [re.escape(c) + branch(child) for c, child in sorted(node.items()) if c]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"
        return f"(?:{body})?" if "" in node else body  # greedy: the longer word first

    return branch(trie)


#: how many of a line's first characters :class:`_PrefixGate` looks at first (few: most lines share them) ...
PREFIX = 3
#: ... then, for the rules those admit, how many (more: "The" may begin a listicle link, "The mayor" may not) ...
LONG_PREFIX = 8
#: ... and how many distinct beginnings of each length it remembers (then it starts afresh)
PREFIX_MEMO = 65536
#: so many rules or more, asked about together on every line, are first judged together on a new beginning
JOIN_MIN = 4


def prefix_safe(pattern: str) -> bool:
    """Whether ``regex``'s partial matching tells soundly if a line's first characters can begin a match of ``pattern``.

    Partial matching (``match(prefix, partial=True)``) answers "does a match
    start with these characters?" exactly for plain patterns, but not where
    an assertion looks at the end of the characters given: ``(?!a$)a`` is
    refused for ``a`` though ``ab`` matches. So only patterns made of
    literals, character classes, escapes such as ``\\s`` and ``\\p{L}``,
    quantifiers and ``(?:``, ``(?i:``, ``(?s:``, ``(?m:`` and ``(?P<name>``
    groups are accepted: no anchor, word boundary, look-around, reference,
    conditional, possessive or atomic part, global inline flag or nested
    set. Anything else is refused, which only means the rule is always tried
    (unless :func:`relaxed` can take its assertions out).
    """
    return relaxed(pattern) == pattern


#: a group that sets or clears flags for its contents, and whose contents read as usual
_FLAG_GROUP = re.compile(r"\(\?[ims]*(?:-[ims]+)?:")


_DEFINE = "(?(DEFINE)"
#: groups that relaxed() replaces by ``(?:)``: a ``DEFINE`` block (it matches nothing) and the look-arounds
_EMPTIED_GROUPS = (_DEFINE, "(?=", "(?!", "(?<=", "(?<!")
#: a call of a group defined in a ``DEFINE`` block: ``(?&name)`` or ``(?P>name)``
_CALL = re.compile(r"\(\?(?:&|P>)(\w+)\)")
#: a group definition inside a ``DEFINE`` block: ``(?<name>`` or ``(?P<name>``
_DEFINITION = re.compile(r"\(\?P?<(\w+)>")


def _definitions(pattern: str) -> dict[str, str] | None:
    """The bodies of the groups ``pattern``'s ``DEFINE`` blocks define, by name; None where one is not a run of named groups."""
    defs: dict[str, str] = {}
    if _DEFINE not in pattern:
        return defs
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
        elif c == "[":
            j = _class_end(pattern, i)
            if j is None:
                return None
            i = j
        elif pattern.startswith(_DEFINE, i):
            end = _group_end(pattern, i)
            if end is None:
                return None
            k = i + len(_DEFINE)
            while k < end - 1:  # the named groups, up to the block's ')'
                m = _DEFINITION.match(pattern, k)
                close = None if m is None else _group_end(pattern, k)
                if m is None or close is None or m.group(1) in defs:
                    return None
                defs[m.group(1)] = pattern[m.end() : close - 1]
                k = close
            i = end
        else:
            i += 1
    return defs


def relaxed(pattern: str) -> str | None:
    """``pattern`` with every assertion taken out, or None where partial matching could not judge it soundly.

    An assertion (a look-around, an anchor, a word boundary) only ever
    refuses a match; taken out, each becomes an empty group ``(?:)`` and the
    pattern matches everything it matched, and more. So where the relaxed
    pattern cannot begin with a line's first characters, the rule cannot
    match the line, and the relaxed pattern holds nothing partial matching
    misjudges (see :func:`prefix_safe`, whose patterns come back unchanged).
    Rules that guard a costly pattern with a look-ahead (``(?![^\\n]*,
    …said)``, ``(?=[^\\n]{40,200}$)``) can then be passed over on most lines
    by :class:`_PrefixGate`. Refused (None): references, conditionals,
    subroutine calls other than of ``DEFINE`` groups, possessive and atomic
    parts, global inline flags, ``(?x:``, ``\\K``, ``\\X``, named lists, fuzzy
    constraints, nested sets and classes that start with ``]``.

    A ``DEFINE`` block matches nothing and becomes ``(?:)``; a call of one of
    its groups (``(?&date)``) becomes the group's relaxed body, wrapped as
    ``(?i:…)``: case-insensitive, so it takes what the call takes whichever
    flags the call is read with (the timestamp and byline rules, which
    spell a date once and call it thrice). A recursive definition is
    refused.
    """
    defs = _definitions(pattern)
    if defs is None:
        return None
    return _relaxed(pattern, defs, (), {})


def _relaxed(pattern: str, defs: dict[str, str], calling: tuple[str, ...], done: dict[str, str | None]) -> str | None:
    """:func:`relaxed` of ``pattern``, its calls expanded from ``defs``.

    ``calling``: the calls being expanded (to refuse recursion); ``done``:
    the relaxed body of each group expanded so far (a date is called thrice).
    """
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            escaped = pattern[i + 1 : i + 2]
            if escaped in ("b", "B", "A", "Z", "z", "G"):
                out.append("(?:)")
                i += 2
                continue
            if escaped in ("", "g", "K", "X", "L", "m", "M") or escaped in "123456789":
                return None
            j = i + 2
            if escaped in "pPNx" and pattern[j : j + 1] == "{":  # \p{L}, \N{name}, \x{263a}: one escape
                j = pattern.find("}", j) + 1
                if j == 0:
                    return None
            out.append(pattern[i:j])
            i = j
            continue
        if c == "[":
            j = _class_end(pattern, i)
            if j is None:
                return None
            out.append(pattern[i:j])
            i = j
            continue
        if c in "^$":
            out.append("(?:)")
            i += 1
            continue
        if c == "(" and pattern.startswith(_EMPTIED_GROUPS, i):
            j = _group_end(pattern, i)
            if j is None:
                return None
            out.append("(?:)")
            i = j
            continue
        call = _CALL.match(pattern, i) if c == "(" else None
        if call is not None:
            name = call.group(1)
            if name not in defs or name in calling:
                return None
            if name not in done:
                done[name] = _relaxed(defs[name], defs, (*calling, name), done)
            body = done[name]
            if body is None:
                return None
            out.append(f"(?i:{body})")
            i = call.end()
            continue
        if c == "(" and pattern.startswith("(?", i):
            m = _FLAG_GROUP.match(pattern, i)
            if m is not None or pattern.startswith("(?P<", i):
                j = m.end() if m is not None else i + 4
                out.append(pattern[i:j])
                i = j
                continue
            return None
        if (c in "*+?}" and pattern[i + 1 : i + 2] == "+") or (c == "{" and pattern[i + 1 : i + 2].isalpha()):
            return None  # a possessive quantifier, a fuzzy constraint
        out.append(c)
        i += 1
    return "".join(out)


def _class_end(pattern: str, i: int) -> int | None:
    """Where the character class opened at ``pattern[i]`` ends (after its ``]``), or None for a nested set or a leading ``]``."""
    j = i + 1 + (pattern[i + 1 : i + 2] == "^")
    if pattern[j : j + 1] == "]":
        return None
    while j < len(pattern):
        c = pattern[j]
        if c == "\\":
            j += 2
        elif c == "[":
            return None
        elif c == "]":
            return j + 1
        else:
            j += 1
    return None


def _group_end(pattern: str, i: int) -> int | None:
    """Where the group opened at ``pattern[i]`` ends (after its ``)``), or None."""
    depth = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            end = _class_end(pattern, i)
            if end is None:
                return None
            i = end
            continue
        depth += (c == "(") - (c == ")")
        i += 1
        if depth == 0:
            return i
    return None


_LOOKBEHINDS = ("(?<=", "(?<!")
#: an inline flag group, scoped (``(?i:``) or global (``(?i)``), and the letters it sets or clears
_INLINE_FLAGS = re.compile(r"\(\?([a-zA-Z0-9^-]*)[:)]")
#: escapes of a look-behind that match no character (anchors, word boundaries)
_ZERO_WIDTH = frozenset("bBAZzGmM")
#: escapes of one character spelled by digits: the digits they take, and at most how many
_ESCAPE_DIGITS = {
    "x": ("0123456789abcdefABCDEF", 2),
    "u": ("0123456789abcdefABCDEF", 4),
    "U": ("0123456789abcdefABCDEF", 8),
    "0": ("01234567", 2),
}


def line_local(pattern: str) -> bool:
    """Whether a match of ``pattern`` bounded to a line (``pos``, ``endpos``) depends on nothing outside it but whether it is the document's first.

    ``regex`` ends a match at ``endpos`` (a look-ahead sees no further), but a
    look-behind sees the text before ``pos``: ``(?<=b\\n)cd`` matches a line
    according to the one above it. Before every line but the first stands a
    line break, so a look-behind that cannot match one sees nothing before
    that break, and anchors and word boundaries at the line's start see that
    break, or the start of the text on the first line. Where each of its
    look-behinds is so, a rule matches a line's text the same way wherever
    the line stands, apart from the first line, and :class:`LineGroupMatcher`
    may remember what the line matched (:data:`LINE_MEMO`). Refused (False,
    which only means nothing is remembered): a look-behind that may match a
    line break or that this reading cannot judge (a dot, a reference, a
    call, a nested look-around or group with flags for the rest, a fuzzy
    constraint), and verbose and reverse patterns.
    """
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
        elif c == "[":
            end = _class_end(pattern, i)
            if end is None:
                return False
            i = end
        elif c == "(" and pattern.startswith(_LOOKBEHINDS, i):
            end = _group_end(pattern, i)
            if end is None or not _newline_free(pattern[i + 4 : end - 1]):
                return False
            i = end
        elif c == "(" and (m := _INLINE_FLAGS.match(pattern, i)) is not None:
            if "x" in m.group(1) or "r" in m.group(1):
                return False
            i = m.end()
        else:
            i += 1
    return True


def _newline_free(body: str) -> bool:
    """Whether no match of ``body`` (a look-behind's contents) can hold a line break: each character it may match is tested alone."""
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c == "\\":
            escaped = body[i + 1 : i + 2]
            if escaped in _ZERO_WIDTH:
                i += 2
                continue
            if escaped == "" or escaped in "gKXLN123456789":
                return False  # a reference, a named list, a grapheme: not read here
            j = i + 2
            if escaped in "pPx" and body[j : j + 1] == "{":
                j = body.find("}", j) + 1
                if j == 0:
                    return False
            elif escaped in _ESCAPE_DIGITS:  # \x0a, \u000a, \U0000000a, \012: one character
                digits, count = _ESCAPE_DIGITS[escaped]
                while j < n and j < i + 2 + count and body[j] in digits:
                    j += 1
            if _may_be_newline(body[i:j]):
                return False
            i = j
        elif c == "[":
            j = _class_end(body, i)
            if j is None or _may_be_newline(body[i:j]):
                return False
            i = j
        elif c == "(":
            if not body.startswith("(?", i):
                i += 1  # a capturing group
                continue
            m = _FLAG_GROUP.match(body, i)
            if m is None:
                return False  # a look-around, a call, a conditional, an atomic group, flags for the rest
            i = m.end()
        elif c in ".\n" or (c == "{" and body[i + 1 : i + 2].isalpha()):
            return False  # a dot (with the DOTALL flag it takes a line break), a line break, a fuzzy constraint
        else:
            i += 1  # a literal character, a quantifier, an alternation, an anchor
    return True


def _may_be_newline(atom: str) -> bool:
    """Whether the one-character ``atom`` (an escape or a class) matches a line break (True where it does not compile alone)."""
    try:
        return regex.compile(atom, regex.VERSION1 | regex.UNICODE).fullmatch("\n") is not None
    except regex.error:
        return True


#: :func:`openings` looks at most this many characters from where a match starts ...
OPENINGS_DEPTH = 3
#: ... and stops lengthening its strings where there would be more than this many
OPENINGS_MAX = 64
#: the characters of an ASCII line (a line holds no line break)
_ASCII_LINE_CHARACTERS = [chr(i) for i in range(128) if chr(i) != "\n"]
#: the non-ASCII characters of most news lines that have any: typographic quotes, dashes, the
#: ellipsis, the no-break space (none is in :data:`.pattern.FOLD_UNSAFE`: tests/test_residue_perf.py)
TYPOGRAPHIC = "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00a0"
#: the characters of a line of ASCII and :data:`TYPOGRAPHIC` characters (:meth:`KeywordIndex.admitted_plain` tells such a line)
_TYPOGRAPHIC_LINE_CHARACTERS = _ASCII_LINE_CHARACTERS + list(TYPOGRAPHIC)


def openings(pattern: regex.Pattern[str], alphabet: Sequence[str] = _ASCII_LINE_CHARACTERS) -> list[str] | None:
    """Short strings one of which every match of ``pattern`` in an ASCII line holds, or None where no such list was found.

    (With ``alphabet``: in a line of those characters. A non-ASCII line of
    news mostly holds typographic quotes and dashes besides ASCII; judged
    over those too, it skips the gating patterns' joined search as an
    ASCII line does.)

    Every match of ``pattern`` is one of its :func:`relaxed` pattern, whose
    first characters partial matching judges soundly (:func:`prefix_safe`):
    the match's first character is one the relaxed pattern can begin with,
    its first two one it can begin with, and so on. The strings are built
    that way over the ASCII characters, one character longer at a time, up
    to :data:`OPENINGS_DEPTH` (a string the relaxed pattern matches whole
    stops there: that match may be all there is), or shorter where the
    longer ones would exceed :data:`OPENINGS_MAX`. An ASCII line that holds
    none of them holds no match (``\\d[:.]\\d`` needs ``0.0``, ``0:0``, … ``9:9``;
    ``(?:AP|BC)-[A-Z]`` ``AP-`` or ``BC-``). None where the relaxed pattern
    can match nothing at all (then every line may hold a match) or where
    there is no relaxed pattern.
    """
    loose = relaxed(pattern.pattern)
    if loose is None or pattern.flags & (regex.VERBOSE | regex.REVERSE):
        return None
    judge = regexcache.compile(loose, pattern.flags)
    if judge.match("") is not None:
        return None
    found: list[str] = []
    frontier = [""]
    for _ in range(OPENINGS_DEPTH):
        longer = []
        ended = []
        for s in frontier:
            for c in alphabet:
                m = judge.match(s + c, partial=True)
                if m is not None:
                    (longer if m.partial else ended).append(s + c)
        if len(longer) > OPENINGS_MAX:
            break  # (every string of frontier is a string one of which a match holds)
        found += ended
        frontier = longer
        if not frontier:
            break
    return found + frontier


#: What :func:`search_core` does not read: references and calls (to a group it may leave out),
#: conditionals, branch resets, comments, inline flags for the rest of a group, ``\K``, ``\G``,
#: ``\X``, fuzzy constraints.
_CORE_REFUSED = re.compile(r"\\[gkKGX1-9]|\(\?(?:P=|P>|&|\(|R|[+-]?\d|\||#|[a-zA-Z^-]*\))|(?<!\\[pP])\{[^}]*[a-zA-Z<>=]")
#: a quantifier :func:`_elements` reads (``{m,n}``; ``?``, ``*`` and ``+`` are single characters)
_COUNTED = re.compile(r"\{\d*(?:,\d*)?\}")
#: the opening of a group whose branches :func:`_branch_core` may shorten: plain, non-capturing, with scoped flags, named
_OPEN_GROUP = re.compile(r"\((?:\?[a-zA-Z-]*:|\?P?<\w+>|(?!\?))")
#: escapes that spell a character with digits or a name (``\x27``, ``\u2019``, ``\N{…}``, ``\012``): read as one atom only by ``regex``
_SPELLED_ESCAPES = frozenset("xuUNo0123456789")
#: a core is searched before a rule's line pattern only where its branches begin with at most this many distinct characters
CORE_FIRSTS = 3


@functools.lru_cache(maxsize=256)
def search_core(pattern: str) -> tuple[str, frozenset[str]] | None:
    """A pattern that a search finds in every line ``pattern`` matches, with the characters its branches begin with; or None.

    Each branch of ``pattern`` loses its leading elements (atoms, classes,
    look-arounds, quantified groups, ...) up to its first literal character
    or unquantified group; a group met so has its own branches shortened
    the same way, and whatever follows is kept as it is. A match of the
    pattern holds a match of what is left of the branch it took: that part
    matched there, in the same text, with the same look-arounds around it,
    and a search tries every position. Costly gated rules open with what
    makes a failing match slow: ``[^\\n]{0,300}?`` before their keyword, a
    look-ahead that reads the whole line, ``(?:[^\\n.!?]{1,200}+[.!?]
    ){0,2}`` before a ``we'd like to hear``; the core of ``feedback-cta``
    is two literal-led phrases, which a search rejects in a few
    microseconds, while the keyword ``hear`` admits many lines.

    None where a branch keeps nothing, a group's number or name could be
    referred to, or the pattern holds what this reading does not follow
    (:data:`_CORE_REFUSED`, escapes that spell a character, nested sets).
    Kept per pattern: every engine built in a process asks again for the same rules.
    """
    if _CORE_REFUSED.search(pattern):
        return None
    try:
        tokens = _tokens(pattern, False)
    except ValueError:
        return None
    for a, b, _ in tokens:
        if (pattern[a] == "\\" and pattern[a + 1 : a + 2] in _SPELLED_ESCAPES) or (pattern[a] == "[" and _nested(pattern[a:b])):
            return None
    closing: dict[int, int] = {}  # a group's opening token -> its closing one
    opened: list[int] = []
    for k, (_, _, kind) in enumerate(tokens):
        if kind == "(":
            opened.append(k)
        elif kind == ")":
            if not opened:
                return None
            closing[opened.pop()] = k
    if opened:
        return None
    return _CoreReader(pattern, tokens, closing).alternatives(0, len(tokens))


class _CoreReader:
    """:func:`search_core` over one pattern's tokens (:func:`.by_mark._tokens`), read once: branches and groups are ranges of them."""

    def __init__(self, pattern: str, tokens: list[tuple[int, int, str]], closing: dict[int, int]) -> None:
        self.pattern, self.tokens, self.closing = pattern, tokens, closing

    def text(self, lo: int, hi: int) -> str:
        """The source of tokens ``lo`` to ``hi`` (exclusive)."""
        return self.pattern[self.tokens[lo][0] : self.tokens[hi - 1][1]] if lo < hi else ""

    def alternatives(self, lo: int, hi: int) -> tuple[str, frozenset[str]] | None:
        """The core of each top-level branch of tokens ``lo`` to ``hi``, joined again."""
        cores, firsts = [], set()
        start, k = lo, lo
        while k <= hi:
            if k == hi or self.tokens[k][2] == "|":
                found = self.branch(start, k)
                if found is None:
                    return None
                cores.append(found[0])
                firsts |= found[1]
                start = k + 1
                k += 1
            elif self.tokens[k][2] == "(":
                k = self.closing[k] + 1
            else:
                k += 1
        return "|".join(cores), frozenset(firsts)

    def branch(self, lo: int, hi: int) -> tuple[str, frozenset[str]] | None:
        """One branch without its leading elements, up to its first literal character or unquantified group."""
        k = lo
        while k < hi:
            end = self.closing[k] + 1 if self.tokens[k][2] == "(" else k + 1
            after = self.quantified(end, hi)
            if after is None:
                return None
            element = self.text(k, end)
            quantifier = self.text(end, after)
            rest = self.text(after, hi)
            optional = quantifier[:1] in ("?", "*") or quantifier.startswith(("{0", "{,"))
            if element[0] != "(":
                if element[0] == "{":
                    return None  # (a brace this reading does not know)
                if not optional and _literal(element):
                    return element + quantifier + rest, frozenset({element[-1].casefold()})
            elif not quantifier and not element.startswith(_LOOKAROUND):
                # (a quantified group goes: its later repetitions start where its shortened branches would not)
                opening = _OPEN_GROUP.match(element)
                inner = None if opening is None else self.alternatives(k + 1 + self._opening_tokens(k, opening.end()), end - 1)
                if inner is None:
                    return element + rest, frozenset({"("})  # an atomic group or another kind: kept whole (and never searched first)
                return opening.group() + inner[0] + ")" + rest, inner[1]  # type: ignore[union-attr]
            k = after
        return None

    def _opening_tokens(self, k: int, width: int) -> int:
        """How many tokens after the ``(`` at ``k`` spell the rest of a group's opening ``width`` characters long (``?i:``, ``?P<name>``)."""
        stop = self.tokens[k][0] + width
        n = 0
        while self.tokens[k + 1 + n][0] < stop:
            n += 1
        return n

    def quantified(self, k: int, hi: int) -> int | None:
        """The token after the quantifier at ``k`` (``k`` where there is none); None where a ``{`` is no quantifier this reading knows."""
        tokens, pattern = self.tokens, self.pattern
        if k >= hi or tokens[k][2] != "atom" or pattern[tokens[k][0]] not in "?*+{":
            return k
        if pattern[tokens[k][0]] == "{":
            counted = _COUNTED.match(pattern, tokens[k][0])
            if counted is None:
                return None
            while k < hi and tokens[k][0] < counted.end():
                k += 1
        else:
            k += 1
        if k < hi and tokens[k][2] == "atom" and pattern[tokens[k][0]] in "?+":
            k += 1  # lazy or possessive
        return k


def _literal(atom: str) -> bool:
    """Whether the atom ``atom`` is one literal character (``a``, ``\\(``), not a class, an escape class, a dot or an anchor."""
    if atom[0] == "\\":
        return len(atom) == 2 and not atom[1].isalnum() and not atom[1].isspace()
    return len(atom) == 1 and atom not in ".^$[]{}()|?*+"


class _PrefixGate:
    """Which of some rules can match a line, judged by its first :data:`PREFIX` characters, remembered per beginning.

    Most short lines are titles and sentences that no residue rule can start
    with, and a regex call per line (with its time-out, two clock reads)
    cost more than the match. Where no item of :data:`EDGE` can start the
    line, every match of a rule starts at the line's first character, so the
    rule can match the line only if its pattern can begin with the line's
    first characters (or match fewer of them). ``regex``'s partial matching
    tells that for each rule's :func:`relaxed` pattern (a rule with none is
    always admitted). A beginning holding a character whose case folding is
    not one to one (:data:`.pattern.FOLD_UNSAFE`) admits every rule. The
    first :data:`PREFIX` characters are judged first (few distinct ones:
    most lines are turned away from a short memo), then the rules they admit
    on the first :data:`LONG_PREFIX` (a sentence that starts with ``The``
    could be a numbered link, ``The mayor`` cannot).

    With ``from_end`` the gate judges how a line *ends* instead: the rules'
    relaxed patterns are read backwards (``regex.REVERSE``: partial matching
    then tells whether a match can end with the characters given), the keys
    are a line's last characters, and a line an item of :data:`EDGE` may end
    (:data:`EDGE_LAST`) admits every rule. Most short lines end in a full
    stop, where a headline link (``residue.caps-link``, ``residue.tagged-link``),
    a byline or a buy button cannot end.
    """

    def __init__(self, patterns: Sequence[regex.Pattern[str] | None], from_end: bool = False) -> None:
        self._patterns = list(patterns)
        #: bit k stands for rule k (the k-th pattern)
        self.every = (1 << len(self._patterns)) - 1
        self.from_end = from_end
        # (with from_end: whether an edge may end the key; a reversed pattern's match is anchored at its end)
        self._edge_first = regexcache.compile(
            EDGE_LAST if from_end else EDGE_FIRST, regex.VERSION1 | regex.UNICODE | (regex.REVERSE if from_end else 0)
        )
        # beginning -> [the rules judged on it, those admitted], as bit masks: a rule is judged
        # on a beginning the first time a line asks about it (most lines ask about a few)
        self._memo: dict[str, list[int]] = {}
        self._long_memo: dict[str, list[int]] = {}
        #: sets of rules (bit masks) asked about together on every line, first judged together (:meth:`_joined_of`)
        self.joinable: set[int] = set()
        #: such a set -> one pattern for them all (None: one has no pattern)
        self._joined: dict[int, regex.Pattern[str] | None] = {}

    @classmethod
    def of(cls, specs: Sequence[RuleSpec], from_end: bool = False) -> _PrefixGate:
        """The gate of these rules, each by its :func:`relaxed` pattern (read backwards ``from_end``)."""
        relaxed_patterns = [relaxed(spec.params["pattern"]) for spec in specs]
        flags = regex.REVERSE if from_end else 0
        return cls([None if r is None else compile_regex(spec, r, flags) for spec, r in zip(specs, relaxed_patterns)], from_end)

    @property
    def judges_all(self) -> bool:
        """Whether every rule has a pattern to be judged by (else some line always passes)."""
        return all(p is not None for p in self._patterns)

    def key(self, text: str, start: int, stop: int, length: int) -> str:
        """The line's first ``length`` characters (its last, ``from_end``): what the gate judges and remembers."""
        if self.from_end:
            return text[stop - length if stop - length > start else start : stop]
        return text[start : start + length if start + length < stop else stop]

    def admitted(self, text: str, start: int, stop: int, among: int, first: bool = False) -> int:
        """The rules of ``among`` (a bit mask) that may match the line ``text[start:stop]``.

        With ``first`` only whether there is one is wanted: the rules are
        judged in order up to the first that both beginnings admit. (Most
        calls find their answer in the memos: that path is written out.)
        """
        short = self.key(text, start, stop, PREFIX)
        entry = self._memo.get(short)
        found = entry[1] & among if entry is not None and not among & ~entry[0] else self._judge(self._memo, short, among, first)
        if not found or stop - start <= PREFIX:
            return found
        longer = self.key(text, start, stop, LONG_PREFIX)
        entry = self._long_memo.get(longer)
        if entry is not None and not found & ~entry[0]:
            found_longer = entry[1] & found
        else:
            found_longer = self._judge(self._long_memo, longer, found, first)
        if found_longer or not first:
            return found_longer
        # with first: every rule of found was judged on the longer beginning and refused; the others may remain
        among &= ~found
        while among:
            found = self._judge(self._memo, short, among, True)
            if not found:
                return 0
            found_longer = self._judge(self._long_memo, longer, found, True)
            if found_longer:
                return found_longer
            among &= ~found
        return 0

    def short(self, text: str, start: int, stop: int, among: int) -> int:
        """The rules of ``among`` that may begin with the line's first :data:`PREFIX` characters (the first half of :meth:`admitted`).

        Few beginnings are that short, so the memo answers nearly every line
        whatever it is asked, where judging the longer beginning of a new
        line costs a partial match per rule asked about. (With ``from_end``: its last characters.)
        """
        key = self.key(text, start, stop, PREFIX)
        entry = self._memo.get(key)
        if entry is not None and not among & ~entry[0]:
            return entry[1] & among
        return self._judge(self._memo, key, among, False)

    def admits(self, text: str, start: int, stop: int) -> bool:
        """Whether one of the rules may match the line ``text[start:stop]`` (False: none can)."""
        return self.admitted(text, start, stop, self.every, first=True) != 0

    def _joined_of(self, rules: int) -> regex.Pattern[str] | None:
        """One pattern for the relaxed patterns of ``rules`` (a bit mask): it can begin with a key where one of theirs can.

        A new beginning (most lines of a fresh process have one) was judged
        by a partial match per rule asked about, twenty or more for the
        ungated rules; most beginnings none of them admits, which one partial
        match of their alternation tells. None where a rule has no pattern.
        """
        joined = self._joined.get(rules, _UNJOINED)
        if joined is _UNJOINED:
            members = [p for k, p in enumerate(self._patterns) if rules >> k & 1]
            joined = self._joined[rules] = (
                None
                if not members or any(p is None or p.flags != members[0].flags for p in members)
                else regexcache.compile("|".join(f"(?:{p.pattern})" for p in members), members[0].flags)  # type: ignore[union-attr]
            )
        return joined

    def _judge(self, memo: dict[str, list[int]], key: str, among: int, first: bool) -> int:
        """The rules of ``among`` that may begin with ``key`` (with ``first``: judged in order up to the first that may)."""
        entry = memo.get(key)
        if entry is None:
            if len(memo) >= PREFIX_MEMO:
                memo.clear()
            # where an edge may start the line, a match may start later: every rule is admitted
            unjudged = self._edge_first.match(key) is not None or fold(key) is None
            entry = memo[key] = [self.every, self.every] if unjudged else [0, 0]
        judged, admitted = entry
        if among & ~judged:
            if admitted & among and first:
                return admitted & among
            patterns = self._patterns
            todo = among & ~judged
            if todo in self.joinable and todo.bit_count() >= JOIN_MIN:
                joined = self._joined_of(todo)
                if joined is not None and joined.match(key, partial=True) is None:
                    entry[0] = judged | todo  # none of them can begin so
                    return admitted & among
            while todo:  # the rules asked about and not judged yet, in order
                bit = todo & -todo
                todo ^= bit
                judged |= bit
                p = patterns[bit.bit_length() - 1]
                if p is None or p.match(key, partial=True) is not None:
                    admitted |= bit
                    if first:
                        break
            entry[0], entry[1] = judged, admitted
        return admitted & among


def _core_pattern(spec: RuleSpec) -> _OnFirstUse | None:
    """The rule's :func:`search_core`, compiled when first needed, where its branches begin with at most :data:`CORE_FIRSTS` characters; else None.

    A search for a core whose branches open with a few characters
    (``we``/``tell``, ``(``) skips the rest of the line in C; one whose
    branches open with many words (``privacy``, ``terms``, ``cookie``, …)
    tries them at every position and cost more than the failing match it
    was to spare (measured on perf-news).
    """
    found = search_core(spec.params["pattern"])
    if found is None or len(found[1]) > CORE_FIRSTS:
        return None
    return _OnFirstUse(spec, found[0])


#: what :meth:`_Alternation._plan` works out for a set of gating patterns: each with its rules (a bit mask),
#: one pattern for them all (None for one), their openings for ASCII lines and for typographic ones (None: none found)
_Plan = tuple[list[tuple[regex.Pattern[str], int]], regex.Pattern[str] | None, re.Pattern[str] | None, re.Pattern[str] | None]


class _Alternation:
    """The rules of one kind, tried on a line as one alternation would try them.

    The full alternation ``EDGE (?:B0|B1|…) EDGE`` matches a line with the
    rule that succeeds after the *longest* leading edge (white space,
    invisible characters, ``[ad_N]``) and, among those, the first in pack
    order: that is the order its backtracking tries them in. The ungated
    rules stay one alternation, which gives its own winner and edge length;
    each gated rule whose condition holds on the line is tried alone (its
    match gives its longest edge), and the best (longest edge, then first
    rule) wins, the same rule the full alternation picks. A gated rule that
    fails its condition cannot match the line, so leaving it out changes
    nothing.
    """

    def __init__(self, specs: Sequence[RuleSpec], idxs: Sequence[int], gates: dict[int, Requires]) -> None:
        self._free_idxs = [i for i in idxs if i not in gates]
        self.free = _alternation(specs, self._free_idxs)
        # each ungated rule alone, tried in turn where the prefix gate admits only some of them
        self._free_alone = [(i, _OnFirstUse(specs[i], _alternation_source(specs, [i]))) for i in self._free_idxs]
        self.gated = [(i, gates[i], _OnFirstUse(specs[i], _alternation_source(specs, [i]))) for i in idxs if i in gates]
        #: per gated rule, its :func:`search_core` where one is worth a search before the line pattern (None: none)
        self._cores = [_core_pattern(specs[i]) for i, _, _ in self.gated]
        # one prefix gate for all the rules, the ungated first (bit k: the k-th ungated rule, then
        # bit len(free) + pos: gated rule pos): each rule is tried only on lines it can begin
        self._prefix = _PrefixGate.of([specs[i] for i in self._free_idxs] + [specs[i] for i, _, _ in self.gated])
        # ... and one for how a line ends, asked only about the rules about to be tried alone
        self._suffix = _PrefixGate.of([specs[i] for i in self._free_idxs] + [specs[i] for i, _, _ in self.gated], from_end=True)
        self._free_every = (1 << len(self._free_idxs)) - 1
        #: whether every ungated rule has a pattern to be judged by (else the ungated part is always the whole alternation)
        self._free_judged = bool(self._free_idxs) and all(p is not None for p in self._prefix._patterns[: len(self._free_idxs)])
        # which gated rules' words a line holds, each word naming the rules it admits
        owners: dict[str, set[int]] = {}
        for pos, (_, gate, _) in enumerate(self.gated):
            for k in gate.keywords:
                owners.setdefault(k, set()).add(pos)
        self._keywords = KeywordIndex({k: frozenset(o) for k, o in owners.items()}, TYPOGRAPHIC)
        # the rules gated by a pattern, by distinct pattern ('\d[:.]\d' gates two rules)
        by_pattern: dict[str, list[int]] = {}
        for pos, (_, gate, _) in enumerate(self.gated):
            if gate.pattern is not None:
                by_pattern.setdefault(gate.pattern.pattern, []).append(pos)
        self._patterns = [(self.gated[poss[0]][1].pattern, frozenset(poss), sum(1 << p for p in poss)) for poss in by_pattern.values()]
        self._pattern_gated = sum(mask for _, _, mask in self._patterns)
        self._gated_every = (1 << len(self.gated)) - 1
        #: the gated rules no pattern gates (their keywords alone admit them)
        self._keyword_gated = ~self._pattern_gated & self._gated_every
        # what every line asks the prefix gate about: first judged together on a new beginning
        self._prefix.joinable.update(m for m in (self._free_every, self._pattern_gated << len(self._free_idxs)) if m)
        #: the rules whose gating patterns a line needs searched (a bit mask) -> :meth:`_plan` of them
        self._plans: dict[int, _Plan] = {}
        #: a gating pattern's source and whether the line may hold TYPOGRAPHIC characters -> its :func:`openings` over
        #: that alphabet (worked out when a plan first needs them)
        self._openings: dict[tuple[str, bool], list[str] | None] = {}
        self._edge_item = regexcache.compile(EDGE_ITEM, regex.VERSION1 | regex.UNICODE)

    @property
    def _prefix_gate(self) -> _PrefixGate | None:
        """The prefix gate, where it judges the ungated rules (for tests)."""
        return self._prefix if self._free_judged else None

    def _candidates(self, text: str, start: int, stop: int, short: int) -> int:
        """The rules (bit ``pos``: :attr:`gated` ``[pos]``) whose condition holds on the line (each :meth:`Requires.found`).

        ``short``: the gated rules the line's first characters let begin it
        (:meth:`_PrefixGate.short`). A gating pattern is searched only for
        rules among them that no keyword admitted: most lines begin as no
        date or time line can, and skip the searches for ``\\d[:.]\\d`` and
        ``\\d{4}``. A rule left out so is one the prefix gate turns away.
        """
        line = text[start:stop]
        # (a line of ASCII and TYPOGRAPHIC characters, most lines: none of them is fold-unsafe, see :func:`.pattern.fold`)
        admitted = self._keywords.admitted_plain(line)
        typographic = admitted >= 0
        if not typographic:
            if _FOLD_UNSAFE_RE.search(line) is not None:
                return self._gated_every  # a keyword test could miss: all are candidates
            admitted = self._keywords.admitted_bits(line.casefold())
        need = short & self._pattern_gated & ~admitted
        if need:
            plan = self._plans.get(need)
            if plan is None:
                plan = self._plans[need] = self._plan(need)
            todo, joined, opening, typographic_opening = plan
            if not line.isascii():
                opening = typographic_opening if typographic else None
            if opening is not None and opening.search(line) is None:
                return admitted  # (no match of a gating pattern can begin anywhere in the line)
            if joined is not None and joined.search(text, start, stop) is None:
                return admitted
            for pattern, mask in todo:
                if mask & ~admitted and pattern.search(text, start, stop) is not None:
                    admitted |= mask
        return admitted

    def _plan(self, need: int) -> _Plan:
        """The gating patterns of the rules ``need`` (a bit mask), with their rules, one pattern for them all where there are several, and their :func:`openings` as one ``re`` pattern (or None), for ASCII lines and for lines of ASCII and :data:`TYPOGRAPHIC` characters.

        One search for the patterns a line needs rejects most lines for the
        price of one (see :func:`_any_of`); which rules a line needs
        searched for is one of a few sets, each planned once. On an ASCII
        line, the search for their openings (a few short strings, in
        ``re``) rejects most lines for less again: the joined ``regex`` search
        tried each alternative at each position (about 5 µs a line).
        """
        todo = [(pattern, mask) for pattern, _, mask in self._patterns if mask & need]
        either = []
        for typographic, alphabet in ((False, _ASCII_LINE_CHARACTERS), (True, _TYPOGRAPHIC_LINE_CHARACTERS)):
            found = []
            for pattern, _ in todo:
                key = (pattern.pattern, typographic)
                if key not in self._openings:
                    self._openings[key] = openings(pattern, alphabet)
                found.append(self._openings[key])
            either.append(None if any(o is None for o in found) else re.compile(_trie_pattern(sorted({s for o in found for s in o}))))  # type: ignore[union-attr]
        return todo, (_any_of([pattern for pattern, _ in todo]) if len(todo) > 1 else None), either[0], either[1]

    def _free_winner(self, m: regex.Match[str]) -> int:
        """The rule whose branch of :attr:`free` made match ``m``.

        Usually ``m.lastgroup`` names it; a rule's own named groups can take
        that place (with a name two rules share, ``regex`` reports the shared
        one), and then the one branch whose group took part is looked for.
        """
        name = m.lastgroup
        if name is not None and name.startswith(RULE_GROUP):
            return int(name[len(RULE_GROUP) :])
        return next(i for i in self._free_idxs if m.start(_rule_group(i)) != -1)

    def _free_match(self, text: str, start: int, stop: int, short: int) -> tuple[int, int] | None:
        """``(-edge end, rule index)`` of the ungated rule that matches the whole line ``text[start:stop]``, or None.

        ``short``: the ungated rules the line's first characters let begin it
        (bit k: the k-th; :meth:`_PrefixGate.short`). Where that is all of
        them (an edge may start the line, or every rule may begin so) or the
        gate cannot judge them all, the alternation of them all is tried:
        one regex call. Otherwise no edge can start the line, so the
        alternation's match is that of its first branch (in pack order) that
        matches the whole line: each rule the longer beginning admits too is
        tried alone, in that order, up to the first that matches. The
        alternation walks all its branches on a line most of them cannot
        begin (a headline or a lede), which cost about three times as much
        as trying the one or two that can.
        """
        if self._free_judged and short != self._free_every:
            admitted = self._prefix.admitted(text, start, stop, short) if short else 0
            if admitted:
                admitted = self._suffix.admitted(text, start, stop, admitted)
            while admitted:  # in rule order
                low = admitted & -admitted
                i, alone = self._free_alone[low.bit_length() - 1]
                if alone.pattern.fullmatch(text, start, stop, timeout=REGEX_TIMEOUT) is not None:
                    return -start, i
                admitted ^= low
            return None
        if self._free_judged and not self._prefix.admitted(text, start, stop, self._free_every, first=True):
            return None
        m = self.free.fullmatch(text, start, stop, timeout=REGEX_TIMEOUT)  # type: ignore[union-attr]
        if m is None:
            return None
        i = self._free_winner(m)
        return -m.start(_rule_group(i)), i

    def begins(self, text: str, start: int, stop: int) -> tuple[int, int] | None:
        """What the line's first :data:`PREFIX` characters tell :meth:`match`: the ungated rules and the rules gated by a pattern they let begin it.

        None where no rule can match the line: no ungated rule may begin it
        and no rule has a gate (the block markers, on most lines). The
        answer depends on those characters only, so
        :class:`LineGroupMatcher` keeps it per beginning.
        """
        prefix = self._prefix
        free = 0 if self.free is None else prefix.short(text, start, stop, self._free_every)
        if not self.gated:
            return None if self._free_judged and not free else (free, 0)
        # (asked only about the rules gated by a pattern: judging every rule on each new beginning costs more than it saves)
        return free, prefix.short(text, start, stop, self._pattern_gated << len(self._free_idxs))

    def match(self, text: str, start: int, stop: int, begins: tuple[int, int] | None = None) -> int | None:
        """Index of the rule that matches the whole line ``text[start:stop]``, or None (``begins``: :meth:`begins` of the line, if known)."""
        prefix = self._prefix
        n_free = len(self._free_idxs)
        free, short = self.begins(text, start, stop) or (0, 0) if begins is None else begins
        # (no ungated rule may begin the line, where the gate judges them all: most lines, told without a call)
        best = None if self.free is None or (not free and self._free_judged) else self._free_match(text, start, stop, free)
        if self.gated:
            # (and how it ends: a gating pattern is searched only for rules that may begin and end the line)
            if short:
                short = self._suffix.short(text, start, stop, short)
            short >>= n_free
            candidates = self._candidates(text, start, stop, short | self._keyword_gated)
            if candidates:
                candidates = prefix.admitted(text, start, stop, candidates << n_free)
                if candidates:
                    candidates = self._suffix.admitted(text, start, stop, candidates) >> n_free
            edged: bool | None = None  # whether the line may start with an edge (found out when needed)
            while candidates:  # in rule order
                low = candidates & -candidates
                candidates ^= low
                pos = low.bit_length() - 1
                i, _, lazy = self.gated[pos]
                if best is not None and i > best[1]:
                    # a later rule wins only with a longer edge: none, where no edge can start the line
                    if edged is None:
                        edged = self._edge_item.match(text, start, stop) is not None
                    if not edged:
                        break
                core = self._cores[pos]
                if core is not None and core.pattern.search(text, start, stop, timeout=REGEX_TIMEOUT) is None:
                    continue  # (the rule cannot match the line: see search_core)
                m = lazy.pattern.fullmatch(text, start, stop, timeout=REGEX_TIMEOUT)
                if m is not None:
                    mine = (-m.start(_rule_group(i)), i)
                    if best is None or mine < best:
                        best = mine
        return None if best is None else best[1]


#: a terminator that takes any lines needs at least this many characters of text above it ...
TERMINATOR_MIN_ABOVE = 400
#: ... and at least this many times the length of what it would remove (a block rule's ``min_article_ratio``)
TERMINATOR_MIN_RATIO = 1.0


def _article_above(text: str, marker: int, end: int, ratio: float) -> bool:
    """Whether the text above a terminator at ``marker`` is an article the block (up to ``end``) can follow.

    A marker such as ``Share this:``, ``Comments`` or ``Tags`` also sits
    under a headline as a toolbar (after a standfirst and a byline, too), and
    an inline ``Related Posts:`` box can sit in the middle of the body; there
    the lines after it are the article, not a comment thread. Taken as a
    terminator, that line removed the rest of a short article. So the block
    needs an article above it: at least :data:`TERMINATOR_MIN_ABOVE`
    characters, and ``ratio`` times what it removes: by default
    (:data:`TERMINATOR_MIN_RATIO`) no less, which keeps the second half of
    any article a stray heading splits. A rule sets ``min_article_ratio``
    lower where its marker only ever heads a thread (``Leave a Reply``,
    ``12 Comments``): comment threads run longer than short posts.
    """
    above = len(text[:marker].strip())
    return above >= TERMINATOR_MIN_ABOVE and above >= ratio * (end - marker)


#: How many lines' texts :class:`LineGroupMatcher` remembers what they matched (then it starts afresh).
#: Residue repeats across documents ('Share this:', '[ad_2]Source link', 'Post a Comment': a quarter
#: of perf-news's short lines are five texts), and a line already met needs no regex. Few: a line
#: met again long after (a headline two thousand documents on) is worth less than the memory, and a
#: benchmark that reads the same documents again should not find every line remembered.
LINE_MEMO = 1024


class LineGroupMatcher(Matcher):
    """All line and block rules of one engine, matched in one pass each.

    Line rules and block markers are two alternations, so a line that both a
    line rule and a block rule match (``Comments``, ``Tags``) is known as
    both: removable where the line rule allows, and a terminator at the end.
    """

    def __init__(self, specs: list[RuleSpec]) -> None:
        self.specs = specs
        self.rule_ids = tuple(s.id for s in specs)
        bare = [compile_regex(spec, spec.params["pattern"]) for spec in specs]  # (names the culprit on error)
        for spec, own in zip(specs, bare):
            if any(name.startswith(RULE_GROUP) for name in own.groupindex):
                raise PackError(f"{spec.where()}: group names starting with {RULE_GROUP!r} are scrubber's own; choose another name")
            reference = numbered_reference(spec.params["pattern"])
            if reference is not None:
                raise PackError(
                    f"{spec.where()}: the pattern refers to a group by number ({reference}); line and block patterns are "
                    f"tried together in one regex, where the numbers shift: name the group, as in (?P<word>\\w+) (?P=word)"
                )
            where = spec.params.get("where", "end" if spec.kind == "block" else "anywhere")
            if where not in WHERE:
                raise PackError(f"{spec.where()}: 'where' must be one of {', '.join(WHERE)}, not {where!r}")
            follow = spec.params.get("follow", "any")
            if follow not in FOLLOW:
                raise PackError(f"{spec.where()}: 'follow' must be one of {', '.join(FOLLOW)}, not {follow!r}")
            if spec.kind == "block" and where not in ("end", "anywhere"):
                raise PackError(f"{spec.where()}: a block works at the end (where = 'end') or, with follow = 'headlines', anywhere")
            if int(spec.params.get("min_matches", 1)) < 1:
                raise PackError(f"{spec.where()}: 'min_matches' must be at least 1")
            if spec.kind == "block" and where == "anywhere" and follow != "headlines":
                raise PackError(f"{spec.where()}: a block away from the end must only take headlines (follow = 'headlines')")
        self._where = [s.params.get("where", "end" if s.kind == "block" else "anywhere") for s in specs]
        self._headlines = [s.params.get("follow", "any") == "headlines" for s in specs]
        self._keep_title = [bool(s.params.get("keep_title", False)) for s in specs]
        self._skip_ranked = [bool(s.params.get("skip_ranked", False)) for s in specs]
        self._skip_beside = [
            None if s.params.get("skip_beside") is None else compile_regex(s, rf"{EDGE}(?:{s.params['skip_beside']}){EDGE}") for s in specs
        ]
        self._max_after = [int(s.params.get("max_after", 8)) for s in specs]
        self._article_ratio: list[float | None] = [s.params.get("min_article_ratio") for s in specs]
        self._min_matches = [int(s.params.get("min_matches", 1)) for s in specs]
        #: the rules with a neighbour check in :meth:`_found` (skip_ranked, skip_beside, min_matches): most documents' candidates have none
        self._checked = frozenset(
            i for i in range(len(specs)) if self._skip_ranked[i] or self._skip_beside[i] is not None or self._min_matches[i] > 1
        )
        # terminators that take any lines: tried one by one on a block line whose first rule
        # (a headline block such as 'You may also like') cannot take what follows it
        self._terminators = [(i, line_pattern(s)) for i, s in enumerate(specs) if s.kind == "block" and not self._headlines[i]]
        gates: dict[int, Requires] = {}
        for i, spec in enumerate(specs):
            requires = Requires.of(spec)
            if requires is not None:
                check_gate(spec, requires, bare[i])
                gates[i] = requires
        self._alternations = []
        for kind in ("line", "block"):
            idxs = [i for i, s in enumerate(specs) if s.kind == kind]
            if idxs:
                self._alternations.append(_Alternation(specs, idxs, gates))
        # what each line's text matched, where no rule looks past a line (see line_local)
        local = all(line_local(s.params["pattern"]) and line_local(s.params.get("requires_pattern", "")) for s in specs)
        self._line_memo: dict[str, tuple[tuple[int, int], ...]] | None = {} if local else None
        #: a line's first characters -> :meth:`_Alternation.begins` of each alternation
        self._begins: dict[str, tuple[tuple[int, int] | None, ...]] = {}

    def _line_hits(self, text: str, start: int, stop: int) -> tuple[tuple[int, int], ...]:
        """``(k, rule index)`` for each alternation ``k`` whose rules match the whole line ``text[start:stop]``.

        What the line's first characters tell each alternation
        (:meth:`_Alternation.begins`) is looked up once per line, kept per
        beginning: an alternation none of whose rules may begin the line is
        not asked (the block markers, on nearly every line).
        """
        end = start + PREFIX
        key = text[start : end if end < stop else stop]
        begins = self._begins.get(key)
        if begins is None:
            if len(self._begins) >= PREFIX_MEMO:
                self._begins.clear()
            begins = self._begins[key] = tuple(alternation.begins(text, start, stop) for alternation in self._alternations)
        found = []
        for k, alternation in enumerate(self._alternations):
            known = begins[k]
            if known is not None:
                idx = alternation.match(text, start, stop, known)
                if idx is not None:
                    found.append((k, idx))
        return tuple(found)

    def _hits(self, text: str) -> list[dict[int, int]] | None:
        """Per regex: line start offset -> index of the first rule whose pattern is the whole line; None where no line matched.

        Only lines of at most :data:`MAX_LINE` characters are tried, each
        bounded to itself (a pattern's ``\\s`` cannot reach into the next line).
        A line whose text (and whether it is the first) was met lately gets
        what it matched then (:data:`LINE_MEMO`). Most documents have no
        residue line: their answer is None, with no mapping made.
        """
        hits: list[dict[int, int]] | None = None
        memo = self._line_memo
        try:
            for start, stop in short_lines(text):
                if memo is None:
                    found = self._line_hits(text, start, stop)
                else:
                    key = text[start - 1 if start else 0 : stop]  # from the line break before it, but on the first line
                    known = memo.get(key)
                    if known is None:
                        if len(memo) >= LINE_MEMO:
                            memo.clear()
                        known = memo[key] = self._line_hits(text, start, stop)
                    found = known
                if found:
                    if hits is None:
                        hits = [{} for _ in self._alternations]
                    for k, idx in found:
                        hits[k][start] = idx
        except TimeoutError:
            raise RuleTimeout(f"line rules {', '.join(self.rule_ids[:3])}… took longer than {REGEX_TIMEOUT}s on one line") from None
        return hits

    def find(self, ctx: DocContext) -> Iterable[Finding]:
        """The line and block findings on the document: none, without a generator, where no line matched (most documents)."""
        text = ctx.text
        hits = self._hits(text)
        return () if hits is None else self._found(text, hits)

    def _found(self, text: str, hits: list[dict[int, int]]) -> Iterator[Finding]:
        """The findings, from what each line matched (:meth:`_hits`): candidates, their neighbours, then zones."""
        lines = _split_lines(text)
        cand: dict[int, int] = {}  # line number -> line rule
        bcand: dict[int, int] = {}  # line number -> block rule
        title = self._title_line(lines, hits)
        for i, line in enumerate(lines):
            if line.blank:
                continue
            for h in hits:
                idx = h.get(line.start)
                if idx is not None and not (i == title and self._keep_title[idx]):
                    (bcand if self.specs[idx].kind == "block" else cand)[i] = idx
        if not self._checked.isdisjoint(cand.values()):
            if any(self._skip_ranked[idx] for idx in cand.values()):
                for i in ranked_lines(text, lines) & cand.keys():
                    if self._skip_ranked[cand[i]]:
                        del cand[i]
            if any(self._skip_beside[idx] is not None for idx in cand.values()):
                self._drop_beside(text, lines, cand)
            if any(self._min_matches[idx] > 1 for idx in cand.values()):
                self._drop_lone(cand)
        yield from self._findings(text, lines, cand, bcand)

    def _drop_lone(self, cand: dict[int, int]) -> None:
        """Drop the candidates of ``min_matches`` rules that match fewer lines than that.

        The count is taken after the other neighbour checks and before zones,
        over the lines the rule itself matched: once they are removed, none is
        left to count, so a second run finds nothing new.
        """
        counts = Counter(cand.values())
        for i in [i for i, idx in cand.items() if counts[idx] < self._min_matches[idx]]:
            del cand[i]

    def _drop_beside(self, text: str, lines: list[_Line], cand: dict[int, int]) -> None:
        """Drop the candidates of ``skip_beside`` rules whose neighbour line is what the rule names.

        A lone ``-`` is an empty bullet between teasers, but the value of a
        table cell between two numbers. The neighbour is the nearest non-blank
        line that no rule matched, so removing other residue between them does
        not change the decision on a second run.
        """
        matched = set(cand)
        for i in [i for i, idx in cand.items() if self._skip_beside[idx] is not None]:
            pattern = self._skip_beside[cand[i]]
            for step in (-1, 1):
                j = i + step
                while 0 <= j < len(lines) and (lines[j].blank or j in matched):
                    j += step
                if 0 <= j < len(lines) and pattern.fullmatch(text, lines[j].start, lines[j].stop, timeout=REGEX_TIMEOUT) is not None:
                    del cand[i]
                    break

    def _title_line(self, lines: list[_Line], hits: list[dict[int, int]]) -> int:
        """The document's title: its first line that no title-keeping rule's rivals call residue.

        Rules with ``keep_title`` (a headline-shaped link such as ``WATCH: …``)
        never take this line: at the top of a document it is the article's own
        headline. Lines other rules remove above it (``[ad_1]``) don't count,
        so the title is the same line before and after fixing.
        """
        for i, line in enumerate(lines):
            if line.blank:
                continue
            idxs = [idx for h in hits if (idx := h.get(line.start)) is not None]
            if any(not self._keep_title[idx] for idx in idxs):
                continue
            return i
        return -1

    # -- zones -----------------------------------------------------------
    def _is_end_line(self, idx: int | None) -> bool:
        return idx is not None and self._where[idx] in ("end", "anywhere", "edges")

    def _is_start_line(self, idx: int | None) -> bool:
        return idx is not None and self._where[idx] in ("start", "anywhere", "edges")

    def _headline_run(self, text: str, lines: list[_Line], idx: int, i: int, stop: int, taken_lines: set[int]) -> int:
        """End (exclusive) of the headline block whose marker (rule ``idx``) is line ``i``, not past ``stop``."""
        taken = 0
        j = end = i + 1
        while j < stop:
            line = lines[j]
            if not line.blank:
                if taken >= self._max_after[idx] or j in taken_lines or not is_headline(text[line.start : line.stop]):
                    break
                taken += 1
                end = j + 1
            j += 1
        return end

    def _end_zone(
        self, text: str, lines: list[_Line], cand: dict[int, int], bcand: dict[int, int]
    ) -> tuple[int, dict[int, tuple[int, int]]]:
        """Return the first line of the end zone and the blocks in it (terminator -> (end line, block rule))."""
        z = len(lines)
        blocks: dict[int, tuple[int, int]] = {}
        while z > 0:
            i = z - 1
            if lines[i].blank or self._is_end_line(cand.get(i)):
                z = i
                continue
            # look upward for a terminator whose block reaches down to z
            plain = 0
            t = i
            found = None
            while t >= 0:
                idx = bcand.get(t)
                if idx is not None:
                    found = self._terminator(text, lines, idx, t, z, plain)
                    break
                if not lines[t].blank and not self._is_end_line(cand.get(t)):
                    plain += 1
                    if plain > 50:
                        break
                t -= 1
            if found is None:
                break
            blocks[t] = (z, found)
            z = t
        return z, blocks

    def _terminator(self, text: str, lines: list[_Line], idx: int, t: int, z: int, plain: int) -> int | None:
        """The block rule that makes line ``t`` (first matched by rule ``idx``) a terminator reaching line ``z``, or None.

        A line can be the marker of several blocks (``You may also like`` heads a
        list of links anywhere, and ends the article when only page chrome
        follows): if the first rule's block cannot reach ``z`` (a headline
        block over prose), the terminators that take any lines are tried too.
        """
        line = lines[t]
        options = [idx] + [
            i for i, pattern in self._terminators if i != idx and pattern.fullmatch(text, line.start, line.stop, timeout=REGEX_TIMEOUT)
        ]
        for i in options:
            if plain > self._max_after[i]:
                continue
            if self._headlines[i]:
                if all(lines[k].blank or is_headline(text[lines[k].start : lines[k].stop]) for k in range(t + 1, z)):
                    return i
                continue
            ratio = self._article_ratio[i]
            block_end = lines[z - 1].stop if z > t + 1 else line.stop
            if _article_above(text, line.start, block_end, TERMINATOR_MIN_RATIO if ratio is None else ratio):
                return i
        return None

    def _start_zone(self, text: str, lines: list[_Line], cand: dict[int, int], bcand: dict[int, int], limit: int) -> tuple[int, int]:
        """Return the end (exclusive) of the start zone and its title line (-1 if none).

        The zone is the run of blank and start-matched lines at the top; the
        document's title may stand in it: if the first other line is
        headline-like and start residue follows it (a byline, a date stamp
        under the headline), the zone goes on past it. The title itself stays
        (a block marker such as ``More:`` is not a title).
        """
        h = self._start_run(lines, cand, 0, limit)
        if h < limit and h not in bcand and is_headline(text[lines[h].start : lines[h].stop]):
            after = self._start_run(lines, cand, h + 1, limit)
            if any(not lines[k].blank for k in range(h + 1, after)):
                return after, h
        return h, -1

    def _start_run(self, lines: list[_Line], cand: dict[int, int], h: int, limit: int) -> int:
        while h < limit and (lines[h].blank or self._is_start_line(cand.get(h))):
            h += 1
        return h

    def _message(self, idx: int, n_after: int, what: str) -> str:
        spec = self.specs[idx]
        return f"{spec.message or spec.description} (and the {n_after} {what} after it)" if n_after else ""

    def _findings(self, text: str, lines: list[_Line], cand: dict[int, int], bcand: dict[int, int]) -> Iterator[Finding]:
        z, blocks = self._end_zone(text, lines, cand, bcand)
        h, title = self._start_zone(text, lines, cand, bcand, z)
        spans: list[tuple[int, int, int, str]] = []  # (start, end, spec index, message)

        # start zone: each matched line, with the blank lines after it
        i = 0
        while i < h:
            if i in cand and i != title:
                j = i + 1
                while j < h and lines[j].blank:
                    j += 1
                spans.append((lines[i].start, lines[j - 1].next, cand[i], ""))
                i = j
            else:
                i += 1

        # middle: 'anywhere' lines and headline blocks
        # a headline run stops at a line another rule removes here (its own marker or an
        # 'anywhere' line); a line only an end rule knows is just a headline in the middle
        marked = {i for i, idx in cand.items() if self._where[idx] == "anywhere"} | set(bcand)
        i = h
        while i < z:
            idx, stop, msg = None, i + 1, ""
            b = bcand.get(i)
            if b is not None and self._where[b] == "anywhere":
                idx = b
                stop = self._headline_run(text, lines, b, i, z, marked)
                msg = self._message(b, sum(1 for k in range(i + 1, stop) if not lines[k].blank), "headline(s)")
            elif cand.get(i) is not None and self._where[cand[i]] == "anywhere":
                idx = cand[i]
            if idx is None:
                i += 1
                continue
            end = lines[stop - 1].next
            before_blank = i == 0 or lines[i - 1].blank
            if before_blank and stop < len(lines) and lines[stop].blank:
                end = lines[stop].next  # don't leave two blank lines where there was one
            spans.append((lines[i].start, end, idx, msg))
            i = stop

        # end zone: matched lines and terminator blocks; the first takes the blank lines
        # above it too, so the kept text ends with its own line break, not a blank line
        i = z
        zone_start = lines[z].start if z < len(lines) else len(text)
        while i < len(lines):
            if lines[i].blank:
                i += 1
                continue
            if i in blocks:
                stop, idx = blocks[i]
                msg = self._message(idx, sum(1 for k in range(i + 1, stop) if not lines[k].blank), "line(s)")
            else:
                idx, stop, msg = cand[i], i + 1, ""
            j = stop
            while j < len(lines) and lines[j].blank:
                j += 1
            spans.append((min(zone_start, lines[i].start), lines[j - 1].next, idx, msg))
            zone_start = len(text)
            i = j

        for start, end, idx, msg in spans:
            yield fix_finding(self.specs[idx], start, end, "", message=msg)


@register
class LineKind(Kind):
    name = "line"
    group = "lines"
    actions = ("strip", "flag")
    params = {
        "pattern": (str, True),
        "where": (str, False),
        "requires": (list, False),
        "requires_pattern": (str, False),
        "keep_title": (bool, False),
        "skip_ranked": (bool, False),
        "skip_beside": (str, False),
        "min_matches": (int, False),
    }

    @classmethod
    def compile(cls, specs: list[RuleSpec]) -> list[Matcher]:
        return [LineGroupMatcher(specs)] if specs else []


@register
class BlockKind(Kind):
    name = "block"
    group = "lines"
    actions = ("strip", "flag")
    params = {**LineKind.params, "max_after": (int, False), "follow": (str, False), "min_article_ratio": (float, False)}

    compile = LineKind.compile
