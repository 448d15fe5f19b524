"""The fast paths of the Unicode family give what the slow ones give.

Each optimisation in ``scrubber.kinds.unicode`` / ``legacy`` replaces a
slower computation whose result it must equal exactly; these cases pin that
down on text written for the purpose (mojibake, legacy damage, mixed lines).
"""

from __future__ import annotations

import re

import ftfy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrubber import default_engine
from scrubber.kinds import legacy, unicode
from scrubber.kinds.base import DocContext

LINES = [
    "The mayorâ€™s plan â€“ approved on Monday â€“ costs â‚¬4m.",
    "â€˜Cleanerâ€™ streets, the councilâ€™s â€œpromiseâ€\x9d.",
    "Itâ€™s â€˜fineâ€™, said the cafÃ© owner in SÃ£o Paulo.",
    "Mixed: don’t and donâ€™t on one line.",
    "Lost: caf\ufffd and cafÃ\ufffd here.",
    "Ð\x9cÐ¾Ñ\x81ÐºÐ²Ð° Ð¸ Ð\x9fÐ°Ñ\x80Ð¸Ð¶ â€” two cities.",
    "C1 only: \x93quoted\x94 and \x81 odd.",
    "voilÃ le travail, Ã  bientÃ´t",
    "x" * 420 + " long line with â€œquotesâ€\x9d and cafÃ© " + "y" * 10,
]


@pytest.mark.parametrize("line", LINES)
def test_fix_equals_fix_and_explain(line: str) -> None:
    matcher = default_engine(select=["unicode.mojibake"])._matchers[0]
    expected = ftfy.fix_and_explain(line, config=matcher.config)
    fixed, plan = matcher.fix(line, matcher.config)
    assert (fixed, list(plan or [])) == (expected.text, list(expected.explanation or []))


@pytest.mark.parametrize("line", LINES)
def test_short_line_regions_equal_the_character_diff(line: str) -> None:
    matcher = default_engine(select=["unicode.mojibake"])._matchers[0]
    fixed, _ = matcher.fix(line, matcher.config)
    if len(line) < 400:
        assert unicode.diff_regions(line, fixed) == unicode._char_regions(line, fixed)


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ("Yearâ€™s", "Year’s"),
        ("â€˜Kooky,â€™", "‘Kooky,’"),
        ("cafÃ©", "café"),
        ("aXbXc", "aYbYc"),
        ("abXab", "abYab"),
        ("Ã©tÃ©", "été"),
    ],
)
def test_known_word_opcodes_equal_difflib(x: str, y: str) -> None:
    import difflib

    ops = unicode._core_ops(x, y)
    if ops is not None:
        assert [tuple(op) for op in ops] == difflib.SequenceMatcher(None, x, y, autojunk=False).get_opcodes()


def test_signature_scan_equals_the_alternation() -> None:
    text = "\n".join(LINES) + "\nÂ \u00a0 Ã Ñ\x81 plain ‘text’ – done"
    ctx = DocContext(text)
    hits = unicode.signature_hits(ctx)
    pos = 0
    for line in text.splitlines(keepends=True):
        assert unicode.looks_like_mojibake(line) == any(pos <= h < pos + len(line) for h in hits)
        pos += len(line)


def test_legacy_trigger_equals_the_alternation() -> None:
    suspect, internal = re.escape("".join(legacy.SUSPECT)), re.escape(legacy._INTERNAL)
    old = re.compile(rf"[{suspect}]|(?<=[^\W\d_])[{internal}](?=[^\W\d_])")
    text = "IndiaÕs ÒquoteÓ JŸrgen Stra§e north–south “x” a—b 1990Ð1995 Ð done É"
    assert [m.span() for m in legacy.TRIGGER.finditer(text)] == [m.span() for m in old.finditer(text)]
    assert legacy.candidates_for("IndiaÕs", 7) == legacy._candidates_uncached("IndiaÕs", 7)


def _pair_openers_reference(text: str, fixed: list) -> list:
    """The first implementation of legacy._pair_openers: tokenise the line up to each closer (quadratic)."""
    out = []
    taken = {c.start for c in fixed}
    for cand in fixed:
        if cand.codec != "mac_roman":
            continue
        for closer, opener in legacy._OPENERS.items():
            if not any(real == closer and seen == legacy._CLOSERS[closer] for seen, real in cand.changes):
                continue
            line_start = text.rfind("\n", 0, cand.start) + 1
            tokens = {tm.start(): (tm.end(), tm.group()) for tm in legacy.TOKEN.finditer(text, line_start, cand.start)}
            for start in sorted((s for s in tokens if line_start <= s < cand.start), reverse=True):
                end, tok = tokens[start]
                if tok[0] == opener and len(tok) > 1 and tok[1].isalnum() and start not in taken:
                    new = legacy.TABLES["mac_roman"][opener] + tok[1:]
                    out.append(legacy.Candidate(start, end, new, "mac_roman", cand.confidence, ((opener, new[0]),)))
                    taken.add(start)
                    break
    return out


def _mac_roman_candidates(text: str) -> list:
    return [c for tm in legacy.TOKEN.finditer(text) for c in legacy.candidates_for(tm.group(), tm.start()) if c.codec == "mac_roman"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["ÒyesÓ", "Òquoted", "textÓ", "ÔoneÕ", "Ôtwo", "IndiaÕs", "Ò", "Ó", "word", "Ò1", " ", "\n", "\t"]), max_size=40
    )
)
def test_opener_pairing_equals_the_line_scan(parts: list[str]) -> None:
    text = " ".join(parts)
    fixed = _mac_roman_candidates(text)
    assert legacy._pair_openers(DocContext(text), fixed) == _pair_openers_reference(text, fixed)


def test_opener_pairing_on_a_long_line_pairs_every_quote() -> None:
    text = "He said Òyes and no,Ó then Òmaybe so.Ó " * 2000  # 4,000 pairs on one line: was quadratic
    fixed = _mac_roman_candidates(text)
    paired = legacy._pair_openers(DocContext(text), fixed)
    assert len(paired) == 4000 and all(text[c.start] == "Ò" and c.new.startswith("“") for c in paired)


#: words, mojibake and the white space the pieces split at (odd spaces too)
_DIFF_PIECES = st.lists(st.sampled_from(["a", "b", "Ã©", "é", " ", "  ", "\u00a0", "\x85", "\x1c", "\n", "’", "â€™"]), max_size=16).map(
    "".join
)


@given(old=_DIFF_PIECES, new=_DIFF_PIECES)
def test_middle_pieces_are_the_pieces_between_the_common_ends(old: str, new: str) -> None:
    q, a, b = unicode.middle_pieces(old, new)
    r_old, r_new = q + len("".join(a)), q + len("".join(b))
    full_old, full_new = unicode._PIECES.findall(old), unicode._PIECES.findall(new)
    head, tail_old, tail_new = unicode._PIECES.findall(old[:q]), unicode._PIECES.findall(old[r_old:]), unicode._PIECES.findall(new[r_new:])
    assert old[:q] == new[:q] and tail_old == tail_new
    assert full_old == head + a + tail_old
    assert full_new == head + b + tail_new


def _plain_diff_regions(old: str, new: str) -> list[tuple[int, int, int, int]]:
    """diff_regions over the pieces of the whole strings (before middle_pieces)."""
    import difflib

    a, b = unicode._PIECES.findall(old), unicode._PIECES.findall(new)
    short = len(old) < 400
    if len(a) == len(b):
        changed = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        known = [unicode._core_ops(a[i], b[i]) for i in changed]
        if not short or unicode._separable(old, new, a, b, changed, known):
            return unicode._piece_regions(a, b, [(i, i + 1, i, i + 1) for i in changed], known)
    if short:
        return unicode._char_regions(old, new)
    ops = difflib.SequenceMatcher(None, a, b, autojunk=True).get_opcodes()
    return unicode._piece_regions(a, b, [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in ops if tag != "equal"])


@given(old=_DIFF_PIECES, new=_DIFF_PIECES, pad=st.sampled_from([0, 400]))
def test_diff_regions_equal_the_diff_of_all_pieces(old: str, new: str, pad: int) -> None:
    old, new = "x " * pad + old, "x " * pad + new  # long lines take the piece diff even when counts differ
    assert unicode.diff_regions(old, new) == _plain_diff_regions(old, new)


LINE_BREAK_CASES = [
    "",
    "a",
    "a\r\nb",
    "\r\r\n\n",
    "\r",
    "\n\r",
    "x\u2028y\u2029z",
    "\x0b\x0c\x1c\x1d\x1e",
    "\x85 is no break",
    "a\r\n\r\nb\r",
]


@pytest.mark.parametrize("text", LINE_BREAK_CASES)
def test_line_breaks_as_the_alternation_finds_them(text: str) -> None:
    expected = [m.span() for m in re.finditer(unicode._LINE_BREAK_ALTERNATION, text)]
    assert [m.span() for m in unicode._LINE_BREAK.finditer(text)] == expected


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="a \r\n\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029", max_size=20))
def test_line_breaks_on_random_strings(text: str) -> None:
    expected = [m.span() for m in re.finditer(unicode._LINE_BREAK_ALTERNATION, text)]
    assert [m.span() for m in unicode._LINE_BREAK.finditer(text)] == expected


@pytest.mark.parametrize("text", ["", "plain", "café ’ 😀", "\ud83d\ude00", "a\ud800b", "\udfff", "\udc00\ud800", "\ud7ff\ue000\uffff"])
def test_has_surrogate_is_fix_surrogates_changing(text: str) -> None:
    assert unicode._has_surrogate(text) == (ftfy.fixes.fix_surrogates(text) != text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0xD700, max_codepoint=0xE100, exclude_categories=()), max_size=6))
def test_has_surrogate_on_random_strings(text: str) -> None:
    assert unicode._has_surrogate(text) == (ftfy.fixes.fix_surrogates(text) != text)
