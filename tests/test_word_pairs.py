"""Word-pair evidence for shuffled word order (scrubber.kinds.word_pairs)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrubber.kinds import word_pairs
from scrubber.kinds.word_pairs import pair_model
from scrubber.text import segment

# sentences written for these tests, each with its words shuffled by hand
WRITTEN = [
    "The council voted on Tuesday to close the old library and build a new one near the station.",
    "Farmers in the valley said the late frost had damaged most of their apple trees this spring.",
    "Residents were asked to boil their water until further notice, the utility said.",
]
SHUFFLED = [
    "Tuesday the to on old voted council the close library and a build new one the near station.",
    "Spring their the said of apple frost late had most in valley the farmers damaged this trees.",
    "Until water residents boil notice were their to further asked, the said utility.",
]


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        # a mark ends a pair: "said," closes one, never opens the next
        ("the council said, the court", [("the", "council"), ("council", "said"), ("the", "court")]),
        # quotes and brackets open a word; typographic quotes count as marks
        ("he said “the court” will rule", [("he", "said"), ("the", "court"), ("will", "rule")]),
        # capitals (names, sentence starts), digits and inner hyphens pair with nothing
        (
            "The court of Appeal met in 2019 to rule on a to-do list",
            [("court", "of"), ("met", "in"), ("to", "rule"), ("rule", "on"), ("on", "a")],
        ),
        ("the end. the start", [("the", "end"), ("the", "start")]),
        ("", []),
    ],
)
def test_pairs(text: str, pairs: list[tuple[str, str]]) -> None:
    assert pair_model().pairs(text) == pairs


@pytest.mark.parametrize(("written", "shuffled"), list(zip(WRITTEN, SHUFFLED)))
def test_shuffled_sentences_have_far_lower_evidence(written: str, shuffled: str) -> None:
    model = pair_model()
    assert model.evidence(written)[0] > 0 > -9 > model.evidence(shuffled)[0]


words = st.sampled_from(["the", "of", "court", "said", "to", "a", "Mayor", "2019", "new", "and", "rule", "on", "in", "was"])
marks = st.sampled_from([" ", " ", " ", ", ", ". ", " “", "” ", " (", ") ", "\n"])
texts = st.lists(st.tuples(words, marks), max_size=40).map(lambda parts: "".join(w + m for w, m in parts))


@settings(max_examples=200, deadline=None)
@given(texts)
def test_lowest_run_is_the_lowest_sum_of_consecutive_weights(text: str) -> None:
    """Kadane's scan equals brute force over :meth:`evidence`'s weights, and bounds every sentence."""
    model = pair_model()
    total, scored = model.evidence(text)
    weights = [w for w, _ in scored]
    assert len(weights) == len(model.pairs(text))
    assert math.isclose(total, sum(weights), abs_tol=1e-9)
    brute = min([sum(weights[a:b]) for a in range(len(weights)) for b in range(a + 1, len(weights) + 1)], default=0.0)
    assert math.isclose(model.lowest_run(text), min(0.0, brute), abs_tol=1e-9)
    for s in segment(text).sentences:
        assert model.lowest_run(text) <= model.evidence(text[s.start : s.end])[0] + 1e-9
        # the prefilter never skips a text holding a sentence at the threshold, whatever the rounding
        assert model.may_reach(text, model.evidence(text[s.start : s.end])[0])


def test_unattested_weights_are_remembered_up_to_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    model = pair_model()
    weights = model.weights
    i = model.ids["the"]
    j = next(j for j in range(1, 1000) if i << word_pairs._SHIFT | j not in model._attested_bins)
    key = i << word_pairs._SHIFT | j
    expected = weights.unattested(i, j)
    monkeypatch.delitem(weights, key, raising=False)
    monkeypatch.setattr(weights, "_room", 0)
    assert weights[key] == expected and key not in weights  # full: scored, not stored
    monkeypatch.setattr(weights, "_room", 1)
    assert weights[key] == expected and weights._room == 0 and key in weights
    del weights[key]


def test_missing_symspellpy_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(word_pairs.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(word_pairs.WordPairData, match=r"garble.improbable-order rule needs symspellpy"):
        word_pairs._data_dir()


@settings(max_examples=200, deadline=None)
@given(texts, st.sampled_from([-9.0, -3.0, 0.0, 2.0]))
def test_may_reach_says_no_only_where_the_total_is_above_the_threshold(text: str, threshold: float) -> None:
    """improbable-order asks :meth:`may_reach` before :meth:`evidence`: a no must mean the sentence's total is above it."""
    model = pair_model()
    total = model.evidence(text)[0]
    if not model.may_reach(text, threshold):
        assert total > threshold
    assert model.may_reach(text, total)  # at the total itself it always says yes


@pytest.mark.parametrize(("written", "shuffled"), list(zip(WRITTEN, SHUFFLED)))
def test_may_reach_a_shuffle(written: str, shuffled: str) -> None:
    model = pair_model()
    assert not model.may_reach(written, -9.0)
    assert model.may_reach(shuffled, -9.0) and model.evidence(shuffled)[0] <= -9.0
