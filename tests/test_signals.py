"""Signals held across a critical call arrive after it, as the same exception."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from scrubber.signals import held_signals


class Stopped(Exception):
    pass


@pytest.fixture
def raising_handler():
    """SIGTERM raises Stopped (like the CLI's Terminated); the old handler is put back after the test."""

    def handler(signum, frame):
        raise Stopped(signum)

    old = signal.signal(signal.SIGTERM, handler)
    yield handler
    signal.signal(signal.SIGTERM, old)


def test_a_signal_inside_the_block_is_raised_after_it(raising_handler):
    steps = []
    with pytest.raises(Stopped), held_signals():
        os.kill(os.getpid(), signal.SIGTERM)
        steps.extend(range(1000))  # plenty of bytecodes where the handler would have run
        steps.append("end of block")
    assert steps[-1] == "end of block"
    assert signal.getsignal(signal.SIGTERM) is raising_handler


def test_dropped_when_not_delivered(raising_handler):
    with held_signals(deliver=False):
        os.kill(os.getpid(), signal.SIGTERM)
        sum(range(1000))
    assert signal.getsignal(signal.SIGTERM) is raising_handler


def test_ctrl_c_becomes_keyboard_interrupt_after_the_block():
    done = False
    with pytest.raises(KeyboardInterrupt), held_signals():
        os.kill(os.getpid(), signal.SIGINT)
        sum(range(1000))
        done = True
    assert done and signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_nothing_arrives_nothing_happens(raising_handler):
    with held_signals():
        value = sum(range(10))
    assert value == 45 and signal.getsignal(signal.SIGTERM) is raising_handler


def test_off_the_main_thread_it_changes_nothing(raising_handler):
    seen = []

    def worker():
        with held_signals():  # signal.signal would raise ValueError here
            seen.append(signal.getsignal(signal.SIGTERM))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == [raising_handler]


def test_stop_on_signals_without_sighup(monkeypatch):
    """Windows has no SIGHUP: the CLI must still start (it raised AttributeError before any command ran)."""
    from scrubber.cli.common import stop_on_signals

    old = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    monkeypatch.delattr(signal, "SIGHUP")
    try:
        stop_on_signals()
        assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    finally:
        signal.signal(signal.SIGTERM, old)
