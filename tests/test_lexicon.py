"""Words of another European language inside English sentences (scrubber.kinds.lexicon)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scrubber.kinds import lexicon
from scrubber.kinds.lexicon import common_english, english_share, foreign_hits, foreign_table, foreign_words
from scrubber.text import segment
from scrubber.wordruns import letter_runs


def _found(text: str) -> list[str]:
    spans = [(s.start, s.end) if hasattr(s, "start") else tuple(s) for s in segment(text).sentences]
    return [w for _, _, w in foreign_words(text, lambda o: next((s for s in spans if s[0] <= o < s[1]), (0, len(text))))]


@pytest.mark.parametrize(
    ("word", "candidate"),
    [
        ("semana", True),  # Spanish, no English word
        ("kontrola", True),
        ("präsident", True),
        ("angst", False),  # a borrowing English uses
        ("café", False),
        ("schmidt", False),  # a name English news mentions
        ("house", False),
    ],
)
def test_table(word: str, candidate: bool) -> None:
    assert (word in foreign_table()) is candidate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The mayor said the road would be ready next semana for traffic.", ["semana"]),
        ("The club named a new Präsident after the vote.", ["Präsident"]),
        ("Inspectors found the last kontrola was done in spring.", ["kontrola"]),
        # names: next to another capitalised word, or back again later
        ("The coach said Kowalski played well and Schmidt scored twice.", []),
        ("President Andrzej Duda spoke. Later Duda said more.", []),
        # a foreign phrase, a cited word, a word in brackets, an address
        ("Critics called it a fait accompli, a raison d'être for the party.", []),
        ('The paper used the word "semana" in its headline.', []),
        ("The week (semana in Spanish) was long.", []),
        ("See nyti.ms for the story.", []),
        # sentence-initial capital; an English stem with an English ending
        ("Präsident of the club is a title there.", []),
        ("She gave the deal a defter touch than her predecessor.", []),
        # a whole foreign sentence is the language rule's business
        ("Los ministros firmaron el acuerdo en la capital después de dos días.", []),
    ],
)
def test_foreign_words(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("Similar handmade items are classified as antiques by dealers.", 0.8, 1.0),
        ("Los ministros firmaron el acuerdo después de largas negociaciones.", 0.0, 0.79),
        ("Die Minister unterzeichneten das Abkommen in der Hauptstadt.", 0.0, 0.79),
        ("", 0.0, 0.0),
    ],
)
def test_english_share(text: str, low: float, high: float) -> None:
    assert low <= english_share(text) <= high


def test_common_english_filter_drops_no_candidate() -> None:
    """foreign_hits() takes the commonest English words out first: none of them may be a candidate."""
    assert common_english().isdisjoint(foreign_table())
    text = "The semana of the Präsident was kontrola, and the house said angst. Über politycznej the of"
    assert foreign_hits(text) == foreign_table().keys() & letter_runs(text.lower()) == {"semana", "präsident", "kontrola", "politycznej"}


@pytest.mark.parametrize("prefilter", [True, False])
def test_foreign_hits_are_the_tables_with_or_without_the_prefilter(prefilter: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Bloom filter (lang-walk kernel) only spares lookups: every word it lets by is still looked up."""
    if not prefilter:
        monkeypatch.setattr(lexicon, "filter_words", None)
    table = foreign_table()
    runs = set(list(table)[:2000:7]) | {"the", "semana", "xqzwv", "präsident"} | {f"nonword{i}" for i in range(500)}
    assert foreign_hits("", runs, runs) == table.keys() & runs


def test_uncached_frequencies_equal_wordfreqs_own_dict():
    """foreign_table reads wordfreq's lists past its cache; the words and frequencies must be wordfreq's."""
    from wordfreq import cB_to_freq, get_frequency_dict, get_frequency_list

    mine = lexicon._frequencies(get_frequency_list.__wrapped__("sl", "small"), cB_to_freq)
    assert mine == get_frequency_dict("sl", "small") and list(mine) == list(get_frequency_dict("sl", "small"))


def whole_words_by_pattern(text: str, words: set[str]) -> list[tuple[int, int]]:
    """The one-pattern form :func:`lexicon._whole_words` replaces (look-arounds in the pattern)."""
    alternatives = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w'’@./-])(?:{alternatives})(?![\w'’-]|[.@/]\w)", re.I)
    return [m.span() for m in pattern.finditer(text)]


WHOLE_WORD_VOCABULARY = ["ana", "banana", "semana", "sem", "und", "unds", "straße", "sit", "ſit"]
WHOLE_WORD_PIECES = st.sampled_from(
    [
        *" \n.,'’-_@/",
        "ana",
        "Ana",
        "BANANA",
        "banana",
        "semana",
        "Semana",
        "sem",
        "und",
        "Und",
        "x",
        "7",
        "straße",
        "STRASSE",
        "ſ",
        "ſit",
        "sit",
        "ms",
        "İ",
    ]
)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("la semana, Semana; semanas x-semana semana's nyti.semana semana.ms semana. end", {"semana", "sem", "ana"}),
        ("banana ana bananas ana_ 7ana ana7 @ana ana@x ana/ /ana", {"ana", "banana"}),
        ("", {"und"}),
    ],
)
def test_whole_words_equal_the_pattern(text: str, words: set[str]) -> None:
    assert [m.span() for m in lexicon._whole_words(text, words)] == whole_words_by_pattern(text, words)


@given(
    text=st.lists(WHOLE_WORD_PIECES, max_size=25).map("".join),
    words=st.sets(st.sampled_from(WHOLE_WORD_VOCABULARY), min_size=1, max_size=4),
)
def test_whole_words_property(text: str, words: set[str]) -> None:
    assert [m.span() for m in lexicon._whole_words(text, words)] == whole_words_by_pattern(text, words)


PLAIN_WHOLE_WORD_PIECES = st.sampled_from([*" \n.,'’‘“”–—…-_@/", "ana", "Ana", "BANANA", "semana", "SeMaNa", "sem", "und", "x", "7", "ms"])


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("la semana, Semana; “SEMANA” semanas x-semana semana’s nyti.semana semana… end", {"semana", "sem", "ana"}),
        ("the STRASSE and straße", {"strasse"}),  # beyond ASCII: the case-insensitive scan
        ("ſit sit SIT", {"sit"}),  # long s: IGNORECASE reads it as s
        ("\u212aana kana", {"kana"}),  # Kelvin sign
        ("plain ana", {"ſit", "ana"}),  # a word beyond ASCII
    ],
)
def test_whole_word_spans_equal_the_case_insensitive_scan(text: str, words: set[str]) -> None:
    assert (
        lexicon._whole_word_spans(text, words)
        == [m.span() for m in lexicon._whole_words(text, words)]
        == whole_words_by_pattern(text, words)
    )


@given(
    text=st.lists(PLAIN_WHOLE_WORD_PIECES | WHOLE_WORD_PIECES, max_size=25).map("".join),
    words=st.sets(st.sampled_from(WHOLE_WORD_VOCABULARY), min_size=1, max_size=4),
)
def test_whole_word_spans_property(text: str, words: set[str]) -> None:
    assert lexicon._whole_word_spans(text, words) == whole_words_by_pattern(text, words)


#: words of each kind the word-level gate of foreign_words tells apart: a common German noun, a name-like
#: word, an English inflection, a function word, a short one
STANDING_VOCABULARY = ["gruppe", "semana", "tables", "und", "ana"]
STANDING_PIECES = st.sampled_from(
    [*" \n.,'’“”—-_@/", "x", "7", *STANDING_VOCABULARY, *(w.capitalize() for w in STANDING_VOCABULARY), "GRUPPE", "SeMaNa", "é"]
)


def gate_hides_no_standing_match(text: str, words: set[str]) -> None:
    """Where foreign_words' word-level gate says no match can stand alone, none of the matches can."""
    if lexicon._plain_search(text, words) and not any(lexicon._occurs_standing_alone(text, w) for w in words):
        assert not any(lexicon._may_stand_alone(text[a:b]) for a, b in lexicon._whole_word_spans(text, words))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Semana said the Semana", {"semana"}),  # a name: never lower case, no common German noun
        ("the Gruppe met", {"gruppe"}),  # a common German noun, capitalised: may stand alone
        ("the semana", {"semana"}),
        ("Tables and tables", {"tables"}),  # an English inflection in lower case
        ("GRUPPE “Semana”", {"gruppe", "semana"}),
    ],
)
def test_standing_gate_table(text: str, words: set[str]) -> None:
    gate_hides_no_standing_match(text, words)


@given(
    text=st.lists(STANDING_PIECES, max_size=25).map("".join),
    words=st.sets(st.sampled_from(STANDING_VOCABULARY), min_size=1, max_size=3),
)
def test_standing_gate_property(text: str, words: set[str]) -> None:
    gate_hides_no_standing_match(text, words)
