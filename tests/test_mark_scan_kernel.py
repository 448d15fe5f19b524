"""The compiled candidate scan finds every place the Python scans find (scrubber/kinds/_mark_scan_kernel.c).

The kernel only proposes positions; ``garble.stray-punctuation`` and
``garble.word-order`` run their exact patterns at each one. So their findings
stay the patterns' findings as long as the kernel's candidates hold every
position the pure Python scans find (:data:`garble._STRAY_SCANS`, and every
position where :data:`garble._WORD_ORDER_SCAN` matches). Each case checks
that superset property and that the detectors find exactly what they find
on the Python scans. Skipped where the kernel is not built (no C compiler
when the package was installed); CI builds it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kernel_checks import assert_no_leak

from scrubber import default_engine
from scrubber.kinds import garble, mark_scan, word_pairs
from scrubber.kinds.base import DocContext
from scrubber.text import LazySegmentation, beyond_ascii_of, beyond_ascii_python, paragraph_spans, paragraph_spans_python

needs_kernel = pytest.mark.skipif(mark_scan._kernel is None, reason="the compiled mark-scan kernel is not built (no C compiler at install)")


@pytest.fixture(scope="module")
def scanner() -> object:
    return mark_scan._kernel.Scanner(**garble._mark_scan_tables())  # type: ignore[union-attr]


def python_stray(text: str) -> set[int]:
    return set(garble._stray_scan_positions(text))


def python_order(text: str, every: bool = True) -> set[int]:
    """Where the word-order scan matches: at every position (``every``), or where ``finditer`` finds it (for huge texts)."""
    if every:
        return {p for p in range(len(text)) if garble._WORD_ORDER_SCAN.match(text, p)}
    return {m.start() for m in garble._WORD_ORDER_SCAN.finditer(text)}


def findings(text: str) -> tuple[list, ...]:
    ctx, seg = DocContext(text), LazySegmentation(text)
    return (
        list(garble.stray_punctuation(ctx, seg, {})),
        list(garble.word_order(ctx, seg, {})),
        list(garble.word_order(ctx, seg, {"min_hits": 2})),
        list(garble.tokenized(ctx, seg, {})),
        list(garble.space_before_quote(ctx, seg, {})),
        list(garble.orphan_punctuation(ctx, seg, {})),
        list(garble.lowercase_start(ctx, seg, {})),
        list(garble.after_closing_quote(ctx, seg, {})),
        list(garble.unbalanced_quotes(ctx, seg, {})),
        [m.span() for m in garble._elision_matches(text)],
    )


def check(scanner: object, text: str, monkeypatch: pytest.MonkeyPatch, every: bool = True) -> None:
    """The kernel's candidates hold the Python scans' positions, and the detectors find the same on either scan."""
    found = scanner.scan(text)  # type: ignore[attr-defined]
    stray, order, blank_mark, space_quote, lower_stop, quote_lower, marks, bracket_blank, nt, elision, lower_start, present = found
    assert present == sum(1 << k for k, positions in enumerate(found[:-1]) if positions)
    assert stray == sorted(set(stray)) and order == sorted(set(order))
    assert python_stray(text) <= set(stray)
    assert python_order(text, every) <= set(order)
    # the hints are exact: the same positions as the regex scans, in order
    assert blank_mark == [m.start() for m in garble._TOKENIZED_HINTS[0].finditer(text)]
    assert space_quote == [m.start() for m in garble._SPACE_QUOTE_HINT.finditer(text)]
    assert lower_stop == [m.start() for m in garble._LOWER_HINT.finditer(text)]
    assert quote_lower == [m.start() for m in garble._AFTER_QUOTE_HINT.finditer(text)]
    assert marks == [i for i, _ in garble._marks(text, 0, len(text))]
    assert bracket_blank == sorted(m.start() for scan in garble._TOKENIZED_HINTS[1:3] for m in scan.finditer(text))
    assert nt == sorted(m.start() for scan in garble._TOKENIZED_HINTS[3:] for m in scan.finditer(text))
    assert elision == sorted(m.start() for scan in garble._ELISION_HINTS for m in scan.finditer(text))
    assert lower_start == [start for start, _ in paragraph_spans(text) if text[start].islower()]
    kernel = mark_scan.MarkScan(scanner)
    with monkeypatch.context() as m:
        m.setattr(garble, "_mark_scan", lambda: kernel)
        compiled = findings(text), list(GARBLE.find(text))
        m.setattr(garble, "_mark_scan", lambda: None)
        assert (findings(text), list(GARBLE.find(text))) == compiled


#: every garble and language rule: the matcher skips a detector whose hints the kernel did not find
GARBLE = default_engine(select=["garble"])


#: every example the comments of garble.py give for the two detectors (findings and look-alikes they must leave)
STRAY_EXAMPLES = [
    "the^ composition",
    "a word_ word",
    "a- fund",
    "pre- and post-war",
    "home- to other",
    "mid- to late 1990s",
    "the- 1970s",
    'made- "them"',
    "not? the",
    "players'! plans",
    "the, new",
    "a. new",
    "of, new",
    "and. then",
    "of; new",
    "from: new",
    "will: run",
    "in: which",
    "be: aware",
    "would be: 10 percent",
    "February: 11",
    "house; of",
    "plan: was",
    "context: which",
    "people; could",
    "word,; word;, word,? e.g.,! word,- ),~",
    "(km)_ south",
    "was' moved",
    "U.S.. and",
    "wait... and",
    "than, 1.4",
    "in, December",
    "70, km",
    "place: respectively",
    "able; to",
    "managed: to",
    "characterized by, an",
    "upon, the",
    "nation's, most",
    "nation’s, most",
    "Each temple, had",
    "The first; three",
    "Director. of",
    "Calif. of",
    "cells' can",
    "have' been",
    "from' 2005",
    "the 'players' will",
    "nearby, is",
    # the word before a mark as the scan last read it (after a blank, a bracket, a quote, a line break) or not
    # (after a digit, an apostrophe, a hyphen, an underscore, a letter beyond ASCII, more than 15 letters)
    "(the, new",
    '"the; new',
    "x-the, new",
    "x'the, new",
    "x’the, new",
    "x_the, new",
    "xéthe, new",
    "2the, new",
    "abcdefghijklmnothe, new",
    "abcdefghijklmnopthe, new",
    "uncharacteristically, the",
    "the the, new",
]
ORDER_EXAMPLES = [
    "the of",
    "a the",
    "The which",
    "he the",
    "He which",
    "of is",
    "to of",
    "for of",
    "been is",
    "Been would",
    "would from",
    "several the",
    "Each its",
    "a interview",
    "A interview",
    "a one-year",
    "an racing",
    "An hour",
    "collided a.",
    "collided the!",
    "than and",
    "Been there",
    'said. "Been there',
    "is would",
    "be cannot",
    "nearby, is.",
    "nearby,\tbeen?",
    "the-of",
    "the of-",
    "the’s of",
]

#: the two exact hints (tokenized's mark after a blank, space-before-quote's mark, blanks, quote) and look-alikes
HINT_EXAMPLES = [
    "first line\n  second line",  # paragraphs that start in lower case
    "\n\n\tlower\n \n",
    "Upper\n\x1c lower",
    "ßtart ǅ ǆ",
    "x\u2028lower",
    "x\r\nlower\rlower",
    "A\n\n\nb\n",
    "ª\nⅰ\n①",
    "word , word",
    "word ; word",
    "word : word",
    "word ! word",
    "word ? word",
    "the end .",
    "( FTIR )",
    "[ note ]",
    "word\t, word",
    'what we expect. "',
    "what we expect.  ”",
    "what we expect! “next",
    'he said, "We will',
    'he said, " We will',
    'x. " é',
    'x. "\nnext',
    'x. " \r\nnext',
    'x. " 7',
    'x. "\u2028y',
    "x, ”\t\tſ",
    'what, " we',
    'what? \t"',
    "word, word.",
    'say "it."',
    ". . .",
    "a .b",
    "soon. . US",
    "x , , y",
    "word . word",
    "a letter. to the president",
    "in the U.S. and",
    "etc. and so on",
    "ab.\t\tcd",
    'two people." who love',
    "the end.” and then",
    'it was "ok." He said',
    'ab." who',
    "a. b",
    "ab. {x",  # the characters either side of a-z after the blanks
    "ab. `x",
    'x." {y',
    "x.” `y",
    "`a. b",
    "a{. b",
    "a`. b",
    "do n't go",
    "do\tn’t go",
    "don't",
    " n'tx",
    "x ’’’ y '' z ''' w ''''",
    'He said “yes” (twice) [sic] "34" inch',
    "d'autres l’erosione dell'autore qu'il",
    "l'Été d'éte 'abc ’ab ’été",
    "Each temple, had",  # a comma before an auxiliary: only after a sentence's opening determiner and one word
    "The first, was",
    "x. The cat, is",
    "x.” The cat, is",
    'x." The cat, is',
    "x?’ An idea, would",
    "x!\tEvery café, has",
    '. "The cat, is',
    "x, The cat, is",
    "xThe cat, is",
    "ÉThe cat, is",
    "The 2cats, is",
    "The cat , is",
    "The  cat,\tis",
    "The\tcat, isn't",
    "a\nThe cat, has",
    "a\u2028The cat, has",
    "These Öl, must",
]


def variants(example: str) -> Iterator[str]:
    """The example alone, inside a sentence, at the end, beside non-ASCII letters, digits, every kind of space and line end, in each str kind."""
    yield example
    yield f"It was {example} today."
    yield f"It was {example}"
    yield f"é{example}é"
    yield f"日本 {example} 日本"
    yield f"😀{example}\n😀"
    yield f"2{example}2"
    yield example.replace(" ", "\t")
    yield example.replace(" ", "  ")
    yield example.replace(" ", "\n")
    yield f"line one\r\n{example}\r\nline three"
    yield f"It was {example}".replace(" ", "\u00a0")
    yield f"Ⅻ{example}²"


@needs_kernel
@pytest.mark.parametrize("example", STRAY_EXAMPLES + ORDER_EXAMPLES + HINT_EXAMPLES)
def test_kernel_holds_the_python_positions(scanner: object, example: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for text in variants(example):
        check(scanner, text, monkeypatch)


@needs_kernel
@pytest.mark.parametrize(
    ("example", "found"),
    [
        *((e, 0) for e in ["the^ composition", "a- fund", "of; new", "70, km", "Director. of", "have' been"]),
        *((e, 1) for e in ORDER_EXAMPLES[:6]),
    ],
)
def test_the_examples_are_found_on_the_kernel(example: str, found: int) -> None:
    """The cases above are no vacuous superset: the detectors, on the kernel, find these."""
    if garble._mark_scan() is None:
        pytest.skip(f"{word_pairs.PURE_PYTHON_VARIABLE} is set")
    text = f"It was {example} today."
    assert findings(text)[found]


@needs_kernel
@pytest.mark.parametrize("text", ["", " ", ",", "the", "the.", ", is.", "\r\n", "a", "’ ", "of is"])
def test_tiny_texts(scanner: object, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    check(scanner, text, monkeypatch)


def every_word(tables: dict) -> list[str]:
    words = set(tables["stray_after"]) | set(tables["units"]) | set(tables["comma_next"]) | set(tables["stop_next"])
    words |= set(tables["comma_aux"]) | set(tables["opening_det"])
    for _, firsts, arg in tables["order_rules"]:
        words |= set(firsts) | (set(arg) if isinstance(arg, list) else set())
    return sorted(words)


@needs_kernel
def test_every_word_of_the_tables(scanner: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each pair of the words garble.py names, with each mark after it: the kernel's rules cover every branch of the scans."""
    words = every_word(garble._mark_scan_tables())
    pairs = " ".join(f"x {a} {b} y" for a in words for b in words)
    check(scanner, pairs, monkeypatch, every=False)
    marked = " ".join(f"{a}{mark} {b}" for a in words for b in words[::7] for mark in ",.;:?!'’-")
    check(scanner, marked, monkeypatch, every=False)
    assert python_stray(marked) and python_order(pairs, every=False)


@needs_kernel
@pytest.mark.parametrize(
    "text",
    [
        "the of, is. " * 30_000,
        "Director. of the; a interview " + "x" * 1_000_000 + " the of",
        "é" * 100_000 + " the of, and. 70, km",
        "the of\u3000was' moved " * 30_000 + "😀",
    ],
    ids=["many-hits", "huge-word", "latin-1", "ucs4"],
)
def test_huge_texts(scanner: object, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    check(scanner, text, monkeypatch, every=False)


def _words() -> list[str]:
    return every_word(garble._mark_scan_tables())


function_words = st.sampled_from(_words())
other_words = st.sampled_from(
    [
        "The",
        "Director",
        "temple",
        "cells",
        "x",
        "U.S.",
        "e.g.",
        "2019",
        "70",
        "café",
        "Zürich",
        "日本",
        "Ⅻ",
        "٣",
        "²",
        "s",
        "n",
        "t",
        "dell",
        "l",
    ]
)
marks = st.sampled_from([*",.;:?!'’-^_~|@*\"“”()[]…", ",;", "..", ' "', ". \t”", "''", "’’", " n't", " n’t", "( ", "[\t"])
spaces = st.sampled_from([" ", " ", " ", "\t", "\n", "\r\n", "\u00a0", ""])
pieces = st.one_of(function_words, function_words, other_words, marks, marks, spaces, spaces, spaces, st.characters())
texts = st.lists(pieces, max_size=60).map("".join)


@needs_kernel
@settings(max_examples=500, deadline=None)
@given(texts)
def test_kernel_holds_the_python_positions_on_any_text(scanner: object, text: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        check(scanner, text, monkeypatch)


#: characters beside the ASCII letters in code point (or inside them once or'ed with 0x20), and letters
#: of the other str kinds: the kernel tests sixteen characters at a time for ASCII letters
beside_letters = st.sampled_from(["@", "[", "`", "{", "\x7f", "\xc1", "\xe1", "\xff", "Ā", "Ł", "ł", "\u0161", "가", "\uffff", "𝔘"])
#: words about as long as the longest table word (15 letters), and longer
long_words = st.sampled_from(["x" * 15, "x" * 16, "abcdefghijklmnopq", "Thereforeandthus", "the" * 6, "of" * 20])
long_texts = st.lists(
    st.one_of(function_words, function_words, other_words, marks, spaces, spaces, beside_letters, long_words), min_size=20, max_size=300
).map("".join)


@needs_kernel
@settings(max_examples=200, deadline=None)
@given(long_texts)
def test_kernel_holds_the_python_positions_on_long_texts(scanner: object, text: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        check(scanner, text, monkeypatch)


@needs_kernel
@pytest.mark.parametrize("char", ["@", "[", "`", "{", "\xc1", "\xff", "Ł", "가", "𝔘", ",", ".", " "])
def test_every_offset_of_a_non_letter(scanner: object, char: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """One non-letter at every offset of a run of letters, and function words after it: where the sixteen-letter tests start and end."""
    for offset in range(40):
        check(scanner, "x" * offset + char + " the of, is. " + "y" * (40 - offset) + char + "a of", monkeypatch)


@needs_kernel
def test_the_scan_keeps_no_reference_and_leaks_no_memory(scanner: object) -> None:
    tables = garble._mark_scan_tables()
    assert_no_leak(
        scanner.scan,  # type: ignore[attr-defined]
        "The first; three of is, the of 😀 was' moved 70, km " * 20,
        lambda: mark_scan._kernel.Scanner(**tables),  # type: ignore[union-attr]
    )


@needs_kernel
def test_paragraph_marks_keeps_no_reference_and_leaks_no_memory() -> None:
    text = '(“a” [b] "c ) ’’ x” (' * 20
    marks = [i for i, _ in garble._marks(text, 0, len(text))]
    assert_no_leak(lambda t: mark_scan._kernel.paragraph_marks(t, 0, len(t), marks), text, lambda: None)  # type: ignore[union-attr]


@needs_kernel
def test_document_marks_keeps_no_reference_and_leaks_no_memory() -> None:
    text = '(“a” [b] "c ) ’’ x” (\n' * 20
    marks = [i for i, _ in garble._marks(text, 0, len(text))]
    paragraphs = LazySegmentation(text).paragraphs
    assert_no_leak(lambda t: mark_scan._kernel.document_marks(t, marks, paragraphs), text, lambda: None)  # type: ignore[union-attr]


@needs_kernel
@pytest.mark.parametrize("line", ["  a line \t", " 日本 \u3000", "\t😀 x "])
def test_paragraph_spans_keeps_no_reference_and_leaks_no_memory(line: str) -> None:
    text = f"{line}\n\n" * 50
    assert_no_leak(mark_scan._kernel.paragraph_spans, text, lambda: None)  # type: ignore[union-attr]
    assert mark_scan._kernel.paragraph_spans(text) == paragraph_spans_python(text)  # type: ignore[union-attr]


#: texts of each kind (1, 2 and 4 bytes a character), with the kernel's 16- and 8-unit blocks and their tails
BEYOND_ASCII_CASES = [
    "",
    "plain ASCII text, longer than one block of sixteen",
    "\x80",
    "\x7f\x80\xff\x00",
    "café " * 7 + "ß",
    "It’s “quoted” — fine… " * 3,
    "Москва" + "x" * 17 + "東京",
    "\ud800 and \udfff alone, \ud83d\ude00 as a pair",
    "a\U0001f600" * 9 + "é\u0100",
    "\U0010ffff\x80\u07ff\u0800\uffff",
]


@needs_kernel
@pytest.mark.parametrize("text", BEYOND_ASCII_CASES)
def test_beyond_ascii_equals_its_reference(text: str) -> None:
    found = mark_scan._kernel.beyond_ascii(text)  # type: ignore[union-attr]
    assert found == beyond_ascii_python(text) == "".join(c for c in text if not c.isascii())
    assert type(found) is str
    assert beyond_ascii_of(text) == found


@needs_kernel
@given(
    text=st.lists(st.sampled_from(["a", " ", "\n", "Z", "\x7f", "\x80", "é", "ÿ", "’", "—", "Ж", "\ud800", "\U0001f600"]), max_size=60).map(
        "".join
    )
)
def test_beyond_ascii_property(text: str) -> None:
    assert mark_scan._kernel.beyond_ascii(text) == beyond_ascii_python(text)  # type: ignore[union-attr]


@needs_kernel
@pytest.mark.parametrize("text", ["x" * 40, "é" * 40, "“x”" * 20, "\U0001f600" * 20])
def test_beyond_ascii_keeps_no_reference_and_leaks_no_memory(text: str) -> None:
    assert_no_leak(mark_scan._kernel.beyond_ascii, text, lambda: None)  # type: ignore[union-attr]


@needs_kernel
def test_beyond_ascii_refuses_what_is_no_str() -> None:
    with pytest.raises(TypeError, match="needs a str"):
        mark_scan._kernel.beyond_ascii(b"bytes")  # type: ignore[union-attr]


@needs_kernel
def test_document_marks_refuses_bad_input() -> None:
    document_marks = mark_scan._kernel.document_marks  # type: ignore[union-attr]
    with pytest.raises(IndexError):
        document_marks("ab", [5], [(0, 2)])
    with pytest.raises(IndexError):
        document_marks("ab", [-1], [(0, 2)])
    with pytest.raises(TypeError):
        document_marks("ab", [0], [[0, 2]])
    with pytest.raises(TypeError):
        document_marks("ab", (0,), [(0, 2)])
    assert document_marks('"', [0], []) == []


@needs_kernel
def test_paragraph_marks_refuses_an_offset_outside_the_text() -> None:
    with pytest.raises(IndexError):
        mark_scan._kernel.paragraph_marks("ab", 0, 2, [5])  # type: ignore[union-attr]
    with pytest.raises(TypeError):
        mark_scan._kernel.paragraph_marks("ab", 0, 2, (0,))  # type: ignore[union-attr]


@needs_kernel
@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"stray_after": ["café"]}, ValueError),  # words are ASCII letters
        ({"units": [""]}, ValueError),
        ({"comma_next": ["x" * 16]}, ValueError),
        ({"stop_next": [1]}, TypeError),
        ({"colon_before": ["x" * 16]}, ValueError),
        ({"colon_next": [""]}, ValueError),
        ({"comma_aux": ["x" * 16]}, ValueError),
        ({"opening_det": ["É"]}, ValueError),
        ({"order_rules": [("pairs", ["the"], ["of"])]}, ValueError),
        ({"order_rules": [("pair", ["the"])]}, TypeError),
        ({"order_rules": [("next", ["a"], "é")]}, ValueError),
        ({"order_rules": [("always", ["Been"], "")] * 33}, ValueError),
    ],
)
def test_a_bad_table_is_refused(change: dict, error: type[Exception]) -> None:
    args = {
        "stray_after": ["the"],
        "units": ["km"],
        "comma_next": ["May"],
        "stop_next": ["of"],
        "order_rules": [("pair", ["the"], ["of"])],
        "colon_before": ["be"],
        "colon_next": ["of"],
        "comma_aux": ["had"],
        "opening_det": ["The"],
    }
    mark_scan._kernel.Scanner(**args)  # type: ignore[union-attr]
    with pytest.raises(error):
        mark_scan._kernel.Scanner(**{**args, **change})  # type: ignore[union-attr]


@needs_kernel
def test_only_a_str_is_scanned(scanner: object) -> None:
    with pytest.raises(TypeError, match="needs a str"):
        scanner.scan(b"the of")  # type: ignore[attr-defined]


@needs_kernel
def test_the_kernel_runs_when_built() -> None:
    assert mark_scan.scan_implementation() == "compiled kernel" or mark_scan.FORCED_PURE
    assert (garble._mark_scan() is None) == mark_scan.FORCED_PURE


def test_without_the_kernel_the_python_scans_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mark_scan, "_kernel", None)
    assert mark_scan.mark_scan(**garble._mark_scan_tables()) is None
    assert mark_scan.scan_implementation() == "pure Python (the compiled kernel is not built)"


def test_the_variable_forces_the_python_scans() -> None:
    code = "from scrubber.kinds import garble, mark_scan as m; print(m.scan_implementation(), garble._mark_scan())"
    env = {**os.environ, word_pairs.PURE_PYTHON_VARIABLE: "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "pure Python (SCRUBBER_PURE_PYTHON is set) None"


def test_the_version_says_which_scan_runs() -> None:
    from click.testing import CliRunner

    from scrubber.cli import main

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert f"\nmark scan: {mark_scan.scan_implementation()}\n" in result.output


# -- the matcher skips word-order where neither the order list nor the document's start can hold a match ------


#: the matcher gates on the kernel's lists only where it runs (not with SCRUBBER_PURE_PYTHON=1)
needs_scan = pytest.mark.skipif(garble._mark_scan() is None, reason="the compiled mark-scan kernel does not run in this process")


def word_order_gate_passes(text: str) -> bool:
    """What :class:`~scrubber.kinds.garble.GarbleMatcher` asks before it runs word-order (with the kernel built)."""
    return bool(garble._mark_scan().candidates(text).order) or garble._word_order_at_start(DocContext(text))  # type: ignore[union-attr]


@needs_scan
@settings(max_examples=500, deadline=None)
@given(texts)
def test_word_order_gate_hides_no_finding(text: str) -> None:
    if not word_order_gate_passes(text):
        ctx, seg = DocContext(text), LazySegmentation(text)
        assert list(garble.word_order(ctx, seg, {})) == []
        assert list(garble.word_order(ctx, seg, {"min_hits": 2})) == []


@needs_scan
@pytest.mark.parametrize(
    ("text", "gate", "flagged"),
    [
        ("The of course problem is here and it goes on.", True, True),  # at the start: no position before it
        ("Been there, done that, he said today.", True, True),
        ("He said the of course problem is here.", True, True),
        ("Nothing to see here at all today.", False, False),
        ("", False, False),
    ],
)
def test_word_order_through_the_matcher(text: str, gate: bool, flagged: bool) -> None:
    assert word_order_gate_passes(text) == gate
    found = default_engine(select=["garble.word-order"]).find(text)
    assert bool(found) == flagged


def _start_cases() -> list[str]:
    """Each word a branch of the pattern can start with, at a text's start, before each word and what may end it."""
    words = sorted(garble._WORD_ORDER_FIRSTS)
    ends = ["", ".", " x", "é", "-x", "'s", "’s", "\n"]
    return [f"{a}{blank}{b}{end}" for a in words for b in words[::5] for blank in (" ", "\t", "  ", "") for end in ends]


@pytest.mark.parametrize("text", ["", "x", "é", " the of", "The", "Theof", "The of", "the\tof", "Been", "Been.", "Beenx", "A Olympic"])
def test_word_order_at_start_is_the_pattern_at_the_start(text: str) -> None:
    """The set lookup before the pattern hides no match at offset 0 (and the word lists cover every branch)."""
    for case in [text, *(_start_cases() if text == "" else [])]:
        assert garble._word_order_at_start(DocContext(case)) == (garble._WORD_ORDER.match(case) is not None), case
