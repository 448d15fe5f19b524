"""Faster forms give exactly the old answers: scanning only the lines a cheap hint finds, early-exit ratios."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scrubber.kinds import garble, language
from scrubber.kinds.base import DocContext
from scrubber.wordruns import letter_runs, word_runs

#: each exact detector pattern with the hints that every one of its matches holds, and
#: whether the detector scans a line only from its first hint (``from_hint``)
PAIRS = {
    "lowercase-start": (garble._LOWER_AFTER_STOP, [garble._LOWER_HINT], False),
    "after-closing-quote": (garble._AFTER_QUOTE, [garble._AFTER_QUOTE_HINT], True),
    "space-before-quote": (garble._SPACE_QUOTE, [garble._SPACE_QUOTE_HINT], True),
    "tokenized": (garble._TOKENIZED, garble._TOKENIZED_HINTS, True),
    "orphan-punctuation": (garble._ORPHAN, [garble._ORPHAN_HINT], True),
}

#: the characters the patterns and hints turn on, in a few words
ALPHABET = st.sampled_from(
    [
        *" \t\n.,;:!?\"“”'’()[]-^_~|@",
        "a",
        "b",
        "the",
        "who",
        "n't",
        "n’t",
        "de",
        "Lu",
        "etc",
        "X",
        "é",
        "7",
        "%",
        "of",
        "and",
        "was",
        "U.S",
        "by",
        "Minor",
        "The",
        "March",
        "km",
        "will",
        "s",
        "\u0301",
        "²",
    ]
)
TEXTS = st.lists(ALPHABET, max_size=40).map("".join)


def whole(pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def hinted(pattern, hints, from_hint: bool, text: str) -> list[tuple[int, int]]:
    if from_hint:
        lines = garble._hint_windows(text, sorted(m.start() for hint in hints for m in hint.finditer(text)))
    else:
        lines = sorted({line for hint in hints for line in garble._lines_with(text, hint)})
    return [m.span() for start, end in lines for m in pattern.finditer(text, start, end)]


@given(text=TEXTS)
def test_the_orphan_hint_is_the_blank_marks_that_are_stops_commas_or_colons(text: str) -> None:
    """orphan-punctuation takes its hints from tokenized's marks after a blank (one kernel list for both)."""
    marks = [m.start() for m in garble._TOKENIZED_HINTS[0].finditer(text)]
    assert [p for p in marks if text[p] in ".,;:"] == [m.start() for m in garble._ORPHAN_HINT.finditer(text)]


@pytest.mark.parametrize("name", sorted(PAIRS))
@given(text=TEXTS)
def test_hinted_lines_find_every_match(name: str, text: str) -> None:
    pattern, hints, from_hint = PAIRS[name]
    assert hinted(pattern, hints, from_hint, text) == whole(pattern, text)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("lowercase-start", "A note. to him\nno hint here\nend. and more"),
        ("after-closing-quote", 'said "a friendship." which\n"ok." He'),
        ("space-before-quote", 'what we want. "\nfine."\nhe said, " and'),
        ("tokenized", "word , word\n( FTIR )\ndo n't\nword .\nplain line\nx y  \t,  do \t n't ( a"),
        ("orphan-punctuation", "soon. . US\nx , , y\nno mark here\nword . word\nend. . . ok\nlong line first.  \t.  US"),
    ],
)
def test_hinted_lines_on_examples(name: str, text: str) -> None:
    pattern, hints, from_hint = PAIRS[name]
    assert whole(pattern, text)
    assert hinted(pattern, hints, from_hint, text) == whole(pattern, text)


@given(text=TEXTS)
def test_stray_scans_find_every_match(text: str) -> None:
    assert [m.span() for m in garble._stray_matches(text)] == whole(garble._STRAY, text)


@pytest.mark.parametrize(
    "text",
    [
        "the^ x\na- b\nnot? the\nof; new\nthe,\nU.S..\nx,? y\nwas' z\nfine line\nhave' been",
        "home- to x, will: run, be: ok, May: 3, x; could, x: which, the- 1990s, (km)_ long, e.g.,! x,- y",
        "a.\nand.\nThe end, of course; fine.",
        "than, 2\nin, March\n40, km\nx: respectively\nable; to\nfixed by, a\ncity's, most\nEach town, had\nThe first; x\nThe Minister. of\nfarmers' can\nfrom' 2010",
        "in: December\nto: which\nplan: was\nmanaged: to\nMay: 3\nabout: two\nbe: aware\ncontext: whose\nthe: x\nx,: y\nof: new\n-: x - y :",
    ],
)
def test_stray_scans_on_examples(text: str) -> None:
    assert whole(garble._STRAY, text)
    assert [m.span() for m in garble._stray_matches(text)] == whole(garble._STRAY, text)


@pytest.mark.parametrize(
    ("text", "passes"),
    [
        ("the of; new", True),  # a word no mark follows, before it
        ("x-January: 11", True),  # a month bounded by \b takes the mark after a hyphen too
        ("plan: was", True),  # a word no mark opens, after it
        ("He said; could", True),
        ("The first; three", True),  # an opening determiner and one word
        ("x. Each \t first; three", True),
        ("The " + "w" * 70 + "; three", True),  # a word longer than the look back: left to the pattern
        ("Mr first; three", False),
        ("first; three", False),
        ("x7; y", True),  # after a digit: left to the pattern
        ("café; y", True),  # after a letter beyond ASCII: likewise
        ("Africa; new", False),  # "a" ends the word but is not the word
        ("big: thing", False),
        ("said; the", False),
    ],
)
def test_colon_semi_pretest_on_examples(text: str, passes: bool) -> None:
    p = next(i for i, c in enumerate(text) if c in ";:")
    assert garble._may_take_colon_semi(text, p) is passes


COLON_WORDS = ["the", "a", "Africa", "of", "The", "Each", "first", "January", "was", "could", "which", "respectively"]
COLON_TEXTS = st.lists(
    st.sampled_from([" ", "\t", "\n", ";", ":", ",", ".", "'", "-", "x", "é", "7", *COLON_WORDS, "to", "able", "in", "be", "will", "said"]),
    max_size=30,
).map("".join)


@given(text=COLON_TEXTS)
def test_colon_semi_pretest_passes_every_match(text: str) -> None:
    for p, c in enumerate(text):
        if c in ";:" and garble._STRAY.match(text, p):
            assert garble._may_take_colon_semi(text, p)
    assert [m.span() for m in garble._stray_matches(text)] == whole(garble._STRAY, text)


COMMON_TEXTS = st.lists(st.sampled_from(["the", "of", "a", "to", "and", "x", "Zed", "in", "\n", "  "]), max_size=40).map(" ".join)


@given(text=COMMON_TEXTS, threshold=st.sampled_from([0.0, 0.1, 0.12, 0.125, 0.2, 0.5, 1.0]))
def test_common_ratio_reaches_agrees_with_common_ratio(text: str, threshold: float) -> None:
    assert sorted(language._COMMON_WORDS) == sorted(w.strip() for w in language._COMMON)
    ratio = language.common_ratio(text)
    assert language.common_ratio_reaches(text, threshold) == (ratio >= threshold)
    assert language.common_ratio_reaches(text, threshold, strict=True) == (ratio > threshold)


@pytest.mark.parametrize("text", ["the " * 3 + "x " * 21 + "x", "the the the", "", "a"])
def test_common_ratio_reaches_at_the_boundary(text: str) -> None:
    ratio = language.common_ratio(text)
    assert language.common_ratio_reaches(text, 0.12) == (ratio >= 0.12)
    assert language.common_ratio_reaches(text, 0.12, strict=True) == (ratio > 0.12)


@pytest.mark.parametrize(
    "text",
    [
        "The mayor’s plan passed. “We won,” she said — at last… Then the vote ended.",
        "It’s over. Das ist gut, sagte er. “Voilà,” he said.",
    ],
)
def test_typographic_punctuation_counts_as_plain(text: str) -> None:
    """Curly quotes, dashes and the ellipsis do not make a sentence a candidate for langdetect; its ASCII spelling would not be."""
    from scrubber.text import LazySegmentation

    ascii_text = text.translate(str.maketrans({"’": "'", "“": '"', "”": '"', "—": "-", "…": "."}))
    assert len(ascii_text) == len(text)
    assert language._candidate_sentences(DocContext(text), LazySegmentation(text), "en") == language._candidate_sentences(
        DocContext(ascii_text), LazySegmentation(ascii_text), "en"
    )


HINT_TEXTS = st.lists(
    st.sampled_from([*" \n.,'’-_“”", "de", "De", "la", "y", "und", "the", "over", "ſe", "\u212a", "İ", "é", "7", "Rain", "fell"]),
    max_size=30,
).map("".join)


@given(text=HINT_TEXTS)
def test_candidate_sentences_skip_only_a_hint_scan_that_cannot_match(text: str) -> None:
    """Skipping the hint-word scan when no hint word is a letter run of the lower-cased text changes nothing."""
    from scrubber.text import LazySegmentation

    seg = LazySegmentation(text)
    expected = set(seg.sentences_hit(language._NON_ASCII_CHAR))
    if len(text.lower()) != len(text):
        expected.update(seg.sentences_hit(language._OTHER_LANGUAGE_HINT))
    else:
        expected.update(seg.sentences_hit(language._HINT_SCAN, text.lower(), shift=1))
        if language._OTHER_LANGUAGE_HINT.match(text):
            expected.add(seg.sentence_at(0))
    assert language._candidate_sentences(DocContext(text), LazySegmentation(text), "en") == sorted(expected)


#: characters the C-split word runs turn on: the typographic marks replaced on the
#: fast path, the apostrophe stand-in, letters beyond ASCII, foreign function words
RUN_TEXTS = st.lists(
    st.sampled_from(
        [*" \t\n.,'’-_“”‘—–…«»•·\u00a0\x01", "a", "Ab", "und", "aunque", "oder", "é", "İ", "Σ", "\u212a", "7", "²", "\u0301", "zione"]
    ),
    max_size=30,
).map("".join)


@given(text=RUN_TEXTS)
def test_word_runs_are_the_findall_runs(text: str) -> None:
    runs = word_runs(text)
    as_text = [r.decode("ascii").replace("\x01", "’") if isinstance(r, bytes) else r for r in runs]
    assert as_text == re.findall(r"[\w'’-]+", text)
    assert letter_runs(text) == set(re.findall(r"[^\W\d_]+", text))


@given(text=RUN_TEXTS)
def test_foreign_hint_lines_skip_only_a_scan_that_cannot_match(text: str) -> None:
    every_scan = {line for scan in garble._FOREIGN_HINT_SCANS for line in garble._lines_with(text, scan)}
    if garble._FOREIGN_WORD_FIRST.match(text):
        end = text.find("\n")
        every_scan.add((0, len(text) if end < 0 else end))
    assert garble._foreign_hint_lines(text, letter_runs(text.lower())) == sorted(every_scan)


#: words the word-order branches start and end with, capitals, near misses, each followed by a mark or space
ORDER_WORDS = ["the", "The", "a", "A", "an", "An", "of", "is", "he", "They", "been", "Been", "would", "from", "several"]
ORDER_WORDS += ["than", "and", "which", "as", "be", "cannot", "interview", "racing", "them", "é", "x", "one", "-the", "he's"]
ORDER_TEXTS = st.lists(
    st.tuples(st.sampled_from(ORDER_WORDS), st.sampled_from([" ", " ", " ", "\t", "\n", ". ", ", ", "!", '." ', "”) ", "'"])),
    max_size=12,
).map(lambda parts: "".join(w + m for w, m in parts))


@given(text=ORDER_TEXTS)
def test_word_order_scan_finds_every_match(text: str) -> None:
    """The guarded scan (:data:`garble._WORD_ORDER_FIRST` look-ahead) finds what the plain pattern finds."""
    assert garble._word_order_spans(text) == whole(garble._WORD_ORDER, text)


def test_word_order_scan_finds_every_pair_of_listed_words() -> None:
    """Every pair of words any branch names (and their capitals), at a sentence start, inside and at the end."""
    listed = {w for part in re.findall(r"[A-Za-z|]+", garble._WORD_ORDER.pattern) for w in part.split("|") if w.isalpha()}
    words = sorted(listed | {w.capitalize() for w in listed} | {"interview", "racing", "one"})
    text = " ".join(f"x {a} {b}. {a} {b}, {a}." for a in words for b in words)
    assert garble._word_order_spans(text) == whole(garble._WORD_ORDER, text)
