"""How the ``scrubber`` command ends on Ctrl-C, SIGTERM or SIGHUP, at any moment.

Exit status 128 + the signal (130, 143, 129) and one short line on stderr,
whether the signal lands while Python imports the command, while packs load,
mid-run or during the cleanup; never click's "Aborted!" (exit 1), never a
traceback, never a process that has said it stopped but does not exit.

Until the command's own handlers are installed (:func:`install`), a signal
ends the process with one line (:func:`scrubber.signals.quiet_start_up`), as
nothing has been written yet.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from typing import Any

from ..signals import end_at_once, is_the_command, raise_interrupt, stop_pending, stop_word


def install() -> None:
    """The command's own handling from here on: Ctrl-C raises KeyboardInterrupt again, so outputs clean up.

    A stop raised inside a ``__del__`` is lost (Python prints "Exception
    ignored" and goes on); it is noted, raised again between tasks, and its
    lost traceback is not printed.
    """
    if not is_the_command():  # pytest's own Ctrl-C stays as it was
        return
    if signal.getsignal(signal.SIGINT) in (signal.default_int_handler, end_at_once):
        signal.signal(signal.SIGINT, raise_interrupt)
    if not getattr(sys.unraisablehook, "_scrubber", False):
        sys.unraisablehook = _quiet_lost_stops(sys.unraisablehook)


def _quiet_lost_stops(previous: Any) -> Any:
    def hook(unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt) and stop_pending():
            return  # raised again by the runner (signals.raise_if_stopped)
        previous(unraisable)

    hook._scrubber = True  # type: ignore[attr-defined]
    return hook


def signal_of(exc: BaseException) -> int:
    """The signal behind an interrupt: the CLI's ``Terminated`` carries it, a bare KeyboardInterrupt is Ctrl-C."""
    return int(getattr(exc, "signum", signal.SIGINT))


def say_stopped(signum: int) -> None:
    """The one line for a stop that came outside a batch run (start-up, pack loading, discovery)."""
    try:
        sys.stderr.write(f"scrubber: {stop_word(signum)}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def exit_without_waiting(code: int, stuck: list[threading.Thread]) -> None:
    """The last resort: outputs are cleaned and every message said, but a pool thread would not end.

    The interpreter joins such threads at exit and would wait forever; end the
    process now instead, with the status it was exiting with.
    """
    for t in stuck:
        t.join(0.5)
    if not any(t.is_alive() for t in stuck):
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
