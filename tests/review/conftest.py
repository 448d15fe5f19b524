"""Shared fixtures: copies of the sample articles and a session built over them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from review_helpers import FIXTURES, open_session

from scrubber.session import Session


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the sample articles and the hostile document."""
    root = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "articles", root)
    shutil.copy(FIXTURES / "hostile.jsonl", root / "hostile.jsonl")
    return root


@pytest.fixture
def session(tmp_path: Path, corpus: Path) -> Session:
    s = open_session(tmp_path / "review.scrubber-session", [corpus])
    yield s
    s.close()
