"""The small immutable values every other module passes around.

Everything here is plain data (frozen dataclasses of str/int/float), so it
pickles cheaply into a process pool or a Dask worker and serialises to JSON
without custom encoders.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Document:
    """One unit of text to clean.

    ``meta`` carries whatever the reader needs to write the document back
    (source path, JSONL line number, the record's other fields). Rules never
    look at it.
    """

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Finding:
    """A proposal about a span of the original text.

    A *fix* has a ``replacement`` (``""`` strips the span); a *flag* has
    ``replacement=None`` and only asks a person (or a batch policy) to keep,
    drop or rewrite the span. Offsets are code-point offsets into the
    document text the rules saw.
    """

    rule: str
    start: int
    end: int
    replacement: str | None
    message: str
    confidence: float = 1.0
    safe: bool = True
    fingerprint: str = ""
    detail: str = ""

    @property
    def is_flag(self) -> bool:
        return self.replacement is None

    @property
    def is_fix(self) -> bool:
        return self.replacement is not None

    def snippet(self, text: str) -> str:
        return text[self.start : self.end]

    def to_dict(self, text: str | None = None, doc_id: str | None = None) -> dict[str, Any]:
        """Plain-data form used by the JSON output formats (stable keys)."""
        data = asdict(self)
        data["kind"] = "flag" if self.is_flag else "fix"
        if text is not None:
            data["original"] = self.snippet(text)
        if doc_id is not None:
            data["document"] = doc_id
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        names = cls.__dataclass_fields__.keys()
        return cls(**{k: v for k, v in data.items() if k in names})


def evolve(finding: Finding, **changes: Any) -> Finding:
    """``dataclasses.replace(finding, **changes)``, for the engine's hot paths.

    ``replace`` reads the fields, checks the names and runs the frozen
    ``__init__`` (one ``object.__setattr__`` a field): ~5 us, paid by every
    finding of every document when it gets its fingerprint. A finding's
    state is its field values and nothing else (no ``__post_init__``, no
    derived attribute), so copying them and setting ``changes`` gives an
    equal object, which pickles and compares the same. ``changes`` must name
    fields (internal callers only; an unknown name is an error).
    """
    if not _FINDING_FIELDS.issuperset(changes):
        raise TypeError(f"Finding has no field {sorted(changes.keys() - _FINDING_FIELDS)[0]!r}")
    new = object.__new__(type(finding))
    state = new.__dict__
    state.update(finding.__dict__)
    state.update(changes)
    return new


#: the field names of :class:`Finding` (what :func:`evolve` may change)
_FINDING_FIELDS = frozenset(Finding.__dataclass_fields__)


def new_finding(
    rule: str,
    start: int,
    end: int,
    replacement: str | None,
    message: str,
    confidence: float = 1.0,
    safe: bool = True,
    fingerprint: str = "",
    detail: str = "",
) -> Finding:
    """``Finding(...)`` with the same arguments, for the hot paths that make one per match.

    The frozen ``__init__`` sets each of the nine fields through
    ``object.__setattr__`` (~2 us a finding; every rule's findings are made
    here or in :func:`evolve`). As in :func:`evolve`, a finding is its field
    values: setting them in the instance's ``__dict__``, in field order,
    gives an object equal to the constructor's, which pickles the same.
    """
    new = object.__new__(Finding)
    new.__dict__.update(
        rule=rule,
        start=start,
        end=end,
        replacement=replacement,
        message=message,
        confidence=confidence,
        safe=safe,
        fingerprint=fingerprint,
        detail=detail,
    )
    return new


class Action(str, enum.Enum):
    """What a decision does to a finding."""

    ACCEPT = "accept"  # apply the fix (for a flag: keep the text, i.e. acknowledge)
    REJECT = "reject"  # leave the original text
    EDIT = "edit"  # replace the span with ``Decision.text``
    DROP = "drop"  # remove the span (meant for flags: drop the sentence)


@dataclass(frozen=True)
class Decision:
    action: Action
    text: str | None = None  # the new replacement, for Action.EDIT

    def __post_init__(self) -> None:
        if self.action is Action.EDIT and self.text is None:
            raise ValueError("an edit decision needs the new text")


ACCEPT = Decision(Action.ACCEPT)
REJECT = Decision(Action.REJECT)
DROP = Decision(Action.DROP)


def fingerprint(rule: str, text: str, start: int, end: int, occurrence: int, context: int = 16) -> str:
    """A stable id for a finding that survives unrelated edits elsewhere.

    Built from the rule, the matched text, a little context on each side and
    the index of this (rule, text, context) among its repeats in the
    document, but never the offset, so inserting a paragraph above does not
    orphan a reviewer's decision.
    """
    # one key definition (fingerprint_key), which realign.py matches decisions by
    return _digest(fingerprint_key(rule, text, start, end, context), occurrence)


def _digest(key: tuple[str, str, str, str], occurrence: int) -> str:
    """What :func:`fingerprint` makes of a :func:`fingerprint_key` and the repeat index."""
    return hashlib.blake2b("\x1f".join((*key, str(occurrence))).encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def fingerprinted(text: str, findings: list[Finding]) -> list[Finding]:
    """``findings`` with their :func:`fingerprint`, each counted among the findings before it of its rule and text around it.

    What :meth:`scrubber.engine.Engine.find` returns, for every document
    with findings: each finding is copied as :func:`evolve` copies it, but
    without the name check and the keyword arguments (the only change is a
    field's), and repeats are counted in a dict (a ``Counter``'s missing key
    runs Python code): a few microseconds a finding less than ``evolve``
    with :func:`fingerprint`, the same findings.
    """
    seen: dict[tuple[str, str], int] = {}
    out = []
    new = object.__new__
    for f in findings:
        state = f.__dict__
        rule, start, end = state["rule"], state["start"], state["end"]
        key = (rule, text[max(0, start - 16) : end + 16])
        occurrence = seen[key] = seen.get(key, -1) + 1
        copy = new(Finding)
        copy.__dict__.update(state, fingerprint=_digest(fingerprint_key(rule, text, start, end), occurrence))
        out.append(copy)
    return out


def fingerprint_key(rule: str, text: str, start: int, end: int, context: int = 16) -> tuple[str, str, str, str]:
    """What :func:`fingerprint` hashes besides the repeat index: (rule, text before, matched text, text after)."""
    return rule, text[max(0, start - context) : start], text[start:end], text[end : end + context]
