"""Configuration and rule-pack problems through the installed command: a clear message, exit 2, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli import USER_PACK

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


# -- 2. config values of the wrong shape ------------------------------------------------------

#: (file, its text, what the error says after "FILE: "); every one exits 2 before reading any input
BAD_SHAPES = [
    ("pyproject.toml", '[tool]\nscrubber = "x"', "'tool.scrubber' must be a table of settings ([tool.scrubber]), not 'x'"),
    ("pyproject.toml", '[tool]\nscrubber = ["select"]', "'tool.scrubber' must be a table of settings ([tool.scrubber]), not ['select']"),
    ("pyproject.toml", "[tool.scrubber]\nglob = [1]", "'glob' must be a list of strings, not [1] (1 is not a string)"),
    ("pyproject.toml", "[tool.scrubber]\nglob = [['*.txt']]", "'glob' must be a list of strings, not [['*.txt']]"),
    ("pyproject.toml", "[tool.scrubber.glob]\nx = 1", "'glob' must be a string or a list of strings, not {'x': 1}"),
    ("pyproject.toml", '[tool.scrubber]\nglob = [""]', "'glob' must not hold an empty string: ['']"),
    ("scrubber.toml", "select = [1]", "'select' must be a list of strings, not [1] (1 is not a string)"),
    ("scrubber.toml", "ignore = [true]", "'ignore' must be a list of strings, not [True]"),
    ("scrubber.toml", "ignore = 3", "'ignore' must be a string or a list of strings, not 3"),
    ("scrubber.toml", 'rules = [""]', "'rules' must not hold an empty string: ['']"),
    ("scrubber.toml", "rules = [{ path = 'p' }]", "'rules' must be a list of strings"),
    ("scrubber.toml", 'text-key = ""', "'text-key' must not be empty"),
    ("scrubber.toml", "text-key = ['body']", "'text-key' must be a string, not ['body']"),
    ("scrubber.toml", 'text-key = "a"\ntext_key = "b"', "'text-key' is given twice (as text-key and text_key)"),
    ("scrubber.toml", 'unsafe = "yes"', "'unsafe' must be true or false, not 'yes'"),
    ("scrubber.toml", 'drop-flagged = "no"', "'drop-flagged' must be true or false, not 'no'"),
    ("scrubber.toml", "min-confidence = nan", "'min-confidence' must be between 0 and 1, not nan"),
    ("scrubber.toml", "drop-above = [0.5]", "'drop-above' must be a number, not [0.5]"),
    ("scrubber.toml", "jobs = 1.5", "'jobs' must be a number (a whole one), not 1.5"),
    ("scrubber.toml", "jobs = true", "'jobs' must be a number (a whole one), not True"),
    ("scrubber.toml", 'engine = "spark"', "'engine' must be 'local' or 'dask', not 'spark'"),
    ("scrubber.toml", "scheduler = 2024-01-01", "'scheduler' must be a string, not datetime.date(2024, 1, 1)"),
    ("scrubber.toml", 'scheduler = " "', "'scheduler' must not be empty"),
    ("scrubber.toml", "review-keys = 3", "'review-keys' must be a table, not 3"),
    ("scrubber.toml", "review-keys = { accept = 3 }", "'review-keys' must map each action to a string of keys"),
    ("scrubber.toml", 'review-keys = { accept = "" }', "'review-keys' must map each action to a string of keys"),
    ("scrubber.toml", "tool = 3", "unknown setting(s): tool"),
]


@pytest.mark.parametrize(("name", "toml", "said"), BAD_SHAPES, ids=[f"{n}:{t}" for n, t, _ in BAD_SHAPES])
def test_a_config_value_of_the_wrong_shape_is_a_clear_error(run_cli, tmp_path: Path, name: str, toml: str, said: str):
    (tmp_path / name).write_text(toml + "\n")
    (tmp_path / "m.txt").write_text("A plain sentence.\n")
    result = run_cli("check", "m.txt")
    assert (result.returncode, result.stdout) == (2, ""), result.stderr
    assert f"scrubber: error: {tmp_path / name}: {said}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("tool", ["tool = 3", 'tool = "scrubber"', "tool = [1, 2]"])
def test_a_pyproject_whose_tool_is_not_a_table_is_not_ours(run_cli, tmp_path: Path, tool: str):
    """It is another tool's file: skipped, and the search goes on upwards (to a scrubber.toml here)."""
    (tmp_path / "scrubber.toml").write_text('select = ["residue"]\n')
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text(tool + "\n")
    (sub / "m.txt").write_text("The cafÃ© reopened.\nRead more\n")
    result = run_cli("check", "m.txt", "--format", "jsonl", cwd=sub)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    rules = {f["rule"] for line in result.stdout.splitlines() for f in json.loads(line)["findings"]}
    assert rules == {"residue.read-more"}  # the mojibake is not reported: the parent's select applies


def test_a_pyproject_named_by_config_whose_tool_is_not_a_table_is_an_error(run_cli, tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("tool = 3\n")
    (tmp_path / "m.txt").write_text("A plain sentence.\n")
    result = run_cli("check", "m.txt", "--config", "pyproject.toml")
    assert result.returncode == 2
    assert "pyproject.toml: 'tool' must be a table (scrubber reads [tool.scrubber]), not 3" in result.stderr


# -- 3. a pack folder with no pack ---------------------------------------------------------------

BYLINE_PACK = USER_PACK.replace("{no_match}", "Reporting by phone is hard, she said.\\nMore text.")

#: (files in the folder "packs", the command, exit code, what stderr says); the folder's own name in the message
PACK_FOLDERS = [
    ({}, ["rules", "--check", "packs"], 2, "packs: no rule pack in this folder (a pack is a .toml file)"),
    ({}, ["fix", "m.txt", "--rules", "packs"], 2, "packs: no rule pack in this folder"),
    ({"notes.txt": "x"}, ["check", "m.txt", "--rules", "packs"], 2, "packs: no rule pack in this folder"),
    ({".hidden.toml": BYLINE_PACK}, ["rules", "--check", "packs"], 2, "packs: no rule pack in this folder"),
    ({"dir.toml/": ""}, ["rules", "--check", "packs"], 2, "packs: no rule pack in this folder"),
    ({"HOUSE.TOML": BYLINE_PACK}, ["rules", "--check", "packs"], 0, ""),
    ({"HOUSE.TOML": BYLINE_PACK}, ["fix", "m.txt", "--rules", "packs", "--select", "house"], 0, ""),
]


@pytest.mark.parametrize(("files", "args", "code", "said"), PACK_FOLDERS)
def test_a_pack_folder_with_no_pack_is_an_error(run_cli, tmp_path: Path, files: dict[str, str], args: list[str], code: int, said: str):
    folder = tmp_path / "packs"
    folder.mkdir()
    for name, text in files.items():
        if name.endswith("/"):
            (folder / name).mkdir()
        else:
            (folder / name).write_text(text)
    (tmp_path / "m.txt").write_text("Body.\nReporting by Ann Lee\n")
    result = run_cli(*args)
    assert result.returncode == code, result.stderr
    assert said in result.stderr and "Traceback" not in result.stderr
    if args[0] == "fix" and code == 0:
        assert result.stdout == "Body.\n"


def test_an_empty_pack_folder_in_the_config_is_an_error(run_cli, tmp_path: Path):
    (tmp_path / "packs").mkdir()
    (tmp_path / "scrubber.toml").write_text('rules = ["packs"]\n')
    (tmp_path / "m.txt").write_text("A plain sentence.\n")
    result = run_cli("check", "m.txt")
    assert result.returncode == 2
    assert f"{tmp_path / 'packs'}: no rule pack in this folder" in result.stderr


# -- 4. pack errors name the line ----------------------------------------------------------------


@pytest.mark.parametrize("args", [["rules", "--check", "p.toml"], ["fix", "m.txt", "--rules", "p.toml"]])
def test_a_pack_error_names_file_line_and_rule(run_cli, tmp_path: Path, args: list[str]):
    (tmp_path / "p.toml").write_text('[pack]\nname = "house"\n' + BYLINE_PACK.replace("where = ", "colour = 'red'\nwhere = "))
    (tmp_path / "m.txt").write_text("Body.\n")
    result = run_cli(*args)
    assert result.returncode == 2
    assert "scrubber: error: p.toml:8: rule 'house.byline': unknown parameter(s) for kind 'line': colour\n" in result.stderr
