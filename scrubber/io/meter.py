"""How many bytes of the input files have been read from disk, for progress on compressed inputs.

The runner counts what it processes in decompressed bytes, which says nothing
about how far through a ``.jsonl.zst`` it is. Every input handle is opened by
:meth:`~scrubber.io.sources.InputFile.open`, which registers it here; the
position of the raw (still compressed) handle, plus the sizes of the files
already closed, is how much of the inputs' on-disk size is behind us.
Reading and progress both happen in the main process's main thread.

The reader runs ahead of the workers (a pool keeps a few tasks per worker in
flight), so what has been read is more than what has been processed. The
runner says how many decompressed bytes it has handed out (:meth:`ReadMeter.hand_out`);
:meth:`ReadMeter.behind` scales the bytes read from disk by the share of
those that were processed, so the share done and the ETA do not run ahead.
"""

from __future__ import annotations

import os
from typing import BinaryIO


class ReadMeter:
    def __init__(self) -> None:
        self._done = 0
        self._open: list[tuple[BinaryIO, int]] = []
        self._handed_out = 0

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

    def hand_out(self, nbytes: int) -> None:
        """``nbytes`` more decompressed bytes were read and handed to the workers."""
        self._handed_out += nbytes

    def behind(self, processed: int) -> int:
        """On-disk bytes of what was processed: those read, in the proportion ``processed`` bears to those handed out."""
        consumed = self.consumed()
        if self._handed_out <= 0:
            return 0 if processed <= 0 else consumed
        return int(consumed * min(1.0, processed / self._handed_out))

    def reset(self) -> None:
        self._done = 0
        self._open = []
        self._handed_out = 0


#: the process's meter (the CLI resets it at the start of a run)
METER = ReadMeter()
