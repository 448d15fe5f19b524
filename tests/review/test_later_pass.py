"""`fix` runs the rules again when a fix reveals more; the reviewer shows the first pass, so `apply` counts the rest.

``Tuesday the council met.&#10;&#10;Share this:&#10;``: decoding the
entities makes ``Share this:`` a line of its own, which ``fix`` removes on
its second pass. Accepting every change in the reviewer and applying the
session kept it, while the docs said `apply` writes the same bytes as
`fix`. Now `apply` (and `w`) apply only what was reviewed and say how many
findings appear on the result.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from scrubber.cli import main
from scrubber.cli.common import build_engine
from scrubber.io.sources import discover
from scrubber.model import Action
from scrubber.session import Session, write_reviewed

REVEALING = "Tuesday the council met.&#10;&#10;Share this:&#10;\n"


def reviewed(tmp_path: Path, text: str, action: Action = Action.ACCEPT) -> Path:
    """A session over one file made by `scrubber review` (its rule options stored), every change decided."""
    doc = tmp_path / "e.txt"
    doc.write_text(text, "utf-8")
    engine = build_engine((), (), (), None, True).engine
    session = Session(tmp_path / "e.scrubber-session")
    session.sync(engine, discover([str(doc)]), "text", lambda *a: None)
    session.set("rule_options", {"select": [], "ignore": [], "rules": [], "config": None, "config_given": False, "isolated": True})
    session.decide([r[0] for r in session.finding_rows()], action)
    session.close()
    return tmp_path / "e.scrubber-session"


@pytest.mark.parametrize(
    ("text", "action", "revealed"),
    [
        (REVEALING, Action.ACCEPT, 1),  # Share this: on a line of its own once the entities are decoded
        (REVEALING, Action.REJECT, 0),  # nothing applied, nothing revealed
        ("The cafÃ© opened.\n\n[ad_1]\n", Action.ACCEPT, 0),  # the repaired text holds nothing more
        # the garble rules skip a sentence holding mojibake: repaired, it starts in lower case
        ("The mayor spoke.\ncafÃ© ok.\n", Action.ACCEPT, 1),
    ],
)
def test_write_counts_what_a_later_pass_finds_and_applies_none_of_it(tmp_path: Path, text: str, action: Action, revealed: int) -> None:
    path = reviewed(tmp_path, text, action)
    engine = build_engine((), (), (), None, True).engine
    stats = write_reviewed(Session(path), tmp_path / "out", False, lambda *a: None, engine=engine)
    assert stats.revealed == revealed
    assert ("more finding(s) appear once these changes are applied" in stats.summary()) == bool(revealed)
    if revealed and text == REVEALING:
        assert "Share this:" in (tmp_path / "out" / "e.txt").read_text("utf-8")  # not applied: nobody reviewed it


def test_apply_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = reviewed(tmp_path, REVEALING)
    result = CliRunner().invoke(main, ["apply", str(path), "-o", "out"])
    assert result.exit_code == 0, result.output
    assert "1 more finding(s) appear once these changes are applied" in result.output
    assert (tmp_path / "out" / "e.txt").read_text("utf-8") == "Tuesday the council met.\n\nShare this:\n\n"
