"""Transparent gzip / zstandard / bzip2 / xz by file suffix.

A truncated stream is an error (:class:`TruncatedInput`), never a quiet
early end: a cut-off download must not become a shorter corpus.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import re
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

COMPRESSED_SUFFIXES = {".gz": "gz", ".zst": "zst", ".zstd": "zst", ".bz2": "bz2", ".xz": "xz"}


def compression_of(path: Path) -> str | None:
    return COMPRESSED_SUFFIXES.get(path.suffix.lower())


#: (start of the stream, kind): what each format's own tools write first (bzip2: "BZh", the
#: block size, then the magic of a block or of the end of an empty stream)
_MAGIC = (
    (b"\x28\xb5\x2f\xfd", "zst"),
    (b"\xfd7zXZ\x00", "xz"),
)
#: gzip: its magic, method 8 (deflate, the only one defined), flags whose three reserved bits are clear
_GZIP = re.compile(rb"\x1f\x8b\x08[\x00-\x1f]")
_BZIP2 = re.compile(rb"BZh[1-9](?:1AY&SY|\x17rE8P\x90)")
#: what ``--stdin-compression`` accepts: auto (by the magic number), none (read as it is), or one kind
STDIN_COMPRESSIONS = ("auto", "none", "gz", "zst", "bz2", "xz")
#: the names of the kinds in messages
NAMES = {"gz": "gzip", "zst": "zstd", "bz2": "bzip2", "xz": "xz"}


def compression_of_head(head: bytes) -> str | None:
    """The compression whose magic number ``head`` starts with, if any.

    For standard input, which has no suffix to go by: ``zcat``-style pipes
    are common, and a compressed stream read as text is only "binary".
    """
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if _GZIP.match(head):
        return "gz"
    return "bz2" if _BZIP2.match(head) else None


def decompressor(kind: str) -> Callable[[bytes], bytes] | None:
    """A one-shot incremental decompressor of ``kind`` (None when its library is missing).

    For a look at the start of a stream (standard input): it raises as
    soon as the bytes stop being that format.
    """
    if kind == "gz":
        return zlib.decompressobj(wbits=16 + zlib.MAX_WBITS).decompress
    if kind == "bz2":
        return bz2.BZ2Decompressor().decompress
    if kind == "xz":
        return lzma.LZMADecompressor().decompress
    try:
        import zstandard
    except ImportError:
        return None
    return zstandard.ZstdDecompressor().decompressobj().decompress


def suffix_of(kind: str) -> str:
    """The usual file suffix of a compression kind (``gz`` -> ``.gz``)."""
    return next(suffix for suffix, k in COMPRESSED_SUFFIXES.items() if k == kind)


def wrap_read(raw: BinaryIO, kind: str | None) -> BinaryIO:
    """Wrap an open binary handle so reading it yields decompressed bytes."""
    if kind == "gz":
        return _Truncation(gzip.GzipFile(fileobj=raw, mode="rb"), "gzip")  # type: ignore[return-value]
    if kind == "zst":
        return io.BufferedReader(_ZstdRaw(raw), buffer_size=1 << 16)  # type: ignore[return-value]
    if kind == "bz2":
        return _Truncation(bz2.BZ2File(raw, mode="rb"), "bzip2")  # type: ignore[return-value]
    if kind == "xz":
        return _Truncation(lzma.LZMAFile(raw, mode="rb"), "xz")  # type: ignore[return-value]
    return raw


class TruncatedInput(EOFError):
    """The compressed stream ended before its last frame did."""


class _Truncation(io.BufferedReader):
    """Say "truncated" when the stdlib's bz2/xz readers hit the end mid-stream.

    Both raise a bare ``EOFError("Compressed file ended before the
    end-of-stream marker was reached")``; the user should hear what it means.
    """

    def __init__(self, inner: BinaryIO, name: str) -> None:
        super().__init__(inner, buffer_size=1 << 16)  # type: ignore[arg-type]
        self._what = name

    def _guard(self, call, *args):  # type: ignore[no-untyped-def]
        try:
            return call(*args)
        except EOFError as exc:
            raise TruncatedInput(f"{self._what} stream ends before its end marker (truncated file?)") from exc
        except (OSError, lzma.LZMAError, zlib.error) as exc:
            if isinstance(exc, OSError) and exc.errno is not None:
                raise  # a real I/O error: its strerror says it best
            raise CorruptInput(f"corrupt {self._what} data ({exc})") from exc

    def read(self, size: int | None = -1) -> bytes:
        return self._guard(super().read, size)

    def read1(self, size: int = -1) -> bytes:
        return self._guard(super().read1, size)

    def readline(self, size: int | None = -1) -> bytes:
        return self._guard(super().readline, size)

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line


class CorruptInput(OSError):
    """The compressed stream is damaged (not merely cut short)."""


class _ZstdRaw(io.RawIOBase):
    """Zstandard decompression that notices a truncated stream.

    ``ZstdDecompressor.stream_reader`` returns what it has and reports a file
    cut off mid-frame as a clean end, which would silently drop the rest of
    a corpus; here the end of the input before the end of a frame is an error.
    Concatenated frames are read one after another.
    """

    def __init__(self, raw: BinaryIO) -> None:
        import zstandard

        self._raw = raw
        self._new = zstandard.ZstdDecompressor().decompressobj
        self._error = zstandard.ZstdError
        self._dobj = self._new()
        self._pending = b""
        self._pos = 0  # how much of _pending was handed out
        self._in_frame = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while self._pos >= len(self._pending):
            self._pending, self._pos = b"", 0
            chunk = self._raw.read(1 << 16)
            if not chunk:
                if self._in_frame:
                    raise TruncatedInput("zstd stream ends before its end marker (truncated file?)")
                return 0
            while chunk:
                self._in_frame = True
                try:
                    self._pending += self._dobj.decompress(chunk)
                except self._error as exc:
                    raise CorruptInput(f"corrupt zstd data ({exc})") from exc
                if self._dobj.eof:
                    chunk = self._dobj.unused_data
                    self._dobj = self._new()
                    self._in_frame = False
                else:
                    chunk = b""
        n = min(len(buffer), len(self._pending) - self._pos)
        buffer[:n] = self._pending[self._pos : self._pos + n]
        self._pos += n
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


def wrap_write(handle: BinaryIO, kind: str | None) -> BinaryIO:
    """Wrap an open binary handle so bytes written to it are compressed."""
    if kind == "gz":
        # filename="": the header would otherwise carry the temp file's random name
        return gzip.GzipFile(filename="", fileobj=handle, mode="wb", mtime=0)  # type: ignore[return-value]
    if kind == "zst":
        import zstandard

        return zstandard.ZstdCompressor().stream_writer(handle, closefd=False)  # type: ignore[return-value]
    if kind == "bz2":
        return bz2.BZ2File(handle, mode="wb")  # type: ignore[return-value]
    if kind == "xz":
        return lzma.LZMAFile(handle, mode="wb")  # type: ignore[return-value]
    return handle
