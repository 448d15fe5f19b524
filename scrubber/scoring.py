"""Garble scores: one per sentence, one per document.

* **Sentence score** (0–1): the chance that at least one of the detectors
  that fired is right, taking each rule's ``confidence`` as its precision
  and the detectors as independent: ``1 - Π(1 - c_i)``. One strong signal
  gives its own confidence; two weak ones add up. It is the ``confidence``
  of the garble flag on that sentence.
* **Document score** (0–1): how much broken text there is, for and beyond
  what a human article shows by chance. ``S`` is the sum of the sentence
  scores and ``n`` the number of sentences; ``1 - exp(-S / (1 + n/20))``.
  One flagged sentence in a long human article scores about 0.2–0.4; a
  spun article with a broken sentence every few lines scores above 0.8;
  a one-sentence document scores below its sentence (0.6 for a flag of
  confidence 0.95), so a threshold of 0.7 never drops a document for a single
  slip.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .model import Finding

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Engine

#: the families whose flags make up the garble score
GARBLE_FAMILIES = ("garble",)


def sentence_score(confidences: Iterable[float]) -> float:
    """Combine the confidences of the distinct rules that fired on one sentence."""
    miss = 1.0
    for c in confidences:
        miss *= 1.0 - max(0.0, min(1.0, c))
    return 1.0 - miss


def document_score_from(sentence_scores: Sequence[float], n_sentences: int) -> float:
    """The document score from its flagged sentences' scores and its sentence count."""
    total = sum(sentence_scores)
    if total <= 0:
        return 0.0
    n = max(n_sentences, len(sentence_scores), 1)
    return round(1.0 - math.exp(-total / (1.0 + n / 20.0)), 4)


#: rule kinds whose flags make up the garble score
GARBLE_KINDS = ("garble", "language")


def has_garble_rules(engine: Engine) -> bool:
    """Whether a document score means anything for this engine's rules."""
    return not engine.kinds.isdisjoint(GARBLE_KINDS)


def is_garble(finding: Finding) -> bool:
    return finding.is_flag and finding.rule.split(".", 1)[0] in GARBLE_FAMILIES


def document_score(text: str, findings: Sequence[Finding]) -> float:
    """The garble score of ``text`` given the engine's findings on it.

    Segments again only when there is something to score (most documents
    have no garble flag and score 0 without any work).
    """
    flagged = [f.confidence for f in findings if is_garble(f)]
    if not flagged:
        return 0.0
    from .text import sentence_count

    return document_score_from(flagged, sentence_count(text))
