"""UTF-16 and UTF-32 inputs (by their byte order mark), streamed as UTF-8.

JSON Lines and JSON documents are cut into lines and values as bytes, and
UTF-16's ``\\n`` is two bytes (``0a 00``), so a wide input read as bytes
is split in the wrong places and every line looks malformed. Such an input
is decoded incrementally here and handed on as UTF-8: its lines are cut at
the decoded ``\\n`` (so line numbers are right), memory stays a chunk's worth
whatever the file's size, and everything downstream (parsing, splicing,
writing) sees UTF-8 as for any other input. The output is UTF-8, without a
byte order mark; the reader says so once per file.

A lone surrogate (a half of a pair: Windows and Java tools write them) is
decoded as itself and written as its JSON escape ``\\ud800``, which parses
back to the same string inside a JSON string, as the lone surrogates of
UTF-8 JSON are written. Bytes that are not UTF-16/32 at all (an odd byte at
the end: a truncated file) raise :class:`WideError`.

An input without such a mark is passed through untouched: its lines are the
handle's own, byte for byte.
"""

from __future__ import annotations

import codecs
import itertools
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from .decode import NAMES, wide_encoding

#: how much of a wide input is decoded at a time
CHUNK = 1 << 16


class WideError(ValueError):
    """A UTF-16/32 input holds bytes that are not UTF-16/32 (the message says which encoding and why)."""


def utf8_lines(handle: BinaryIO) -> tuple[str | None, Iterator[bytes]]:
    """(the wide encoding read, or None; the lines of ``handle`` as UTF-8 bytes with their line ends).

    Without a UTF-16/32 byte order mark the lines are the handle's own
    (iterating it, at C speed), the first 4 bytes read to look for the mark put back.
    """
    prefix = handle.read(4)
    encoding = wide_encoding(prefix)
    if encoding is not None:
        return encoding, split_lines(transcoded(prefix, handle, encoding))
    head = _lines_of(prefix)
    if head and not head[-1].endswith(b"\n"):
        head[-1] += handle.readline()
    return None, itertools.chain(head, handle)


def utf8_chunks(handle: BinaryIO, size: int) -> tuple[str | None, Iterator[bytes]]:
    """(the wide encoding read, or None; blocks of ``handle`` as UTF-8), as :func:`utf8_lines`."""
    prefix = handle.read(4)
    encoding = wide_encoding(prefix)
    if encoding is not None:
        return encoding, transcoded(prefix, handle, encoding, size)
    first = prefix + handle.read(size)  # a whole block: the caller looks at the first one
    return None, itertools.chain([first] if first else [], iter(lambda: handle.read(size), b""))


def _lines_of(data: bytes) -> list[bytes]:
    """``data`` cut after each ``\\n`` (bytes.splitlines would also cut at ``\\r``)."""
    lines = data.split(b"\n")
    out = [line + b"\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def transcoded(prefix: bytes, handle: BinaryIO, encoding: str, size: int = CHUNK) -> Iterator[bytes]:
    """The rest of a wide input after ``prefix``, decoded (the mark dropped) and encoded as UTF-8."""
    decoder = codecs.getincrementaldecoder(encoding)("surrogatepass")
    blocks = itertools.chain([prefix], iter(lambda: handle.read(size), b""))
    try:
        for block in blocks:
            if text := decoder.decode(block):
                yield text.encode("utf-8", "backslashreplace")
        if text := decoder.decode(b"", final=True):
            yield text.encode("utf-8", "backslashreplace")
    except UnicodeDecodeError as exc:
        why = "it ends inside a character: truncated?" if exc.reason == "truncated data" else exc.reason
        raise WideError(f"not valid {NAMES[encoding]} ({why})") from None


def split_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Lines (each ending with ``\\n``, the last one perhaps not) of a stream given in chunks.

    A line spanning many chunks is joined once, so a huge line costs linear time.
    """
    pending: list[bytes] = []
    for chunk in chunks:
        start = 0
        while end := chunk.find(b"\n", start) + 1:
            pending.append(chunk[start:end])
            yield b"".join(pending)
            pending = []
            start = end
        if start < len(chunk):
            pending.append(chunk[start:])
    if pending:
        yield b"".join(pending)
