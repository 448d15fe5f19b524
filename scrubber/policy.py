"""Batch decisions: what ``scrubber fix`` accepts without a person.

Like ruff's safe and unsafe fixes: a rule says whether its fixes are safe to
apply unattended; batch accepts safe fixes at or above a confidence
threshold (``--unsafe`` adds the rest), keeps flagged spans unless
``--drop-flagged`` (then drops those at or above the same threshold), and drops a whole document whose garble score is above
``drop_above`` (``--drop-above``; see :mod:`scrubber.scoring`). Review sessions produce the same kind of decision map,
and both go through :func:`scrubber.engine.apply`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .model import ACCEPT, DROP, Action, Decision, Finding

if TYPE_CHECKING:
    from .engine import Engine

DEFAULT_MIN_CONFIDENCE = 0.8
#: passes of ``fix`` at most (see :func:`fix_text`): a pass after the first only runs when
#: the one before it decoded new line breaks, and an entity inside an entity needs two
MAX_PASSES = 3


@dataclass(frozen=True)
class Policy:
    unsafe: bool = False
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    drop_flagged: bool = False
    #: drop whole documents whose garble score is above this (None: never)
    drop_above: float | None = None

    @property
    def acts_on_flags(self) -> bool:
        """Whether a flag can change the output: dropped (``--drop-flagged``) or scored (``--drop-above``)."""
        return self.drop_flagged or self.drop_above is not None

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
    if policy.acts_on_flags:
        return engine, 0
    kept = [spec for spec in engine.specs if spec.action != "flag"]
    from .engine import Engine  # engine imports kinds; policy stays light

    return (Engine(kept), len(engine.specs) - len(kept)) if len(kept) < len(engine.specs) else (engine, 0)


@dataclass(frozen=True)
class Fixed:
    """What :func:`fix_passes` made of a text."""

    text: str
    #: the findings of the passes after the first (offsets into the intermediate texts: for counting)
    later: list[Finding]
    #: ``engine.find(text)`` of the result, when the last pass gave it (it changed nothing); else None
    final: list[Finding] | None


def fix_passes(engine: Engine, policy: Policy, text: str, findings: list[Finding], warnings: list[str] | None = None) -> Fixed:
    """The text after the policy's decisions on ``findings`` (``engine.find(text)``), run again until it settles.

    One pass nearly always settles a document: :meth:`Engine.settle` folds
    into a fix what the character rules would still do to its replacement.
    Line rules cannot be folded in that way: a fix that puts a line break
    where there was none (``&#10;`` decoded) makes lines that no line rule
    saw, so ``Tuesday.&#10;&#10;Share this:&#10;`` would lose its share-bar
    label only on a second run of ``scrubber fix``; and two fixes meeting at
    a revealed soft hyphen cannot both take it. When the applied edits may
    have revealed something (:meth:`Engine.may_reveal`), the rules run again
    on the result, at most :data:`MAX_PASSES` passes in all, so that fixing
    twice changes nothing.

    When the policy acts on flags (:attr:`Policy.acts_on_flags`) and the
    engine has flag rules (:attr:`Engine.flags`), any change leads to another pass: the flag rules judged the text before the fixes,
    and a fix or a drop changes what they see (a sentence holding mojibake
    is skipped until it is repaired; removing an ad token can make two words
    repeat; a dropped paragraph makes the line under it the first). Only
    documents that changed pay for that pass, and only with
    ``--drop-flagged`` or ``--drop-above``.
    """
    from .engine import apply  # engine imports kinds; policy stays light

    later: list[Finding] = []
    passes = 1
    while True:
        decisions = policy.decisions(findings)
        fixed = apply(text, findings, decisions)
        if fixed == text:
            return Fixed(fixed, later, findings)
        if passes == MAX_PASSES or not (
            (policy.acts_on_flags and engine.flags) or engine.may_reveal(text, applied_edits(findings, decisions))
        ):
            return Fixed(fixed, later, None)
        text, passes = fixed, passes + 1
        findings = engine.find(text, warnings)
        later.extend(findings)


def fix_text(
    engine: Engine, policy: Policy, text: str, findings: list[Finding], warnings: list[str] | None = None
) -> tuple[str, list[Finding]]:
    """:func:`fix_passes` as ``(text, later findings)``."""
    fixed = fix_passes(engine, policy, text, findings, warnings)
    return fixed.text, fixed.later


def applied_edits(findings: list[Finding], decisions: dict[str, Decision]) -> Iterator[tuple[int, int, str]]:
    """(start, end, new text) of each fix or edit the decisions apply (drops only delete)."""
    for f in findings:
        d = decisions.get(f.fingerprint)
        if d is not None and d.action is Action.EDIT:
            yield f.start, f.end, d.text or ""
        elif d is not None and d.action is Action.ACCEPT and f.is_fix:
            yield f.start, f.end, f.replacement or ""
