"""Every example of every shipped pack is a test, and bad packs fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrubber.config import all_packs
from scrubber.kinds.base import PackError
from scrubber.packs import check_examples, load_pack

SPECS = [spec for pack in all_packs() for spec in pack.rules]


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_rule_examples(spec):
    failures = [f.problem for f in check_examples([spec])]
    assert failures == []


def test_every_rule_has_both_kinds_of_example():
    for spec in SPECS:
        assert spec.examples_match and spec.examples_no_match, spec.id


GOOD_RULE = """
[[rules]]
id = "demo.thing"
kind = "pattern"
action = "strip"
pattern = 'XYZ'
description = "d"
examples.match = [{ text = "aXYZb", result = "ab" }]
examples.no_match = ["abc"]
"""

BAD_PACKS = [
    ("not toml", "[[rules]\n", "invalid TOML"),
    ("no rules", "[pack]\nname='x'\n", "at least one [[rules]]"),
    ("unknown kind", GOOD_RULE.replace('kind = "pattern"', 'kind = "wizard"'), "unknown kind 'wizard'"),
    ("bad regex", GOOD_RULE.replace("pattern = 'XYZ'", "pattern = '(unclosed'"), "invalid regex"),
    ("missing field", GOOD_RULE.replace('description = "d"\n', ""), "missing field 'description'"),
    ("bad id", GOOD_RULE.replace('"demo.thing"', '"nodot"'), "id must look like"),
    ("unknown param", GOOD_RULE.replace("pattern = 'XYZ'", "pattern = 'XYZ'\ncolour = 'red'"), "unknown parameter(s)"),
    ("bad action", GOOD_RULE.replace('action = "strip"', 'action = "explode"'), "unknown action"),
    ("no negative example", GOOD_RULE.replace('examples.no_match = ["abc"]', ""), "examples.no_match"),
    ("bad confidence", GOOD_RULE.replace('description = "d"', 'description = "d"\nconfidence = 3'), "confidence must be"),
    ("duplicate id", GOOD_RULE + GOOD_RULE, "defined twice"),
    ("fix without replacement", GOOD_RULE.replace('action = "strip"', 'action = "fix"'), "needs a 'replacement'"),
    ("bad where", GOOD_RULE.replace('kind = "pattern"', 'kind = "line"\nwhere = "middle"'), "'where' must be one of"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_PACKS, ids=[b[0] for b in BAD_PACKS])
def test_bad_pack_errors_name_file_rule_and_problem(tmp_path: Path, name: str, content: str, message: str):
    path = tmp_path / "mine.toml"
    path.write_text(content)
    with pytest.raises(PackError) as info:
        load_pack(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_pack_is_data_not_code(tmp_path: Path):
    # a regex that would be dangerous to eval is just a regex
    path = tmp_path / "p.toml"
    path.write_text(
        GOOD_RULE.replace("pattern = 'XYZ'", "pattern = '__import__\\(\"os\"\\)'").replace(
            '"aXYZb", result = "ab"', '"a__import__(\\"os\\")b", result = "ab"'
        )
    )
    pack = load_pack(path)
    assert [f.problem for f in check_examples(pack.rules)] == []


def test_docs_rule_reference_is_up_to_date():
    from scrubber.docs_gen import render

    doc = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text("utf-8")
    assert render(doc) == doc, "docs/rules.md is stale: run `make docs`"


#: (kind, pattern, a match example, where the slow text goes); '(a|aa)+' backtracks exponentially on a run of a's and a '!'
SLOW = "a" * 60 + "!"
TIMEOUT_PACKS = [
    ("pattern no_match", "pattern", "(a|aa)+$", '{ text = "baa", result = "b" }', f'["{SLOW}"]', "examples.no_match"),
    ("line no_match", "line", "(a|aa)+", '{ text = "x\\naa\\ny", result = "x\\ny" }', f'["{SLOW}"]', "examples.no_match"),
    ("pattern match", "pattern", "(a|aa)+$", f'{{ text = "{SLOW}", result = "{SLOW}" }}', '["b"]', "examples.match"),
]


@pytest.mark.parametrize(("name", "kind", "pattern", "match", "no_match", "where"), TIMEOUT_PACKS, ids=[t[0] for t in TIMEOUT_PACKS])
def test_an_example_the_regex_times_out_on_fails(tmp_path: Path, monkeypatch, name, kind, pattern, match, no_match, where):
    """The engine skips a rule that times out (a warning); on an example that must not read as a pass."""
    for module in ("base", "lines"):  # lines.py holds its own copy
        monkeypatch.setattr(f"scrubber.kinds.{module}.REGEX_TIMEOUT", 0.05)
    path = tmp_path / "slow.toml"
    path.write_text(
        f'[[rules]]\nid = "demo.slow"\nkind = "{kind}"\naction = "strip"\npattern = \'{pattern}\'\ndescription = "d"\n'
        f"examples.match = [{match}]\nexamples.no_match = {no_match}\n"
    )
    problems = [f.problem for f in check_examples(load_pack(path).rules)]
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{where} {SLOW!r}: timed out (the regex ran longer than 0.05s")


def test_a_failing_long_example_is_quoted_short(tmp_path: Path):
    """A 5,000-character stress example that fails is said in one readable line, with its length."""
    long = "b" * 2500 + "zzz" + "c" * 2500
    path = tmp_path / "long.toml"
    path.write_text(
        '[[rules]]\nid = "demo.long"\nkind = "pattern"\naction = "strip"\npattern = "zzz"\ndescription = "d"\n'
        f'examples.match = [{{ text = "a zzz", result = "a " }}]\nexamples.no_match = ["{long}"]\n'
    )
    (problem,) = [f.problem for f in check_examples(load_pack(path).rules)]
    assert problem.startswith("must leave 'bbb") and "(5,003 characters) alone, but matched 'zzz'" in problem
    assert len(problem) < 300
