"""A one-character pattern tried by the branches that can take the character gives the whole pattern's match (scrubber.kinds.by_mark)."""

from __future__ import annotations

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st
from test_scan_hints import ALPHABET

from scrubber.kinds import garble
from scrubber.kinds.by_mark import ByMark, branches, consumed

STRAY = garble._STRAY_BY_MARK


def _same_everywhere(by_mark: ByMark, text: str) -> None:
    for pos in range(len(text) + 1):
        whole = by_mark.pattern.match(text, pos)
        fast = by_mark.match(text, pos)
        if whole is None:
            assert fast is None, (text, pos)
            continue
        assert fast is not None, (text, pos)
        assert fast.span() == whole.span()
        assert {n: fast.group(n) for n in by_mark.pattern.groupindex} == whole.groupdict()


#: every example in the comments of :data:`garble._STRAY`, and the marks in other company
EXAMPLES = [
    'word^ word   word_ word\ta- fund\npre- and post-war, home- to other, mid- to late, the- 1970s, made- "them"',
    "not? the   players'! plans, the, a. of, new and. of; new from: new will: run, in: which, be: aware, would be: 10",
    "February: 11 house; of plan: was context: which people; could word,; word;, word,? e.g.,! word,- ),~ (km)_ south",
    "was' moved U.S.. and ... than, 1.4 in, December 70, km place: respectively able; to managed: to",
    "characterized by, an upon, the nation's, most it's, the Each temple, had The first; three",
    "The Director. of Calif. of cells' can have' been, from' 2005 players' can 'quoted' word",
    "was' can this’ will",  # two branches match each mark: the first (no group) wins, not `plural`
    "Ümlaut- x é? à ²: 3\r\nx ;\u00a0of x\u2019 been, the’ x\t;\t|\t@ x~ y",
]


@pytest.mark.parametrize("text", EXAMPLES)
def test_stray_on_examples(text: str) -> None:
    assert any(STRAY.pattern.match(text, p) for p in range(len(text)))
    _same_everywhere(STRAY, text)


@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_stray_on_made_up_texts(text: str) -> None:
    _same_everywhere(STRAY, text)


@given(st.text(max_size=30))
def test_stray_on_any_text(text: str) -> None:
    _same_everywhere(STRAY, text)


def test_stray_is_read_as_32_one_character_branches() -> None:
    source = garble._STRAY.pattern
    parts = branches(source, verbose=True)
    assert "|".join(parts) == source
    assert len(parts) == len(STRAY._atoms) == 32
    assert STRAY.for_char(":") is not None and STRAY.for_char("x") is None


@pytest.mark.parametrize(
    ("branch", "atom"),
    [
        (r"(?<=a)[,;](?=b)", "[,;]"),
        (r"(?<!(?:x|y)[)])\.(?![.])", r"\."),
        (r"(?P<g>(?<=\p{Ll}s)['’](?=[ \t]+x))", "['’]"),
        (r"(?<=a)-  # a comment (with a paren", "-"),
        (r"\p{Lu}(?=x)", r"\p{Lu}"),
    ],
)
def test_consumed_atom(branch: str, atom: str) -> None:
    assert consumed(branch, verbose=True) == atom


@pytest.mark.parametrize(
    "pattern",
    [
        r"(?<=a)ab",  # two characters
        r"(?<=a)a+",
        r"(?<=a)\b",  # zero width
        r"(?<=a)(?:,|;)",  # a group that is no look-around
        r"(?<=a)x|^",
        r"(?<=a).",
    ],
)
def test_refused(pattern: str) -> None:
    with pytest.raises(ValueError):
        ByMark(regex.compile(pattern, regex.VERSION0))


def test_refuses_version1() -> None:
    with pytest.raises(ValueError):
        ByMark(regex.compile(r"[,;]", regex.VERSION1))


def test_groups_the_subset_lacks_are_none() -> None:
    toy = ByMark(regex.compile(r"(?P<comma>(?<=a),)|(?<=b)[,;]|(?P<semi>;(?=c))"))
    for text in ["a,", "b,", "b;", "x;c", "a;c", "b;c", ""]:
        _same_everywhere(toy, text)
    assert toy.match("b,", 1).group("semi") is None
