"""JSON Lines read in blocks: every line, line number and legacy code page as when read line by line.

The runner's main process reads JSON Lines in blocks of whole lines
(:mod:`scrubber.io.lineblocks`) and its workers split them. Whatever falls on
a boundary (of a read, of a segment) must come out as if nothing were cut
there: a record spanning one is read whole, the errors after one keep their
line numbers, and a line that is not UTF-8 there still sets the file's
legacy code page, named in the warning with its line and column.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scrubber import default_engine
from scrubber import runner as runner_mod
from scrubber.io import lineblocks
from scrubber.io.sources import discover
from scrubber.policy import Policy
from scrubber.runner import Runner

CHEAP = "residue.ad-shortcode-line"  # one cheap rule: these tests are about reading


def record(i: int, size: int) -> bytes:
    words = " ".join(f"word{(i * 31 + k) % 997}" for k in range(max(1, size // 8)))
    return json.dumps({"id": i, "text": f"Item {i} says {words}."}).encode()


def corpus(sizes: list[int], bad: set[int], legacy: dict[int, bytes], crlf: set[int], last_newline: bool = True) -> bytes:
    """Lines (0-based index i) of about ``sizes[i]`` bytes: malformed in ``bad``, with cp1252 text in ``legacy``, CRLF in ``crlf``."""
    lines = []
    for i, size in enumerate(sizes):
        if i in bad:
            line = b"{broken " + b"z" * size
        elif i in legacy:
            line = record(i, size)[:-2] + b" " + legacy[i] + b'"}'
        else:
            line = record(i, size)
        lines.append(line + (b"\r\n" if i in crlf else b"\n"))
    data = b"".join(lines)
    return data if last_newline else data[:-1]


def expected_output(data: bytes) -> bytes:
    """The input with its lines that are not UTF-8 read as cp1252 (nothing else changes)."""
    out = []
    for line in data.splitlines(keepends=True):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            line = line.decode("cp1252").encode("utf-8")
        out.append(line)
    return b"".join(out)


def first_bad(data: bytes) -> tuple[int, int, int]:
    """(line, column, byte) of the first byte that is not UTF-8, as the warning names them."""
    for number, line in enumerate(data.splitlines(keepends=True), 1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            return number, exc.start + 1, line[exc.start]
    raise AssertionError("all UTF-8")


def errors_of(stderr: str, name: str) -> list[int]:
    return [int(m) for m in re.findall(rf"{re.escape(name)}:(\d+): error: malformed JSON", stderr)]


# -- in process, with tiny reads and segments: every line sits near a boundary --------------------


@pytest.fixture(scope="module")
def engine():
    return default_engine(select=[CHEAP])


@pytest.mark.parametrize("read_size", [1, 7, 64, 1000])
@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("last_newline", [True, False])
def test_tiny_reads_and_segments_give_every_line_its_number_and_code_page(
    tmp_path: Path, monkeypatch, engine, read_size: int, jobs: int, last_newline: bool
):
    monkeypatch.setattr(lineblocks, "READ_SIZE", read_size)
    monkeypatch.setattr(runner_mod, "TASK_BYTES", 300)
    monkeypatch.setattr(runner_mod, "TASK_DOCS", 4)
    sizes = [(i * 37) % 260 + 5 for i in range(70)]
    bad = {0, 4, 5, 13, 31, 32, 69}
    data = corpus(sizes, bad, legacy={20: b"caf\xe9 na\xefve", 44: b"\x93quoted\x94"}, crlf={7, 21, 45}, last_newline=last_newline)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_bytes(data)
    reports: list[tuple[str, str, str]] = []
    runner = Runner(engine, policy=Policy(), report=lambda *a: reports.append(a), jobs=jobs, out_dir=tmp_path / "out", write=True)
    stats = runner.run(discover([str(tmp_path / "in" / "a.jsonl")]))
    assert (tmp_path / "out" / "a.jsonl").read_bytes() == expected_output(data)
    shown = str(tmp_path / "in" / "a.jsonl")
    errors = [int(where.rsplit(":", 1)[1]) for level, where, _ in reports if level == "error"]
    assert errors == sorted(i + 1 for i in bad)
    warnings = [message for level, where, message in reports if level == "warning"]
    line, column, byte = first_bad(data)
    assert warnings == [
        f"not valid UTF-8 (first bad byte 0x{byte:02x} at line {line}, column {column}); such lines decoded as Windows-1252 (cp1252); output is UTF-8"
    ]
    assert all(where.startswith(shown) for _, where, _ in reports)
    assert stats.documents == 70 - len(bad) and stats.bytes_in == len(data)


# -- the command, at the real sizes ---------------------------------------------------------------------


def segment_starts(data: bytes) -> list[int]:
    """The 0-based line indexes that begin a segment, by the runner's rule (a line end at or past TASK_BYTES, or TASK_DOCS lines)."""
    starts, size, count = [0], 0, 0
    lines = data.splitlines(keepends=True)
    for i, line in enumerate(lines):
        size += len(line)
        count += 1
        if size >= runner_mod.TASK_BYTES or count >= runner_mod.TASK_DOCS:
            starts.append(i + 1)
            size = count = 0
    return [s for s in starts if s < len(lines)]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_command_reads_records_across_reads_and_segments(run_cli, tmp_path: Path, jobs: str):
    sizes = [(i * 977) % 5000 + 40 for i in range(3000)]  # about 7.6 MB: several reads of 1 MB and seven segments
    plain = corpus(sizes, set(), {}, set())
    starts = segment_starts(plain)
    # a malformed line first and last in segments, and a record holding the first bad UTF-8 byte as the
    # first line of the third segment; a CRLF line across the end of the first read
    crossing = plain.count(b"\n", 0, lineblocks.READ_SIZE)
    bad = {starts[1], starts[1] - 1, starts[4], starts[5] - 1, len(sizes) - 1}
    legacy = {starts[2]: b"\xe9t\xe9"}
    data = corpus(sizes, bad, legacy, crlf={crossing}, last_newline=False)
    assert segment_starts(data) == starts
    (tmp_path / "big.jsonl").write_bytes(data)
    fixed = run_cli("fix", "big.jsonl", "-o", "out", "-j", jobs, "--select", CHEAP)
    assert fixed.returncode == 2
    assert (tmp_path / "out" / "big.jsonl").read_bytes() == expected_output(data)
    assert errors_of(fixed.stderr, "big.jsonl") == sorted(i + 1 for i in bad)
    line, column, byte = first_bad(data)
    assert line == starts[2] + 1
    assert f"big.jsonl: warning: not valid UTF-8 (first bad byte 0x{byte:02x} at line {line}, column {column})" in fixed.stderr
    checked = run_cli("check", "big.jsonl", "-j", jobs, "--select", CHEAP, "--format", "json")
    assert errors_of(checked.stderr, "big.jsonl") == sorted(i + 1 for i in bad)
    assert json.loads(checked.stdout)["summary"]["documents"] == len(sizes) - len(bad)


def test_a_line_longer_than_a_read_is_one_record_and_the_next_keeps_its_number(run_cli, tmp_path: Path):
    huge = json.dumps({"id": "huge", "text": "A long one. " * 300_000}).encode() + b"\n"  # 3.6 MB
    data = b'{"id": 1, "text": "Short."}\n' + huge + b"{broken\n" + b'{"id": 3, "text": "After."}\n'
    (tmp_path / "h.jsonl").write_bytes(data)
    result = run_cli("fix", "h.jsonl", "-o", "out", "-j", "2", "--select", CHEAP)
    assert errors_of(result.stderr, "h.jsonl") == [3]
    assert (tmp_path / "out" / "h.jsonl").read_bytes() == data
