"""Helpers shared by the reviewer tests (a unique module name: tests/ is not a package)."""

from __future__ import annotations

from pathlib import Path

from scrubber.cli.common import build_engine
from scrubber.engine import Engine
from scrubber.io.sources import discover
from scrubber.session import Session

FIXTURES = Path(__file__).parent / "fixtures"
FLAGS_PACK = FIXTURES / "flags.toml"


#: A fixed selection, so the screens and counts these tests assert do not
#: move whenever a rule pack grows; the rule families have tests of their own.
RULES = (
    "unicode.mojibake",
    "residue.ad-shortcode-line",
    "residue.ad-shortcode-inline",
    "residue.source-link",
    "residue.post-a-comment",
    "reviewtest",
)


def engine() -> Engine:
    """A fixed set of built-in rules plus a test flag rule."""
    return build_engine((",".join(RULES),), (), (FLAGS_PACK,), None, True).engine


def open_session(path: Path, inputs: list[Path]) -> Session:
    session = Session(path)
    session.sync(engine(), discover([str(p) for p in inputs]), "text", lambda *a: None)
    return session


def sync(test):
    """Run an async Pilot test with asyncio.run (no pytest-asyncio plugin needed)."""
    import asyncio
    import functools

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return wrapper


def said(app) -> str:
    """What the review screen's message line says now (a key press's answer goes there, not to a toast)."""
    return app.screen_stack[0].message.plain
