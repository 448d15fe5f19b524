"""scrubber: clean scraped text and review every change.

The public API is small and plain-data::

    from scrubber import clean, default_engine
    clean("Trumpâ€™s plan\\n[ad_2]Source link")   # -> "Trump’s plan\\n"
    engine = default_engine(select=["residue"])   # picklable
    findings = engine.find(text)                  # list[Finding]
"""

from __future__ import annotations

from .signals import quiet_start_up

quiet_start_up()  # the `scrubber` command: a Ctrl-C while it imports (a few tenths of a second) prints no traceback

from .engine import Engine, apply  # noqa: E402
from .model import Action, Decision, Document, Finding  # noqa: E402
from .policy import Policy, fix_text, rules_that_can_change_the_output  # noqa: E402

__version__ = "0.1.0"

__all__ = ["Action", "Decision", "Document", "Engine", "Finding", "Policy", "apply", "clean", "default_engine"]

_DEFAULT: dict[bool, Engine] = {}


def default_engine(select: list[str] | None = None, ignore: list[str] | None = None) -> Engine:
    """An engine over the built-in packs, selected ruff-style (no config files read)."""
    from .config import all_packs, select_rules

    return Engine(select_rules(all_packs(), select or ["ALL"], ignore or []))


def clean(text: str, engine: Engine | None = None, policy: Policy | None = None) -> str:
    """Return ``text`` with every safe fix applied (what ``scrubber fix`` does).

    Like ``scrubber fix``, flag rules run only when ``policy`` can act on a
    flag (``drop_flagged``/``drop_above``): a kept flag changes nothing, and
    the sentence detectors would be most of the cost. An ``engine`` you pass
    runs as it is (filter it once with
    :func:`~scrubber.policy.rules_that_can_change_the_output`).
    """
    policy = policy or Policy()
    if engine is None:
        flags_matter = policy.acts_on_flags
        if flags_matter not in _DEFAULT:
            _DEFAULT[flags_matter] = rules_that_can_change_the_output(default_engine(), policy)[0]
        engine = _DEFAULT[flags_matter]
    return fix_text(engine, policy, text, engine.find(text))[0]
