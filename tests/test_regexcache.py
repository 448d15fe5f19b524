"""The compiled-pattern store: a pattern rebuilt from it is the pattern ``regex.compile`` makes."""

from __future__ import annotations

import copyreg
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import regex

from scrubber import regexcache, tablecache
from scrubber.kinds import lines

PATTERNS = [
    (r"(?P<word>\w+)\s+(?P=word)", 0),
    (r"(?i:colou?r)|\d{1,3}(?:,\d{3})*", regex.VERSION1 | regex.UNICODE),
    (r"(?x) a  b  # spaced", 0),
    (r"(?r)\p{Lu}\p{Ll}+", regex.VERSION1),
    (lines.EDGE + r"(?:(?P<scrubber_rule_0>Share this:?)|(?P<scrubber_rule_1>\[ad_\d\]))" + lines.EDGE, regex.VERSION1 | regex.UNICODE),
]
TEXTS = ["the the cat", "Color 1,234,567", "ab", "Paris London", "  Share this: ", "\u200b[ad_1]&nbsp;", "Ã‚Â nothing"]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh store in its own folder; the process's store is put back afterwards."""
    monkeypatch.setenv("SCRUBBER_CACHE_DIR", str(tmp_path))
    saved = (regexcache._stored, dict(regexcache._added), dict(regexcache._compiled), regexcache._folder)
    _forget()
    try:
        yield tmp_path
    finally:
        regexcache._stored, regexcache._folder = saved[0], saved[3]
        regexcache._added.clear()
        regexcache._added.update(saved[1])
        regexcache._compiled.clear()
        regexcache._compiled.update(saved[2])


def _forget() -> None:
    """As a new process: nothing read, nothing compiled."""
    regexcache._stored, regexcache._folder = None, None
    regexcache._added.clear()
    regexcache._compiled.clear()


def _shape(p: regex.Pattern[str]) -> tuple:
    """Everything a pattern is made of: what pickling it gives (source, flags, matcher code, groups)."""
    return copyreg.dispatch_table[type(p)](p)[1]


def test_a_pattern_from_the_store_is_the_compiled_pattern(store: Path) -> None:
    compiled = [regexcache.compile(p, f) for p, f in PATTERNS]
    regexcache.flush()
    assert [f.name.split("-")[0] for f in store.iterdir()] == ["regex"]
    _forget()
    rebuilt = [regexcache.compile(p, f) for p, f in PATTERNS]
    assert not regexcache._added  # all came from the file
    for (pattern, flags), a, b in zip(PATTERNS, compiled, rebuilt):
        fresh = regex.compile(pattern, flags)
        assert b is not a and _shape(b) == _shape(fresh) == _shape(a)
        assert (b.pattern, b.flags, b.groups, b.groupindex) == (fresh.pattern, fresh.flags, fresh.groups, fresh.groupindex)
        for text in TEXTS:
            got, want = b.search(text), fresh.search(text)
            assert (got and (got.span(), got.groups(), got.lastgroup)) == (want and (want.span(), want.groups(), want.lastgroup))


def test_a_second_compile_in_a_process_is_the_same_object(store: Path) -> None:
    assert regexcache.compile("a+b") is regexcache.compile("a+b")


def test_only_new_patterns_are_written_and_merged_with_the_file(store: Path) -> None:
    regexcache.compile("first")
    regexcache.flush()
    _forget()
    regexcache.compile("first")
    assert not regexcache._added
    regexcache.compile("second")
    regexcache.flush()
    payload = tablecache.load(regexcache.NAME, regexcache._store_key(), store)
    assert isinstance(payload, dict) and {k[0] for k in payload} == {"first", "second"}


@pytest.mark.parametrize(
    "damage",
    [
        lambda args: ("another pattern", *args[1:]),  # an entry of some other source
        lambda args: (args[0], "not flags", *args[2:]),  # arguments the rebuild refuses
        lambda args: "not a tuple",
    ],
)
def test_a_bad_entry_is_compiled_instead(store: Path, damage) -> None:
    regexcache.compile(r"\d+x")
    regexcache.flush()
    key = next(iter(tablecache.load(regexcache.NAME, regexcache._store_key(), store)))
    payload = tablecache.load(regexcache.NAME, regexcache._store_key(), store)
    payload[key] = damage(payload[key])
    tablecache.save(regexcache.NAME, regexcache._store_key(), payload, store)
    _forget()
    p = regexcache.compile(r"\d+x")
    assert _shape(p) == _shape(regex.compile(r"\d+x")) and key in regexcache._added  # and it is written again


def test_a_bad_pattern_raises_as_regex_does(store: Path) -> None:
    with pytest.raises(regex.error):
        regexcache.compile("(unclosed")
    assert not regexcache._added


def test_off_means_compiled_and_nothing_written(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRUBBER_CACHE_DIR", "off")
    assert _shape(regexcache.compile("a|b")) == _shape(regex.compile("a|b"))
    regexcache.flush()
    assert not regexcache._added and not list(store.iterdir())


def test_nothing_is_written_once_the_cache_folder_changed(store: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory) -> None:
    """Patterns go to the folder the store came from, and only while it is the cache folder (a test run's, not the user's)."""
    regexcache.compile("read here")
    other = tmp_path_factory.mktemp("other")
    monkeypatch.setenv("SCRUBBER_CACHE_DIR", str(other))
    regexcache.flush()
    assert not list(store.iterdir()) and not list(other.iterdir())


def test_the_store_is_written_at_exit_by_a_process_that_compiled(tmp_path: Path) -> None:
    """A CLI run saves what it compiled; the next run rebuilds every one of its patterns from the file."""
    env = {**os.environ, "SCRUBBER_CACHE_DIR": str(tmp_path)}
    probe = (
        "from scrubber import regexcache; from scrubber.engine import Engine; from scrubber.packs import builtin_pack_dir, load_packs;"
        "Engine([s for p in load_packs([builtin_pack_dir()]) for s in p.rules if s.kind in ('line', 'block', 'pattern')]);"
        "print(len(regexcache._added))"
    )
    first = subprocess.run([sys.executable, "-c", probe], env={**env, "PYTHONHASHSEED": "1"}, capture_output=True, text=True, check=True)
    second = subprocess.run([sys.executable, "-c", probe], env={**env, "PYTHONHASHSEED": "7"}, capture_output=True, text=True, check=True)
    assert int(first.stdout) > 100 and int(second.stdout) == 0  # patterns are the same strings in every process
