"""The kernel's word-run functions equal their Python references (scrubber/kinds/_mark_scan_kernel.c).

``RunFilter.distinct`` gives a document's distinct letter runs less the
commonest English words no detector asks about (``garble.lower_runs``); its
Python reference is ``set(data.decode("ascii").split()) - skip``.

``equal_neighbours`` is the gate of ``garble.repeated-words``: the values of
equal adjacent runs and whether a repeated phrase may be there. The Python
reference (:func:`mark_scan.equal_neighbours_python` over ``data.split()``)
runs under ``SCRUBBER_PURE_PYTHON=1`` or without the kernel; the two must
give the same answer on every input, or the detector's findings would
depend on the build. Skipped where the kernel is not built; CI builds it.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kernel_checks import assert_no_leak

from scrubber import wordruns
from scrubber.kinds import garble, mark_scan
from scrubber.kinds.base import DocContext
from scrubber.kinds.language import HINT_WORDS
from scrubber.kinds.lexicon import uncommon_runs
from scrubber.text import LazySegmentation
from scrubber.wordruns import RunSkip, letter_runs, run_bytes

needs_kernel = pytest.mark.skipif(mark_scan._kernel is None, reason="the compiled mark-scan kernel is not built (no C compiler at install)")

NEIGHBOUR_CASES = [
    b"",
    b" ",
    b"a",
    b"a a",
    b"a  a\ta\na",
    b"the court the court",
    b"thecourt xy court xy",  # runs[j] ends with runs[j + 2]
    b"court xy thecourt xy",  # the other way round: no phrase
    b"x y z y",  # runs[1] == runs[3], "x" does not end with "z"
    b"zz y z y",
    b"ab ab ab",
    b"a b a b a b",
    b"food food the food",
    b"\x01s \x01s don\x01t don\x01t",
    b"a\x0bb\x0cb\rc\nc",  # every ASCII whitespace bytes.split() splits on
    b"\x00 \x00 \xff \xff",  # any other byte belongs to a run
    b"  lead and trail  ",
    b"a " * 1000,
    b"x" * 100_000 + b" " + b"x" * 100_000,
]


def expected(data: bytes, positions: bool = False) -> tuple:
    return mark_scan._equal_neighbours_split(data, positions)


def agrees(data: bytes) -> bool:
    """The kernel gives the reference's values, with and without the positions."""
    kernel = mark_scan._kernel.equal_neighbours  # type: ignore[union-attr]
    return kernel(data) == expected(data) and kernel(data, True) == expected(data, True)


@needs_kernel
@pytest.mark.parametrize("data", NEIGHBOUR_CASES)
def test_equal_neighbours_equal_the_python_reference(data: bytes) -> None:
    assert agrees(data)


@pytest.mark.parametrize(
    ("runs", "words", "phrase"),
    [
        (["a", "b"], set(), False),
        (["a", "a"], {"a"}, False),
        (["the", "court", "the", "court"], {}, True),
        (["x", "court", "y", "court"], set(), False),
        (["thecourt", "xy", "court", "xy"], set(), True),
    ],
)
def test_the_python_reference(runs: list[str], words: set[str], phrase: bool) -> None:
    assert mark_scan.equal_neighbours_python(runs) == (set(words), phrase)


@pytest.mark.parametrize(
    ("data", "word_starts", "phrase_starts"),
    [
        (b"a b", [], []),
        (b"food food", [0], []),
        (b"x  ab ab ab", [3, 6], []),
        (b"the court the court", [], [0]),  # the match starts len(runs[2]) before the end of runs[0]
        (b"thecourt xy court xy", [], [3]),
        (b"a b a b a b", [], [0, 2, 4]),
        (b"a\tb\nb", [2], []),
        (b"  lead lead  ", [2], []),
    ],
)
def test_the_python_positions(data: bytes, word_starts: list[int], phrase_starts: list[int]) -> None:
    assert mark_scan.equal_neighbour_positions_python(data) == (word_starts, phrase_starts)


#: run bytes as run_bytes gives them (a few letters, the apostrophe stand-in, blanks) and any byte
_runs = st.lists(st.sampled_from([b"a", b"b", b"ab", b"ba", b"aab", b"\x01", b"-", b"the", b"7"]), max_size=40).map(b" ".join)


@needs_kernel
@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        _runs, st.binary(max_size=60), st.lists(st.sampled_from([b"a", b" ", b"\t", b"\n", b"b", b"\x0b"]), max_size=40).map(b"".join)
    )
)
def test_equal_neighbours_on_any_bytes(data: bytes) -> None:
    assert agrees(data)


#: runs of 1 to 70 bytes (the kernel compares a run's length and first 8 bytes first, and reads 64 bytes at a time)
_long_runs = st.sampled_from([b"a", b"ab", b"aab", b"abcdefgh", b"abcdefghi", b"xbcdefghi", b"abcdefgh\x01", b"x" * 64, b"x" * 70, b"the"])
_blanks = st.sampled_from([b" ", b" ", b"  ", b"\t", b"\n ", b" " * 9, b" " * 64])


@needs_kernel
@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(_long_runs, _blanks), max_size=60).map(lambda pairs: b"".join(run + blank for run, blank in pairs)), st.booleans()
)
def test_equal_neighbours_across_blocks(data: bytes, trim: bool) -> None:
    data = data.rstrip() if trim else data  # (a run at the very end, or blanks)
    assert agrees(data)


@needs_kernel
@pytest.mark.parametrize("lead", range(52, 72))
def test_equal_neighbours_at_the_edges_of_blocks(lead: int) -> None:
    for tail in [b" ab ab", b"ab ab", b" abcdefghi abcdefghi", b" the court x the court", b" ab abc", b" abcdefghi abcdefghj", b" ab"]:
        for data in [b"x" * lead + tail, b"q " * (lead // 2) + tail, b"x" * lead + tail + b" " + b"y" * 70]:
            assert agrees(data)


@needs_kernel
def test_equal_neighbours_keeps_no_reference_and_leaks_no_memory() -> None:
    assert_no_leak(mark_scan._kernel.equal_neighbours, b"the court the court food food " * 50, lambda: None)  # type: ignore[union-attr]
    assert_no_leak(lambda data: mark_scan._kernel.equal_neighbours(data, True), b"the court the court food food " * 50, lambda: None)  # type: ignore[union-attr]


@needs_kernel
def test_equal_neighbours_takes_bytes_only() -> None:
    with pytest.raises(TypeError):
        mark_scan._kernel.equal_neighbours("the the")  # type: ignore[union-attr]


def _repeats(text: str) -> list:
    return list(garble.repeated_words(DocContext(text), LazySegmentation(text), {}))


@pytest.mark.parametrize(
    "text",
    [
        "The food food was good.",
        "He said the court, the court ruled.",
        "It had had an effect; Walla Walla is a town.",
        "Don’t don’t stop. 10 10 times.",
        "A b a b a b c.",
        "No repeats in this sentence at all.",
    ],
)
def test_repeated_words_find_the_same_on_either_gate(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    found = _repeats(text)
    monkeypatch.setattr(garble, "equal_neighbours", expected)
    assert _repeats(text) == found


# -- RunFilter: the distinct words but the skipped ones ------------------------------------

SKIP = ["the", "a", "of", "and", "café", "x" * 40, "x" * 15, "x" * 16, "abcdefghijklmno", "abcdefghijklmnop", "a\x00", "\x00"]
DISTINCT_CASES = [
    b"",
    b"   ",
    b"the",
    b"the cat the cat a dog",
    b"a\tb\nc\rd\x0be\x0cf",
    b"a\x1cb\x1dc\x1ed\x1fe",  # str.split() splits on these too (bytes.split() does not)
    b"theirs them the",  # prefixes and extensions of a skipped word are kept
    b"x" * 40 + b" " + b"x" * 39 + b" " + b"x" * 41,
    b"caf the caf",
    b" ".join(b"w%d" % k for k in range(5000)),  # the table grows many times
    b"A The THE the",  # case-sensitive, as the set difference is
    # the kernel holds a run of up to 15 bytes (none NUL) as two integers, and reads 16 bytes at a time
    b"abcdefghijklmn abcdefghijklmno abcdefghijklmnop abcdefghijklmnopq abcdefgh abcdefghi",
    b"a\x00 a the\x00 \x00the \x00 \x00\x00 a",
    b"x" * 15 + b" " + b"x" * 16 + b" " + b"x" * 17 + b" " + b"x" * 15,
    b"abcdefghijklmno",
    b"  abcdefghijklmnop",
]


def reference_distinct(skip: list[str], data: bytes) -> set[str]:
    return set(data.decode("ascii").split()) - set(skip)


@needs_kernel
@pytest.mark.parametrize("data", DISTINCT_CASES)
def test_run_filter_equals_the_python_reference(data: bytes) -> None:
    assert mark_scan._kernel.RunFilter(SKIP).distinct(data) == reference_distinct(SKIP, data)  # type: ignore[union-attr]


@needs_kernel
@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "ab", "ba", "the", "", "é"]), max_size=6),
    st.one_of(
        st.lists(st.sampled_from([b"a", b"b", b"ab", b"ba", b"the", b" ", b"\t", b"\n"]), max_size=40).map(b"".join),
        st.binary(max_size=60).map(lambda b: bytes(c & 0x7F for c in b)),
    ),
)
def test_run_filter_on_any_ascii(skip: list[str], data: bytes) -> None:
    assert mark_scan._kernel.RunFilter(skip).distinct(data) == reference_distinct(skip, data)  # type: ignore[union-attr]


@needs_kernel
@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["the", "of", "x" * 15, "x" * 16, "x" * 17, "ab\x00", "\x00", "abcdefgh", "abcdefghi"]), max_size=6),
    st.lists(
        st.sampled_from([b"the", b"of", b"x" * 14, b"x" * 15, b"x" * 16, b"x" * 17, b"ab\x00", b"\x00", b"abcdefgh", b"abcdefghi", b"x"]),
        max_size=200,
    ).flatmap(
        lambda words: st.lists(st.sampled_from([b" ", b"  ", b"\t", b"\x1c", b"\n"]), min_size=len(words), max_size=len(words)).map(
            lambda gaps: b"".join(w + g for w, g in zip(words, gaps))
        )
    ),
)
def test_run_filter_on_long_data(skip: list[str], data: bytes) -> None:
    """Runs about as long as the ones the kernel holds whole, NUL in runs and skipped words, and data of hundreds of runs."""
    assert mark_scan._kernel.RunFilter(skip).distinct(data) == reference_distinct(skip, data)  # type: ignore[union-attr]
    assert mark_scan._kernel.RunFilter(skip).distinct(data.rstrip()) == reference_distinct(skip, data.rstrip())  # type: ignore[union-attr]


@needs_kernel
@pytest.mark.parametrize("offset", range(0, 40, 3))
def test_run_filter_refuses_non_ascii_anywhere_in_a_run(offset: int) -> None:
    data = b"the " + b"x" * offset + b"\xe9" + b"x" * 5 + b" of"
    with pytest.raises(ValueError, match="ASCII"):
        mark_scan._kernel.RunFilter(["the"]).distinct(data)  # type: ignore[union-attr]


@needs_kernel
def test_run_filter_tells_near_misses_from_skipped_words() -> None:
    """A full table has long probe chains: a word one letter off a skipped one, of the same length, is kept."""
    skip = [f"w{k:04d}" for k in range(3000)]
    near = b" ".join(b"w%03dx" % k for k in range(300)) + b" " + b" ".join(b"x%04d" % k for k in range(3000))
    assert mark_scan._kernel.RunFilter(skip).distinct(near) == reference_distinct(skip, near)  # type: ignore[union-attr]


@needs_kernel
@pytest.mark.parametrize("longs", [0, 1, 7, 8, 9, 300])
def test_run_filter_sizes_the_long_words_table_for_them_alone(longs: int) -> None:
    """The words of 16 bytes or more (or with NUL) have a table of their own, as small as their number allows: full or not, it skips them all."""
    skip = [f"w{k:03d}" for k in range(500)] + [f"longwordnumber{k:04d}" for k in range(longs)] + ["\x00"] * (longs > 0)
    data = b" ".join(b"longwordnumber%04d w%03d longwordnumbe%04d \x00" % (k, k, k) for k in range(310))
    assert mark_scan._kernel.RunFilter(skip).distinct(data) == reference_distinct(skip, data)  # type: ignore[union-attr]


@needs_kernel
def test_run_filter_refuses_what_it_cannot_take() -> None:
    with pytest.raises(ValueError, match="ASCII"):
        mark_scan._kernel.RunFilter([]).distinct(b"caf\xc3\xa9")  # type: ignore[union-attr]
    with pytest.raises(TypeError):
        mark_scan._kernel.RunFilter([b"the"])  # type: ignore[union-attr]
    with pytest.raises(TypeError):
        mark_scan._kernel.RunFilter(["the"]).distinct("the")  # type: ignore[union-attr]


@needs_kernel
def test_run_filter_keeps_no_reference_and_leaks_no_memory() -> None:
    words = [f"w{k}" for k in range(3000)]
    f = mark_scan._kernel.RunFilter(words)  # type: ignore[union-attr]
    assert_no_leak(f.distinct, b"the cat w1 sat on the mat w7 dog " * 40, lambda: mark_scan._kernel.RunFilter(words))  # type: ignore[union-attr]


def test_the_python_filter_is_the_reference() -> None:
    assert mark_scan.run_filter(SKIP)(b"the cat a dog") == {"cat", "dog"}


@pytest.mark.parametrize(
    "text",
    ["The cat, the dog and a café.", "naïve über straße the", "don’t “quote” — dash", "x1y2 z_z 3a", "", "İstanbul the ΣΑΣ"],
)
def test_letter_runs_with_a_skip_are_the_runs_less_the_skip(text: str) -> None:
    skip = RunSkip(SKIP)
    assert letter_runs(text, skip) == set(re.findall(r"[^\W\d_]+", text)) - set(SKIP)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("the cafab é’“—\n\t1_İ"), max_size=60))
def test_letter_runs_with_a_skip_on_any_text(text: str) -> None:
    assert letter_runs(text, RunSkip(SKIP)) == set(re.findall(r"[^\W\d_]+", text)) - set(SKIP)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("the cafab é’‘“—…\u00a0\x01'-_\n\t17İ"), max_size=60))
def test_letter_runs_from_the_run_bytes_are_the_same(text: str) -> None:
    """Given :func:`run_bytes` of the text (garble shares it per document), the runs are those of the text itself."""
    form = run_bytes(text)
    for skip in (None, RunSkip(SKIP)):
        assert letter_runs(text, skip, form) == letter_runs(text, skip)


@pytest.mark.parametrize(
    "text",
    [
        "The match was played und the crowd left.",
        "Il est de la ville, que the mayor said.",
        "Plain English news with nothing foreign in it at all.",
        "Die Präsident said the semana was long; l'erosione grew.",
    ],
)
def test_lower_runs_answer_every_question_the_full_runs_answer(text: str) -> None:
    """The detectors only intersect the runs with their word lists, or take the common words out: both unchanged."""
    full = letter_runs(text.lower())
    runs = garble.lower_runs(DocContext(text))
    assert runs <= full
    for words in (garble._FOREIGN_WORDS, garble._common_with_ending(), HINT_WORDS):
        assert words & runs == words & full
    assert uncommon_runs(runs) == uncommon_runs(full)


# -- common_hits: the commonest English words, counted as str.count counts them ------------

COMMON = ("the", "to", "of", "and", "a", "in", "that", "for", "is", "on", "was", "with")
COMMON_CASES = [
    "",
    " ",
    "the",
    "The cat sat on the mat.",
    " the the the ",  # str.count never overlaps: the second shares the first's space
    "the\nthe\tthe",  # a line break is a space, a tab is not
    "THE And A",  # upper case counts, as after str.lower()
    "İs \u212aa the",  # İ lowers to i + a combining dot; the Kelvin sign to k
    "thé the’s the—the “the”",
    "a  a   a",  # empty tokens between runs of spaces
    "with withwith that thatthe",
    "x" * 100 + " the",
    "the " * 5000,
    # blanks at the edges of the kernel's sixteen-character blocks, one- and two-byte
    *("x" * k + " the of a\nin" for k in range(12, 20)),
    *("x’" * k + " the\nthe that" for k in (6, 7, 8)),
]


@needs_kernel
@pytest.mark.parametrize("text", COMMON_CASES)
def test_common_hits_equal_the_python_reference(text: str) -> None:
    assert mark_scan._kernel.common_hits(text, COMMON) == mark_scan.common_hits_python(text, COMMON)  # type: ignore[union-attr]


_common_pieces = st.sampled_from(["the", "The", "a", "A", "and", "that", "is", " ", "  ", "\n", "\t", "İs", "\u212a", "é", "x", "’"])


@needs_kernel
@settings(max_examples=500, deadline=None)
@given(st.one_of(st.lists(_common_pieces, max_size=40).map("".join), st.text(max_size=80)))
def test_common_hits_on_any_text(text: str) -> None:
    assert mark_scan._kernel.common_hits(text, COMMON) == mark_scan.common_hits_python(text, COMMON)  # type: ignore[union-attr]


#: characters whose low byte is a space or a line break (the kernel narrows 2-byte text to bytes, with saturation, to find them)
_near_spaces = st.sampled_from(["\u0120", "\u010a", "\u8020", "\u800a", "\uff20", "\x85", "\xa0", "\u2028"])


@needs_kernel
@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_common_pieces, _common_pieces, _near_spaces), min_size=20, max_size=300).map("".join))
def test_common_hits_on_long_texts(text: str) -> None:
    """Hundreds of pieces: the kernel looks for the spaces sixteen characters at a time."""
    assert mark_scan._kernel.common_hits(text, COMMON) == mark_scan.common_hits_python(text, COMMON)  # type: ignore[union-attr]


@needs_kernel
@pytest.mark.parametrize(
    ("words", "error"),
    [(("The",), ValueError), (("",), ValueError), (("x" * 16,), ValueError), (("café",), ValueError), ((b"the",), TypeError)],
)
def test_common_hits_refuses_words_it_cannot_count(words: tuple, error: type[Exception]) -> None:
    with pytest.raises(error):
        mark_scan._kernel.common_hits("the", words)  # type: ignore[union-attr]


#: words of every length the keyed walk takes (eight letters at most), and one beyond it (the walk with branches)
KEYED_WORDS = ("a", "of", "the", "like", "which", "before", "between", "whatever")
LONG_WORDS = ("the", "of", "a", "yesterday")
#: characters that fold, or narrow to a byte, near a word's letters: two-byte ones whose low byte is a letter,
#: one whose low byte is a blank, the Kelvin sign (k), one-byte ones whose byte ORed with 0x20 is a letter's
#: only for its capital (0x41-0x5a), a NUL, and the longest words next to their one-letter-longer neighbours
KEYED_CASES = [
    "\u0174he \u8074he the\u0100 \u0161 \u0141 \u2161",
    "\u212aa the whatever WHATEVER whateverr whateve",
    "ÿÿÿÿÿÿÿÿ ÿÿÿÿÿÿÿ the",
    "\x00he t\x00e the\x00 @he [he ^he",
    "Between between betwee betweens BETWEEN\u212a",
    *(" " * k + "whatever of a" for k in range(0, 10)),  # the last tokens within eight characters of the end
    *("\u2019" + " " * k + "whatever of\u212a a" for k in range(0, 10)),
    "a a a of of the the the that that which",
    "li\u212ae LI\u212aE \u212alike like\u212a the li\u212ae",  # the Kelvin sign folds to k: "li\u212ae" is "like"
]


@needs_kernel
@pytest.mark.parametrize("words", [KEYED_WORDS, LONG_WORDS, COMMON])
@pytest.mark.parametrize("text", KEYED_CASES + COMMON_CASES)
def test_common_hits_keyed_and_branching_walks_equal_the_reference(text: str, words: tuple[str, ...]) -> None:
    assert mark_scan._kernel.common_hits(text, words) == mark_scan.common_hits_python(text, words)  # type: ignore[union-attr]
    for threshold in (0.0, 0.1, 0.25, 0.5):
        for strict in (False, True):
            assert mark_scan._kernel.common_hits(text, words, threshold, strict) == mark_scan.common_hits_python(
                text, words, threshold, strict
            )  # type: ignore[union-attr]


@needs_kernel
def test_common_hits_with_word_tuples_taking_turns() -> None:
    """The kernel keeps the tables of the last two tuples: three taking turns each evict one, and every count stays right."""
    text = "The cat of the yesterday which was a whatever, like THE of A"
    for words in [COMMON, KEYED_WORDS, COMMON, LONG_WORDS, KEYED_WORDS, COMMON, (*KEYED_WORDS[:3],), LONG_WORDS] * 2:
        assert mark_scan._kernel.common_hits(text, words) == mark_scan.common_hits_python(text, words)  # type: ignore[union-attr]


_keyed_pieces = st.sampled_from([*KEYED_WORDS, "yesterday", "Which", "WHATEVER", " ", "\n", "\u212a", "\u0174", "ÿ", "\x00", "@", "x"])


@needs_kernel
@settings(max_examples=300, deadline=None)
@given(st.lists(_keyed_pieces, max_size=60).map("".join), st.sampled_from([KEYED_WORDS, LONG_WORDS]))
def test_common_hits_keyed_walk_on_any_text(text: str, words: tuple[str, ...]) -> None:
    assert mark_scan._kernel.common_hits(text, words) == mark_scan.common_hits_python(text, words)  # type: ignore[union-attr]


@needs_kernel
def test_common_hits_keeps_no_reference_and_leaks_no_memory() -> None:
    assert_no_leak(lambda t: mark_scan._kernel.common_hits(t, COMMON), "The cat and the dog of a man. " * 50, lambda: None)  # type: ignore[union-attr]


# -- common_hits with a threshold: counted only until the share of common words reaches it ---------


def _reaches(spaces_hits: tuple[int, int], threshold: float, strict: bool) -> bool:
    """Whether (spaces, hits) puts the share at the threshold or above it (above, when strict)."""
    spaces, hits = spaces_hits
    return hits / spaces > threshold or (not strict and hits / spaces == threshold)


#: those words, blanks, and what str.lower treats specially near them
_COMMON_ALPHABET = [
    "the",
    "of",
    "and",
    "a",
    "to",
    "in",
    "THE",
    "Of",
    " ",
    "  ",
    "\n",
    "\t",
    "x",
    "İ",
    "K",
    "\u212a",
    "ǅ",
    "é",
    "ß",
    "\U0001f600",
]

THRESHOLD_CASES = [
    ("", 0.0, False),  # no hits, two spaces: 0 == 0, reached before any word
    ("", 0.0, True),
    ("the the the", 0.12, True),  # the second "the" shares the first's space
    ("The cat and the dog sat in a box", 0.12, True),
    ("the\nof\n\nand  a", 0.5, False),  # line breaks count as blanks
    ("theof andthe", 0.0, True),
    ("ǅa İn the", 0.2, True),  # two-byte text; İ lowers to two characters, never "in"
    ("\u212athe the", 0.2, False),  # the Kelvin sign lowers to k
    ("a \U0001f600 a", 0.3, True),  # four-byte text
    ("a a", 0.33, False),  # one hit of three blanks: the second "a" shares the first's space
    ("the " * 5000, 0.12, True),  # 2,501 hits of 5,002 blanks: the count stops at 601
    ("the cat", -1.0, True),  # reached with no hit
    ("the the", 2.0, False),  # never reached: the full count
    ("the of and", float("nan"), False),  # no share reaches NaN: the full count
    ("the of and", float("inf"), False),
    ("the of and a in " * 40, 0.1, False),  # a share the count reaches at 1/10 of the blanks
    ("the " * 3 + "x " * 7, 0.25, False),  # 3 / 12 == 0.25 exactly: reached when not strict
    ("the " * 3 + "x " * 7, 0.25, True),
]


@needs_kernel
@pytest.mark.parametrize(("text", "threshold", "strict"), THRESHOLD_CASES)
def test_common_hits_with_a_threshold_equal_the_python_reference(text: str, threshold: float, strict: bool) -> None:
    counted = mark_scan._kernel.common_hits(text, COMMON, threshold, strict)  # type: ignore[union-attr]
    assert counted == mark_scan.common_hits_python(text, COMMON, threshold, strict)
    assert _reaches(counted, threshold, strict) == _reaches(mark_scan.common_hits_python(text, COMMON), threshold, strict)


@pytest.mark.parametrize(("text", "threshold", "strict"), THRESHOLD_CASES)
def test_the_python_reference_stops_where_the_share_is_reached(text: str, threshold: float, strict: bool) -> None:
    spaces, full = mark_scan.common_hits_python(text, COMMON)
    assert mark_scan.common_hits_python(text, COMMON, threshold, strict) == (
        spaces,
        min([full] + [k for k in range(full + 1) if _reaches((spaces, k), threshold, strict)]),
    )


@needs_kernel
@given(
    st.lists(st.sampled_from(_COMMON_ALPHABET), max_size=40).map("".join) | st.text(max_size=30),
    st.sampled_from([0.0, 0.05, 0.1, 0.12, 0.2, 0.25, 1 / 3, 0.5, 1.0, 1e-9, 1 + 1e-9]),
    st.booleans(),
)
@settings(max_examples=500, deadline=None)
def test_common_hits_with_a_threshold_on_any_text(text: str, threshold: float, strict: bool) -> None:
    counted = mark_scan._kernel.common_hits(text, COMMON, threshold, strict)  # type: ignore[union-attr]
    assert counted == mark_scan.common_hits_python(text, COMMON, threshold, strict)
    assert _reaches(counted, threshold, strict) == _reaches(mark_scan.common_hits_python(text, COMMON), threshold, strict)


@given(st.lists(st.sampled_from(_COMMON_ALPHABET), max_size=40).map("".join), st.booleans())
@settings(max_examples=300, deadline=None)
def test_common_ratio_reaches_is_the_full_count(text: str, strict: bool) -> None:
    from scrubber.kinds import language

    assert language.common_ratio_reaches(text, 0.12, strict) == _reaches(mark_scan.common_hits_python(text, COMMON), 0.12, strict)


@needs_kernel
@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda k: k.common_hits(b"the", ("the",), 0.1, False), TypeError),  # text must be str
        (lambda k: k.common_hits("the", ["the"], 0.1, False), TypeError),  # words must be a tuple
        (lambda k: k.common_hits("the", ("The",), 0.1, False), ValueError),  # lower-case ASCII letters only
        (lambda k: k.common_hits("the", ("",), 0.1, False), ValueError),
        (lambda k: k.common_hits("the", ("the", "the"), 0.1, False), ValueError),  # distinct
        (lambda k: k.common_hits("the", ("a",) * 33, 0.1, False), ValueError),
        (lambda k: k.common_hits("the", ("the",), "0.1", False), TypeError),  # the threshold is a number (or None)
    ],
)
def test_common_hits_with_a_threshold_refuses_bad_arguments(call, error: type[Exception]) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error):
        call(mark_scan._kernel)


@needs_kernel
def test_common_hits_counts_the_words_it_is_given_each_time() -> None:
    """The kernel keeps the last tuple's words checked: another tuple (even of equal words) is read afresh."""
    text = "the cat and a dog of the town"
    for words in (COMMON, ("cat", "dog"), tuple(list(COMMON)), ("town",), COMMON):
        assert mark_scan._kernel.common_hits(text, words) == mark_scan.common_hits_python(text, words)  # type: ignore[union-attr]
    with pytest.raises(ValueError):
        mark_scan._kernel.common_hits(text, ("cat", "Dog"))  # type: ignore[union-attr]
    assert mark_scan._kernel.common_hits(text, ("cat", "dog")) == (9, 2)  # type: ignore[union-attr]


@needs_kernel
def test_common_hits_with_a_threshold_leaks_nothing() -> None:
    assert_no_leak(lambda t: mark_scan._kernel.common_hits(t, COMMON, 0.12, True), "the mayor of the town", lambda: None)  # type: ignore[union-attr]


@pytest.mark.parametrize("text", COMMON_CASES[:10])
@pytest.mark.parametrize("threshold", [0.0, 0.1, 0.2, 0.25, 1 / 3, 0.5])
def test_the_ratio_test_is_the_same_on_either_count(text: str, threshold: float, monkeypatch: pytest.MonkeyPatch) -> None:
    from scrubber.kinds import language

    compiled = [language.common_ratio_reaches(text, threshold, strict) for strict in (False, True)]
    monkeypatch.setattr(language, "COMMON_HITS_COMPILED", False)
    monkeypatch.setattr(language, "common_hits", mark_scan.common_hits_python)
    assert [language.common_ratio_reaches(text, threshold, strict) for strict in (False, True)] == compiled


# -- run_form: a document's run bytes and its letters in one pass ---------------------------------

RUN_FORM_CASES = [
    "",
    "Plain ASCII, with 2 numbers_and-dashes and it's",
    "Curly “quotes” ‘single’ don’t — dash – dash… «guillemets» • dot · nbsp\u00a0here",
    "A stand-in \x01 refuses the fast path",
    "café: a letter beyond ASCII refuses it",
    "日本 too",
    "\x00\x7f\t\n\r ~`!@#$%^&*()[]{}<>?/\\|",
    "ŁÓDŹ",
    "emoji 😀",
    "UPPER lower MiXeD ’’ ’",
]


def reference_run_form(text: str) -> tuple[bytes, bytes] | None:
    fast = run_bytes(text)
    if fast is None:
        return None
    return fast.lower(), fast.lower().translate(wordruns._LETTER_BYTES)


@pytest.mark.skipif(garble._run_form() is None, reason="the compiled kernel is not built or is switched off")
@pytest.mark.parametrize("text", RUN_FORM_CASES)
def test_run_form_equals_run_bytes_lowered(text: str) -> None:
    assert garble._run_form()(text) == reference_run_form(text)  # type: ignore[misc]


@pytest.mark.skipif(garble._run_form() is None, reason="the compiled kernel is not built or is switched off")
@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([*"aZ9_'-’ \t\n.,\x01\x00é日😀", *wordruns._SEPARATORS, "the", "The"]), max_size=40).map("".join))
def test_run_form_on_any_text(text: str) -> None:
    assert garble._run_form()(text) == reference_run_form(text)  # type: ignore[misc]


@pytest.mark.parametrize("text", RUN_FORM_CASES)
def test_lower_runs_and_bytes_equal_the_python_forms(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """What garble reads of the forms, from the kernel's pass or from run_bytes and letter_runs."""
    found = (garble.lower_run_bytes(DocContext(text)), garble.lower_runs(DocContext(text)))
    monkeypatch.setattr(garble, "_run_form", lambda: None)
    assert (garble.lower_run_bytes(DocContext(text)), garble.lower_runs(DocContext(text))) == found


@needs_kernel
def test_run_form_refuses_bad_tables() -> None:
    with pytest.raises(ValueError):
        mark_scan._kernel.run_form("x", {}, "\x01", b"x" * 10, b"x" * 256)  # type: ignore[union-attr]
    with pytest.raises(ValueError):
        mark_scan._kernel.run_form("x", {"a": "b"}, "\x01", b"x" * 256, b"x" * 256)  # type: ignore[union-attr]
    with pytest.raises(ValueError):
        mark_scan._kernel.run_form("x", {"é": "é"}, "\x01", b"x" * 256, b"x" * 256)  # type: ignore[union-attr]


@needs_kernel
def test_run_form_keeps_no_reference_and_leaks_no_memory() -> None:
    replace = {"’": "\x01", "“": " "}
    table = bytes(range(256))
    assert_no_leak(lambda t: mark_scan._kernel.run_form(t, replace, "\x01", table, table), "don’t “x” " * 50, lambda: None)  # type: ignore[union-attr]
    assert_no_leak(lambda t: mark_scan._kernel.run_form(t, replace, "\x01", table, table), "café " * 50, lambda: None)  # type: ignore[union-attr]
