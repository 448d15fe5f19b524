"""Configuration and rule-pack problems through the installed command: a clear message, exit 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

SLOW_PACK = """[[rules]]
id = "demo.slow"
kind = "pattern"
action = "strip"
pattern = '(a|aa)+$'
description = "backtracks exponentially on a run of a's that does not end the text"
examples.match = [{ text = "baa", result = "b" }]
examples.no_match = ["%s!"]
"""


def test_rules_check_fails_an_example_the_regex_times_out_on(run_cli, tmp_path: Path):
    (tmp_path / "c3.toml").write_text(SLOW_PACK % ("a" * 60))
    result = run_cli("rules", "--check", "c3.toml")
    assert result.returncode == 1, result.stdout
    assert "c3.toml: rule 'demo.slow': examples.no_match 'aaaa" in result.stderr
    assert "timed out" in result.stderr and "Traceback" not in result.stderr
    assert "1 failure(s) — FAILED" in result.stdout
