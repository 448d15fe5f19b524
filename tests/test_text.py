"""Sentence segmentation for news: exact offsets, abbreviations, quotes, paragraphs."""

from __future__ import annotations

import re
import sys

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from scrubber import text as text_module
from scrubber.kinds import mark_scan
from scrubber.kinds.base import DocContext
from scrubber.text import paragraph_spans, paragraph_spans_python, segment, segmentation


def sentences(text: str) -> list[str]:
    seg = segment(text)
    return [seg.sentence_text(i) for i in range(len(seg.sentences))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The mayor spoke. The council voted.", ["The mayor spoke.", "The council voted."]),
        ("Mr. Lane met Gen. Ortiz on Monday. They talked.", ["Mr. Lane met Gen. Ortiz on Monday.", "They talked."]),
        ("The U.S. Navy sailed at 9 a.m. on Friday.", ["The U.S. Navy sailed at 9 a.m. on Friday."]),
        ("It grew in the U.S. The next year it fell.", ["It grew in the U.S.", "The next year it fell."]),
        ("J. R. Smith won. Prices rose 3.5 percent.", ["J. R. Smith won.", "Prices rose 3.5 percent."]),
        ('"We will rebuild." The crowd cheered.', ['"We will rebuild."', "The crowd cheered."]),
        ("She asked why? Nobody knew (at first). Then it rained!", ["She asked why?", "Nobody knew (at first).", "Then it rained!"]),
        ("He paused. . . Then he went on.", ["He paused. . .", "Then he went on."]),
        ("Wait... Where is it?", ["Wait...", "Where is it?"]),
        ("A signed note. to the mayor.", ["A signed note. to the mayor."]),
        ("Bring tools etc. and a map.", ["Bring tools etc. and a map."]),
        ("Headline without a stop\n\nFirst line. Second line.", ["Headline without a stop", "First line.", "Second line."]),
        ("One.\nTwo.\n\n  Three.  ", ["One.", "Two.", "Three."]),
        ("", []),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_paragraphs_and_lookup() -> None:
    text = "Title\n\nFirst one. Second one.\nThird one."
    seg = segment(text)
    assert [text[p.start : p.end] for p in seg.paragraphs] == ["Title", "First one. Second one.", "Third one."]
    assert [len(seg.paragraph_sentences(i)) for i in range(3)] == [1, 2, 1]
    assert seg.sentence_text(seg.sentence_at(text.index("Second"))) == "Second one."
    assert seg.sentences[seg.sentence_at(text.index("Third"))].paragraph == 2


def test_memoised_per_document() -> None:
    ctx = DocContext("One. Two.")
    assert segmentation(ctx) is segmentation(ctx)


@given(st.text(alphabet=st.sampled_from(list("ab .!?\"'()\nUS")), max_size=80))
def test_offsets_are_exact_and_ordered(text: str) -> None:
    seg = segment(text)
    last = 0
    for s in seg.sentences:
        assert last <= s.start < s.end <= len(text)
        chunk = text[s.start : s.end]
        assert chunk == chunk.strip() and "\n" not in chunk
        last = s.end
    # every non-space character belongs to a sentence
    covered = sum(s.end - s.start for s in seg.sentences)
    assert covered >= len("".join(text.split()))


def test_regex_space_is_str_space_but_four_separators() -> None:
    """What :func:`paragraph_spans` rests on: the regex module's ``\\s`` takes exactly the ``str.isspace`` characters but ``\\x1c``-``\\x1f``, and ``re``'s all of them."""
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    regex_space = {m.start() for m in regex.finditer(r"\s", every)}
    re_space = {m.start() for m in re.finditer(r"\s", every)}
    str_space = {c for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert str_space - regex_space == {0x1C, 0x1D, 0x1E, 0x1F}
    assert not regex_space - str_space
    assert re_space == str_space


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n",
        "\n\n\n",
        "One",
        "One\nTwo",
        "  One  \n\n\tTwo\r\nThree\r",
        "\x1c\nA\x1d\n\x1e B \x1f\n \x1c \n",
        "\u2028Line\u2029 \x0b\x0c\x85\u3000\n\u00a0\n",
        "last line without a break  ",
        "\n\n  \n middle \n\n",
        "日本\n\u3000語 \u3000\n",
        "😀 x \n\n\t😀\u2028",
    ],
)
def test_paragraph_spans_as_the_regex(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert paragraph_spans(text) == paragraph_spans_python(text)
    monkeypatch.setattr(text_module, "_compiled_paragraphs", lambda: None)  # the Python one, where the kernel is built
    assert paragraph_spans(text) == paragraph_spans_python(text)


@given(st.text(alphabet=st.sampled_from(list("ab \t\r\n\x1c\x1f\x85\u2028\u3000\u00a0😀")), max_size=60))
def test_paragraph_spans_as_the_regex_generated(text: str) -> None:
    assert paragraph_spans(text) == paragraph_spans_python(text)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(text_module, "_compiled_paragraphs", lambda: None)
        assert paragraph_spans(text) == paragraph_spans_python(text)


def test_compiled_paragraph_spans_takes_only_a_str() -> None:
    if mark_scan.paragraph_spans is None:
        pytest.skip("the compiled kernel is not built or is switched off")
    with pytest.raises(TypeError, match="needs a str"):
        mark_scan.paragraph_spans(b"a\nb")  # type: ignore[arg-type]
