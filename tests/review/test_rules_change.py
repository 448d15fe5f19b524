"""Resuming a review with other rules: said as a change of rules, asked for, and no decision ever lost.

Resuming with ``--select residue`` a session reviewed with every rule
called the inputs "changed since the last review" (they were not), counted
the mojibake decisions as "could not be matched (the text at or near it
changed)", and silently made ``--select residue`` the session's rules.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from review_helpers import engine, open_session

from scrubber.cli import main
from scrubber.cli.common import build_engine
from scrubber.model import Action
from scrubber.review import app as app_module
from scrubber.review.model import ReviewModel
from scrubber.session import Session

review_cli = sys.modules["scrubber.cli.review"]  # the package exports the command under the module's name

TEXT = "The cafÃ© opened on Tuesday and the mayorâ€™s office said so.\n\n[ad_1]\n\nThe market is back.\n"


@pytest.fixture
def reviewer(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[str]]]:
    """Run `scrubber review` without a terminal: what the app would say (message line, toasts) instead of the app."""
    opened: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(review_cli, "require_terminal", lambda: None)
    monkeypatch.setattr(app_module.ReviewApp, "run", lambda self: opened.append((self.opening_note(), self.messages)))
    return opened


def run(folder: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["review", *args], catch_exceptions=False)
    return result.exit_code, result.output


def accept_all(session_path: Path) -> None:
    """ctrl+a on each rule, residue first: one batch per rule, the mojibake batch last."""
    session = Session(session_path)
    rows = session.finding_rows()
    for rule in sorted({r[2] for r in rows}):
        session.decide([r[0] for r in rows if r[2] == rule], Action.ACCEPT)
    session.close()


@pytest.fixture
def started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reviewer: list) -> Path:
    """e.txt reviewed with every rule (no config file), every change accepted."""
    monkeypatch.chdir(tmp_path)
    Path("e.txt").write_text(TEXT, "utf-8")
    code, out = run(tmp_path, "e.txt")
    assert code == 0, out
    accept_all(tmp_path / "e.scrubber-session")
    reviewer.clear()
    return tmp_path / "e.scrubber-session"


def test_other_rules_that_hide_decisions_are_refused_and_nothing_changes(started: Path, reviewer: list) -> None:
    before = Session(started).get("rule_options")
    code, out = run(started.parent, "--session", str(started), "--select", "residue")
    assert code == 2 and not reviewer
    assert "was every enabled rule (no config file), now --select residue (no config file)" in out
    assert "2 decision(s) are on changes of rules these options leave out: unicode.mojibake (2)" in out
    assert "--rules-changed-ok" in out and "changed since the last review" not in out
    assert Session(started).get("rule_options") == before


def test_other_rules_with_the_flag_say_the_rules_changed_never_the_text(started: Path, reviewer: list) -> None:
    code, out = run(started.parent, "--session", str(started), "--select", "residue", "--rules-changed-ok")
    assert code == 0, out
    [(note, messages)] = reviewer
    toast = "\n".join(messages)
    assert "The rules changed since the last review (was every enabled rule (no config file), now --select residue" in toast
    assert "2 decision(s) on changes these rules do not make are set aside" in toast
    assert "e.txt changed" not in toast and "could not be matched" not in note
    assert "(rules: --select residue (no config file)): 1 decision(s) kept, 2 set aside" in note


def test_set_aside_decisions_come_back_with_their_rules(started: Path, reviewer: list) -> None:
    run(started.parent, "--session", str(started), "--select", "residue", "--rules-changed-ok")
    code, _ = run(started.parent, "--session", str(started))  # a bare resume keeps the rules last confirmed, and says so
    assert code == 0 and "(rules: --select residue (no config file))" in reviewer[-1][0] and "2 set aside" in reviewer[-1][0]
    code, out = run(started.parent, "--session", str(started), "--select", "ALL")  # widening hides nothing: no flag needed
    assert code == 0, out
    note, messages = reviewer[-1]
    assert "3 decision(s) kept, none lost." in note and "The rules changed" in messages[0] and "set aside" not in messages[0]
    session = Session(started)
    assert sum(r[12] == "accept" for r in session.finding_rows()) == 3


def test_same_rules_given_again_is_a_plain_resume(started: Path, reviewer: list) -> None:
    code, _ = run(started.parent, "--session", str(started), "--select", "ALL")  # the same rules as no options
    assert code == 0
    note, messages = reviewer[-1]
    assert messages == [] and "3 decision(s) kept, none lost." in note


def test_undo_does_not_take_back_a_decision_set_aside(started: Path, reviewer: list) -> None:
    run(started.parent, "--session", str(started), "--select", "residue", "--rules-changed-ok")
    session = Session(started)
    model = ReviewModel(session)
    assert model.can_undo  # the residue batch, though the mojibake one is later: it is not on screen
    assert len(session.undo()) == 1 and session.undo() == [] and session.unmatched() == (2, 0)


def test_a_resume_from_another_folder_keeps_the_config_found_at_the_start(tmp_path: Path, monkeypatch, reviewer: list) -> None:
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    (project / "scrubber.toml").write_text('select = ["residue"]\n', "utf-8")
    (project / "e.txt").write_text(TEXT, "utf-8")
    monkeypatch.chdir(project)
    assert run(project, "e.txt")[0] == 0
    accept_all(project / "e.scrubber-session")
    monkeypatch.chdir(elsewhere)  # no config here: every rule would run
    code, out = run(elsewhere, "--session", str(project / "e.scrubber-session"))
    assert code == 0, out
    note, messages = reviewer[-1]
    assert f"(rules: the selection of config {project / 'scrubber.toml'})" in note and messages == []
    assert {r[2] for r in Session(project / "e.scrubber-session").finding_rows()} == {"residue.ad-shortcode-line"}
    (project / "scrubber.toml").unlink()
    code, out = run(elsewhere, "--session", str(project / "e.scrubber-session"))
    assert code == 2 and "which is gone" in out


def test_a_rule_edited_under_the_same_options_is_a_change_of_rules(tmp_path: Path) -> None:
    """Same options, other findings (a pack edited, scrubber upgraded): said once as rules, with no input named."""
    doc = tmp_path / "e.txt"
    doc.write_text(TEXT, "utf-8")
    session = open_session(tmp_path / "s.scrubber-session", [doc])
    session.decide([r[0] for r in session.finding_rows()], Action.ACCEPT)
    narrower = build_engine(("residue",), (), (), None, True).engine
    report = session.sync(narrower, [], "text", lambda *a: None)
    assert report.changed == [] and report.rules_changed and report.set_aside == 2
    assert report.messages()[0].startswith("The rules changed since the last review (a rule pack or the config file was edited")
    report = session.sync(engine(), [], "text", lambda *a: None)
    assert report.set_aside == 0 and session.unmatched() == (0, 0) and session.decided_count() == 3


def test_a_text_change_still_counts_what_could_not_be_matched(tmp_path: Path) -> None:
    doc = tmp_path / "e.txt"
    doc.write_text(TEXT, "utf-8")
    session = open_session(tmp_path / "s.scrubber-session", [doc])
    session.decide([r[0] for r in session.finding_rows()], Action.ACCEPT)
    doc.write_text(TEXT.replace("[ad_1]\n", "[ad_1]\nA new line.\n"), "utf-8")
    report = session.sync(engine(), [], "text", lambda *a: None)
    assert report.messages() == [
        "e.txt changed since the last review: findings recomputed, 2 decision(s) kept, 1 could not be matched"
        " (the text at or near them changed)"
    ]


def test_a_session_from_before_decisions_held_their_rule_gets_them(tmp_path: Path) -> None:
    doc = tmp_path / "e.txt"
    doc.write_text(TEXT, "utf-8")
    path = tmp_path / "old.scrubber-session"
    session = open_session(path, [doc])
    session.decide([r[0] for r in session.finding_rows()], Action.ACCEPT)
    session.close()
    db = sqlite3.connect(path)  # the table as it was: no rule column
    db.executescript(
        "CREATE TABLE d2 AS SELECT id, input, doc_key, fingerprint, action, text, at, batch, undone FROM decisions;"
        " DROP TABLE decisions; ALTER TABLE d2 RENAME TO decisions;"
    )
    db.close()
    again = Session(path)
    assert again.decided_rules() == {"unicode.mojibake": 2, "residue.ad-shortcode-line": 1}
