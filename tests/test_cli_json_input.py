"""JSON documents through the installed command and the runner: check, fix, -o, --in-place, -j, drops, bad input."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from runner_data import records

from scrubber import default_engine
from scrubber import runner as runner_mod
from scrubber.io.sources import discover
from scrubber.policy import Policy
from scrubber.runner import DocResult, Runner
from scrubber.session import Session, write_reviewed

ARRAY = """[
  {
    "url": "https://example.org/1",
    "n": 1.50,
    "text": "The caf\\u00c3\\u00a9 reopened on Monday."
  },
  {"url": "https://example.org/2", "text": "Nothing to change here.", "tags": ["a]", "b,\\"c"]},
  "not a record",
  {"id": "k4", "text": "Its owner said itâ€™s a fresh start."}
]
"""


def fixed(text: str) -> str:
    return text.replace("caf\\u00c3\\u00a9", "caf\\u00e9").replace("itâ€™s", "it’s")


@pytest.fixture
def array(tmp_path: Path) -> Path:
    path = tmp_path / "a.json"
    path.write_text(ARRAY, encoding="utf-8")
    return path


def test_check_names_findings_by_line_and_column(run_cli, array: Path):
    result = run_cli("check", "a.json", "--select", "unicode", "--isolated")
    assert result.returncode == 2  # the element that is not a record is an input error, as in JSONL
    found = [line.split(" ")[0:2] for line in result.stdout.splitlines()]
    assert found == [["a.json:5:18:", "unicode.mojibake"], ["a.json:9:40:", "[k4]"]]
    assert "a.json:8:3: error: a JSON string, not an object" in result.stderr


@pytest.mark.parametrize("how", ["-o", "--in-place", "stdout"])
def test_fix_writes_the_same_bytes_but_the_changed_text_values(run_cli, array: Path, how: str):
    args = {"-o": ["-o", "out"], "--in-place": ["--in-place"], "stdout": []}[how]
    result = run_cli("fix", "a.json", *args, "--isolated", "-q")
    written = {"-o": lambda: (array.parent / "out" / "a.json").read_text(), "--in-place": array.read_text, "stdout": lambda: result.stdout}
    assert written[how]() == fixed(ARRAY)
    assert "element copied to the output unchanged" in result.stderr


def test_an_unchanged_document_is_byte_identical(run_cli, tmp_path: Path):
    data = b'\xef\xbb\xbf[ {"text": "Fine.", "x": 1E400, "y": 0.10}\r\n,{"text":"Also fine."} ]\r\n'
    (tmp_path / "u.json").write_bytes(data)
    result = run_cli("fix", "u.json", "-o", "out", "--isolated", "-q")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "u.json").read_bytes() == data


def test_many_records_in_parallel_equal_one_job(run_cli, tmp_path: Path):
    recs = records(1500)  # more than one task: -j 2 really runs a pool
    (tmp_path / "big.json").write_text(json.dumps(recs, indent=2, ensure_ascii=False), encoding="utf-8")
    one = run_cli("fix", "big.json", "-o", "one", "-j", "1", "--isolated", "-q")
    two = run_cli("fix", "big.json", "-o", "two", "-j", "2", "--isolated", "-q")
    assert one.returncode == two.returncode == 0, two.stderr
    data = (tmp_path / "one" / "big.json").read_bytes()
    assert data == (tmp_path / "two" / "big.json").read_bytes()
    got = json.loads(data)
    assert [r["id"] for r in got] == [r["id"] for r in recs] and got != recs


@pytest.mark.parametrize(
    ("data", "where", "said"),
    [
        (b'[\n  {"text": "The caf\xc3\x83\xc2\xa9."},\n  {"text": "b"', "3:15:", "truncated?"),
        (b'[{"text": "The caf\xc3\x83\xc2\xa9."}] trailing', "1:26:", "data after the end of the JSON array"),
        (b'[{"text": "The caf\xc3\x83\xc2\xa9."},\n {"text": tru}]', "2:11:", "malformed JSON"),
    ],
    ids=["truncated", "trailing-garbage", "bad-element"],
)
def test_a_broken_document_writes_no_output(run_cli, tmp_path: Path, data: bytes, where: str, said: str):
    (tmp_path / "b.json").write_bytes(data)
    for args in (["-o", "out"], ["--in-place"], []):
        result = run_cli("fix", "b.json", *args, "--isolated", "-q")
        assert result.returncode == 2
        assert f"b.json:{where}" in result.stderr and said in result.stderr
        assert "output of this file is not written" in result.stderr
        assert not (tmp_path / "out").exists() and (tmp_path / "b.json").read_bytes() == data
        assert result.stdout == ""


@pytest.mark.parametrize(
    ("content", "name", "said"),
    [
        (b"The council met.\n", "t.txt", "t.txt:1:1: error: not a JSON array or object (not JSON at the top)"),
        (b'"a string"\n', "s.json", "s.json:1:1: error: not a JSON array or object (a JSON string at the top)"),
        (b'{"text": "a"}\n{"text": "b"}\n', "l.jsonl", "l.jsonl:2:1: error: data after the end of the JSON object"),
    ],
)
def test_forcing_json_on_another_format_is_a_clear_error(run_cli, tmp_path: Path, content: bytes, name: str, said: str):
    (tmp_path / name).write_bytes(content)
    result = run_cli("fix", name, "--input-format", "json", "-o", "out", "--isolated", "-q")
    assert result.returncode == 2 and said in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("content", "args"),
    [(b"", ["--input-format", "json"]), (b"[]", []), (b"\xef\xbb\xbf[]\n", []), (b"  \n", ["--input-format", "json"])],
    ids=["empty", "empty-array", "bom", "blank"],
)
def test_empty_documents_are_written_as_they_are(run_cli, tmp_path: Path, content: bytes, args: list[str]):
    (tmp_path / "e.json").write_bytes(content)
    result = run_cli("fix", "e.json", *args, "-o", "out", "--isolated", "-q")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "e.json").read_bytes() == content


def test_compressed_array_and_stdin(run_cli, tmp_path: Path):
    (tmp_path / "a.json.gz").write_bytes(gzip.compress(ARRAY.encode()))
    result = run_cli("fix", "a.json.gz", "-o", "out", "--isolated", "-q")
    assert gzip.decompress((tmp_path / "out" / "a.json.gz").read_bytes()).decode() == fixed(ARRAY)
    piped = run_cli("fix", "-", "--stdin-format", "json", "--isolated", "-q", input=ARRAY)
    assert piped.stdout == fixed(ARRAY) and result.returncode == piped.returncode == 2  # the non-record element


def test_mine_reads_an_array(run_cli, tmp_path: Path):
    recs = [{"url": f"https://site{i % 2}.example/{i}", "text": f"Story {i} about the harbour.\nShare this article"} for i in range(8)]
    (tmp_path / "m.json").write_text(json.dumps(recs, indent=2))
    result = run_cli("mine", "m.json", "--min-docs", "3")
    assert result.returncode == 0, result.stderr
    assert "Share this article" in result.stdout and "8 documents" in result.stderr


# -- the runner: drops across tasks keep the array valid ---------------------------------


def test_dropped_records_across_tasks_keep_the_array_valid(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(runner_mod, "TASK_DOCS", 3)
    recs = [{"id": i, "text": f"record {i}"} for i in range(12)]
    dropped = {0, 1, 2, 3, 5, 6, 7, 8, 11}  # the first task wholly dropped, and the last record
    monkeypatch.setattr(runner_mod, "analyze", lambda engine, policy, text: DocResult([], None, dropped=int(text.split()[1]) in dropped))
    path = tmp_path / "d.json"
    path.write_text(json.dumps(recs, indent=1))
    runner = Runner(default_engine(), policy=Policy(), report=lambda *a: None, out_dir=tmp_path / "out", write=True)
    stats = runner.run(discover([str(path)]))
    assert stats.documents_dropped == len(dropped)
    out = (tmp_path / "out" / "d.json").read_text()
    assert json.loads(out) == [r for r in recs if r["id"] not in dropped]
    assert out.startswith('[\n {\n  "id": 4,')


# -- review and apply ------------------------------------------------------------------


def test_a_review_session_over_an_array_applies_like_fix(run_cli, array: Path, tmp_path: Path):
    session = Session(tmp_path / "s.scrubber-session")
    session.sync(default_engine(), discover([str(array)]), "text", lambda *a: None)
    labels = [label for _, _, _, label in session.documents()]
    assert labels == ["a.json:2:3", "a.json:7:3", "a.json:9:3 [k4]"]
    rows = session.finding_rows()
    from scrubber.model import Action

    session.decide([r[0] for r in rows if r[2] == "unicode.mojibake"], Action.ACCEPT)
    stats = write_reviewed(session, tmp_path / "out", False, lambda *a: None)
    assert stats.errors == 0
    assert (tmp_path / "out" / "a.json").read_text() == fixed(ARRAY)
