"""Blocks of whole lines (scrubber.io.lineblocks) are the segments a line-by-line reader made.

The batch runner's main process reads JSON Lines in blocks and the workers
split them; every block must hold exactly the lines a reader adding one line
at a time to a segment (until ``max_bytes`` or ``max_lines``) would have put
in it, whatever the chunks the bytes arrive in, and after a read failure only
the whole lines before it.
"""

from __future__ import annotations

import io
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrubber.io.lineblocks import PROBE_LINES, SHORT_LINE, Chunks, cut_blocks, line_ends, lines_of, read_chunks


def by_lines(data: bytes, max_bytes: int, max_lines: int) -> list[tuple[bytes, int]]:
    """The segments of the line-by-line reader the blocks replace."""
    out: list[tuple[bytes, int]] = []
    lines: list[bytes] = []
    size = 0
    for line in io.BytesIO(data):
        lines.append(line)
        size += len(line)
        if size >= max_bytes or len(lines) >= max_lines:
            out.append((b"".join(lines), len(lines)))
            lines, size = [], 0
    if lines:
        out.append((b"".join(lines), len(lines)))
    return out


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(points)]


LINE = st.one_of(
    st.binary(max_size=6).map(lambda b: b.replace(b"\n", b"") + b"\n"),
    st.integers(0, 700).map(lambda n: b"x" * n + b"\n"),
    st.just(b"\r\n"),
    st.just(b"\n"),
)
DATA = st.tuples(st.lists(LINE, max_size=80), st.binary(max_size=5).map(lambda b: b.replace(b"\n", b""))).map(
    lambda t: b"".join(t[0]) + t[1]
)


@settings(max_examples=400, deadline=None)
@given(DATA, st.lists(st.integers(0, 10**6), max_size=12), st.integers(1, 3000), st.integers(1, 70))
def test_blocks_are_the_segments_of_a_line_by_line_reader(data: bytes, cuts: list[int], max_bytes: int, max_lines: int):
    blocks = list(cut_blocks(Chunks(chunked(data, cuts)), max_bytes, max_lines))
    assert blocks == by_lines(data, max_bytes, max_lines)
    for block, count in blocks:
        assert lines_of(block) == io.BytesIO(block).readlines()
        assert len(lines_of(block)) == count


@settings(max_examples=200, deadline=None)
@given(DATA, st.lists(st.integers(0, 10**6), max_size=12), st.integers(1, 3000), st.integers(1, 70), st.integers(0, 10**6))
def test_after_a_read_failure_the_last_block_holds_the_whole_lines_before_it(
    data: bytes, cuts: list[int], max_bytes: int, max_lines: int, fail_at: int
):
    pieces = chunked(data, cuts)
    good = pieces[: fail_at % (len(pieces) + 1)]

    def failing():
        yield from good
        raise OSError("cut short")

    chunks = Chunks(failing())
    blocks = list(cut_blocks(chunks, max_bytes, max_lines))
    read = b"".join(good)
    assert isinstance(chunks.failure, OSError)
    assert blocks == by_lines(read[: read.rfind(b"\n") + 1], max_bytes, max_lines)


def test_a_line_longer_than_every_chunk_is_one_block():
    huge = b"{" + b"x" * 5_000_000 + b"}\n"
    data = b'{"a": 1}\n' + huge + b"last"
    chunks = Chunks(chunked(data, list(range(0, len(data), 65536))))
    assert list(cut_blocks(chunks, 1 << 18, 1024)) == [(b'{"a": 1}\n' + huge, 2), (b"last", 1)]
    chunks = Chunks(chunked(data, list(range(0, len(data), 65536))))
    assert list(cut_blocks(chunks, 1 << 24, 1024)) == [(data, 3)]


@pytest.mark.parametrize(
    "line_length",
    [1, SHORT_LINE // 4, SHORT_LINE - 2, SHORT_LINE, SHORT_LINE * 8],
)
@pytest.mark.parametrize("most", [1, PROBE_LINES - 1, PROBE_LINES, PROBE_LINES + 1, 100, 1024, 10**6])
def test_line_ends_counts_and_places_the_last_whatever_the_lines_length(line_length: int, most: int):
    data = (b"y" * (line_length - 1) + b"\n") * 700 + b"tail"
    for start, end in [(0, len(data)), (3, len(data) - 7), (len(data) // 3, len(data) // 2)]:
        total = data.count(b"\n", start, end)
        found, after = line_ends(data, start, end, most)
        assert found == min(total, most)
        if total >= most:
            assert data.count(b"\n", start, after) == most and data[after - 1 : after] == b"\n"


def test_chunks_give_back_what_the_head_read_and_the_head_stops_at_the_line_end_past_it():
    data = b"a" * 10 + b"\n" + b"b" * 20 + b"\n" + b"c" * 5
    chunks = Chunks(chunked(data, [4, 9, 15, 40]))
    assert chunks.head(12) == data[:13]
    assert b"".join(chunks) == data


def test_the_head_after_a_failure_is_the_whole_lines_before_it():
    def failing():
        yield b"ab\ncd\ne"
        raise EOFError

    chunks = Chunks(failing())
    assert chunks.head(8192) == b"ab\ncd\n"
    assert isinstance(chunks.failure, EOFError)


def test_read_chunks_does_not_wait_for_a_whole_chunk():
    class Trickle(io.RawIOBase):
        def __init__(self) -> None:
            self.parts = [b"ab\n", b"cd\n"]

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
            if not self.parts:
                return 0
            part = self.parts.pop(0)
            buffer[: len(part)] = part
            return len(part)

    assert list(read_chunks(b"", io.BufferedReader(Trickle()), 1 << 20)) == [b"", b"ab\n", b"cd\n"]
