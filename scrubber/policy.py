"""Batch decisions: what ``scrubber fix`` accepts without a person.

Like ruff's safe and unsafe fixes: a rule says whether its fixes are safe to
apply unattended; batch accepts safe fixes at or above a confidence
threshold (``--unsafe`` adds the rest), keeps flagged spans unless
``--drop-flagged`` (then drops those at or above the same threshold), and drops a whole document whose garble score is above
``drop_above`` (``--drop-above``; see :mod:`scrubber.scoring`). Review sessions produce the same kind of decision map,
and both go through :func:`scrubber.engine.apply`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .model import ACCEPT, DROP, Decision, Finding

if TYPE_CHECKING:
    from .engine import Engine

DEFAULT_MIN_CONFIDENCE = 0.8


@dataclass(frozen=True)
class Policy:
    unsafe: bool = False
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    drop_flagged: bool = False
    #: drop whole documents whose garble score is above this (None: never)
    drop_above: float | None = None

    def drops_document(self, score: float | None) -> bool:
        return self.drop_above is not None and score is not None and score > self.drop_above

    def decide(self, finding: Finding) -> Decision | None:
        if finding.is_flag:
            # dropping deletes a sentence: like a fix, only at or above the threshold
            wanted = self.drop_flagged and (self.unsafe or finding.confidence >= self.min_confidence)
            return DROP if wanted else None
        if not self.unsafe and (not finding.safe or finding.confidence < self.min_confidence):
            return None
        return ACCEPT

    def decisions(self, findings: Iterable[Finding]) -> dict[str, Decision]:
        out: dict[str, Decision] = {}
        for f in findings:
            d = self.decide(f)
            if d is not None:
                out[f.fingerprint] = d
        return out


def rules_that_can_change_the_output(engine: Engine, policy: Policy) -> tuple[Engine, int]:
    """The engine without flag rules when the policy keeps every flag.

    A flag changes the output only when it is dropped (``--drop-flagged``) or
    counts towards a document score (``--drop-above``); otherwise running the
    sentence detectors would cost most of the run and change nothing.
    """
    if policy.drop_flagged or policy.drop_above is not None:
        return engine, 0
    kept = [spec for spec in engine.specs if spec.action != "flag"]
    from .engine import Engine  # engine imports kinds; policy stays light

    return (Engine(kept), len(engine.specs) - len(kept)) if len(kept) < len(engine.specs) else (engine, 0)
