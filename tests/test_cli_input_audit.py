"""Inputs the audit found mishandled: unlistable folders, wrong --text-key, legacy encodings, escapes in --diff ...

Through the installed command, as a user meets them; where the failure
cannot be staged as root (a folder without permission), in-process with the
listing made to fail.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from scrubber.cli import main as cli
from scrubber.io.decode import legacy_line
from scrubber.io.sources import InputError, discover, read_items
from scrubber.report import unified_diff, visible
from scrubber.signals import STOP_SIGNALS

MOJIBAKE = "The cafÃ© reopened.\n"
#: a machine-spun paragraph whose garble score is above 0.7
SPUN = "The envoy carried a note. to the mayor. Officials met. . Then they left. Prices of bread bread rose. The port ( NATO ) reopened ."


# -- 1. a folder the walk cannot list ---------------------------------------------------


@pytest.fixture
def unlistable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``corpus/`` with a readable file and a subfolder ``sub/`` whose listing fails (as without permission)."""
    (tmp_path / "corpus" / "sub").mkdir(parents=True)
    (tmp_path / "corpus" / "a.txt").write_text(MOJIBAKE)
    (tmp_path / "corpus" / "sub" / "b.txt").write_text(MOJIBAKE)
    real = os.scandir

    def scandir(path: object = ".") -> object:
        if Path(os.fspath(path)).name == "sub":  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", os.fspath(path))  # type: ignore[arg-type]
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.chdir(tmp_path)
    handlers = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    yield tmp_path / "corpus"
    for signum, handler in handlers.items():  # the command in-process installs its own (stop_on_signals)
        signal.signal(signum, handler)


def test_an_unlistable_folder_is_an_input_that_fails_to_read(unlistable: Path):
    found = discover(["corpus"])
    assert [(str(s.path), s.problem) for s in found] == [
        ("corpus/a.txt", None),
        ("corpus/sub", "cannot list folder: Permission denied"),
    ]
    with pytest.raises(InputError, match="corpus/sub: cannot list folder: Permission denied"):
        list(read_items(found[1], "text", lambda *a: None))


@pytest.mark.parametrize("arg", ["corpus", "corpus/sub"])
def test_fix_reports_an_unlistable_folder_and_goes_on(unlistable: Path, arg: str):
    result = CliRunner().invoke(cli, ["fix", arg, "-o", "out", "-j", "1"])
    assert result.exit_code == 2
    assert "corpus/sub: error: cannot list folder: Permission denied" in result.stderr
    assert "no input files" not in result.stderr
    assert "1 error(s)" in result.stderr
    if arg == "corpus":
        assert (unlistable.parent / "out" / "a.txt").read_text() == "The café reopened.\n"


def test_review_refuses_an_unlistable_folder_before_making_a_session(unlistable: Path):
    result = CliRunner().invoke(cli, ["review", "corpus"])
    assert result.exit_code == 2
    assert "corpus/sub: cannot list folder: Permission denied" in result.stderr
    assert not [*unlistable.parent.glob("*.scrubber-session"), *unlistable.glob("*.scrubber-session")]


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv to run as nobody")
def test_unreadable_subfolder_as_another_user():
    """The audit's own case: a mode-000 folder read by a user who is not root."""
    exe = Path(sys.executable).parent / "scrubber"
    top = Path(tempfile.mkdtemp(prefix="scrubber-unr-"))
    try:
        top.chmod(0o777)
        (top / "unr" / "sub").mkdir(parents=True)
        (top / "unr" / "a.txt").write_text(MOJIBAKE)
        (top / "unr" / "sub" / "b.txt").write_text(MOJIBAKE)
        (top / "unr").chmod(0o777)
        (top / "unr" / "sub").chmod(0)
        env = {**os.environ, "SCRUBBER_CACHE_DIR": str(top / "cache")}
        result = subprocess.run(
            ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", str(exe), "fix", "unr", "-o", "out", "-j", "1"],
            cwd=top,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert result.returncode == 2, result.stderr
        assert "unr/sub: error: cannot list folder: Permission denied" in result.stderr
        assert (top / "out" / "a.txt").read_text() == "The café reopened.\n"
    finally:
        (top / "unr" / "sub").chmod(0o755)
        shutil.rmtree(top)


# -- 2. a wrong --text-key ----------------------------------------------------------------


def _records(n: int) -> bytes:
    return b"".join(f'{{"id": {i}, "url": "u{i}", "content": "Story {i}: {MOJIBAKE.strip()}", "title": "T"}}\n'.encode() for i in range(n))


def test_a_wrong_text_key_is_said_a_few_times_then_summed_up(run_cli, tmp_path: Path):
    data = _records(40)
    (tmp_path / "base.jsonl").write_bytes(data)
    (tmp_path / "more.jsonl").write_bytes(_records(7))
    result = run_cli("fix", "base.jsonl", "more.jsonl", "--text-key", "body", "-o", "out", "-j", "1")
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    named = [line for line in lines if line.startswith("base.jsonl:") and "more lines" not in line]
    assert len(named) == 5
    assert named[0] == (
        "base.jsonl:1: error: no 'body' field (the record has: id, url, content, title; try --text-key content);"
        " line copied to the output unchanged"
    )
    assert "base.jsonl: error: … and 35 more lines with the same problem (no 'body' field)" in lines
    assert lines.index("base.jsonl: error: … and 35 more lines with the same problem (no 'body' field)") < lines.index(
        next(line for line in lines if line.startswith("more.jsonl:1:"))
    )
    assert "more.jsonl: error: … and 2 more lines with the same problem (no 'body' field)" in lines
    assert "47 error(s)" in result.stderr  # every record counted
    assert (tmp_path / "out" / "base.jsonl").read_bytes() == data  # nothing lost


@pytest.mark.parametrize(
    ("key", "record", "said"),
    [
        ("meta.text", b'{"meta": {"text": "x"}}', "--text-key names a top-level field: nested fields such as meta.text are not supported"),
        ("a.b", b'{"text": "x"}', "the record has: text; try --text-key text; --text-key names a top-level field"),
        ("body", b"{}", "the record is empty"),
    ],
)
def test_missing_key_hints(run_cli, tmp_path: Path, key: str, record: bytes, said: str):
    (tmp_path / "a.jsonl").write_bytes(record + b"\n")
    result = run_cli("check", "a.jsonl", "--text-key", key)
    assert said in result.stderr


@pytest.mark.parametrize(
    ("record", "suggested"),
    [
        ({"id": "a-very-long-identifier-0001-with-no-spaces-at-all", "body": "short"}, "body"),
        ({"url": "https://example.com/news/2024/05/a-long-path-to-the-page.html", "article": "Two words"}, "article"),
        ({"title": "Council meets on Monday", "content": "The council met on Monday and agreed the plan."}, "content"),
        ({"summary": "A long summary of the story in several words", "teaser": "x", "hash": "f" * 64}, "summary"),
    ],
    ids=["long-id-vs-body", "url-vs-article", "title-vs-content", "prose-beats-a-hash"],
)
def test_the_text_key_suggestion_prefers_prose_and_text_like_names(run_cli, tmp_path: Path, record: dict, suggested: str):
    (tmp_path / "a.jsonl").write_text(json.dumps(record) + "\n")
    result = run_cli("check", "a.jsonl")
    assert f"try --text-key {suggested})" in result.stderr, result.stderr


# -- 3. JSON Lines in a legacy code page -------------------------------------------------

LATIN = b'{"id": 1, "text": "caf\xe9 \x93quoted\x94"}\r\n{"id": 2, "text": "plain"}\n{"id": 3, "text": "na\xefve \xe9l\xe8ve"}\n'
LATIN_AS_UTF8 = '{"id": 1, "text": "café “quoted”"}\r\n{"id": 2, "text": "plain"}\n{"id": 3, "text": "naïve élève"}\n'.encode()


@pytest.mark.parametrize(
    ("args", "outcome"),
    [
        (["-o", "out"], "; output is UTF-8"),
        (["--in-place"], "; nothing to change, so the file is left as it was (not converted to UTF-8)"),
        ([], "; output is UTF-8"),
    ],
    ids=["output", "in-place", "stdout"],
)
def test_jsonl_in_a_legacy_code_page_is_decoded_with_one_warning(run_cli, tmp_path: Path, args: list[str], outcome: str):
    (tmp_path / "lat.jsonl").write_bytes(LATIN)
    result = run_cli("fix", "lat.jsonl", *args, input=b"")
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    warning = "lat.jsonl: warning: not valid UTF-8 (first bad byte 0xe9 at line 1, column 23); such lines decoded as Windows-1252 (cp1252)"
    assert stderr.count("not valid UTF-8") == 1
    assert warning + outcome in stderr
    written = {"-o": tmp_path / "out" / "lat.jsonl", "--in-place": tmp_path / "lat.jsonl"}.get(args[0] if args else "")
    expected = LATIN if args == ["--in-place"] else LATIN_AS_UTF8
    assert (written.read_bytes() if written else result.stdout) == expected


def test_a_json_array_in_a_legacy_code_page_is_decoded_too(run_cli, tmp_path: Path):
    (tmp_path / "lat.json").write_bytes(b'[{"text": "caf\xe9"},\r\n {"text": "plain"},\r\n {"text": "na\xefve"}]')
    result = run_cli("fix", "lat.json", "-o", "out")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("not valid UTF-8") == 1
    assert (
        "lat.json: warning: not valid UTF-8 (first bad byte 0xe9 at line 1); such records decoded as Windows-1252 (cp1252)" in result.stderr
    )
    assert (tmp_path / "out" / "lat.json").read_bytes() == '[{"text": "café"},\r\n {"text": "plain"},\r\n {"text": "naïve"}]'.encode()


def test_a_changed_legacy_jsonl_is_rewritten_as_utf8(run_cli, tmp_path: Path):
    (tmp_path / "lat.jsonl").write_bytes(b'{"text": "caf\xe9 and a soft\xadhyphen"}\n')
    result = run_cli("fix", "lat.jsonl", "--in-place")
    assert "; rewritten as UTF-8" in result.stderr
    assert (tmp_path / "lat.jsonl").read_bytes().decode("utf-8") == '{"text": "café and a softhyphen"}\n'


@pytest.mark.parametrize(
    ("line", "encoding", "expected"),
    [
        (b'{"text": "caf\xe9"}\n', None, ('{"text": "café"}\n', "cp1252")),
        (b'\xef\xbb\xbf{"text": "\xe9"}\n', "cp1252", ('\ufeff{"text": "é"}\n', "cp1252")),  # the BOM stays a BOM
    ],
)
def test_legacy_line(line: bytes, encoding: str | None, expected: tuple[str, str]):
    data, used = legacy_line(line, encoding)
    assert (data.decode("utf-8"), used) == expected


def test_legacy_line_falls_back_when_the_files_code_page_cannot_read_a_line():
    line = b'{"text": "\x81caf\xe9"}\n'  # 0x81 is undefined in cp1252
    data, used = legacy_line(line, "cp1252")
    assert used != "cp1252" and data.decode("utf-8").encode(used) == line  # nothing lost


# -- 9. a binary file named .jsonl --------------------------------------------------------

ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 40


@pytest.mark.parametrize(
    ("args", "said", "code"), [(["bin.jsonl"], "bin.jsonl: error: binary", 2), (["in"], "in/bin.jsonl: note: binary", 0)]
)
def test_a_binary_jsonl_is_skipped_as_a_binary_text_file_is(run_cli, tmp_path: Path, args: list[str], said: str, code: int):
    (tmp_path / "in").mkdir()
    for where in (tmp_path, tmp_path / "in"):
        (where / "bin.jsonl").write_bytes(ELF)
    (tmp_path / "in" / "ok.jsonl").write_text('{"text": "fine"}\n')
    result = run_cli("fix", *args, "-o", "out")
    assert result.returncode == code, result.stderr
    assert said in result.stderr and "not valid UTF-8" not in result.stderr
    assert "1 input(s) skipped" in result.stderr
    assert not (tmp_path / "out" / "bin.jsonl").exists() and not (tmp_path / "out" / "in" / "bin.jsonl").exists()


# -- 4. --diff shows control characters escaped ---------------------------------------------


def test_diff_escapes_terminal_sequences(run_cli, tmp_path: Path):
    text = "The caf\u00c3\u00a9 \x1b]0;pwned\x07 opened \x1b[2J\x9b1m today.\nA line\u2028with a separator.\n"
    (tmp_path / "evil.txt").write_text(text)
    result = run_cli("fix", "evil.txt", "--diff")
    assert result.returncode == 0, result.stderr
    assert not any(c in result.stdout for c in "\x1b\x07\x9b\u2028")
    assert result.stdout.splitlines()[3:5] == [
        "-The caf\u00c3\u00a9 \\x1b]0;pwned\\x07 opened \\x1b[2J\\x9b1m today.",
        "-A line\\u2028with a separator.",
    ]
    assert result.stdout.splitlines()[5].startswith("+The café ")


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("plain text\n", "plain text\n"),
        ("a\tb\r\n", "a\tb\r\n"),
        ("soft\xadhyphen and zero\u200bwidth\n", "soft\\xadhyphen and zero\\u200bwidth\n"),
        ("bell\x07 del\x7f c1\x85 lone\ud800\n", "bell\\x07 del\\x7f c1\\x85 lone\\ud800\n"),
        ("over\rwrite\n", "over\\rwrite\n"),
        ("no end\x1b", "no end\\x1b"),
    ],
)
def test_visible(line: str, shown: str):
    assert visible(line) == shown


#: (what, command, file name, content) whose name or record id reaches the terminal
NAMED = [
    ("finding line", ("check", "."), "a\x1b[31mred.txt", "The caf\u00c3\u00a9 opened.\n"),
    ("warning", ("check", "."), "b\x1b]0;title\x07.txt", "\ufeffUTF-16 text.\n"),
    ("record id", ("check", "ids.jsonl"), "ids.jsonl", '{"id": "x\\u001b]0;t\\u0007", "text": "The caf\u00c3\u00a9 opened."}\n'),
]


@pytest.mark.parametrize(("what", "args", "name", "content"), NAMED, ids=[n[0] for n in NAMED])
def test_names_and_ids_are_shown_escaped(run_cli, tmp_path: Path, what, args, name, content):
    """A file name or record id holding a terminal sequence is printed escaped, not stripped or sent raw."""
    encoding = "utf-16" if what == "warning" else "utf-8"
    (tmp_path / name).write_bytes(content.lstrip("\ufeff").encode(encoding))
    result = run_cli(*args)
    out = result.stdout + result.stderr
    assert not any(c in out for c in "\x1b\x07"), out
    shown = visible(name if what != "record id" else "x\x1b]0;t\x07")
    assert shown in out, out


def test_diff_lines_are_cut_at_newlines_only():
    assert unified_diff("x", "a\u2028b\x1cc\n", "a\u2028b\x1cC\n").splitlines()[3:] == ["-a\\u2028b\\x1cc", "+a\\u2028b\\x1cC"]


# -- 5. a last line without a line end --------------------------------------------------------

NO_END = {
    "unchanged last": (b'{"text":"caf\xc3\x83\xc2\xa9"}\r\n{"text":"clean line"}', b'{"text":"caf\xc3\xa9"}\r\n{"text":"clean line"}'),
    "changed last": (b'{"text":"clean"}\n{"text":"caf\xc3\x83\xc2\xa9"}', b'{"text":"clean"}\n{"text":"caf\xc3\xa9"}'),
    "json array": (b'[{"text":"caf\xc3\x83\xc2\xa9"},\r\n {"text":"clean"}]', b'[{"text":"caf\xc3\xa9"},\r\n {"text":"clean"}]'),
}


@pytest.mark.parametrize("case", sorted(NO_END))
@pytest.mark.parametrize("where", ["-o", "--in-place", "stdout"])
def test_a_last_line_without_a_line_end_keeps_having_none(run_cli, tmp_path: Path, case: str, where: str):
    data, expected = NO_END[case]
    name = "a.json" if case == "json array" else "a.jsonl"
    (tmp_path / name).write_bytes(data)
    args = {"-o": ["-o", "out"], "--in-place": ["--in-place"], "stdout": []}[where]
    result = run_cli("fix", name, *args, input=b"")
    assert result.returncode == 0, result.stderr
    written = {"-o": tmp_path / "out" / name, "--in-place": tmp_path / name}.get(where)
    assert (written.read_bytes() if written else result.stdout) == expected


def test_a_diverted_last_line_gets_a_line_end(run_cli, tmp_path: Path):
    line = json.dumps({"text": SPUN}).encode()
    (tmp_path / "a.jsonl").write_bytes(line + b"\n" + line)
    (tmp_path / "b.jsonl").write_bytes(line)
    result = run_cli("fix", "a.jsonl", "b.jsonl", "-o", "out", "--drop-above", "0.7", "--divert", "d.jsonl")
    assert result.returncode == 0, result.stderr
    diverted = (tmp_path / "d.jsonl").read_bytes()
    assert diverted.count(b"\n") == 3 and diverted.endswith(b"\n")
    assert [json.loads(r)["text"] for r in diverted.splitlines()] == [SPUN] * 3


# -- 6. JSON Lines read as text ----------------------------------------------------------------

RECORDS = b'{"id": 1, "text": "One story."}\n{"id": 2, "text": "Another story."}\n'
LONG_RECORD = json.dumps({"id": 1, "text": "A long story. " * 100_000}).encode() + b"\n"


@pytest.mark.parametrize(
    ("args", "stdin", "said"),
    [
        (
            ["-"],
            RECORDS,
            "<stdin>: warning: looks like JSON Lines (its first line is a JSON object) but is read as one text document; add --stdin-format jsonl",
        ),
        (["-"], LONG_RECORD, "<stdin>: warning: looks like JSON Lines"),
        (["-", "--stdin-format", "text"], RECORDS, None),
        (["-"], b"Plain text.\n{not json}\n", None),
        (
            ["data"],
            b"",
            "data: warning: looks like JSON Lines (its first line is a JSON object) but is read as one text document; add --input-format jsonl (or name it .jsonl)",
        ),
        (["data.txt"], b"", None),
        (["data", "--input-format", "text"], b"", None),
    ],
    ids=["stdin", "stdin-long-line", "stdin-asked-text", "stdin-text", "file", "txt-file", "file-asked-text"],
)
def test_jsonl_read_as_text_by_default_gets_a_hint(run_cli, tmp_path: Path, args: list[str], stdin: bytes, said: str | None):
    for name in ("data", "data.txt"):
        (tmp_path / name).write_bytes(RECORDS)
    result = run_cli("fix", *args, input=stdin)
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    assert (said in stderr and stderr.count("looks like JSON Lines") == 1) if said else "JSON Lines" not in stderr
    if args == ["-"]:
        assert result.stdout == stdin  # still read as one text document, unchanged


# -- 7. hard links with --in-place --------------------------------------------------------------


@pytest.mark.parametrize("args", [["d/a.txt", "d/b.txt"], ["d"]], ids=["named", "folder"])
def test_hard_links_are_rewritten_once_and_stay_linked(run_cli, tmp_path: Path, args: list[str]):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text(MOJIBAKE)
    os.link(tmp_path / "d" / "a.txt", tmp_path / "d" / "b.txt")
    result = run_cli("fix", *args, "--in-place")
    assert result.returncode == 0, result.stderr
    assert "d/b.txt: note: the same file as d/a.txt (a hard link; it stays one): rewritten once" in result.stderr
    assert "1 document(s) in 1 file(s), 1 changed" in result.stderr
    a, b = (tmp_path / "d" / "a.txt").stat(), (tmp_path / "d" / "b.txt").stat()
    assert (a.st_ino, a.st_nlink) == (b.st_ino, 2)
    assert (tmp_path / "d" / "b.txt").read_text() == "The café reopened.\n"
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == ["a.txt", "b.txt"]  # no temp files left


# -- 8. rule selection ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "config", "said"),
    [
        (["--select", ""], None, "--select '' names no rule (an unset variable?); give rule codes, or ALL for every rule"),
        (["--select", ","], None, "--select ',' names no rule"),
        (["--select", "residu"], None, "--select: no rule matches 'residu'; did you mean 'residue'?"),
        (["--ignore", "unicode.mojibak"], None, "--ignore: no rule matches 'unicode.mojibak'; did you mean 'unicode.mojibake'?"),
        (["--select", "zzzz"], None, "--select: no rule matches 'zzzz' (see 'scrubber rules' for the list)"),
        ([], '[tool.scrubber]\nselect = ["unicod"]\n', "pyproject.toml: select: no rule matches 'unicod'; did you mean 'unicode'?"),
        ([], '[tool.scrubber]\nignore = ["garbel"]\n', "pyproject.toml: ignore: no rule matches 'garbel'; did you mean 'garble'?"),
    ],
)
def test_rule_selection_problems(run_cli, tmp_path: Path, args: list[str], config: str | None, said: str):
    (tmp_path / "t.txt").write_text(MOJIBAKE)
    if config:
        (tmp_path / "pyproject.toml").write_text(config)
    result = run_cli("check", "t.txt", *args)
    assert result.returncode == 2
    assert said in result.stderr
