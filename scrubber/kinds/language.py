"""``language`` kind: the document's language, and sentences in another one.

langdetect is slow here (about 400 documents or 700 sentences a second)
and calls about 7% of ordinary English sentences something else, so it is
never the first thing asked:

* the document language comes from a cheap English test first (the share
  of English function words and of ASCII letters in the first few thousand
  characters); only a document that fails it goes to langdetect, on a
  prefix;
* a sentence goes to langdetect only when cheap signals already say it is
  not in the document's language (at most one English function word in eight
  of six or more words, or mostly non-Latin letters), and is flagged only when langdetect
  is sure (probability >= ``min_probability``).

Results are deterministic: ``DetectorFactory.seed = 0``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any

import regex

from ..text import LazySegmentation, Span, beyond_ascii, beyond_ascii_of, lowered, word_trie
from .base import DocContext, Kind, Matcher, RuleSpec, register
from .mark_scan import COMMON_HITS_COMPILED, common_hits, common_hits_python

#: frequent English function words: their share in running text is the
#: cheap English test (about 0.4 in news prose, near 0 in other languages)
ENGLISH_FUNCTION_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "nor",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "about",
        "into",
        "onto",
        "over",
        "under",
        "after",
        "before",
        "than",
        "then",
        "as",
        "that",
        "this",
        "these",
        "those",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "why",
        "how",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "not",
        "no",
        "it",
        "its",
        "he",
        "him",
        "his",
        "she",
        "her",
        "they",
        "them",
        "their",
        "we",
        "us",
        "our",
        "you",
        "your",
        "i",
        "me",
        "my",
        "there",
        "here",
        "if",
        "so",
        "also",
        "just",
        "only",
        "very",
        "more",
        "most",
        "such",
        "some",
        "any",
        "all",
        "each",
        "both",
    ]
)

_URL = regex.compile(r"\S+://\S+|www\.\S+|\S+@\S+")
#: what every match of :data:`_URL` holds (:func:`_without_urls`)
_URL_TRIGGER = re.compile(r"://|www\.|@")
#: a blank as :data:`_URL`'s ``\S`` sees it (the same module and flags), looked for forwards and backwards
_URL_BLANK = regex.compile(r"\s")
_URL_BLANK_BEFORE = regex.compile(r"(?r)\s")
_WORD = regex.compile(r"\p{L}[\p{L}'’]*")
_LATIN_LETTER = regex.compile(r"\p{Latin}")
_LETTER = regex.compile(r"\p{L}")

#: characters of the document sampled for its language
PREFIX_CHARS = 3000
UNKNOWN = "und"
#: a sentence with more English function words than this is English enough
#: not to ask langdetect (English prose runs at about 0.4; "in", "a" occur in
#: other languages too)
MAX_ENGLISH_RATIO = 0.12


#: the reference for :func:`_function_word_hits`: every English function word, whole, in any case
_FUNCTION_WORD = re.compile(r"\b(?:" + "|".join(sorted(ENGLISH_FUNCTION_WORDS, key=len, reverse=True)) + r")\b", re.I)
_WORD_RUN = re.compile(r"\w+")
#: the commonest of :data:`ENGLISH_FUNCTION_WORDS` in news, as many as :data:`~.mark_scan.common_hits` takes
#: (:func:`_function_words_exceed`)
FUNCTION_WORDS_LEAD = (
    *("the", "of", "and", "to", "a", "in", "is", "was", "for", "that", "on", "with", "he", "it", "as", "at"),
    *("by", "his", "be", "from", "are", "this", "have", "has", "had", "but", "not", "they", "were", "an", "which", "who"),
)
#: the characters ``re``'s IGNORECASE takes for an ASCII letter that ``str.lower`` does not make one:
#: dotless i and long s are in its table of equivalent letters, and dotted capital I lowers to
#: "i" there (its simple lower case) but to "i" + a combining dot in ``str.lower`` (its full one)
_IGNORECASE_ASCII = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def _function_word_hits(text: str) -> int:
    """``len(_FUNCTION_WORD.findall(text))``, six times faster.

    The function words are all ASCII letters, so a match of the
    alternation between two word boundaries is a whole run of word
    characters that reads as one of them case-insensitively: each run is
    looked up once in a set instead of the alternation being tried at every
    position (each English-ratio test of a sentence in a document in
    another language cost 90 us). Folding as ``re`` does: ``str.lower``
    after :data:`_IGNORECASE_ASCII` (the tests compare both on generated text).
    """
    words = ENGLISH_FUNCTION_WORDS
    if not text.isascii() and ("\u0130" in text or "\u0131" in text or "\u017f" in text):
        text = text.translate(_IGNORECASE_ASCII)  # (a mapping makes str.translate look up every character: 35 us a sentence beyond ASCII)
    return sum(map(words.__contains__, _WORD_RUN.findall(text.lower())))  # (True counts 1: a C loop, no generator)


def _function_words_exceed(sentence: str, words: int) -> bool:
    """``_function_word_hits(sentence) / words > MAX_ENGLISH_RATIO`` for sure, from a count that is never above that one.

    :data:`~.mark_scan.common_hits` of :data:`FUNCTION_WORDS_LEAD` counts
    blank-delimited tokens that lower-case to one of those words, at most one
    per token: each is a whole run of word characters of the lower-cased
    sentence and one of :data:`ENGLISH_FUNCTION_WORDS`, which
    :func:`_function_word_hits` counts too (its folding only adds matches).
    So when that count's share is above the cut, so is the full one's: three
    in four of the candidate sentences of English documents that pass the
    cheaper tests but not this share (perf-news: 137 of 185) are let go for
    one pass in C instead of a list of every word of the sentence (16 us).
    Only with the compiled count (the Python one counts word by word).
    """
    return COMMON_HITS_COMPILED and common_hits(sentence, FUNCTION_WORDS_LEAD)[1] / words > MAX_ENGLISH_RATIO


_COMMON = (" the ", " of ", " and ", " to ", " in ", " a ", " is ", " was ", " for ", " that ", " on ", " with ")


#: function words of the Latin-script languages langdetect knows that English
#: does not have: without one (and without a non-ASCII letter) a sentence in
#: an English document is not worth asking langdetect about
_OTHER_LANGUAGE_HINT = re.compile(
    r"\b(?:de|la|le|el|les|des|du|que|qui|en|et|est|un|une|y|los|las|del|con|por|para|da|di|il|che|per|non|und|der|die|das|"
    r"ist|mit|nicht|het|van|een|och|att|som|og|er|ikke|og|na|za|jest|nie|sie|se|je|ja|ne|si|pe|cu|ca|ve|bir|ini|itu|yang|dan|ng|sa|mga)\b",
    re.I,
)


def common_ratio(text: str) -> float:
    """Share of the words that are one of the twelve commonest English words (:data:`~.mark_scan.common_hits`: one pass)."""
    spaces, hits = common_hits(text, _COMMON_WORDS)
    return hits / spaces


#: :data:`_COMMON` as the words :data:`~.mark_scan.common_hits` takes, most frequent first, so that
#: :func:`common_ratio_reaches` stops early without the kernel (the kernel's pass takes them in any order)
_COMMON_WORDS = ("the", "to", "of", "and", "a", "in", "that", "for", "is", "on", "was", "with")


def common_ratio_reaches(text: str, threshold: float, strict: bool = False, lower: str | None = None) -> bool:
    """``common_ratio(text) >= threshold`` (``>`` when ``strict``), stopping as soon as it is sure.

    Counts only grow, so once the commonest few words reach the threshold
    the rest cannot change the answer: :data:`~.mark_scan.common_hits`, given
    the threshold, counts only until the share reaches it (in C: the blanks
    counted first, then the words, about half the 3,000-character sample of
    an English document, 9.5 -> 6.6 us; in Python: three or four
    ``str.count`` calls instead of twelve). The comparison is the same float
    division as :func:`common_ratio`, so the answer is exactly its.
    ``lower``: ``text`` lower-cased, when the caller has it (a prefix of the
    document's lower-cased copy of the same length: it may differ from
    ``text.lower()`` only in the form of a final sigma, which no count sees;
    the kernel reads the text as it is and needs none).
    """
    if COMMON_HITS_COMPILED:
        spaces, hits = common_hits(text, _COMMON_WORDS, threshold, strict)
    else:
        spaces, hits = common_hits_python(text, _COMMON_WORDS, threshold, strict, lower)
    return hits / spaces > threshold or (not strict and hits / spaces == threshold)


def _looks_english(sentence: str) -> bool:
    """A microsecond test that a sentence is plainly English (most are)."""
    return common_ratio_reaches(sentence, MAX_ENGLISH_RATIO, strict=True)


def english_ratio(text: str) -> tuple[float, int]:
    """(share of English function words among the words, number of words).

    Words are counted by whitespace, function words by :func:`_function_word_hits`:
    this runs on every sentence a foreign-language test looks at.
    """
    if len(text) > _LONG_SENTENCE:
        return _english_ratio_of_stretches(text)
    n = len(text.split())
    if not n:
        return 0.0, 0
    return _function_word_hits(text) / n, n


#: a "sentence" longer than this (a huge line with no sentence end) is counted a stretch at a time
_LONG_SENTENCE = 1 << 16
_SPACE = re.compile(r"\s")


def _english_ratio_of_stretches(text: str) -> tuple[float, int]:
    """:func:`english_ratio` of a huge text, cut at spaces so no word is split: the lists of all its words are never made."""
    n = hits = pos = 0
    while pos < len(text):
        m = _SPACE.search(text, pos + _LONG_SENTENCE)
        end = m.start() if m else len(text)
        n += len(text[pos:end].split())
        hits += _function_word_hits(text[pos:end])  # (cut at a space: the same word boundaries)
        pos = end
    return (hits / n if n else 0.0), n


#: every ASCII digit as ``0``: langdetect cannot tell digits apart (see :func:`_langdetect`)
_DIGITS_AS_ZERO = str.maketrans("123456789", "000000000")
#: what :data:`_DIGITS_AS_ZERO` changes: ``sub("0", text)`` is ``text.translate(_DIGITS_AS_ZERO)``
#: in a C scan, where a mapping makes ``str.translate`` look up every character of a text beyond
#: ASCII (0.15 ms a document sample in another language)
_NONZERO_DIGIT = re.compile("[1-9]")


def _langdetect(text: str) -> list[tuple[str, float]]:
    """langdetect's ranked guesses, deterministic; [] when it cannot tell.

    Deterministic because each call builds a fresh detector seeded with
    ``DetectorFactory.seed = 0``, so the guesses depend on the text alone and
    are cached for the process (:func:`_langdetect_cached`). The cache key
    writes every ASCII digit as ``0``: langdetect reads an ASCII digit as a
    blank when it cuts n-grams, and its URL and e-mail patterns (removed
    first) take all digits alike, so texts that differ only in their digits
    give the same n-grams and the same guesses. Scraped boilerplate that
    repeats with another timestamp or count (``[0804 EST] -- Source
    link: ...``, ten sentences on perf-news, about 2 ms each) asks once.
    """
    return list(_langdetect_cached(_NONZERO_DIGIT.sub("0", text)))


@lru_cache(maxsize=2048)
def _langdetect_cached(text: str) -> tuple[tuple[str, float], ...]:
    from langdetect import DetectorFactory
    from langdetect.lang_detect_exception import LangDetectException

    from .langprofiles import install
    from .langwalk import detect_langs  # langdetect's answer, its walk's arithmetic compiled

    install()  # langdetect's profiles from the table cache (0.2 s of JSON otherwise), once per process
    DetectorFactory.seed = 0
    try:
        return tuple((g.lang, g.prob) for g in detect_langs(text))
    except LangDetectException:
        return ()


def warm_up() -> None:
    """Load langdetect's language profiles now (about 0.3 s, once per process).

    The first sentence or document that reaches langdetect pays for it
    otherwise; benchmarks call this first so the one-time load is not
    counted as throughput.
    """
    _langdetect("Dies ist ein kurzer Satz.")


_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))


def _letter_counts(text: str) -> tuple[int, int]:
    """``(len(_LATIN_LETTER.findall(text)), len(_LETTER.findall(text)))``: Latin letters and letters.

    ASCII letters are counted with two C calls (encode, translate): an ASCII
    character is a letter and a Latin one exactly when it is one of
    ``A-Za-z``. Only the few characters beyond ASCII go through the
    ``\\p{Latin}``/``\\p{L}`` regexes, which cost a Python object per match
    (they were a third of the family's time when they read whole samples).
    """
    ascii_bytes = text.encode("ascii", "ignore")
    ascii_letters = len(ascii_bytes) - len(ascii_bytes.translate(None, _ASCII_LETTERS))
    rest = beyond_ascii_of(text)
    return ascii_letters + len(_LATIN_LETTER.findall(rest)), ascii_letters + len(_LETTER.findall(rest))


def _mostly_latin(sample: str) -> bool:
    """At least 90% of the letters of ``sample`` are Latin (:func:`_letter_counts`)."""
    if not _NON_ASCII_CHAR.search(sample):
        return True  # nothing beyond ASCII but typographic marks, which are no letters: every letter is ASCII
    latin, letters = _letter_counts(sample)
    return latin >= 0.9 * letters


#: English function words that the other Latin-script languages langdetect knows
#: do not write (no "a", "in", "on", "is", "was", "to", "for", "of", "by", "at",
#: "as", "he", "we", "my", "me", "be", "do", "are", "all", "also", "even", "over", "her",
#: "just", "still", "time", "will", "more": each is a word of one of them): a headline and a
#: lede hold few of the twelve commonest words but several of these
_ENGLISH_ONLY = """the and with his their they them this that these those from have has had been which would could should were
    there what who whom whose when why where how about after without during out into than then because while you your
    our its it's it’s i'm i’m we're we’re she him said says not but being most very shall can't can’t don't
    don’t didn't didn’t won't won’t isn't isn’t doesn't doesn’t it if up now new one only off get got did does any some
    other like many much never first against people year years"""
ENGLISH_ONLY_WORDS = frozenset(_ENGLISH_ONLY.split())
_LOWER_WORD = re.compile(r"[a-z’']+")


def _english_only_words_reach(lower_sample: str, words: int) -> bool:
    """At least three of :data:`ENGLISH_ONLY_WORDS`, and at least 10% of the ``words`` whitespace-separated words.

    The second cheap English test, for text too short for the first (the
    twelve commonest words): 23% of two-line news documents (a headline and
    a lede) failed that one and went to langdetect, 2-4 ms each, which also
    took some English headlines for Afrikaans or Danish. On the six data sets,
    full and cut to one or two lines, this test never calls English a text
    langdetect gives another language but English that langdetect misread
    (garbled or mojibake English: 84 cases).
    """
    hits = 0
    for word in _LOWER_WORD.findall(lower_sample):
        if word in ENGLISH_ONLY_WORDS:
            hits += 1
    return hits >= 3 and hits >= 0.1 * words


#: the start of a text of at least four whitespace-separated words (``len(sample.split()) >= 4``: ``\s`` is
#: ``str.isspace``); ``split(None, 4)`` copied the rest of the sample as its fifth piece (2 us a document)
_FOUR_WORDS = re.compile(r"\s*\S+\s+\S+\s+\S+\s+\S")


def detect_document_language(text: str, lower: str | None = None, plain: bool = False) -> str:
    """ISO code of the document's language (``en`` by two cheap tests, else langdetect).

    ``lower``: ``text.lower()`` when the caller has it; its prefix stands for
    the sample's lower-cased copy when it is as long as ``text`` (no
    character grew when lower-cased, so offsets agree). ``plain``: the
    caller knows ``text`` holds nothing beyond ASCII and typographic marks
    (:func:`plain_typography`), so every letter of the sample is Latin.
    """
    sample = text[:PREFIX_CHARS]
    lower_sample = lower[:PREFIX_CHARS] if lower is not None and len(lower) == len(text) else None
    common = common_ratio_reaches(sample, 0.12, lower=lower_sample)
    latin = plain or sample.isascii()
    if common and latin:
        return "en"  # (asked before the four-word test, which says "en" too when it fails: most documents, 1 us each)
    if _FOUR_WORDS.match(sample) is None:
        return "en"  # too little text to say anything: assume the corpus default
    if (common or _english_only_words_reach(lower_sample or sample.lower(), len(sample.split()))) and (latin or _mostly_latin(sample)):
        return "en"
    guesses = _langdetect(sample)
    return guesses[0][0] if guesses else UNKNOWN


def document_language(ctx: DocContext) -> str:
    """The document's language, computed once per document."""
    # (the compiled count reads the text as it is: the lower-cased copy only helps the Python one)
    return ctx.memo(
        "language.document",
        lambda: detect_document_language(ctx.text, None if COMMON_HITS_COMPILED else lowered(ctx), plain_typography(ctx)),
    )


def plain_typography(ctx: DocContext) -> bool:
    """Whether the document holds nothing beyond ASCII but the typographic marks :data:`_NON_ASCII_CHAR` lets by, once per document.

    Asked of the document's characters beyond ASCII (:func:`~scrubber.text.beyond_ascii`),
    a few curly quotes on English news, instead of scanning its text: the
    class matches no ASCII character, so it matches in the text exactly when
    it matches among those (0.05 s of class scans on perf-news, twice).
    """
    return ctx.memo("language.plain", lambda: _NON_ASCII_CHAR.search(beyond_ascii(ctx)) is None)


#: a character beyond ASCII and the typographic punctuation of English news (curly
#: quotes, dashes, the ellipsis): "It’s" is as plain as "It's", and taking every
#: sentence with a curly apostrophe as a candidate split nearly every paragraph
_NON_ASCII_CHAR = re.compile(r"[^\x00-\x7f‘’“”–—…]")
#: the other-language hint words, led by the non-word character before them (a
#: character class first lets ``re`` skip ahead in C), for a lower-cased text
HINT_WORDS = frozenset(_OTHER_LANGUAGE_HINT.pattern[5:-3].split("|"))
#: :data:`_OTHER_LANGUAGE_HINT` as a trie: it matches where the alternation matches (each word is
#: a whole run of word characters between ``\b`` and ``\b``), deciding on the first letter where
#: the alternation tried sixty words at every position it was asked about
_OTHER_LANGUAGE_TRIE = re.compile(r"\b" + word_trie(HINT_WORDS) + r"\b", re.I)
_HINT_SCAN = re.compile(r"[^\w]" + word_trie(sorted(HINT_WORDS)) + r"\b")
#: :data:`_HINT_SCAN` one word at a time, led by the word itself so that ``re`` jumps
#: to it in C (the scan above stops at every space and mark): a match starts at the
#: word, one character after where :data:`_HINT_SCAN`'s does
_HINT_WORD_SCANS = {w: re.compile(rf"{w}\b(?<=[^\w]{w})") for w in sorted(HINT_WORDS)}
#: :data:`_HINT_WORD_SCANS` for the run bytes of the lower-cased text (:func:`~.garble.lower_run_bytes`)
_HINT_WORD_BYTE_SCANS = {w: re.compile(rf"{w}\b(?<=[^\w]{w})".encode()) for w in sorted(HINT_WORDS)}


def _candidate_sentences(ctx: DocContext, seg: LazySegmentation, doc_lang: str) -> list[Span]:
    """The sentences :func:`foreign_sentence` has to look at, in order.

    In an English document a sentence that is plain ASCII (typographic
    quotes and dashes allowed) with no function word of another language is
    never asked about, so only the sentences holding another non-ASCII
    character or such a word are candidates (a
    per-sentence loop cost a sixth of the family's time on English news).
    The hint words are looked for in the lower-cased text: exact for ASCII
    sentences, and every other sentence is a candidate anyway. A word that
    scan finds is a whole run of letters of the lower-cased text, so when no
    hint word is among those runs (two documents in three) the scan, which
    stops at every word, is skipped; otherwise only the words among them
    are looked for, each by a scan led by the word (:data:`_HINT_WORD_SCANS`:
    0.039 → 0.005 s on perf-news), which hits the same sentences.
    """
    if doc_lang != "en":
        return seg.all_sentences()
    text = ctx.text
    plain = plain_typography(ctx)
    if plain:
        words = HINT_WORDS.intersection(_garble.lower_runs(ctx))
        if not words:
            # (most English documents: no set made, nothing sorted). Nor can the text open with a hint word:
            # in a plain document that word, in any case re's IGNORECASE takes (only ASCII letters are there),
            # would be a whole letter run of the lower-cased text, one of the runs (no hint word is skipped)
            return []
        if len(words) == 1:
            return _one_word_candidates(ctx, seg, words)
    found = set() if plain else set(seg.sentences_hit(_NON_ASCII_CHAR))
    # İ, the one character whose lower case is longer, leaves no shared offsets (asked of the few characters beyond ASCII)
    if not plain and "İ" in beyond_ascii(ctx):
        found.update(seg.sentences_hit(_OTHER_LANGUAGE_TRIE))
    else:
        if not plain:
            words = HINT_WORDS.intersection(_garble.lower_runs(ctx))
        if words:
            scans, lower = _hint_scans(ctx, plain)
            for word in words:
                found.update(seg.sentences_hit(scans[word], lower))
        if _opens_with_hint(text):
            found.add(seg.sentence_at(0))
    return sorted(found)


def _one_word_candidates(ctx: DocContext, seg: LazySegmentation, words: set[str]) -> list[Span]:
    """:func:`_candidate_sentences` of a plain English document with one hint word among its runs (most of those with any).

    :meth:`~scrubber.text.LazySegmentation.sentences_hit` gives the hit
    sentences in order, each once, so no set is made and sorted; the first
    sentence, where the text opens with a hint word, comes before every
    other one (~0.3 us of the ~13 such a document of perf-news costs).
    """
    (word,) = words
    scans, lower = _hint_scans(ctx, True)
    hits = seg.sentences_hit(scans[word], lower)
    if _opens_with_hint(ctx.text):
        first = seg.sentence_at(0)
        if not hits or hits[0] != first:
            hits.insert(0, first)
    return hits


#: the letters a hint word starts with (:func:`_opens_with_hint`)
_HINT_FIRST_LETTERS = frozenset(w[0] for w in HINT_WORDS)


def _opens_with_hint(text: str) -> bool:
    """``_OTHER_LANGUAGE_TRIE.match(text)``: the text opens with a hint word, in any case.

    Asked of every English document, and true of two in perf-news's 2,402:
    an ASCII first character can match a hint word's first letter under
    ``re``'s IGNORECASE only as its lower case (the other characters ``re``
    takes for ``k``, ``s`` or ``i`` are beyond ASCII), so for most the
    pattern is not tried at all.
    """
    first = text[:1]
    if first.isascii() and first.lower() not in _HINT_FIRST_LETTERS:
        return False
    return _OTHER_LANGUAGE_TRIE.match(text) is not None


def _hint_scans(ctx: DocContext, plain: bool) -> tuple[dict[str, re.Pattern[str]] | dict[str, re.Pattern[bytes]], str | bytes]:
    """The scans for the hint words and what they read: the lower-cased text, or for a plain document the run bytes garble made of it.

    In a plain document (:func:`plain_typography`) every character is ASCII
    or a typographic mark, and :func:`~.garble.lower_run_bytes` (made once
    per document for the repeated-words and letter-run tests) is its
    lower-cased text a byte a character, with each character that is no
    word character (``\\w``) still none and each one that is still one:
    ``[^\\w]`` and ``\\b`` match where they match in the lower-cased text, so
    the scans find the same words without lower-casing the document (which
    nothing else in the garble family needs then: 0.007 s on perf-news).
    """
    if plain and (fast := _garble.lower_run_bytes(ctx)) is not None:
        return _HINT_WORD_BYTE_SCANS, fast
    return _HINT_WORD_SCANS, lowered(ctx)


def _without_urls(sentence: str) -> str:
    """``_URL.sub(" ", sentence)``, the pattern tried only on the blank-delimited tokens that hold one of its literals.

    Each alternative of :data:`_URL` is ``\\S`` characters and literals
    that are none of them blank, with no look-around: a match lies inside one
    token (a run of ``\\S``), whether one starts at a position depends on
    that token alone, and it holds ``://``, ``www.`` or ``@``
    (:data:`_URL_TRIGGER`). So the substitution made token by token on the
    tokens holding one of those is the substitution of the whole sentence;
    led by ``\\S+``, the pattern was tried at every character of it, each
    attempt running to the end of the token (3.5 ms for perf-news's 57
    candidate sentences with an address).
    """
    pieces = []
    done = 0
    while (m := _URL_TRIGGER.search(sentence, done)) is not None:
        blank = _URL_BLANK_BEFORE.search(sentence, done, m.start())
        start = done if blank is None else blank.end()
        blank = _URL_BLANK.search(sentence, m.start())
        end = len(sentence) if blank is None else blank.start()
        pieces.append(sentence[done:start])
        pieces.append(_URL.sub(" ", sentence[start:end]))
        done = end
    pieces.append(sentence[done:])
    return "".join(pieces)


def foreign_sentence(ctx: DocContext, seg: LazySegmentation, params: Mapping[str, Any]) -> Iterable[tuple[int, int, str]]:
    """Sentences whose language differs from the document's (langdetect, gated).

    Most English documents have no candidate sentence: they get an empty
    tuple, not a generator made and run to its end for nothing.
    """
    doc_lang = document_language(ctx)
    candidates = _candidate_sentences(ctx, seg, doc_lang)
    if candidates and doc_lang == "en":
        candidates = _not_plainly_english(ctx.text, candidates)
    if not candidates:
        return ()
    return _foreign_sentences(ctx, candidates, doc_lang, params)


def _not_plainly_english(text: str, spans: list[Span]) -> list[Span]:
    """The sentences of ``spans`` that do not :func:`_looks_english` (the first test of each candidate in an English document).

    Asked of the candidates before any other test: four in five candidates
    of English documents (perf-news: 907 of 1,128, most for a hint word such
    as the ``ve`` of "we've") look English, and in most of the documents
    with a candidate every one does, so the detector returns ``()`` without
    making a generator or reading its parameters.
    """
    return [span for span in spans if not _looks_english(text[span[0] : span[1]])]


def _foreign_sentences(ctx: DocContext, candidates: list[Span], doc_lang: str, params: Mapping[str, Any]) -> Iterator[tuple[int, int, str]]:
    """:func:`foreign_sentence` of the ``candidates`` (:func:`_candidate_sentences`, in an English document less those
    that look English: :func:`_not_plainly_english`) in a document in ``doc_lang``."""
    min_words = int(params.get("min_words", 6))
    min_probability = float(params.get("min_probability", 0.95))
    text = ctx.text
    # langdetect is deterministic (seeded) and costs ~10 ms a sentence: a
    # document repeating one sentence thousands of times asks once
    guessed: dict[str, list[tuple[str, float]]] = {}
    plain = plain_typography(ctx)  # no sentence holds a character _NON_ASCII_CHAR finds
    for s_start, s_end in candidates:
        sentence = text[s_start:s_end]
        if "://" in sentence or "www." in sentence or "@" in sentence:
            sentence = _without_urls(sentence)
        # plain ASCII (curly quotes allowed) in an English document: every letter is an ASCII one, so Latin
        latin_only = doc_lang == "en" and (plain or sentence.isascii() or not _NON_ASCII_CHAR.search(sentence))
        if len(sentence) > _LONG_SENTENCE:
            ratio, n = english_ratio(sentence)
            if n < min_words:
                continue
        else:  # english_ratio, its function words counted only for a sentence long enough (a quarter in another language are not)
            n = len(sentence.split())
            if n < min_words:
                continue
            if latin_only and _function_words_exceed(sentence, n):
                continue  # (the plain branch below would say so from the full count: the share is above the cut already)
            ratio = _function_word_hits(sentence) / n if n else 0.0
        if doc_lang == "en":
            if latin_only:
                # a share of English function words above the cut alone is English enough (the letter counts
                # below would say so); asked first, as it rejects nearly every candidate the trie lets by
                if ratio > MAX_ENGLISH_RATIO or not _OTHER_LANGUAGE_TRIE.search(sentence):
                    continue  # ... or no function word of another language: an English headline or list
            elif ratio > MAX_ENGLISH_RATIO:
                latin, letters = _letter_counts(sentence)
                if latin >= 0.5 * letters:
                    continue
            # names, headlines and lists have few function words too: want mostly lower-case words
            words = _WORD.findall(sentence)
            if _LATIN_LETTER.search(sentence) and sum(1 for w in words if w.islower()) < max(3, len(words) // 2):
                continue
        elif ratio < 0.25:
            continue
        guesses = guessed.get(sentence)
        if guesses is None:
            guesses = guessed[sentence] = _langdetect(sentence)
        if not guesses:
            continue
        lang, prob = guesses[0]
        if lang != doc_lang and prob >= min_probability:
            yield s_start, s_end, f"sentence looks like language {lang!r} ({prob:.2f}) in a document in {doc_lang!r}"


@register
class LanguageKind(Kind):
    """Compiled with the garble detectors: one pass, one finding per sentence."""

    name = "language"
    group = "garble"
    actions = ("flag",)
    params = {"min_words": (int, False), "min_probability": (float, False)}

    @classmethod
    def compile(cls, specs: list[RuleSpec]) -> list[Matcher]:
        from .garble import GarbleKind

        return GarbleKind.compile(specs)


# garble's letter runs (:func:`_candidate_sentences`); at the end: garble imports this module, and
# a module being imported is found in ``sys.modules`` by the import of the other
from . import garble as _garble  # noqa: E402
