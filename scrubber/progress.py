"""Progress of a batch run on stderr.

Three modes, because a progress bar is for people and a log is for machines:

* ``tty``: one line redrawn in place (at most 10 times a second) with
  documents, MB, documents/s, MB/s and, when the total input size is known,
  the share done and an ETA;
* ``lines``: one JSON object per line every few seconds (``{"progress": ...}``),
  for a log file or a job scheduler; used when progress is asked for
  explicitly and stderr is not a terminal;
* ``off``: nothing (the default when stderr is not a terminal).

The runner calls the :class:`Progress` object with its running
:class:`~scrubber.runner.Stats` after every task.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from typing import TextIO

from .io import remote
from .io.meter import METER
from .io.sources import InputFile
from .runner import Stats


def choose_mode(asked: bool | None, stream: TextIO, stdout_busy: bool = False) -> str:
    """``asked`` is --progress (True), --no-progress (False) or neither (None).

    ``stdout_busy``: the command prints results to a terminal on stdout, where
    a redrawn line would tear them; progress is then off unless asked for.
    """
    tty = _isatty(stream)
    if asked is False:
        return "off"
    if asked is True:
        return "tty" if tty else "lines"
    return "tty" if tty and not stdout_busy else "off"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def total_bytes(sources: Iterable[InputFile]) -> int | None:
    """The inputs' size on disk when every input has one (no stdin); compressed files count as stored.

    :class:`Progress` tells the two apart: for plain files it compares the
    bytes processed with this total; with any compressed input, the bytes
    read from disk (:data:`~scrubber.io.meter.METER`), since the processed
    (decompressed) bytes have no known total.
    """
    total = 0
    for s in sources:
        if s.is_stdin:
            return None
        if s.url is not None:
            size = remote.size(s.url)
            if size is None:
                return None
            total += size
            continue
        try:
            total += s.path.stat().st_size  # type: ignore[union-attr]
        except OSError:
            return None
    return total


def make_progress(mode: str, sources: list[InputFile], stream: TextIO | None = None) -> Progress:
    """The progress display of a run over ``sources``: by bytes processed, or by bytes read from disk when any is compressed."""
    METER.reset()
    compressed = any(s.compression for s in sources)
    return Progress(mode, stream or sys.stderr, total_bytes(sources), on_disk=METER.behind if compressed else None)


def fmt_duration(seconds: float) -> str:
    s = int(seconds + 0.5)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


class Progress:
    """Callable the runner feeds with its stats; :meth:`clear` before printing anything else."""

    def __init__(
        self,
        mode: str,
        stream: TextIO | None = None,
        total: int | None = None,
        interval: float | None = None,
        on_disk: Callable[[int], int] | None = None,
    ) -> None:
        """``total``: the inputs' size; ``on_disk``: for compressed inputs, how much of it lies behind a number of
        processed (decompressed) bytes (then ``total`` is on-disk bytes, and the share done and the ETA come from it)."""
        self.mode = mode
        self.stream = stream or sys.stderr
        self.total = total
        self.on_disk = on_disk
        self.interval = interval if interval is not None else (0.1 if mode == "tty" else 5.0)
        self.started = time.perf_counter()
        self._last = 0.0
        self._shown = False

    def __call__(self, stats: Stats) -> None:
        if self.mode == "off":
            return
        now = time.perf_counter()
        if now - self._last < self.interval:
            return
        self._last = now
        self._emit(stats, now - self.started)

    def done(self, stats: Stats) -> float | None:
        """The share of the input behind us (0-1), when the total is known."""
        if not self.total:
            return None
        behind = self.on_disk(stats.bytes_in) if self.on_disk is not None else stats.bytes_in
        return min(1.0, behind / self.total)

    def snapshot(self, stats: Stats, elapsed: float) -> dict[str, float | int | None]:
        rate = stats.bytes_in / elapsed if elapsed > 0 else 0.0
        eta = None
        share = self.done(stats)
        if share is not None and share > 0 and rate > 0:
            eta = elapsed * (1 - share) / share if self.on_disk is not None else max(0.0, (self.total or 0) - stats.bytes_in) / rate
        return {
            "documents": stats.documents,
            "bytes": stats.bytes_in,
            "total_bytes": None if self.on_disk is not None else self.total,
            "done": None if share is None else round(share, 4),
            "seconds": round(elapsed, 1),
            "documents_per_s": round(stats.documents / elapsed, 1) if elapsed > 0 else 0.0,
            "mb_per_s": round(rate / 1e6, 2),
            "eta_s": None if eta is None else round(eta, 1),
        }

    def line(self, stats: Stats, elapsed: float) -> str:
        snap = self.snapshot(stats, elapsed)
        mb = f"{stats.bytes_in / 1e6:,.1f}"
        share = snap["done"]
        if self.total and self.on_disk is None:
            mb += f"/{self.total / 1e6:,.1f} MB ({min(100, 100 * stats.bytes_in // max(1, self.total))}%)"
        elif share is not None:  # compressed: the MB are decompressed, the share is of the files on disk
            mb += f" MB ({int(100 * float(share))}% of {self.total / 1e6:,.1f} MB compressed)"
        else:
            mb += " MB"
        text = f"{stats.documents:,} docs  {mb}  {snap['documents_per_s']:,.0f} docs/s  {snap['mb_per_s']:.1f} MB/s"
        if snap["eta_s"] is not None:
            text += f"  ETA {fmt_duration(float(snap['eta_s']))}"
        return text

    def _emit(self, stats: Stats, elapsed: float) -> None:
        if self.mode == "tty":
            # a line wider than the terminal wraps, and "\r" + erase-line then clears only its last
            # row: every redraw would leave a row behind
            width = self._columns() - 1
            line = self.line(stats, elapsed)
            self.stream.write("\r\x1b[K" + (line if len(line) <= width else line[: max(0, width - 1)] + "…"))
            self._shown = True
        else:
            self.stream.write(json.dumps({"progress": self.snapshot(stats, elapsed)}) + "\n")
        self.stream.flush()

    def _columns(self) -> int:
        """The terminal's width; $COLUMNS or 80 when it is unknown.

        A pty whose size was never set (``script``, ``docker run -t``, some CI
        runners) reports 0 columns: taken at its word, every line would be cut
        down to a lone "…".
        """
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns
        except (OSError, ValueError, AttributeError):  # not a real terminal (tests)
            columns = 0
        if columns <= 0:
            columns = shutil.get_terminal_size().columns  # $COLUMNS, else stdout's size, else 80
        return columns if columns > 0 else 80

    def clear(self) -> None:
        """Erase the progress line (before printing a message or the summary)."""
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False
            self._last = 0.0  # redraw at the next update

    def close(self, stats: Stats) -> None:
        """Final state: erase the line on a terminal, one last record in lines mode."""
        if self.mode == "lines":
            self._emit(stats, time.perf_counter() - self.started)
        self.clear()
