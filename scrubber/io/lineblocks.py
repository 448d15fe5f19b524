"""JSON Lines read in blocks of whole lines, so the reading process does a few C calls per block, not a step per line.

The batch runner's main process reads every input and feeds the workers; on
two cores it competes with them for CPU, so what it does per line counts.
Here an input is read in large chunks (:class:`Chunks`), and
:func:`cut_blocks` cuts the stream into blocks of whole lines with
``bytes.find`` and ``bytes.count``; a worker splits its block into lines
(:func:`lines_of`). A block ends where a line-by-line reader gathering
lines into a segment would have cut (at ``max_bytes`` or ``max_lines``),
so the blocks are the segments it made, line for line.

A stream that stops being readable (a truncated or corrupt compressed
file) yields the whole lines read before the failure, then the failure,
as a line-by-line reader did: :data:`DECOMPRESSED_READ` explains why the
same lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import BinaryIO

#: how much of an uncompressed input is read at a time
READ_SIZE = 1 << 20
#: how much of a decompressing reader is read at a time: its own buffer's size (see
#: :func:`~scrubber.io.compression.wrap_read`). Each such read makes one read of the
#: decompressor underneath, as a line-by-line reader refilling its buffer did, and a read
#: that fails loses what it had decompressed: reads of another size would fail at
#: another place, and a damaged file would yield more or fewer lines than it did
DECOMPRESSED_READ = 1 << 16


class Chunks:
    """The chunks of a stream; a failure to read ends them, and is kept in :attr:`failure`.

    The reader raises the failure once the lines read before it are out
    (a truncated download's good part is still read).
    """

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = self._guarded(chunks)
        self._ahead: list[bytes] = []  # read by :meth:`head`, given back first
        self.failure: Exception | None = None

    def _guarded(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        try:
            for chunk in chunks:
                if chunk:
                    yield chunk
        except Exception as exc:  # assorted types (see sources._read_errors), raised by the reader after the lines before it
            self.failure = exc

    def __iter__(self) -> Iterator[bytes]:
        ahead, self._ahead = self._ahead, []
        yield from ahead
        yield from self._chunks

    def head(self, upto: int) -> bytes:
        """The stream's first ``upto + 1`` bytes (all of it when shorter), read up to the end of the line that holds them.

        What a line-by-line reader would have gathered before looking at
        the first ``upto`` bytes: after a failure, only the whole lines
        before it. The chunks read are given back to iteration.
        """
        offset = 0
        for chunk in self._chunks:
            self._ahead.append(chunk)
            if chunk.find(b"\n", max(0, upto - offset)) >= 0:
                break
            offset += len(chunk)
        if self.failure is None:
            return _first_bytes(self._ahead, upto + 1)
        start = b"".join(self._ahead)
        return start[: start.rfind(b"\n") + 1][: upto + 1]


def read_chunks(prefix: bytes, handle: BinaryIO, size: int) -> Iterator[bytes]:
    """``prefix`` (bytes already read), then ``handle`` read ``size`` bytes at a time (``read1``: what one read brings, so a pipe is not waited on)."""
    read = getattr(handle, "read1", None) or handle.read
    yield prefix
    while chunk := read(size):
        yield chunk


def cut_blocks(chunks: Chunks, max_bytes: int, max_lines: int) -> Iterator[tuple[bytes, int]]:
    """(block, lines in it): the stream of ``chunks`` cut into blocks of whole lines.

    A block ends at its first line end at or past ``max_bytes`` bytes, or at
    its ``max_lines``-th line end, whichever comes first: where a reader
    adding lines to a block until it held ``max_bytes`` bytes or
    ``max_lines`` lines would have cut it. So every block but the last
    reaches one of the limits; the last holds what is left (a last line
    without a line end counts as a line). After a read failure
    (:attr:`Chunks.failure`) the last block holds only the whole lines
    before it. A line longer than any chunk is joined once (linear time).
    """
    parts: list[bytes] = []  # the current block's bytes so far, from earlier chunks
    size = lines = 0  # their length and line ends
    for chunk in chunks:
        start = 0
        while start < len(chunk):
            cut = chunk.find(b"\n", start + max(0, max_bytes - 1 - size)) + 1  # after the line reaching max_bytes; 0: not here
            found, after = line_ends(chunk, start, cut or len(chunk), max_lines - lines)
            if lines + found >= max_lines:  # the line limit is reached first (or on the same line)
                cut = after
            if not cut:
                parts.append(chunk[start:] if start else chunk)
                size += len(chunk) - start
                lines += found
                break
            block = chunk[start:cut]
            if parts:
                parts.append(block)
                block = b"".join(parts)
                parts = []
            yield block, lines + found
            size = lines = 0
            start = cut
    if not parts:
        return
    block = b"".join(parts)
    if chunks.failure is not None:
        block = block[: block.rfind(b"\n") + 1]  # the line the failure cut short is not read
        if block:
            yield block, lines
    else:
        yield block, lines + (not block.endswith(b"\n"))


def _first_bytes(chunks: list[bytes], n: int) -> bytes:
    """The first ``n`` bytes of the chunks, joined (not all of a long line's chunks)."""
    taken, size = [], 0
    for chunk in chunks:
        taken.append(chunk)
        size += len(chunk)
        if size >= n:
            break
    return b"".join(taken)[:n]


#: how many line ends :func:`line_ends` finds one by one before it judges the lines' length
PROBE_LINES = 32
#: lines shorter than this on average are counted (``bytes.count``, a byte at a time) rather than found
#: one by one (``bytes.find``, memchr's speed but a Python step per line): about where the two cost the same
SHORT_LINE = 256


def line_ends(data: bytes, start: int, end: int, most: int) -> tuple[int, int]:
    """(how many ``\n`` ``data[start:end]`` holds, at most ``most``; the index after the last one counted).

    News records are kilobytes long, so their line ends are found one by
    one, at memchr's speed, far faster than ``bytes.count`` looks at every
    byte; short lines (after :data:`PROBE_LINES` of them, on average shorter
    than :data:`SHORT_LINE`) are counted instead. The index is that of the
    ``most``-th line end when there are that many; otherwise it is not used.
    """
    found, at = 0, start
    find = data.find
    while found < most:
        i = find(b"\n", at, end)
        if i < 0:
            return found, at
        found += 1
        at = i + 1
        if found == PROBE_LINES and at - start < PROBE_LINES * SHORT_LINE:
            rest = data.count(b"\n", at, end)
            if found + rest < most:
                return found + rest, end
            return most, _after_nth(data, at, end, most - found)
    return found, at


def _after_nth(data: bytes, lo: int, hi: int, n: int) -> int:
    """The index after the ``n``-th ``\n`` of ``data[lo:hi]`` (there are at least ``n``): halving the range by counting."""
    while n > PROBE_LINES:
        mid = (lo + hi) // 2
        below = data.count(b"\n", lo, mid)
        if below >= n:
            hi = mid
        else:
            n -= below
            lo = mid
    for _ in range(n):
        lo = data.index(b"\n", lo, hi) + 1
    return lo


def lines_of(block: bytes) -> list[bytes]:
    """The lines of a block, each with its ``\\n`` (the last perhaps without); ``bytes.splitlines`` would also cut at ``\\r``."""
    lines = block.split(b"\n")
    last = lines.pop()
    out = [line + b"\n" for line in lines]
    if last:
        out.append(last)
    return out
