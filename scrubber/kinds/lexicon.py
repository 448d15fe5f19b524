"""Which words are English, and which are common words of another European language.

Machine translation leaves a word it could not (or did not) translate in
the source language: ``the Präsident of the club``, ``a new kontrola``.
Telling such a word from an English one needs word lists: a hand-written
list of foreign words only ever covers the few it names. ``wordfreq``
(Apache-2.0 code, CC-BY-SA data, installed as a dependency and never
copied into the project) has per-language word frequencies on the Zipf
scale (``log10`` of occurrences per billion words: 7 is ``the``, 3 is a
word seen once per million).

A word is a **foreign candidate** when it is common in one of
:data:`LANGUAGES` (Zipf ≥ 3, the cut of wordfreq's ``small`` lists) and
rare in English: English Zipf below :data:`EN_MAX` and at least
:data:`GAP` below its foreign frequency. The English list is wordfreq's
``large`` one, which is built from English text including news: names of
people and places that English news mentions (``Müller``, ``Bayern``) and
borrowings (``angst``, ``café``) have an English frequency of their own and
drop out, while ``Präsident``, ``Gruppe`` or ``kontrola`` stay.

The table is built once per process (about a second and a half, or a
quarter of that when loaded from :mod:`scrubber.tablecache`) and is a plain
``dict``: a detector intersects a document's words with it in C and looks
closer only at the few hits (:func:`foreign_hits`).
"""

from __future__ import annotations

import importlib.util
import math
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

from ..tablecache import cached, file_stamp, package_key
from ..text import beyond_ascii_of
from ..wordruns import letter_runs
from .langwalk import filter_words, word_filter

#: European languages with Latin script that wordfreq covers; Indonesian, Malay
#: and Filipino are left out (their lists are full of English words)
LANGUAGES = (
    "ca",
    "cs",
    "da",
    "de",
    "es",
    "fi",
    "fr",
    "hu",
    "is",
    "it",
    "lt",
    "lv",
    "nb",
    "nl",
    "pl",
    "pt",
    "ro",
    "sh",
    "sk",
    "sl",
    "sv",
    "tr",
)
#: a foreign candidate is this rare in English at most (Zipf)...
EN_MAX = 2.5
#: ...and at least this much rarer in English than in its own language
GAP = 2.5
#: shortest word judged (two-letter words are too often English, names or abbreviations)
MIN_LEN = 3
#: how many of the commonest English words :func:`common_english` takes: any number gives the same
#: answers (a foreign candidate is none of them); more leave fewer of a document's words to make
#: objects of and look up in the big table (10,000 -> 30,000: a third as many, 0.02 s on perf-news,
#: 2 MB more per process)
COMMON_ENGLISH = 30_000


def _zipf(freq: float) -> float:
    return math.log10(freq) + 9 if freq > 0 else 0.0


@cache
def _sources() -> tuple:
    """What the tables built here depend on, for their cache key: wordfreq's version and lists, this module, the constants."""
    spec = importlib.util.find_spec("wordfreq")
    package = Path(next(iter(spec.submodule_search_locations))) if spec and spec.submodule_search_locations else Path()
    names = ("large_en.msgpack.gz", *(f"small_{lang}.msgpack.gz" for lang in LANGUAGES))
    return (
        package_key("wordfreq", package, package / "data", names),
        file_stamp(Path(__file__)),
        LANGUAGES,
        EN_MAX,
        GAP,
        MIN_LEN,
        COMMON_ENGLISH,
    )


def _is(kind: type, value: object) -> object:
    """``value``, if it is a ``kind`` (a cache file's payload is checked before use)."""
    if type(value) is not kind:
        raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value


@cache
def foreign_table() -> dict[str, tuple[float, float, str]]:
    """``word -> (foreign Zipf, English Zipf, language)`` for every foreign candidate (the language it is commonest in).

    Loaded from the table cache when it holds one built from the same
    sources (:mod:`scrubber.tablecache`; marshal keeps the shared value
    tuples shared). Empty when wordfreq is not installed (the detectors
    then fall back to their hand-written signals).
    """
    if importlib.util.find_spec("wordfreq") is None:  # pragma: no cover - wordfreq is a dependency
        return {}
    return cached("foreign", _sources(), _build_foreign_table, lambda t: t, lambda p: _is(dict, p))


def _build_foreign_table() -> dict[str, tuple[float, float, str]]:
    """The foreign table from wordfreq's lists.

    Each language's list is read past
    wordfreq's cache (``get_frequency_dict`` keeps every list it was asked
    for, for the life of the process) and dropped once its candidates are
    taken, and equal values share one tuple: 132 MB resident instead of
    241 MB, in every process that runs the garble rules.
    """
    from wordfreq import cB_to_freq, get_frequency_list

    english = _english()
    min_freq = 10 ** (EN_MAX - 9)
    table: dict[str, tuple[float, float, str]] = {}
    shared: dict[tuple[float, float, str], tuple[float, float, str]] = {}
    for lang in LANGUAGES:
        for word, freq in _frequencies(get_frequency_list.__wrapped__(lang, "small"), cB_to_freq).items():
            if len(word) < MIN_LEN or english.get(word, 0.0) >= min_freq or not word.isalpha():
                continue
            zf, ze = _zipf(freq), _zipf(english.get(word, 0.0))
            if ze > zf - GAP:
                continue
            best = table.get(word)
            if best is None or zf > best[0]:
                value = (zf, ze, lang)
                table[word] = shared.setdefault(value, value)
    return table


def _frequencies(pack: list[list[str]], cb_to_freq: Callable[[float], float]) -> dict[str, float]:
    """What ``wordfreq.get_frequency_dict`` makes of a frequency list, without caching it."""
    freqs: dict[str, float] = {}
    for index, bucket in enumerate(pack):
        freq = cb_to_freq(-index)
        for word in bucket:
            freqs[word] = freq
    return freqs


def english_zipf(word: str) -> float:
    """English Zipf frequency of ``word`` (0 if unknown or wordfreq is missing)."""
    return _zipf(_english().get(word.lower(), 0.0))


@cache
def _english() -> dict[str, float]:
    """wordfreq's English ``large`` frequencies (word -> frequency, commonest first)."""
    return _english_lists()[0]


@cache
def _english_lists() -> tuple[dict[str, float], list[str]]:
    """(English frequencies, the :data:`COMMON_ENGLISH` commonest English words), cached together.

    Both come from wordfreq's English ``large`` list (0.2 s to read); the
    second is ``top_n_list``'s (which leaves out digit sequences), kept so
    that a process that loads the first from the cache need not read the list.
    """
    if importlib.util.find_spec("wordfreq") is None:  # pragma: no cover
        return {}, []

    def build() -> tuple[dict[str, float], list[str]]:
        from wordfreq import get_frequency_dict, top_n_list

        return get_frequency_dict("en", "large"), top_n_list("en", COMMON_ENGLISH, "large")

    def decode(payload: object) -> tuple[dict[str, float], list[str]]:
        english, common = _is(tuple, payload)
        return _is(dict, english), _is(list, common)

    return cached("english", _sources(), build, lambda t: t, decode)


def uncommon_runs(runs: set[str]) -> set[str]:
    """``runs`` without the :data:`COMMON_ENGLISH` commonest English words (about a third of them).

    What :func:`foreign_hits` looks up in the table; a caller that asks
    other questions of a document's rarer words computes it once and
    passes it on.
    """
    return runs - common_english()


def foreign_hits(text: str, runs: set[str] | None = None, uncommon: set[str] | None = None) -> set[str]:
    """The lower-cased words of ``text`` that are foreign candidates.

    One C-speed pass (lower-case, split into letter runs, intersect with the
    table); most English documents have none or a handful. ``runs``: the
    letter runs of ``text.lower()`` when the caller has them already
    (``uncommon``: :func:`uncommon_runs` of them). The
    table's words are letters only and at least :data:`MIN_LEN` long, so
    the shorter runs :func:`letter_runs` also gives never meet it.
    """
    table = foreign_table()
    if not table:
        return set()
    if uncommon is None:
        uncommon = uncommon_runs(letter_runs(text.lower()) if runs is None else runs)
    if (bits := _foreign_filter()) is not None and filter_words is not None:
        return table.keys() & filter_words(bits, uncommon)  # (the words the filter lets by, still looked up)
    return table.keys() & uncommon


@cache
def _foreign_filter() -> bytes | None:
    """A Bloom filter of the foreign table's words (1 MB, ~0.05 s once a process), or None without the lang-walk kernel.

    Nearly every run :func:`foreign_hits` looks up misses the table (185 of
    22,000 on perf-news), and in a pass of all rules each such miss in a
    dict of 690,000 words reads three cold cache lines (its index, its
    entry, the key str): 0.06 s of a loaded pass, where the same lookups in
    a loop cost 0.01 s. The filter answers most of them from one line; the
    words it lets by (every word of the table, about one in a hundred
    others) are looked up as before, so the hits are the same.
    """
    table = foreign_table()
    return word_filter(table) if word_filter is not None and table else None


@cache
def common_english() -> frozenset[str]:
    """The :data:`COMMON_ENGLISH` commonest English words, none of them a foreign candidate.

    Most of a document's distinct words are among them: taking them out
    first (a small set the CPU keeps in cache) leaves few lookups for the
    690,000-word table, which miss the cache (:func:`foreign_hits` 0.06 →
    0.04 s on perf-news, alone, with the 10,000 commonest; with 30,000,
    21,000 lookups a pass instead of 61,000). Candidates
    are rare in English by definition, so the table is subtracted only to
    make that certain.
    """
    return frozenset(_english_lists()[1]) - foreign_table().keys()


#: a capitalised candidate must be a common German word (Zipf): German is the
#: language that capitalises its common nouns (``Präsident``, ``Gruppe``); a
#: capitalised word of any other language, or a rarer German one
#: (``Mittelstand``), is a name or a term English news keeps on purpose
CAP_MIN = 4.0
#: neighbours of a candidate must be this common in English (Zipf): a word
#: next to an unknown one is part of a foreign phrase or a name
NEIGHBOUR_MIN = 2.5
#: English endings: ``defter`` is ``deft`` + ``er``, not Turkish
_ENGLISH_ENDINGS = ("s", "es", "ed", "er", "est", "ing", "ly")
_QUOTES = "\"'“”‘’«»*_"
_EDGE = ".,;:!?()[]\"'“”‘’«»*_—–-…"
_NEAR_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


@cache
def german_zipf(word: str) -> float:
    """German Zipf frequency of a lower-case word (0 if unknown)."""
    try:
        from wordfreq import get_frequency_dict
    except ImportError:  # pragma: no cover
        return 0.0
    return _zipf(get_frequency_dict("de", "small").get(word, 0.0))


def _english_inflection(word: str) -> bool:
    """``word`` is an English stem with an English ending (``defter``, ``reheated``)."""
    return any(word.endswith(e) and len(word) - len(e) >= 3 and english_zipf(word[: -len(e)]) >= NEIGHBOUR_MIN for e in _ENGLISH_ENDINGS)


def _near(text: str, start: int, end: int, s_start: int, s_end: int) -> tuple[list[str], list[str]]:
    """Up to two words before ``start`` and after ``end`` within the sentence, nearest first.

    The nearest ones must be plain English; the next ones only no candidates
    (``Sitz im Leben``: ``im`` is English, ``Sitz`` and ``Leben`` are not).
    """
    before = _NEAR_WORD.findall(text, max(s_start, start - 60), start)[-2:][::-1]
    after = _NEAR_WORD.findall(text, end, min(s_end, end + 60))[:2]
    return before, after


def _plain_english(word: str, table: dict[str, tuple[float, float, str]]) -> bool:
    low = word.lower()
    if len(low) == 1 and low not in "ai":
        return False  # a letter alone: a word broken by lost characters ('soir e')
    parts = re.split(r"['’-]", low)
    return low not in table and all(p.isdigit() or english_zipf(p) >= NEIGHBOUR_MIN for p in parts if p)


#: what may not stand right before a foreign word (:func:`_whole_words`), and what not right after it
_BEFORE_WORD = re.compile(r"[\w'’@./-]")
_AFTER_WORD = re.compile(r"[\w'’-]|[.@/]\w")


def _whole_words(text: str, words: set[str]) -> list[re.Match[str]]:
    """The matches of ``(?<![\\w'’@./-])(?:words)(?![\\w'’-]|[.@/]\\w)`` (``re.I``, longest word first) over ``text``.

    That pattern is compiled for each document with a hit, and its
    look-arounds made a compile cost about 450 us (0.055 s a pass over
    perf-news's 151 such documents whenever ``re``'s cache does not hold it,
    as in any real run); the words alone compile in about 20 us, and the
    look-arounds are tested on each match by two fixed patterns. The words
    are letters only, so a match of the whole pattern is a whole run of word
    characters; the words alone match at its start (longest first: the run
    itself, or an equal-length word that takes the same span), and a match
    of theirs never reaches past the run it starts in, so the scan reaches
    every run's start: keeping the matches the look-arounds allow gives the
    same matches in the same order.
    """
    alternatives = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    return [
        m
        for m in re.compile(alternatives, re.I).finditer(text)
        if not (m.start() and _BEFORE_WORD.match(text, m.start() - 1)) and not _AFTER_WORD.match(text, m.end())
    ]


#: a character beyond ASCII and the typographic marks of English news: where there is none, ``re``'s
#: IGNORECASE matching of ASCII words is equality with ``str.lower`` (its other equivalents, ``ſ``,
#: ``K``, ``İ``, ``ı``, are beyond ASCII; the marks have no case)
_NOT_PLAIN = re.compile(r"[^\x00-\x7f‘’“”–—…]")


def _whole_word_spans(text: str, words: set[str]) -> list[tuple[int, int]]:
    """The spans of :func:`_whole_words`, each word found by ``str.find`` in the lower-cased text where that is the same search.

    ``re`` compiles no prefix for a case-insensitive alternation, so the
    scan tried the words at every position of the document (about 45 us a
    document with a candidate). With ASCII words and a text of ASCII and
    typographic marks only, matching case-insensitively is matching the
    lower-cased text (one character for one, so the offsets are the
    text's). A match :func:`_whole_words` keeps is a whole run of word
    characters (the look-arounds see no word character on either side)
    that is one of the words, and the scan reaches every run's start (see
    there); so the kept matches are the occurrences of the words in the
    lower-cased text that the look-arounds allow, in order (two kept ones
    never overlap: each is a whole run). Anything else takes :func:`_whole_words`.
    """
    if not "".join(words).isascii() or _NOT_PLAIN.search(beyond_ascii_of(text)) is not None:  # (the class takes no ASCII)
        return [m.span() for m in _whole_words(text, words)]
    lower = text.lower()
    spans: list[tuple[int, int]] = []
    for word in words:
        size = len(word)
        at = lower.find(word)
        while at >= 0:
            if not (at and _BEFORE_WORD.match(text, at - 1)) and not _AFTER_WORD.match(text, at + size):
                spans.append((at, at + size))
            at = lower.find(word, at + 1)
    spans.sort()
    return spans


def _plain_search(text: str, words: set[str]) -> bool:
    """Whether :func:`_whole_word_spans` finds ``words`` in ``text`` by ``str.find`` in the lower-cased text (ASCII words, plain text)."""
    return "".join(words).isascii() and _NOT_PLAIN.search(beyond_ascii_of(text)) is None


def _occurs_standing_alone(text: str, word: str) -> bool:
    """Whether a match of ``word`` in ``text`` can pass :func:`_may_stand_alone`, where :func:`_plain_search` holds.

    There every match is ASCII letters that lower-case to ``word``: one that
    is lower case is ``word`` itself, and one capitalised with the rest
    lower case is ``word.capitalize()``, and either is then a substring of
    the text (``in``: a C search of the text as it is, where the matches
    took lower-casing the whole document and a search per word).
    """
    if not _english_inflection(word) and word in text:
        return True
    return german_zipf(word) >= CAP_MIN and word.capitalize() in text


def _may_stand_alone(token: str) -> bool:
    """The tests of :func:`foreign_words` that read the token alone: False for one it skips whatever its sentence and neighbours.

    Asked of every match first: in 134 of perf-news's 151 documents with a
    hit every match is a name (capitalised, no common German noun) or an
    English inflection, and then no match's sentence is looked up (which
    split its paragraph) and nothing else is asked.
    """
    low = token.lower()
    if token[0].isupper():
        return token[1:].islower() and german_zipf(low) >= CAP_MIN
    return token.islower() and not _english_inflection(low)


def foreign_words(
    text: str, sentence_of: Callable[[int], tuple[int, int]], runs: set[str] | None = None, uncommon: set[str] | None = None
) -> list[tuple[int, int, str]]:
    """(start, end, word) of each word of another language standing alone in an English sentence.

    ``sentence_of(offset)`` gives the ``(start, end)`` of the sentence at an
    offset. A candidate counts only when it stands alone among English
    words: its two neighbours on each side are common English words (so not
    a foreign phrase, a title or a name: ``Sitz im Leben``, ``marija
    dragovic``), it is not cited in quotes, given in brackets, part of an
    address (``nyti.ms``) or an English stem with an English ending
    (``defter``), and its sentence holds at most two candidates (more is a
    foreign sentence, the language rule's business). A capitalised one must
    also be a common German noun (:data:`CAP_MIN`), not start its sentence,
    and occur once in the document: a name comes back.
    """
    hits = foreign_hits(text, runs, uncommon)
    if not hits:
        return []
    if _plain_search(text, hits) and not any(_occurs_standing_alone(text, word) for word in hits):
        return []  # (most documents with a hit: a name, never written in lower case; the text is not lower-cased)
    table = foreign_table()
    matches = _whole_word_spans(text, hits)
    if not any(_may_stand_alone(text[start:end]) for start, end in matches):
        return []  # (most documents with a hit: names; no sentence is looked up)
    seen: dict[str, int] = {}
    per_sentence: dict[tuple[int, int], int] = {}
    for start, end in matches:
        seen[text[start:end]] = seen.get(text[start:end], 0) + 1
        sentence = sentence_of(start)
        per_sentence[sentence] = per_sentence.get(sentence, 0) + 1
    found: list[tuple[int, int, str]] = []
    for start, end in matches:
        token = text[start:end]
        sentence = sentence_of(start)
        if per_sentence[sentence] > 2:
            continue
        if not _may_stand_alone(token) or (token[0].isupper() and seen[token] > 1):
            continue  # an acronym, a brand, a name (that comes back, or no common German noun), an English inflection
        s_start, s_end = sentence
        lead = text[s_start:start]
        if lead.count("(") > lead.count(")") or lead.count("[") > lead.count("]"):
            continue  # the original spelling given in brackets
        if start > 0 and text[start - 1] in _QUOTES and end < len(text) and text[end] in _QUOTES:
            continue  # a word cited in quotes
        before, after = _near(text, start, end, s_start, s_end)
        if not all(_plain_english(w, table) for w in before[:1] + after[:1]) or any(w.lower() in table for w in before + after):
            continue  # part of a foreign phrase or a name
        if token[0].isupper():
            if not lead.strip(_EDGE + " \t"):
                continue  # sentence-initial: capitalised anyway
            if not before or before[0][0].isupper() or (after and after[0][0].isupper()):
                continue  # next to a capitalised word: part of a name
        found.append((start, end, token))
    return found


#: a sentence is plainly English when this share of its words are common English words
ENGLISH_SHARE = 0.8
#: ...common meaning at least this English Zipf frequency (and no foreign candidate)
ENGLISH_WORD_MIN = 3.0
_SHARE_WORD = re.compile(r"[^\W\d_]+")


def english_share(text: str) -> float:
    """Share of the words of ``text`` that are common English words and no foreign candidate.

    A sentence of plain English content words ("similar mass-produced items")
    has few of the twelve commonest function words, yet nearly every word is
    a common English one; a sentence of another language has few.
    """
    words = _SHARE_WORD.findall(text.lower())
    if not words:
        return 0.0
    table = foreign_table()
    return sum(1 for w in words if w not in table and english_zipf(w) >= ENGLISH_WORD_MIN) / len(words)
