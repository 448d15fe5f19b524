"""The document language's cheap tests: English said without langdetect only when it is plain.

The garble detectors marked English-only run on a document called English,
so calling a French document English would flag its sentences: each cheap
test must never take text in another language for English.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrubber.kinds import garble, language
from scrubber.kinds.base import DocContext
from scrubber.kinds.language import ENGLISH_ONLY_WORDS, HINT_WORDS, detect_document_language
from scrubber.text import LazySegmentation

#: headline and lede: too few of the twelve commonest words for the first test
SHORT_ENGLISH = [
    "Mayor Says Bridge Work Could End Early\nThe mayor said they would not close the road again this winter.",
    "Storm Knocks Out Power Across Three Counties\nCrews worked through the night, but thousands of homes were still dark.",
    "Why Did Ferry Service Stop? Here Is What We Know\nIts operator said it had no choice after an engine failed during crossing.",
    "Local Team Wins Its First Title\nThey had never won it before, but fans stayed long after that final whistle.",
]

#: text in other languages, some with an English name or title in it
SHORT_OTHER = [
    ("fr", "Le maire annonce la réouverture du pont\nLes travaux seront terminés avant la fin du mois, selon la mairie."),
    ("de", "Der Bürgermeister kündigt neue Radwege an\nDie Arbeiten beginnen im Frühjahr und sollen bis zum Herbst dauern."),
    ("es", "El alcalde anuncia nuevas líneas de autobús\nLos vecinos podrán usar el servicio desde el lunes por la mañana."),
    ("pt", "A câmara aprova o novo orçamento\nOs vereadores votaram a favor depois de uma longa discussão na terça-feira."),
    ("nl", "De gemeente opent een nieuwe bibliotheek\nHet gebouw is volgens de wethouder klaar voor de zomer."),
    ("it", "Il sindaco presenta il piano per il centro\nI lavori inizieranno a marzo e dureranno circa un anno."),
    ("sv", "Kommunen bygger en ny skola i centrum\nArbetet börjar till hösten och ska vara klart om två år."),
    ("de", 'Die Serie "The Walking Dead" endet nach elf Staffeln\nDer Sender zeigt die letzte Folge am Sonntag.'),
]


def _no_langdetect(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str) -> list[tuple[str, float]]:
        raise AssertionError(f"langdetect asked about {text!r}")

    monkeypatch.setattr(language, "_langdetect", refuse)


@pytest.mark.parametrize("text", SHORT_ENGLISH)
def test_short_english_is_english_without_langdetect(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert not language.common_ratio_reaches(text, 0.12)  # the first test cannot tell: the second one must
    _no_langdetect(monkeypatch)
    assert detect_document_language(text) == "en"
    assert detect_document_language(text, text.lower()) == "en"


@pytest.mark.parametrize(("lang", "text"), SHORT_OTHER)
def test_other_languages_are_never_english(lang: str, text: str) -> None:
    assert not language._english_only_words_reach(text.lower(), len(text.split()))
    assert detect_document_language(text) == lang


def test_english_only_words_are_not_hint_words_of_other_languages() -> None:
    assert not ENGLISH_ONLY_WORDS & HINT_WORDS
    # each is a word of another Latin-script language: kept out on purpose
    assert not ENGLISH_ONLY_WORDS & {"a", "in", "on", "is", "was", "to", "for", "of", "by", "at", "as", "he", "we", "my", "me", "be"}


@pytest.mark.parametrize(
    ("lower", "words", "expected"),
    [
        ("the mayor said they would not", 6, True),  # the, said, they, would, not
        ("the mayor said so", 4, False),  # two hits: not enough on their own
        ("the and with " + "x " * 27, 30, True),  # three hits in 30 words: 10%
        ("the and with " + "x " * 28, 31, False),  # three hits in 31 words: under 10%
        ("it’s what they don’t say", 5, True),  # curly apostrophes count as the straight ones do
    ],
)
def test_english_only_words_threshold(lower: str, words: int, expected: bool) -> None:
    assert language._english_only_words_reach(lower, words) is expected


#: ASCII letters and what re's IGNORECASE or str.lower treat specially near them
_TRICKY = "theandofTHEAndOF itsIts' _019 \u0130\u0131\u017f\u212a\u212b\u0307\u00df\u1e9e\u03a3\u03c2é-’\n\t.,"


@given(st.text(alphabet=_TRICKY, max_size=60) | st.text(max_size=30))
@settings(max_examples=500, deadline=None)
def test_function_word_hits_are_the_regex_count(text: str) -> None:
    assert language._function_word_hits(text) == len(language._FUNCTION_WORD.findall(text))


@pytest.mark.parametrize(
    ("text", "hits"),
    [
        ("The cat and THE dog", 3),  # the, and, the, in any case
        ("Theatre, andante, often", 0),  # a function word inside a longer word is none
        ("\u0130n \u0131t \u017fo", 3),  # dotted capital I, dotless i, long s: re's IGNORECASE reads in, it, so
        ("of_the the_of", 0),  # the underscore is a word character
    ],
)
def test_function_word_hits_table(text: str, hits: int) -> None:
    assert language._function_word_hits(text) == len(language._FUNCTION_WORD.findall(text)) == hits


def lower_text_candidate_sentences(text: str) -> list[tuple[int, int]]:
    """:func:`language._candidate_sentences` of an English document, each hint word scanned in the lower-cased text (the reference)."""
    seg = LazySegmentation(text)
    found = set() if language._NON_ASCII_CHAR.search(text) is None else set(seg.sentences_hit(language._NON_ASCII_CHAR))
    if "İ" in text:
        found.update(seg.sentences_hit(language._OTHER_LANGUAGE_TRIE))
    else:
        for word in HINT_WORDS.intersection(garble.lower_runs(DocContext(text))):
            found.update(seg.sentences_hit(language._HINT_WORD_SCANS[word], text.lower()))
        if language._OTHER_LANGUAGE_TRIE.match(text):
            found.add(seg.sentence_at(0))
    return sorted(found)


#: plain pieces (ASCII and the typographic marks) around hint words, and a few that make a document not plain
PLAIN_HINT_PIECES = st.sampled_from(
    [*" \n.,!?'-_0“”‘’–—…\x01", "de", "De", "la", "y", "ve", "non", "per", "en", "desk", "We", "The", "é", "«"]
)


@pytest.mark.parametrize(
    "text",
    [
        "We’ve won. The non-profit said so.\nLa casa es grande… “de” la y—per se.",
        "De_la y. 9de la0 y\x01de la. –en– ‘la’",
        "Plain English text. Nothing here.",
        # one hint word among the runs (the path without a set): opening the text, again later, or only at its start
        "We’ve won. They’ve lost.",
        "Ve said so. We’ve won.\n\nThey’ve lost.",
        "Ve said so. Nothing else.",
        "VE. ve",
        "Nonsense. non-profit 9non non_ non",
    ],
)
def test_hint_scans_of_the_run_bytes_are_those_of_the_lower_cased_text(text: str) -> None:
    assert language._candidate_sentences(DocContext(text), LazySegmentation(text), "en") == lower_text_candidate_sentences(text)


@given(text=st.lists(PLAIN_HINT_PIECES, max_size=30).map("".join))
def test_hint_scans_of_the_run_bytes_property(text: str) -> None:
    assert language._candidate_sentences(DocContext(text), LazySegmentation(text), "en") == lower_text_candidate_sentences(text)


@given(st.text(alphabet=st.sampled_from([*"0123456789 a", "٣", "²", "é"]), max_size=30) | st.text(max_size=30))
def test_digits_as_zero_by_the_scan_as_by_the_table(text: str) -> None:
    assert language._NONZERO_DIGIT.sub("0", text) == text.translate(language._DIGITS_AS_ZERO)


#: whitespace ``str.split`` knows beyond the ASCII blanks, and characters that look blank but are not
_SPACES = [" ", "\n", "\t", "\x1c", "\x1f", "\x85", "\xa0", "\u2003", "\u3000", "\u200b", "a", "é", "."]


@pytest.mark.parametrize(
    ("text", "four"),
    [
        ("", False),
        ("one two three", False),
        ("  one two three  \n", False),
        ("one two three four", True),
        ("\n one\ttwo\xa0three\u2003four", True),
        ("one\u200btwo three four", False),  # (a zero-width space is no whitespace: "one\u200btwo" is one word)
        ("a b c d e f", True),
    ],
)
def test_four_words_table(text: str, four: bool) -> None:
    assert (language._FOUR_WORDS.match(text) is not None) == four


@given(st.text(alphabet=st.sampled_from(_SPACES), max_size=16) | st.text(max_size=16))
@settings(max_examples=500, deadline=None)
def test_four_words_is_the_split(text: str) -> None:
    """The test of "at least four words" is ``str.split``'s count, with its idea of whitespace."""
    assert (language._FOUR_WORDS.match(text) is not None) == (len(text.split()) >= 4)


#: what :data:`language._URL` and its blanks turn on, and blanks of other kinds
_URL_PIECES = [*"ab:/w.@ \t\n", "://", "www.", "\xa0", "\u2003", "\x1c", "\x85", "\u200b", "é"]


@pytest.mark.parametrize(
    "sentence",
    [
        "",
        "See https://example.org/a?b=c for more, or write to desk@example.org today.",
        "Visit www.example.org.",
        "xwww.y and ://z and a@ and @b and a@b@c",
        "http://a\xa0b://c\u2003d@e",  # blanks beyond ASCII end a token as they end \S+
        "no address here at all",
    ],
)
def test_without_urls_table(sentence: str) -> None:
    assert language._without_urls(sentence) == language._URL.sub(" ", sentence)


@given(st.lists(st.sampled_from(_URL_PIECES), max_size=20).map("".join) | st.text(max_size=20))
@settings(max_examples=500, deadline=None)
def test_without_urls_is_the_substitution(sentence: str) -> None:
    assert language._without_urls(sentence) == language._URL.sub(" ", sentence)


@given(st.text(alphabet=st.sampled_from([*"aZ0 .,'-\x01", *"‘’“”–—…"]), max_size=30) | st.text(alphabet=st.characters(max_codepoint=127)))
def test_plain_sentences_have_latin_letters_only(sentence: str) -> None:
    """foreign_sentence takes a plain sentence's letters for Latin without counting them: the counts agree."""
    assert language._NON_ASCII_CHAR.search(sentence) is None
    latin, letters = language._letter_counts(sentence)
    assert latin == letters


@given(
    st.text(alphabet=st.sampled_from([*"DdEeKkSsIiYyZzXx0 .'", "\u0130", "\u0131", "\u017f", "\u212a", "é"]), max_size=6)
    | st.text(max_size=6)
)
@settings(max_examples=500, deadline=None)
def test_opens_with_hint_is_the_trie_match(text: str) -> None:
    for opening in ("", "de ", "Se ", "ſe ", "KU ", "\u212aul ", "\u0130l ", "ik "):
        assert language._opens_with_hint(opening + text) == (language._OTHER_LANGUAGE_TRIE.match(opening + text) is not None)
