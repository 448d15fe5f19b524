"""scrubber: clean scraped text and review every change.

The public API is small and plain-data::

    from scrubber import clean, default_engine
    clean("Trumpâ€™s plan\\n[ad_2]Source link")   # -> "Trump’s plan\\n"
    engine = default_engine(select=["residue"])   # picklable
    findings = engine.find(text)                  # list[Finding]
"""

from __future__ import annotations

from .engine import Engine, apply
from .model import Action, Decision, Document, Finding
from .policy import Policy

__version__ = "0.1.0"

__all__ = ["Action", "Decision", "Document", "Engine", "Finding", "Policy", "apply", "clean", "default_engine"]

_DEFAULT: Engine | None = None


def default_engine(select: list[str] | None = None, ignore: list[str] | None = None) -> Engine:
    """An engine over the built-in packs, selected ruff-style (no config files read)."""
    from .config import all_packs, select_rules

    return Engine(select_rules(all_packs(), select or ["ALL"], ignore or []))


def clean(text: str, engine: Engine | None = None, policy: Policy | None = None) -> str:
    """Return ``text`` with every safe fix applied (what ``scrubber fix`` does)."""
    global _DEFAULT
    if engine is None:
        if _DEFAULT is None:
            _DEFAULT = default_engine()
        engine = _DEFAULT
    findings = engine.find(text)
    return apply(text, findings, (policy or Policy()).decisions(findings))
