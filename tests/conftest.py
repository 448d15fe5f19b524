"""Shared fixtures: run the installed ``scrubber`` command like a user would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# CI must be deterministic: the default profile replays the same examples on
# every run. Explore new ones locally with --hypothesis-profile=explore.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", max_examples=2000)
settings.load_profile("ci")


@pytest.fixture(scope="session", autouse=True)
def _table_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One table cache for the whole run (and the ``scrubber`` commands it starts), never the user's own.

    The first process that needs the garble tables builds and saves them;
    every later CLI test loads them (about 0.5 s instead of 2 s each).
    """
    folder = tmp_path_factory.mktemp("table-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SCRUBBER_CACHE_DIR", str(folder))
        yield folder


def _scrubber_command() -> list[str]:
    exe = Path(sys.executable).parent / "scrubber"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("scrubber")
    if found is None:
        pytest.fail("the 'scrubber' command is not installed (run: pip install -e '.[test]')")
    return [found]


@pytest.fixture
def run_cli(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``scrubber ARGS`` in ``tmp_path`` (no config files above it)."""

    def run(*args: str, input: str | bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
        env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
        text_mode = not isinstance(input, bytes)
        return subprocess.run(
            [*_scrubber_command(), *args],
            input=input,
            capture_output=True,
            text=text_mode,
            cwd=cwd or tmp_path,
            env=env,
            timeout=120,
        )

    return run
