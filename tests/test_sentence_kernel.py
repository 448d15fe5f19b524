"""The compiled sentence splitter gives exactly the Python segmenter's sentences (scrubber/kinds/_mark_scan_kernel.c).

``Splitter.spans(text, p_start, p_end)`` must equal
:func:`scrubber.text.sentence_spans_python` wherever it answers, and answer
None (Python splits) only where it cannot be sure: a character beyond the
regex module's class table, or a word before a lone full stop whose
``str.lower()`` might reach an abbreviation from beyond ASCII. Every case
is tried in the three str storage kinds and at an offset. Skipped where the
kernel is not built; CI builds it.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kernel_checks import assert_no_leak

from scrubber import text as seg
from scrubber.kinds import mark_scan, word_pairs

needs_kernel = pytest.mark.skipif(
    seg._splitter() is None, reason="the compiled mark-scan kernel is not built, or SCRUBBER_PURE_PYTHON is set"
)

#: (text, whether the kernel decides every paragraph of it)
CASES = [
    ("It grew in the U.S. The next year it fell.", True),
    ("The U.S. Navy sailed at 9 a.m. on Friday. Then it rained.", True),
    ("J. Smith won. J. The end. x. Then", True),
    ("Bring tools e.g. the map. Or e.g. The map. i.e. It", True),
    ("Mr. Smith went. Mr. The end. MR. Smith. mR. Smith. Mr, Smith. Gen. Ortiz", True),
    ("No. 5 won. Vol. 3 sold. Gen. 4th", True),
    ("(Mr. Smith left. “U.S. The rest. [e.g. The list. 'Dr. Who", True),
    ("3.5. The figure. a.b.c. The end. 1.a. The", True),
    ("He paused. . . Then he went. . . . On. Wait... Where? Yes.. No", True),
    ("Why?! Because. Why ?! No. Why? ! No. !!! What. ?? No. … Then. …… Then. . … Then. x .Then", True),
    ("\"Yes.\" The end. (No.) Then. [Ok.] Then. ’Ok.’ Then. He said “no.” Then. x.'' The. x.) The", True),
    ("End.\tThen. End. \t Then. End.  'Quoted' start. End. (Aside) start. End. [1] start. End. “Quote” start. End. ‘Q’", True),
    ("End. ((Two) openers. End. '(x' no. End. \"'X' two", True),
    ("Fin. École. Fin. Éric. Fin. Ωmega. Fin. Жук. Fin. Ⓐ here. Fin. ٣ days. Fin. ³ no. Fin. Ⅻ no. Fin. ǅ no", True),
    ("Fin.\u00a0The. Fin. \u00a0The. Fin.\u2003The. Fin. \u3000The. Fin.\x1cThe", True),
    ("J. Smith\u00a0x. U.S. The\u2003x. U.S. The\x1cx. U.S. The\u200bx. U.S. The, x. U.S. The:;, x. U.S. The\u3000x", True),
    ("a\x1cMr. Smith. a\u00a0Mr. Smith. a\u2028Dr. Who. x\tSt. Paul", True),
    ("Café. The end. naïve. The end. Ärzte. The end. ”Mr. Smith. cafés”. The end.", True),
    ("Ends here. A", True),
    (". The start. ! No. .", True),
    ("Fin. 𝐀 astral capital", False),
    ("U.S. The😀 next", False),
    ("5 \u212am. Then", False),
    ("İst. Smith", False),
    ("Fin. 😀 no capital, no question", False),
    ("U.S. 😀 lower", False),
]

#: how each case is laid out: alone; behind a paragraph (offsets not at 0); with 2- and 4-byte characters
LAYOUTS = [
    lambda t: t,
    lambda t: f"Lead line.\n\t {t}  \n",
    lambda t: f"{t}\nĀ",
    lambda t: f"😀 first.\r\n{t}",
]


def check(text: str, decided: bool | None = None) -> None:
    """The kernel's spans and count equal the Python segmenter's on every paragraph of ``text`` (or say None)."""
    splitter = seg._splitter()
    for a, b in seg.paragraph_spans(text):
        check_range(splitter, text, a, b, decided)


def check_range(splitter: object, text: str, a: int, b: int, decided: bool | None = None) -> None:
    want = seg.sentence_spans_python(text, a, b)
    got = splitter.spans(text, a, b)  # type: ignore[attr-defined]
    count = splitter.count(text, a, b)  # type: ignore[attr-defined]
    assert (got is None) == (count is None)
    if got is not None:
        assert got == want, text[a:b][:200]
        assert count == len(want)
    if decided:
        assert got is not None, text[a:b][:200]
    if splitter is seg._splitter():
        assert seg.sentence_spans(text, a, b) == want


@needs_kernel
@pytest.mark.parametrize(("case", "decided"), CASES)
@pytest.mark.parametrize("layout", range(len(LAYOUTS)))
def test_kernel_splits_as_python(case: str, decided: bool, layout: int) -> None:
    text = LAYOUTS[layout](case)
    check(text, decided or None)
    if not decided:
        at = text.index(case)
        assert seg._splitter().spans(text, at, at + len(case)) is None  # type: ignore[union-attr]


@needs_kernel
@pytest.mark.parametrize(
    "text",
    [
        ". . . ." * 250_000,
        "x" + ". . . ." * 250_000 + " The end.",
        "?!" * 500_000 + " The",
        "Mr. Smith. " * 100_000,
        "é" + "x. The. " * 100_000,
        "U.S. The 😀. " * 80_000,
    ],
)
def test_a_megabyte_of_ends(text: str) -> None:
    check(text, True)


@needs_kernel
@pytest.mark.parametrize("end", [".", "!", "?", "…", "?!", "...", "\u2025", "\u2027", "\u3002", "\ufe52"])
@pytest.mark.parametrize("wide", ["", "ā", "’"])
def test_an_end_at_every_offset(end: str, wide: str) -> None:
    """The kernel looks for the next . ! ? … sixteen (eight in 2-byte text) characters at a time: an end at every offset of a long stretch of words."""
    for offset in range(40):
        check(f"{wide}{'x' * offset}{end} The next one{end} It goes on and on and on{end}  " + "y" * offset + f"{end} Then")


@needs_kernel
@pytest.mark.parametrize(("a", "b"), [(5, 3), (-1, 4), (0, 10_000)])
def test_a_range_outside_the_text_is_left_to_python(a: int, b: int) -> None:
    assert seg._splitter().spans("One. Two. Three.", a, b) is None  # type: ignore[union-attr]


@needs_kernel
@pytest.mark.parametrize("a", [0, 2, 16])
def test_an_empty_range_has_no_sentence(a: int) -> None:
    check_range(seg._splitter(), "One. Two. Three.", a, a, decided=True)


@needs_kernel
def test_the_look_behinds_see_before_the_range() -> None:
    """As the regex module's do: a run of ends never starts at the range's first character."""
    splitter = seg._splitter()
    for text in ["a.. Bc", "a. . Bc", "a? !. Bc", "x.\t. Bc"]:
        for a in range(len(text)):
            for b in range(a, len(text) + 1):
                check_range(splitter, text, a, b)


@needs_kernel
def test_an_abbreviation_lowered_from_beyond_ascii_is_left_to_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Kelvin sign lowers to ``k``: a word holding it may be an abbreviation, so Python decides."""
    abbreviations = seg.ABBREVIATIONS | {"km"}
    monkeypatch.setattr(seg, "ABBREVIATIONS", abbreviations)
    splitter = mark_scan.sentence_splitter(abbreviations, seg.SENTENCE_OPENERS, seg._end_classes())
    for text in ["Ran 5 \u212am. Then home.", "Ran 5 km. Then home.", "Ran 5 KM. Then home.", "Ran 5 Km. Then", "Ran 5 kM. Then"]:
        check_range(splitter, text, 0, len(text), decided="\u212a" not in text)
    assert seg.sentence_spans_python("Ran 5 \u212am. Then home.", 0, 21) == [(0, 21)]
    odd = mark_scan.sentence_splitter(abbreviations | {"ünd"}, seg.SENTENCE_OPENERS, seg._end_classes())
    assert odd.spans("Café. The", 0, 9) is None  # type: ignore[union-attr]


#: characters that hit every branch: ends, blanks, closers, openers, capitals and digits of
#: every kind, spaces the regex module and str.isspace disagree on, abbreviation letters
ALPHABET = list(".!?…. \t\t\"”’')]“‘([") + list("MrsStUSJgeThAI5a,;:") + list("ÉΩЖⓐⒶ٣³ǅⅫ\u00a0\u2003\x1c\u200b\u3000\n\u212aİé😀𝐀")
WORDS = ["Mr", "U.S", "e.g", "The", "He", "J", "no", "No", "etc", "Gen", "St", "a.m", "x", "3.5", "Ave", "But", "I"]


@st.composite
def texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(st.sampled_from(ALPHABET), st.sampled_from(WORDS)), max_size=60))
    return "".join(parts)


@needs_kernel
@settings(max_examples=600, deadline=None)
@given(st.one_of(texts(), st.text()), st.data())
def test_kernel_equals_python_on_any_text(text: str, data: st.DataObject) -> None:
    check(text)
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    check_range(seg._splitter(), text, a, b)


@needs_kernel
@settings(max_examples=300, deadline=None)
@given(st.one_of(texts(), st.text()))
def test_segment_and_sentence_count_are_the_same_without_the_kernel(text: str) -> None:
    with_kernel = seg.segment(text)
    count = seg.sentence_count(text)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(seg, "_splitter", lambda: None)
        assert seg.segment(text) == with_kernel
        assert seg.sentence_count(text) == count == len(with_kernel.sentences)


@needs_kernel
def test_the_splitter_keeps_no_reference_and_leaks_no_memory() -> None:
    splitter = seg._splitter()
    classes = seg._end_classes()

    def both(text: str) -> None:
        splitter.spans(text, 0, len(text))  # type: ignore[union-attr]
        splitter.count(text, 3, len(text))  # type: ignore[union-attr]

    assert_no_leak(
        both,
        "It grew in the U.S. The next year. J. Smith. Mr. Smith “said.” Fin. 𝐀 " * 20,
        lambda: mark_scan.sentence_splitter(seg.ABBREVIATIONS, seg.SENTENCE_OPENERS, classes),
    )


@needs_kernel
@pytest.mark.parametrize("words", [[""], [1], "ab"])
def test_a_bad_word_list_is_refused(words: object) -> None:
    if words == "ab":  # a str is an iterable of one-letter words: accepted, as RunFilter does
        mark_scan.sentence_splitter(words, [], b"")  # type: ignore[arg-type]
        return
    with pytest.raises(ValueError, match="non-empty str"):
        mark_scan.sentence_splitter(words, [], b"")  # type: ignore[arg-type]


def test_the_class_table_is_the_regex_modules() -> None:
    classes = seg._end_classes()
    assert seg._END.pattern.endswith(rf"({seg._NEXT_START}\S*))")
    for ch, bits in [
        ("A", 1),
        ("5", 1),
        ("É", 1),
        ("٣", 1),
        ("Ⓐ", 0),
        ("ǅ", 0),
        ("a", 0),
        (" ", 2),
        ("\u00a0", 2),
        ("\x1c", 0),
        ("\u200b", 0),
    ]:
        assert classes[ord(ch)] == bits, ch


def test_pure_python_runs_without_the_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mark_scan, "_COMPILED", False)
    assert mark_scan.sentence_splitter(seg.ABBREVIATIONS, seg.SENTENCE_OPENERS, b"") is None
    code = "from scrubber import text; print(text._splitter(), text.sentence_spans('A b. The c.', 0, 11))"
    env = {**os.environ, word_pairs.PURE_PYTHON_VARIABLE: "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "None [(0, 4), (5, 11)]"


@pytest.mark.parametrize(("text", "paragraphs"), [("\x1f", []), ("a\n\x1c \x1d\nb", [(0, 1), (6, 7)]), ("\x1fab\x1e\n", [(1, 3)])])
def test_a_line_of_separators_alone_is_blank(text: str, paragraphs: list[tuple[int, int]]) -> None:
    """The regex module's ``\\S`` takes ``\\x1c``-``\\x1f`` and str.isspace does not: such a line crashed the strip, or came out backwards."""
    assert seg.paragraph_spans(text) == paragraphs
    assert len(seg.segment(text).sentences) == seg.sentence_count(text) == len(paragraphs)
