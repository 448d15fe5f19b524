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
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any

#: the signals that stop a run (SIGHUP does not exist on Windows)
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))

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
