"""The faster scan forms used by the garble family find exactly what the plain forms find."""

from __future__ import annotations

import re

import pytest

from scrubber.kinds.garble import _FOREIGN_HINTS, _WORD_ORDER, _foreign_hint_lines, _lines_with, _word_order_spans
from scrubber.text import LazySegmentation, segment, word_trie
from scrubber.wordruns import letter_runs

WORDS = ["a", "an", "and", "the", "then", "of", "or", "i", "its"]


@pytest.mark.parametrize("text", ["a an and the then of or i its", "anthem oral idea", "The a ANd then, ofof its."])
def test_word_trie_matches_the_plain_alternation(text: str) -> None:
    plain = re.compile(r"\b(?:" + "|".join(WORDS) + r")\b")
    trie = re.compile(r"\b" + word_trie(WORDS) + r"\b")
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in plain.finditer(text)]


@pytest.mark.parametrize(
    "text",
    [
        "the of the of",
        "a the of valley",
        "The of he the, to of. Rain fell in villages the.",
        "of is\nthe a\n\nhe by the river and.",
        "Farmers of the valley planted wheat in rows.",
        "its they'd a- the' of-the he the",
        'Been there. Been\nBeen. "Been" x." Been than and than-which as. which.',
    ],
)
def test_word_order_scan_equals_plain_finditer(text: str) -> None:
    assert _word_order_spans(text) == [m.span() for m in _WORD_ORDER.finditer(text)]


def test_sentences_hit_lists_each_sentence_once() -> None:
    text = "No hit here. Über one. Two é and é.\n\nPlain end."
    hits = LazySegmentation(text).sentences_hit(re.compile(r"[^\x00-\x7f]"))
    assert [text[a:b] for a, b in hits] == ["Über one.", "Two é and é."]


@pytest.mark.parametrize(
    "text",
    ["", "  One. Two.\n\n  Three? Four\n", "Mr. Lane met Gen. Ortiz. They talked.\nHead line\n\n\n“Quote.” he said. End."],
)
def test_lazy_segmentation_agrees_with_segment(text: str) -> None:
    seg, lazy = segment(text), LazySegmentation(text)
    assert [(p.start, p.end) for p in seg.paragraphs] == lazy.paragraphs
    assert [(s.start, s.end) for s in seg.sentences] == lazy.all_sentences()
    for offset in range(len(text) + 1):
        if seg.sentences:
            s = seg.sentences[seg.sentence_at(offset)]
            assert lazy.sentence_at(offset) == (s.start, s.end)


@pytest.mark.parametrize(
    "text",
    [
        "und the harbour\nclosed aunque late\n\nzur Stadt",
        "The costruzione began.\nNo hint here.\nIt was już late, très late.",
        "Plain English only.\n\nNothing to see.",
        "aber\nund\n",
    ],
)
def test_foreign_hint_scans_find_the_lines_of_the_plain_pattern(text: str) -> None:
    assert _foreign_hint_lines(text, letter_runs(text.lower())) == _lines_with(text, _FOREIGN_HINTS)
