"""Kill the reviewer (SIGKILL) in the middle of a review: no decision is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from review_helpers import sync

from scrubber.review.app import ReviewApp
from scrubber.session import Session

CHILD = Path(__file__).parent / "kill_child.py"


@sync
async def test_sigkill_mid_review_loses_nothing(session: Session) -> None:
    session.close()
    proc = subprocess.Popen([sys.executable, str(CHILD), str(session.path)], stdout=subprocess.PIPE, text=True)
    printed: list[int] = []
    try:
        assert proc.stdout is not None
        while len(printed) < 5:
            line = proc.stdout.readline()
            assert line, "the child exited early"
            printed.append(int(line))
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    again = Session(session.path)
    decided = {r[0] for r in again.finding_rows() if r[12] is not None}
    assert set(printed) <= decided
    assert len(again.log()) >= len(printed)
    app = ReviewApp(again)  # and the reviewer resumes after the last decision
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.model.decided == len(decided)
        assert app.screen.row is not None
