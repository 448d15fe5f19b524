"""Shared fixtures: run the installed ``scrubber`` command like a user would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# CI must be deterministic: the default profile replays the same examples on
# every run. Explore new ones locally with --hypothesis-profile=explore.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", max_examples=2000)
settings.load_profile("ci")


#: One table cache for the whole run (and the ``scrubber`` commands it starts), never the user's own.
#: Set before any test module is imported: some compile rules at import, through the pattern
#: store of the table cache (scrubber.regexcache), which reads its folder then.
_TABLE_CACHE = Path(tempfile.mkdtemp(prefix="scrubber-test-cache-"))
_USER_CACHE = os.environ.get("SCRUBBER_CACHE_DIR")
os.environ["SCRUBBER_CACHE_DIR"] = str(_TABLE_CACHE)


@pytest.fixture(scope="session", autouse=True)
def _table_cache() -> Iterator[Path]:
    """The run's table cache: the first process that needs the garble tables builds and saves them.

    Every later CLI test loads them (about 0.5 s instead of 2 s each). At
    the end the folder is removed and the variable put back (so this process
    writes no compiled patterns anywhere at exit: regexcache writes only to
    the folder it read).
    """
    yield _TABLE_CACHE
    if _USER_CACHE is None:
        os.environ.pop("SCRUBBER_CACHE_DIR", None)
    else:
        os.environ["SCRUBBER_CACHE_DIR"] = _USER_CACHE
    shutil.rmtree(_TABLE_CACHE, ignore_errors=True)


def _scrubber_command() -> list[str]:
    exe = Path(sys.executable).parent / "scrubber"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("scrubber")
    if found is None:
        pytest.fail("the 'scrubber' command is not installed (run: pip install -e '.[test]')")
    return [found]


@pytest.fixture
def scrubber_command() -> list[str]:
    """The installed ``scrubber`` command, for a test that drives the process itself (its stdin over time)."""
    return _scrubber_command()


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
