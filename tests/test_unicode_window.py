"""The mojibake rule hands ftfy only the damaged stretch of a line (``unicode.damaged_window``).

That is exact only because of how ftfy's encoding step is built; these
tests hold each reason for the installed ftfy (so an ftfy release that
changes one fails here, not silently in users' output), and compare the
narrowed repair with ftfy's own on the whole line.
"""

from __future__ import annotations

import re

import ftfy
import pytest
from ftfy import badness, chardata
from hypothesis import given, settings
from hypothesis import strategies as st

from scrubber import default_engine
from scrubber.kinds import unicode as uni

try:  # the stdlib's regex parser (sre_parse before Python 3.11)
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

PRINTABLE = {chr(c) for c in range(0x20, 0x7F)}
_CATEGORIES = {
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
}


def _printable_in(op, av) -> set[str]:
    """The printable ASCII characters one character-matching regex node can match."""
    name = op.name
    if name == "LITERAL":
        return {chr(av)} & PRINTABLE
    if name == "NOT_LITERAL":
        return PRINTABLE - {chr(av)}
    if name == "ANY":
        return set(PRINTABLE)
    if name == "IN":
        negate = any(o.name == "NEGATE" for o, _ in av)
        found: set[str] = set()
        for o, a in av:
            if o.name == "LITERAL":
                found |= {chr(a)} & PRINTABLE
            elif o.name == "RANGE":
                found |= {c for c in PRINTABLE if a[0] <= ord(c) <= a[1]}
            elif o.name == "CATEGORY":
                found |= {c for c in PRINTABLE if re.fullmatch(_CATEGORIES[a.name], c)}
            elif o.name != "NEGATE":
                raise AssertionError(f"unexpected class item {o}")
        return PRINTABLE - found if negate else found
    raise AssertionError(f"not a character node: {op}")


def _all_printable_possible(nodes) -> bool:
    """Whether the node sequence can match a string of printable ASCII characters only."""
    possible = True
    for op, av in nodes:
        name = op.name
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue  # zero-width: a match's characters are what the other nodes read
        if name in ("MAX_REPEAT", "MIN_REPEAT"):
            possible &= av[0] == 0 or _all_printable_possible(av[2])
        elif name == "SUBPATTERN":
            possible &= _all_printable_possible(av[-1])
        elif name == "BRANCH":
            possible &= any(_all_printable_possible(alternative) for alternative in av[1])
        else:
            possible &= bool(_printable_in(op, av))
    return possible


def _pattern_facts(pattern: re.Pattern) -> tuple[bool, int]:
    """(can a match be printable ASCII only, the longest match)."""
    source = pattern.pattern.decode("latin-1") if isinstance(pattern.pattern, bytes) else pattern.pattern
    parsed = sre_parse.parse(source, pattern.flags)
    return _all_printable_possible(parsed.data), parsed.getwidth()[1]


@pytest.mark.parametrize(
    "pattern",
    [badness.BADNESS_RE, chardata.ALTERED_UTF8_RE, chardata.LOSSY_UTF8_RE, chardata.C1_CONTROL_RE],
    ids=["badness", "altered-utf8", "lossy-utf8", "c1"],
)
def test_each_bounded_pattern_of_ftfys_encoding_step_needs_a_character_outside_printable_ascii(pattern):
    all_ascii, width = _pattern_facts(pattern)
    assert not all_ascii, "a match made of printable ASCII alone could lie outside the window"
    assert width < uni.WINDOW_MARGIN - 1  # one more for a look-behind or look-ahead character


def test_the_utf8_detector_matches_units_that_each_start_outside_printable_ascii():
    """Unbounded, but a match is a run of short units, each led by a character outside printable ASCII
    (a continuation may be a space, standing for a lost no-break space); ``decode_inconsistent_utf8``
    compares a match's length with the text's, which a window keeps true: it has 16 more characters."""
    pattern = chardata.UTF8_DETECTOR_RE
    parsed = sre_parse.parse(pattern.pattern, pattern.flags).data
    assert [op.name for op, _ in parsed] == ["ASSERT_NOT", "MAX_REPEAT"]
    assert parsed[0][1][0] == -1 and sre_parse.SubPattern(None, parsed[0][1][1]).getwidth() == (1, 1)  # one character behind
    (group,) = parsed[1][1][2]
    (branch,) = group[1][-1]
    for alternative in branch[1][1]:
        head_op, head_av = alternative[0]
        assert not _printable_in(head_op, head_av)
        assert alternative.getwidth()[1] < uni.WINDOW_MARGIN - 1


def test_every_encoding_ftfy_tries_encodes_printable_ascii_as_itself():
    text = "".join(sorted(PRINTABLE))
    for encoding in chardata.CHARMAP_ENCODINGS:
        assert text.encode(encoding) == text.encode("ascii"), encoding


def test_the_installed_ftfy_is_one_the_window_was_checked_against():
    assert uni._NARROWS, f"ftfy {ftfy.__version__}: check damaged_window's reasons, then add the version"


@pytest.mark.parametrize(
    "line, window",
    [
        ("", (0, 0)),
        ("plain ASCII only", (0, 0)),
        ("Ã©", (0, 2)),
        ("x" * 40 + "Ã©" + "y" * 40, (24, 58)),
        ("x" * 40 + "â€™ and â€œ" + "y" * 5, (24, 56)),
        ("tab\there", (0, 8)),
    ],
    ids=["empty", "ascii", "all-damage", "middle", "spread-to-end", "tab-counts-as-outside"],
)
def test_damaged_window(line, window):
    assert uni.damaged_window(line) == window


_DAMAGE = ["â€™", "â€œ", "â€\x9d", "Ã©", "Ã¨", "Ã\xa0", "Â\xa0", "Ã ", "Â ", "Ð¿Ñ€Ð¸", "Ã¢â‚¬â„¢", "Ã‚Â", "\ufffd", "\x85", "é", "’", "“"]
_MATCHER = default_engine(select=["unicode.mojibake"])._matchers[0]
_ASCII = st.text(alphabet=sorted(PRINTABLE), max_size=40)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_ASCII, st.sampled_from(_DAMAGE)), min_size=1, max_size=6), _ASCII)
def test_the_narrowed_repair_is_ftfys_repair_of_the_whole_line(pieces, tail):
    line = "".join(a + b for a, b in pieces) + tail
    config = _MATCHER.config
    expected = ftfy.fix_encoding_and_explain(line, config=config)
    start, end = uni.damaged_window(line)
    fixed, plan = ftfy.fix_encoding_and_explain(line[start:end], config=config)
    assert (line[:start] + fixed + line[end:], plan) == (expected.text, expected.explanation)
    assert _MATCHER.fix(line, config) == tuple(ftfy.fix_and_explain(line, config=config))
