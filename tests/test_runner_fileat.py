"""A pool's workers read the blocks of a plain local file themselves, and only while it is the file the main process read.

The main process reads every input (to cut it into blocks of whole lines and
number them) and keeps each block to rebuild its output; sending the block to
a worker through the pool's pipe cost it as much again. A worker reads the
block from the file instead (:class:`~scrubber.io.sources.FileAt`), and when
the file is no longer the one that was read, says so and is sent the block.
The workers also find the lines that are not UTF-8 (the main process no
longer decodes every block): a block sent before the file's legacy code page
was known is done again with it.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from scrubber import default_engine
from scrubber import runner as runner_mod
from scrubber.io.sources import FileAt, JsonlLines, discover
from scrubber.policy import Policy
from scrubber.runner import PoolBackend, Runner, Segment

CHEAP = "residue.ad-shortcode-line"
DATA = b"".join(b'{"id": %d, "text": "Line %d says hello."}\n' % (i, i) for i in range(40))


def opened(path: Path) -> FileAt:
    with path.open("rb") as handle:
        at = FileAt.of(path, handle)
    assert at is not None
    return at


def _unchanged(path: Path) -> None:
    pass


def _touched(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


def _replaced(path: Path) -> None:
    other = path.with_name("other")
    other.write_bytes(path.read_bytes())
    os.replace(other, path)


def _truncated(path: Path) -> None:
    st = path.stat()
    path.write_bytes(path.read_bytes()[:10])
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same time, shorter


def _removed(path: Path) -> None:
    path.unlink()


@pytest.mark.parametrize(
    "change, readable",
    [(_unchanged, True), (_touched, False), (_replaced, False), (_truncated, False), (_removed, False)],
)
def test_a_block_is_read_only_from_the_file_as_it_was_opened(tmp_path: Path, change, readable: bool):
    path = tmp_path / "a.jsonl"
    path.write_bytes(DATA)
    at = opened(path)
    change(path)
    assert at.read(40, 50) == (DATA[40:90] if readable else None)


def test_only_a_plain_regular_file_is_read_by_the_workers(tmp_path: Path):
    plain, packed = tmp_path / "a.jsonl", tmp_path / "b.jsonl.gz"
    plain.write_bytes(DATA)
    packed.write_bytes(gzip.compress(DATA))
    readers = {}
    for source in discover([str(plain), str(packed)]):
        reader = JsonlLines(source, check=False)
        blocks = list(reader.blocks(100, 1000))
        assert b"".join(block for block, _ in blocks) == DATA
        readers[source.path.name] = reader.file
    assert readers["a.jsonl"] == opened(plain)
    assert readers["b.jsonl.gz"] is None


class _Pool:
    """Takes what a pool would be sent."""

    def __init__(self) -> None:
        self.sent: list[list[Segment]] = []

    def submit(self, fn, segments):
        self.sent.append(segments)


def test_the_pool_sends_a_block_of_a_plain_file_as_its_place(tmp_path: Path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(DATA)
    at = opened(path)
    backend = PoolBackend(2)
    backend.pool = _Pool()  # type: ignore[assignment]
    mine = Segment(0, "jsonl", "a.jsonl", block=DATA[:100], count=2, nbytes=100, at=at, offset=0)
    other = Segment(1, "jsonl", "-", block=DATA[:100], count=2, nbytes=100)
    backend.submit([mine, other])
    (sent,) = backend.pool.sent  # type: ignore[attr-defined]
    assert [s.block for s in sent] == [None, DATA[:100]]
    assert mine.block == DATA[:100]  # the main process keeps its copy, to rebuild the output from


def corpus() -> bytes:
    """Records, two malformed lines and lines in cp1252, the first of them far from the start."""
    lines = []
    for i in range(120):
        text = f"Line {i} says hello, [ad] and more words to make it longer."
        line = json.dumps({"id": i, "text": text}).encode()
        if i in (3, 77):
            line = b"{broken " + line
        elif i in (61, 90):
            line = line[:-2] + b' caf\xe9"}'
        lines.append(line + b"\n")
    return b"".join(lines)


def run(tmp_path: Path, name: str, jobs: int) -> tuple[bytes, list[tuple[str, str, str]]]:
    reports: list[tuple[str, str, str]] = []
    runner = Runner(
        default_engine(select=[CHEAP]),
        policy=Policy(),
        report=lambda *a: reports.append(a),
        jobs=jobs,
        out_dir=tmp_path / name,
        write=True,
    )
    runner.run(discover([str(tmp_path / "in.jsonl")]))
    return (tmp_path / name / "in.jsonl").read_bytes(), reports


@pytest.mark.parametrize("workers_read", [True, False])
def test_a_pool_run_is_the_serial_run_whether_or_not_workers_can_read_the_file(tmp_path: Path, monkeypatch, workers_read: bool):
    monkeypatch.setattr(runner_mod, "TASK_BYTES", 500)
    monkeypatch.setattr(runner_mod, "TASK_DOCS", 5)
    (tmp_path / "in.jsonl").write_bytes(corpus())
    serial = run(tmp_path, "one", 1)
    if not workers_read:  # as if the file changed after it was read: every block is sent after all (forked workers inherit this)
        monkeypatch.setattr(FileAt, "read", lambda self, offset, size: None)
    pooled = run(tmp_path, "two", 2)
    assert pooled == serial
    output, reports = serial
    shown = str(tmp_path / "in.jsonl")
    assert [(level, where.removeprefix(shown)) for level, where, _ in reports] == [("error", ":4"), ("warning", ""), ("error", ":78")]
    assert "first bad byte 0xe9 at line 62" in reports[1][2]
    assert output.count("café".encode()) == 2
