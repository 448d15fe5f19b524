"""The speed-ups of the residue family change no finding.

``requires``/``requires_pattern`` gate costly rules; a gated rule runs alone
and the line still goes to the rule the full alternation would pick.
"""

from __future__ import annotations

import string
from dataclasses import replace

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from scrubber.engine import Engine
from scrubber.kinds.base import Example, PackError, RuleSpec, RuleTimeout
from scrubber.kinds.lines import (
    _INVISIBLE_RE,
    _TYPOGRAPHIC_LINE_CHARACTERS,
    EDGE,
    EDGE_FIRST,
    EDGE_LAST,
    LONG_PREFIX,
    MAX_LINE,
    PREFIX,
    SHORT_LINE,
    TYPOGRAPHIC,
    KeywordIndex,
    LineGroupMatcher,
    _any_of,
    _core_pattern,
    _PrefixGate,
    line_pattern,
    openings,
    prefix_safe,
    relaxed,
    search_core,
    short_lines,
)
from scrubber.kinds.pattern import FOLD_UNSAFE, PatternMatcher, Requires, anchor, ends_with, fold, sign_of, tail_literal
from scrubber.packs import builtin_pack_dir, load_pack


def rule(rule_id: str, pattern: str, kind: str = "line", match: tuple[Example, ...] = (), **params) -> RuleSpec:
    return RuleSpec(id=rule_id, kind=kind, action="strip", description=rule_id, params={"pattern": pattern, **params}, examples_match=match)


RESIDUE = [s for s in load_pack(builtin_pack_dir() / "residue.toml").rules if s.kind in ("line", "block")]

#: project-written lines: residue of many rules, prose, and edge tokens that make the
#: full alternation prefer the longest leading edge
LINES = [
    "The mayor spoke on Monday.",
    "Updated: 3 Feb 2021 7:15 pm",
    "Feb. 3, 2021 7:15 AM EST",
    "[ad_1] Updated: 3 Feb 2021 7:15 pm",
    "\u200b Share this:",
    "[ad_2]Source link",
    "Passengers wait on the quay on Monday morning. (Photo: Jane Doe)",
    "A deckhand ties up the ferry. (Tom Reed/AFP via Getty Images)",
    "Photo: Jane Doe",
    "Note: all comments are moderated and may take a day to appear.",
    "We earn a commission on purchases made through links on this page.",
    "As an Amazon Associate we earn from qualifying purchases.",
    "Subscribe to the Harbour Times newsletter for FREE",
    "Buyer's Guide: Kettles (Buy Now)",
    "Email: desk@example.com",
    "Follow us on Twitter",
    "Ferry fares to rise in spring [VIDEO]",
    "Comments",
    "AFFILIATE DISCLOSURE: THIS POST CONTAINS AFFILIATE LINKS.",
    "ǅ Photo: ſtacey Kelvin",  # fold-unsafe characters: every gate passes
    "Photo by Jane Doe",
    "Click on the image to enlarge",
    "Tap the photo to see the gallery",
    "CLICK HERE TO GET THE HARBOUR TIMES APP",
    "Get Harbour Weekly delivered to your door every month.",
    "March 3, 2021",
    "Wednesday, 3 March 2021",
    "Leave a comment",
    "12 replies",
    "Join the conversation",
    "This site uses cookies to improve your visit.",
    "Privacy Policy | Terms of Use",
    "5 min read",
    "Updated: 3 Feb 2021",
    "The post Ferry fares rise appeared first on Harbour Times.",
    # a free rule and a later gated one both match: the gated one is not tried without an edge
    "Post a Comment",
    "\u200b Post a Comment",
    "&nbsp;Post a Comment",
    "[ad_1] Comments",
]


def _full_alternation(specs: list[RuleSpec], kind: str) -> regex.Pattern[str]:
    idxs = [i for i, s in enumerate(specs) if s.kind == kind]
    branches = "|".join(f"(?P<r{i}>{specs[i].params['pattern']})" for i in idxs)
    return regex.compile(rf"{EDGE}(?:{branches}){EDGE}", regex.VERSION1 | regex.UNICODE)


@pytest.mark.parametrize("line", LINES)
def test_gated_matching_picks_the_rule_the_full_alternation_picks(line: str):
    matcher = LineGroupMatcher(RESIDUE)
    for kind, alternation in zip(("line", "block"), matcher._alternations):
        full = _full_alternation(RESIDUE, kind).fullmatch(line)
        expected = int(full.lastgroup[1:]) if full is not None and full.lastgroup else None
        assert alternation.match(line, 0, len(line)) == expected


def test_the_longest_edge_wins_over_pack_order():
    # r.a is first in the pack but only matches without the leading token
    specs = [rule("r.a", r"\[ad_1\] Updated", requires=["updated"]), rule("r.b", "Updated")]
    line = "[ad_1] Updated"
    full = _full_alternation(specs, "line").fullmatch(line)
    assert full is not None and full.lastgroup == "r1"
    assert LineGroupMatcher(specs)._alternations[0].match(line, 0, len(line)) == 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"requires": ["subscribe"]}, "holds none of"),
        ({"requires_pattern": r"\d"}, "holds none of"),
        ({"requires": []}, "non-empty list"),
        ({"requires": ["sign up"]}, "white space"),
        ({"requires_pattern": ""}, "must not be empty"),
    ],
)
def test_a_requirement_the_examples_break_fails_at_load(params: dict, message: str):
    spec = rule("r.news", r"(?i:sign\s+up\s+now)", match=(Example("Body.\nSign up now\n", "Body.\n"),), **params)
    with pytest.raises(PackError, match=message):
        Engine([spec])


@pytest.mark.parametrize("kind", ["line", "pattern"])
def test_a_requirement_the_examples_keep_loads_and_gates(kind: str):
    spec = rule("r.news", r"(?i:sign\s+up\s+now)", kind=kind, match=(Example("Body.\nSign up now\n", "Body.\n"),), requires=["SIGN"])
    engine = Engine([spec])
    assert [f.rule for f in engine.find("Body.\nSIGN UP NOW\n")] == ["r.news"]
    assert engine.find("Body.\nsomething else\n") == []


@pytest.mark.parametrize(
    ("no_match", "loads"),
    [
        # the pattern matches inside the line and the gate fails, but the rule (a whole line) does not match it
        ("Subscribe to the ferry timetable, which changes in May.", True),
        # the rule matches the whole line, edges aside, and the gate fails there
        ("[ad_1] Subscribe today.", False),
        ("\u00a0Subscribe today.\u200b", False),
    ],
)
def test_a_gate_is_checked_where_the_rule_matches_a_whole_line(no_match: str, loads: bool):
    spec = replace(
        rule("r.sub", r"Subscribe(?: today)?\.?", match=(Example("Body.\nSubscribe\n", "Body.\n"),), requires_pattern=r"Subscribe\s*$"),
        examples_no_match=(no_match,),
    )
    if loads:
        assert [f.rule for f in Engine([spec]).find("Body.\nSubscribe\n")] == ["r.sub"]
    else:
        with pytest.raises(PackError, match="holds none of"):
            Engine([spec])


def test_a_gated_rule_compiles_its_line_pattern_on_its_first_candidate_line():
    """Start-up compiles no gated line pattern (each is about 10 ms); the first line that passes the gate does."""
    spec = rule("r.news", r"(?i:sign\s+up\s+now)", match=(Example("Body.\nSign up now\n", "Body.\n"),), requires=["sign"])
    matcher = LineGroupMatcher([spec])
    (alternation,) = matcher._alternations
    ((_, _, lazy),) = alternation.gated
    assert lazy._compiled is None
    assert alternation.match("The ferry left.", 0, 15) is None
    assert lazy._compiled is None
    assert alternation.match("SIGN UP NOW", 0, 11) == 0
    assert lazy._compiled is not None


def test_every_gated_residue_rule_keeps_its_examples():
    gated = [s for s in RESIDUE if "requires" in s.params or "requires_pattern" in s.params]
    assert len(gated) >= 8
    for spec in gated:  # each example line the rule alone matches holds its required text
        LineGroupMatcher([spec])


@pytest.mark.parametrize("text", ["plain ascii", "Ünïcödé Ω", "ФОТО", "straße", "ﬁne", "\u212aelvin", "ſign"])
def test_fold_is_none_exactly_when_an_unsafe_character_is_present(text: str):
    unsafe = any(regex.match(f"[{FOLD_UNSAFE}]", c) for c in text)
    assert (fold(text) is None) == unsafe
    if not unsafe:
        assert fold(text) == text.casefold()


def test_fold_unsafe_covers_every_character_whose_case_match_is_not_its_casefold():
    ascii_letter = regex.compile(r"(?i)[a-z]", regex.VERSION1)
    unsafe = regex.compile(f"[{FOLD_UNSAFE}]")
    missing = []
    for cp in range(0x80, 0x110000):
        c = chr(cp)
        f = c.casefold()
        tricky = len(f) != 1 or f.isascii() or any(ch.isascii() for ch in c.lower() + c.upper()) or ascii_letter.fullmatch(c)
        if tricky and not unsafe.match(c):
            missing.append(hex(cp))
    assert not missing


def test_short_lines_of_the_samples_match_as_before():
    text = "\n".join(LINES)
    matcher = LineGroupMatcher(RESIDUE)
    full = [_full_alternation(RESIDUE, k) for k in ("line", "block")]
    for line in SHORT_LINE.finditer(text):
        for pattern, alternation in zip(full, matcher._alternations):
            m = pattern.fullmatch(text, *line.span())
            expected = int(m.lastgroup[1:]) if m is not None and m.lastgroup else None
            assert alternation.match(text, *line.span()) == expected


#: lines around MAX_LINE long, empty lines and line ends the regex does not cut at
_LINE_PIECES = st.lists(
    st.sampled_from(["", "a", "a b", "\r", "\u2028", " ", "x" * (MAX_LINE - 1), "y" * MAX_LINE, "z" * (MAX_LINE + 1), "\n", "\n\n"]),
    max_size=12,
).map("".join)


@given(text=_LINE_PIECES)
def test_short_lines_finds_what_the_short_line_regex_finds(text: str):
    assert list(short_lines(text)) == [m.span() for m in SHORT_LINE.finditer(text)]


_GATING_PATTERNS = [Requires.of(s).pattern for s in RESIDUE if "requires_pattern" in s.params]

#: pieces of the texts the residue gating patterns look for (times, years, slugs, arrows, ellipses)
_GATE_PIECES = st.lists(
    st.sampled_from(["7", ":", ".", "15", "2021", ",", " ", "AP", "BC", "-", "W", "»", ">", "...", "…", "]", "\n", "a"]), max_size=14
).map("".join)


@given(text=_GATE_PIECES)
def test_one_search_for_all_gating_patterns_finds_a_line_any_of_them_finds(text: str):
    joint = _any_of(_GATING_PATTERNS)
    assert joint is not None and len(_GATING_PATTERNS) >= 4
    for start, stop in [(0, len(text)), (len(text) // 3, len(text))]:
        expected = any(p.search(text, start, stop) is not None for p in _GATING_PATTERNS)
        assert (joint.search(text, start, stop) is not None) == expected


def test_patterns_with_groups_are_not_joined():
    assert _any_of([regex.compile(r"(a)\1"), regex.compile("b")]) is None


_PATTERN_RULES = {s.id: s for s in load_pack(builtin_pack_dir() / "residue.toml").rules if s.kind == "pattern"}

#: pieces of an autoblog credit glued to (or parted from) the last sentence
_CREDIT_PIECES = st.lists(
    st.sampled_from(["Rain.", "rain", "Source", "link", "Source link", " ", "  ", "\n", "[ad_2]", "[ad_12]", "”", ")", "-", "\u00a0"]),
    max_size=10,
).map("".join)


@settings(max_examples=400)
@given(text=_CREDIT_PIECES)
def test_the_source_link_gate_passes_every_text_the_rule_matches(text: str):
    spec = _PATTERN_RULES["residue.source-link-inline"]
    rule_re = regex.compile(spec.params["pattern"], regex.VERSION1 | regex.UNICODE)
    if any(m.end() > m.start() for m in rule_re.finditer(text)):
        assert Requires.of(spec).found_in(text)


#: keywords that nest, overlap and share beginnings, and ones with punctuation
_KEYWORDS = {"ab": 0, "abcd": 1, "bcd": 2, "b": 3, "cli": 4, "clic": 5, "click": 6, "cliqu": 7, "(photo": 8, "photo": 9, "://": 10, ".": 11}
_KEYWORD_TEXTS = st.lists(st.sampled_from([*_KEYWORDS, "a", "c", "d", "k", "q", "(", ":", "/", " ", "é", "x"]), max_size=12).map("".join)


@given(text=_KEYWORD_TEXTS)
def test_the_keyword_trie_admits_the_rules_of_every_keyword_in_the_line(text: str):
    owners = {k: frozenset({rule}) for k, rule in _KEYWORDS.items()}
    index, expected = KeywordIndex(owners), {rule for k, rule in _KEYWORDS.items() if k in text}
    assert index.admitted_python(text) == expected  # the trie
    assert index.admitted_bits(text) == sum(1 << rule for rule in expected)  # the kernel where built


@pytest.mark.parametrize("line", LINES)
def test_the_residue_keyword_trie_on_the_sample_lines(line: str):
    matcher = LineGroupMatcher(RESIDUE)
    alternation = matcher._alternations[0]
    folded = fold(line)
    expected = {pos for pos, (_, gate, _) in enumerate(alternation.gated) if any(k in folded for k in gate.keywords)} if folded else set()
    assert alternation._keywords.admitted_python(folded or "") == expected
    assert alternation._keywords.admitted_bits(folded or "") == sum(1 << pos for pos in expected)


@pytest.mark.parametrize(
    ("pattern", "safe"),
    [
        (r"(?i:related\s+posts?\s*:?|tags?)", True),
        (r"(?:\[ad_\d{1,2}\]\s*)+", True),
        (r"[^\S\n]*(?P<word>\w+)\p{Lu}", True),
        (r"[$^]x", True),
        (r"(?!a$)a", False),  # partial matching refuses 'a' though 'ab' matches
        (r"a\b", False),
        (r"a\B", False),
        (r"a$", False),
        (r"^a", False),
        (r"(?=a)a", False),
        (r"(?<=a)b", False),
        (r"(?i)a", False),
        (r"(?>a+)", False),
        (r"a++", False),
        (r"(?P<w>a)(?P=w)", False),
        (r"(?&x)(?(DEFINE)(?<x>a))", False),
        (r"[[a]--[b]]", False),
        (r"[]a]", False),
        ("a\\", False),
    ],
)
def test_prefix_safe(pattern: str, safe: bool):
    assert prefix_safe(pattern) is safe


_BLOCK_WORDS = [
    "Related",
    "posts",
    "More",
    "more from",
    "Comments",
    "comments (3)",
    "12",
    "Leave a reply",
    "Previous story",
    "Next →",
    "« previous",
    "Filed under:",
    "Tags",
    "DON'T MISS",
    "you may also like",
    "Share this:",
    "The",
    "mayor",
    ":",
    "...",
    "…",
]
_EDGES = ["", " ", "\u200b", "&nbsp;", "[ad_1]", "Â\u00a0", "\t"]
_ODD = ["ǅ", "ſ", "K", "ß", "İ", "é", "ł"]  # fold-unsafe and other non-ASCII letters


@settings(deadline=None)  # (builds the residue matcher each time: a loaded machine took 0.3 s)
@given(
    st.lists(st.sampled_from(_BLOCK_WORDS + _ODD), min_size=1, max_size=4).map(" ".join),
    st.sampled_from(_EDGES),
    st.sampled_from(_EDGES),
    st.integers(0, 3),
)
def test_the_block_prefix_gate_changes_no_match(core: str, lead: str, trail: str, cut: int):
    line = lead + core[cut:] + trail
    if not line or "\n" in line:
        return
    matcher = LineGroupMatcher(RESIDUE)
    block = matcher._alternations[1]
    assert block._prefix_gate is not None
    full = _full_alternation(RESIDUE, "block").fullmatch(line)
    expected = int(full.lastgroup[1:]) if full is not None and full.lastgroup else None
    assert block.match(line, 0, len(line)) == expected
    text = f"Above.\n{line}\nBelow."
    assert block.match(text, 7, 7 + len(line)) == expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?i:related\s+posts?)", r"(?i:related\s+posts?)"),  # nothing to take out
        (r"(?!a$)a", r"(?:)a"),
        (r"(?<=\p{Lu}\p{Lu})s(?!\p{L})", r"(?:)s(?:)"),
        (r"(?=[^\n]{40,200}$)(?![^\n]*[?.]$)[A-Z]+", r"(?:)(?:)[A-Z]+"),
        (r"\bby\b\s+\w+", r"(?:)by(?:)\s+\w+"),
        (r"^Tags:\s*$", r"(?:)Tags:\s*(?:)"),
        (r"(?=(a(?:b)))[)(]x", r"(?:)[)(]x"),  # parentheses in a class do not end the group
        (r"[a\]\[]x", r"[a\]\[]x"),
        (r"\p{Lu}{2}\N{BULLET}", r"\p{Lu}{2}\N{BULLET}"),
        (r"(?s:.)(?-i:a)(?P<w>b)", r"(?s:.)(?-i:a)(?P<w>b)"),
        (r"(?P<w>a)(?P=w)", None),
        (r"(a)\1", None),
        (r"(?&x)(?(DEFINE)(?<x>a))", r"(?i:a)(?:)"),  # a defined group's body stands for its call, in any case
        (r"(?&x)b(?(DEFINE)(?P<x>(?&y)c)(?<y>\ba))", r"(?i:(?i:(?:)a)c)b(?:)"),
        (r"(?&x)(?(DEFINE)(?<x>a(?&x)))", None),  # recursive
        (r"(?&y)(?(DEFINE)(?<x>a))", None),  # not defined
        (r"(?(DEFINE)a)", None),  # not a named group
        (r"(?1)(a)", None),
        (r"(?i)a", None),
        (r"(?x:a b)", None),
        (r"(?>a+)b", None),
        (r"a++", None),
        (r"a?+", None),
        (r"(?:ab){e<=1}", None),
        (r"[[a]--[b]]", None),
        (r"[]a]", None),
        (r"a\Kb", None),
        (r"(?=a", None),
        ("a\\", None),
    ],
)
def test_relaxed(pattern: str, expected: str | None):
    assert relaxed(pattern) == expected
    if expected is not None:
        regex.compile(expected, regex.VERSION1 | regex.UNICODE)


_ASSERTING = [
    r"(?![^\n]*,[^\S\n]+(?:\p{Ll}+[^\S\n]+){0,3}(?:said|says)\b)(?:Follow|FOLLOW)[^\S\n]+us\b[^\n]{0,20}",
    r"(?=(?:[^\n\p{Ll}]|(?<=\p{Lu}\p{Lu})s(?!\p{L})){10,40}$)(?:[\p{Lu}\d,:-]|(?<=\p{Lu}\p{Lu})s)+(?:[^\S\n]+[\p{Lu}\d,:-]+)*",
    r"(?i:tags?|filed\s+under)\s*:?\s*\b[^\n]{0,30}(?<![.!])$",
    r"^\d{1,3}[^\S\n]+\b\w+(?<!said)\b",
]


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(_ASSERTING),
    st.lists(
        st.sampled_from(
            ["Follow", "FOLLOW", "us", "US", "TAGS", "tags", ":", ",", " ", "  ", "said", "says", "s", "A", "BCs", "12", "x", ".", "!"]
        ),
        max_size=14,
    ).map("".join),
)
def test_a_relaxed_pattern_matches_whatever_its_pattern_matches(pattern: str, text: str):
    """Taking an assertion out only ever lets more through: where the rule matches, the relaxed pattern does, and a gate built on it admits."""
    loose = relaxed(pattern)
    assert loose is not None
    if regex.fullmatch(pattern, text, regex.VERSION1) is not None:
        assert regex.fullmatch(loose, text, regex.VERSION1) is not None
        for cut in range(len(text) + 1):
            assert regex.match(loose, text[:cut], regex.VERSION1, partial=True) is not None


def _example_lines() -> list[str]:
    """Every short line of the residue pack's line and block examples (what its rules are written to match), with a few variants."""
    lines: set[str] = set(LINES)
    for spec in RESIDUE:
        for text in [e.text for e in spec.examples_match] + list(spec.examples_no_match):
            lines.update(text[a:b] for a, b in short_lines(text))
    variants = {
        v
        for line in lines
        for v in (
            line,
            line.upper(),
            line.lower(),
            line[1:],
            line[:8],
            line[:3],
            line[:-1],
            line[-8:],
            f"The {line}",
            f"  {line}",
            f"{line}  ",
        )
    }
    return sorted(v for v in variants if v and "\n" not in v)


@pytest.mark.parametrize("from_end", [False, True])
def test_the_prefix_gates_admit_every_line_a_rule_matches(from_end: bool):
    """Each residue rule's own gate (its relaxed pattern; read backwards for the line's end) admits every example line the rule matches whole, edges aside."""
    judged = 0
    for spec in RESIDUE:
        gate = _PrefixGate.of([spec], from_end=from_end)
        whole = line_pattern(spec)
        for line in _example_lines():
            if whole.fullmatch(line) is not None:
                assert gate.admitted(line, 0, len(line), 1) == 1 and gate.admits(line, 0, len(line)), (spec.id, line)
                judged += gate.judges_all
    assert judged > 100


def test_the_line_alternation_picks_what_the_full_alternation_picks_on_the_example_lines():
    matcher = LineGroupMatcher(RESIDUE)
    assert matcher._alternations[0]._prefix_gate is not None  # the line rules' free alternation is gated too
    full = [_full_alternation(RESIDUE, k) for k in ("line", "block")]
    for line in _example_lines():
        for pattern, alternation in zip(full, matcher._alternations):
            m = pattern.fullmatch(line)
            expected = int(m.lastgroup[1:]) if m is not None and m.lastgroup else None
            assert alternation.match(line, 0, len(line)) == expected, line


_LINE_WORDS = [
    "The",
    "the",
    "mayor",
    "Follow",
    "us",
    "on",
    "Twitter",
    "Photo:",
    "Jane",
    "Doe",
    "Read",
    "more",
    "Share",
    "this",
    "story",
    "Tags:",
    "Advertisement",
    "By",
    "BY",
    "AP",
    "12",
    "3.",
    "-",
    "•",
    "|",
    "...",
    "…",
    "Source",
    "link",
    "[ad_1]",
    "(Photo:",
    "Reuters)",
    "Published",
    "7:15",
    "pm",
    "2021",
    "Comments",
    "SEE",
    "ALSO",
    "HOW",
    "TO",
    "WATCH",
    "said,",
    "&nbsp;",
    "\u200b",
    "ſ",
    "K",
    "é",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_LINE_WORDS), min_size=1, max_size=9).map(" ".join), st.integers(0, 4))
def test_the_gated_line_alternation_changes_no_match(core: str, cut: int):
    """Lines made of residue words: the line and block alternations, prefix gates and all, pick what the full alternations pick."""
    line = core[cut:]
    if not line:
        return
    matcher = _MATCHER
    for kind, alternation in zip(("line", "block"), matcher._alternations):
        m = _FULL[kind].fullmatch(line)
        expected = int(m.lastgroup[1:]) if m is not None and m.lastgroup else None
        assert alternation.match(line, 0, len(line)) == expected
        text = f"Above.\n{line}\nBelow."
        assert alternation.match(text, 7, 7 + len(line)) == expected


_MATCHER = LineGroupMatcher(RESIDUE)
_FULL = {k: _full_alternation(RESIDUE, k) for k in ("line", "block")}


def _judged_afresh(gate: _PrefixGate, line: str, among: int) -> int:
    """What :meth:`_PrefixGate.admitted` answers, worked out with no memo (the line's end: reversed patterns on its last characters)."""
    if gate.from_end:
        edge = regex.search(f"(?:{EDGE_LAST})$", line[-PREFIX:], regex.VERSION1) is not None or fold(line[-PREFIX:]) is None
        beginnings = [line[-PREFIX:]] + ([line[-LONG_PREFIX:]] if len(line) > PREFIX else [])
    else:
        edge = regex.match(EDGE_FIRST, line[:PREFIX], regex.VERSION1) is not None or fold(line[:PREFIX]) is None
        beginnings = [line[:PREFIX]] + ([line[:LONG_PREFIX]] if len(line) > PREFIX else [])
    found = 0
    for k, pattern in enumerate(gate._patterns):
        if among >> k & 1 and (edge or pattern is None or all(pattern.match(b, partial=True) for b in beginnings)):
            found |= 1 << k
    return found


_RULE_LINES = _example_lines()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(_RULE_LINES), st.integers(0, (1 << 40) - 1), st.booleans()), min_size=1, max_size=40), st.booleans()
)
def test_the_prefix_gate_answers_the_same_whatever_was_asked_before(questions: list[tuple[str, int, bool]], from_end: bool):
    """The memos keep per rule what was judged: any order of questions (some rules, all of them, only whether one) gets the same answers."""
    gate = _PrefixGate.of([s for s in RESIDUE if s.kind == "line"], from_end=from_end)
    for line, among, first in questions:
        among &= gate.every
        expected = _judged_afresh(gate, line, among)
        if first:
            assert (gate.admitted(line, 0, len(line), among, first=True) != 0) == (expected != 0)
            assert gate.admits(line, 0, len(line)) == (_judged_afresh(gate, line, gate.every) != 0)
        else:
            assert gate.admitted(line, 0, len(line), among) == expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"[^\S\n]\[ad_\d{1,2}\]|(?<![^\n])\[ad_\d|\[ad_\d", ("[ad_", (0, 1))),
        (r"ab", ("ab", (0,))),
        (r"x\[ad_", ("x[ad_", (0,))),
        (r"abc?", ("ab", (0,))),  # a quantified character ends the literal
        (r"^\b(?=a)ab", ("ab", (0,))),  # anchors and look-arounds take no character
        (r"..Source|.Source", ("Source", (1, 2))),
        (r"\p{L}ab|\dabc", ("ab", (1,))),
        (r"abc|abd", ("ab", (0,))),
        (r"a+bc", None),  # no fixed width before the literal
        (r"(ab)c", None),
        (r"(?i)abc", None),
        (r"(?r)abc", None),
        (r"abc|xyz", None),  # no literal in common
        (r"a|ab", None),  # too short
        (r"[[a]b]cd", None),  # a nested set
        (r"\x41bc", None),  # an escape this reading does not know
    ],
)
def test_anchor(pattern: str, expected: tuple[str, tuple[int, ...]] | None):
    assert anchor(regex.compile(pattern, regex.VERSION1)) == expected


_ANCHORED = [
    r"[^\S\n]\[ad_\d{1,2}\](?=[^\S\n]|\n|\Z|[.,;:!?)\]])|(?<![^\n])\[ad_\d{1,2}\][^\S\n]?|\[ad_\d{1,2}\]",
    r"..ab|.abc|ab",
    r"(?<=a)aab|aa",
    r"\baa\b|.aa",
]


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(_ANCHORED),
    st.lists(st.sampled_from(["[ad_1]", "[ad_12]", "[ad_", " ", "\n", "a", "b", "c", ".", "aa", "ab"]), max_size=14).map("".join),
)
def test_an_anchored_rule_finds_what_finditer_finds(pattern: str, text: str):
    """Trying a rule only where its literal allows finds the matches ``finditer`` finds, overlapping literals and all."""
    matcher = PatternMatcher(rule("t.anchored", pattern, kind="pattern"))
    assert matcher._anchor is not None
    assert [(m.span(), m.group()) for m in matcher._anchored(text)] == [(m.span(), m.group()) for m in matcher.regex.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(_ANCHORED),
    st.lists(st.sampled_from(["[ad_1]", "[ad_12]", "[ad_", "[", "ad_1]", " ", "\n", "a", "b", ".", "aa", "ab"]), max_size=14).map("".join),
)
def test_an_anchored_rule_proposes_what_finditer_finds(pattern: str, text: str):
    """What ``find`` proposes, with the tests before the literal's search (its sign, its first occurrence), is every non-empty match."""
    from scrubber.kinds.base import DocContext

    matcher = PatternMatcher(rule("t.anchored", pattern, kind="pattern"))
    found = [(f.start, f.end) for f in matcher.find(DocContext(text))]
    assert found == [m.span() for m in matcher.regex.finditer(text) if m.end() > m.start()]


@pytest.mark.parametrize(
    ("literal", "sign"), [("[ad_", "["), ("ad_", "_"), ("appeared", None), ("a b", None), ("Source", None), ("e.g", ".")]
)
def test_sign_of(literal: str, sign: str | None):
    assert sign_of(literal) == sign


def test_the_inline_ad_token_rule_is_anchored():
    """``residue.ad-shortcode-inline`` starts at any space: without its anchor it is tried at every position of a document."""
    spec = next(s for s in load_pack(builtin_pack_dir() / "residue.toml").rules if s.id == "residue.ad-shortcode-inline")
    assert PatternMatcher(spec)._anchor is not None


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"Source[^\S\n]+link[^\S\n]*(?=\s*\Z)", "link"),
        (r"(?r)x[ab]cd(?=\s*\Z)", "cd"),
        (r"link(?=\s*\Z)[^\S\n]*", None),  # not at the end
        (r"a|link(?=\s*\Z)", None),  # the end is one branch's
        (r"(?i)link(?=\s*\Z)", None),
        (r"a\blink(?=\s*\Z)", None),  # the run could be part of an escape
        (r"(a)\1link(?=\s*\Z)", None),
        (r"x(?=\s*\Z)", None),  # too short
    ],
)
def test_tail_literal(pattern: str, expected: str | None):
    assert tail_literal(regex.compile(pattern, regex.VERSION1)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Source link", True), ("Source link \n\u2028\t ", True), ("link.", False), ("", False), ("  ", False), ("links", False)],
)
def test_ends_with(text: str, expected: bool):
    assert ends_with(text, "link") is expected


_INLINE = [s for s in load_pack(builtin_pack_dir() / "residue.toml").rules if s.kind == "pattern"]


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(_INLINE),
    st.lists(
        st.sampled_from(
            ["[ad_1]", "[ad_", "Source", " link", "link", "The post", " X ", "appeared first on Harbour.", ".", " ", "\n", "\u2028", "a"]
        ),
        max_size=12,
    ).map("".join),
)
def test_the_inline_gates_admit_what_their_searches_admit(spec: RuleSpec, text: str):
    """A gate read from the end or tried only at its literal admits a document exactly where its own search does."""
    requires = Requires(spec)
    searched = any(regex.search(regex.escape(k), text, regex.IGNORECASE | regex.VERSION1) for k in requires.keywords) or (
        requires.pattern is not None and requires.pattern.search(text) is not None
    )
    assert requires.found_in(text) is searched


_JOINABLE = [(alternation._prefix, rules) for alternation in _MATCHER._alternations for rules in sorted(alternation._prefix.joinable)]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_JOINABLE), st.sampled_from(_RULE_LINES), st.integers(1, LONG_PREFIX))
def test_rules_judged_together_refuse_a_beginning_only_where_each_refuses_it(joinable: tuple[_PrefixGate, int], line: str, cut: int):
    """One partial match of the rules' alternation turns a beginning away only where no rule's own pattern may begin so."""
    gate, rules = joinable
    key = line[:cut]
    joined = gate._joined_of(rules)
    if joined is not None and joined.match(key, partial=True) is None:
        for k, pattern in enumerate(gate._patterns):
            if rules >> k & 1:
                assert pattern is not None and pattern.match(key, partial=True) is None, (k, key)


def test_the_line_rules_ask_the_prefix_gate_about_sets_it_judges_together():
    """The ungated rules of each alternation and the line rules gated by a pattern are what every line asks about."""
    line, block = _MATCHER._alternations
    assert len(line._prefix.joinable) == 2 and len(block._prefix.joinable) == 1  # (no block rule has a gate)
    assert all(gate._joined_of(rules) is not None for gate, rules in _JOINABLE if rules.bit_count() > 1)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?:AP|BC)-[A-Z]", ["AP-", "BC-"]),
        (r"(?:\.\.\.|…)\]?[^\S\n]*$", ["..."]),
        (r"[»›]|[>]", [">"]),
        (r"(?:AFP|EPA|Reuters)(?:\s*(?:/|via)|\)?[^\n.!?()-]*$)|ASSOCIATED", ["AFP", "ASS", "EPA", "Reu"]),
        (r"\d{4}", list("0123456789")),  # (a hundred two-digit strings would be too many)
        (r"(?<=\d)x", ["x"]),  # (a look-behind is taken out: the match itself holds an x)
        (r"a?", None),  # it can match nothing
        (r"(?P<w>a)(?P=w)", None),  # no relaxed pattern
    ],
)
def test_openings(pattern: str, expected: list[str] | None):
    found = openings(regex.compile(pattern, regex.VERSION1 | regex.UNICODE))
    assert (None if found is None else sorted(found)) == expected


_GATING = sorted({s.params["requires_pattern"] for s in RESIDUE if "requires_pattern" in s.params})


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(_GATING),
    st.lists(
        st.sampled_from(
            [
                "1",
                "2019",
                "7:15",
                "3.5",
                ",",
                " ",
                "\t",
                "AFP",
                "AP-",
                "BC-US",
                "Reuters",
                "ASSOCIATED",
                "...",
                "]",
                ">",
                "of",
                "/",
                "x",
                "A",
            ]
        ),
        max_size=12,
    ).map("".join),
)
def test_an_ascii_line_with_a_match_of_a_gating_pattern_holds_one_of_its_openings(pattern: str, line: str):
    """The residue pack's gating patterns: where one is found in an ASCII line (bounded to it), the line holds one of its openings."""
    compiled = regex.compile(pattern, regex.VERSION1 | regex.UNICODE)
    found = openings(compiled)
    assert found is not None
    text = f"above\n{line}\nbelow"
    if compiled.search(text, 6, 6 + len(line)) is not None:
        assert any(o in line for o in found), (pattern, line)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(_GATING),
    st.lists(
        st.sampled_from(
            ["1", "2019", "7:15", ",", " ", "\u00a0", "AFP", "Reuters", "...", "\u2026", "\u2019", "\u201c", "\u2014", "]", ">", "of", "x"]
        ),
        max_size=12,
    ).map("".join),
)
def test_a_typographic_line_with_a_match_of_a_gating_pattern_holds_one_of_its_typographic_openings(pattern: str, line: str):
    """The same over ASCII and :data:`TYPOGRAPHIC` characters, with the openings judged over both (how :meth:`_Alternation._candidates` reads such a line)."""
    compiled = regex.compile(pattern, regex.VERSION1 | regex.UNICODE)
    found = openings(compiled, _TYPOGRAPHIC_LINE_CHARACTERS)
    assert found is not None and all(c in _TYPOGRAPHIC_LINE_CHARACTERS for c in line)
    text = f"above\n{line}\nbelow"
    if compiled.search(text, 6, 6 + len(line)) is not None:
        assert any(o in line for o in found), (pattern, line)


def test_typographic_characters_fold_safely():
    """A line of ASCII and :data:`TYPOGRAPHIC` characters needs no fold-unsafe search: none of them is in :data:`FOLD_UNSAFE`."""
    assert not set(TYPOGRAPHIC) & set(regex.sub(r"(.)-(.)", lambda m: "".join(map(chr, range(ord(m[1]), ord(m[2]) + 1))), FOLD_UNSAFE))
    assert all(not c.isascii() for c in TYPOGRAPHIC)
    index = KeywordIndex({"x": frozenset([0])}, TYPOGRAPHIC)
    assert index.admitted_plain("".join(_TYPOGRAPHIC_LINE_CHARACTERS) + "X") == 1
    assert index.admitted_plain("x\u00e9") == index.admitted_plain("x\u2122") == -1


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?:AP|BC)-[A-Z]", ["AP-", "BC-"]),
        (r"(?:\.\.\.|…)\]?[^\S\n]*$", ["...", "…"]),  # (the ellipsis character is one of them)
        (r"\d[^\S\n]+(?i:of|/)", [f"{d}{s}" for d in "0123456789" for s in "\t\x0b\x0c\r \u00a0"]),
    ],
)
def test_typographic_openings(pattern: str, expected: list[str]):
    found = openings(regex.compile(pattern, regex.VERSION1 | regex.UNICODE), _TYPOGRAPHIC_LINE_CHARACTERS)
    assert found is not None and sorted(found) == sorted(expected)


def test_white_space_to_regex_is_white_space_to_str():
    """:func:`ends_with` reads a text whose last character is not ``str.isspace`` as ending there: sound only if every ``\\s`` of ``regex`` is."""
    space = regex.compile(r"\s", regex.VERSION1 | regex.UNICODE)
    assert all(chr(c).isspace() for c in range(0x110000) if space.match(chr(c)))
    assert ends_with("a Source link", "link") and ends_with("a Source link \u3000\n", "link") and not ends_with("link\x1c", "link")


@pytest.mark.parametrize(
    ("pattern", "core"),
    [
        (r"[^\n]{0,300}?\bfoo bar", "foo bar"),  # the lazy run and the boundary before the keyword go
        (r"(?i:[^\n]{0,120}\bwe(?:.d)x|[^\n]*tell)", "(?i:we(?:.d)x|tell)"),  # inside a group, each branch
        (r"(?![^\n]*said)abc[^\n]{0,9}", r"abc[^\n]{0,9}"),  # a look-ahead goes; what follows the literal stays
        (r"(?:[A-Z]\w+ ){1,3}is a writer", "is a writer"),  # a quantified group goes
        (r"(?:ab)?x{0,2}\d+y", "y"),  # optional and repeated atoms go
        (r"x{2,}y", "x{2,}y"),  # a literal that must be there stays, with its count
        (r"\((?:AP|AFP) Photo\)", r"\((?:AP|AFP) Photo\)"),
        (r"\s*(?>ab|a)c", "(?>ab|a)c"),  # an atomic group is kept whole
        (r"[^\n]*", None),  # nothing every match holds
        (r"abc|\d+", None),  # ... in one branch
        (r"\x27abc", None),  # an escape spelled with digits
        (r"(?P<w>\w+) (?P=w)", None),  # a reference (its group could go)
        (r"(?i)[^\n]*abc", None),  # flags for the rest of the pattern
        (r"[[a-z]--[aeiou]]abc", None),  # a nested set
        (r"x{e<=1}abc", None),  # a fuzzy constraint
    ],
)
def test_search_core(pattern: str, core: str | None):
    found = search_core(pattern)
    assert (None if found is None else found[0]) == core


def test_the_core_of_a_rule_led_by_a_few_characters_is_searched_first():
    """feedback-cta's keyword ``hear`` admits many lines; its core (two phrases led by ``we`` and ``tell``) turns them away."""
    (spec,) = [s for s in RESIDUE if s.id == "residue.feedback-cta"]
    core, firsts = search_core(spec.params["pattern"])
    assert firsts == {"w", "t"} and core.startswith("(?i:we(?:.d|")
    assert _core_pattern(spec) is not None
    (legal,) = [s for s in RESIDUE if s.id == "residue.site-legal"]
    assert _core_pattern(legal) is None  # (led by a dozen words: the search would cost more than it saves)


_CORE_PIECES = [
    "a",
    "b",
    "ab",
    "[ab]",
    r"[^\n]{0,3}?",
    "(?=a)",
    "(?!b)",
    r"\b",
    "(?:a|ba)",
    "(?:ab)?",
    "a+",
    "(?i:A)",
    "b{1,2}",
    "(?>a|ab)",
    "(?<=b)",
    "$",
    " ",
]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(_CORE_PIECES), min_size=1, max_size=5), min_size=1, max_size=3),
    st.text(alphabet="abA \n", max_size=12),
)
def test_a_search_finds_the_core_wherever_the_pattern_matches(alternatives: list[list[str]], text: str):
    """Leaving out a branch's leading elements keeps a match: where the pattern matches anywhere, its core does too."""
    pattern = "|".join("".join(pieces) for pieces in alternatives)
    found = search_core(pattern)
    flags = regex.VERSION1 | regex.UNICODE
    if found is not None and regex.search(pattern, text, flags) is not None:
        assert regex.search(found[0], text, flags) is not None, found[0]


def test_every_line_rule_holds_its_core_on_the_lines_of_its_examples_it_matches():
    """Each line and block rule's core (gated or not, searched first or not) is found in every example line the rule matches."""
    for spec in RESIDUE:
        found = search_core(spec.params["pattern"])
        if found is None:
            continue
        core = regex.compile(found[0], regex.VERSION1 | regex.UNICODE)
        whole = line_pattern(spec)
        for text in [e.text for e in spec.examples_match] + list(spec.examples_no_match):
            for start, stop in short_lines(text):
                if whole.fullmatch(text, start, stop) is not None:
                    assert core.search(text, start, stop) is not None, (spec.id, text[start:stop])


def test_no_ascii_letter_or_digit_begins_an_invisible_character_or_its_spelling():
    """_split_lines calls a line that starts with one visible without the regex: no match of _INVISIBLE_RE can begin so."""
    for c in string.ascii_letters + string.digits:
        assert _INVISIBLE_RE.match(c, partial=True) is None, c


def test_a_core_that_backtracks_without_end_times_out_as_the_rule_would(monkeypatch):
    """The core's search is timed like the rule's own match: a catastrophic core makes the rule time out, never hang."""
    monkeypatch.setattr("scrubber.kinds.lines.REGEX_TIMEOUT", 0.05)
    spec = rule("demo.slow", r"[^\n]*?x(a|aa)+(?=!)", requires=["x"])  # (the gates, which drop look-arounds, let the line by)
    matcher = LineGroupMatcher([spec])
    ((_, _, _), core) = (matcher._alternations[0].gated[0], matcher._alternations[0]._cores[0])
    assert core is not None and core.pattern.pattern == "x(a|aa)+(?=!)"
    with pytest.raises(RuleTimeout):
        matcher._hits("x" + "a" * 60)
