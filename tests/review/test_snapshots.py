"""Fixed-size screenshots of the reviewer (update with: pytest tests/review --snapshot-update)."""

from __future__ import annotations

from pathlib import Path

import pytest
from review_helpers import open_session

from scrubber.review.app import ReviewApp

SIZE = (120, 36)


@pytest.mark.parametrize(
    "press",
    [
        pytest.param(["y", "n"], id="after-two-decisions"),
        pytest.param(["f", *"flags", "enter", "d"], id="flag-dropped"),
        pytest.param(["slash", *"caféâ", "enter"], id="hostile-document"),
        pytest.param(["question_mark"], id="help"),
    ],
)
def test_screens(snap_compare, corpus: Path, monkeypatch: pytest.MonkeyPatch, press: list[str]) -> None:
    monkeypatch.chdir(corpus.parent)  # relative paths: the screen must not show the tmp folder
    session = open_session(Path("review.scrubber-session"), [Path("corpus")])
    assert snap_compare(ReviewApp(session), press=[*press, "_"], terminal_size=SIZE)
