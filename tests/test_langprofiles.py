"""langdetect's profiles from the table cache are langdetect's own (scrubber.kinds.langprofiles)."""

from __future__ import annotations

import struct
from array import array
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from langdetect import detector_factory

from scrubber.kinds import langprofiles
from scrubber.kinds.langprofiles import _dense, _sparse


def _bits(row: Sequence[float]) -> bytes:
    """A row as its exact doubles (``==`` takes -0.0 for 0.0 and no NaN for itself)."""
    return struct.pack(f"{len(row)}d", *row)


def _same(a: object, b: object) -> None:
    assert a.langlist == b.langlist  # type: ignore[attr-defined]
    ta, tb = a.word_lang_prob_map, b.word_lang_prob_map  # type: ignore[attr-defined]
    assert list(ta) == list(tb)  # the same n-grams in the same order
    assert all(_bits(ra) == _bits(tb[k]) for k, ra in ta.items())


@pytest.fixture
def fresh_factory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """langdetect with no factory loaded, and an empty table cache."""
    monkeypatch.setattr(detector_factory, "_factory", None)
    monkeypatch.setenv("SCRUBBER_CACHE_DIR", str(tmp_path))
    return tmp_path


def _langdetect_own() -> object:
    factory = detector_factory.DetectorFactory()
    factory.load_profile(detector_factory.PROFILES_DIRECTORY)
    return factory


def test_built_then_loaded_equals_langdetects_own(fresh_factory: Path) -> None:
    own = _langdetect_own()
    langprofiles.install()  # builds (langdetect's JSON) and writes the cache
    _same(detector_factory._factory, own)
    assert all(type(row) is array for row in detector_factory._factory.word_lang_prob_map.values())
    assert [p.name.startswith("langdetect-") for p in fresh_factory.iterdir()] == [True]
    detector_factory._factory = None
    langprofiles.install()  # loads the cache file
    _same(detector_factory._factory, own)
    assert all(type(row) is array for row in detector_factory._factory.word_lang_prob_map.values())
    assert detector_factory._factory.word_lang_prob_map is not own.word_lang_prob_map  # type: ignore[attr-defined]


def test_guesses_equal_from_the_cache(fresh_factory: Path) -> None:
    texts = ["Der Gemeinderat hat am Dienstag getagt und die Bibliothek bleibt offen.", "La mairie a voté mardi.", "Short."]
    detector_factory.DetectorFactory.seed = 0
    detector_factory._factory = _langdetect_own()
    own = [[(g.lang, g.prob) for g in detector_factory.detect_langs(t)] for t in texts]
    for _ in range(2):  # built, then loaded
        detector_factory._factory = None
        langprofiles.install()
        assert [[(g.lang, g.prob) for g in detector_factory.detect_langs(t)] for t in texts] == own


def test_install_keeps_a_loaded_factory(monkeypatch: pytest.MonkeyPatch) -> None:
    marker = detector_factory.DetectorFactory()
    monkeypatch.setattr(detector_factory, "_factory", marker)
    langprofiles.install()
    assert detector_factory._factory is marker


def test_cache_off_still_loads(fresh_factory: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRUBBER_CACHE_DIR", "off")
    langprofiles.install()
    assert detector_factory._factory is not None and len(detector_factory._factory.langlist) > 2
    assert list(fresh_factory.iterdir()) == []


_FLOATS = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.0, -0.0, 5e-324])


@st.composite
def _tables(draw: st.DrawFn) -> tuple[int, list[str], dict[str, list[float]]]:
    size = draw(st.integers(0, 6))
    keys = draw(st.lists(st.text(max_size=3), unique=True, max_size=12))
    row = st.lists(st.sampled_from([0.0]) | _FLOATS, min_size=size, max_size=size)
    return size, draw(st.lists(st.text(max_size=5), max_size=4)), {k: draw(row) for k in keys}


@given(_tables())
def test_sparse_round_trip_is_exact(table: tuple[int, list[str], dict[str, list[float]]]) -> None:
    size, langlist, rows = table
    back_langs, back = _dense(_sparse(size, langlist, rows))
    assert back_langs == langlist
    assert list(back) == list(rows)
    assert all(type(back[k]) is array and _bits(back[k]) == _bits(v) for k, v in rows.items())


@pytest.mark.parametrize(
    "payload",
    [
        None,
        (),
        ("55", [], [], b"", b"", b""),
        (2, [], ["a"], b"", b"", b""),  # a row count missing
        (2, [], ["a"], b"\x01\x00", b"", b""),  # a value missing
        (2, [], ["a"], b"\x01\x00", b"\x05\x00", b"\x00" * 8),  # index beyond the row
        (2, (), [], b"", b"", b""),
    ],
)
def test_malformed_payload_is_refused(payload: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        _dense(payload)


def test_unreadable_profiles_are_left_to_langdetect(fresh_factory: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from langdetect.lang_detect_exception import LangDetectException

    def broken(self: object, directory: str) -> None:
        raise LangDetectException(0, "broken profile")

    monkeypatch.setattr(detector_factory.DetectorFactory, "load_profile", broken)
    langprofiles.install()
    assert detector_factory._factory is None
    assert list(fresh_factory.iterdir()) == []
