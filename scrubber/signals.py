"""Hold interrupts across calls that must not be cut in the middle.

Python runs a signal handler between any two bytecodes of the main thread,
so Ctrl-C's ``KeyboardInterrupt`` (or the CLI's ``Terminated`` for SIGTERM
and SIGHUP) can be raised inside a library call that holds a lock.
``ProcessPoolExecutor.submit`` holds the pool's non-reentrant shutdown lock
while it queues a task: an interrupt raised there leaves the lock held, and
shutting the pool down afterwards waits for it forever (a run that would not
stop after ``kill``, about once in 15 tries under load). Holding the signals
for the length of such a call moves the interrupt to the first safe point
after it: the same exception, raised a few microseconds later.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

#: the signals that stop a run (SIGHUP does not exist on Windows)
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


#: stops whose exception may have been swallowed: see :func:`raise_if_stopped`
_noted: list[int] = []


def note_stop(signum: int) -> None:
    """Record a stop; the CLI's handlers call this before they raise."""
    _noted.append(signum)


def raise_interrupt(signum: int, frame: Any) -> None:
    """Ctrl-C: Python's own KeyboardInterrupt, noted so that it cannot be lost."""
    note_stop(signum)
    raise KeyboardInterrupt


def stop_pending() -> bool:
    return bool(_noted)


def forget_stops() -> None:
    """The stop was acted on (the run was aborted)."""
    _noted.clear()


def raise_if_stopped() -> None:
    """Raise again a stop whose exception was lost.

    A handler's exception raised while Python runs a ``__del__`` (the garbage
    collector runs them at any allocation) is printed as "Exception ignored"
    and dropped: the run went on and exited 0 after a SIGTERM (1 run in 20).
    The runner calls this between tasks.
    """
    if _noted:
        signum = _noted[-1]
        _noted.clear()
        _deliver(signum, signal.getsignal(signum))


def end_at_once(signum: int, frame: Any) -> None:
    os.write(2, f"scrubber: {stop_word(signum)}\n".encode())
    os._exit(128 + signum)


def is_the_command() -> bool:
    """Is this the installed ``scrubber`` script's main thread (not a program or pytest importing the package)?"""
    if threading.current_thread() is not threading.main_thread():
        return False
    return os.path.basename(sys.argv[0] if sys.argv else "") in ("scrubber", "scrubber.exe")


def quiet_start_up() -> None:
    """While the ``scrubber`` command imports its modules, a signal ends it with one line and 128 + N.

    Nothing has been written yet, so there is nothing to clean. Only for the
    installed script: a program (or pytest) importing the package keeps its
    own handlers. The command puts its real handlers in place as it starts.
    """
    if not is_the_command():
        return
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) in (signal.default_int_handler, signal.SIG_DFL):
            signal.signal(signum, end_at_once)


def stop_word(signum: int) -> str:
    """How a stop by this signal is called in messages ("interrupted" is Ctrl-C only)."""
    if signum == signal.SIGINT:
        return "interrupted"
    if signum == signal.SIGTERM:
        return "terminated"
    return f"stopped by {signal.Signals(signum).name}"


Handler = Callable[[int, Any], Any] | int | None


@contextlib.contextmanager
def held_signals(deliver: bool = True) -> Iterator[None]:
    """Run the block with SIGINT, SIGTERM and SIGHUP held; then act on the first that arrived.

    ``deliver=False`` drops them instead: for cleanup after a run was already
    stopped, which a second Ctrl-C must not cut short (the run is ending anyway).
    Off the main thread (where Python never runs handlers) this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []
    previous: dict[int, Handler] = {}
    try:
        for signum in STOP_SIGNALS:
            handler = signal.getsignal(signum)
            if handler is None:  # installed outside Python: it cannot be put back, so leave it
                continue
            previous[signum] = handler
            signal.signal(signum, lambda n, _frame: arrived.append(n))
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if arrived and deliver:
            _deliver(arrived[0], previous[arrived[0]])


def _deliver(signum: int, handler: Handler) -> None:
    """Do what the signal would have done had it not been held."""
    if callable(handler):
        handler(signum, None)  # Python's own handler raises KeyboardInterrupt; the CLI's raises Terminated
    elif handler == signal.SIG_DFL:
        signal.raise_signal(signum)  # the default action: the process ends
