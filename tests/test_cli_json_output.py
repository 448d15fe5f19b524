"""Through the installed command: lone surrogates in every command, records spliced, output file modes.

See docs/bad-input.md ("Lone surrogates", "JSONL records", "Outputs").
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the backport scrubber depends on there
    import tomli as tomllib

# scraped JSON: mojibake, a lone surrogate (half an emoji cut by a length limit) and a raw U+2028
SURROGATE_JSONL = (
    b'{"id":"s1","text":"caf\\u00c3\\u00a9 \\ud800 lone\\nShare this \\ud83d\\nFooter of the page"}\n'
    b'{"id":"s2","text":"A plain \\udfff line.\\nShare this \\ud83d\\nFooter of the page"}\n'
    b'{"id":"s3","text":"Clean text.\xe2\x80\xa8Next line."}\n'
)


@pytest.fixture
def surr(tmp_path: Path) -> Path:
    path = tmp_path / "surr.jsonl"
    path.write_bytes(SURROGATE_JSONL)
    return path


def _utf8(data: bytes) -> str:
    return data.decode("utf-8")  # strict: invalid UTF-8 (a raw ED A0 80) fails here


def _records(data: bytes) -> list[dict]:
    return [json.loads(line) for line in _utf8(data).split("\n") if line]


def _check_json(out: bytes) -> None:
    originals = [f["original"] for d in json.loads(_utf8(out))["documents"] for f in d["findings"]]
    assert "\ud800" in originals  # the escape parses back to the very surrogate


def _check_jsonl(out: bytes) -> None:
    originals = [f["original"] for d in _records(out) for f in d["findings"]]
    assert "\ud800" in originals


def _check_text(out: bytes) -> None:
    assert "\\ud800" in _utf8(out)  # shown as its escape


def _check_fixed(out: bytes) -> None:
    texts = [r["text"] for r in _records(out)]
    assert texts[0].startswith("caf\u00e9 \ud800 lone")  # mojibake fixed, the surrogate kept (not lost, not raw)
    assert texts[1] == "A plain \udfff line.\nShare this \ud83d\nFooter of the page"
    assert b"\\ud800" in out and b"\xed\xa0\x80" not in out


def _check_loss_marked(out: bytes) -> None:
    texts = [r["text"] for r in _records(out)]
    # unicode.mojibake (ftfy's fix_surrogates) marks the loss on a line it repairs, at 0.6;
    # a line with no mojibake keeps its surrogate (escaped), as no rule proposes anything there
    assert texts[0].startswith("caf\u00e9 \ufffd lone\nShare this \ud83d")


def _check_toml(out: bytes) -> None:
    pack = tomllib.loads(_utf8(out))
    assert any("Footer" in r["description"] for r in pack["rules"])
    assert not any("Share this" in r["description"] for r in pack["rules"])  # a line with a lone surrogate is no candidate


SURROGATE_COMMANDS = [
    (["check", "-j1", "surr.jsonl", "--format", "json"], 1, _check_json),
    (["check", "-j1", "surr.jsonl", "--format", "jsonl"], 1, _check_jsonl),
    (["check", "-j1", "surr.jsonl"], 1, _check_text),
    (["fix", "-j1", "surr.jsonl", "--diff"], 0, _check_text),
    (["fix", "-j1", "-q", "surr.jsonl"], 0, _check_fixed),
    (["fix", "-j1", "-q", "--min-confidence", "0.6", "surr.jsonl"], 0, _check_loss_marked),
    (["mine", "surr.jsonl", "--min-docs", "2"], 0, _check_toml),
]


@pytest.mark.parametrize(("args", "code", "check"), SURROGATE_COMMANDS, ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_a_lone_surrogate_never_crashes_and_never_becomes_invalid_utf8(run_cli, surr: Path, args: list[str], code: int, check):
    result = run_cli(*args, input=b"")
    assert b"Traceback" not in result.stderr, result.stderr.decode("utf-8", "replace")
    assert result.returncode == code, result.stderr
    check(result.stdout)


@pytest.mark.parametrize(
    ("args", "name", "check"),
    [
        (["fix", "-j1", "-q", "surr.jsonl", "-o", "out"], "out/surr.jsonl", _check_fixed),
        (["mine", "surr.jsonl", "--min-docs", "2", "-q", "-o", "mined.toml"], "mined.toml", _check_toml),
    ],
    ids=["fix -o", "mine -o"],
)
def test_a_lone_surrogate_in_written_files(run_cli, tmp_path: Path, surr: Path, args: list[str], name: str, check):
    result = run_cli(*args, input=b"")
    assert result.returncode == 0, result.stderr
    check((tmp_path / name).read_bytes())


def test_a_lone_surrogate_through_review_and_apply(run_cli, tmp_path: Path, surr: Path):
    """The reviewer's session stores the text exactly; apply writes it back escaped, a decision on it included."""
    from scrubber.cli.common import build_engine
    from scrubber.cli.review import open_session
    from scrubber.model import Action

    setup = build_engine(("unicode",), (), (), None, True)
    session_path = tmp_path / "surr.scrubber-session"
    session, _messages = open_session((str(surr),), session_path, setup, None, (), 1)
    rows = session.finding_rows()
    lone = [r for r in rows if r[6] == "\ud800"]
    assert lone and session.doc_text(lone[0][1]).startswith("caf\u00c3\u00a9 \ud800")
    session.decide([lone[0][0]], Action.EDIT, "[\udc00]")  # an edit holding a surrogate is stored too
    session.close()
    result = run_cli("apply", str(session_path), "-o", "reviewed", input=b"")
    assert result.returncode == 0, result.stderr
    out = (tmp_path / "reviewed" / "surr.jsonl").read_bytes()
    assert _records(out)[0]["text"].startswith("caf\u00c3\u00a9 [\udc00] lone")
    lines = out.split(b"\n")
    assert lines[1:] == SURROGATE_JSONL.split(b"\n")[1:]  # undecided records copied byte for byte


# -- a changed record keeps every other byte ------------------------------------------------------


def test_a_changed_record_gets_only_its_text_replaced(run_cli, tmp_path: Path):
    line = (
        b'{"id":1,"n":1.0e5,"p":0.12345678901234567890123,"e":1E400,"price":10.50,'
        b'"t":"a\\u2028b","esc":"a\\/b","text":"caf\\u00c3\\u00a9", "after" : [1, 2.50]}\n'
    )
    unchanged = b'{"id" : 2,  "text": "Nothing to fix here.", "e": 1E400}\n'
    (tmp_path / "f.jsonl").write_bytes(line + unchanged)
    result = run_cli("fix", "-j1", "-q", "f.jsonl", input=b"")
    assert result.returncode == 0, result.stderr
    assert result.stdout == line.replace(b"caf\\u00c3\\u00a9", b"caf\\u00e9") + unchanged


# -- output file modes and paths ----------------------------------------------------------------


@contextlib.contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)  # inherited by the command the test runs
    try:
        yield
    finally:
        os.umask(old)


OUTPUTS = [
    (["check", "-j1", "-q", "x.txt", "--stats", "stats.json"], None, "stats.json", 0o022),
    (["check", "-j1", "-q", "x.txt", "--stats", "stats.json"], None, "stats.json", 0o077),
    (["fix", "-j1", "-q", "x.txt", "--drop-above", "0.99", "--divert", "diverted.jsonl", "-o", "out"], None, "diverted.jsonl", 0o022),
    (["mine", "x.txt", "--min-docs", "1", "-q", "-o", "mined.toml"], None, "mined.toml", 0o002),
    (["fix", "-q", "-", "-o", "out"], "The cafÃ© opened.\n", "out/stdin", 0o022),
]


@pytest.mark.parametrize(("args", "stdin", "name", "mask"), OUTPUTS, ids=["stats", "stats-077", "divert", "mine-002", "stdin"])
def test_new_output_files_get_the_umask_mode(run_cli, tmp_path: Path, args: list[str], stdin, name: str, mask: int):
    (tmp_path / "x.txt").write_text("The cafÃ© opened.\n")
    with umask(mask):
        result = run_cli(*args, input=stdin or "")
    assert result.returncode in (0, 1), result.stderr
    assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~mask


def test_a_mirrored_output_keeps_its_inputs_mode(run_cli, tmp_path: Path):
    (tmp_path / "x.txt").write_text("The cafÃ© opened.\n")
    (tmp_path / "x.txt").chmod(0o640)
    result = run_cli("fix", "-j1", "-q", "x.txt", "-o", "out")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((tmp_path / "out" / "x.txt").stat().st_mode) == 0o640


@pytest.mark.parametrize(
    "args",
    [
        ["check", "-j1", "-q", "x.txt", "--stats", "afile/x.json"],
        ["mine", "x.txt", "--min-docs", "1", "-q", "-o", "afile/sub/m.toml"],
    ],
    ids=["stats", "mine-deeper"],
)
def test_a_file_in_an_output_path_is_named(run_cli, tmp_path: Path, args: list[str]):
    (tmp_path / "x.txt").write_text("The cafÃ© opened.\n")
    (tmp_path / "afile").write_text("not a folder\n")
    result = run_cli(*args)
    assert result.returncode == 2
    assert "afile is not a directory" in result.stderr and "File exists" not in result.stderr
    assert (tmp_path / "afile").read_text() == "not a folder\n"


@pytest.mark.parametrize(("where", "blocking"), [("afile/x", "afile"), ("afile/sub/x", "afile"), ("d/afile/x", "d/afile")])
def test_atomic_writer_names_the_file_in_the_way(tmp_path: Path, where: str, blocking: str):
    from scrubber.io.atomic import atomic_writer

    (tmp_path / "d").mkdir()
    for name in ("afile", "d/afile"):
        (tmp_path / name).write_text("x")
    with pytest.raises(NotADirectoryError) as caught, atomic_writer(tmp_path / where):
        pass
    assert caught.value.strerror == f"{tmp_path / blocking} is not a directory"
