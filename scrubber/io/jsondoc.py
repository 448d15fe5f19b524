"""Stream the records of a JSON document: an array of objects, or one object.

Scrapers often write a ``.json`` file that is one JSON array of article
objects, pretty-printed or not. This module cuts such a file into *pieces*
without loading it whole, so a multi-gigabyte array streams like a JSON
Lines file:

* the opening part (a byte order mark, whitespace, ``[`` and the whitespace
  after it) and the closing part (whitespace, ``]``, trailing whitespace) are
  pieces with no value, copied as they are;
* each element is a piece with a ``lead`` (the separator before it: the
  comma and the whitespace around it; empty for the first element) and a
  ``body`` (the element's exact bytes), with the line and column where the
  body starts.

Joining every piece's ``lead + body`` gives back the file byte for byte.

The file is decoded incrementally (UTF-8, undecodable bytes kept by
``surrogateescape`` so they are written back unchanged) into a sliding
buffer, and each element is found with the json module's C
``raw_decode``, which also checks that it is valid JSON. A value that runs
past the end of the buffer is retried after reading more (at least as much
again, so a huge element costs linear time). Anything that is not a valid
array or object (a syntax error inside an element, a missing comma, a
truncated array, data after the end, a top-level scalar) raises
:class:`DocumentError` with the line and column: the caller refuses to
write that file's output, since there is no safe way to copy a broken
structure.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

#: how much is read at a time (a value longer than this is read in growing steps)
CHUNK = 1 << 20
#: a decode error this close to the end of the buffer may only mean "read more"
_MARGIN = 16

_WS = re.compile(r"[ \t\n\r]*")
_raw_decode = json.JSONDecoder().raw_decode


@dataclass(frozen=True)
class Piece:
    """A run of the file: a separator and an element, or a structural part (``body`` empty)."""

    lead: bytes
    body: bytes
    line: int  # where ``body`` starts (1-based); for a structural part, where ``lead`` starts
    col: int  # in characters, like the columns of text files

    @property
    def is_element(self) -> bool:
        return bool(self.body)


class DocumentError(ValueError):
    """The file is not a JSON array or object; ``line``/``col`` say where it stops being one."""

    def __init__(self, message: str, line: int, col: int) -> None:
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


class _Buffer:
    """Decoded text with a moving start; knows the line and column of any index it holds."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
        self.text = ""
        self.eof = False
        self.mark = 0  # index in ``text`` whose line and column are known
        self.line, self.col = 1, 1

    def fill(self, at_least: int | None = None) -> bool:
        """Append at least ``at_least`` (default :data:`CHUNK`) more characters; False once nothing is left."""
        if self.eof:
            return False
        at_least = at_least or CHUNK
        got: list[str] = []
        size = 0
        while size < at_least:
            chunk = next(self._chunks, b"")
            if not chunk:
                got.append(self._decoder.decode(b"", final=True))
                self.eof = True
                break
            part = self._decoder.decode(chunk)
            got.append(part)
            size += len(part)
        self.text += "".join(got)
        return True

    def skip_ws(self, i: int) -> int:
        """The index of the first non-whitespace character at or after ``i`` (``len(text)`` only at the end)."""
        while True:
            i = _WS.match(self.text, i).end()  # type: ignore[union-attr]
            if i < len(self.text) or not self.fill():
                return i

    def where(self, i: int) -> tuple[int, int]:
        """(line, column) of index ``i >= mark``."""
        newlines = self.text.count("\n", self.mark, i)
        if not newlines:
            return self.line, self.col + (i - self.mark)
        return self.line + newlines, i - self.text.rindex("\n", self.mark, i)

    def advance(self, i: int) -> None:
        """Remember ``i``'s position and drop the text before it once enough has piled up."""
        self.line, self.col = self.where(i)
        self.mark = i

    def take(self, start: int, end: int) -> bytes:
        return _encode(self.text[start:end])

    def trim(self, i: int) -> int:
        """Forget the text before ``i`` (already handed out); returns ``i``'s new index."""
        if i < CHUNK:
            return i
        self.advance(i)
        self.text = self.text[i:]
        self.mark = 0
        return 0

    def error(self, message: str, i: int) -> DocumentError:
        return DocumentError(message, *self.where(i))


def _decode_value(buf: _Buffer, i: int) -> int:
    """The end of the JSON value starting at ``i``, reading more as needed."""
    while True:
        try:
            _value, end = _raw_decode(buf.text, i)
        except json.JSONDecodeError as exc:
            incomplete = exc.msg.startswith("Unterminated string") or exc.pos >= len(buf.text) - _MARGIN
            if incomplete and buf.fill(max(CHUNK, len(buf.text) - i)):
                continue
            if exc.msg.startswith("Unterminated string") or exc.pos >= len(buf.text.rstrip()):
                raise buf.error(f"the file ends inside an array element ({exc.msg}): truncated?", exc.pos) from None
            raise buf.error(f"malformed JSON: {exc.msg}", exc.pos) from None
        # a number or literal at the very end of the buffer may go on in the next chunk
        if end == len(buf.text) and buf.text[end - 1] not in '}]"' and buf.fill():
            continue
        return end


def _kind(buf: _Buffer, i: int) -> str:
    """What a top-level value that is not an array or object is, in JSON's words."""
    try:
        value, _ = _raw_decode(buf.text, i)
    except json.JSONDecodeError:
        return "not JSON"
    names = {str: "a JSON string", bool: "JSON true/false", type(None): "JSON null"}
    return names.get(type(value), "a JSON number")


def scan(chunks: Iterable[bytes]) -> Iterator[Piece]:
    """The pieces of a JSON document given as byte chunks; see the module docstring.

    An empty (or all-whitespace) input yields one structural piece (or
    none) and no element. Raises :class:`DocumentError` where the input
    stops being one JSON array or object; the pieces before it have been
    yielded.
    """
    buf = _Buffer(chunks)
    buf.fill()
    start = 1 if buf.text.startswith("\ufeff") else 0  # editors do not count a BOM as a column
    buf.mark = start
    i = buf.skip_ws(start)
    if i == len(buf.text):
        if buf.text:
            yield Piece(buf.take(0, i), b"", 1, 1)
        return
    opener = buf.text[i]
    if opener == "{":
        yield Piece(buf.take(0, i), b"", 1, 1)
        yield from _elements(buf, i, top=True)
        return
    if opener != "[":
        raise buf.error(f"not a JSON array or object ({_kind(buf, i)} at the top)", i)
    head = buf.skip_ws(i + 1)
    yield Piece(buf.take(0, head), b"", 1, 1)
    yield from _elements(buf, head, top=False)


def _elements(buf: _Buffer, i: int, top: bool) -> Iterator[Piece]:
    """The element pieces from index ``i`` (just after the opening), then the closing piece."""
    prev = i  # where the current element's lead starts
    if not top and i < len(buf.text) and buf.text[i] == "]":
        yield from _closing(buf, i, i + 1, "array")
        return
    while True:
        if i == len(buf.text):
            raise buf.error("the file ends inside the array: truncated?", i)
        end = _decode_value(buf, i)
        buf.advance(prev)
        line, col = buf.where(i)
        yield Piece(buf.take(prev, i), buf.take(i, end), line, col)
        prev = buf.trim(end)
        if top:
            yield from _closing(buf, prev, prev, "object")
            return
        j = buf.skip_ws(prev)
        if j == len(buf.text):
            raise buf.error("the file ends inside the array (no closing ']'): truncated?", j)
        if buf.text[j] == "]":
            yield from _closing(buf, prev, j + 1, "array")
            return
        if buf.text[j] != ",":
            raise buf.error(f"expected ',' or ']' after an array element, found {buf.text[j]!r}", j)
        i = buf.skip_ws(j + 1)
        if i < len(buf.text) and buf.text[i] == "]":
            raise buf.error("a comma before ']' (a trailing comma is not JSON)", j)


def _closing(buf: _Buffer, start: int, after: int, what: str) -> Iterator[Piece]:
    """The closing piece from ``start``; only whitespace may follow index ``after``."""
    rest = buf.skip_ws(after)
    if rest < len(buf.text):
        hint = " (one JSON object per line is JSON Lines: --input-format jsonl)" if buf.text[rest] == "{" else ""
        raise buf.error(f"data after the end of the JSON {what}{hint}", rest)
    buf.advance(start)
    yield Piece(buf.take(start, rest), b"", buf.line, buf.col)


def chunks_of(handle: object, size: int = CHUNK) -> Iterator[bytes]:
    """The blocks of a binary handle, until it is exhausted."""
    read = handle.read  # type: ignore[attr-defined]
    while block := read(size):
        yield block
