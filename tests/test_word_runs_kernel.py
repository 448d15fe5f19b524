"""The kernel's word-run functions equal their Python references (scrubber/kinds/_mark_scan_kernel.c).

``equal_neighbours`` is the gate of ``garble.repeated-words``: the values of
equal adjacent runs and whether a repeated phrase may be there. The Python
reference (:func:`mark_scan.equal_neighbours_python` over ``data.split()``)
runs under ``SCRUBBER_PURE_PYTHON=1`` or without the kernel; the two must
give the same answer on every input, or the detector's findings would
depend on the build. Skipped where the kernel is not built; CI builds it.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kernel_checks import assert_no_leak

from scrubber.kinds import garble, mark_scan
from scrubber.kinds.base import DocContext
from scrubber.text import LazySegmentation

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


def expected(data: bytes) -> tuple[set[bytes], bool]:
    return mark_scan.equal_neighbours_python(data.split())


@needs_kernel
@pytest.mark.parametrize("data", NEIGHBOUR_CASES)
def test_equal_neighbours_equal_the_python_reference(data: bytes) -> None:
    assert mark_scan._kernel.equal_neighbours(data) == expected(data)  # type: ignore[union-attr]


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
    assert mark_scan._kernel.equal_neighbours(data) == expected(data)  # type: ignore[union-attr]


@needs_kernel
def test_equal_neighbours_keeps_no_reference_and_leaks_no_memory() -> None:
    assert_no_leak(mark_scan._kernel.equal_neighbours, b"the court the court food food " * 50, lambda: None)  # type: ignore[union-attr]


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
    monkeypatch.setattr(garble, "equal_neighbours", lambda data: expected(data))
    assert _repeats(text) == found
