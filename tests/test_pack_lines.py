"""Rule pack errors name the line of the rule (and of the key at fault), or no line: never a wrong one."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrubber.kinds.base import PackError
from scrubber.packs import load_pack

RULE = """[[rules]]
id = "house.{name}"
kind = "line"
action = "strip"
pattern = 'Foo .+'
description = "d"
examples.match = [{{ text = "a\\nFoo b", result = "a\\n" }}]
examples.no_match = ["x"]
"""
GOOD = RULE.format(name="ok")


def second(old: str, new: str, name: str = "byline") -> str:
    """A pack of two rules, the second with ``old`` replaced by ``new``."""
    rule = RULE.format(name=name)
    assert old in rule
    return '[pack]\nname = "house"\n\n' + GOOD + "\n" + rule.replace(old, new, 1)


INLINE = """rules = [
  {{ id = "house.a", kind = "line", action = "strip", pattern = 'A', description = "d", examples = {{ match = [{{ text = "A", result = "" }}], no_match = ["b"] }} }},
  {{ id = "house.b", kind = "line", action = "strip", pattern = 'B', {extra}description = "d", examples = {{ match = [{{ text = "B", result = "" }}], no_match = ["b"] }} }},{mark}
]
"""

#: (case, pack text with "# HERE" on the line the error must name, or none when it must name no line, what it says)
CASES = [
    ("unknown parameter", second("pattern = 'Foo .+'\n", "pattern = 'Foo .+'\ncolour = 'red'  # HERE\n"),
     "rule 'house.byline': unknown parameter(s) for kind 'line': colour"),
    ("quoted key", second("pattern = 'Foo .+'\n", "pattern = 'Foo .+'\n\"colour\" = 'red'  # HERE\n"),
     "rule 'house.byline': unknown parameter(s)"),
    ("missing id", second('id = "house.byline"\n', "").replace("\n[[rules]]\nkind", "\n[[rules]]  # HERE\nkind"),
     "rule #2: missing field 'id'"),
    ("missing field: the header", second('description = "d"\n', "").replace('[[rules]]\nid = "house.byline"', '[[rules]]  # HERE\nid = "house.byline"'),
     "rule 'house.byline': missing field 'description'"),
    ("invalid regex", second("pattern = 'Foo .+'", "pattern = '(Foo'  # HERE"), "rule 'house.byline': invalid regex '(Foo'"),
    ("unknown kind", second('kind = "line"', 'kind = "wizard"  # HERE'), "rule 'house.byline': unknown kind 'wizard'"),
    ("wrong type", second('action = "strip"', 'action = "strip"\npriority = "high"  # HERE'), "rule 'house.byline': field 'priority' must be a whole number"),
    ("duplicate id", second("[[rules]]\n", "[[rules]]  # HERE\n", name="ok"), "rule 'house.ok' is defined twice"),
    ("spaced header", second('description = "d"\n', "").replace('[[rules]]\nid = "house.byline"', '[[ rules ]]   # HERE and a comment\nid = "house.byline"'),
     "rule 'house.byline': missing field 'description'"),
    ("needs a parameter: the kind's line", second("pattern = 'Foo .+'\n", "").replace('kind = "line"\naction = "strip"\ndescription', 'kind = "line"  # HERE\naction = "strip"\ndescription'),
     "rule 'house.byline': kind 'line' needs parameter 'pattern'"),
    ("a header and the key inside a multi-line string", second(
        'description = "d"', 'description = """\n[[rules]]\ncolour = 1\n"""\ncolour = 2  # HERE'),
     "rule 'house.byline': unknown parameter(s) for kind 'line': colour"),
    ("the key in a sub-table is not the rule's", second("examples.match", "colour = 2  # HERE\nexamples.match") + "\n[[rules.other]]\ncolour = 3\n",
     "rule 'house.byline': unknown parameter(s) for kind 'line': colour, other"),
    ("inline tables: the id's line", INLINE.format(extra="colour = 1, ", mark="  # HERE"), "rule 'house.b': unknown parameter(s)"),
    ("inline tables, the id twice: no line", INLINE.format(extra="", mark="").replace("house.a", "house.b"),
     "rule 'house.b' is defined twice"),
    ("headers hidden by a stray triple quote: no line",
     GOOD.replace('description = "d"', "description = 'and \"\"\" here'") + "\n"
     + RULE.format(name="byline").replace("pattern = 'Foo .+'\ndescription = \"d\"", "pattern = '(Foo'\ndescription = 'has \"\"\" in it'"),
     "rule 'house.byline': invalid regex"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "text", "said"), CASES, ids=[c[0] for c in CASES])
def test_a_pack_error_names_the_line_of_the_rule(tmp_path: Path, case: str, text: str, said: str):
    path = tmp_path / "p.toml"
    path.write_text(text)
    marked = [n for n, line in enumerate(text.split("\n"), 1) if "# HERE" in line]
    with pytest.raises(PackError) as info:
        load_pack(path)
    where = f"{path}:{marked[0]}: " if marked else f"{path}: "
    assert str(info.value).startswith(where + said), str(info.value)
