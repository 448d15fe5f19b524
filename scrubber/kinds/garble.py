"""``garble`` kind: sentences broken by machine translation or spinning.

Spun articles (translated into another language and back to disguise
copied news) read almost like English but break in tell-tale ways: a full
stop alone between words, a sentence going on in lower case after a full
stop, text after a closing quote, quotes left open, repeated words, words in
another script, shuffled function words. Each detector is a small function
that yields *spots* ``(start, end, reason)`` in the original text; a pack
rule names its detector (``detector = "orphan-punctuation"``).

All garble and language rules compile into one matcher: it runs the
selected detectors over the document (most are one regex over the whole
text, not a loop over sentences, which keeps the family fast), maps every
spot to its sentence (one shared :mod:`scrubber.text` segmentation) and
yields **one flag per broken sentence**: the span is the sentence (so a
reviewer, or ``--drop-flagged``, drops the sentence), the rule is the
strongest detector that fired, the message lists every reason with its
spot, ``detail`` holds the spots as JSON, and the confidence is the
sentence score (:func:`scrubber.scoring.sentence_score`).

Detectors that only make sense for English prose (``english_only``) switch
off for documents in other languages (:mod:`scrubber.kinds.language`).
"""

from __future__ import annotations

import re
import string
import sys
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from json.encoder import encode_basestring
from typing import Any

import regex

from ..model import Finding, new_finding
from ..scoring import sentence_score
from ..text import LazySegmentation, Span, beyond_ascii, beyond_ascii_of, lowered, segmentation, word_trie
from ..wordruns import _LETTER_BYTES, _RUN_BYTES, _SEPARATORS, RUN_APOSTROPHE, RunSkip, letter_runs, run_bytes, word_run_stretches
from .base import REGEX_TIMEOUT, DocContext, Kind, Matcher, PackError, RuleSpec, RuleTimeout, finditer, register
from .by_mark import ByMark
from .language import HINT_WORDS, document_language, foreign_sentence, plain_typography
from .langwalk import ends_with_any
from .lexicon import ENGLISH_SHARE, NEIGHBOUR_MIN, common_english, english_share, english_zipf, foreign_words
from .mark_scan import Candidates, MarkScan, document_marks, equal_neighbours, equal_neighbours_python, mark_scan, paragraph_marks
from .mark_scan import run_form as kernel_run_form
from .unicode import mojibake_between
from .word_pairs import pair_model

Spot = tuple[int, int, str]
DetectorFn = Callable[[DocContext, LazySegmentation, Mapping[str, Any]], Iterable[Spot]]

_V = regex.VERSION0  # VERSION1 full case folding makes IGNORECASE backreferences ~15x slower


def _quote(s: str, width: int = 40) -> str:
    s = " ".join(s.split())
    return repr(s if len(s) <= width else s[: width - 1] + "…")


def _spots(
    pattern: regex.Pattern[str], text: str, reason: str, rule: str, group: int = 0, lines: Iterable[tuple[int, int]] | None = None
) -> Iterator[Spot]:
    """A spot per match of ``pattern``: over the whole text, or over ``lines`` only (see :func:`_hint_windows`)."""
    for start, end in ((0, len(text)),) if lines is None else lines:
        for m in finditer(pattern, text, rule, start, end):
            yield m.start(group), m.end(group), f"{reason} at {_quote(text[max(0, m.start() - 12) : m.end() + 12])}"


def _hint_starts(text: str, hint: re.Pattern[str], field: str) -> list[int]:
    """Where ``hint`` matches in ``text``, ascending: ``field`` of the compiled kernel's :class:`~.mark_scan.Candidates` when built.

    The kernel's one pass over the text finds these exactly (the tests
    compare them with ``hint.finditer``); as regex scans, each stopped at
    every comma or full stop of the text.
    """
    if (kernel := _mark_scan()) is not None:
        return getattr(kernel.candidates(text), field)  # type: ignore[no-any-return]
    return [m.start() for m in hint.finditer(text)]


def _hint_windows(text: str, starts: Iterable[int]) -> list[tuple[int, int]]:
    """The lines (``(start, end)``, in order) holding one of ``starts`` (ascending: where a hint matches), each from a little before its first.

    A detector whose every match lies on one line and contains a match of
    its hint finds the same matches scanning only these lines
    (``pos``/``endpos``: look-behinds still see the text before a line, and
    ``endpos`` ends the subject like the line break does for ``$``, ``\b``
    and look-aheads that cannot cross it); few lines hold a hint.

    Every match starts at most two characters, plus the blanks before them,
    plus one, before the first character of its hint's match (``. . x``,
    ``word   ,``), so a line is scanned only from there before its first
    hint (news lines are whole paragraphs; the hint is often near their
    end). That start only grows with the hint's position, so the first hint
    of a line bounds every match on it.
    """
    windows = []
    end = -1
    for p in starts:
        if p <= end:
            continue  # a later hint on the same line
        start = text.rfind("\n", 0, p) + 1
        end = text.find("\n", p)
        end = len(text) if end < 0 else end
        at = max(start, p - 2)
        while at > start and text[at - 1] in " \t":
            at -= 1
        windows.append((max(start, at - 1), end))
    return windows


def _blank_run_start(text: str, i: int) -> int:
    """Where the run of spaces and tabs that ends at ``i`` starts (``i`` when there is none)."""
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    return i


#: a text longer than this has each of the detectors' own ``regex`` matches at a position guarded by
#: :data:`~.base.REGEX_TIMEOUT`; a shorter one is matched without the guard (see :func:`_guard`)
_UNGUARDED_LENGTH = 100_000


def _guard(pattern: Any, text: str) -> dict[str, float]:
    """The keyword arguments of a ``pattern.match`` at a position of ``text``: the timeout, where it can matter.

    ``regex`` reads the process's CPU clock twice per call that has a
    timeout: two system calls (vDSO does not serve that clock), about 4 us
    here, more than most of these matches cost (12,000 calls a pass over
    perf-news). The patterns tried this way (:data:`_ORPHAN`, :data:`_TOKENIZED`,
    :data:`_SPACE_QUOTE`, the branches of :data:`_STRAY`) are look-arounds
    around a few characters, each quantifier a single class with nothing
    nested, and no look-around reaches past the line: a match at a position
    costs time linear in its line at worst, milliseconds for a line of
    :data:`_UNGUARDED_LENGTH` characters, never the second of the timeout. So
    the guard is kept only for texts longer than that (scraped text can be a
    16 MB line), and a shorter text meets the same matches and no timeout
    either way. ``re`` patterns take no timeout.
    """
    return {"timeout": REGEX_TIMEOUT} if isinstance(pattern, regex.Pattern) and len(text) > _UNGUARDED_LENGTH else {}


def _matches_at(pattern: Any, text: str, starts: list[int], rule: str) -> list[Any]:
    """What ``pattern.finditer`` finds over each line of ``text``, trying the pattern only at ``starts``.

    ``starts`` must hold the start of every match (a detector derives them
    from where its hints match: a match starts at the hint, or at the run of
    blanks before it, or at the run of letters before it, see each caller).
    A match never crosses a line, so each is tried with the end of its line
    as ``endpos`` (the line break ends ``$`` and the look-aheads as before),
    and in order, skipping a start inside the previous match, as ``finditer``
    does. Each line used to be scanned from its first hint to its end: news
    lines are whole paragraphs, and the hints are few (a few hundred on
    perf-news's 2,402 documents).
    """
    if not starts:
        return []  # (most documents: no hint)
    ordered = sorted(set(starts))
    found: list[Any] = []
    last_end = line_end = -1
    timeout = _guard(pattern, text)
    try:
        for p in ordered:
            if p < last_end:
                continue
            if p > line_end:
                line_end = text.find("\n", p)
                line_end = len(text) if line_end < 0 else line_end
            if (m := pattern.match(text, p, line_end, **timeout)) is not None:
                found.append(m)
                last_end = m.end()
    except TimeoutError:
        raise RuleTimeout(f"rule {rule!r} took longer than {REGEX_TIMEOUT}s on one document and was skipped for it") from None
    return found


# -- orphan punctuation --------------------------------------------------------

#: two marks separated by spaces (". . US", ", ,"), but not a spaced ellipsis
#: (". . ." or ". . . ."); or a full stop/comma alone between two words
_ORPHAN = regex.compile(
    r"""(?<!\.[ \t]?)\.[ \t]+\.(?![ \t]*\.)(?=[ \t]|$)
      | [.,;:][ \t]+[,;:](?=[ \t]|$)
      | (?<=[\p{L}\d][ \t]+)[.,](?=[ \t]+[\p{L}\d"“])""",
    _V | regex.X | regex.M,
)


#: every match of :data:`_ORPHAN` has a mark right after a space or tab on its line; led
#: by the mark, ``re`` skips to the next one in C (most documents have none after a space)
_ORPHAN_HINT = re.compile(r"[.,;:](?<=[ \t].)")


def _orphan_matches(text: str) -> list[Any]:
    """``_ORPHAN.finditer(text)``, tried only where a match can start given its hint.

    Every match holds a mark after a blank (:data:`_ORPHAN_HINT`, which is
    one of tokenized's hints): ``word . word`` starts at that mark, ``. .``
    and ``, ,`` at the mark before the blanks in front of it. Each line that
    held a hint used to be scanned from there to its end (news lines are
    whole paragraphs).
    """
    starts = []
    for p in _hint_starts(text, _TOKENIZED_HINTS[0], "blank_mark"):
        if text[p] in ".,;:":  # (every match of _ORPHAN_HINT is one of tokenized's marks after a blank)
            starts.append(p)
            if (q := _blank_run_start(text, p) - 1) >= 0:
                starts.append(q)
    return _matches_at(_ORPHAN, text, starts, "garble.orphan-punctuation")


def orphan_punctuation(ctx: DocContext, seg: LazySegmentation, params: Mapping[str, Any]) -> Iterator[Spot]:
    """A full stop or comma on its own: ``. . US officials``, ``, ,``, ``word . word``."""
    text = ctx.text
    for m in _orphan_matches(text):
        yield m.start(), m.end(), f"punctuation mark on its own at {_quote(text[max(0, m.start() - 12) : m.end() + 12])}"


# -- lower-case start after a full stop ----------------------------------------

#: words whose full stop is an abbreviation, not a sentence end
_LOWER_ABBREV = frozenset(
    [
        "etc",
        "vs",
        "approx",
        "incl",
        "esp",
        "ca",
        "cf",
        "al",
        "ed",
        "eds",
        "seq",
        "viz",
        "no",
        "nos",
        "vol",
        "pp",
        "fig",
        "figs",
        "est",
        "min",
        "max",
        "avg",
        "mo",
        "mos",
        "yr",
        "yrs",
        "wk",
        "hr",
        "hrs",
        "sec",
        "ft",
        "oz",
        "lb",
        "lbs",
        "mi",
        "km",
        "kg",
        "mg",
        "ml",
        "cm",
        "mm",
        "sq",
        "mph",
        "tbsp",
        "tsp",
        "pt",
        "qt",
        "gal",
        "dept",
        "govt",
        "int",
        "intl",
        "natl",
        "assn",
        "jr",
        "sr",
        "st",
    ]
)
_LOWER_AFTER_STOP = re.compile(r"(?<![^\W\d_.])([a-z]{2,})\.[ \t]+([a-z][a-z'’]*)(?![\w.@/:])")
#: every match of :data:`_LOWER_AFTER_STOP` holds one (see :func:`_hint_windows`)
_LOWER_HINT = re.compile(r"\.(?<=[a-z][a-z]\.)[ \t]+[a-z]")
_CAPITAL_NEXT = regex.compile(r"[ \t]+\p{Lu}")
#: particles of names that start lower case (de Blasio, van Gogh)
_NAME_PARTICLES = frozenset(
    ["de", "da", "di", "du", "del", "della", "dos", "das", "van", "von", "der", "den", "ter", "la", "le", "el", "al", "bin", "ibn"]
)


def _lower_after_stop_matches(text: str) -> list[re.Match[str]]:
    """``_LOWER_AFTER_STOP.finditer(text)``: a match starts where the run of ``a-z`` before its hint's full stop starts."""
    starts = []
    for i in _hint_starts(text, _LOWER_HINT, "lower_stop"):
        while i > 0 and "a" <= text[i - 1] <= "z":
            i -= 1
        starts.append(i)
    return _matches_at(_LOWER_AFTER_STOP, text, starts, "garble.lowercase-start")


def lowercase_start(ctx: DocContext, seg: LazySegmentation, params: Mapping[str, Any]) -> Iterator[Spot]:
    """A sentence that goes on in lower case after a full stop: ``letter. to the president``.

    Also a paragraph that starts in lower case after a paragraph that ended a
    sentence (a continuation of an unfinished line is not flagged), and a
    one-paragraph document that starts in lower case.
    """
    text = ctx.text
    for m in _lower_after_stop_matches(text):
        if m.group(1) in _LOWER_ABBREV:
            continue
        nxt = m.group(2)
        if nxt in _NAME_PARTICLES and _CAPITAL_NEXT.match(text, m.end(2)):
            continue
        yield m.start(1), m.end(2), f"sentence continues in lower case after a full stop at {_quote(m.group())}"
    if (kernel := _mark_scan()) is not None and not kernel.candidates(text).lower_start:
        return  # no paragraph starts in lower case, and only after one that does is a paragraph flagged (most documents the detector runs on)
    paras = seg.paragraphs
    chain = False  # the previous paragraph was flagged and left its sentence unfinished
    for i, (p_start, _) in enumerate(paras):
        continues = i > 0 and text[paras[i - 1][1] - 1] not in '.!?…"”’)'  # the previous paragraph was unfinished: a wrapped line
        if continues and chain:
            # the rest of a flagged sentence wrapped onto this line: flagged with it, since
            # dropping the first part alone would leave this part to start the sentence
            yield p_start, p_start + 1, f"continues a sentence that starts in lower case: {_quote(text[p_start : p_start + 30])}"
            continue
        chain = False
        first = text[p_start]
        if not first.islower():
            continue
        word = regex.match(r"\S+", text[p_start : p_start + 40]).group()
        if any(c.isupper() or c.isdigit() for c in word[1:]) or "." in word.rstrip(".,;:") or "@" in word or "/" in word:
            continue  # iPhone, eBay, e.g., a handle, a URL
        if continues:
            continue
        chain = True
        yield p_start, p_start + len(word), f"sentence starts in lower case: {_quote(text[p_start : p_start + 30])}"


# -- text after a closing quote ------------------------------------------------

#: a clause going on after the quote starts with a function word ("who love each
#: other"); a noun after a quoted title ('the "We're on it." campaign') is human
_CONTINUATION = (
    "who|whom|whose|which|that|and|but|or|nor|to|of|in|on|at|for|with|from|by|as|because|when|while|where|if|so|than|"
    "the|a|an|is|are|was|were|has|have|had|will|would|can|could|it|they|we|he|she|i|this|these|those|not|after|before"
)
_AFTER_QUOTE = regex.compile(rf"""\p{{Ll}}\.["”][ \t]+((?:{_CONTINUATION}))\b(?![-'’])""", _V)
#: every match of :data:`_AFTER_QUOTE` holds one (the continuation words are lower-case ASCII)
_AFTER_QUOTE_HINT = re.compile(r"""\.["”][ \t]+[a-z]""")
#: a speech verb may follow a quotation that ends in a full stop (sloppy but human)
_SPEECH = regex.compile(
    r"(?:he|she|they|we|i|it|you|officials?|the\s+\w+)?\s*(?:said|says|say|asked|asks|added|adds|told|tells|wrote|writes|"
    r"noted|notes|explained|continued|replied|tweeted|posted|according)\b",
    _V,
)


def after_closing_quote(ctx: DocContext, seg: LazySegmentation, params: Mapping[str, Any]) -> Iterator[Spot]:
    """Text going on in lower case after a quotation closed the sentence: ``people." who love``."""
    text = ctx.text
    lines = _hint_windows(text, _hint_starts(text, _AFTER_QUOTE_HINT, "quote_lower"))
    for m in (m for start, end in lines for m in finditer(_AFTER_QUOTE, text, "garble.after-closing-quote", start, end)):
        if _SPEECH.match(text, m.start(1)):
            continue
        yield (
            m.start() + 1,
            m.end(),
            f"text continues after a closing quote ended the sentence at {_quote(text[m.start() - 10 : m.end() + 10])}",
        )


# -- space before a closing quote ----------------------------------------------

_SPACE_QUOTE = regex.compile(r"""(?<=[\p{L}\d][.!?,])[ \t]+(["”“])(?=[ \t]*$|[ \t]+\p{Ll})""", _V | regex.M)
#: every match of :data:`_SPACE_QUOTE` holds one: its quote ends the line (``$`` is a line break or the
#: end, the pattern being multi-line) or blanks and a letter that is no capital follow it (no ``\p{Ll}``
#: is whitespace, a digit or ``A-Z``). Without that look-ahead the hint took every quotation opened
#: after a comma (``said, "We``): 2,045 places on perf-news for two
_SPACE_QUOTE_HINT = re.compile(r"""[.!?,][ \t]+["”“](?=[ \t]*(?:\n|\Z)|[ \t]+[^A-Z0-9\s])""")


def _space_quote_matches(text: str) -> list[Any]:
    """``_SPACE_QUOTE.finditer(text)``: a match starts at the blanks right after its hint's mark."""
    starts = [p + 1 for p in _hint_starts(text, _SPACE_QUOTE_HINT, "space_quote")]
    return _matches_at(_SPACE_QUOTE, text, starts, "garble.space-before-quote")


def space_before_quote(ctx: DocContext, seg: LazySegmentation, params: Mapping[str, Any]) -> Iterator[Spot]:
    """A closing quote detached by a space: ``what we expect. "`` at the end of a paragraph."""
    text = ctx.text
    for m in _space_quote_matches(text):
        yield m.start() - 1, m.end(), f"space before a closing quote at {_quote(text[max(0, m.start() - 20) : m.end()])}"


# -- tokenized spacing -----------------------------------------------------------

_TOKENIZED = regex.compile(
    r"""(?<=[\p{L}\d%)])[ \t]+[,;:!?](?=[ \t]|$)             # word , word   word ;
      | (?<=[\p{L}\d%)][ \t])\.(?=[ \t]*$|[ \t]*["”])           # word .   (end of sentence)
      | (?<=\p{L})[ \t]+(?:n't|n’t)\b                           # do n't (not: NPR ’s, a stripped link)
      | [(\[][ \t]+(?=[\p{L}\d])                                # ( FTIR
      | (?<=[\p{L}\d.])[ \t]+[)\]]                              # FTIR )
    """,
    _V | regex.X | regex.M,
)


#: every match of :data:`_TOKENIZED` holds one of these: a space before a mark, a space
#: after an opening bracket, " n't" (each led by a character ``re`` can skip to)
_TOKENIZED_HINTS = [
    re.compile(r"[,;:!?.)\]](?<=[ \t].)"),
    *(re.compile(re.escape(c) + r"[ \t]") for c in "(["),
    *(re.compile(a + r"t(?<=[ \t]n..)") for a in "'’"),
]


def _tokenized_matches(text: str) -> list[Any]:
    """``_TOKENIZED.finditer(text)``, tried only where a match can start given its hint.

    A mark after a blank (the first hint) is where ``word .`` starts, and
    ``word ,``/``FTIR )`` start at the blanks before it; ``( FTIR`` starts at
    its bracket; ``do n't`` at the blanks before the ``n`` of its hint ``'t``.
    """
    if (kernel := _mark_scan()) is not None:  # (the same positions as the scans below, from the kernel's one pass)
        found = kernel.candidates(text)
        starts = [i for p in found.blank_mark for i in (p, _blank_run_start(text, p))]
        starts += found.bracket_blank
        starts += [_blank_run_start(text, h - 1) for h in found.nt]
        return _matches_at(_TOKENIZED, text, starts, "garble.tokenized")
    starts = [i for p in _hint_starts(text, _TOKENIZED_HINTS[0], "blank_mark") for i in (p, _blank_run_start(text, p))]
    for scan, needle in zip(_TOKENIZED_HINTS[1:3], "(["):
        if needle in text:  # (each scan's match holds its bracket: no bracket, no scan)
            starts += [h.start() for h in scan.finditer(text)]
    for scan, needle in zip(_TOKENIZED_HINTS[3:], "'’"):
        if needle in text:  # (one character: memchr, or no search at all for ’ in a Latin-1 text; "n't" cost a scan)
            starts += [_blank_run_start(text, h.start() - 1) for h in scan.finditer(text)]
    return _matches_at(_TOKENIZED, text, starts, "garble.tokenized")


def tokenized(ctx: DocContext, seg: LazySegmentation, params: Mapping[str, Any]) -> Iterator[Spot]:
    """Spacing of a tokenizer's output: ``word , word``, ``( FTIR )``, ``word .``, ``do n't``."""
    text = ctx.text
    for m in _tokenized_matches(text):
        yield m.start(), m.end(), f"space before punctuation (tokenized text) at {_quote(text[max(0, m.start() - 12) : m.end() + 12])}"


# -- stray punctuation -------------------------------------------------------------

#: determiners never end a phrase: punctuation right after one is stray
_DETERMINERS = "the|a|an|its|their|our|my|your|every"
#: conjunctions may take a comma, never a full stop, colon or semicolon
_CONJUNCTIONS = "and|or|nor"
#: prepositions and auxiliaries that take no semicolon after them
_NO_SEMI_AFTER = (
    "of|from|into|onto|than|whose|in|on|at|by|for|with|to|is|are|was|were|be|been|has|have|had|will|would|can|could|should|that"
)
#: prepositions that never end a phrase, so never take a comma right after them
_NO_COMMA_AFTER = "of|from|into|onto|than|whose"
#: prepositions after which no list or explanation starts
_NO_COLON_AFTER = "of|from|into|onto|than|whose"
#: words that never open what follows a colon or a semicolon
_NO_COLON_BEFORE = "of|than|is|are|was|were|has|have|had|been"
#: prepositions, auxiliaries and modals that never end what comes before a
#: colon when a lower-case word or a number follows ("will: run", "in: which");
#: "is:"/"was:" and "that:" are left out ("the problem is: ...", "do just that: ...")
_NO_COLON_MID = "to|will|would|can|could|should|must|shall|might|been|has|have|had|in|on|at|for|by|with|about|just|which|who|and|or"
#: words that never open what follows a colon (a question may: "a favour: would you")
_NO_COLON_ONLY_BEFORE = "which|whose|into|onto"
#: ...nor what follows a semicolon: a modal needs its subject before it
_NO_SEMI_BEFORE = "could|would|will|can|should|must|whose|into|onto|said|says|told"
#: ...nor what follows either: "respectively" closes a list, it opens nothing
_NO_MARK_BEFORE = "respectively"
#: prepositions that take a date straight after them, never a mark between ("in, December")
_DATE_PREPS = "in|on|by|since|until|till|from|of|during|before|after|through"
#: units that follow their number straight after it ("70, km")
_UNITS = "km|kg|cm|mm|mg|ml|mph|kph|lb|lbs|oz|ft|sq|percent"
#: verbs and adjectives whose "to" follows straight after them ("able; to", "managed: to")
_TO_TAKERS = "able|unable|managed|trying|tried|wanted|decided|failed|refused|attempted|going|planning|hoping"
#: auxiliaries and modals: never right after a plural possessive ("cells' can") or a comma
#: that parts a two-word subject from its verb ("Each temple, had")
_AUX = "is|are|was|were|has|have|had|will|would|can|could|should|must|may|might|do|does|did"
#: a determiner that opens a sentence: "The first; three", "Each temple, had"
_OPENING_DET = "The|A|An|Each|Every|This|These|Those|Its|Their|His|Her"
#: capitalised words of five letters and more whose full stop is an abbreviation
_CAPITAL_ABBREV = "Calif|Assoc|Messrs|Lieut|Admin|Comdr|Intl|Natl"
#: function words that open what follows a full stop only when a sentence ended there
_FUNCTION_AFTER_STOP = "of|or|and|the|in|to|for|with|from|by|at|on"
#: where a sentence starts (for the branches that look at its first words)
_SENTENCE_START = r"(?:^|[.!?][\"”’]?[ \t]+)"
#: words a suspended hyphen stands before ("mid- to late 1990s", "pre- and post-war")
_PREFIXES = "mid|pre|post|anti|non|pro|semi|self|co|ex|multi|inter|intra|sub|super|over|under|micro|macro|mini"
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
#: function words ending in s: an apostrophe after them is no plural possessive
_S_WORDS = "was|is|has|does|his|this|its|us|as|yes|thus|whereas|unless"
_LOWER_WORD_END = r"(?<![\w'’-])"
_STRAY = regex.compile(
    rf"""(?<=[\p{{L}}\d%])[\^_~|@](?=[ \t])                                # word^ word   word_ word
      | (?<=\p{{L}})-(?=[ \t]+(?!(?:and|or|to|nor|through|&|-)\b)\p{{L}})     # a- fund (not: pre- and post-)
      | (?<=\p{{L}})(?<!{_LOWER_WORD_END}(?:{_PREFIXES}))-                    # home- to other (not: pre- and post-, mid- to late)
        (?=[ \t]+(?:and|or|to|nor|through)[ \t]+[\p{{L}}\d]+(?![\p{{L}}\d]*-))
      | (?<=\p{{Ll}}{{2}})-(?=[ \t]+[\d"“(])                                # the- 1970s, made- "them"
      | (?<=\p{{Ll}}{{2}}['’]?)[?!](?=[ \t]+\p{{Ll}})                        # not? the   players'! plans
      | (?<={_LOWER_WORD_END}(?:{_DETERMINERS}))[,;:?!.](?=[ \t]|$)          # the, / a.
      | (?<={_LOWER_WORD_END}(?:{_NO_COMMA_AFTER}))[,;:?!](?=[ \t]+\p{{Ll}})   # of, new
      | (?<={_LOWER_WORD_END}(?:{_CONJUNCTIONS}))[;:?!.](?=[ \t]|$)          # and.
      | (?<={_LOWER_WORD_END}(?:{_NO_SEMI_AFTER}))[;](?=[ \t])               # of; new
      | (?<={_LOWER_WORD_END}(?:{_NO_COLON_AFTER}))[:](?=[ \t])              # from: new
      | (?<={_LOWER_WORD_END}(?:{_NO_COLON_MID}))[:](?=[ \t]+[\p{{Ll}}\d(])    # will: run, in: which
      | (?<={_LOWER_WORD_END}be):(?=[ \t]+\p{{Ll}})                            # be: aware (not: would be: 10 percent)
      | (?<=\b(?:{_MONTHS})):(?=[ \t]+\d)                                    # February: 11
      | (?<=[\p{{L}}\d])[;:](?=[ \t]+(?:{_NO_COLON_BEFORE})\b(?![-'’]))       # house; of, plan: was
      | (?<=[\p{{L}}\d]):(?=[ \t]+(?:{_NO_COLON_ONLY_BEFORE})\b(?![-'’]))     # context: which
      | (?<=[\p{{L}}\d]);(?=[ \t]+(?:{_NO_SEMI_BEFORE})\b(?![-'’]))          # people; could
      | (?<=[\p{{L}}\d.)][,;:])[-.,;:?!^*~_](?=[ \t]|$)                        # word,; word;, word,? e.g.,! word,- ),~
      | (?<=[\p{{L}}\d]\))[~_^](?=[ \t])                                       # (km)_ south
      | (?<={_LOWER_WORD_END}(?:{_S_WORDS}))['’](?=[ \t])                    # was' moved
      | (?<=\p{{L}}\.)\.(?=[ \t]|$)(?<![.][.][.])                             # U.S.. (not an ellipsis)
      | (?<={_LOWER_WORD_END}(?:{_NO_COMMA_AFTER})),(?=[ \t]+\d)                # than, 1.4
      | (?<={_LOWER_WORD_END}(?:{_DATE_PREPS}))[,;:](?=[ \t]+(?:{_MONTHS})\b)   # in, December
      | (?<=\d),(?=[ \t]+(?:{_UNITS})\b)                                        # 70, km
      | (?<=\p{{L}}|\d)[;:](?=[ \t]+(?:{_NO_MARK_BEFORE})\b)                    # place: respectively
      | (?<={_LOWER_WORD_END}(?:{_TO_TAKERS}))[;:](?=[ \t]+to\b)               # able; to, managed: to
      | (?<=(?:\p{{L}}(?:ed|en)[ \t]+by|{_LOWER_WORD_END}upon)),(?=[ \t]+(?:a|an|the|this|these|his|her|their|its)\b)  # characterized by, an
      | (?<=\p{{L}}['’]s)(?<!\b(?:it|that|what|there|here|let|he|she|who|where|how)['’]s),(?=[ \t]+(?:the|a|an|most|least)\b)  # nation's, most
      | (?<={_SENTENCE_START}(?:{_OPENING_DET})[ \t]+\p{{L}}+),(?=[ \t]+(?:{_AUX})\b)  # Each temple, had
      | (?<={_SENTENCE_START}(?:{_OPENING_DET})[ \t]+\p{{L}}+);(?=[ \t])         # The first; three
      | (?<=(?<![\p{{L}}.'’-])\p{{Lu}}\p{{Ll}}{{4,}})(?<!\b(?:{_CAPITAL_ABBREV}))\.(?=[ \t]+(?:{_FUNCTION_AFTER_STOP})\b(?![-'’]))  # Director. of
      | (?P<plural>(?<=\p{{Ll}}s)['’](?=[ \t]+(?:{_AUX})\b(?![-'’])))                 # cells' can
      | (?P<apostrophe>(?<=[a-rt-z%])['’](?=[ \t]+[\p{{L}}\d]))                # have' been, from' 2005 (not: players')
    """,
    _V | regex.X | regex.M,
)
#: :data:`_STRAY` tried at a position with only the branches that can take the mark there
#: (:mod:`.by_mark`; the same match: 0.041 → 0.023 s over perf-news's 7,776 candidates)
_STRAY_BY_MARK = ByMark(_STRAY)
#: an opening single quote earlier in the sentence makes a trailing ' a closing quote
_OPEN_SINGLE = regex.compile(r"(?:^|[\s(\[“\"—–-])['‘]\S")


def _after_words(marks: str, words: str, whole: bool = True) -> str:
    """Look-behinds for a mark (the character just matched) right after one of ``words`` as a whole word (any word ending so, unless ``whole``).

    ``re`` look-behinds need a fixed width, so the words are grouped by
    length. Only an ASCII word character, an apostrophe or a hyphen before
    the word rules it out: the detector's ``\\w`` (``regex``) and ``re``'s
    differ beyond ASCII, and a scan may find more than the detector, never less.
    A branch bounding its word by ``\\b`` (the months) takes it after an
    apostrophe or a hyphen too: a scan for it passes ``whole=False``.
    """
    by_len: dict[int, list[str]] = {}
    for w in words.split("|"):
        by_len.setdefault(len(w), []).append(re.escape(w))
    alts = ["|".join(ws) for _, ws in sorted(by_len.items())]
    bound = (lambda a: rf"(?<![A-Za-z0-9_'’-](?:{a})[{marks}])") if whole else (lambda a: "")
    return "|".join(rf"(?<=(?:{a})[{marks}]){bound(a)}" for a in alts)


#: the words after which the branches forbid a mark (determiners, ``of``..., ``and``...)
_NO_MARK_AFTER = f"{_DETERMINERS}|{_NO_COMMA_AFTER}|{_CONJUNCTIONS}"
#: a colon before a blank takes a branch of :data:`_STRAY` only after one of these words...
_COLON_BEFORE = f"{_NO_COLON_MID}|be|{_MONTHS}"
#: ...or before one of these (each only as the start of the next word here: a few more positions), or
#: before a digit, or after a mark or one of the words of the second scan (2,800 colons of perf-news: 5 matches)
_COLON_NEXT = f"{_NO_COLON_BEFORE}|{_NO_COLON_ONLY_BEFORE}|{_NO_MARK_BEFORE}|to|{_MONTHS}"
#: Every match of :data:`_STRAY` is one character (the mark) and sits where one of
#: these scans matches one character: a rare mark, a hyphen, an apostrophe, a colon or
#: a semicolon before a space and after something else (every branch that takes one of
#: them looks behind it for a word, a mark or a bracket: `` - `` is a dash, 1,500 of
#: perf-news's 7,800 positions), ``?``/``!`` before a lower-case letter; or a mark right
#: after another mark, after ``U.S.`` or after a word the branches name. Each scan is
#: led by a character class ``re`` skips to in C; the exact pattern then runs only at
#: the few positions found (:func:`_stray_matches`). The second scan stops at every
#: comma and full stop: one character test first (the mark follows a mark or the last
#: letter of one of the words), then one look-behind per word length for all the words
#: and marks together (a few more positions than the branches need, half the cost). A
#: colon before a blank is one of the first scan's only beside :data:`_COLON_BEFORE` or :data:`_COLON_NEXT`.
_STRAY_SCANS = (
    re.compile(
        rf"""[-'’;^_~|@](?<=[^ \t].)(?=[ \t])
          | :(?<=[^ \t]:)(?=[ \t])(?:{"|".join(f"(?<={w}:)" for w in _COLON_BEFORE.split("|"))}|(?=[ \t]+(?:{_COLON_NEXT}|\d)))
          | [?!](?=[ \t]+[^\W\d_A-Z])""",
        re.X,
    ),
    re.compile(
        rf"""[,.;:?!](?<=[,;:.{"".join(sorted({w[-1] for w in _NO_MARK_AFTER.split("|")}))}].)
                 (?:(?<=[,;:].)|(?<=[^\W\d_]\.\.)|{_after_words(",.;:?!", _NO_MARK_AFTER)})
          | [-^*~_](?<=[,;:].)""",
        re.X,
    ),
    re.compile(
        rf""",(?:(?<=\d,)(?=[ \t]+(?:{_UNITS}))|(?<=by,)|(?<=upon,)|(?<=['’]s,)|(?=[ \t]+(?:{_MONTHS})))
          | \.(?<=[^\W\d_]{{5}}\.)(?=[ \t]+(?:{_FUNCTION_AFTER_STOP}))""",
        re.X,
    ),
)


#: a comma before an auxiliary: a branch of :data:`_STRAY` takes it only after a sentence's opening
#: determiner and one word (``Each temple, had``), which :func:`_after_opening_det` tests; a scan for the
#: comma alone found 1,750 places on perf-news for one match
_COMMA_AUX = re.compile(rf",(?=[ \t]+(?:{_AUX}))")
_OPENING_DETS = frozenset(_OPENING_DET.split("|"))
_ASCII_LETTERS = frozenset(string.ascii_letters)


def _after_opening_det(text: str, p: int) -> bool:
    r"""Whether ``(?<=(?:^|[.!?]["”’]?[ \t]+)(?:{_OPENING_DET})[ \t]+\p{L}+)`` can hold at the comma at ``p``.

    ``\p{L}`` is taken as an ASCII letter or any character beyond ASCII (a
    superset: ``re`` has no class that is the regex module's ``\p{L}``).
    The twin of the kernel's ``after_opening``: walking back from the comma
    costs a few steps where a scan from every line's start cost a pass.
    """
    i = p
    while i > 0 and (text[i - 1] >= "\x80" or text[i - 1] in _ASCII_LETTERS):
        i -= 1
    if i == p or i == 0 or text[i - 1] not in " \t":
        return False
    end = i = _blank_run_start(text, i)
    while i > 0 and text[i - 1] in _ASCII_LETTERS:
        i -= 1
    if text[i:end] not in _OPENING_DETS:
        return False
    if i == 0 or text[i - 1] == "\n":  # (``^``: the regex module's multi-line ``^`` follows ``\n`` alone)
        return True
    if text[i - 1] not in " \t":
        return False
    i = _blank_run_start(text, i)
    if i > 0 and text[i - 1] in '"”’':
        i -= 1
    return i > 0 and text[i - 1] in ".!?"


#: a ``;`` or ``:`` right after an ASCII letter takes a branch of :data:`_STRAY` only after one of these words
#: (each a whole word, or a month bounded by ``\b``)...
_COLON_SEMI_AFTER_WORD = "|".join(
    dict.fromkeys(
        f"{_DETERMINERS}|{_NO_COMMA_AFTER}|{_CONJUNCTIONS}|{_NO_SEMI_AFTER}|{_NO_COLON_AFTER}|{_NO_COLON_MID}|be|{_DATE_PREPS}|{_TO_TAKERS}".split(
            "|"
        )
    )
)
#: ...or before one of these (each only as the start of the next word here), or (``;``) after a sentence's
#: opening determiner and one word (:func:`_after_opening_det`)
_COLON_SEMI_BEFORE_WORD = f"{_NO_COLON_BEFORE}|{_NO_COLON_ONLY_BEFORE}|{_NO_SEMI_BEFORE}|{_NO_MARK_BEFORE}"
_COLON_SEMI_WORDS = re.compile(
    rf"""[;:](?:{_after_words(";:", _COLON_SEMI_AFTER_WORD)}|{_after_words(";:", _MONTHS, whole=False)}
              |(?=[ \t]+(?:{_COLON_SEMI_BEFORE_WORD})))""",
    re.X,
)


def _may_take_colon_semi(text: str, p: int) -> bool:
    """False only where the ``;`` or ``:`` at ``p`` takes no branch of :data:`_STRAY`: an exact test before the dear one.

    The compiled kernel's candidates hold 600 of these on perf-news for 12
    matches, each tried at 2.5 us by the branches that can take the mark
    (:data:`_STRAY_BY_MARK`). After an ASCII letter every such branch needs
    one of :data:`_COLON_SEMI_AFTER_WORD` before the mark, one of
    :data:`_COLON_SEMI_BEFORE_WORD` after it, or (``;``) an opening
    determiner and a word before it; the words are looked for more loosely
    than the branches do, so this passes every match. After anything else
    (a mark, a digit, a letter beyond ASCII, the text's start) it passes.
    """
    return (
        p == 0
        or text[p - 1] not in _ASCII_LETTERS
        or _COLON_SEMI_WORDS.match(text, p) is not None
        or (text[p] == ";" and _may_follow_opening_det(text, p))
    )


#: how far back :func:`_may_follow_opening_det` looks for the blank before the word
_WORD_REACH = 64
_OPENING_DET_ENDS = tuple(_OPENING_DETS)


def _may_follow_opening_det(text: str, p: int) -> bool:
    r"""False only where ``(?<=(?:{_OPENING_DET})[ 	]+\p{L}+)`` cannot hold at ``p``: a looser :func:`_after_opening_det` at C speed.

    A word of ``\p{L}`` holds no blank, so the last blank before ``p`` ends
    the blanks after the determiner: two ``str.rfind`` calls (looking back
    :data:`_WORD_REACH` characters at most: beyond, it passes) and one
    ``str.endswith``, where the walk back a character at a time cost 1 us.
    """
    lo = max(0, p - _WORD_REACH)
    b = max(text.rfind(" ", lo, p), text.rfind("\t", lo, p))
    if b < 0:
        return lo > 0  # (no blank since the text's start: no determiner before the word)
    while b > 0 and text[b - 1] in " \t":
        b -= 1
    return text.endswith(_OPENING_DET_ENDS, 0, b)


def _stray_scan_positions(text: str) -> list[int]:
    """Where the pure Python scans find a place :data:`_STRAY` may match, ascending (the compiled kernel finds these and a few more)."""
    found = {m.start() for scan in _STRAY_SCANS for m in scan.finditer(text)}
    found.update(p for m in _COMMA_AUX.finditer(text) if _after_opening_det(text, p := m.start()))
    return sorted(found)


def _stray_positions(text: str) -> list[int]:
    """Where :data:`_STRAY` may match, ascending: the scans' positions, or a superset of them from the compiled kernel."""
    if (kernel := _mark_scan()) is not None:
        return kernel.candidates(text).stray
    return _stray_scan_positions(text)


def _stray_matches(text: str) -> list[Any]:
    """The matches ``_STRAY.finditer(text)`` finds, trying the pattern only where a scan points.

    A match is one character wide, so ``finditer`` finds one at every
    position where the pattern matches; those positions are among the scans'
    (and so among the kernel's candidates, a superset of the scans').
    """
    positions = _stray_positions(text)
    found = []
    guard = _guard(_STRAY, text)
    for_char = _STRAY_BY_MARK.for_char  # (ByMark.match, less a call: a position is never past the end here)
    try:
        for p in positions:
            if (sub := for_char(c := text[p])) is None or (c in ";:" and not _may_take_colon_semi(text, p)):
                continue
            if (m := sub.match(text, p, **guard)) is not None:
                found.append(m)
    except TimeoutError:
        raise RuleTimeout(
            f"rule 'garble.stray-punctuation' took longer than {REGEX_TIMEOUT}s on one document and was skipped for it"
        ) from None
    return found


def stray_punctuation(ctx: DocContext, seg: LazySegmentation, params: Mapping[str, Any]) -> Iterator[Spot]:
    """Punctuation where English never puts it: ``the^ composition``, ``a- fund``, ``not? the``, ``of; new``."""
    text = ctx.text
    for m in _stray_matches(text):
        if (m.group("apostrophe") or m.group("plural")) and _OPEN_SINGLE.search(text, seg.sentence_at(m.start())[0], m.start()):
            continue  # the closing mark of a 'quoted' word
        yield m.start(), m.end(), f"stray punctuation mark at {_quote(text[max(0, m.start() - 12) : m.end() + 12])}"


# -- repeated words and phrases ----------------------------------------------------

#: words English legitimately doubles (``had had``, ``that that``), reduplications,
#: and doubled names (Walla Walla, Sirhan Sirhan)
_DOUBLES = frozenset(
    [
        "had",
        "that",
        "is",
        "do",
        "bye",
        "ha",
        "haha",
        "he",
        "no",
        "yeah",
        "yes",
        "bla",
        "blah",
        "tut",
        "tsk",
        "knock",
        "chop",
        "hush",
        "night",
        "bang",
        "boo",
        "choo",
        "ding",
        "dum",
        "la",
        "pom",
        "yo",
        "wah",
        "hip",
        "tom",
        "go",
        "can",
        "so",
        "far",
        "very",
        "well",
        "now",
        "walla",
        "sirhan",
        "duran",
        "bora",
        "baden",
        "pago",
        "sing",
        "mahi",
        "ylang",
        "talk",
        "mister",
        "humbert",
        "new",
        "chi",
        "cha",
    ]
)
# stdlib re: case-insensitive backreferences are several times faster than in regex
# possessive quantifiers (``*+``, ``++``): a shorter word would be followed by a
# letter, never by the space the pattern needs next, so giving characters back
# cannot find another match; not trying it makes the scans about 30% faster. The
# stdlib re has them from Python 3.11 only: on 3.10 the same patterns without them
# find the same matches, a little slower (tests/test_garble.py checks both forms)
_P = "+" if sys.version_info >= (3, 11) else ""
_REPEAT_WORD = re.compile(rf"(?<![\w'’-])(\w[\w'’-]*{_P})[ \t]+{_P}(\1)(?![\w'’-])", re.I)
#: a phrase said twice: adjacent, or after a comma when it starts with a determiner
#: ("the court, the court"); "go on, go on" in a quotation is human
_REPEAT_PHRASE = re.compile(rf"\b([^\W\d_]+{_P}[ \t]+{_P}[^\W\d_]+{_P})(,?)[ \t]+{_P}(\1)\b(?![-'’])", re.I)
_DETERMINER_START = re.compile(r"(?:the|a|an|this|that|its|their)\s", re.I)


#: the runs of word characters the repeat regexes compare (a repeated word is two
#: equal adjacent runs; a repeated phrase ``A B, A B`` is runs ``…A B A B``)
_RUN = re.compile(r"[\w'’-]+")


def lower_run_bytes(ctx: DocContext) -> bytes | None:
    """:func:`~scrubber.wordruns.run_bytes` of the lower-cased document, once per document (repeated-words and :func:`lower_runs` read it).

    Where the text holds characters beyond ASCII other than typographic
    marks (``run_bytes`` gives None), its letters beyond ASCII stand for
    themselves as upper-case ASCII letters (:func:`_placeholder_form`).
    """
    return _lower_forms(ctx)[0]


def _lower_forms(ctx: DocContext) -> tuple[bytes | None, dict[str, str], bytes | None]:
    """(:func:`lower_run_bytes`, each upper-case stand-in letter it holds and the letter it stands for, its letters or None), once per document.

    The letters (``fast.translate(_LETTER_BYTES)``, what :func:`~scrubber.wordruns.letter_runs`
    splits) come with it from the compiled kernel's one pass (:func:`_run_form`); None elsewhere.
    """

    def compute() -> tuple[bytes | None, dict[str, str], bytes | None]:
        if (kernel := _run_form()) is not None:
            if (forms := kernel(ctx.text)) is not None:
                return forms[0], {}, forms[1]
        elif (fast := run_bytes(ctx.text)) is not None:
            # ASCII but for typographic marks, which have no case: lower-casing the text lowers its
            # A-Z only, so the bytes are those of the lower-cased text (no str.lower of the document)
            return fast.lower(), {}, None
        lower = lowered(ctx)
        fast = run_bytes(lower)
        return (fast, {}, None) if fast is not None else (*_placeholder_form(lower), None)

    return ctx.memo("garble.lower_forms", compute)  # type: ignore[no-any-return]


@cache
def _run_form() -> Callable[[str], tuple[bytes, bytes] | None] | None:
    """``text -> (run_bytes(text).lower(), its letters)`` or None where ``run_bytes`` gives None: the compiled kernel's one pass, when built.

    It is given :func:`~scrubber.wordruns.run_bytes`'s own replacements and table
    (lower-cased) and :func:`~scrubber.wordruns.letter_runs`'s table of letters, so the
    three cannot drift apart; the Python form took a ``str.replace`` per typographic
    mark, an ``encode``, two ``translate`` and a ``lower``, each a copy of the document.
    """
    if kernel_run_form is None:
        return None
    replace = {mark: " " for mark in _SEPARATORS} | {"’": RUN_APOSTROPHE}
    table, letters = _RUN_BYTES.lower(), _LETTER_BYTES
    return lambda text: kernel_run_form(text, replace, RUN_APOSTROPHE, table, letters)


#: a character of the runs :data:`_RUN` finds, and a letter of :func:`letter_runs`
_RUN_CHARACTER = re.compile(r"[\w'’-]")
_LETTER = re.compile(r"[^\W\d_]")
#: the typographic marks :func:`run_bytes` reads itself (``’``: a run character; the others: none)
_RUN_BYTES_READS = frozenset("’“”‘—–…«»•·\u00a0")


def _placeholder_form(lower: str) -> tuple[bytes | None, dict[str, str]]:
    """:func:`run_bytes` of ``lower`` (a lower-cased text) with each other letter beyond ASCII an upper-case ASCII letter; and what each stands for.

    A lower-cased text holds no ``A-Z``, so up to 26 letters beyond ASCII
    can each have one of them, and a character beyond ASCII that is no run
    character at all becomes a space. Every character keeps its one byte at
    its offset; equal runs stay equal and unequal ones unequal, and the
    letters (``[^\\W\\d_]``) stay letters, so the equal-runs gate of
    repeated-words and the letter runs of :func:`lower_runs` (read back
    through the stand-ins) are those of the text itself. The text then takes
    the C path instead of ``re.findall`` over every word of it, twice
    (130 of perf-news's documents, 0.034 s). ``(None, {})`` when it cannot:
    more than 26 such letters, or a word character beyond ASCII that is no
    letter (a digit of another script), or anything :func:`run_bytes` refuses.
    """
    form = lower
    stands_for: dict[str, str] = {}
    for c in set(beyond_ascii_of(lower)) - _RUN_BYTES_READS:
        if _LETTER.match(c):
            if len(stands_for) == len(string.ascii_uppercase):
                return None, {}
            stand_in = string.ascii_uppercase[len(stands_for)]
            stands_for[stand_in] = c
        elif _RUN_CHARACTER.match(c):
            return None, {}
        else:
            stand_in = " "
        form = form.replace(c, stand_in)
    return run_bytes(form), stands_for


def _repeat_candidates(
    text: str, lower: str | None = None, fast: bytes | None = None, beyond: str | None = None
) -> tuple[set[Any] | None, bool, bytes | None, list[int] | None, list[int] | None]:
    """(the values of equal adjacent runs, may hold a repeated phrase, :func:`run_bytes` of the lower-cased text, where they lie), by comparing runs in C.

    The exact regexes try a backreference at every word (a third of a second
    on 6 MB); nine documents in ten have no two equal adjacent runs at all.
    A match of :data:`_REPEAT_WORD` is two adjacent runs equal under simple
    lower-casing (what ``re.I`` backreferences compare); a match of
    :data:`_REPEAT_PHRASE` has runs ``r[j+1] == r[j+3]`` (B) with ``r[j+2]``
    (A) ending ``r[j]``. ``str.lower`` is that simple lower-casing, one
    character for one and keeping run boundaries, except for ``İ``
    (two characters) and ``Σ`` (final sigma): with either, both are candidates
    (the values are None: unknown). ``lower``: ``text.lower()`` when the
    caller has it (one per document, shared), ``fast``: :func:`run_bytes` of it, likewise;
    ``beyond``: the text's characters beyond ASCII (:func:`~scrubber.text.beyond_ascii`), where
    ``İ`` and ``Σ`` are looked for instead of in the whole text (two scans of it).
    The last two, with the bytes only (else None): where the equal runs start and
    where a phrase's match can start (:func:`~.mark_scan.equal_neighbour_positions_python`,
    offsets in the text), from the same pass.
    """
    rest = text if beyond is None else beyond
    if "İ" in rest or "Σ" in rest:
        return None, True, None, None, None
    if fast is None:  # the runs of _RUN as blank-separated bytes (scrubber.wordruns), at their offsets in the text
        lower = text.lower() if lower is None else lower
        fast = run_bytes(lower)
    if fast is not None:
        word, phrase, word_starts, phrase_starts = equal_neighbours(fast, True)
        return word, phrase, fast, word_starts, phrase_starts
    lower = text.lower() if lower is None else lower
    word, phrase = set(), False
    for runs in word_run_stretches(lower):  # a huge line's runs a stretch at a time, not all at once
        more, deeper = equal_neighbours_python(runs)
        word |= more
        phrase = phrase or deeper
    return word, phrase, fast, None, None


def _repeated_word_starts(fast: bytes, values: set[bytes], starts: list[int]) -> list[int]:
    """``starts`` (where a run equal to the next starts, :func:`_repeat_candidates`) less those of a value the detector skips.

    ``fast`` is :func:`run_bytes` of the lower-cased text (offsets as in the
    text): a match of :data:`_REPEAT_WORD` starts at such a run (its two
    runs are equal lower-cased, with blanks between). A value that only
    :data:`_DOUBLES` or a number could match is left out (the detector skips
    those matches, and matches of different words never overlap, so leaving
    them out hides no other). The kernel's pass that found the values says
    where they lie: they were found again by a ``bytes.find`` of each value
    and a Python loop over its every occurrence.
    """
    dropped = {value for value in values if _skipped_repeat(value.decode("ascii").replace(RUN_APOSTROPHE, "’"))}
    if not dropped:
        return starts
    return [i for i in starts if _run_at(fast, i) not in dropped]


def _skipped_repeat(word: str) -> bool:
    """Whether a repeat of ``word`` (lower-cased) is no finding: a word English doubles (``had had``) or one without a letter."""
    return word in _DOUBLES or not any(c.isalpha() for c in word)


def _run_at(fast: bytes, i: int) -> bytes:
    """The run of ``fast`` (blank-separated runs) that starts at ``i``."""
    end = fast.find(b" ", i)
    return fast[i:] if end < 0 else fast[i:end]


#: a longer text is scanned whole for repeated phrases
_PHRASE_POSITIONS_MAX = 1 << 20


def repeated_words(ctx: DocContext, seg: LazySegmentation, params: Mapping[str, Any]) -> Iterator[Spot]:
    """A word or phrase said twice in a row: ``food food``, ``the court, the court``."""
    text = ctx.text
    fast = lower_run_bytes(ctx)
    values, phrase, fast, word_starts, phrase_starts = _repeat_candidates(
        text, lowered(ctx) if fast is None else None, fast, beyond_ascii(ctx)
    )
    if values is None or word_starts is None or fast is None:
        words: Iterable[re.Match[str]] = _REPEAT_WORD.finditer(text) if values is None or values else ()
    else:
        words = _matches_at(_REPEAT_WORD, text, _repeated_word_starts(fast, values, word_starts), "garble.repeated-words") if values else ()
    for m in words:
        word = m.group(1)
        if _skipped_repeat(word.lower()):
            continue  # had had; Walla Walla; 10 10
        yield m.start(), m.end(), f"word repeated: {_quote(m.group())}"
    if not phrase:
        phrases: Iterable[re.Match[str]] = ()
    elif fast is None or phrase_starts is None or len(fast) > _PHRASE_POSITIONS_MAX:
        phrases = _REPEAT_PHRASE.finditer(text)
    else:
        # a match is ``A B,? A B``: the second ``A`` and both ``B`` are whole runs and the first ``A`` ends
        # one, so runs r[j + 1] == r[j + 3] (B) with r[j] ending with r[j + 2] (A), and the match starts
        # len(A) before the end of r[j]: tried there only, the pattern finds what finditer finds (the
        # caller has left out texts with İ or Σ, so re.I's backreference compares as str.lower does)
        phrases = _matches_at(_REPEAT_PHRASE, text, phrase_starts, "garble.repeated-words")
    for m in phrases:
        if m.group(1)[0].isupper() and m.group(3)[0].isupper():
            continue  # a title or a name: 'Jewels after Jewels'
        if m.group(2) and not _DETERMINER_START.match(m.group(1) + " "):
            continue  # 'go on, go on' in a quotation is human; 'the court, the court' is not
        yield m.start(), m.end(), f"phrase repeated: {_quote(m.group())}"


# -- another script inside an English sentence -----------------------------------

#: the scripts a word of :data:`_OTHER_SCRIPT` is written in: those that make a word of one character, and the others
_ONE_LETTER_SCRIPTS = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}"
_WORD_SCRIPTS = r"\p{Cyrillic}\p{Arabic}\p{Hebrew}\p{Devanagari}\p{Greek}\p{Georgian}\p{Armenian}"
_OTHER_SCRIPT = regex.compile(
    rf"[{_ONE_LETTER_SCRIPTS}]+|[{_WORD_SCRIPTS}]{{2,}}"
    r"|(?<!\w)\p{Cyrillic}(?!\w)",  # a one-letter Cyrillic word ("и", "в") between English words
    _V,
)
#: a character of one of those scripts: every match of :data:`_OTHER_SCRIPT` holds one, and none is ASCII,
#: so a document whose characters beyond ASCII hold none has no match (the exact gate of :func:`code_mix`)
_OTHER_SCRIPT_CHARACTER = regex.compile(rf"[{_ONE_LETTER_SCRIPTS}{_WORD_SCRIPTS}]", _V)
_LATIN_WORDS = regex.compile(r"\p{Latin}{2,}", _V)


def code_mix(ctx: DocContext, seg: LazySegmentation, params: Mapping[str, Any]) -> Iterator[Spot]:
    """Words in another script inside an English sentence: ``the urine of 受影响 pets``.

    Not flagged inside brackets (``Xi Jinping (习近平)``), where news gives
    the original spelling of a name on purpose.
    """
    text = ctx.text
    if not _OTHER_SCRIPT_CHARACTER.search(beyond_ascii(ctx)):
        # (asked of the few characters beyond ASCII; a wider class, any letter outside Latin, let 22 of
        # perf-news's documents through, mojibake or symbols, each then scanned whole by the pattern for nothing)
        return
    for m in finditer(_OTHER_SCRIPT, text, "garble.code-mix"):
        s_start, s_end = seg.sentence_at(m.start())
        before = text[s_start : m.start()]
        if before.count("(") > before.count(")") or before.count("[") > before.count("]"):
            continue
        if len(_LATIN_WORDS.findall(text, s_start, s_end)) < 3:
            continue  # a sentence in the other script is language's business, not a code mix
        yield m.start(), m.end(), f"word in another script inside an English sentence: {_quote(m.group())}"


#: frequent function words of the languages MT leaves words from that are never
#: English words (``und``, ``aunque``, ``della``): one of them inside an English
#: sentence is an untranslated word
_FOREIGN_WORDS = frozenset(
    [
        "und",
        "der",
        "dem",
        "einen",
        "einem",
        "einer",
        "ist",
        "sind",
        "wird",
        "werden",
        "wurde",
        "für",
        "über",
        "oder",
        "aber",
        "nicht",
        "auch",
        "sehr",
        "noch",
        "schon",
        "zum",
        "zur",
        "vom",
        "ihre",
        "ihren",
        "seine",
        "seiner",
        "sich",
        "wenn",
        "weil",
        "dass",
        "mehr",
        "bis",
        "pero",
        "aunque",
        "muy",
        "más",
        "también",
        "desde",
        "hasta",
        "entre",
        "sobre",
        "cuando",
        "porque",
        "donde",
        "según",
        "los",
        "las",
        "una",
        "unos",
        "unas",
        "este",
        "esta",
        "estos",
        "estas",
        "como",
        "tiene",
        "fue",
        "está",
        "están",
        "todos",
        "sus",
        "della",
        "degli",
        "delle",
        "dello",
        "nel",
        "nella",
        "nelle",
        "negli",
        "dei",
        "sono",
        "anche",
        "molto",
        "questo",
        "questa",
        "quello",
        "quella",
        "dopo",
        "perché",
        "ancora",
        "tutti",
        "tutte",
        "alla",
        "alle",
        "agli",
        "sul",
        "sulla",
        "gli",
        "può",
        "essere",
        "stato",
        "stata",
        "hanno",
        "più",
        "dans",
        "avec",
        "sont",
        "était",
        "mais",
        "très",
        "aussi",
        "leur",
        "leurs",
        "cette",
        "nous",
        "vous",
        "ils",
        "elles",
        "été",
        "avait",
        "peut",
        "même",
        "lors",
        "selon",
        "aux",
        "encore",
        "beaucoup",
        "moins",
        "avoir",
        "przez",
        "oraz",
        "jest",
        "się",
        "który",
        "która",
        "które",
        "już",
        "tylko",
        "jeszcze",
        "jego",
        "jej",
        "ich",
        "dla",
        "przy",
        "będzie",
        "został",
        "została",
        "może",
        "podle",
        "jsou",
        "také",
        "která",
        "které",
        "jako",
        "byl",
        "byla",
        "bylo",
        "při",
        "mezi",
        "jeho",
        "její",
        "jejich",
        "nebo",
        "však",
        "což",
        "een",
        "het",
        "niet",
        "ook",
        "voor",
        "naar",
        "zijn",
        "werd",
        "wordt",
        "maar",
    ]
)
#: letters of other Latin alphabets that English words never carry (Polish,
#: Czech, Romanian, Turkish, Portuguese, German ß...)
_FOREIGN_LETTER = re.compile(r"[ąćęłńśźżřůěšžťďňőűßãõğşıțșă]")
#: accented letters English keeps only in a few borrowed words (café, résumé)
_ACCENT = re.compile(r"[àáâäçèéêëìíîïñòóôöùúûüýÿ]")
_LOANWORDS = frozenset(
    [
        "café",
        "cafés",
        "résumé",
        "résumés",
        "naïve",
        "fiancé",
        "fiancée",
        "façade",
        "protégé",
        "cliché",
        "clichés",
        "décor",
        "rosé",
        "entrée",
        "entrées",
        "soirée",
        "déjà",
        "élite",
        "piñata",
        "jalapeño",
        "jalapeños",
        "señor",
        "señora",
        "über",
        "doppelgänger",
        "touché",
        "passé",
        "exposé",
        "sauté",
        "sautéed",
        "purée",
        "crème",
        "brûlée",
        "débâcle",
        "débris",
        "née",
        "première",
        "premières",
        "vis",
        "à",
        "la",
        "carte",
        "pâté",
        "smörgåsbord",
        "naïveté",
        "attaché",
        "chargé",
        "outré",
    ]
)
#: endings only other languages give a word (Italian -zione, German -ungen/-keit, Polish -cji/-ości)
_FOREIGN_ENDING = re.compile(r"(?:zione|zioni|ungen|keit|heit|schaft|ierung|aient|cji|sji|ości|szcz|ycz)$")
_LOWER_WORD = re.compile(r"(?<![\w'’-])[^\W\d_A-Z]{2,}(?![\w'’-])")
#: a quick test for a foreign ending anywhere in the document
_ENDING_HINT = re.compile(r"(?:zione|zioni|ungen|keit|heit|schaft|ierung|aient|cji|sji|szcz|ycz)\b")


def _foreign_latin_word(word: str) -> bool:
    """A lower-case word that is plainly not English: a foreign function word, letter or ending."""
    if word in _FOREIGN_WORDS:
        return True
    if word in _LOANWORDS or len(word) < 3:
        return False
    return bool(_FOREIGN_LETTER.search(word) or _ACCENT.search(word) or _FOREIGN_ENDING.search(word))


#: anything that can make a lower-case word foreign: a foreign or accented letter,
#: a foreign ending, a foreign function word (led by the character before it)
_FOREIGN_HINTS = re.compile(
    "|".join(
        [
            _FOREIGN_LETTER.pattern,
            _ACCENT.pattern,
            _ENDING_HINT.pattern,
            r"(?:^|[^\w'’-])" + word_trie(_FOREIGN_WORDS) + r"(?![\w'’-])",
        ]
    ),
    re.M,
)
#: :data:`_FOREIGN_HINTS` as three scans, each led by a character class or a
#: trie so ``re`` can skip ahead in C (the ``(?:^|…)`` alternation stopped it
#: doing that); a foreign word is led by the character before it, which may
#: be the line break before the line (see :func:`_lines_with`)
_FOREIGN_HINT_SCANS = (
    re.compile(_FOREIGN_LETTER.pattern[:-1] + _ACCENT.pattern[1:]),
    re.compile(word_trie(_ENDING_HINT.pattern[3:-3].split("|")) + r"\b"),
    re.compile(r"[^\w'’-]" + word_trie(_FOREIGN_WORDS) + r"(?![\w'’-])"),
)
_FOREIGN_WORD_FIRST = re.compile(word_trie(_FOREIGN_WORDS) + r"(?![\w'’-])")


def _lines_with(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """(start, end) of each line holding a match of ``pattern``, in order.

    Words never cross a line break, so a word scan restricted to these
    lines finds the same words as one over the whole text, without a
    Python step for every word of the document.
    """
    lines: list[tuple[int, int]] = []
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        inside = m.end() - 1  # the last character matched is in the word (the first may be the break before)
        start = text.rfind("\n", 0, inside) + 1
        end = text.find("\n", inside)
        end = len(text) if end < 0 else end
        lines.append((start, end))
        pos = end  # the line break may lead a match on the next line
    return lines


def _foreign_hint_lines(text: str, runs: set[str], may_end: bool = True, letters: bool = True) -> list[tuple[int, int]]:
    r"""The lines :func:`_lines_with` finds for :data:`_FOREIGN_HINTS`, by its three faster scans.

    ``runs`` are the letter runs of the lower-cased text (:func:`letter_runs`).
    A foreign function word matches only as a whole run of ``[\w'’-]``, and
    those words are lower-case letters, so it is then a letter run of the
    lower-cased text too: when none is among ``runs`` the costliest scan
    (it stops at every word boundary) cannot match and is skipped.
    ``may_end``: False when no run ends with a foreign ending
    (:func:`_may_end_foreign`), which skips the endings scan. ``letters``:
    False when the first scan's class (foreign and accented letters, none of
    them ASCII) is not among the text's characters beyond ASCII
    (:func:`~scrubber.text.beyond_ascii`), which skips that scan.
    """
    with_words = not _FOREIGN_WORDS.isdisjoint(runs)
    scans = [scan for k, scan in enumerate(_FOREIGN_HINT_SCANS) if (k == 0 and letters) or (k == 1 and may_end) or (k == 2 and with_words)]
    found = {line for scan in scans for line in _lines_with(text, scan)}
    if with_words and _FOREIGN_WORD_FIRST.match(text):
        end = text.find("\n")
        found.add((0, len(text) if end < 0 else end))
    return sorted(found)


#: the foreign endings :data:`_ENDING_HINT` and the second of :data:`_FOREIGN_HINT_SCANS` look for
_ENDINGS = tuple(_ENDING_HINT.pattern[3:-3].split("|"))


@cache
def _common_with_ending() -> frozenset[str]:
    """The commonest English words (:func:`~scrubber.kinds.lexicon.uncommon_runs` leaves them out) that end with one of :data:`_ENDINGS`."""
    return frozenset(w for w in common_english() if w.endswith(_ENDINGS))


def _may_end_foreign(runs: set[str]) -> bool:
    """False when no letter run of the lower-cased text ends with one of :data:`_ENDINGS`.

    A match of :data:`_ENDING_HINT` (an ending of lower-case letters, then
    no word character) is the end of a letter run of the lower-cased text
    (lower-casing turns no other character into a word character), so
    without such a run the endings scans cannot match and are skipped: a
    look at the document's few distinct runs (:func:`lower_runs`) instead
    of a scan that stops at nearly every letter (0.04 s on perf-news).
    The runs leave out common English words, none of which ends with an
    ending (:func:`_runs_skip` keeps those): every run is asked, by
    :data:`~.langwalk.ends_with_any`, which compares an ending only with
    the words that end with its last letter (``str.endswith`` with the tuple
    tried all twelve on each word, 4 us a document).
    """
    return ends_with_any(runs, _ENDINGS)


#: an article or preposition elided before a vowel (French ``d'autres``, Italian
#: ``l'erosione``, ``dell'autore``): English has no such lower-case forms
_ELISION = re.compile(r"(?<![\w'’-])(?:dell|dall|nell|sull|all|qu|d|l|s|j|c|m|n|t)['’]([^\W\d_]{3,})(?![\w'’-])")
#: every match of :data:`_ELISION` holds a match of one (an apostrophe before three lower-case letters is
#: rare in English): one scan led by each apostrophe, which ``re`` finds at C speed, where a scan led by
#: the class ``['’]`` tested every character (0.024 → 0.003 s on perf-news)
_ELISION_HINTS = (re.compile(r"'(?=[^\W\d_A-Z]{3})"), re.compile(r"’(?=[^\W\d_A-Z]{3})"))
#: English keeps a few elided phrases (hors d'oeuvre, coup d'état, maître d'hôtel)
_ELISION_KEPT = frozenset(["hors", "coup", "maître", "maitre", "objet", "table", "crème", "creme", "cordon"])


#: the article before the apostrophe of a match of :data:`_ELISION` is this long
_ELISION_LEADS = range(1, 5)


def _elision_matches(text: str) -> list[re.Match[str]]:
    """The matches of ``_ELISION.finditer(text)`` that :func:`_elisions` can keep, tried only at the articles before a hint.

    A match is a whole run of ``[\\w'’-]`` (nothing of the kind around it):
    an article of one to four letters, an apostrophe, letters. One that is
    kept is lower case (``islower``), so its apostrophe is followed by three
    letters none of them ``A-Z``, where one of :data:`_ELISION_HINTS` matches,
    and it starts one to four characters before that apostrophe. Matches never
    overlap, so trying those starts in order (:func:`_matches_at`) finds every
    match ``finditer`` finds whose apostrophe is a hint's; the whole-text scan,
    led by a look-behind, stepped through every character of the documents
    with a hint (most of them: a quoted 'word' is one).
    """
    if (kernel := _mark_scan()) is not None:  # (where the hints match, from the kernel's one pass)
        hints = kernel.candidates(text).elision
    else:
        hints = [m.start() for hint, apostrophe in zip(_ELISION_HINTS, "'’") if apostrophe in text for m in hint.finditer(text)]
        # (each hint is led by its apostrophe: no apostrophe, no scan)
    if not hints:
        return []
    starts = [a - k for a in hints for k in _ELISION_LEADS if a >= k]
    return _matches_at(_ELISION, text, starts, "garble.code-mix-latin")


def _elisions(text: str) -> list[tuple[int, int, str]]:
    """``d'autres``, ``l'erosione``: a foreign elided article whose word is no English word.

    A list, not a generator: most documents have no elision hint, and a
    generator made and run to its end for nothing cost twice the call.
    """
    found = []
    for m in _elision_matches(text):
        word = m.group(1)
        if not m.group().islower() or english_zipf(word) >= NEIGHBOUR_MIN:
            continue
        before = text[max(0, m.start() - 12) : m.start()].split()
        if before and before[-1].lower() in _ELISION_KEPT:
            continue
        found.append((m.start(), m.end(), m.group()))
    return found


#: a lower-case word (a whole match of :data:`_LOWER_WORD`) holding something
#: :func:`_foreign_latin_word` turns on: a foreign or accented letter, a foreign
#: ending at its end, or a foreign function word as the whole word. The signals
#: are look-aheads (atomic once they hold) in front of :data:`_LOWER_WORD`'s own
#: form, so a long word costs one pass, not one per letter it could give back
_LOWER_LETTER = r"[^\W\d_A-Z]"
_FOREIGN_CANDIDATE = re.compile(
    rf"""(?<![\w'’-])(?=
        {_LOWER_LETTER}*?[{_FOREIGN_LETTER.pattern[1:-1]}{_ACCENT.pattern[1:-1]}]
      | {_LOWER_LETTER}*(?:{_FOREIGN_ENDING.pattern[3:-2]})(?![\w'’-])
      | {word_trie(_FOREIGN_WORDS)}(?![\w'’-])
    ){_LOWER_LETTER}{{2,}}(?![\w'’-])""",
    re.X,
)


def _foreign_latin_words(text: str, lines: Iterable[tuple[int, int]]) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) of each lower-case foreign word (:func:`_foreign_latin_word`) on ``lines``, in order.

    What ``_LOWER_WORD.finditer`` over the lines with that test on every
    word gives, without a Python step per word: a word the test takes holds
    one of the signals :data:`_FOREIGN_CANDIDATE` looks for (it is lower
    case, so it is its own lower-case form), and every match of that is a
    whole word of :data:`_LOWER_WORD` (the same bounds, letters of its class)
    which the same test then decides (0.021 → 0.015 s on perf-news).
    """
    for start, end in lines:
        for m in _FOREIGN_CANDIDATE.finditer(text, start, end):
            word = m.group()
            if len(word) >= 2 and _foreign_latin_word(word.lower()) and word.islower():
                yield m.start(), m.end(), word


_LOWER_LETTER_AT = re.compile(_LOWER_LETTER)


def _word_starts(text: str, hits: Iterable[int]) -> list[int]:
    """For each of ``hits`` (ascending offsets of letters of :data:`_LOWER_LETTER`), where the run of such letters holding it starts.

    Each run is walked once: a walk that reaches the previous hit's letter
    takes the start found for it (a word of 20,000 accented letters is one
    walk, not one per letter).
    """
    starts = []
    last_hit = last_start = -1
    for q in hits:
        i = q
        while i > 0 and _LOWER_LETTER_AT.match(text, i - 1):
            i -= 1
            if i == last_hit:
                i = last_start
                break
        starts.append(i)
        last_hit, last_start = q, i
    return starts


def _foreign_word_starts(text: str, runs: set[str], may_end: bool, beyond: str) -> list[int]:
    """Where a match of :data:`_FOREIGN_CANDIDATE` can start, from the hint scans that :func:`_foreign_hint_lines` runs.

    A match is a whole run of ``[\\w'’-]`` made of :data:`_LOWER_LETTER` letters
    only, holding a signal: a foreign or accented letter (where the first
    scan matches), a foreign ending
    at its end (where the second matches: ``ości`` holds ``ś``, and any other
    ending ends a letter run of the lower-cased text, so ``may_end`` is
    True), or being a foreign function word (where the third matches, one
    character on, or at the text's start; such a word is a letter run of the
    lower-cased text, so ``runs`` holds it). So every match starts where the
    run of letters holding one of those hints starts; :func:`_foreign_hint_lines`
    gave the lines holding a hint, and every match on them holds one.

    ``beyond``: the text's characters beyond ASCII (:func:`~scrubber.text.beyond_ascii`).
    The first scan's letters are all beyond ASCII, so only those among them
    are looked for, each by ``str.find`` (:func:`_letter_positions`); and the
    third scan's words are looked for only as far as ``runs`` holds them, each
    by a scan led by the word (:data:`_FOREIGN_WORD_SCANS`). The scans of the
    whole text for the class (which tests every character) and for any of the
    words (which stops at every character that is no word character) cost
    0.012 s on perf-news's 130 and 62 documents that have one.
    """
    starts = []
    if letters := _HINT_LETTERS.intersection(beyond):
        starts += _word_starts(text, _letter_positions(text, letters))
    if may_end:
        starts += _word_starts(text, [m.start() for m in _FOREIGN_HINT_SCANS[1].finditer(text)])
    if words := _FOREIGN_WORDS.intersection(runs):
        for word in words:
            starts += [m.start() for m in _FOREIGN_WORD_SCANS[word].finditer(text)]
        if _FOREIGN_WORD_FIRST.match(text):
            starts.append(0)
    return starts


#: the letters of the first of :data:`_FOREIGN_HINT_SCANS` (foreign and accented letters, none of them ASCII)
_HINT_LETTERS = frozenset(_FOREIGN_LETTER.pattern[1:-1] + _ACCENT.pattern[1:-1])
#: the third of :data:`_FOREIGN_HINT_SCANS` one word at a time, led by the word itself so that ``re`` jumps to it
#: in C: a match starts at the word, one character after where that scan's does
_FOREIGN_WORD_SCANS = {w: re.compile(rf"{w}(?![\w'’-])(?<=[^\w'’-]{w})") for w in sorted(_FOREIGN_WORDS)}


def _letter_positions(text: str, letters: Iterable[str]) -> list[int]:
    """Where each of ``letters`` (single characters) stands in ``text``, ascending: ``str.find`` jumps from one to the next in C."""
    positions = []
    for letter in letters:
        at = text.find(letter)
        while at >= 0:
            positions.append(at)
            at = text.find(letter, at + 1)
    positions.sort()
    return positions


def _foreign_latin_words_at(text: str, starts: list[int]) -> Iterator[tuple[int, int, str]]:
    """:func:`_foreign_latin_words` over the hint lines, with :data:`_FOREIGN_CANDIDATE` tried only at ``starts`` (:func:`_foreign_word_starts`).

    The matches are whole runs and never overlap, so :func:`_matches_at`
    finds those ``finditer`` finds; each hint line was scanned from its
    start to its end with a pattern led by a look-behind (news lines are
    whole paragraphs), 0.04 s on perf-news's 168 documents with a hint.
    """
    for m in _matches_at(_FOREIGN_CANDIDATE, text, starts, "garble.code-mix-latin") if starts else ():
        word = m.group()
        if len(word) >= 2 and _foreign_latin_word(word.lower()) and word.islower():
            yield m.start(), m.end(), word


def _no_foreign_token(text: str, runs: set[str]) -> bool:
    """``_FOREIGN_WORDS.isdisjoint(text.split())``, mostly without splitting the text.

    A blank-delimited token that is a foreign function word (lower-case
    letters only) is a whole letter run of the lower-cased text, so when no
    foreign word is among ``runs`` (:func:`lower_runs`)
    no token is one either, and the split (0.016 s on perf-news) is not needed.
    """
    return _FOREIGN_WORDS.isdisjoint(runs) or _FOREIGN_WORDS.isdisjoint(text.split())


@cache
def _runs_skip() -> RunSkip:
    """The commonest English words but those a detector looks for among the runs (:func:`lower_runs`)."""
    return RunSkip(common_english() - (_FOREIGN_WORDS | HINT_WORDS | _common_with_ending()))


def lower_runs(ctx: DocContext) -> set[str]:
    """The distinct letter runs of the lower-cased document, less the commonest English words no detector asks about; once per document.

    The runs are asked about only through :data:`_FOREIGN_WORDS`,
    :func:`_common_with_ending`, :data:`~.language.HINT_WORDS` (each
    intersected with the runs, which leaving out other words does not
    change) and :func:`~.lexicon.uncommon_runs` (the runs less every
    common English word). Every common word would otherwise become a str
    in a set only to be taken out again: the compiled filter (in
    :func:`~scrubber.wordruns.letter_runs`) never makes them.
    """

    def compute() -> set[str]:
        fast, stands_for, letters = _lower_forms(ctx)
        if letters is not None:  # (what letter_runs does given fast and a skip: the letters were made with fast)
            return _runs_skip().distinct(letters)
        runs = letter_runs(lowered(ctx) if fast is None else ctx.text, _runs_skip(), fast)  # (given its bytes, the text is not read)
        if not stands_for:
            return runs
        # a run with a stand-in is the only kind with an upper-case letter: read it back, and
        # take out the skipped words it may then be (the filter saw the stand-ins)
        back = str.maketrans(stands_for)
        return {w for w in runs if w.islower()} | ({w.translate(back) for w in runs if not w.islower()} - _runs_skip().words)

    return ctx.memo("garble.lower_runs", compute)  # type: ignore[no-any-return]


def code_mix_latin(ctx: DocContext, seg: LazySegmentation, params: Mapping[str, Any]) -> list[Spot]:
    """An untranslated word in another Latin-script language: ``the aunque smelly``, ``the politycznej party``.

    Only lower-case words count (names keep their own spelling), and only in
    a sentence that is otherwise plainly English with at most two such words
    (a whole foreign sentence is the language rule's business). A list, not a
    generator: nearly every document has none.
    """
    text = ctx.text
    by_sentence: dict[Span, dict[int, tuple[int, int, str]]] = {}
    runs = lower_runs(ctx)
    # the word lists' test looks up the runs that are no common English word (uncommon_runs), and the runs hold
    # only the few common ones lower_runs keeps, none of them in the foreign table: the runs give the same hits
    for start, end, word in foreign_words(text, seg.sentence_at, runs, runs):
        by_sentence.setdefault(seg.sentence_at(start), {})[start] = (start, end, word)
    for start, end, word in _elisions(text):
        by_sentence.setdefault(seg.sentence_at(start), {})[start] = (start, end, word)
    may_end = _may_end_foreign(runs)
    if not (text.isascii() and _no_foreign_token(text, runs) and not (may_end and _ENDING_HINT.search(text))):
        # the hand-written signals (letters, endings, function words) cover what the word lists cut; the letters
        # are looked for among the characters beyond ASCII, which in a plain document (language.plain_typography,
        # asked already by the document's language: most documents) are typographic marks, none of them a letter
        beyond = "" if plain_typography(ctx) else beyond_ascii(ctx)
        if starts := _foreign_word_starts(text, runs, may_end, beyond):
            for start, end, word in _foreign_latin_words_at(text, starts):
                by_sentence.setdefault(seg.sentence_at(start), {})[start] = (start, end, word)
    if not by_sentence:
        return []
    from .language import common_ratio_reaches

    spots = []
    for (s_start, s_end), found in by_sentence.items():
        if len(found) > 2:
            continue
        sentence = text[s_start:s_end]
        # (common_ratio(sentence) < 0.12, counted only until sure)
        if not common_ratio_reaches(sentence, 0.12) and english_share(sentence) < ENGLISH_SHARE:
            continue  # not plainly English: a foreign sentence is the language rule's business
        spots += [
            (start, end, f"word of another language inside an English sentence: {_quote(word)}") for start, end, word in found.values()
        ]
    return spots


# -- shuffled word order -----------------------------------------------------------

_DET = "the|a|an|its|their|our|my|your|every"
_AFTER_DET = (
    "the|a|an|its|their|our|my|your|of|in|on|at|by|for|from|with|to|and|or|but|is|are|was|were|has|have|had|he|she|they|we|i|which|who|it"
)
_AFTER_DET_MORE = (
    "than|into|onto|would|should|could|been|whose|whom|does|did|these|those|as|that|during|against|between|among|within|without|"
    "toward|towards|via|upon|since|until|because|although|whether|unless|each"
)
#: "been" is never followed by a finite auxiliary ("been is"); other pairs of
#: auxiliaries are fused relatives ("what it used to be is", "what he has is")
_AUX_NEXT = "is|are|was|were|will|would|can|cannot|could|should|must|might|shall"
#: modals take a verb (or an adverb), never a preposition or another finite verb
#: ("could to", "would of course" and stranded prepositions are human)
_MODAL = "would|could|should|might|must|cannot"
_MODAL_NEXT = "from|into|onto|than|is|are|was|were|has|had|will|would|can|could|should|shall|might|must|who|whom|whose|which"
#: a finite "be" or bare "be" never takes a modal after it ("is would", "be cannot"); "is can" and
#: "is will" are left out: "the question is can they", "whatever the benefit is will drop"
_FIN = "is|are|was|were|be"
_FIN_NEXT = "would|could|should|might|must|shall|cannot"
#: a sentence never ends on an auxiliary right after a comma ("nearby, is.")
_AUX_END = "is|are|was|were|has|have|had|be|been"
#: quantifiers never followed by a determiner ("several the")
_QUANT = "several|many|each|few"
_PRONOUN = "he|she|they|we"
#: prepositions that never stand right before "of"
_PREP = "of|to|for|with|by|from|into|onto|at|than"
#: words a sentence never ends on (before its final mark)
_NO_END = "the|a|an|and|or|nor|its|their|our|my|your|every|whose|because|although|whereas|than|which|as"
#: "than" compares with a phrase, never with a conjunction or a relative word
_AFTER_THAN = "and|or|but|which|whose|than"
_DET_ANY = f"{_DET}|The|A|An|Its|Their|Our|My|Your|Every"
_PRONOUN_ANY = f"{_PRONOUN}|He|She|They|We"
_PRONOUN_NEXT = "the|a|an|of|by|from|with|at|which|whom|whose"
_OF_NEXT = "of|is|are|was|were|he|she|they|we|i"
_QUANT_ANY = f"{_QUANT}|Several|Many|Each|Few"
_QUANT_NEXT = "the|its|their|our|my|your|his"
#: the letter after "a" and after "an" in "a interview", "an racing"
_A_NEXT = "[aeio]"
_AN_NEXT = "[b-df-gj-np-tv-z]"
_WORD_ORDER = re.compile(
    rf"""(?<![\w'’-])(?:{_DET_ANY})[ \t]+(?:{_AFTER_DET}|{_AFTER_DET_MORE})\b(?![-'’])  # the of, a the
      | (?<![\w'’-])(?:{_PRONOUN_ANY})[ \t]+(?:{_PRONOUN_NEXT})\b(?![-'’])  # he the, he which
      | (?<![\w'’-])of[ \t]+(?:{_OF_NEXT})\b(?![-'’])                          # of is
      | (?<![\w'’-])(?:{_PREP})[ \t]+of\b(?![-'’])                                                    # to of, for of
      | (?<![\w'’-])(?:been|Been)[ \t]+(?:{_AUX_NEXT})\b(?![-'’])                                     # been is
      | (?<![\w'’-])(?:{_MODAL})[ \t]+(?:{_MODAL_NEXT})\b(?![-'’])                                     # would from
      | (?<![\w'’-])(?:{_QUANT_ANY})[ \t]+(?:{_QUANT_NEXT})\b(?![-'’])  # several the
      | (?<![\w'’-])(?:[Aa][ \t]+(?![eu]|one){_A_NEXT}|[Aa]n[ \t]+(?!h){_AN_NEXT}[a-z])[a-z]*\b(?![-'’.])  # a interview, an racing
      | (?<=[ \t])(?:{_NO_END})(?=[.!?]["”’)]*(?:[ \t]|$))                                             # ... collided a.
      | (?<![\w'’-])than[ \t]+(?:{_AFTER_THAN})\b(?![-'’])                                              # than and
      | (?:^|(?<=[.!?][ \t])|(?<=[.!?]["”’)][ \t]))Been\b(?![-'’])                                       # Been ... (no sentence starts so)
      | (?<![\w'’-])(?:{_FIN})[ \t]+(?:{_FIN_NEXT})\b(?![-'’])                                          # is would, be cannot
      | (?<=,[ \t])(?:{_AUX_END})(?=[.!?])                                                             # ..., is.
    """,
    re.X | re.M,
)


def _trie(words: str) -> str:
    return word_trie(words.split("|"))


#: every word a branch of :data:`_WORD_ORDER` can start with
_WORD_ORDER_FIRST = sorted(
    {
        w
        for words in (
            f"{_DET}|The|A|An|Its|Their|Our|My|Your|Every|{_PRONOUN}|He|She|They|We|of|{_PREP}|been|Been|{_MODAL}",
            f"{_QUANT}|Several|Many|Each|Few|{_NO_END}|than|{_FIN}|{_AUX_END}",
        )
        for w in words.split("|")
    }
)
#: the same pairs as :data:`_WORD_ORDER`, led by the character before the first
#: word instead of a look-behind: a character class first lets ``re`` skip to
#: the next space or mark in C, and the trie-shaped word lists decide on one
#: letter (three times faster). Every branch matches one span at most, so the
#: order of the words inside a list does not matter. The look-ahead first
#: asks once whether the word is one a branch starts with (most words are
#: not), instead of each of the thirteen branches asking it (0.29 → 0.20 s
#: on perf-news).
_WORD_ORDER_SCAN = re.compile(
    rf"""[^\w'’-](?={word_trie(_WORD_ORDER_FIRST)}\b)(?:
        {_trie(_DET_ANY)}[ \t]+{_trie(_AFTER_DET + "|" + _AFTER_DET_MORE)}\b(?![-'’])
      | {_trie(_PRONOUN_ANY)}[ \t]+{_trie(_PRONOUN_NEXT)}\b(?![-'’])
      | of[ \t]+{_trie(_OF_NEXT)}\b(?![-'’])
      | {_trie(_PREP)}[ \t]+of\b(?![-'’])
      | [Bb]een[ \t]+{_trie(_AUX_NEXT)}\b(?![-'’])
      | {_trie(_MODAL)}[ \t]+{_trie(_MODAL_NEXT)}\b(?![-'’])
      | {_trie(_QUANT_ANY)}[ \t]+{_trie(_QUANT_NEXT)}\b(?![-'’])
      | (?:[Aa][ \t]+(?![eu]|one){_A_NEXT}|[Aa]n[ \t]+(?!h){_AN_NEXT}[a-z])[a-z]*\b(?![-'’.])
      | (?<=[ \t]){_trie(_NO_END)}(?=[.!?]["”’)]*(?:[ \t]|$))
      | than[ \t]+{_trie(_AFTER_THAN)}\b(?![-'’])
      | (?:(?<=[.!?][ \t])|(?<=[.!?]["”’)][ \t])|(?<=\n))Been\b(?![-'’])
      | {_trie(_FIN)}[ \t]+{_trie(_FIN_NEXT)}\b(?![-'’])
      | (?<=,[ \t]){_trie(_AUX_END)}(?=[.!?])
    )""",
    re.X | re.M,
)


def _word_order_spans(text: str) -> list[tuple[int, int]]:
    """The spans :data:`_WORD_ORDER` finds with ``finditer``, by the faster scan.

    A match never starts right where the previous one ended (a word ends it,
    and every branch needs a non-word character before its first word), so
    consuming that character finds the same non-overlapping matches; only a
    match at offset 0, which has no character before it, needs the original.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    if (first := _WORD_ORDER.match(text)) is not None:
        spans.append(first.span())
        pos = first.end()
    if (kernel := _mark_scan()) is None:
        spans.extend((m.start() + 1, m.end()) for m in _WORD_ORDER_SCAN.finditer(text, pos))
        return spans
    # ``finditer`` from pos finds the first position where the scan matches, then goes on
    # from the match's end: the candidates hold every such position, so trying them in
    # order and skipping those inside the last match finds the same matches
    match = _WORD_ORDER_SCAN.match
    for p in kernel.candidates(text).order:
        if p >= pos and (m := match(text, p)) is not None:
            spans.append((p + 1, m.end()))
            pos = m.end()
    return spans


def _letters(char_class: str) -> str:
    return "".join(c for c in string.ascii_letters if re.fullmatch(char_class, c))


def _mark_scan_tables() -> dict[str, Any]:
    """The word lists of :data:`_STRAY_SCANS` and one rule per branch of :data:`_WORD_ORDER_SCAN`, for the compiled kernel.

    They come from the constants both patterns are written with, so the kernel and
    the patterns cannot drift apart (:mod:`.mark_scan` says what each rule kind means).
    """
    order_rules = [
        ("pair", _DET_ANY, f"{_AFTER_DET}|{_AFTER_DET_MORE}"),
        ("pair", _PRONOUN_ANY, _PRONOUN_NEXT),
        ("pair", "of", _OF_NEXT),
        ("pair", _PREP, "of"),
        ("pair", "been|Been", _AUX_NEXT),
        ("pair", _MODAL, _MODAL_NEXT),
        ("pair", _QUANT_ANY, _QUANT_NEXT),
        ("next", "a|A", _letters(_A_NEXT)),
        ("next", "an|An", _letters(_AN_NEXT)),
        ("end", _NO_END, ""),
        ("pair", "than", _AFTER_THAN),
        ("always", "Been", ""),
        ("pair", _FIN, _FIN_NEXT),
        ("end-after-comma", _AUX_END, ""),
    ]
    return {
        "stray_after": _NO_MARK_AFTER.split("|"),
        "units": _UNITS.split("|"),
        "comma_next": _MONTHS.split("|"),
        "comma_aux": _AUX.split("|"),
        "opening_det": _OPENING_DET.split("|"),
        "stop_next": _FUNCTION_AFTER_STOP.split("|"),
        "colon_before": _COLON_BEFORE.split("|"),
        "colon_next": _COLON_NEXT.split("|"),
        "order_rules": [(kind, firsts.split("|"), arg.split("|") if kind == "pair" else arg) for kind, firsts, arg in order_rules],
    }


@cache
def _mark_scan() -> MarkScan | None:
    """The compiled candidate scan of stray-punctuation and word-order (None: the Python scans run), built once per process."""
    return mark_scan(**_mark_scan_tables())


#: the run of ASCII letters a text starts with (see :func:`_word_order_at_start`)
_LEADING_LETTERS = re.compile("[A-Za-z]+")
_WORD_ORDER_FIRSTS = frozenset(_WORD_ORDER_FIRST)


def _word_order_at_start(ctx: DocContext) -> bool:
    """Whether :data:`_WORD_ORDER` matches at the document's start: the one match of word-order the kernel's ``order`` list holds no position for.

    Every other match of :func:`_word_order_spans` is tried at a position of
    that list, so a document with an empty list and no match here gives
    word-order nothing: :class:`GarbleMatcher` then skips the detector
    (nine documents in ten of perf-news).

    A branch that can match at offset 0 (no look-behind needs a character
    before it) starts with one of :data:`_WORD_ORDER_FIRST`, ended by a
    blank or a word boundary: so the text's leading run of ASCII letters is
    that word. Most texts start with another, and that one set lookup says
    no where the pattern tried its fourteen branches one by one.
    """
    text = ctx.text
    if (lead := _LEADING_LETTERS.match(text)) is None or lead.group() not in _WORD_ORDER_FIRSTS:
        return False
    return _WORD_ORDER.match(text) is not None


def word_order(ctx: DocContext, seg: LazySegmentation, params: Mapping[str, Any]) -> Iterator[Spot]:
    """Function words in an order English never uses: ``the of``, ``he the``, a sentence ending in ``the.``

    Shuffled or mis-ordered machine output puts determiners, prepositions
    and pronouns next to each other; correct English almost never does.
    ``min_hits`` (default 1) is how many such pairs a sentence needs.
    """
    text = ctx.text
    min_hits = int(params.get("min_hits", 1))
    hits = _word_order_spans(text)
    if min_hits <= 1:
        for start, end in hits:
            yield start, end, f"words in an impossible order at {_quote(text[max(0, start - 15) : end + 15])}"
        return
    by_sentence: dict[Span, list[tuple[int, int]]] = {}
    for start, end in hits:
        by_sentence.setdefault(seg.sentence_at(start), []).append((start, end))
    for spots in by_sentence.values():
        if len(spots) >= min_hits:
            start, end = spots[0]
            yield start, end, f"{len(spots)} word pairs in an impossible order, first at {_quote(text[max(0, start - 15) : end + 15])}"


def improbable_order(ctx: DocContext, seg: LazySegmentation, params: Mapping[str, Any]) -> Iterator[Spot]:
    """A sentence whose common-word pairs are far likelier shuffled than written (:mod:`.word_pairs`).

    ``min_evidence`` (default 9) is how strongly the pairs must speak for a
    shuffle: the negated sum of their weights (a log-likelihood ratio). The
    reason names the three least English-like pairs.
    """
    text = ctx.text
    threshold = -float(params.get("min_evidence", 9.0))
    model = pair_model()
    if not model.may_reach(text, threshold):
        return  # the whole document's pairs have no run that low (one call: most documents stop here)
    for k, (p_start, p_end) in enumerate(seg.paragraphs):
        if not model.may_reach(text[p_start:p_end], threshold):
            continue  # no run of pairs in the paragraph is that low, so no sentence is
        for start, end in seg.sentences_of(k):
            sentence = text[start:end]
            if not model.may_reach(sentence, threshold):
                # the sum of all its pairs is a run too, so it is not that low either: the scan (in C)
                # says so without the evidence's string for every pair (most sentences of such a paragraph)
                continue
            total, scored = model.evidence(sentence)
            if total <= threshold:
                worst = ", ".join(f"'{pair}'" for _, pair in sorted(scored)[:3])
                yield start, end, f"words in an improbable order (pairs English seldom writes: {worst})"


# -- quotes and brackets ------------------------------------------------------------

_OPENING_CONTEXT = frozenset(" \t\n([{—–-/")


#: the quotes and brackets :func:`unbalanced_quotes` weighs (a doubled ``’’`` or ``''`` is one quote)
_MARKS = ("’’", "''", '"', "“", "”", "(", ")", "[", "]")


def _marks(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """(offset, mark) of each of :data:`_MARKS` in ``text[start:end]``, in order, as a regex alternation of them would find them.

    ``str.find`` skips to a character far faster than the regex steps
    through a paragraph (news paragraphs are long and hold a handful of
    marks). The marks never overlap: a one-character mark is never part of
    ``’’`` or ``''``, and each of those is found from the end of the last,
    as ``finditer`` does.
    """
    found = []
    for mark in _MARKS:
        i = text.find(mark, start, end)
        while i >= 0:
            found.append((i, mark))
            i = text.find(mark, i + len(mark), end)
    found.sort()
    return found


def _mark_offsets(text: str) -> list[int]:
    """Where each of :func:`_marks` of the whole text starts, in order: from the compiled kernel's one pass when built.

    The mark at an offset is ``text[i]``, or ``text[i] * 2`` when that is an
    apostrophe (:data:`_DOUBLED`). The kernel finds them in the pass that
    finds the other detectors' hints, where ``_marks`` searched the text
    nine times and sorted (0.02 s on perf-news).
    """
    if (kernel := _mark_scan()) is not None:
        return kernel.candidates(text).marks
    return [i for i, _ in _marks(text, 0, len(text))]


#: the marks of :data:`_MARKS` that are two characters: ``''`` and ``’’`` (the only ones led by an apostrophe)
_DOUBLED = frozenset("'’")


def _marks_by_paragraph(text: str, seg: LazySegmentation) -> Iterator[tuple[int, int, int, list[int]]]:
    """``(k, start, end, offsets)`` of each paragraph ``k`` holding a mark, in order: the offsets of ``_marks(text, start, end)``.

    The marks of the whole text, found once, are those of its paragraphs in
    turn: each is a character that is not white space, or two such, so it
    lies inside one paragraph (a non-blank line without its outer blanks),
    and two-character marks are found from a paragraph's start as from the
    end of the last one before it, which no mark reaches past. Nine
    ``str.find`` per document instead of nine per paragraph (news documents
    have dozens of paragraphs and a handful of quotes).
    """
    marks = _mark_offsets(text)
    i = 0
    while i < len(marks):
        k = seg.paragraph_at(marks[i])
        start, end = seg.paragraphs[k]
        j = bisect_left(marks, end, i)  # (the first mark at or past the paragraph's end)
        yield k, start, end, marks[i:j]
        i = j


def _paragraph_marks(text: str, start: int, end: int, marks: list[int]) -> tuple[list[int], list[int], list[int]]:
    """(unclosed quote offsets, closing quotes without opening, unbalanced bracket offsets), from the offsets of :func:`_marks` of the paragraph.

    The reference of the compiled :data:`~.mark_scan.paragraph_marks`, which runs instead when built.
    """
    open_quotes: list[int] = []
    stray_close: list[int] = []
    brackets: list[tuple[str, int]] = []
    bad_brackets: list[int] = []
    for i in marks:
        c = text[i]
        if c in _DOUBLED:
            c += c  # '' or ’’
        if c in "[]" and text[i - 1 : i] == "\x1b":
            continue  # a terminal escape (ESC [ 31m), which unicode.control-char removes: not a bracket
        if c in "([":
            brackets.append((c, i))
        elif c in ")]":
            want = "(" if c == ")" else "["
            if brackets and brackets[-1][0] == want:
                brackets.pop()
            elif not (c == ")" and (i - start <= 3 or (text[i - 2].isspace() and text[i - 1].isalnum()))):  # 1) a) list markers
                bad_brackets.append(i)
        else:
            # by position first, glyph second: scraped text mixes “ ” and " freely
            before = text[i - 1] if i > start else " "
            j = i + len(c)
            after = text[j] if j < end else " "
            opening_position = before in _OPENING_CONTEXT and not after.isspace()
            closing_position = after.isspace() or after in ".,;:!?)]—–-" or not before.isspace()
            if len(c) == 2:
                opening = False
            elif (opening_position and not (c == "”" and not closing_position and open_quotes)) or (c == "“" and not closing_position):
                opening = True
            else:
                opening = False
            if opening:
                open_quotes.append(i)
            elif open_quotes:
                open_quotes.pop()
            elif c == '"' and before.isdigit():
                continue  # 34" (inches)
            else:
                stray_close.append(i)
    bad_brackets.extend(i for _, i in brackets)
    return open_quotes, stray_close, bad_brackets


WeighedParagraph = tuple[int, int, int, list[int], list[int], list[int]]


def _weighed_paragraphs(text: str, seg: LazySegmentation) -> list[WeighedParagraph]:
    """``(k, start, end, open_quotes, stray_close, bad_brackets)`` of each paragraph whose quotes or brackets do not balance, in order.

    :func:`_paragraph_marks` of each paragraph holding a quote or a bracket
    (``''`` and ``’’`` alone are not looked at), kept where one of its three
    lists is not empty. In C when built (:data:`~.mark_scan.document_marks`,
    one call per document: most paragraphs balance); this is its reference.
    """
    if document_marks is not None:
        return document_marks(text, _mark_offsets(text), seg.paragraphs)
    weighed = []
    for k, p_start, p_end, marks in _marks_by_paragraph(text, seg):
        if all(text[i] in _DOUBLED for i in marks):
            continue  # no quote or bracket ('' and ’’ alone are not looked at)
        open_quotes, stray_close, bad_brackets = (paragraph_marks or _paragraph_marks)(text, p_start, p_end, marks)
        if open_quotes or stray_close or bad_brackets:
            weighed.append((k, p_start, p_end, open_quotes, stray_close, bad_brackets))
    return weighed


def unbalanced_quotes(ctx: DocContext, seg: LazySegmentation, params: Mapping[str, Any]) -> Iterator[Spot]:
    """Quotes or brackets left open, or closed without opening, within a paragraph.

    News convention: a quotation that runs on into the next paragraph leaves
    its closing mark off and the next paragraph opens with a quote; that is
    not flagged.
    """
    text = ctx.text
    for k, p_start, p_end, open_quotes, stray_close, bad_brackets in _weighed_paragraphs(text, seg):
        if open_quotes:
            paras = seg.paragraphs
            runs_on = k + 1 < len(paras) and text[paras[k + 1][0]] in '"“'
            if not (runs_on and len(open_quotes) == 1):
                i = open_quotes[-1]
                yield i, i + 1, f"quotation opened and never closed: {_quote(text[i : min(p_end, i + 40)])}"
        for i in stray_close:
            yield i, i + 1, f"closing quote without an opening one: {_quote(text[max(p_start, i - 30) : i + 1])}"
        for i in bad_brackets:
            yield i, i + 1, f"unbalanced bracket: {_quote(text[max(p_start, i - 20) : i + 20])}"


# -- a paragraph cut off mid-sentence -------------------------------------------------

_TERMINAL = frozenset(".!?…\"”’')]:;—–-*")


def cut_off(ctx: DocContext, seg: LazySegmentation, params: Mapping[str, Any]) -> Iterator[Spot]:
    """A quotation cut off mid-sentence at the end of a paragraph: ``"It is good`` + new paragraph.

    The signature of a spun article: the paragraph's last sentence opens a
    quotation, stops without punctuation after a few words, and the text
    goes on with a new paragraph. Unpunctuated paragraph ends in general
    (headlines, captions, list items, recipe steps) are far more often
    human, so only the quotation case counts, and only in a paragraph of
    two or more sentences; a one-sentence document never triggers it.
    """
    text = ctx.text
    paras = seg.paragraphs
    max_words = 12
    for k, (p_start, p_end) in enumerate(paras[:-1]):
        if text[p_end - 1] in _TERMINAL or (text.find('"', p_start, p_end) < 0 and text.find("“", p_start, p_end) < 0):
            continue  # cheap tests first (the fragment opens with " or “; str.find skips to them): only then split the paragraph
        sentences = seg.sentences_of(k)
        if len(sentences) < 2:
            continue
        last_start, last_end = sentences[-1]
        fragment = text[last_start:last_end]
        if fragment[0] not in '"“' or any(c in fragment[1:] for c in '"“”') or not fragment[-1].isalpha():
            continue
        if len(fragment.split()) > max_words:
            continue
        yield last_start, last_end, f"paragraph cut off mid-sentence: {_quote(fragment)}"


@dataclass(frozen=True)
class Detector:
    fn: DetectorFn
    english_only: bool
    params: tuple[str, ...] = ()
    #: fields of the kernel's :class:`~.mark_scan.Candidates` of which the detector needs one not empty to find
    #: anything (every match it can report holds one of those hints), so that with the kernel built it is not
    #: even called on a document where all are empty (most: a call that finds nothing costs a few microseconds)
    hints: tuple[str, ...] = ()
    #: with hints, a cheap exact test of the document for the matches none of them stands for: the detector
    #: also runs where it says yes (None: every match holds a hint)
    unhinted: Callable[[DocContext], bool] | None = None


DETECTORS: dict[str, Detector] = {
    "orphan-punctuation": Detector(orphan_punctuation, False, hints=("blank_mark",)),
    # (a match of _LOWER_AFTER_STOP holds a lower_stop hint, and a paragraph is flagged only after one that starts in lower case)
    "lowercase-start": Detector(lowercase_start, True, hints=("lower_stop", "lower_start")),
    "after-closing-quote": Detector(after_closing_quote, True, hints=("quote_lower",)),
    "space-before-quote": Detector(space_before_quote, True, hints=("space_quote",)),
    "tokenized": Detector(tokenized, True, hints=("blank_mark", "bracket_blank", "nt")),
    "stray-punctuation": Detector(stray_punctuation, True, hints=("stray",)),
    "repeated-words": Detector(repeated_words, True),
    "code-mix": Detector(code_mix, True),
    "code-mix-latin": Detector(code_mix_latin, True),
    # (a match at the document's start is the one no position of the order list stands for)
    "word-order": Detector(word_order, True, ("min_hits",), hints=("order",), unhinted=_word_order_at_start),
    "improbable-order": Detector(improbable_order, True, ("min_evidence",)),
    # (a quote or a bracket: the marks hold every " and “, which a cut-off fragment opens with)
    "unbalanced-quotes": Detector(unbalanced_quotes, True, hints=("marks",)),
    "cut-off": Detector(cut_off, False, hints=("marks",)),
    "foreign-sentence": Detector(foreign_sentence, False, ("min_words", "min_probability")),
}


#: the bit of :class:`GarbleMatcher`'s mask of a detector without hints, beyond those of the :class:`~.mark_scan.Candidates` lists
_UNGATED = 1 << Candidates._fields.index("present")


def _hint_mask(hints: tuple[str, ...]) -> int:
    """The bits of ``Candidates.present`` that stand for ``hints`` (:data:`_UNGATED` for none: the detector always runs)."""
    return sum(1 << Candidates._fields.index(h) for h in hints) if hints else _UNGATED


#: a detector as :meth:`GarbleMatcher.find` runs it: (spec, function, params, English only, the exact test it needs first or None)
_Run = tuple[RuleSpec, DetectorFn, Mapping[str, Any], bool, Callable[[DocContext], bool] | None]


class GarbleMatcher(Matcher):
    """Runs every selected garble/language rule and yields one flag per broken sentence."""

    judges_fixed_text = True

    def __init__(self, specs: list[RuleSpec]) -> None:
        self.specs = specs
        self.rule_ids = tuple(s.id for s in specs)
        self.detectors: list[tuple[RuleSpec, Detector]] = []
        for spec in specs:
            name = "foreign-sentence" if spec.kind == "language" else spec.params.get("detector", "")
            det = DETECTORS.get(name)
            if det is None:
                raise PackError(f"{spec.where()}: unknown detector {name!r} (known: {', '.join(sorted(DETECTORS))})")
            extra = set(spec.params) - {"detector", *det.params}
            if extra:
                raise PackError(f"{spec.where()}: detector {name!r} takes no parameter(s) {', '.join(sorted(extra))}")
            self.detectors.append((spec, det))
        #: what :meth:`find` reads of each detector, unpacked once (it runs every detector on every document):
        #: its hints as a bit mask of :class:`~.mark_scan.Candidates` fields (``present``'s bits), or :data:`_UNGATED`
        self._runs = [(spec, det.fn, spec.params, det.english_only, _hint_mask(det.hints), det.unhinted) for spec, det in self.detectors]
        #: per value of the hint bits a document holds: the runs that are not skipped for lacking them, in order, each
        #: with the exact test it still needs (``unhinted``, or None); a few dozen values on a corpus (see :meth:`_runs_for`)
        self._runs_by_present: dict[int, list[_Run]] = {}

    def _runs_for(self, present: int) -> list[_Run]:
        """The detectors to run on a document whose hint bits are ``present``: those with a hint there, and those whose ``unhinted`` test must say.

        Worked out once per value of ``present``, where :meth:`find` tested
        every detector's bits on every document (most are skipped).
        """
        runs = self._runs_by_present.get(present)
        if runs is None:
            runs = self._runs_by_present[present] = [
                (spec, fn, params, english_only, None if hints & present else unhinted)
                for spec, fn, params, english_only, hints, unhinted in self._runs
                if hints & present or unhinted is not None
            ]
        return runs

    def find(self, ctx: DocContext) -> Iterator[Finding]:
        text = ctx.text
        if not text or text.isspace():  # (not text.strip(): no copy of the document)
            return
        seg = segmentation(ctx)
        sentence_at = seg.sentence_at
        english: bool | None = None
        per_sentence: dict[Span, list[tuple[RuleSpec, Spot]]] = {}
        # the hints the text holds (every bit, where the pure Python scans run), and the bit of the detectors without hints
        present = -1 if (kernel := _mark_scan()) is None else kernel.candidates(text).present | _UNGATED
        for spec, fn, params, english_only, unhinted in self._runs_for(present):
            if unhinted is not None and not unhinted(ctx):
                continue  # none of the hints its matches hold, nor a match without one: it would find nothing
            if english_only:
                if english is None:
                    english = document_language(ctx) == "en"
                if not english:
                    continue
            for spot in fn(ctx, seg, params):
                per_sentence.setdefault(sentence_at(spot[0]), []).append((spec, spot))
        for span in sorted(per_sentence):
            if mojibake_between(ctx, span[0], span[1]):
                continue  # judged on damaged text: the unicode rules fix it first, and the garble reasons would be about mojibake
            yield self._finding(span, per_sentence[span])

    @staticmethod
    def _finding(sentence: Span, hits: list[tuple[RuleSpec, Spot]]) -> Finding:
        """The flag of one sentence: the strongest rule, every distinct reason in the order of its spot, the spots as JSON."""
        if len(hits) == 1:  # most flagged sentences hold one spot: its rule and its reason, nothing to sort or merge
            top, (_, _, message) = hits[0]
            confidences = [top.confidence]
        else:
            hits = sorted(hits, key=_spot_start)
            best: dict[str, RuleSpec] = {}
            for spec, _ in hits:
                best.setdefault(spec.id, spec)
            top = max(best.values(), key=_strength) if len(best) > 1 else next(iter(best.values()))
            message = "; ".join(dict.fromkeys([reason for _, (_, _, reason) in hits]))  # (each distinct reason once, in order)
            confidences = [sp.confidence for sp in best.values()]
        return new_finding(
            rule=top.id,
            start=sentence[0],
            end=sentence[1],
            replacement=None,
            message=message,
            confidence=round(sentence_score(confidences), 4),
            safe=False,
            detail=_detail(hits),
        )


def _spot_start(hit: tuple[RuleSpec, Spot]) -> int:
    return hit[1][0]


def _strength(spec: RuleSpec) -> tuple[float, int, str]:
    """Which rule names a flagged sentence: the most confident, then the first by priority, then by id."""
    return spec.confidence, -spec.priority, spec.id


def _detail(hits: list[tuple[RuleSpec, Spot]]) -> str:
    """``json.dumps([{"rule": id, "start": a, "end": b, "reason": r}, ...], ensure_ascii=False)`` of the spots, written out.

    The strings go through the encoder's own :func:`json.encoder.encode_basestring`
    and the offsets are ints, so the text is the encoder's, without its
    walk over a list of dicts made for it (a third of the cost of a flag).
    """
    return (
        "["
        + ", ".join(
            [f'{{"rule": {_json_str(spec.id)}, "start": {a:d}, "end": {b:d}, "reason": {_json_str(r)}}}' for spec, (a, b, r) in hits]
        )
        + "]"
    )


#: a str as JSON with ``ensure_ascii=False``: what ``json.JSONEncoder(ensure_ascii=False)`` writes a str with
_json_str = encode_basestring


@register
class GarbleKind(Kind):
    name = "garble"
    group = "garble"
    actions = ("flag",)
    params = {"detector": (str, True), "min_hits": (int, False), "min_evidence": ((int, float), False)}

    @classmethod
    def validate(cls, spec: RuleSpec) -> None:
        super().validate(spec)
        if spec.params["detector"] not in DETECTORS or spec.params["detector"] == "foreign-sentence":
            known = ", ".join(sorted(n for n in DETECTORS if n != "foreign-sentence"))
            raise PackError(f"{spec.where()}: unknown detector {spec.params['detector']!r} (known: {known})")

    @classmethod
    def compile(cls, specs: list[RuleSpec]) -> list[Matcher]:
        return [GarbleMatcher(specs)] if specs else []
