"""Temp files of atomic writes: an interrupt at any moment leaves none behind once the run sweeps up."""

from __future__ import annotations

import os
import signal
import tempfile
from pathlib import Path

import pytest

from scrubber.io import atomic


def test_an_interrupt_as_the_temp_file_appears_is_swept_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A signal right after the temp file is created (``scrubber fix`` killed as its output appears) must not orphan it."""
    real = tempfile.mkstemp

    def mkstemp_then_interrupt(*args, **kwargs):  # type: ignore[no-untyped-def]
        made = real(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGINT)
        return made

    monkeypatch.setattr(atomic.tempfile, "mkstemp", mkstemp_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic.StagedFile(tmp_path / "out.txt")
    atomic.remove_leftovers()
    assert list(tmp_path.iterdir()) == []
