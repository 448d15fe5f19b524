"""The fast paths of the Unicode family give what the slow ones give.

Each optimisation in ``scrubber.kinds.unicode`` / ``legacy`` replaces a
slower computation whose result it must equal exactly; these cases pin that
down on text written for the purpose (mojibake, legacy damage, mixed lines).
"""

from __future__ import annotations

import re

import ftfy
import pytest

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
