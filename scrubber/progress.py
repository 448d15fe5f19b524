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
from collections.abc import Iterable
from typing import TextIO

from .io import remote
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
    """The input size, when every input is a plain file (no stdin, no compression)."""
    total = 0
    for s in sources:
        if s.is_stdin or s.compression:
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


def fmt_duration(seconds: float) -> str:
    s = int(seconds + 0.5)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


class Progress:
    """Callable the runner feeds with its stats; :meth:`clear` before printing anything else."""

    def __init__(self, mode: str, stream: TextIO | None = None, total: int | None = None, interval: float | None = None) -> None:
        self.mode = mode
        self.stream = stream or sys.stderr
        self.total = total
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

    def snapshot(self, stats: Stats, elapsed: float) -> dict[str, float | int | None]:
        rate = stats.bytes_in / elapsed if elapsed > 0 else 0.0
        eta = None
        if self.total and rate > 0:
            eta = max(0.0, (self.total - stats.bytes_in) / rate)
        return {
            "documents": stats.documents,
            "bytes": stats.bytes_in,
            "total_bytes": self.total,
            "seconds": round(elapsed, 1),
            "documents_per_s": round(stats.documents / elapsed, 1) if elapsed > 0 else 0.0,
            "mb_per_s": round(rate / 1e6, 2),
            "eta_s": None if eta is None else round(eta, 1),
        }

    def line(self, stats: Stats, elapsed: float) -> str:
        snap = self.snapshot(stats, elapsed)
        mb = f"{stats.bytes_in / 1e6:,.1f}"
        if self.total:
            mb += f"/{self.total / 1e6:,.1f} MB ({min(100, 100 * stats.bytes_in // max(1, self.total))}%)"
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
