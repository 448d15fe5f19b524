"""The compiled word-pair scan gives exactly what the Python scan gives (scrubber/kinds/_word_pairs_kernel.c).

The Python scan (:meth:`PairModel._lowest_run_python`) is the reference: the
kernel must return the same words count and the same lowest run to the last
bit, on any text. The comparisons are skipped where the kernel is not built
(no C compiler when the package was installed); CI builds it.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kernel_checks import assert_no_leak

from scrubber.kinds import word_pairs
from scrubber.kinds.word_pairs import PairModel, pair_model

needs_kernel = pytest.mark.skipif(
    word_pairs._kernel is None, reason="the compiled word-pair kernel is not built (no C compiler at install)"
)


def exact(result: tuple[float, int]) -> tuple[str, int]:
    """The result with its float as its exact bits (``-0.0`` and ``0.0`` differ)."""
    lowest, n = result
    assert type(lowest) is float and type(n) is int
    return lowest.hex(), n


@pytest.fixture(scope="module")
def scanner() -> object:
    return pair_model().kernel()


#: words of 8, 9, 16 and 17 characters: the kernel holds an ASCII word of up to 16 in its table slot, in two 8-byte halves
EDGE_LENGTH_WORDS = ["abcdefgh", "abcdefghi", "abcdefghijklmnop", "abcdefghijklmnopq"]


def small_model() -> PairModel:
    """A made-up model whose words hold what the real one's lack: non-ASCII letters (all three str kinds), an apostrophe, NUL, DEL, long words."""
    ranked = ["the", "of", "café", "日本", "𝔘𝔫𝔦", "didn't", "\0", "a", "word", *EDGE_LENGTH_WORDS, "x\x7fy", "a\0b"]
    log_count = [0.0, 3.5, 3.1, -1.25, -2.0, -3.75, 0.5, 1.0, 2.9, -0.3, 1.5, -1.5, 2.5, -2.5, 0.25, 0.75]
    ids = {w: i for i, w in enumerate(ranked, start=1)}
    pairs = {
        ("of", "the"): 1.35,
        ("the", "café"): 1.35,
        ("日本", "𝔘𝔫𝔦"): 2.42,
        ("\0", "a"): 0.6,
        ("a", "word"): -6.84,
        ("abcdefgh", "abcdefghijklmnop"): 3.0,
        ("abcdefghijklmnopq", "the"): -4.73,
        ("x\x7fy", "abcdefghi"): -2.14,
    }
    attested = {ids[x] << word_pairs._SHIFT | ids[y]: w for (x, y), w in pairs.items()}
    return PairModel(ranked, log_count, attested)


ASCII_CASES = [
    "",
    " ",
    ".",
    ".,;:!?",
    '"()[]{}<>.,;:!?*/|',
    "the",
    "of the",
    "the council said, the court",
    "The court of Appeal met in 2019 to rule on a to-do list",
    "Tuesday the to on old voted council the close library and a build new one the near station.",
    "of the of the of the of the of the of the of the of the",
    "the\x00of\x00the",
    "the\x1cof\x1dthe\x1eof\x1fthe",
    "the\tof\nthe\rof\x0bthe\x0cof",
    "didn't the won't of",
    "a new the new the",  # "new the": unattested, PMI below the lowest bin
    "thethethethethethethethethethethethethethe of the",
    "  leading and trailing spaces  ",
]
NON_ASCII_CASES = [
    "he said “the court” will rule",
    "he didn’t say ‘the’ — it was – the…of",
    "«the» of the",
    "the\x85of\xa0the",  # 1-byte kind: NEL and NO-BREAK SPACE are whitespace
    "café of the naïve",
    "the\u2028of\u2029the\u3000of\u202fthe\u205fof\u1680the\u2000of\u200athe",  # 2-byte kind whitespace
    "the\u200bof the\ufeffof",  # ZERO WIDTH SPACE and BOM are not whitespace: they glue words
    "the of 😀 the of the 😀of",  # 4-byte kind
    "日本 the of 𝔘𝔫𝔦 the",
    "lone \ud800 surrogate the of",
    "“”‘’—–…",
]


@needs_kernel
@pytest.mark.parametrize("text", ASCII_CASES + NON_ASCII_CASES)
def test_kernel_equals_python(scanner: object, text: str) -> None:
    assert exact(scanner.lowest_run(text)) == exact(pair_model()._lowest_run_python(text))  # type: ignore[attr-defined]


@needs_kernel
@pytest.mark.parametrize(
    "text",
    [
        *ASCII_CASES,
        *NON_ASCII_CASES,
        "the café of 日本𝔘𝔫𝔦 日本 𝔘𝔫𝔦 didn’t the",
        "the.a word. a\0a word",
        "abcdefgh abcdefghijklmnop abcdefghijklmnopq the abcdefghi x\x7fy abcdefghi a\0b the",
        "abcdefg abcdefghij abcdefghijklmno abcdefghijklmnopqr abcdefghijklmnopq. the",
    ],
)
def test_kernel_equals_python_on_other_models(text: str) -> None:
    """Nothing of the real model's word list is built in: non-ASCII words and a NUL word match as in Python."""
    model = small_model()
    assert exact(model.kernel().lowest_run(text)) == exact(model._lowest_run_python(text))


@needs_kernel
@pytest.mark.parametrize(
    "text",
    [
        "of the " * 200_000,  # 1.4 million characters, 400,000 words
        "the " + "x" * 1_000_000 + " of the",  # one word of a million characters
        "é" * 100_000 + " of the of",
        "the of\u3000" * 50_000 + "😀",
    ],
    ids=["many-words", "huge-word", "latin-1", "ucs4"],
)
def test_kernel_equals_python_on_huge_texts(scanner: object, text: str) -> None:
    assert exact(scanner.lowest_run(text)) == exact(pair_model()._lowest_run_python(text))  # type: ignore[attr-defined]


common = st.sampled_from(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "said",
        "court",
        "was",
        "new",
        "for",
        "on",
        "that",
        "is",
        "it",
        "by",
        "not",
        "be",
        "have",
        "rule",
        "would",
        "their",
        "this",
        "from",
        "which",
        "didn't",
        "don’t",
        "to-do",
        "it's",
    ]
)
other_words = st.sampled_from(["The", "Court", "Mayor", "OF", "2019", "3rd", "café", "naïve", "Zürich", "straße", "日本", "𝔘𝔫𝔦", "x" * 30])
marks = st.sampled_from([*word_pairs._MARKS, "\0", "'", "-", "...", "’’", "''"])
spaces = st.sampled_from([" ", " ", " ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\xa0"])
wide_spaces = st.sampled_from(
    ["\u1680", "\u2000", "\u2009", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\u200b", "\ufeff"]
)
pieces = st.one_of(common, common, common, other_words, marks, spaces, spaces, wide_spaces, st.characters(), st.just("\ud800"))
texts = st.lists(pieces, max_size=80).map("".join)


@needs_kernel
@settings(max_examples=1000, deadline=None)
@given(texts)
def test_kernel_equals_python_on_any_text(scanner: object, text: str) -> None:
    assert exact(scanner.lowest_run(text)) == exact(pair_model()._lowest_run_python(text))  # type: ignore[attr-defined]


@needs_kernel
@settings(max_examples=300, deadline=None)
@given(st.text())
def test_kernel_equals_python_on_arbitrary_unicode(scanner: object, text: str) -> None:
    assert exact(scanner.lowest_run(text)) == exact(pair_model()._lowest_run_python(text))  # type: ignore[attr-defined]


@needs_kernel
@pytest.mark.parametrize("after", ["", " ", "A", "1", "'", "’", "é", "-", "ß", "日", "😀", ".", "\u3000"])
def test_runs_of_lower_case_letters(scanner: object, after: str) -> None:
    """The kernel reads up to 16 lower-case letters at once at a word's start: runs of 1 to 20, then whatever follows, near the end and not."""
    model = pair_model()
    common_of_each_length = {len(w): w for w in reversed(model.words[1:]) if w.isalpha() and w.islower()}  # the commonest of each length
    for length in range(1, 21):
        for word in ["abcdefghijklmnopqrst"[:length], "of" * length, common_of_each_length.get(length, "x")]:
            for text in [f"the {word}{after} of the", f"of {word}{after}", f"{word}{after}" + " the of" * 5, f"{word} {word}{after} and"]:
                assert exact(scanner.lowest_run(text)) == exact(model._lowest_run_python(text))  # type: ignore[attr-defined]
    assert {9, 12, 15, 16} <= common_of_each_length.keys()


small_pieces = st.one_of(
    st.sampled_from(["the", "of", "café", "日本", "𝔘𝔫𝔦", "didn't", "didn’t", "a", "word", *EDGE_LENGTH_WORDS, "x\x7fy", "The"]),
    marks,
    spaces,
    wide_spaces,
)


@needs_kernel
@settings(max_examples=300, deadline=None)
@given(st.lists(small_pieces, min_size=50, max_size=600).map(" ".join))
def test_kernel_equals_python_across_chunks(text: str) -> None:
    """Texts of hundreds of words: the kernel reads them a chunk of 64 words at a time, and a run of pairs crosses the chunks."""
    model = small_model()
    assert exact(model.kernel().lowest_run(text)) == exact(model._lowest_run_python(text))


@needs_kernel
@settings(max_examples=200, deadline=None)
@given(st.lists(pieces, min_size=100, max_size=800).map("".join))
def test_kernel_equals_python_on_long_texts(scanner: object, text: str) -> None:
    assert exact(scanner.lowest_run(text)) == exact(pair_model()._lowest_run_python(text))  # type: ignore[attr-defined]


@needs_kernel
def test_the_kernel_runs_when_built() -> None:
    assert word_pairs.scan_implementation() == "compiled kernel" or word_pairs.FORCED_PURE
    model = pair_model()
    assert model._lowest_run("of the of") == model._lowest_run_python("of the of")


@needs_kernel
def test_the_real_model_takes_the_plain_scan(scanner: object) -> None:
    """Every word of the real model is a-z: the kernel's plain scan runs on it, and the made-up model (non-ASCII words, NUL) takes the general one."""
    assert scanner.plain  # type: ignore[attr-defined]
    assert not small_model().kernel().plain  # type: ignore[union-attr]
    plain_small = PairModel(["the", "of", "abcdefghijklmnopq"], [0.0, 3.5, 3.1, -1.0], {1 << word_pairs._SHIFT | 2: 1.35})
    assert plain_small.kernel().plain  # type: ignore[union-attr]
    for text in ["the of the", "of the abcdefghijklmnopq the of zebra of", "abcdefghijklmnopq of. the of", "of the\0of", "“of” the of"]:
        assert exact(plain_small.kernel().lowest_run(text)) == exact(plain_small._lowest_run_python(text))  # type: ignore[union-attr]


@needs_kernel
@pytest.mark.parametrize("wide", ["", "“"], ids=["1-byte", "2-byte"])
def test_words_at_the_edges_of_blocks(scanner: object, wide: str) -> None:
    """The plain scan reads 64 characters at a time: words of 1 to 21 letters that start, cross or end at a block's edge,
    followed by a space, a mark, a capital, an apostrophe, a letter beyond ASCII or the text's end."""
    model = pair_model()
    by_length = {len(w): w for w in reversed(model.words[1:])}  # the commonest word of each length (none of 21)
    words = [by_length.get(length, "x" * length) for length in range(1, 22)] + ["The", "didn't", "café"]
    lead = wide + "of the said that it was " * 8
    for start in range(52, 70):
        for word in words:
            for after in [" ", ".", "\n", "A", "'", "é", "\u3000", ""]:
                for text in [f"{lead[:start]} {word}{after} of the", f"{lead[:start]}{word}{after}", f"{lead[:start]} {word}{after}the"]:
                    assert exact(scanner.lowest_run(text)) == exact(model._lowest_run_python(text)), text  # type: ignore[attr-defined]


@needs_kernel
def test_the_scan_keeps_no_reference_and_leaks_no_memory(scanner: object) -> None:
    assert_no_leak(scanner.lowest_run, "the court said, of the the of “the” rule 😀 " * 20, lambda: small_model().kernel())  # type: ignore[attr-defined]


@needs_kernel
@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"log_count": [0.0, float("nan")]}, ValueError),
        ({"unattested": (1.0,)}, ValueError),
        ({"replace": {"’": "''"}}, ValueError),
        ({"ids": {"the": 5}}, ValueError),  # an id beyond the log counts
        ({"weights": {1: 1}}, TypeError),
        ({"shift": 0}, ValueError),
    ],
)
def test_a_bad_table_is_refused(change: dict, error: type[Exception]) -> None:
    args = {
        "ids": {"the": 1},
        "log_count": [0.0, 1.0],
        "weights": {},
        "replace": {},
        "marks": ".",
        "log_floor": 15.0,
        "unattested": word_pairs.UNATTESTED_WEIGHTS,
        "bins": word_pairs.UNATTESTED_BINS,
        "shift": word_pairs._SHIFT,
    }
    word_pairs._kernel.Scanner(**args)  # type: ignore[union-attr]
    with pytest.raises(error):
        word_pairs._kernel.Scanner(**{**args, **change})  # type: ignore[union-attr]


@needs_kernel
def test_only_a_str_is_scanned(scanner: object) -> None:
    with pytest.raises(TypeError, match="needs a str"):
        scanner.lowest_run(b"the of")  # type: ignore[attr-defined]


def test_without_the_kernel_the_python_scan_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(word_pairs, "_kernel", None)
    model = small_model()
    assert model.kernel() is None
    assert model._scan == model._lowest_run_python
    assert word_pairs.scan_implementation() == "pure Python (the compiled kernel is not built)"


def test_the_variable_forces_the_python_scan() -> None:
    code = "from scrubber.kinds import word_pairs as w; m = w.pair_model(); print(w.scan_implementation(), m._scan == m._lowest_run_python)"
    env = {**os.environ, word_pairs.PURE_PYTHON_VARIABLE: "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "pure Python (SCRUBBER_PURE_PYTHON is set) True"
