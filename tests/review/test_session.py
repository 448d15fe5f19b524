"""The session: decisions committed as made, kept across changes, applied like fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from review_helpers import FLAGS_PACK, RULES, engine, open_session

from scrubber.cli import main
from scrubber.io.sources import discover, read_items
from scrubber.model import Action
from scrubber.policy import Policy
from scrubber.session import Session, SessionError, write_reviewed


def ids(session: Session) -> list[int]:
    return [r[0] for r in session.finding_rows()]


def test_decisions_survive_reopening(tmp_path: Path, session: Session) -> None:
    first, second = ids(session)[:2]
    session.decide([first], Action.ACCEPT)
    session.decide([second], Action.EDIT, "edited")
    session.close()
    again = Session(session.path)
    state = {r[0]: (r[12], r[13]) for r in again.finding_rows()}
    assert state[first] == ("accept", None)
    assert state[second] == ("edit", "edited")
    assert [row[3] for row in again.log()] == ["accept", "edit"]


def test_undo_restores_the_previous_decision(session: Session) -> None:
    first = ids(session)[0]
    session.decide([first], Action.ACCEPT)
    session.decide([first], Action.REJECT)
    assert session.undo() == [first]
    assert session.current([first])[first] == ("accept", None)
    assert session.undo() == [first]
    assert session.current([first])[first] == (None, None)
    assert session.undo() == []


def test_changed_input_keeps_matching_decisions(tmp_path: Path, corpus: Path, session: Session) -> None:
    for fid in ids(session):
        session.decide([fid], Action.REJECT)
    harbour = corpus / "harbour.txt"
    # a new paragraph on top and one mojibake word fixed by hand
    harbour.write_text("A new first paragraph.\n\n" + harbour.read_text("utf-8").replace("councilâ€™s", "council’s"), "utf-8")
    report = Session(session.path).sync(engine(), [], "text", lambda *a: None)
    assert [(Path(p).name, kept, lost) for p, kept, lost in report.changed] == [("harbour.txt", 5, 1)]
    assert "5 decision(s) kept, 1 could not be matched (the text at or near them changed)" in report.messages()[0]


def fix_and_apply(tmp_path: Path, corpus: Path, session: Session, policy: Policy) -> tuple[Path, Path]:
    for fid, *rest in session.finding_rows():
        from scrubber.model import Finding

        f = Finding(rest[1], rest[2], rest[3], rest[4], rest[6], rest[7], bool(rest[8]), rest[9], rest[10])
        d = policy.decide(f)
        if d is not None:
            session.decide([fid], d.action, d.text)
    fixed, applied = tmp_path / "fixed", tmp_path / "applied"
    args = ["fix", str(corpus), "-o", str(fixed), "--isolated", "--rules", str(FLAGS_PACK), "--select", ",".join(RULES), "-q"]
    if policy.drop_flagged:
        args.append("--drop-flagged")
    if policy.unsafe:
        args.append("--unsafe")
    assert CliRunner().invoke(main, args).exit_code == 0
    result = CliRunner().invoke(main, ["apply", str(session.path), "-o", str(applied), "-q"])
    assert result.exit_code == 0, result.output
    return fixed, applied


@pytest.mark.parametrize("policy", [Policy(), Policy(unsafe=True, drop_flagged=True)], ids=["safe", "unsafe-drop"])
def test_apply_writes_what_fix_writes(tmp_path: Path, corpus: Path, session: Session, policy: Policy) -> None:
    fixed, applied = fix_and_apply(tmp_path, corpus, session, policy)
    names = sorted(p.relative_to(fixed) for p in fixed.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(applied) for p in applied.rglob("*") if p.is_file())
    for name in names:
        assert (fixed / name).read_bytes() == (applied / name).read_bytes(), name


def test_apply_makes_only_the_decided_changes(tmp_path: Path, corpus: Path) -> None:
    s = open_session(tmp_path / "one.scrubber-session", [corpus / "harbour.txt"])
    rows = s.finding_rows()
    by_rule = {r[2]: r[0] for r in rows}
    s.decide([by_rule["residue.source-link"]], Action.ACCEPT)
    s.decide([by_rule["residue.ad-shortcode-inline"]], Action.EDIT, " (ad) ")
    stats = write_reviewed(s, tmp_path / "out", False, lambda *a: None)
    assert stats.files == 1
    original = (corpus / "harbour.txt").read_text("utf-8")
    expected = original.replace("\n\n[ad_2]Source link\n", "\n").replace("November.[ad_2] Fares", "November. (ad)  Fares")
    assert (tmp_path / "out" / "harbour.txt").read_text("utf-8") == expected


def test_apply_refuses_an_input_changed_since_review(tmp_path: Path, corpus: Path, session: Session) -> None:
    (corpus / "market.txt").write_text("changed\n", "utf-8")
    problems: list[str] = []
    stats = write_reviewed(session, tmp_path / "out", False, lambda level, where, msg: problems.append(msg))
    assert stats.errors == 1 and "changed since it was reviewed" in problems[0]


def test_apply_in_place_leaves_unchanged_files_alone(tmp_path: Path, corpus: Path, session: Session) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(corpus, copy)
    first = session.finding_rows()[0]
    session.decide([first[0]], Action.ACCEPT)
    result = CliRunner().invoke(main, ["apply", str(session.path), "--in-place", "-q"])
    assert result.exit_code == 0, result.output
    changed = [p.name for p in sorted(corpus.iterdir()) if p.read_bytes() != (copy / p.name).read_bytes()]
    assert changed == ["harbour.txt"]


def test_review_command_needs_inputs_or_a_session(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["review", "--session", str(tmp_path / "none.scrubber-session")])
    assert result.exit_code == 2 and "no such session" in result.output


def test_problems_reading_inputs_reach_the_reviewer(tmp_path: Path) -> None:
    from scrubber.cli.common import build_engine
    from scrubber.cli.review import open_session as open_review

    (tmp_path / "legacy.txt").write_bytes("Caf\u00e9 prices rose.\n".encode("cp1252"))
    setup = build_engine((",".join(RULES),), (), (FLAGS_PACK,), None, True)
    session, messages = open_review((str(tmp_path / "legacy.txt"),), tmp_path / "s.scrubber-session", setup, None, (), 1)
    session.close()
    assert any("legacy.txt" in m and "not valid UTF-8" in m for m in messages)


def test_building_a_session_reports_progress(tmp_path: Path, corpus: Path) -> None:
    """Finding the changes of a big corpus takes a while: the runner's stats reach ``on_progress``."""
    seen: list[int] = []
    sources = discover([str(corpus)])
    Session(tmp_path / "p.scrubber-session").sync(
        engine(), sources, "text", lambda *a: None, on_progress=lambda stats: seen.append(stats.documents)
    )
    documents = sum(1 for source in sources for item in read_items(source, "text", lambda *a: None) if item.doc is not None)
    assert seen and seen[-1] == documents > 1
    assert seen == sorted(seen)


def test_apply_refuses_two_inputs_onto_one_output(tmp_path: Path, corpus: Path) -> None:
    twin = tmp_path / "other"
    twin.mkdir()
    shutil.copy(corpus / "harbour.txt", twin / "harbour.txt")
    session = open_session(tmp_path / "twins.scrubber-session", [corpus / "harbour.txt", twin / "harbour.txt"])
    session.close()
    result = CliRunner().invoke(main, ["apply", str(session.path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "would both be written to" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("where", "said"),
    [("no/such/folder/x.scrubber-session", "cannot create the session: no folder"), ("junk.scrubber-session", "not a scrubber session")],
)
def test_a_session_that_cannot_be_opened_says_why(tmp_path: Path, where: str, said: str) -> None:
    (tmp_path / "junk.scrubber-session").write_text("not a database, just text " * 100)
    with pytest.raises(SessionError, match=said):
        Session(tmp_path / where)


def test_apply_redirected_onto_its_input_says_so(tmp_path: Path, corpus: Path) -> None:
    import subprocess
    import sys

    target = corpus / "harbour.txt"
    session = open_session(tmp_path / "one.scrubber-session", [target])
    session.close()
    with open(target, "r+b") as same:
        result = subprocess.run(
            [str(Path(sys.executable).parent / "scrubber"), "apply", str(session.path)], stdout=same, stderr=subprocess.PIPE, text=True
        )
    assert result.returncode == 2
    assert "standard output is the input" in result.stderr
