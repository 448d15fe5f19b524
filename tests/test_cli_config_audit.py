"""Configuration and rule-pack problems through the installed command: a clear message, exit 2, never a traceback."""

from __future__ import annotations

import json
import os
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

#: (file, its text, what the error says after "FILE": ":LINE: " where the setting is, then the problem); each exits 2 before reading any input
BAD_SHAPES = [
    ("pyproject.toml", '[tool]\nscrubber = "x"', ": 'tool.scrubber' must be a table of settings ([tool.scrubber]), not 'x'"),
    ("pyproject.toml", '[tool]\nscrubber = ["select"]', ": 'tool.scrubber' must be a table of settings ([tool.scrubber]), not ['select']"),
    ("pyproject.toml", "[tool.scrubber]\nglob = [1]", ":2: 'glob' must be a list of strings, not [1] (1 is not a string)"),
    ("pyproject.toml", "[tool.scrubber]\nglob = [['*.txt']]", ":2: 'glob' must be a list of strings, not [['*.txt']]"),
    ("pyproject.toml", "[tool.scrubber.glob]\nx = 1", ":1: 'glob' must be a string or a list of strings, not {'x': 1}"),
    ("pyproject.toml", '[tool.scrubber]\nglob = [""]', ":2: 'glob' must not hold an empty string: ['']"),
    ("scrubber.toml", "select = [1]", ":1: 'select' must be a list of strings, not [1] (1 is not a string)"),
    ("scrubber.toml", "ignore = [true]", ":1: 'ignore' must be a list of strings, not [True]"),
    ("scrubber.toml", "ignore = 3", ":1: 'ignore' must be a string or a list of strings, not 3"),
    ("scrubber.toml", 'rules = [""]', ":1: 'rules' must not hold an empty string: ['']"),
    ("scrubber.toml", "rules = [{ path = 'p' }]", ":1: 'rules' must be a list of strings"),
    ("scrubber.toml", 'text-key = ""', ":1: 'text-key' must not be empty"),
    ("scrubber.toml", "text-key = ['body']", ":1: 'text-key' must be a string, not ['body']"),
    ("scrubber.toml", 'text-key = "a"\ntext_key = "b"', ":2: 'text-key' is given twice (as text-key and text_key)"),
    ("scrubber.toml", 'unsafe = "yes"', ":1: 'unsafe' must be true or false, not 'yes'"),
    ("scrubber.toml", 'drop-flagged = "no"', ":1: 'drop-flagged' must be true or false, not 'no'"),
    ("scrubber.toml", "min-confidence = nan", ":1: 'min-confidence' must be between 0 and 1, not nan"),
    ("scrubber.toml", "drop-above = [0.5]", ":1: 'drop-above' must be a number, not [0.5]"),
    ("scrubber.toml", "jobs = 1.5", ":1: 'jobs' must be a number (a whole one), not 1.5"),
    ("scrubber.toml", "jobs = true", ":1: 'jobs' must be a number (a whole one), not True"),
    ("scrubber.toml", 'engine = "spark"', ":1: 'engine' must be 'local' or 'dask', not 'spark'"),
    ("scrubber.toml", "scheduler = 2024-01-01", ":1: 'scheduler' must be a string, not datetime.date(2024, 1, 1)"),
    ("scrubber.toml", 'scheduler = " "', ":1: 'scheduler' must not be empty"),
    ("scrubber.toml", "review-keys = 3", ":1: 'review-keys' must be a table, not 3"),
    ("scrubber.toml", "review-keys = { accept = 3 }", ":1: 'review-keys' must map each action to a string of keys"),
    ("scrubber.toml", 'review-keys = { accept = "" }', ":1: 'review-keys' must map each action to a string of keys"),
    ("scrubber.toml", "tool = 3", ":1: unknown setting(s): tool"),
]


@pytest.mark.parametrize(("name", "toml", "said"), BAD_SHAPES, ids=[f"{n}:{t}" for n, t, _ in BAD_SHAPES])
def test_a_config_value_of_the_wrong_shape_is_a_clear_error(run_cli, tmp_path: Path, name: str, toml: str, said: str):
    (tmp_path / name).write_text(toml + "\n")
    (tmp_path / "m.txt").write_text("A plain sentence.\n")
    result = run_cli("check", "m.txt")
    assert (result.returncode, result.stdout) == (2, ""), result.stderr
    assert f"scrubber: error: {tmp_path / name}{said}" in result.stderr
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


# -- 5. small ones ----------------------------------------------------------------------------------

OPT_IN_PACK = BYLINE_PACK.replace('id = "house.byline"', 'id = "mined.byline"\nenabled = false')

#: (command-line arguments after "check m.txt", pyproject.toml's [tool.scrubber] or None, what stderr says); all exit 2
SMALL = [
    ([], 'engine = "spark"', "pyproject.toml:2: 'engine' must be 'local' or 'dask', not 'spark'"),
    ([], "select = []", "pyproject.toml: select is empty, so no rule runs (leave it out to run every enabled rule"),
    (["--rules", "p.toml", "--select", "mined"], None,
     "--select: no rules selected: the rules 'mined' matches are opt-in (disabled by default), and run only when selected by their full id (mined.byline)"),
    ([], 'select = "unicode.nbsp"\nignore = "unicode.nbsp"', "pyproject.toml: select: no rules selected: ignore leaves out every rule 'unicode.nbsp' matches"),
    (["--select", "residue", "--ignore", "residue"], None, "--select: no rules selected: --ignore leaves out every rule 'residue' matches"),
    ([], 'select = "residue,unicod"', "pyproject.toml: select: no rule matches 'unicod'; did you mean 'unicode'?"),
    ([], 'ignore = "residue, garbel"', "pyproject.toml: ignore: no rule matches 'garbel'; did you mean 'garble'?"),
    (["--select", "all"], None, "--select: no rule matches 'all'; did you mean 'ALL'?"),
    (["--glob", "d/*.txt"], None, "--glob 'd/*.txt': --glob matches file names only, not paths; give the folder (d) as a PATH, and --glob '*.txt'"),
    (["--glob", "**/*.txt"], None, "--glob '**/*.txt': --glob matches file names only, not paths; folders are searched recursively already: --glob '*.txt'"),
    (["--glob", ""], None, "--glob '': an empty pattern matches no file"),
    ([], 'glob = "d/*.txt"', "pyproject.toml:2: 'glob' 'd/*.txt': glob matches file names only, not paths; give the folder (d) as a PATH, and glob = '*.txt'"),
    (["--stats", "m.txt/s.json"], None, "--stats m.txt/s.json: cannot write it: m.txt is not a directory"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "config", "said"), SMALL, ids=[" ".join(a) or c for a, c, _ in SMALL])
def test_small_selection_and_option_mistakes(run_cli, tmp_path: Path, args: list[str], config: str | None, said: str):
    (tmp_path / "p.toml").write_text(OPT_IN_PACK)
    (tmp_path / "m.txt").write_text("The cafÃ© reopened.\n")
    if config is not None:
        (tmp_path / "pyproject.toml").write_text(f"[tool.scrubber]\n{config}\n")
    result = run_cli("check", "m.txt", *args)
    assert (result.returncode, result.stdout) == (2, ""), result.stderr
    assert said in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(("config", "found"), [('select = "residue,unicode"', True), ('ignore = "garble,unicode"', False)])
def test_select_and_ignore_strings_split_on_commas_as_on_the_command_line(run_cli, tmp_path: Path, config: str, found: bool):
    (tmp_path / "pyproject.toml").write_text(f"[tool.scrubber]\n{config}\n")
    (tmp_path / "m.txt").write_text("The cafÃ© reopened.\n")
    result = run_cli("check", "m.txt", "--format", "jsonl")
    assert result.returncode == (1 if found else 0), result.stderr
    assert ("unicode.mojibake" in result.stdout) is found


def test_stats_is_checked_before_the_run_and_not_created_early(run_cli, tmp_path: Path):
    (tmp_path / "m.txt").write_text("The cafÃ© reopened.\n")
    (tmp_path / "stats").mkdir()
    result = run_cli("fix", "m.txt", "-o", "out", "--stats", "m.txt/s.json")
    assert result.returncode == 2 and not (tmp_path / "out").exists()  # no output written before the error
    result = run_cli("fix", "m.txt", "-o", "out", "--stats", "new/s.json")
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "new" / "s.json").read_text())["files"] == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_stats_in_an_unwritable_folder_is_refused_before_the_run(run_cli, tmp_path: Path):
    (tmp_path / "m.txt").write_text("The cafÃ© reopened.\n")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    result = run_cli("fix", "m.txt", "-o", "out", "--stats", "locked/s.json")
    assert result.returncode == 2 and "cannot write in locked (permission denied)" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("rule_id", "said"), [("residue.sorce-link", "did you mean 'residue.source-link'?"), ("residu", "did you mean 'residue'?")]
)
def test_rules_suggests_the_closest_id(run_cli, rule_id: str, said: str):
    result = run_cli("rules", rule_id)
    assert result.returncode == 2
    assert f"no rule {rule_id!r}; {said}" in result.stderr


#: (review-keys lines, what stderr says; None: accepted, so review goes on to say it needs a terminal)
REVIEW_KEYS = [
    ('accept = "j"', "review-keys: key 'j' is bound to both accept and next; give next another key too"),
    ('next = "?"', "review-keys: key '?' is bound to both next and help; give help another key too"),
    ('reject = "y"', "review-keys: key 'y' is bound to both reject and accept; give accept another key too"),
    ('accept = "a,,b"', "review-keys: accept = 'a,,b' holds an empty key"),
    ('accept = "j"\nnext = "down"', None),
    ('accept = "a"', None),
    ('quit = "ctrl+c"', None),  # two bindings of one action may share a key
]


@pytest.mark.parametrize(("keys", "said"), REVIEW_KEYS, ids=[k for k, _ in REVIEW_KEYS])
def test_a_key_bound_to_two_actions_is_refused(run_cli, tmp_path: Path, keys: str, said: str | None):
    (tmp_path / "pyproject.toml").write_text(f"[tool.scrubber.review-keys]\n{keys}\n")
    (tmp_path / "m.txt").write_text("The cafÃ© reopened.\n")
    result = run_cli("review", "m.txt", "--session", "s.scrubber-session", input="")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    if said is None:
        assert "needs a terminal" in result.stderr, result.stderr
    else:
        assert f"pyproject.toml:2: {said}" in result.stderr  # the line of the remapped key
        assert not (tmp_path / "s.scrubber-session").exists()


#: (config file, its text, the line the error names, what it says): review-keys in every TOML form
REVIEW_KEY_FORMS = [
    ("pyproject.toml", '[tool.scrubber]\nreview-keys = { accept = "j" }', 2, "key 'j' is bound to both accept and next"),
    ("pyproject.toml", '[tool.scrubber]\njobs = 1\nreview-keys.accept = "j"', 3, "key 'j' is bound to both accept and next"),
    ("pyproject.toml", '[tool]\nscrubber.review-keys.accept = "j"', 2, "key 'j' is bound to both accept and next"),
    ("scrubber.toml", '# keys\nreview-keys = { acept = "j" }', 2, "no binding 'acept'"),
    ("scrubber.toml", 'jobs = 1\nreview-keys.accept = "a,,b"', 2, "accept = 'a,,b' holds an empty key"),
    (
        "pyproject.toml",
        '[tool.scrubber.review-keys]\naccept = "x"\nreject = "x"',
        2,
        "accept and reject are both set to key 'x', and a key can do only one of them; set one of the two to another key",
    ),
    (
        "scrubber.toml",
        'review-keys = { accept = "x", reject = "x" }',
        1,
        "accept and reject are both set to key 'x', and a key can do only one of them; set one of the two to another key",
    ),
]


@pytest.mark.parametrize(("name", "toml", "line", "said"), REVIEW_KEY_FORMS, ids=[t for _, t, _, _ in REVIEW_KEY_FORMS])
def test_a_review_keys_error_names_its_line_in_every_toml_form(run_cli, tmp_path: Path, name: str, toml: str, line: int, said: str):
    (tmp_path / name).write_text(toml + "\n")
    (tmp_path / "m.txt").write_text("The cafÃ© reopened.\n")
    result = run_cli("review", "m.txt", "--session", "s.scrubber-session", input="")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"scrubber: error: {tmp_path / name}:{line}: review-keys: {said}" in result.stderr, result.stderr
    assert "give accept another key too" not in result.stderr


#: (TOML text, table, key spellings, the lines key_lines finds): a line only where the key is really set
KEY_LINES = [
    ("a = 1\n# jobs = 3\njobs = 2\n", "", {"jobs"}, [3]),
    ('"jobs" = 2\n', "", {"jobs"}, [1]),
    ('note = """\njobs = 9\n"""\njobs = 2\n', "", {"jobs"}, [4]),
    ("[project]\njobs = 1\n[tool.scrubber]\njobs = 2\n", "tool.scrubber", {"jobs"}, [4]),
    ('[tool.scrubber]\nx = 1\n[tool.scrubber.review-keys]\naccept = "a"\n', "tool.scrubber", {"review-keys"}, [3]),
    ("min-confidence = 0.3\nmin_confidence = 0.2\n", "", {"min-confidence", "min_confidence"}, [1, 2]),
    ("tool.scrubber.jobs = 2\n", "tool.scrubber", {"jobs"}, [1]),  # a dotted key
    ('[tool]\nscrubber.review-keys.accept = "j"\n', "tool.scrubber.review-keys", {"accept"}, [2]),
    ('[tool.scrubber]\nreview-keys = { next = "n", accept = "j" }\n', "tool.scrubber.review-keys", {"accept"}, [2]),
    ('[tool.scrubber]\nreview-keys = { next = "n" }\n', "tool.scrubber.review-keys", {"accept"}, []),
    ('[tool]\nscrubber = { review-keys = { accept = "j" } }\n', "tool.scrubber.review-keys", {"accept"}, [2]),
    ('[tool.scrubber]\n"review-keys".accept = "j"\n', "tool.scrubber.review-keys", {"accept"}, [2]),
    ('[tool.other]\nreview-keys.accept = "j"\n', "tool.scrubber.review-keys", {"accept"}, []),
]


@pytest.mark.parametrize(("text", "table", "names", "lines"), KEY_LINES)
def test_key_lines_finds_where_a_setting_is_written(text: str, table: str, names: set[str], lines: list[int]):
    from scrubber.packs import key_lines

    assert key_lines(text, table, names) == lines


def test_a_config_error_names_the_line_of_its_setting(run_cli, tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.scrubber]\n# workers\njobs = "two"\n')
    (tmp_path / "m.txt").write_text("A plain sentence.\n")
    result = run_cli("check", "m.txt")
    assert result.returncode == 2
    assert f"{tmp_path / 'pyproject.toml'}:6: 'jobs' must be a number" in result.stderr
