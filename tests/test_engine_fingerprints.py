"""Engine.with_fingerprints: every field of a finding kept, only the fingerprint added."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from scrubber.engine import Engine
from scrubber.model import Finding, evolve, fingerprint, fingerprint_key, new_finding


def test_with_fingerprints_keeps_every_other_field() -> None:
    """The copy is made by model.evolve (for speed): a field added to Finding later must not be lost."""
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
    ]  # the public fields, in order (JSON output and sessions read them)


@pytest.mark.parametrize(
    "changes",
    [{"fingerprint": "abc"}, {"start": 1, "end": 2}, {"replacement": None}, {}, {"detail": "d", "safe": True, "confidence": 1.0}],
)
def test_evolve_is_dataclasses_replace(changes: dict) -> None:
    """model.evolve copies the fields (no __init__): equal, hashing, comparing and pickling as replace's result."""
    found = Finding("unicode.x", 4, 8, "LINE", "a message", confidence=0.25, safe=False, fingerprint="old", detail="a detail")
    fast, slow = evolve(found, **changes), dataclasses.replace(found, **changes)
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow) and type(fast) is Finding
    assert pickle.loads(pickle.dumps(fast)) == slow and fast.to_dict() == slow.to_dict()
    assert found.fingerprint == "old"  # the original is untouched
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.start = 0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("unicode.x", 4, 8, "LINE", "a message"), {}),
        (("garble.y", 0, 10, None, "reason"), {"confidence": 0.2512, "safe": False, "detail": "[]"}),
        (("r", 3, 3, "", ""), {"fingerprint": "abc", "confidence": 1, "safe": True}),
        (("r", 0, 1, "x", "m", 0.5, False, "fp", "d"), {}),
    ],
)
def test_new_finding_is_the_constructor(args: tuple, kwargs: dict) -> None:
    """model.new_finding sets the fields without the frozen __init__: equal, hashing, comparing and pickling as Finding(...)."""
    fast, slow = new_finding(*args, **kwargs), Finding(*args, **kwargs)
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow) and type(fast) is Finding
    assert list(fast.__dict__.items()) == list(slow.__dict__.items())  # the same state, in the same order
    assert pickle.dumps(fast) == pickle.dumps(slow) and fast.to_dict() == slow.to_dict()
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.start = 0  # type: ignore[misc]


def test_new_finding_takes_every_field() -> None:
    """A field added to Finding must be added to new_finding too (same names, order and defaults)."""
    params = inspect.signature(new_finding).parameters
    assert list(params) == [f.name for f in dataclasses.fields(Finding)]
    assert all(
        params[f.name].default == f.default or (f.default is dataclasses.MISSING and params[f.name].default is inspect.Parameter.empty)
        for f in dataclasses.fields(Finding)
    )


def test_evolve_refuses_an_unknown_field() -> None:
    with pytest.raises(TypeError, match="no field 'bogus'"):
        evolve(Finding("r", 0, 1, None, "m"), bogus=1)


@pytest.mark.parametrize(
    ("text", "start", "end", "occurrence"),
    [("", 0, 0, 0), ("abc", 0, 3, 2), ("x" * 40 + "yz" + "w" * 40, 40, 42, 0), ("a\x1fb", 1, 2, 11), ("\ud800 lone", 0, 1, 0)],
)
def test_fingerprint_hashes_its_key_and_the_repeat_index(text: str, start: int, end: int, occurrence: int) -> None:
    """The fingerprint stays what sessions stored: blake2b-64 of the key's parts and the index, joined by U+001F."""
    import hashlib

    key = "\x1f".join((*fingerprint_key("r.x", text, start, end), str(occurrence)))
    assert (
        fingerprint("r.x", text, start, end, occurrence) == hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    )


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("One line. Two lines.", [("r", 4, 8)]),
        ("aaaa aaaa aaaa", [("r", 0, 4), ("r", 5, 9), ("s", 5, 9), ("r", 10, 14)]),  # repeats counted per rule and text around
        ("ab" * 40, [("r", 20, 22), ("r", 22, 24), ("r", 40, 42)]),  # a periodic text: the same window at different offsets
        ("x", [("r", 0, 1), ("r", 0, 1), ("r", 1, 1)]),  # the same span twice, an insertion at the end
    ],
)
def test_fingerprinted_is_evolve_with_fingerprint(text: str, spans: list[tuple[str, int, int]]) -> None:
    """model.fingerprinted gives what evolve(f, fingerprint=fingerprint(..., occurrence)) gave, the repeats counted by (rule, 16 characters around)."""
    found = [Finding(rule, a, b, "", "m", detail=str(k)) for k, (rule, a, b) in enumerate(spans)]
    seen: dict[tuple[str, str], int] = {}
    expected = []
    for f in found:
        key = (f.rule, text[max(0, f.start - 16) : f.end + 16])
        seen[key] = seen.get(key, -1) + 1
        expected.append(evolve(f, fingerprint=fingerprint(f.rule, text, f.start, f.end, seen[key])))
    out = Engine.with_fingerprints(text, found)
    assert out == expected and [f.fingerprint for f in out] == [f.fingerprint for f in expected]
    assert [pickle.dumps(f) for f in out] == [pickle.dumps(f) for f in expected]
