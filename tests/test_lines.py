"""The line/block kinds: zones at the start and the end of a document."""

from __future__ import annotations

import pytest
import regex

from scrubber.engine import Engine, accept_all
from scrubber.kinds.base import PackError, RuleSpec


def rule(rule_id: str, pattern: str, where: str = "anywhere", kind: str = "line", **extra) -> RuleSpec:
    return RuleSpec(id=rule_id, kind=kind, action="strip", description=rule_id, params={"pattern": pattern, "where": where, **extra})


@pytest.fixture(autouse=True)
def _no_article_minimum(monkeypatch):
    """These cases stand a one-word ``Body.`` for the article; the terminator's article minimum is tested in test_residue."""
    from scrubber.kinds import lines

    monkeypatch.setattr(lines, "TERMINATOR_MIN_ABOVE", 0)
    monkeypatch.setattr(lines, "TERMINATOR_MIN_RATIO", 0.0)


ENGINE = Engine(
    [
        rule("r.ad", r"\[ad_\d\]"),
        rule("r.source", "Source link", "end"),
        rule("r.share", "Share this:", "end"),
        rule("r.skip", "Skip to content", "start"),
        rule("r.related", "Related Posts:", "end", kind="block", max_after=3),
    ]
)

CASES = [
    # (text, expected after fixing)
    ("Body.\nSource link", "Body.\n"),
    ("Body.\nSource link\nShare this:\n", "Body.\n"),
    ("Body.\n\nSource link\n\nShare this:\n\n", "Body.\n"),  # no blank line left at the end
    ("Body.\n\n\nSource link", "Body.\n"),
    ("Source link\nBody goes on.\nEnds.", "Source link\nBody goes on.\nEnds."),  # not at the end
    ("Skip to content\nBody.", "Body."),
    ("Ferry fares rise\nSkip to content\nBody.", "Ferry fares rise\nBody."),  # residue under the title
    ("Ferry fares rise\n\nSkip to content\n\nBody.", "Ferry fares rise\n\nBody."),
    ("The fares rose.\nSkip to content\nBody.", "The fares rose.\nSkip to content\nBody."),  # a sentence is no title
    ("Ferry fares rise\nOn the quay\nSkip to content\nBody.", "Ferry fares rise\nOn the quay\nSkip to content\nBody."),  # one title only
    ("Body.\nSkip to content\nMore.", "Body.\nSkip to content\nMore."),  # start-only rule in the middle
    ("A.\n\n[ad_1]\n\nB.", "A.\n\nB."),
    ("Body.\nRelated Posts:\nTen tips\nMore tips\nShare this:", "Body.\n"),
    ("Body.\nRelated Posts:\n1\n2\n3\n4\n5", "Body.\nRelated Posts:\n1\n2\n3\n4\n5"),  # block too long
    ("   Source link   ", ""),
    ("Body.\r\nSource link\r\n", "Body.\r\n"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_zones(text: str, expected: str):
    assert accept_all(text, ENGINE.find(text)) == expected


@pytest.mark.parametrize(("text", "_"), CASES)
def test_fixing_twice_equals_once(text: str, _):
    once = accept_all(text, ENGINE.find(text))
    assert accept_all(once, ENGINE.find(once)) == once


def test_every_removed_line_names_its_rule():
    text = "Body.\nRelated Posts:\nTips\nSource link\nShare this:"
    assert [f.rule for f in ENGINE.find(text)] == ["r.related", "r.source", "r.share"]


def test_a_pattern_whose_whitespace_could_cross_lines_still_matches_line_by_line():
    engine = Engine([rule("r.ad", r"(?:\[ad_\d\]\s*)+"), rule("r.src", r"Source link(?:\s*\[ad_\d\])*", "end")])
    text = "Body.\nSource link\n[ad_0] "
    assert [f.rule for f in engine.find(text)] == ["r.src", "r.ad"]
    assert accept_all(text, engine.find(text)) == "Body.\n"


def test_lines_longer_than_max_line_are_article_text():
    from scrubber.kinds.lines import MAX_LINE

    long_line = "Source link " * (MAX_LINE // 12 + 1)
    engine = Engine([rule("r.src", r"(?:Source link\s*)+", "end")])
    assert engine.find("Body.\n" + long_line) == []
    assert [f.rule for f in engine.find("Body.\n" + long_line[:MAX_LINE].strip())] == ["r.src"]


@pytest.mark.parametrize(
    "text",
    [
        "WATCH: Council votes to close the old mill\nThe council voted on Monday.\n",
        "[ad_1]\n\nWATCH: Council votes to close the old mill\nThe council voted on Monday.\n",
        "Mayor opens the new bridge [VIDEO]\nThe mayor opened it on Friday.\n",
    ],
)
def test_a_headline_shaped_first_line_is_the_title_not_a_link(text: str):
    from scrubber import default_engine

    engine = default_engine(select=["residue"])
    once = accept_all(text, engine.find(text))
    assert ("WATCH: Council" in once) or ("bridge [VIDEO]" in once)
    assert accept_all(once, engine.find(once)) == once
    later = "The council voted on Monday.\n" + text
    assert [f.rule for f in engine.find(later) if f.rule in ("residue.read-more-link", "residue.tagged-link")]


BOTH = Engine(
    [
        rule("r.links", "You may also like", "anywhere", kind="block", follow="headlines", max_after=5),
        rule("r.end", "You may also like|Comments", "end", kind="block", max_after=4),
    ]
)


@pytest.mark.parametrize(
    ("text", "expected", "rule_id"),
    [
        # headlines under the marker: the first rule's headline block takes them
        ("Body.\nYou may also like\nTen tips\nMore tips\n", "Body.\n", "r.links"),
        # prose under the marker at the end: the headline block cannot take it, the terminator can
        ("Body.\nYou may also like\nA teaser of another story. It runs on.\nAnother one.\n", "Body.\n", "r.end"),
        # prose under it, too far from the end for the terminator: only the heading goes
        ("Body.\nYou may also like\nA.\nB.\nC.\nD.\nE.\n", "Body.\nA.\nB.\nC.\nD.\nE.\n", "r.links"),
    ],
)
def test_a_marker_of_two_blocks_ends_the_article_when_only_the_terminator_fits(text: str, expected: str, rule_id: str):
    findings = BOTH.find(text)
    assert accept_all(text, findings) == expected
    assert [f.rule for f in findings] == [rule_id]
    once = accept_all(text, findings)
    assert accept_all(once, BOTH.find(once)) == once


REPEATS = Engine([rule("r.teaser", r"[^\n]{5,80}\w\.\.\.", min_matches=3), rule("r.ad", r"\[ad_\d\]")])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # three cut-off teasers: the widget goes
        ("Body.\nFerry fares ri...\nNew quay ope...\nStorm clos...\nEnd.", "Body.\nEnd."),
        # two: a paragraph may trail off, so nothing goes (other rules still work)
        (
            "Body.\nAnd then it happened...\n[ad_1]\nThen it happened again...\nEnd.",
            "Body.\nAnd then it happened...\nThen it happened again...\nEnd.",
        ),
    ],
)
def test_min_matches_takes_a_rule_s_lines_only_when_the_shape_repeats(text: str, expected: str):
    once = accept_all(text, REPEATS.find(text))
    assert once == expected
    assert accept_all(once, REPEATS.find(once)) == once


def test_min_matches_below_one_is_a_pack_error():
    with pytest.raises(PackError, match="min_matches"):
        Engine([rule("r.bad", "x", min_matches=0)])


@pytest.mark.parametrize(
    ("pattern", "reference"), [(r"(\w+) \1", r"\1"), (r"(a)\g<1>", r"\g<1>"), (r"(a)(?1)", "(?1)"), (r"(a)?(?(1)b|c)", "(?(1)")]
)
def test_a_line_pattern_referring_to_a_group_by_number_is_refused(pattern: str, reference: str):
    # in the joined alternation the numbers shift, and the rule would silently never match
    with pytest.raises(PackError, match=rf"refers to a group by number \({regex.escape(reference)}\).*\(\?P<word>\\w\+\) \(\?P=word\)"):
        Engine([rule("r.twice", pattern)])


@pytest.mark.parametrize("pattern", [r"[\1] x", r"\\1 x", r"\d{1,2} x", r"\[1\] x"])
def test_escapes_and_classes_are_no_numbered_reference(pattern: str):
    Engine([rule("r.fine", pattern)])


def test_named_references_work_in_the_joined_alternation():
    engine = Engine([rule("r.twice", r"(?P<w>\w+) (?P=w)"), rule("r.thrice", r"(?P<w>\d+)-(?P=w)-(?P=w)")])
    found = engine.find("Body.\nclick click\n7-7-7\nclick clack\n")
    assert [(f.rule, f.start) for f in found] == [("r.twice", 6), ("r.thrice", 18)]


def test_a_line_pattern_may_not_use_the_rule_group_names():
    with pytest.raises(PackError, match="group names starting with 'scrubber_rule_'"):
        Engine([rule("r.odd", r"(?P<scrubber_rule_0>Share) this")])


def test_no_spelling_of_an_invisible_character_is_a_prefix_of_another():
    """Why the order of SPELLED_INVISIBLE's alternatives changes no match (they are sorted for a stable pattern string).

    A mojibake spelling is the whole of one character's UTF-8 bytes decoded
    as cp1252 or latin-1, so none is a prefix of another: at a position at
    most one of them matches. Entities end at their ``;`` and the numbers and
    names inside hold none, so at a position at most one entity matches too.
    """
    from scrubber.kinds import lines

    mojibake = lines._mojibake_spellings(lines._invisible_targets())
    assert len(mojibake) > 100 and all(regex.escape(m) in lines.SPELLED_INVISIBLE for m in mojibake)
    assert not [(a, b) for a in mojibake for b in mojibake if a != b and b.startswith(a)]


@pytest.mark.parametrize(
    ("pattern", "local"),
    [
        ("Share this:", True),
        (r"^x", True),  # the first line is remembered apart
        (r"(?<![^\n])x", True),  # a class without the line break: the break before a line answers as the start of text does
        (r"(?<=\S)x|(?<=[.!])y|(?<=\p{Lu}\p{Lu})s", True),
        (r"(?<=\b\p{Lu})\.|(?<=(?i:ab|c))x|(?<=(a|b))x", True),
        (r"(?<=[^\S\n])x|(?<=\x41)x|(?<=\0)x", True),
        (r"[(?<=\n)]x|\(?<=\n)x", True),  # no look-behind: a class, an escaped parenthesis
        (r"(?<=b\n)cd", False),  # sees the line above
        ("(?<=\n)x", False),
        (r"(?<=\s)x", False),
        (r"(?<=\W)x", False),
        (r"(?<=\p{Cc})x", False),
        (r"(?<=.)x", False),  # a dot takes a line break with DOTALL: not judged
        (r"(?<=\x0a)x|y", False),
        (r"(?<=\x{a})x", False),
        (r"(?<=\012)x", False),
        (r"(?<=\U0000000a)x", False),
        (r"(?<=\N{LINE FEED})x", False),
        (r"(?<=(?=a)a)x", False),  # a nested look-around: not judged
        (r"(?<=a{e<=1})x", False),  # a fuzzy match may take any character
        (r"(?P<w>a)(?<=(?P=w))x", False),
        (r"(?x) a (?<=a) x", False),
        (r"(?r)(?<=a)x", False),
    ],
)
def test_which_patterns_match_a_line_whatever_stands_before_it(pattern: str, local: bool):
    from scrubber.kinds.lines import line_local

    assert line_local(pattern) is local


@pytest.mark.parametrize(
    ("rules", "text", "expected"),
    [
        # a look-behind that sees the line above: the same line matches after one line and not after another
        ([rule("r.after-b", "(?<=b\n)cd")], "b\ncd\nx\ncd\nb\ncd\n", [2, 12]),
        # an anchor: only the first line is at the start of the text
        ([rule("r.first", "^cd")], "cd\ncd\ncd\n", [0]),
        ([rule("r.share", "Share this:"), rule("r.after-space", r"(?<![^\n])cd")], "cd\nShare this:\ncd\nShare this:\n", [0, 3, 15, 18]),
    ],
)
def test_a_line_met_again_matches_as_it_did_where_nothing_before_it_counts(rules: list, text: str, expected: list):
    """The matcher remembers what a line's text matched only where no rule looks past the line (its first line apart)."""
    engine = Engine(rules)
    for _ in range(2):  # the second time every line is one met before
        assert [f.start for f in engine.find(text)] == expected
        assert [f.start for f in engine.find("z\n" + text)] == [2 + s for s in expected if s or rules[0].id != "r.first"]
