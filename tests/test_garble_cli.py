"""Document score in the JSON output, and --drop-above / --divert in ``scrubber fix``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from scrubber.cli import main

SPUN = "The envoy carried a note. to the mayor. Officials met. . Then they left. Prices of bread bread rose. The port ( NATO ) reopened ."
CLEAN = "The council met on Monday. It approved the budget."


def write_jsonl(path: Path) -> None:
    path.write_text("".join(json.dumps({"id": i, "text": t, "src": "x"}) + "\n" for i, t in (("a", SPUN), ("b", CLEAN))), encoding="utf-8")


def test_check_json_carries_document_score(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    write_jsonl(src)
    result = CliRunner().invoke(main, ["check", str(src), "--format", "json", "--select", "garble", "--isolated"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    (doc,) = data["documents"]
    assert doc["document"] == "a" and doc["score"] > 0.7


def test_fix_drop_above_diverts_and_counts(tmp_path: Path) -> None:
    src, out, div = tmp_path / "in.jsonl", tmp_path / "out", tmp_path / "div.jsonl"
    write_jsonl(src)
    result = CliRunner().invoke(main, ["fix", str(src), "-o", str(out), "--drop-above", "0.7", "--divert", str(div), "--isolated"])
    assert result.exit_code == 0, result.output
    kept = [json.loads(line) for line in (out / "in.jsonl").read_text().splitlines()]
    assert [r["id"] for r in kept] == ["b"]
    (diverted,) = [json.loads(line) for line in div.read_text().splitlines()]
    assert diverted["id"] == "a" and diverted["src"] == "x" and diverted["garble_score"] > 0.7
    assert "1 document(s) dropped whole" in result.stderr


def test_divert_needs_drop_above(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    write_jsonl(src)
    result = CliRunner().invoke(main, ["fix", str(src), "--divert", str(tmp_path / "d.jsonl"), "--isolated"])
    assert result.exit_code == 2
