"""``scrubber apply`` writes the whole reviewed result or nothing, and says which."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from scrubber.io import atomic
from scrubber.model import Action
from scrubber.session import Session, write_reviewed


def files_under(folder: Path) -> list[str]:
    """Every file below ``folder`` (temp files included), relative, sorted."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def decide_all(session: Session) -> None:
    session.decide([r[0] for r in session.finding_rows() if r[5] is not None], Action.ACCEPT)


@pytest.fixture
def decided(session: Session) -> Session:
    decide_all(session)
    return session


def test_a_changed_and_a_missing_input_stop_everything(run_cli, tmp_path: Path, corpus: Path, decided: Session) -> None:
    (corpus / "market.txt").write_text("edited since the review\n", "utf-8")
    (corpus / "wire.jsonl").unlink()
    result = run_cli("apply", str(decided.path), "-o", "out")
    assert result.returncode == 2
    assert f"{corpus / 'market.txt'}: error: changed since it was reviewed" in result.stderr
    assert f"{corpus / 'wire.jsonl'}: error: missing" in result.stderr
    assert "nothing written (2 input(s) changed or missing since the review)" in result.stderr
    assert "--partial" in result.stderr and "scrubber review --session" in result.stderr
    assert files_under(tmp_path / "out") == []


def test_in_place_leaves_every_input_alone_when_one_changed(run_cli, corpus: Path, decided: Session) -> None:
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in corpus.iterdir() if p.name != "market.txt"}
    (corpus / "market.txt").write_text("edited since the review\n", "utf-8")
    result = run_cli("apply", str(decided.path), "--in-place")
    assert result.returncode == 2 and "nothing written" in result.stderr
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in corpus.iterdir() if p.name != "market.txt"} == before


def test_partial_writes_the_inputs_that_still_match(run_cli, tmp_path: Path, corpus: Path, decided: Session) -> None:
    (corpus / "market.txt").write_text("edited since the review\n", "utf-8")
    result = run_cli("apply", str(decided.path), "-o", "out", "--partial")
    assert result.returncode == 2, result.stderr
    assert "3 file(s) written" in result.stderr and "1 input(s) skipped" in result.stderr
    assert files_under(tmp_path / "out") == ["harbour.txt", "hostile.jsonl", "wire.jsonl"]
    assert "â€™" not in (tmp_path / "out" / "harbour.txt").read_text("utf-8")


def test_an_output_that_cannot_be_written_stops_every_output(run_cli, tmp_path: Path, decided: Session) -> None:
    # a folder where the third output should go (works as root too, unlike a read-only folder)
    (tmp_path / "out" / "market.txt").mkdir(parents=True)
    result = run_cli("apply", str(decided.path), "-o", "out")
    assert result.returncode == 2
    assert "out/market.txt: cannot write (Is a directory)" in result.stderr
    assert "nothing written (see the error above)" in result.stderr
    assert files_under(tmp_path / "out") == []  # the outputs staged before it were removed


def test_all_outputs_appear_together(run_cli, tmp_path: Path, corpus: Path, decided: Session) -> None:
    result = run_cli("apply", str(decided.path), "-o", "out")
    assert result.returncode == 0, result.stderr
    assert files_under(tmp_path / "out") == ["harbour.txt", "hostile.jsonl", "market.txt", "wire.jsonl"]


def test_a_failed_rename_names_what_was_written_and_what_was_not(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, decided: Session) -> None:
    """A rename can still fail after others succeeded (the disk changed meanwhile): the user learns which."""
    real_replace = os.replace

    def replace(src: str, dst: object) -> None:
        if str(dst).endswith("market.txt"):
            raise PermissionError(13, "Permission denied")
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    problems: list[str] = []
    stats = write_reviewed(decided, tmp_path / "out", False, lambda level, where, msg: problems.append(f"{where}: {msg}"))
    out = tmp_path / "out"
    assert stats.written == [str(out / "harbour.txt"), str(out / "hostile.jsonl")]
    assert stats.not_written == [str(out / "market.txt"), str(out / "wire.jsonl")]
    assert "Permission denied" in problems[0]
    assert f"NOT written after the error above: {out / 'market.txt'}, {out / 'wire.jsonl'}" in stats.summary()
    assert files_under(out) == ["harbour.txt", "hostile.jsonl"]  # no temp file left behind
    assert not atomic._OPEN


def test_partial_with_nothing_stale_is_a_plain_apply(run_cli, tmp_path: Path, decided: Session) -> None:
    shutil.rmtree(tmp_path / "out", ignore_errors=True)
    result = run_cli("apply", str(decided.path), "-o", "out", "--partial")
    assert result.returncode == 0 and "4 file(s) written" in result.stderr
