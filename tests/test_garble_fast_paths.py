"""The cheaper forms in the garble family give exactly what the plain forms give (tables, then properties)."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from scrubber.kinds import garble, language, mark_scan
from scrubber.kinds.base import REGEX_TIMEOUT, DocContext, RuleSpec
from scrubber.model import Finding
from scrubber.text import LazySegmentation, beyond_ascii_of
from scrubber.wordruns import RunSkip, letter_runs, run_bytes


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
        "PER cent rose. Nothing else here.",  # the opening word is the document's one hint word
        "Y’all left. Non.",
    ],
)
def test_hint_word_scans_hit_the_sentences_of_the_trie_scan(text: str) -> None:
    assert language._candidate_sentences(DocContext(text), LazySegmentation(text), "en") == plain_candidate_sentences(text)


HINT_PIECES = st.sampled_from([*" \n.,!?'’-_“”", "de", "des", "desk", "la", "y", "ve", "we", "non", "Per", "The", "İ", "é", "Rain"])


@given(text=st.lists(HINT_PIECES, max_size=30).map("".join))
def test_hint_word_scans_property(text: str) -> None:
    assert language._candidate_sentences(DocContext(text), LazySegmentation(text), "en") == plain_candidate_sentences(text)


def skips_only_empty_ending_scans(text: str) -> None:
    """Without a run ending in a foreign ending the endings scans find nothing, and the hint lines stay the same."""
    runs = letter_runs(text.lower())
    may_end = garble._may_end_foreign(runs)
    if not may_end:
        assert garble._ENDING_HINT.search(text) is None
        assert garble._FOREIGN_HINT_SCANS[1].search(text) is None
    assert garble._foreign_hint_lines(text, runs, may_end) == garble._foreign_hint_lines(text, runs)


@pytest.mark.parametrize(
    "text",
    ["la costruzione", "Freiheit und Einheit", "KEIT keit- keit_ keit7 zione's", "İzione", "the heat of the night", "situazione\nbegann"],
)
def test_endings_gate_table(text: str) -> None:
    skips_only_empty_ending_scans(text)


ENDING_PIECES = st.sampled_from([*" \n.,'’-_", "a", "B", "zione", "ZIONE", "keit", "Heit", "ung", "en", "cji", "İ", "\u0307", "7", "é"])


@given(text=st.lists(ENDING_PIECES, max_size=25).map("".join))
def test_endings_gate_property(text: str) -> None:
    skips_only_empty_ending_scans(text)


def plain_mostly_latin(sample: str) -> bool:
    letters = language._LETTER.findall(sample)
    return len(language._LATIN_LETTER.findall(sample)) >= 0.9 * len(letters)


LANGUAGE_SAMPLES = [
    "The mayor’s plan — “at last” … passed.",
    "Der Präsident sagte, dass die Stadt wächst.",
    "Москва и Санкт-Петербург",
    "ΣΑΣ and the σ of ς",
    "İstanbul is in the east of the land",
    "\u00a0the cat\u00a0is on the mat",
    "",
]


@pytest.mark.parametrize("sample", LANGUAGE_SAMPLES)
def test_mostly_latin_equals_the_regex_count(sample: str) -> None:
    assert language._mostly_latin(sample) == plain_mostly_latin(sample)


@pytest.mark.parametrize(
    "text",
    [
        *LANGUAGE_SAMPLES,
        "word " * 599 + "ΣΑΣ the of a",
        "the cat " * 374 + "xxΣ" + "Σa" * 10,
        "İ" + "the of and to " * 300,
        "Der Präsident sagte, dass die Stadt wächst. " * 80,
        "la casa de la familia es grande y bonita; " * 80,
    ],
)
def test_document_language_with_the_shared_lower_copy(text: str) -> None:
    assert language.detect_document_language(text, text.lower()) == language.detect_document_language(text)


LANGUAGE_PIECES = st.sampled_from([" ", "\n", "the ", "of ", "Der ", "und ", "Σ", "σ", "İ", "é", "’", "—", "Москва ", "x"])


@given(text=st.lists(LANGUAGE_PIECES, max_size=40).map("".join), repeat=st.sampled_from([1, 97, 301]))
def test_document_language_property(text: str, repeat: int) -> None:
    text = text * repeat  # long enough to be cut at PREFIX_CHARS
    sample = text[: language.PREFIX_CHARS]
    assert language._mostly_latin(sample) == plain_mostly_latin(sample)
    lower = text.lower()
    if len(lower) == len(text):
        assert language.common_ratio_reaches(sample, 0.12, lower=lower[: len(sample)]) == language.common_ratio_reaches(sample, 0.12)


#: each exact pattern and the function that tries it only where its hints say a match can start
POSITIONAL = {
    "tokenized": (garble._TOKENIZED, garble._tokenized_matches),
    "space-before-quote": (garble._SPACE_QUOTE, garble._space_quote_matches),
    "lowercase-start": (garble._LOWER_AFTER_STOP, garble._lower_after_stop_matches),
    "orphan-punctuation": (garble._ORPHAN, garble._orphan_matches),
}


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("lowercase-start", "A note. to him\nno hint here\nend. and more\nMr. smith; Étude. x; ok.. no; e.g. the x.y. z"),
        ("space-before-quote", 'what we want. "\nfine."\nhe said, " and. " x, “ y! ”\t\n1. " a'),
        ("tokenized", "word , word\n( FTIR )\ndo n't\nword .\nplain line\nx y  \t,  do \t n't ( a\n[ x ] a ; b : c ! d ? e .\" f ."),
        ("tokenized", "( ( a ) ) ,, . . x , , n't n’t do n’t ( [ ("),
        ("orphan-punctuation", ". . US officials\nsaid , , x\nword . word\n. . . kept\nx ; : y\n1 , 2 \t. \t.\nend . \n. .\nA ,; b"),
    ],
)
def test_positional_matches_on_examples(name: str, text: str) -> None:
    pattern, positional = POSITIONAL[name]
    expected = [m.span() for m in pattern.finditer(text)]
    assert expected
    assert [m.span() for m in positional(text)] == expected


POSITION_PIECES = st.sampled_from(
    [*" \t\n.,;:!?\"“”'’()[]", "a", "b", "the", "n't", "n’t", "do", "Lu", "É", "7", "%", "x.y", "said", "and"]
)


@pytest.mark.parametrize("name", sorted(POSITIONAL))
@given(text=st.lists(POSITION_PIECES, max_size=40).map("".join))
def test_positional_matches_property(name: str, text: str) -> None:
    pattern, positional = POSITIONAL[name]
    assert [m.span() for m in positional(text)] == [m.span() for m in pattern.finditer(text)]


def plain_repeated_word_spans(text: str) -> list[tuple[int, int]]:
    """The repeated words :func:`garble.repeated_words` reports, by the whole-text scan."""
    return [
        m.span()
        for m in garble._REPEAT_WORD.finditer(text)
        if m.group(1).lower() not in garble._DOUBLES and any(c.isalpha() for c in m.group(1))
    ]


def repeated_word_spans(text: str) -> list[tuple[int, int]]:
    return [(a, b) for a, b, reason in garble.repeated_words(DocContext(text), LazySegmentation(text), {}) if reason.startswith("word")]


@pytest.mark.parametrize(
    "text",
    [
        "The the cat sat. Sat on it it, it it it. had had 10 10 Had had",
        "it’s it’s it's it's its-its x_x x_x\n\nthe\nthe the\tthe  the",
        "Trump. Trump said “very very” good — good… fine fine",
        "İ the the",
        "ΣΑΣ ΣΑΣ and and",
        "café café naïve naïve é é",
        "no repeats at all here",
    ],
)
def test_repeated_words_by_position_equal_the_whole_scan(text: str) -> None:
    assert repeated_word_spans(text) == plain_repeated_word_spans(text)


REPEAT_PIECES = st.sampled_from(
    [" ", " ", "\t", "\n", ",", ".", "'", "’", "-", "_", "the", "The", "it", "its", "had", "10", "s", "İ", "Σ", "é", "—"]
)


@given(text=st.lists(REPEAT_PIECES, max_size=30).map("".join))
def test_repeated_words_by_position_property(text: str) -> None:
    assert repeated_word_spans(text) == plain_repeated_word_spans(text)


def raw_langdetect(text: str) -> list[tuple[str, float]]:
    """langdetect asked directly, seeded as the project seeds it, no cache."""
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        return [(g.lang, g.prob) for g in detect_langs(text)]
    except LangDetectException:
        return []


@pytest.mark.parametrize(
    "text",
    [
        "[0804 EST] -- Source link: (bit.ly/2jBh4LU) (bit.ly/2jpEXYR)",
        "[1901 EST] -- Source link: (bit.ly/2jBh4LU) (bit.ly/2jpEXYR)",
        "Der Zug fährt um 7:45 Uhr ab, sagte 1 Sprecher am 12. März.",
        "Mail 2019@ex4mple.org or see http://a1.example.com/p?id=42 for the 3 rules",
        "12345 678",
        "",
    ],
)
def test_cached_langdetect_equals_langdetect(text: str) -> None:
    assert language._langdetect(text) == raw_langdetect(text)


@settings(max_examples=25)
@given(digits=st.lists(st.sampled_from("0123456789"), min_size=6, max_size=6))
def test_langdetect_cannot_tell_digits_apart(digits: list[str]) -> None:
    a, b, c, d, e, f = digits
    text = f"La réunion {a}{b} aura lieu le {c} mai à http://x{d}.fr/{e} avec j{f}@mail.fr et les autres."
    assert raw_langdetect(text) == raw_langdetect(text.translate(language._DIGITS_AS_ZERO))


Marks = tuple[list[int], list[int], list[int]]
#: the regex the paragraph's marks were found with before :func:`garble._marks`
QUOTE_OR_BRACKET = regex.compile(r"""’’|''|["“”()\[\]]""")


def plain_unbalanced_quotes(text: str) -> list[Marks]:
    """What :func:`garble.unbalanced_quotes` reports from, per paragraph: the regex's marks, the old test for any mark."""
    spots = []
    seg = LazySegmentation(text)
    for p_start, p_end in seg.paragraphs:
        if any(c in text[p_start:p_end] for c in '"“”()[]'):
            marks = [m.start() for m in QUOTE_OR_BRACKET.finditer(text, p_start, p_end)]
            spots.append(garble._paragraph_marks(text, p_start, p_end, marks))
    return spots


def unbalanced_by_marks(text: str) -> list[Marks]:
    """The same from :func:`garble._marks`, skipping a paragraph as :func:`garble.unbalanced_quotes` does."""
    seg = LazySegmentation(text)
    marks = [(a, b, garble._marks(text, a, b)) for a, b in seg.paragraphs]
    return [garble._paragraph_marks(text, a, b, [i for i, _ in found]) for a, b, found in marks if any(len(c) == 1 for _, c in found)]


def test_the_compiled_paragraph_marks_equal_the_python_loop() -> None:
    """Checked on the cases and texts below too (through :func:`unbalanced_by_offsets`); here every mark at every kind of neighbour."""
    if mark_scan.paragraph_marks is None:
        pytest.skip("the compiled kernel is not built or is switched off")
    neighbours = [
        "",
        " ",
        "\t",
        "\n",
        "\u00a0",
        "\u2028",
        "a",
        "7",
        "²",
        "(",
        "[",
        "{",
        "/",
        "-",
        "—",
        "–",
        ".",
        "!",
        ")",
        "]",
        "\x1b",
        "é",
    ]
    for mark in ['"', "“", "”", "(", ")", "[", "]", "''", "’’"]:
        for before in neighbours:
            for after in neighbours:
                for text in (
                    f"{before}{mark}{after}",
                    f"ab{before}{mark}{after} “x”",
                    f"(“{before}{mark}{after}",
                    f'x "y{before}{mark}{after}',
                ):
                    marks = garble._mark_offsets(text)
                    assert mark_scan.paragraph_marks(text, 0, len(text), marks) == garble._paragraph_marks(text, 0, len(text), marks)


def unbalanced_by_offsets(text: str) -> list[Marks]:
    """The same from :func:`garble._marks_by_paragraph` (the kernel's offsets where it is built), as :func:`garble.unbalanced_quotes` reads them."""
    return [
        (mark_scan.paragraph_marks or garble._paragraph_marks)(text, a, b, found)
        for _, a, b, found in garble._marks_by_paragraph(text, LazySegmentation(text))
        if not all(text[i] in "'’" for i in found)
    ]


def weighed_reference(text: str) -> list[tuple]:
    """What :func:`garble._weighed_paragraphs` gives, from the Python loop over :func:`garble._marks_by_paragraph`."""
    weighed = []
    for k, a, b, found in garble._marks_by_paragraph(text, LazySegmentation(text)):
        if not all(text[i] in "'’" for i in found):
            lists = garble._paragraph_marks(text, a, b, found)
            if any(lists):
                weighed.append((k, a, b, *lists))
    return weighed


def check_weighed(text: str) -> None:
    """The compiled document_marks (where built) and _weighed_paragraphs give what the Python loop gives."""
    assert garble._weighed_paragraphs(text, LazySegmentation(text)) == weighed_reference(text)
    if mark_scan.document_marks is not None:
        assert mark_scan.document_marks(text, garble._mark_offsets(text), LazySegmentation(text).paragraphs) == weighed_reference(text)


@pytest.mark.parametrize(
    "text",
    [
        "He said “yes” (twice) [sic].\n“Open and never closed\nx ’’’ y '' z ''' \"34\" inch\n1) a) list ) ] [ (",
        "only '' here\n\nonly ’’’’ here\nand “ ” \" \" ( ) [ ]",
        "",
    ],
)
def test_marks_by_find_equal_the_regex(text: str) -> None:
    for a, b in LazySegmentation(text).paragraphs:
        assert garble._marks(text, a, b) == [(m.start(), m.group()) for m in QUOTE_OR_BRACKET.finditer(text, a, b)]
    assert unbalanced_by_marks(text) == plain_unbalanced_quotes(text)
    assert unbalanced_by_offsets(text) == plain_unbalanced_quotes(text)
    assert garble._mark_offsets(text) == [m.start() for m in QUOTE_OR_BRACKET.finditer(text)]
    check_weighed(text)


MARK_PIECES = st.sampled_from([*" \n.,\"“”()[]’'", "a", "B", "7", "said"])


@given(text=st.lists(MARK_PIECES, max_size=30).map("".join))
def test_marks_by_find_property(text: str) -> None:
    assert unbalanced_by_marks(text) == plain_unbalanced_quotes(text)
    assert unbalanced_by_offsets(text) == plain_unbalanced_quotes(text)
    assert garble._mark_offsets(text) == [m.start() for m in QUOTE_OR_BRACKET.finditer(text)]
    check_weighed(text)


def test_many_repeated_values_are_tried_where_they_lie() -> None:
    text = " ".join(f"w{k} w{k}" for k in range(21)) + " the the had had 10 10 w1 w1"
    assert repeated_word_spans(text) == plain_repeated_word_spans(text)
    assert len(repeated_word_spans(text)) == 23  # (not had had, not 10 10)


@pytest.mark.parametrize("text", ["é" * 20_000 + "7", "a" * 20_000 + "7 und", "ą" * 20_000])
def test_foreign_candidates_on_one_long_word(text: str) -> None:
    """One pass over a long word, not one per letter (a nested form backtracked quadratically)."""
    lines = every_line(text)
    assert list(garble._foreign_latin_words(text, lines)) == plain_foreign_latin_words(text, lines)


@pytest.mark.parametrize(
    "text",
    [
        "Plain ASCII text (no script) at all.",
        "Mixed: Москва and 東京 here, in an English sentence of words.",
        "Mojibake â€™ and symbols ™ € \U0001f600 ǅ but no other script in this English sentence.",
        "A one-letter word и between English words of a sentence.",
    ],
)
def test_code_mix_script_gate(text: str) -> None:
    """The gate lets through exactly the texts with a character of the pattern's scripts (not mojibake or symbols)."""
    spots = list(garble.code_mix(DocContext(text), LazySegmentation(text), {}))
    assert bool(spots) == (garble._OTHER_SCRIPT_CHARACTER.search(text) is not None)


SCRIPT_PIECES = st.sampled_from(
    [*" \n.,'’“”–—…()", "the", "word", "é", "â€™", "™", "\U0001f600", "и", "Москва", "東京", "ก", "α", "ا", "א"]
)


@settings(max_examples=300, deadline=None)
@given(text=st.lists(SCRIPT_PIECES, max_size=25).map("".join))
def test_code_mix_gate_hides_no_match(text: str) -> None:
    """Where the characters beyond ASCII hold none of the scripts' characters, the pattern matches nowhere in the text."""
    if garble._OTHER_SCRIPT_CHARACTER.search(beyond_ascii_of(text)) is None:
        assert garble._OTHER_SCRIPT.search(text) is None


#: the one class-led scan the two apostrophe-led elision hints replace
_ELISION_CLASS_HINT = re.compile(r"['’](?=[^\W\d_A-Z]{3})")
ELISION_PIECES = st.sampled_from(["'", "’", "d", "l", "aut", "res", "É", "é", "A", "B", "1", "_", " ", "\n", "it's", "qu’elle", "ß"])


@pytest.mark.parametrize(
    "text", ["d'autres", "l’erosione", "it's they're we've", "l'A", "d’Éte", "x'ab1", "'_ab", "’ßéa", "", "no apostrophe here"]
)
def test_elision_hints_equal_the_class_scan(text: str) -> None:
    assert any(h.search(text) for h in garble._ELISION_HINTS) == bool(_ELISION_CLASS_HINT.search(text))


@settings(max_examples=300, deadline=None)
@given(text=st.lists(ELISION_PIECES, max_size=20).map("".join))
def test_elision_hints_property(text: str) -> None:
    assert any(h.search(text) for h in garble._ELISION_HINTS) == bool(_ELISION_CLASS_HINT.search(text))


# -- the characters beyond ASCII, asked instead of scanning the text ------------------------

BEYOND_PIECES = st.sampled_from(
    [*" \n.,'’“”–—…", "a", "Z", "é", "ß", "ą", "İ", "Σ", "Москва", "東京", "\ud800", "\udfff", "\x80", "\U0001f600", "ǅ"]
)
#: the class scans that :func:`scrubber.text.beyond_ascii` answers for the whole text
BEYOND_CLASSES = [language._NON_ASCII_CHAR, garble._OTHER_SCRIPT_CHARACTER, garble._FOREIGN_HINT_SCANS[0]]


@pytest.mark.parametrize("pattern", BEYOND_CLASSES, ids=lambda p: p.pattern[:12])
def test_beyond_ascii_classes_take_no_ascii_character(pattern: re.Pattern[str]) -> None:
    assert pattern.search("".join(map(chr, range(128)))) is None


@pytest.mark.parametrize("text", ["", "plain", "It’s “quoted” — fine…", "Москва\ud800x\U0001f600é", "\x80\x7f\x00"])
def test_beyond_ascii_table(text: str) -> None:
    assert beyond_ascii_of(text) == "".join(c for c in text if not c.isascii())


@given(text=st.lists(BEYOND_PIECES, max_size=30).map("".join))
def test_beyond_ascii_property(text: str) -> None:
    """The same characters in order, and each class scan finds one in them exactly when it finds one in the text."""
    rest = beyond_ascii_of(text)
    assert rest == "".join(c for c in text if not c.isascii())
    for pattern in BEYOND_CLASSES:
        assert (pattern.search(rest) is None) == (pattern.search(text) is None)
    ctx = DocContext(text)
    assert language.plain_typography(ctx) == (language._NON_ASCII_CHAR.search(text) is None)


@given(text=st.lists(BEYOND_PIECES, max_size=30).map("".join))
def test_letter_counts_equal_the_regex_counts(text: str) -> None:
    assert language._letter_counts(text) == (len(language._LATIN_LETTER.findall(text)), len(language._LETTER.findall(text)))


def test_code_mix_latin_letters_gate() -> None:
    """Without a foreign or accented letter the letters scan is skipped, and the hint lines stay the same."""
    for text in ["the aunque fish — “so” …", "la costruzione", "und der\nStadt", "é", "x ą y"]:
        runs = letter_runs(text.lower())
        letters = garble._FOREIGN_HINT_SCANS[0].search(beyond_ascii_of(text)) is not None
        assert garble._foreign_hint_lines(text, runs, True, letters) == garble._foreign_hint_lines(text, runs)


#: the alternation the function-word trie replaces
PLAIN_FUNCTION_WORD = re.compile(r"\b(?:" + "|".join(sorted(language.ENGLISH_FUNCTION_WORDS, key=len, reverse=True)) + r")\b", re.I)
FUNCTION_PIECES = st.sampled_from([*" \n.,'’-_", "the", "The", "THEM", "a", "an", "and", "i", "İ", "ſo", "K", "its", "it", "x", "7", "é"])


@given(text=st.lists(FUNCTION_PIECES, max_size=30).map("".join))
def test_function_word_trie_equals_the_alternation(text: str) -> None:
    assert [m.span() for m in language._FUNCTION_WORD.finditer(text)] == [m.span() for m in PLAIN_FUNCTION_WORD.finditer(text)]


PARAGRAPH_MARK_PIECES = st.sampled_from([*" \n\t\r\x0b\x1c\u2028\u00a0.\"“”()[]’'", "’’", "''", "a", "\x1b["])


@pytest.mark.parametrize("text", ["", "no marks", "(a)\n\n“b” [c]\n  ’’’ '' \n\u2028(", "x\x1c\n\x1c''\x1c"])
def test_marks_by_paragraph_equal_the_marks_of_each_paragraph(text: str) -> None:
    seg = LazySegmentation(text)
    expected = [
        (k, a, b, [i for i, _ in garble._marks(text, a, b)]) for k, (a, b) in enumerate(seg.paragraphs) if garble._marks(text, a, b)
    ]
    assert list(garble._marks_by_paragraph(text, seg)) == expected


@given(text=st.lists(PARAGRAPH_MARK_PIECES, max_size=30).map("".join))
def test_marks_by_paragraph_property(text: str) -> None:
    test_marks_by_paragraph_equal_the_marks_of_each_paragraph(text)


def plain_repeated_phrase_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in garble._REPEAT_PHRASE.finditer(text)]


def repeated_phrase_spans(text: str) -> list[tuple[int, int]]:
    """The phrase matches :func:`garble.repeated_words` tries by position (every phrase match, before its filters)."""
    _, phrase, fast, _, starts = garble._repeat_candidates(text)
    if not phrase:
        return []
    if fast is None or starts is None:
        return plain_repeated_phrase_spans(text)
    return [m.span() for m in garble._matches_at(garble._REPEAT_PHRASE, text, starts, "x")]


@pytest.mark.parametrize(
    "text",
    [
        "the court, the court said; The Court the court. x'the court the court",
        "go on, go on\ngo on go on go on go on, go on",
        "a b a b a b a b\ta\tb a b",
        "it’s on it’s on, on it on it-on it, on it’s",
        "7the court the court the court",
        "The   big dog,   The   big dog",
        "  a b, a b  " + " x y x y" * 5 + ", ab b b, b",  # many hits
        "",
    ],
)
def test_repeated_phrases_by_position_equal_the_whole_scan(text: str) -> None:
    assert repeated_phrase_spans(text) == plain_repeated_phrase_spans(text)


PHRASE_PIECES = st.sampled_from(
    [" ", " ", "\t", "\n", ",", ", ", ".", "'", "’", "-", "_", "7", "the", "The", "court", "a", "b", "x'a", "é", "—"]
)


@given(text=st.lists(PHRASE_PIECES, max_size=30).map("".join))
def test_repeated_phrases_by_position_property(text: str) -> None:
    assert repeated_phrase_spans(text) == plain_repeated_phrase_spans(text)


def plain_elision_spans(text: str) -> list[tuple[int, int]]:
    """The matches of the whole-text scan that :func:`garble._elisions` can keep (lower case)."""
    return [m.span() for m in garble._ELISION.finditer(text) if m.group().islower()]


@pytest.mark.parametrize(
    "text", ["d'autres l’erosione dell'autore", "D'autres d'Autres x'd'autres qu'il qu’elle", "it's l'A d’Éte l'éte ß'abc", "d'abc\nl'xyz"]
)
def test_elisions_by_position_equal_the_whole_scan(text: str) -> None:
    assert [m.span() for m in garble._elision_matches(text) if m.group().islower()] == plain_elision_spans(text)


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from([*ELISION_PIECES.elements, "dell", "qu", "D", "-", "’’"]), max_size=20).map("".join))
def test_elisions_by_position_property(text: str) -> None:
    assert [m.span() for m in garble._elision_matches(text) if m.group().islower()] == plain_elision_spans(text)


@settings(deadline=None)  # (the first example loads the word tables)
@given(
    words=st.sets(st.sampled_from(["zione", "azione", "keit", "keitx", "ab", "cji", "sji", "xycz", "heits", "ungen", "a", "é"]), max_size=6)
)
def test_may_end_foreign_equals_the_word_by_word_test(words: set[str]) -> None:
    plain = any(w.endswith(garble._ENDINGS) for w in words) or not garble._common_with_ending().isdisjoint(words)
    assert garble._may_end_foreign(words) == plain


def foreign_words_by_lines(text: str) -> list[tuple[int, int, str]]:
    """code-mix-latin's hand-written signals as the hint lines gave them (the reference of the positional form)."""
    runs = letter_runs(text.lower())
    may_end = garble._may_end_foreign(runs)
    letters = garble._FOREIGN_HINT_SCANS[0].search(beyond_ascii_of(text)) is not None
    return list(garble._foreign_latin_words(text, garble._foreign_hint_lines(text, runs, may_end, letters)))


def foreign_words_by_position(text: str) -> list[tuple[int, int, str]]:
    runs = letter_runs(text.lower())
    may_end = garble._may_end_foreign(runs)
    return list(garble._foreign_latin_words_at(text, garble._foreign_word_starts(text, runs, may_end, beyond_ascii_of(text))))


@pytest.mark.parametrize(
    "text",
    [
        *FOREIGN_TEXTS,
        "und der die\nund\tund, (und) und's und-so x-und ÉTAT étata zionezione keitxkeit politycznej",
        "a Éxzione b naïveté café l'été ości Różnica 7ą ą7 _ą ą_ a'ą ą'b",
        "é" * 300 + " und " + "ą" * 200 + "zione",
        "für die über-x más. Über für\nmás más'für (über) _für für_ 2más la más",  # words beyond ASCII, each found by its own scan
        "ß ą éé ą é ß",  # several letters each found by str.find, in the text's order
    ],
)
def test_foreign_words_by_position_equal_the_hint_lines(text: str) -> None:
    assert foreign_words_by_position(text) == foreign_words_by_lines(text)


@settings(max_examples=300, deadline=None)
@given(text=st.lists(FOREIGN_PIECES, max_size=30).map("".join))
def test_foreign_words_by_position_property(text: str) -> None:
    assert foreign_words_by_position(text) == foreign_words_by_lines(text)


def test_word_starts_walk_each_run_once() -> None:
    text = "x " + "é" * 50_000 + " y"
    hits = [m.start() for m in garble._FOREIGN_HINT_SCANS[0].finditer(text)]
    assert set(garble._word_starts(text, hits)) == {2}


def test_guard_only_for_long_texts_and_regex_patterns() -> None:
    short, long = "x" * garble._UNGUARDED_LENGTH, "x" * (garble._UNGUARDED_LENGTH + 1)
    assert garble._guard(garble._STRAY, short) == {}
    assert garble._guard(garble._STRAY, long) == {"timeout": REGEX_TIMEOUT}
    assert garble._guard(garble._LOWER_AFTER_STOP, long) == {}  # an re pattern takes no timeout


@pytest.mark.parametrize("unit", ['word , word ( x ) the, a- fund . . US, , x said . ok. " he', "a.\n"])
def test_positional_matches_equal_on_a_guarded_text(unit: str) -> None:
    text = unit * (garble._UNGUARDED_LENGTH // len(unit) + 2)
    assert garble._guard(garble._TOKENIZED, text)
    for pattern, positional in POSITIONAL.values():
        assert [m.span() for m in positional(text)] == [m.span() for m in pattern.finditer(text)]
    assert [m.span() for m in garble._stray_matches(text)] == [m.span() for m in garble._STRAY.finditer(text)]


PLACEHOLDER_PIECES = st.sampled_from(
    [
        *" \n.,'’-_“—",
        "a",
        "The",
        "und",
        "é",
        "É",
        "ß",
        "ą",
        "Москва",
        "東京",
        "²",
        "٣",
        "ǅ",
        "\U0001f600",
        "\x01",
        "İ",
        "Σ",
        "the",
        "café",
        "naïve",
    ]
)


def reference_lower_runs(text: str) -> set[str]:
    """:func:`garble.lower_runs` by ``re.findall`` over the lower-cased text, less the same skipped words."""
    return set(re.findall(r"[^\W\d_]+", text.lower())) - garble._runs_skip().words


@pytest.mark.parametrize(
    "text",
    [
        "José said café café, the Präsident said: naïve naïve — “so”.",
        "Москва Москва and the the ²² ²",
        "".join(chr(0xC0 + k) + " " for k in range(40)),  # more letters beyond ASCII than stand-ins
        "digits ٣ ٣ of another script, mid٣dle mid٣dle",
        "a\x01b é",
    ],
)
def test_placeholder_form_equals_the_regex_runs(text: str) -> None:
    assert garble.lower_runs(DocContext(text)) == reference_lower_runs(text)
    assert repeated_word_spans(text) == plain_repeated_word_spans(text)
    assert repeated_phrase_spans(text) == plain_repeated_phrase_spans(text)


@settings(max_examples=300, deadline=None)
@given(text=st.lists(PLACEHOLDER_PIECES, max_size=30).map("".join))
def test_placeholder_form_property(text: str) -> None:
    test_placeholder_form_equals_the_regex_runs(text)


def plain_repeated_spots(text: str) -> list[tuple[int, int]]:
    """Every spot of :func:`garble.repeated_words` by its two whole-text scans."""
    spots = plain_repeated_word_spans(text)
    for m in garble._REPEAT_PHRASE.finditer(text):
        if m.group(1)[0].isupper() and m.group(3)[0].isupper():
            continue
        if m.group(2) and not garble._DETERMINER_START.match(m.group(1) + " "):
            continue
        spots.append(m.span())
    return spots


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from([*PLACEHOLDER_PIECES.elements, ", ", "  "]), max_size=30).map("".join))
def test_repeated_words_with_stand_ins_property(text: str) -> None:
    assert [(a, b) for a, b, _ in garble.repeated_words(DocContext(text), LazySegmentation(text), {})] == plain_repeated_spots(text)


def test_stand_in_runs_lose_the_skipped_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """A skipped word beyond ASCII is taken out once read back (the compiled filter saw its stand-ins)."""
    skip = RunSkip({"café", "the"})
    monkeypatch.setattr(garble, "_runs_skip", lambda: skip)
    text = "The café and the Ärger, naïve Москва"
    assert garble.lower_runs(DocContext(text)) == set(re.findall(r"[^\W\d_]+", text.lower())) - skip.words


HINT_TRIE_PIECES = st.sampled_from([*" \n.,'’-_", "de", "DE", "des", "la", "y", "og", "und", "the", "İ", "ſe", "K", "é", "7"])


@given(text=st.lists(HINT_TRIE_PIECES, max_size=30).map("".join))
def test_other_language_trie_equals_the_alternation(text: str) -> None:
    assert [m.span() for m in language._OTHER_LANGUAGE_TRIE.finditer(text)] == [
        m.span() for m in language._OTHER_LANGUAGE_HINT.finditer(text)
    ]
    assert bool(language._OTHER_LANGUAGE_TRIE.match(text)) == bool(language._OTHER_LANGUAGE_HINT.match(text))


TOKENIZED_GATE_PIECES = st.sampled_from([*" \t\n.,()[]'’", "n", "t", "n't", "n’t", "do", "a"])


@given(text=st.lists(TOKENIZED_GATE_PIECES, max_size=30).map("".join))
def test_tokenized_gates_skip_only_empty_scans(text: str) -> None:
    for scan, needle in zip(garble._TOKENIZED_HINTS[1:], "(['’"):
        if needle not in text:
            assert scan.search(text) is None


def test_only_one_character_grows_when_lower_cased() -> None:
    """The hint-word gate tests ``"İ" in text`` for "the lower-cased text is longer": true of this Python's Unicode."""
    assert [c for c in map(chr, range(0x110000)) if len(c.lower()) != 1] == ["İ"]


LOWER_BYTES_PIECES = st.sampled_from([*" \n.,'’-_“—", "The", "THE", "a", "\u212a", "K", "é", "İ", "Σ", "\x01", "x7_"])


@given(text=st.lists(LOWER_BYTES_PIECES, max_size=30).map("".join))
def test_lower_run_bytes_without_lower_casing_the_text(text: str) -> None:
    expected = run_bytes(text.lower())
    if expected is not None:
        assert garble.lower_run_bytes(DocContext(text)) == expected


def test_no_hint_letter_is_a_typographic_mark() -> None:
    """code-mix-latin looks for no hint letter in a plain document (language.plain_typography): its marks are none."""
    marks = set("‘’“”–—…")
    assert language._NON_ASCII_CHAR.search("".join(marks)) is None
    assert garble._HINT_LETTERS.isdisjoint(marks)


#: pieces around the lead function words: case, blanks and folds where the two counts could part
LEAD_PIECES = st.sampled_from(
    [*" \n\t.,'’-_", "the", "The", "THE", "of", "a", "A", "in", "ın", "İn", "ſo", "\u212a", "who", "which", "an", "x", "7", "é"]
)


def lead_count_is_a_lower_bound(text: str) -> None:
    """The lead words' count (either implementation) never exceeds the function-word count it stands in for."""
    for count in (mark_scan.common_hits, mark_scan.common_hits_python):
        assert count(text, language.FUNCTION_WORDS_LEAD)[1] <= language._function_word_hits(text)


@pytest.mark.parametrize("text", ["", "the the the", "The cat and THE dog", "İn the ın ſo", "a\na a-a a’s", "which who an"])
def test_lead_function_words_table(text: str) -> None:
    lead_count_is_a_lower_bound(text)


@given(text=st.lists(LEAD_PIECES, max_size=40).map("".join))
def test_lead_function_words_property(text: str) -> None:
    lead_count_is_a_lower_bound(text)


def _spec(rule_id: str, confidence: float, priority: int = 0) -> RuleSpec:
    return RuleSpec(id=rule_id, kind="garble", action="flag", description="d", params={}, confidence=confidence, priority=priority)


_A, _B = _spec("garble.a", 0.5), _spec("garble.b", 0.7)


@pytest.mark.parametrize(
    ("hits", "rule", "message", "confidence"),
    [
        ([(_A, (3, 5, "one"))], "garble.a", "one", 0.5),  # one spot: the shortcut
        ([(_A, (7, 9, "two")), (_A, (3, 5, "one"))], "garble.a", "one; two", 0.5),  # sorted by start, one rule once
        ([(_A, (3, 5, "same")), (_A, (7, 9, "same"))], "garble.a", "same", 0.5),  # a reason once
        ([(_A, (3, 5, "one")), (_B, (7, 9, "two"))], "garble.b", "one; two", 0.85),  # the strongest rule names it
    ],
)
def test_finding_of_a_sentence(hits: list, rule: str, message: str, confidence: float) -> None:
    """GarbleMatcher._finding: one spot takes the shortcut, several are sorted and merged; either way the flag is Finding(...)."""
    found = garble.GarbleMatcher._finding((0, 10), hits)
    ordered = sorted(hits, key=lambda h: h[1][0])
    detail = json.dumps([{"rule": s.id, "start": a, "end": b, "reason": r} for s, (a, b, r) in ordered], ensure_ascii=False)
    assert found == Finding(rule, 0, 10, None, message, confidence=confidence, safe=False, detail=detail)
    assert list(found.__dict__) == [f.name for f in dataclasses.fields(Finding)]
