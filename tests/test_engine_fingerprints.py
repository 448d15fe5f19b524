"""Engine.with_fingerprints: every field of a finding kept, only the fingerprint added."""

from __future__ import annotations

import dataclasses

from scrubber.engine import Engine
from scrubber.model import Finding, fingerprint


def test_with_fingerprints_keeps_every_other_field() -> None:
    """The copy is built field by field (for speed): a field added to Finding later must not be lost."""
    text = "One line. Two lines."
    # a distinct, non-default value for every field, so a field that is dropped or swapped shows
    found = Finding("unicode.x", 4, 8, "LINE", "a message", confidence=0.25, safe=False, fingerprint="old", detail="a detail")
    (out,) = Engine.with_fingerprints(text, [found])
    for f in dataclasses.fields(Finding):
        if f.name != "fingerprint":
            assert getattr(out, f.name) == getattr(found, f.name), f.name
    assert out.fingerprint == fingerprint("unicode.x", text, 4, 8, 0) != "old"
    assert [f.name for f in dataclasses.fields(Finding)] == [
        "rule",
        "start",
        "end",
        "replacement",
        "message",
        "confidence",
        "safe",
        "fingerprint",
        "detail",
    ]  # with_fingerprints passes them in this order
