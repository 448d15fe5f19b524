"""Transparent gzip / zstandard by file suffix."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import BinaryIO

COMPRESSED_SUFFIXES = {".gz": "gz", ".zst": "zst", ".zstd": "zst"}


def compression_of(path: Path) -> str | None:
    return COMPRESSED_SUFFIXES.get(path.suffix.lower())


def open_read(path: Path) -> BinaryIO:
    kind = compression_of(path)
    raw = open(path, "rb")  # noqa: SIM115 - returned to the caller
    if kind == "gz":
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if kind == "zst":
        import zstandard

        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw, closefd=True))  # type: ignore[arg-type]
    return raw


def wrap_write(handle: BinaryIO, kind: str | None) -> BinaryIO:
    """Wrap an open binary handle so bytes written to it are compressed."""
    if kind == "gz":
        return gzip.GzipFile(fileobj=handle, mode="wb", mtime=0)  # type: ignore[return-value]
    if kind == "zst":
        import zstandard

        return zstandard.ZstdCompressor().stream_writer(handle, closefd=False)  # type: ignore[return-value]
    return handle
