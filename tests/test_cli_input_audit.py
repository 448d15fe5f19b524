"""Inputs the audit found mishandled: unlistable folders, wrong --text-key, legacy encodings, escapes in --diff ...

Through the installed command, as a user meets them; where the failure
cannot be staged as root (a folder without permission), in-process with the
listing made to fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from scrubber.cli import main as cli
from scrubber.io.sources import InputError, discover, read_items

MOJIBAKE = "The cafÃ© reopened.\n"


# -- 1. a folder the walk cannot list ---------------------------------------------------


@pytest.fixture
def unlistable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
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
    return tmp_path / "corpus"


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
