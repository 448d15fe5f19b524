"""What a run writes against what it reads, and runs with odd inputs, through the installed command.

Round 5 of the bad-input audit: ``--stats``/``--divert``/``mine -o`` onto an
input, re-running ``fix . -o clean``, a broken pyproject.toml, ``review``
on what it cannot review, legacy encodings with ``--in-place``, JSONL
locations, ``mine --distinct-key``, standard input and empty runs.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

MOJIBAKE = "The cafÃ© reopened.\n"
RECORD = json.dumps({"id": "r1", "text": "Rail talks resume.\n[ad_2]Source link"}) + "\n"


def scrubber_exe() -> str:
    return str(Path(sys.executable).parent / "scrubber")


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    (tmp_path / "corpus.jsonl").write_text(RECORD * 3)
    (tmp_path / "m.txt").write_text(MOJIBAKE)
    return tmp_path


# -- 1: every output file against every input and every other output ------------------------

OUTPUT_CLASHES = [
    (["fix", ".", "-o", "../o", "--drop-above", "0.3", "--divert", "corpus.jsonl"], "--divert corpus.jsonl is the input corpus.jsonl"),
    (["fix", "corpus.jsonl", "-o", "../o", "--stats", "corpus.jsonl"], "--stats corpus.jsonl is the input corpus.jsonl"),
    (["fix", "corpus.jsonl", "--in-place", "--stats", "corpus.jsonl"], "--stats corpus.jsonl is the input corpus.jsonl"),
    (["fix", "corpus.jsonl", "--diff", "--stats", "corpus.jsonl"], "--stats corpus.jsonl is the input corpus.jsonl"),
    (["check", "corpus.jsonl", "--stats", "corpus.jsonl"], "--stats corpus.jsonl is the input corpus.jsonl"),
    (["check", ".", "--stats", "m.txt"], "--stats m.txt is the input m.txt (found in .)"),
    (["mine", "corpus.jsonl", "-o", "corpus.jsonl"], "-o corpus.jsonl is the input corpus.jsonl"),
    (
        ["fix", "m.txt", "-o", "o", "--drop-above", "0.3", "--stats", "s.json", "--divert", "s.json"],
        "--stats and --divert are the same file",
    ),
    (["fix", "m.txt", "-o", "o", "--stats", "o/m.txt"], "--stats o/m.txt is also where -o writes m.txt"),
    (["fix", "m.txt", "-o", "o", "--stats", "o"], "--stats o is the -o output folder"),
]


@pytest.mark.parametrize(("args", "said"), OUTPUT_CLASHES, ids=[" ".join(a) for a, _ in OUTPUT_CLASHES])
def test_an_output_file_onto_an_input_or_another_output_is_refused_before_anything_is_written(
    run_cli, inputs: Path, args: list[str], said: str
):
    before = {p.name: p.read_bytes() for p in inputs.iterdir()}
    result = run_cli(*args, "-j", "1") if args[0] != "mine" else run_cli(*args)
    assert result.returncode == 2, result.stderr
    assert said in result.stderr and "Traceback" not in result.stderr
    assert {p.name: p.read_bytes() for p in inputs.iterdir()} == before  # nothing written, nothing replaced
    assert not (inputs.parent / "o").exists()


@pytest.mark.parametrize(
    "args",
    [["--stats", "o/stats.json"], ["--stats", "stats.json"]],
    ids=["stats-inside-o", "beside"],
)
def test_output_files_that_clash_with_nothing_are_written(run_cli, inputs: Path, args: list[str]):
    result = run_cli("fix", "corpus.jsonl", "m.txt", "-o", "o", "-j", "1", *args)
    assert result.returncode == 0, result.stderr
    assert json.loads((inputs / args[1]).read_text())["documents"] == 4


# -- 5: the -o folder inside a walked input folder ------------------------------------------


@pytest.mark.parametrize("out", ["clean", "./clean/", "sub/clean"])
def test_running_fix_dot_o_clean_twice_leaves_the_output_folder_out(run_cli, inputs: Path, out: str):
    first = run_cli("fix", ".", "-o", out, "-j", "1")
    assert first.returncode == 0, first.stderr
    written = sorted(p.relative_to(inputs / out).as_posix() for p in (inputs / out).rglob("*") if p.is_file())
    again = run_cli("fix", ".", "-o", out, "-j", "1")
    assert again.returncode == 0, again.stderr
    assert f"{Path(out)}: note: the -o output folder, left out of the inputs found in ." in again.stderr
    assert sorted(p.relative_to(inputs / out).as_posix() for p in (inputs / out).rglob("*") if p.is_file()) == written
    assert written == ["corpus.jsonl", "m.txt"]


def test_an_output_folder_named_as_an_input_is_still_refused(run_cli, inputs: Path):
    run_cli("fix", ".", "-o", "clean", "-j", "1")
    result = run_cli("fix", "clean/m.txt", "-o", "clean")
    assert result.returncode == 2 and "use --in-place" in result.stderr


# -- 2 and 4: configuration and packs --------------------------------------------------------

BROKEN_CONFIGS = [
    ("pyproject.toml", '[tool.scrubber]\nselect = ["residue"\n', 2, "pyproject.toml:2: invalid TOML: Unclosed array"),
    ("pyproject.toml", "[tool.poetry]\nname = 'x'\ntool.scrubber.select = [\n", 2, "pyproject.toml:3: invalid TOML"),
    ("pyproject.toml", "[tool.black]\nline-length = [88\n[x]\n", 0, "pyproject.toml:3: warning: invalid TOML"),
    ("scrubber.toml", "select = [1,\n", 2, "scrubber.toml:1: invalid TOML"),
]


@pytest.mark.parametrize(
    ("name", "toml", "code", "said"), BROKEN_CONFIGS, ids=["scrubber-table", "dotted-key", "not-ours", "scrubber.toml"]
)
def test_a_broken_config_file_is_named_with_its_line(run_cli, tmp_path: Path, name: str, toml: str, code: int, said: str):
    (tmp_path / name).write_text(toml)
    (tmp_path / "clean.txt").write_text("A plain sentence.\n")
    result = run_cli("fix", "clean.txt", "-q")
    assert result.returncode == code, result.stderr
    assert said in result.stderr and "Traceback" not in result.stderr
    if code == 0:
        assert "ignored (it has no [tool.scrubber] table)" in result.stderr


DUPLICATE_PACK = """\
[[rules]]
id = "residue.source-link"
kind = "pattern"
action = "strip"
description = "Mine."
pattern = "zzz"
examples.match = [{ text = "a zzz", result = "a " }]
examples.no_match = ["b"]
"""


@pytest.mark.parametrize("command", [["rules", "--check"], ["fix", "m.txt", "--rules"]])
def test_a_pack_repeating_a_builtin_id_is_refused_by_check_as_by_fix(run_cli, inputs: Path, command: list[str]):
    (inputs / "dupid.toml").write_text(DUPLICATE_PACK)
    result = run_cli(*command, "dupid.toml")
    assert result.returncode == 2
    assert "dupid.toml:1: rule 'residue.source-link' is already defined in" in result.stderr and "residue.toml" in result.stderr


def test_rules_check_still_accepts_the_builtin_packs(run_cli):
    from scrubber.packs import builtin_pack_dir

    result = run_cli("rules", "--check", str(builtin_pack_dir() / "unicode.toml"))
    assert result.returncode == 0 and "— ok" in result.stdout


# -- 3: review refuses what it cannot review, before a session exists --------------------------


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["-"], "standard input cannot be reviewed"),
        (["bin.dat"], "bin.dat: binary file (NUL or control bytes): nothing to review"),
        (["m.txt"], "scrubber review needs a terminal (standard input is not one)"),
        (["hollow"], "no input files found in hollow"),
        ([".", "--glob", "*.tx"], "no input files matching *.tx found in ."),
    ],
    ids=["stdin", "binary", "no-terminal", "empty-folder", "glob-matches-nothing"],
)
def test_review_refuses_before_creating_a_session(run_cli, inputs: Path, args: list[str], said: str):
    (inputs / "bin.dat").write_bytes(b"\x7fELF\x00\x00\x01\x02" * 10)
    (inputs / "hollow").mkdir()
    result = run_cli("review", *args)
    assert result.returncode == 2
    assert said in result.stderr
    assert not list(inputs.glob("*.scrubber-session*"))


def test_review_with_its_output_piped_says_it_needs_a_terminal(inputs: Path):
    """stdin a terminal, stdout a pipe: escape codes would go down the pipe and the app would wait forever."""
    master, slave = pty.openpty()
    try:
        result = subprocess.run([scrubber_exe(), "review", "m.txt"], stdin=slave, capture_output=True, text=True, cwd=inputs, timeout=60)
    finally:
        os.close(slave)
        os.close(master)
    assert result.returncode == 2
    assert "needs a terminal (standard output is not one)" in result.stderr and "\x1b[" not in result.stdout
    assert not list(inputs.glob("*.scrubber-session*"))


# -- 6: a legacy encoding with --in-place ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "said", "rewritten"),
    [
        ("Caf\u00e9 opens on Monday.\n", "nothing to change, so the file is left as it was (not converted to UTF-8)", False),
        ("Caf\u00e9 opens.\n[ad_2]Source link\n", "rewritten as UTF-8", True),
    ],
    ids=["unchanged", "changed"],
)
def test_in_place_says_whether_a_cp1252_file_was_rewritten(run_cli, tmp_path: Path, text: str, said: str, rewritten: bool):
    data = text.encode("cp1252")
    (tmp_path / "legacy.txt").write_bytes(data)
    result = run_cli("fix", "legacy.txt", "--in-place", "-j", "1")
    assert result.returncode == 0, result.stderr
    assert "decoded as Windows-1252 (cp1252); " + said in result.stderr
    assert "output is UTF-8" not in result.stderr
    after = (tmp_path / "legacy.txt").read_bytes()
    assert (after != data) is rewritten
    if rewritten:
        assert after.decode("utf-8") == "Caf\u00e9 opens.\n"


@pytest.mark.parametrize(("args", "ending"), [(["-o", "out"], "; output is UTF-8"), ([], "; output is UTF-8"), (["--diff"], "\n")])
def test_the_encoding_warning_says_what_the_output_is(run_cli, tmp_path: Path, args: list[str], ending: str):
    (tmp_path / "legacy.txt").write_bytes("Caf\u00e9 opens.\n".encode("cp1252"))
    result = run_cli("fix", "legacy.txt", *args)
    assert "decoded as Windows-1252 (cp1252)" + ending in result.stderr


# -- 7: where a finding in a JSONL record is --------------------------------------------------

JSONL_LOCATIONS = [
    ('{"text": "Rail talks.\\n[ad_2]Source link"}', "bad.jsonl:1:24: residue.source-link"),
    ('{"id": "n-9", "text": "Rail talks.\\n[ad_2]Source link"}', "bad.jsonl:1:37: [n-9] residue.source-link"),
    ('{"id": 7, "text": "caf\\u00c3\\u00a9 \\ud83d\\ude00 ok.\\n[ad_2]Source link"}', "bad.jsonl:1:54: [7] residue.source-link"),
    ('\ufeff{"text": "Caf\u00c3\u00a9 x"}', "bad.jsonl:1:11: unicode.mojibake"),
    ('{"text": "[ad_2]Source link", "text": "Rail talks.\\n[ad_2]Source link"}', "bad.jsonl:1:53: residue.source-link"),
]


@pytest.mark.parametrize(("line", "label"), JSONL_LOCATIONS, ids=["no-id", "id", "escapes", "bom", "repeated-key"])
def test_jsonl_findings_are_labelled_path_line_column(run_cli, tmp_path: Path, line: str, label: str):
    """LINE is the record's line in the file, COL where the finding starts in that line; the id only if the record has one."""
    (tmp_path / "bad.jsonl").write_text(line + "\n", encoding="utf-8")
    result = run_cli("check", "bad.jsonl", "-q", "--select", "residue,unicode")
    assert result.returncode == 1, result.stderr
    assert label + " " in result.stdout, result.stdout
    col = int(label.split(":")[2])
    assert line.lstrip("\ufeff")[col - 1] in "[C"  # the column is where the finding starts in the raw line
    assert "bad.jsonl:1 [" not in result.stdout


def test_text_file_labels_are_unchanged(run_cli, tmp_path: Path):
    (tmp_path / "a.txt").write_text("First line.\n" + MOJIBAKE)
    assert run_cli("check", "a.txt", "-q", "--select", "unicode").stdout.startswith("a.txt:2:5: unicode.mojibake")


# -- 8: mine with a distinct key ---------------------------------------------------------------


def test_mine_with_a_distinct_key_gives_both_counts(run_cli, tmp_path: Path):
    lines = [
        json.dumps({"page": f"p{i % 4}", "text": f"Story {i % 4} has its own opening line here.\nShare this: Email | Print\n"})
        for i in range(6)
    ]
    (tmp_path / "pages.jsonl").write_text("\n".join(lines) + "\n")
    result = run_cli("mine", "pages.jsonl", "--distinct-key", "page", "--min-docs", "2")
    assert result.returncode == 0, result.stderr
    assert "# Input: pages.jsonl; 6 documents (4 distinct by page)." in result.stdout
    assert "# 4 distinct documents (100.0% of all distinct documents)" in result.stdout
    assert "scrubber mine: 6 documents (4 distinct by page), 1 candidate rule(s)" in result.stderr


def test_every_command_shows_its_examples_before_its_options(run_cli):
    for command in ("check", "fix", "review", "rules", "mine"):
        shown = run_cli(command, "--help").stdout
        assert shown.index("Examples:") < shown.index("Options:"), command


# -- 9: standard input, empty runs, the flag-rule note -----------------------------------------


def test_standard_input_on_a_terminal_says_it_is_waiting(tmp_path: Path):
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            [scrubber_exe(), "fix", "-", "-q"], stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path
        )
        os.write(master, MOJIBAKE.encode() + b"\x04")  # Ctrl-D at the start of a line: end of input
        out, err = proc.communicate(timeout=60)
    finally:
        os.close(slave)
        os.close(master)
    assert b"reading standard input (Ctrl-D to end)" in err
    assert out == b"The caf\xc3\xa9 reopened.\n"


def test_standard_input_from_a_pipe_is_read_without_a_word(run_cli):
    result = run_cli("fix", "-", input=MOJIBAKE)
    assert result.stdout == "The café reopened.\n" and "reading standard input" not in result.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["-", "-"], "'-' (standard input) can be given only once"),
        (["empty"], "no input files found in empty"),
        (["in", "--glob", "*.tx"], "no input files matching *.tx found in in"),
        (["empty", "in", "--glob", "*.tx"], "no input files matching *.tx found in empty in"),
    ],
    ids=["stdin-twice", "empty-folder", "glob-nothing", "both"],
)
@pytest.mark.parametrize("command", ["check", "fix", "mine"])
def test_a_run_with_no_inputs_is_an_error(run_cli, tmp_path: Path, command: str, args: list[str], said: str):
    (tmp_path / "empty").mkdir()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(MOJIBAKE)
    result = run_cli(command, *args, *(["-o", "out"] if command == "fix" else []), input="")
    assert result.returncode == 2
    assert f"error: {said}" in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_empty_folder_beside_real_inputs_is_a_warning_and_an_empty_file_is_fine(run_cli, tmp_path: Path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "e.txt").write_text("")
    (tmp_path / "a.txt").write_text(MOJIBAKE)
    result = run_cli("fix", "empty", "a.txt", "e.txt", "-o", "out")
    assert result.returncode == 0, result.stderr
    assert "empty: warning: no input files found" in result.stderr and "e.txt: note: empty file" in result.stderr
    assert (tmp_path / "out" / "e.txt").read_text() == ""


@pytest.mark.parametrize(
    ("args", "shown"),
    [([], False), (["-v"], True), (["--select", "garble,residue"], True), (["--select", "residue"], False)],
)
def test_the_flag_rules_not_run_note_only_when_asked(run_cli, inputs: Path, args: list[str], shown: bool):
    result = run_cli("fix", "m.txt", "-j", "1", *args)
    assert result.returncode == 0, result.stderr
    assert ("flag rule(s) not run" in result.stderr) is shown


# -- resuming: --skip-existing ---------------------------------------------------------------


def test_skip_existing_does_only_the_inputs_without_an_output(run_cli, tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (corpus / name).write_text(MOJIBAKE)
    assert run_cli("fix", "corpus", "-o", "out", "-j", "1", "-q").returncode == 0
    (tmp_path / "out" / "b.txt").unlink()  # as if the run had stopped before b.txt
    (tmp_path / "out" / "a.txt").write_text("kept as it is\n")  # a finished output is not redone ...
    c_out = tmp_path / "out" / "c.txt"
    os.utime(c_out, ns=(c_out.stat().st_mtime_ns - 10**10,) * 2)  # ... but one older than its input is
    result = run_cli("fix", "corpus", "-o", "out", "-j", "1", "--skip-existing")
    assert result.returncode == 0, result.stderr
    assert "1 input(s) already have their output there: left out (--skip-existing)" in result.stderr
    assert "2 document(s) in 2 file(s)" in result.stderr
    assert (tmp_path / "out" / "a.txt").read_text() == "kept as it is\n"
    assert (tmp_path / "out" / "b.txt").read_text() == c_out.read_text() == "The café reopened.\n"
    again = run_cli("fix", "corpus", "-o", "out", "-j", "1", "--skip-existing")
    assert again.returncode == 0 and "nothing to do: all 3 input(s) already have their output in out" in again.stderr


@pytest.mark.parametrize("args", [["--in-place"], ["--diff"], []])
def test_skip_existing_needs_a_local_output_folder(run_cli, inputs: Path, args: list[str]):
    result = run_cli("fix", "m.txt", "--skip-existing", *args)
    assert result.returncode == 2 and "--skip-existing needs -o DIR, a local folder" in result.stderr
    assert (inputs / "m.txt").read_text() == MOJIBAKE


def test_in_place_with_standard_input_is_refused_before_reading_it(run_cli):
    """The usage error comes alone: no warning about what standard input looks like."""
    result = run_cli("fix", "-", "--in-place", input='{"text": "The caf\u00c3\u00a9 opened."}\n')
    assert result.returncode == 2
    assert result.stderr == "scrubber: error: --in-place cannot rewrite standard input\n"
