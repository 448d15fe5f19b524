"""How many bytes of the input files have been read from disk, for progress on compressed inputs.

The runner counts what it processes in decompressed bytes, which says nothing
about how far through a ``.jsonl.zst`` it is. Every input handle is opened by
:meth:`~scrubber.io.sources.InputFile.open`, which registers it here; the
position of the raw (still compressed) handle, plus the sizes of the files
already closed, is how much of the inputs' on-disk size is behind us.
Reading and progress both happen in the main process's main thread.
"""

from __future__ import annotations

import os
from typing import BinaryIO


class ReadMeter:
    def __init__(self) -> None:
        self._done = 0
        self._open: list[tuple[BinaryIO, int]] = []

    def track(self, handle: BinaryIO) -> BinaryIO:
        """Count ``handle`` (a raw file handle) from now on; returns it."""
        try:
            size = os.fstat(handle.fileno()).st_size
        except (OSError, AttributeError, ValueError):  # a remote file: its own size, if it knows it
            size = getattr(handle, "size", None)
            if not isinstance(size, int):
                return handle
        self._open.append((handle, size))
        return handle

    def consumed(self) -> int:
        """Bytes read from disk so far: closed files in full, open ones up to their position."""
        live = 0
        still: list[tuple[BinaryIO, int]] = []
        for handle, size in self._open:
            if handle.closed:
                self._done += size
                continue
            try:
                live += min(size, handle.tell())
            except (OSError, ValueError):
                live += 0
            still.append((handle, size))
        self._open = still
        return self._done + live

    def reset(self) -> None:
        self._done = 0
        self._open = []


#: the process's meter (the CLI resets it at the start of a run)
METER = ReadMeter()
