"""Huge lines and huge documents: bounded findings, the same fixes, linear layers.

A single 78 MB line of mojibake once took minutes and 8.5 GB: ftfy and the
word diff ran over the whole line and every changed word became a finding.
Long lines are now handed to ftfy in windows, and a window with many changes
has them merged into runs (``unicode.mojibake``). Timings live in
``tests/perf/bench_huge_line.py``; these tests pin the behaviour.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import re
from contextlib import contextmanager
from unittest import mock

import ftfy
import ftfy.bad_codecs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrubber import Policy, clean, default_engine, engine
from scrubber.engine import _greedy, _overlaps, accept_all
from scrubber.kinds import unicode
from scrubber.kinds.base import DocContext
from scrubber.model import Finding
from scrubber.report import LineIndex, line_col

MOJIBAKE = default_engine(select=["unicode.mojibake"])
ALL = default_engine()


def damaged(s: str) -> str:
    return s.encode("utf-8").decode("sloppy-windows-1252")


def ftfy_fixed(text: str) -> str:
    return ftfy.fix_text(text, ftfy.TextFixerConfig(**unicode._FTFY_OPTIONS))


@contextmanager
def small_windows(long_line: int = 40, merge_above: int = 1, span: int = 60, coarse: int = 120):
    """The long-line machinery at sizes a generated example reaches."""
    with (
        mock.patch.object(unicode, "LONG_LINE", long_line),
        mock.patch.object(unicode, "MERGE_ABOVE", merge_above),
        mock.patch.object(unicode, "MERGED_SPAN", span),
        mock.patch.object(unicode, "COARSE_SPAN", coarse),
    ):
        yield


LONG = damaged("café “quoted” naïve résumé ") * 6000  # 162,000 characters, 24,000 changed words


def test_a_long_mojibake_line_gives_few_merged_findings_that_equal_ftfy():
    findings = MOJIBAKE.find(LONG)
    assert len(LONG) > 2 * unicode.LONG_LINE
    assert len(findings) <= 2 * len(LONG) // unicode.COARSE_SPAN + 2 * len(list(unicode._segments(LONG)))  # runs, not 24,000 words
    assert all(f.end - f.start <= unicode.COARSE_SPAN for f in findings)
    assert "merged into runs" in findings[0].message and findings[0].message.startswith("UTF-8 read as Windows-1252")
    once = accept_all(LONG, findings)
    assert once == ftfy_fixed(LONG)
    assert MOJIBAKE.find(once) == []


def test_a_long_line_with_a_few_damaged_words_keeps_word_findings():
    line = ("plain words here " * 5000).replace("here", damaged("café"), 3)
    findings = MOJIBAKE.find(line)
    assert [line[f.start : f.end] for f in findings] == [damaged("café")] * 3
    assert all("merged" not in f.message for f in findings)


def test_a_huge_document_of_short_lines_gets_a_run_per_line():
    text = "\n".join([damaged("un café “noir” ici")] * 200)
    with mock.patch.object(unicode, "HUGE_DOCUMENT", 1000):
        findings = MOJIBAKE.find(text)
    assert len(findings) == 200
    assert "in a document too long" in findings[0].message
    assert accept_all(text, findings) == ftfy_fixed(text)


def test_every_rule_on_a_huge_line_fixes_once_and_for_all():
    text = (damaged("Le café “ouvert” ") + "[ad_1] and more words, said one. ") * 1500
    once = clean(text, ALL, Policy(unsafe=True, min_confidence=0.0))
    assert "[ad_1]" not in once and "café “ouvert”" in once
    assert clean(once, ALL, Policy(unsafe=True, min_confidence=0.0)) == once


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Aé b Aé", [(0, 7, "Xé b Xé")]),  # a plain gap is passed over
        ("Aé, it's Aé", [(0, 11, "Xé, it's Xé")]),
        ("Aé. Aé", [(0, 2, "Xé"), (4, 6, "Xé")]),  # never across a sentence end
        ("Aé [ad_2] Aé", [(0, 2, "Xé"), (10, 12, "Xé")]),  # nor a residue token
        ("Aé\u200b Aé", [(0, 2, "Xé"), (4, 6, "Xé")]),  # nor an invisible character
        ("Aé\u00a0Aé", [(0, 2, "Xé"), (3, 5, "Xé")]),  # nor an odd space
        ("Aé bbbbbbbbbbb Aé", [(0, 2, "Xé"), (15, 17, "Xé")]),  # nor past the span (12 here)
    ],
)
def test_merge_runs(line: str, expected: list):
    changes = [(m.start(), m.end(), "Xé", 0.95) for m in re.finditer("Aé", line)]
    assert [c[:3] for c in unicode.merge_runs(line, changes, 12)] == expected


@pytest.mark.parametrize(
    ("text", "lo", "hi", "cut"),
    [
        ("abc def ghi", 1, 10, 8),  # after the last space
        ("abcÃ  def", 1, 8, 6),  # not after "Ã " (a lost non-breaking space): the space before
        ("xxÃ xxy", 1, 6, 6),  # no usable space: between two ASCII characters
        ("ÃÃÃÃÃÃ", 1, 5, 5),  # neither: at the limit
    ],
)
def test_cut_never_splits_a_mojibake_sequence(text: str, lo: int, hi: int, cut: int):
    assert unicode._cut(text, lo, hi) == cut


LINE_BREAKS = st.sampled_from(["\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029", ""])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(
                st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"), max_size=5
            ),
            LINE_BREAKS,
        )
    )
)
def test_segments_are_the_lines_of_splitlines_but_for_u0085(parts: list[tuple[str, str]]):
    """U+0085 is a byte of mojibake (``先`` read as Latin-1 is ``å\\x85\\x88``), so no segment ends there."""
    text = "".join(a + b for a, b in parts)
    expected: list[str] = []
    for line in text.splitlines(keepends=True):
        if expected and expected[-1].endswith("\x85"):
            expected[-1] += line
        else:
            expected.append(line)
    assert [text[lo:hi] for lo, hi, _ in unicode._segments(text)] == expected


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.text(st.sampled_from("ab Ã\x85\r\n"), max_size=12), LINE_BREAKS), max_size=12),
    st.integers(2, 30),
    st.randoms(use_true_random=False),
)
def test_segments_from_hits_are_the_segments_holding_a_hit(parts: list[tuple[str, str]], long_line: int, rnd: random.Random):
    """_segments(text, hits) walks from the hits to their lines (and windows); it must give what the scan of every line gives."""
    text = "".join(a + b for a, b in parts)
    breaks = {m.start() for m in unicode._LINE_BREAK.finditer(text)} | {m.end() - 1 for m in unicode._LINE_BREAK.finditer(text)}
    places = [i for i in range(len(text)) if i not in breaks]
    hits = sorted(rnd.sample(places, rnd.randint(0, len(places))))

    def holding(segments):
        return [(lo, hi, w) for lo, hi, w in segments if any(lo <= h < hi for h in hits)]

    with mock.patch.object(unicode, "LONG_LINE", long_line):
        assert holding(unicode._segments(text, hits)) == holding(unicode._segments(text))
        assert all(
            any(lo <= h < hi for h in hits) for lo, hi, w in unicode._segments(text, hits) if not w
        )  # whole lines: only those with a hit


# long lines made of the property tests' damage, at sizes where windows and runs happen
PROSE = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Cf")), max_size=8)
INLINE = st.sampled_from(["[ad_1]", "â€™", "Ã©", "cafÃ©", "naÃ¯ve", "“", "&amp;", "é", "\u200b", "\u00ad", "\x07", " ", "Ã ", ". "])
LINE = st.lists(st.one_of(PROSE, INLINE, INLINE), min_size=10, max_size=60).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LINE)
def test_windows_and_runs_keep_the_invariants(text: str):
    """Valid, non-overlapping spans. Not idempotence at these sizes: fixing
    moves the window cuts, and ftfy judges a lone ``Â `` by its neighbours
    (hypothesis found one at 40-character windows; see docs/unicode.md)."""
    with small_windows():
        findings = ALL.find(text)
        for f in findings:
            assert 0 <= f.start <= f.end <= len(text)
        fixes = sorted((f.start, f.end) for f in findings if f.is_fix)
        assert all(end <= start for (_, end), (start, _) in itertools.pairwise(fixes))


@pytest.mark.parametrize("text", ["", "one line", "a\nb\n\nc", "\n\nend\n", "é\nü\r\nx"])
def test_line_index_agrees_with_line_col(text: str):
    index = LineIndex(text)
    assert [index.line_col(i) for i in range(len(text) + 1)] == [line_col(text, i) for i in range(len(text) + 1)]


@pytest.mark.parametrize("text", ["", "one line", "a\nb\n\nc", "\n\nend\n", "é\nü\r\nx"])
def test_line_around_agrees_with_searching_for_the_newlines(text: str):
    ctx = DocContext(text)
    for start, end in itertools.combinations_with_replacement(range(len(text) + 1), 2):
        line_end = text.find("\n", end)
        assert ctx.line_around(start, end) == (text.rfind("\n", 0, start) + 1, line_end if line_end >= 0 else len(text))


def test_overlap_resolution_in_blocks_equals_the_naive_greedy():
    rng = random.Random(3)
    spans = [(a, a + rng.choice([0, 1, 2, 5, 9])) for a in (rng.randrange(1500) for _ in range(1500))]
    findings = [Finding("r", a, b, "", "") for a, b in spans]
    naive: list[Finding] = []
    for f in findings:
        if not any(_overlaps(f, k) for k in naive):
            naive.append(f)
    with mock.patch.object(engine, "_BLOCK", 4):
        assert _greedy(findings) == naive


@settings(max_examples=300)
@given(st.text(alphabet="ab\r\n\ud83d\ude00é", max_size=60))
def test_windows_never_split_crlf_or_a_surrogate_pair(text):
    with small_windows(long_line=8):
        segments = list(unicode._segments(text))
    assert [lo for lo, _, _ in segments[1:]] == [hi for _, hi, _ in segments[:-1]]  # contiguous
    assert (segments[0][0], segments[-1][1]) == (0, len(text)) if text else segments == []
    for _, hi, _ in segments[:-1]:
        assert not unicode._joined(text, hi), (text, segments)


def test_a_crlf_at_a_window_cut_stays_one_line_break_with_fix_line_breaks():
    spec = dataclasses.replace(MOJIBAKE.specs[0], params={"fix_line_breaks": True})
    text = "xx" + damaged("café") + "\r\nnext\n"  # the \r\n straddles the first window's end
    with small_windows(long_line=8, merge_above=64):
        findings = list(unicode.FtfyMatcher(spec).find(DocContext(text)))
    assert accept_all(text, findings) == "xxcafé\r\nnext\n"  # was "xxcafé\n\nnext\n": the \r alone became a line break


# -- the coarse merge: runs that cross sentence ends, never what other rules own ---------------


def _coarse(text: str, others: list[Finding], span: int = 40, windows: list[tuple[int, int]] | None = None) -> list[tuple]:
    """coarse_runs over a fix ``Aé`` -> ``Xé`` at each ``Aé`` of ``text`` plus ``others``, as (rule, start, end, replacement)."""
    moji = [Finding("m", m.start(), m.end(), "Xé", "", 0.9) for m in re.finditer("Aé", text)]
    findings = sorted(moji + others, key=lambda f: (f.start, f.end, f.is_flag, f.rule))
    crowded = [("m", lo, hi) for lo, hi in windows or [(0, len(text))]]
    return [(f.rule, f.start, f.end, f.replacement) for f in unicode.coarse_runs(text, findings, crowded, span)]


@pytest.mark.parametrize(
    ("text", "others", "expected"),
    [
        # across sentence ends, which the careful merge never passes
        ("Aé. Aé! Aé", [], [("m", 0, 10, "Xé. Xé! Xé")]),
        # never across a control, an odd or invisible space, a bracket token, an entity or markup
        ("Aé.\x07 Aé", [], [("m", 0, 2, "Xé"), ("m", 5, 7, "Xé")]),
        ("Aé.\u00a0Aé", [], [("m", 0, 2, "Xé"), ("m", 4, 6, "Xé")]),
        ("Aé.\u200b Aé", [], [("m", 0, 2, "Xé"), ("m", 5, 7, "Xé")]),
        ("Aé. [ad_1] Aé", [], [("m", 0, 2, "Xé"), ("m", 11, 13, "Xé")]),
        ("Aé &amp; Aé", [], [("m", 0, 2, "Xé"), ("m", 9, 11, "Xé")]),
        ("Aé <b>x</b> Aé", [], [("m", 0, 2, "Xé"), ("m", 12, 14, "Xé")]),
        # nor over another rule's fix, which stays
        ("Aé. Read more. Aé", [Finding("r", 4, 14, "", "")], [("m", 0, 2, "Xé"), ("r", 4, 14, ""), ("m", 15, 17, "Xé")]),
        # nor past the span (40 here)
        ("Aé. " + "b" * 40 + " Aé", [], [("m", 0, 2, "Xé"), ("m", 45, 47, "Xé")]),
        # a flag must hold the run wholly or miss it: one sentence flagged stops the merge at its ends ...
        (
            "Aé. Aé bad. Aé",
            [Finding("g", 4, 11, None, "")],
            [("m", 0, 2, "Xé"), ("m", 4, 6, "Xé"), ("g", 4, 11, None), ("m", 12, 14, "Xé")],
        ),
        # ... a flag holding all of them lets them merge (and stays), one exactly as long as the run does not
        ("x Aé. Aé.", [Finding("g", 0, 9, None, "")], [("g", 0, 9, None), ("m", 2, 8, "Xé. Xé")]),
        ("Aé. Aé", [Finding("g", 0, 6, None, "")], [("m", 0, 2, "Xé"), ("g", 0, 6, None), ("m", 4, 6, "Xé")]),
        # another rule's findings are not merged
        ("Aé. Aé", [Finding("r", 2, 3, ";", "")], [("m", 0, 2, "Xé"), ("r", 2, 3, ";"), ("m", 4, 6, "Xé")]),
    ],
)
def test_coarse_runs(text: str, others: list[Finding], expected: list[tuple]):
    assert _coarse(text, others) == expected


def test_coarse_runs_stay_in_their_window():
    assert _coarse("Aé. Aé. Aé", [], windows=[(0, 4), (4, 10)]) == [("m", 0, 2, "Xé"), ("m", 4, 10, "Xé. Xé")]


def test_coarse_runs_merge_nothing_outside_a_crowded_window():
    assert _coarse("Aé. Aé", [], windows=[(10, 20)]) == [("m", 0, 2, "Xé"), ("m", 4, 6, "Xé")]


#: one sentence of a long line, repeated; each holds one or two mojibake words and, in some, what another rule owns
UNITS = {
    "mixed": damaged("The café owner said “yes” ") + "and the reporter wrote it down. ",
    "one word a sentence": damaged("Le café") + " was open on Monday. ",
    "ad token": damaged("Le café") + " was open. [ad_1] ",
    "control": damaged("Le café") + " was open.\x07 ",
    "odd space": damaged("Le café") + " was open.\u00a0",
    "entity": damaged("Le café") + " &amp; more. ",
    "zero width": damaged("Le café") + " was\u200b open. ",
}
#: what the mojibake rule must leave to the rule that owns it
OWNED = re.compile("\\[ad_1\\]|\x07|\u00a0|&amp;|\u200b")


def _windows_of(text: str) -> list[tuple[int, int]]:
    return [(lo, hi) for lo, hi, _ in unicode._segments(text)]


@pytest.mark.parametrize("unit", list(UNITS.values()), ids=list(UNITS))
def test_a_crowded_window_has_bounded_runs_that_cut_nothing_and_fix_once(unit: str):
    text = unit * 400
    with small_windows(long_line=4000, merge_above=8, span=512, coarse=1000):
        findings = ALL.find(text)
        windows = _windows_of(text)
        moji = [f for f in findings if f.rule == "unicode.mojibake"]
        owned = [m.span() for m in OWNED.finditer(text)]
        for lo, hi in windows:
            inside = [f for f in moji if lo <= f.start < hi]
            blockers = sum(lo <= a < hi for a, _ in owned) + sum(lo <= f.start < hi for f in findings if f.rule != "unicode.mojibake")
            assert len(inside) <= 2 * (hi - lo) // unicode.COARSE_SPAN + 2 + 2 * blockers, (lo, hi, len(inside), blockers)
        policy = Policy(unsafe=True, min_confidence=0.0)
        once = clean(text, ALL, policy)
        assert clean(once, ALL, policy) == once
        with mock.patch.object(unicode.FtfyMatcher, "coarsen", lambda self, ctx, found: found):
            careful = ALL.find(text)
            # a run cuts nothing another rule owns that the word-sized findings did not already cut
            # (ftfy decodes ``&amp;`` next to mojibake, and the word diff may leave ``amp;``: no change here)
            cut = {(a, b) for a, b in owned for f in careful if f.rule == "unicode.mojibake" and f.start < b and a < f.end}
            for f in moji:
                assert f.end - f.start <= unicode.COARSE_SPAN
                assert all((a, b) in cut for a, b in owned if f.start < b and a < f.end), text[f.start : f.end]
            # the flags are those the careful runs gave, and fixing gives what it gave
            assert [f for f in findings if f.is_flag] == [f for f in careful if f.is_flag]
            assert clean(text, ALL, policy) == once
    if not OWNED.search(unit):  # nothing stops the merge: far fewer findings than a run a sentence
        assert len(moji) * 4 < len([f for f in careful if f.rule == "unicode.mojibake"])


def test_a_huge_mixed_line_at_real_sizes_gives_a_few_runs_a_window():
    text = UNITS["mixed"] * 4000  # 232,000 characters, a damaged word in every sentence
    findings = MOJIBAKE.find(text)
    assert len(findings) <= 2 * len(text) // unicode.COARSE_SPAN + 2 * len(_windows_of(text))  # was 4,000: a run a sentence
    assert accept_all(text, findings) == ftfy_fixed(text)


@pytest.mark.parametrize(
    "text",
    ["", "one two one", "café, naïve; café", "a1b2_c d-e", "Ünïcödé wörds ánd ASCII words ánd", "x" * 50, "é " * 40],
)
def test_letter_runs_of_a_huge_text_are_collected_a_stretch_at_a_time(text: str):
    from scrubber import wordruns

    with mock.patch.object(wordruns, "_CHUNK", 3):
        chunked = wordruns.letter_runs(text)
    assert chunked == set(re.findall(r"[^\W\d_]+", text)) == wordruns.letter_runs(text)


@pytest.mark.parametrize(
    "text",
    ["", "the the", "a b the court, the court c", "naïve naïve end", "x’s x’s", "one-two one-two " * 5, "é" * 30 + " é"],
)
def test_repeat_candidates_of_a_huge_text_are_those_of_the_whole(text: str):
    from scrubber import wordruns
    from scrubber.kinds.garble import _repeat_candidates
    from scrubber.kinds.mark_scan import equal_neighbours_python

    text = "ü " + text  # off the ASCII fast path
    whole = equal_neighbours_python(wordruns._RUN.findall(text.lower()))
    with mock.patch.object(wordruns, "_CHUNK", 3):
        assert _repeat_candidates(text)[:2] == whole


@pytest.mark.parametrize("text", ["", "   ", "the cat and the dog", "Le chat et le chien\u00a0of the town", "word\x1cword of\tthe x"])
def test_english_ratio_of_a_huge_sentence_is_counted_a_stretch_at_a_time(text: str):
    from scrubber.kinds import language

    whole = language.english_ratio(text)
    with mock.patch.object(language, "_LONG_SENTENCE", 2):
        assert language.english_ratio(text) == whole


def _rebuilt(a: list[str], b: list[str], blocks: list[tuple[int, int, int, int]]) -> list[str]:
    """``a`` with each block replaced by its part of ``b``: must give ``b``, and the gaps must really be equal."""
    out: list[str] = []
    pos = last_j = 0
    for i1, i2, j1, j2 in blocks:
        assert a[pos:i1] == b[last_j:j1], "an 'equal' stretch that is not"
        out += a[pos:i1] + b[j1:j2]
        pos, last_j = i2, j2
    assert a[pos:] == b[last_j:]
    return out + a[pos:]


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(["the", " ", "cat", "Â", "\xa0", "sat", ".", "on", "mat"]), max_size=300),
    st.lists(st.tuples(st.integers(0, 299), st.integers(0, 3), st.lists(st.sampled_from(["x", " ", "cat", "é"]), max_size=3)), max_size=8),
)
def test_resync_blocks_turn_one_list_into_the_other(a: list[str], edits) -> None:
    """Whatever the edits (few or many, repeated words, edits at the ends), the blocks rebuild ``b`` from ``a``."""
    b = list(a)
    for at, cut, new in sorted(edits, reverse=True):
        b[at : at + cut] = new
    assert _rebuilt(a, b, unicode._resync_blocks(a, b)) == b


def test_a_long_line_whose_fix_changes_its_piece_count_is_diffed_in_linear_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """``Â`` before a no-break space: the fix joins two runs of spaces, so pieces cannot pair one for one.

    Not a timing test: difflib (whose longest-match search took 50 s on 300 KB of such a line) may
    only see the small differing stretches, never the line's pieces.
    """
    real = unicode.difflib.SequenceMatcher

    def small_only(junk, a, b, autojunk=True):  # type: ignore[no-untyped-def]
        assert len(a) < 50 and len(b) < 50, "difflib was given the whole line"
        return real(junk, a, b, autojunk=autojunk)

    monkeypatch.setattr(unicode.difflib, "SequenceMatcher", small_only)
    words = [f"w{k % 997}" for k in range(6000)]
    for k in range(0, 6000, 40):
        words[k] = "Â\xa0x"
    old = " ".join(words)
    new = old.replace("Â\xa0", "\xa0")
    regions = unicode.diff_regions(old, new)
    assert len(regions) == 150 and all(old[i1:i2].replace("Â", "") == new[j1:j2] for i1, i2, j1, j2 in regions)
