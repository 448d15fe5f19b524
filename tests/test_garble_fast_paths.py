"""The cheaper forms in the garble family give exactly what the plain forms give (tables, then properties)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scrubber.kinds import garble, language
from scrubber.kinds.base import DocContext
from scrubber.text import LazySegmentation
from scrubber.wordruns import letter_runs


def plain_foreign_latin_words(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """The per-word loop :func:`garble._foreign_latin_words` replaces."""
    return [
        (m.start(), m.end(), m.group())
        for start, end in lines
        for m in garble._LOWER_WORD.finditer(text, start, end)
        if garble._foreign_latin_word(m.group().lower()) and m.group().islower()
    ]


def every_line(text: str) -> list[tuple[int, int]]:
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    return lines


FOREIGN_TEXTS = [
    "the aunque smelly fish",
    "The politycznej party and the costruzione site",
    "Über café, déjà vu, naïve: résumé and très bien",
    "d'autres l'erosione und der Stadt, Freiheit keit",
    "UND Und und-so und's x-und 7und und7 _und",
    "zione zioni İstanbul ıt ßa ÿes Ärger ärger",
    "a\nund\n\naunque\tperché\u00a0più",
    "",
]


@pytest.mark.parametrize("text", FOREIGN_TEXTS)
def test_foreign_latin_words_equal_the_per_word_loop(text: str) -> None:
    lines = every_line(text)
    assert list(garble._foreign_latin_words(text, lines)) == plain_foreign_latin_words(text, lines)


@pytest.mark.parametrize("text", [*FOREIGN_TEXTS, "plain text only", "und", "a und b", "Und", "und,", "(und)"])
def test_no_foreign_token_equals_the_split_test(text: str) -> None:
    assert garble._no_foreign_token(text, letter_runs(text.lower())) == garble._FOREIGN_WORDS.isdisjoint(text.split())


#: pieces that turn the foreign-word test on or off, and the bounds of a word
FOREIGN_PIECES = st.sampled_from(
    [*" \t\n.,'’-_()", "a", "B", "und", "aunque", "più", "é", "ß", "ı", "İ", "Σ", "σ", "zione", "keit", "ości", "7", "²", "\u0301", "ǅ"]
)


@given(text=st.lists(FOREIGN_PIECES, max_size=30).map("".join))
def test_foreign_latin_words_property(text: str) -> None:
    lines = every_line(text)
    assert list(garble._foreign_latin_words(text, lines)) == plain_foreign_latin_words(text, lines)
    assert garble._no_foreign_token(text, letter_runs(text.lower())) == garble._FOREIGN_WORDS.isdisjoint(text.split())


def plain_candidate_sentences(text: str) -> list[tuple[int, int]]:
    """:func:`language._candidate_sentences` for an English document, with the one trie scan of every hint word."""
    seg = LazySegmentation(text)
    if len(text.lower()) != len(text):
        hint = seg.sentences_hit(language._OTHER_LANGUAGE_HINT)
    else:
        first = [seg.sentence_at(0)] if language._OTHER_LANGUAGE_HINT.match(text) else []
        hint = seg.sentences_hit(language._HINT_SCAN, text.lower(), shift=1) + first
    return sorted({*seg.sentences_hit(language._NON_ASCII_CHAR), *hint})


@pytest.mark.parametrize(
    "text",
    [
        "We've won. The non-profit said so. Des Moines voted.\nLa casa es grande. Desk work, desde hoy.",
        "de la y. De La Y! des\tdesk ve've 've",
        "Plain English text. Nothing here.",
        "per cent. Per annum? die Stadt… ich bin.",
    ],
)
def test_hint_word_scans_hit_the_sentences_of_the_trie_scan(text: str) -> None:
    assert language._candidate_sentences(DocContext(text), LazySegmentation(text), "en") == plain_candidate_sentences(text)


HINT_PIECES = st.sampled_from([*" \n.,!?'’-_“”", "de", "des", "desk", "la", "y", "ve", "we", "non", "Per", "The", "İ", "é", "Rain"])


@given(text=st.lists(HINT_PIECES, max_size=30).map("".join))
def test_hint_word_scans_property(text: str) -> None:
    assert language._candidate_sentences(DocContext(text), LazySegmentation(text), "en") == plain_candidate_sentences(text)
