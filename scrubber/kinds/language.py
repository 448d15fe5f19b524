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

from collections.abc import Iterator, Mapping
from typing import Any

import regex

from ..text import Segmentation
from .base import DocContext, Kind, Matcher, RuleSpec, register

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


def english_ratio(text: str) -> tuple[float, int]:
    """(share of English function words among the words, number of words)."""
    words = _WORD.findall(text)
    if not words:
        return 0.0, 0
    hits = sum(1 for w in words if w.lower() in ENGLISH_FUNCTION_WORDS)
    return hits / len(words), len(words)


def _langdetect(text: str) -> list[tuple[str, float]]:
    """langdetect's ranked guesses, deterministic; [] when it cannot tell."""
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        return [(g.lang, g.prob) for g in detect_langs(text)]
    except LangDetectException:
        return []


def detect_document_language(text: str) -> str:
    """ISO code of the document's language (``en`` by the cheap test, else langdetect)."""
    sample = text[:PREFIX_CHARS]
    ratio, n = english_ratio(sample)
    if n < 4:
        return "en"  # too little text to say anything: assume the corpus default
    letters = len(_LETTER.findall(sample))
    latin = len(_LATIN_LETTER.findall(sample))
    if ratio >= 0.2 and latin >= 0.9 * letters:
        return "en"
    guesses = _langdetect(sample)
    return guesses[0][0] if guesses else UNKNOWN


def document_language(ctx: DocContext) -> str:
    """The document's language, computed once per document."""
    return ctx.memo("language.document", lambda: detect_document_language(ctx.text))


def foreign_sentence(ctx: DocContext, seg: Segmentation, params: Mapping[str, Any]) -> Iterator[tuple[int, int, str]]:
    """Sentences whose language differs from the document's (langdetect, gated)."""
    doc_lang = document_language(ctx)
    min_words = int(params.get("min_words", 6))
    min_probability = float(params.get("min_probability", 0.95))
    text = ctx.text
    for s in seg.sentences:
        sentence = _URL.sub(" ", text[s.start : s.end])
        ratio, n = english_ratio(sentence)
        if n < min_words:
            continue
        if doc_lang == "en":
            if ratio > MAX_ENGLISH_RATIO and len(_LATIN_LETTER.findall(sentence)) >= 0.5 * len(_LETTER.findall(sentence)):
                continue
            # names and titles have no function words either: want real lower-case words
            if sum(1 for w in _WORD.findall(sentence) if w.islower()) < 3 and len(_LATIN_LETTER.findall(sentence)) > 0:
                continue
        elif ratio < 0.25:
            continue
        guesses = _langdetect(sentence)
        if not guesses:
            continue
        lang, prob = guesses[0]
        if lang != doc_lang and prob >= min_probability:
            yield s.start, s.end, f"sentence looks like language {lang!r} ({prob:.2f}) in a document in {doc_lang!r}"


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
