"""Engine: overlap resolution, apply, fingerprints, pickling."""

from __future__ import annotations

import pickle
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrubber import Policy, clean, default_engine
from scrubber import engine as engine_module
from scrubber.engine import Engine, apply
from scrubber.kinds.base import RuleSpec
from scrubber.model import ACCEPT, DROP, REJECT, Action, Decision, Finding
from scrubber.policy import MAX_PASSES, fix_text


def spec(rule_id: str, pattern: str, action: str = "strip", priority: int = 0, replacement: str | None = None) -> RuleSpec:
    params = {"pattern": pattern} | ({"replacement": replacement} if replacement is not None else {})
    return RuleSpec(id=rule_id, kind="pattern", action=action, description=rule_id, params=params, priority=priority)


def test_longer_span_wins_then_priority():
    engine = Engine([spec("t.short", "bc"), spec("t.long", "abcd")])
    assert [f.rule for f in engine.find("xabcdx")] == ["t.long"]
    engine = Engine([spec("t.short", "bc", priority=5), spec("t.long", "abcd", action="fix", replacement="X")])
    assert [f.rule for f in engine.find("xabcdx")] == ["t.short"]


def test_a_fix_inside_a_deleted_span_is_moot_whatever_its_priority():
    engine = Engine([spec("t.inner", "bc", action="fix", replacement="BC", priority=9), spec("t.line", "abcd")])
    assert [f.rule for f in engine.find("xabcdx")] == ["t.line"]


def test_flag_survives_fix_it_contains_but_not_one_that_cuts_it():
    engine = Engine([spec("t.flag", "one two three", action="flag"), spec("t.fix", "two", action="fix", replacement="2")])
    assert sorted(f.rule for f in engine.find("one two three")) == ["t.fix", "t.flag"]
    engine = Engine([spec("t.flag", "one two", action="flag"), spec("t.fix", "two three", action="strip")])
    assert [f.rule for f in engine.find("one two three")] == ["t.fix"]


def test_resolution_is_independent_of_rule_order():
    rules = [spec("t.a", "abc"), spec("t.b", "bcd"), spec("t.c", "cde", priority=1)]
    text = "xxabcdexx"
    assert Engine(rules).find(text) == Engine(list(reversed(rules))).find(text)


def test_apply_decisions():
    text = "one two three"
    engine = Engine([spec("t.flag", "one two three", action="flag"), spec("t.fix", "two", action="fix", replacement="2")])
    findings = engine.find(text)
    fix = next(f for f in findings if f.is_fix)
    flag = next(f for f in findings if f.is_flag)
    cases = [
        ({}, text),
        ({fix.fingerprint: ACCEPT}, "one 2 three"),
        ({fix.fingerprint: REJECT}, text),
        ({fix.fingerprint: Decision(Action.EDIT, "TWO")}, "one TWO three"),
        ({flag.fingerprint: ACCEPT, fix.fingerprint: ACCEPT}, "one 2 three"),  # accepting a flag keeps it
        ({flag.fingerprint: DROP, fix.fingerprint: ACCEPT}, ""),  # the drop supersedes the fix inside
        ({flag.fingerprint: Decision(Action.EDIT, "rewritten")}, "rewritten"),
    ]
    assert apply("A. B. C.", [Finding("t", 3, 5, None, "m", fingerprint="b")], {"b": DROP}) == "A. C."
    for decisions, expected in cases:
        assert apply(text, findings, decisions) == expected


def test_fingerprint_survives_unrelated_edit_and_distinguishes_repeats():
    engine = Engine([spec("t.x", r"\[ad_\d\]")])
    body = "The opening sentence of it.[ad_1] The body goes on [ad_1] to the end."
    before = engine.find(body)
    after = engine.find("A new first paragraph.\n\n" + body)
    assert [f.fingerprint for f in before] == [f.fingerprint for f in after]
    assert len({f.fingerprint for f in before}) == 2


def test_engine_pickles_and_gives_same_findings():
    engine = default_engine()
    text = "Trumpâ€™s plan\n[ad_2]Source link"
    assert pickle.loads(pickle.dumps(engine)).find(text) == engine.find(text)


def test_clean_applies_safe_fixes():
    assert clean("The cafÃ© opened.\n[ad_2]Source link") == "The café opened.\n"


@pytest.mark.parametrize(
    ("policy", "result"),
    [
        (Policy(), "The port reopened. . US officials said so.\nIt was late.\n"),  # a kept flag changes nothing
        (Policy(drop_flagged=True), "US officials said so.\nIt was late.\n"),  # the sentence with the orphan mark goes
    ],
)
def test_clean_runs_flag_rules_only_when_the_policy_can_act_on_them(policy: Policy, result: str):
    import scrubber

    assert clean("The port reopened. . US officials said so.\nIt was late.\n", policy=policy) == result
    flags_matter = policy.drop_flagged
    assert any(s.action == "flag" for s in scrubber._DEFAULT[flags_matter].specs) is flags_matter


def test_finding_to_dict_round_trip():
    f = Finding("t.x", 1, 3, "", "why", 0.5, True, "abc")
    data = f.to_dict("xyzw", "doc1")
    assert data["original"] == "yz" and data["document"] == "doc1" and data["kind"] == "fix"
    assert Finding.from_dict(data) == f


def test_edit_decision_needs_text():
    with pytest.raises(ValueError):
        Decision(Action.EDIT)


@pytest.mark.parametrize(
    ("policy", "dropped"),
    [
        (Policy(), []),
        (Policy(drop_flagged=True), ["sure"]),
        (Policy(drop_flagged=True, min_confidence=0.5), ["sure", "unsure"]),
        (Policy(drop_flagged=True, unsafe=True), ["sure", "unsure"]),
    ],
)
def test_drop_flagged_respects_the_confidence_threshold(policy: Policy, dropped: list[str]):
    findings = [
        Finding("g.x", 0, 4, None, "why", 0.9, False, "sure"),
        Finding("g.y", 5, 9, None, "why", 0.6, False, "unsure"),
    ]
    assert sorted(policy.decisions(findings)) == dropped


def _reference_resolve(engine: Engine, findings: list[Finding]) -> list[Finding]:
    """The obvious quadratic resolution, to check the indexed one against."""
    from scrubber.engine import _compatible, _overlaps

    prio = {s.id: s.priority for s in engine.specs}

    def order(f: Finding) -> tuple:
        return (-prio.get(f.rule, 0), -(f.end - f.start), f.start, f.rule)

    strips = [(f.start, f.end) for f in findings if f.is_fix and f.replacement == "" and f.end > f.start]
    fixes = [f for f in findings if f.is_fix and not any(a <= f.start and f.end <= b and (a, b) != (f.start, f.end) for a, b in strips)]

    def greedy(items: list[Finding]) -> list[Finding]:
        kept: list[Finding] = []
        for f in sorted(items, key=order):
            if not any(_overlaps(f, k) for k in kept):
                kept.append(f)
        return kept

    fixes = greedy(fixes)
    flags = [g for g in greedy([f for f in findings if f.is_flag]) if all(_compatible(g, f) for f in fixes)]
    return sorted(fixes + flags, key=lambda f: (f.start, f.end, f.is_flag, f.rule))


SPANS = st.tuples(st.integers(0, 30), st.integers(0, 6), st.sampled_from(["t.a", "t.b", "t.c"]), st.sampled_from(["", "X", None]))


@settings(max_examples=400, deadline=None)
@given(st.lists(SPANS, max_size=25))
def test_indexed_resolution_equals_the_obvious_one(raw):
    engine = Engine([spec("t.a", "a"), spec("t.b", "b", priority=1), spec("t.c", "c")])
    findings = [Finding(rule, start, start + length, repl, "m") for start, length, rule, repl in raw]
    for index_above in (0, 12, 100):  # indexed, indexed past a handful, never indexed
        with mock.patch.object(engine_module, "_INDEX_ABOVE", index_above):
            assert engine.resolve(findings) == _reference_resolve(engine, findings)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(SPANS, max_size=20),
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 6), st.sampled_from(["t.a", "t.b", "t.c"])), max_size=8),
)
def test_judged_flags_join_the_resolved_fixes_as_a_full_resolution_would(raw, judged):
    """Engine.find: flags from the judges compete with the flags only; the makers' fixes stay as first resolved."""
    engine = Engine([spec("t.a", "a"), spec("t.b", "b", priority=1), spec("t.c", "c")])
    made = [Finding(rule, start, start + length, repl, "m") for start, length, rule, repl in raw]
    flags = [Finding(rule, start, start + length, None, "judged") for start, length, rule in judged]
    fixes = [f for f in engine.resolve(made) if f.is_fix]
    assert engine._with_flags(fixes, [f for f in made if f.is_flag] + flags) == engine.resolve(made + flags)


def _drop(text: str, sentences: list[str]) -> str:
    findings = [Finding("g.x", text.index(s), text.index(s) + len(s), None, "why", 0.9, False, f"f{k}") for k, s in enumerate(sentences)]
    return apply(text, findings, {f.fingerprint: DROP for f in findings})


@pytest.mark.parametrize(
    ("text", "dropped", "result"),
    [
        ("A.\n\nD.\n\nC.", ["D."], "A.\n\nC."),  # a paragraph goes with its blank line
        ("A.\n\nD.\n", ["D."], "A.\n"),  # the last one takes the blank line above it
        ("A.\n\nD.", ["D."], "A.\n"),
        ("D.\n\nA.", ["D."], "A."),
        ("D.\n", ["D."], ""),
        ("A.\r\n\r\nD.\r\n\r\nC.", ["D."], "A.\r\n\r\nC."),
        ("A.\n\nS1. S2.\n\nC.", ["S1.", "S2."], "A.\n\nC."),  # every sentence of a paragraph
        ("A.\n\nS1. S2. S3.\n\nC.", ["S2."], "A.\n\nS1. S3.\n\nC."),  # one sentence: the paragraph stays
        ("A.\n\nD1.\n\nD2.\n\nC.", ["D1.", "D2."], "A.\n\nC."),
        ("A.\n\nD1.\n\nD2.\n", ["D1.", "D2."], "A.\n"),
        ("A.\n\n\n\nD.\n\n\n", ["D."], "A.\n"),
    ],
)
def test_dropping_a_whole_paragraph_leaves_no_blank_line(text: str, dropped: list[str], result: str):
    assert _drop(text, dropped) == result


@settings(max_examples=200)
@given(st.lists(st.sampled_from(["Kept.", "Gone.", "", " "]), min_size=1, max_size=8), st.sampled_from(["\n", "\n\n", "\r\n"]))
def test_dropping_removes_only_the_dropped_sentences_and_whitespace(paragraphs: list[str], sep: str):
    text = sep.join(paragraphs)
    findings, pos = [], 0
    for k, p in enumerate(paragraphs):
        if p == "Gone.":
            findings.append(Finding("g.x", pos, pos + len(p), None, "why", 0.9, False, f"f{k}"))
        pos += len(p) + len(sep)
    out = apply(text, findings, {f.fingerprint: DROP for f in findings})
    assert out.split() == [w for w in text.split() if w != "Gone."]
    assert "\n\n\n" not in out.replace("\r", "") or "\n\n\n" in text.replace("\r", "")


UNICODE_AND_RESIDUE = default_engine(select=["unicode", "residue"])


@pytest.mark.parametrize(
    ("text", "once"),
    [
        ("Ver&shy;sicherung", "Versicherung"),  # the entity decodes to a soft hyphen, which goes in the same fix
        ("a&#8203;b", "ab"),  # a zero-width space
        ("x&amp;shy;y", "xy"),  # double-escaped
        ("a&#x2028;b", "a\nb"),  # a line separator becomes a line break
        ("NotÂ\u00adfall", "Notfall"),  # mojibake of a soft hyphen: the decoding deletes 'Â' beside it
        ("den NotÂ\u00adfallÂ\u00addaten.", "den Notfalldaten."),  # a revealed hyphen between two fixes joins the first
        ("Notâ€‹fall", "Notfall"),  # mojibake of a zero-width space
        ("Ã¢â‚¬â€°x", " x"),  # doubly encoded thin space
        ("The end.\n\n[ad_2]Source link\n&nbsp;\n", "The end.\n"),  # a line of '&nbsp;' is blank: the credit is last
        ("The end.\n\n[ad_2]Source link\nÂ\u00a0\n", "The end.\n"),  # and so is its mojibake
        # decoded line breaks make a line no line rule saw: a second pass removes it
        ("The council met.&#10;&#10;Share this:&#10;Twitter", "The council met.\n"),
        ("The council met.&amp;#10;&amp;#10;[ad_2]Source link", "The council met.\n"),
        # two deletions meet at a revealed soft hyphen, which neither can take: a second pass does
        ("\nShare this:\n\nÂ\u00ad 0 ", "\n 0 "),
    ],
)
def test_what_a_fix_reveals_is_cleaned_in_the_same_run(text: str, once: str):
    """Fixing twice changes nothing: a character a decoding reveals is handled with the decoding, not on a second run."""
    assert clean(text, UNICODE_AND_RESIDUE) == once
    assert clean(once, UNICODE_AND_RESIDUE) == once


class CountingEngine(Engine):
    """An engine that counts its passes over a document."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine.specs)
        self.passes = 0

    def find(self, text, warnings=None):
        self.passes += 1
        return super().find(text, warnings)


@pytest.mark.parametrize(
    ("text", "passes", "later"),
    [
        ("Trumpâ€™s plan\n[ad_2]Source link", 1, 0),  # nothing revealed: one pass
        ("a&#x2028;b", 2, 0),  # a new line break: the rules look again and find nothing
        ("Met.&#10;&#10;Share this:&#10;Twitter", 2, 2),  # the share bar, then the now-empty tail
        ("clean text", 1, 0),
    ],
)
def test_fix_text_runs_another_pass_only_when_a_fix_revealed_something(text: str, passes: int, later: int):
    engine = CountingEngine(UNICODE_AND_RESIDUE)
    findings = engine.find(text)
    _, found_later = fix_text(engine, Policy(), text, findings)
    assert (engine.passes, len(found_later)) == (passes, later)


ALL_RULES = default_engine()
#: mojibake in a sentence the garble detectors would skip as damaged; repaired, it starts in lower case
MOJIBAKE_SENTENCE = "The mayor spoke.\ncaf\u00c3\u0083\u00c2\u00a9 ok.\n"


@pytest.mark.parametrize(
    ("policy", "passes", "result"),
    [
        # the garble rules judge the sentence as repaired and it is dropped in the first pass; a second finds nothing more
        (Policy(drop_flagged=True), 2, "The mayor spoke.\n"),
        (Policy(), 1, "The mayor spoke.\ncaf\u00e9 ok.\n"),  # flags change nothing: no second pass for them
    ],
)
def test_a_sentence_skipped_as_damaged_is_judged_once_repaired(policy: Policy, passes: int, result: str):
    engine = CountingEngine(ALL_RULES)
    fixed, _ = fix_text(engine, policy, MOJIBAKE_SENTENCE, engine.find(MOJIBAKE_SENTENCE))
    assert (engine.passes, fixed) == (passes, result)
    assert clean(fixed, ALL_RULES, policy) == fixed


def test_an_engine_without_flag_rules_needs_no_pass_for_flags():
    engine = CountingEngine(Engine([s for s in ALL_RULES.specs if s.action != "flag"]))
    fixed, _ = fix_text(engine, Policy(drop_flagged=True), MOJIBAKE_SENTENCE, engine.find(MOJIBAKE_SENTENCE))
    assert (engine.passes, fixed) == (1, "The mayor spoke.\ncaf\u00e9 ok.\n")


class EndlessEngine(CountingEngine):
    """Every pass proposes one more line break: a pathological rule set that never settles."""

    def find(self, text, warnings=None):
        self.passes += 1
        return [Finding("x.break", 0, 0, "\n", "line break", 1.0, True, f"fp{self.passes}")]


def test_fix_text_stops_after_max_passes():
    engine = EndlessEngine(UNICODE_AND_RESIDUE)
    fixed, later = fix_text(engine, Policy(), "text", engine.find("text"))
    assert (engine.passes, len(later), fixed) == (MAX_PASSES, MAX_PASSES - 1, "\n" * MAX_PASSES + "text")


def test_a_settled_fix_says_both_steps_and_takes_the_lower_confidence():
    (finding,) = UNICODE_AND_RESIDUE.find("Ver&shy;sicherung")
    assert (finding.rule, finding.start, finding.end, finding.replacement) == ("unicode.html-entity", 3, 8, "")
    assert finding.message == "HTML entity &shy; decoded to '\\xad'; then invisible soft hyphen (U+00AD) removed"


#: (document, the garble flags check shows): the garble rules judge the text as the fix rules leave it
JUDGED_AFTER_FIXES = [
    # with the ad line gone the sentence opens the document: check shows what fix --drop-flagged acts on
    (
        "[ad_1]\nthe council voted to close the library on Friday.",
        [("garble.lowercase-start", "the council voted to close the library on Friday.")],
    ),
    # the mojibake sentence is judged as repaired; the flag holds the fix it contains
    ("The mayor spoke.\ncaf\u00c3\u0083\u00c2\u00a9 ok.\n", [("garble.lowercase-start", "caf\u00c3\u0083\u00c2\u00a9 ok.")]),
    ("The council met. [ad_1] It voted.", []),
]


@pytest.mark.parametrize(("text", "flags"), JUDGED_AFTER_FIXES)
def test_garble_rules_judge_the_text_the_fixes_leave(text: str, flags: list[tuple[str, str]]):
    findings = ALL_RULES.find(text)
    assert [(f.rule, text[f.start : f.end]) for f in findings if f.is_flag] == flags
    fixed, _ = fix_text(ALL_RULES, Policy(drop_flagged=True), text, findings)
    assert clean(fixed, ALL_RULES, Policy(drop_flagged=True)) == fixed


@pytest.mark.parametrize(
    ("flag", "edits", "back"),
    [
        ((0, 3), [(5, 8, "")], (0, 3)),  # before every edit
        ((0, 10), [(0, 7, "")], (7, 17)),  # after a deletion at the start: starts after what went
        ((1, 6), [(0, 4, "ab")], (0, 8)),  # starts inside a replacement: takes all it replaced
        ((2, 6), [(0, 4, "ab")], (4, 8)),  # starts right after it: does not
        ((0, 2), [(2, 5, "xy")], (0, 2)),  # ends where a replacement starts: does not take it
        ((0, 4), [(2, 5, "xy")], (0, 5)),  # ends at a replacement's end: takes it
        ((5, 9), [(0, 3, "a"), (6, 6, "zz")], (6, 9)),  # two edits; it starts inside the inserted "zz": at the insertion point
    ],
)
def test_mapped_back_carries_flag_spans_to_the_original(flag: tuple[int, int], edits, back: tuple[int, int]):
    from scrubber.engine import _mapped_back

    (f,) = _mapped_back([Finding("t.flag", *flag, None, "m")], edits)
    assert (f.start, f.end) == back
