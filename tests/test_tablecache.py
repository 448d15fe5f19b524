"""The on-disk cache of built word tables (scrubber.tablecache)."""

from __future__ import annotations

import marshal
import os
import sys
import time
import zlib
from pathlib import Path

import pytest

from scrubber import tablecache
from scrubber.tablecache import cache_dir, cached

KEY = ("lists", 1, 2.5)
TABLE = {"kontrola": (4.1, 0.0, "pl"), "semana": (5.0, 1.2, "es")}


class Builder:
    """Counts how often the table is built (a cache hit builds nothing)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> dict[str, tuple[float, float, str]]:
        self.calls += 1
        return dict(TABLE)


def _dict(payload: object) -> dict:
    if type(payload) is not dict:
        raise TypeError("not a dict")
    return payload


def _get(key: tuple = KEY, builder: Builder | None = None) -> tuple[dict, int]:
    builder = builder or Builder()
    return cached("demo", key, builder, lambda t: t, _dict), builder.calls


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("demo-*.marshal"))


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SCRUBBER_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_second_call_loads(folder: Path) -> None:
    assert _get() == (TABLE, 1)
    assert len(_files(folder)) == 1
    assert _get() == (TABLE, 0)


def test_shared_values_stay_shared(folder: Path) -> None:
    value = (1.0, 0.0, "de")
    cached("demo", KEY, lambda: {"gruppe": value, "leben": value}, lambda t: t, _dict)
    loaded = cached("demo", KEY, Builder(), lambda t: t, _dict)
    assert loaded["gruppe"] is loaded["leben"]


@pytest.mark.parametrize("other", [("lists", 1, 3.0), ("lists", 2, 2.5), ()])
def test_other_key_rebuilds(folder: Path, other: tuple) -> None:
    _get()
    assert _get(other) == (TABLE, 1)
    assert len(_files(folder)) == 2


def _framed(body: bytes) -> bytes:
    """A cache file around ``body`` with a good checksum (what is wrong is inside)."""
    return tablecache._MAGIC + zlib.crc32(body).to_bytes(4, "big") + body


def test_a_flipped_bit_loads_as_marshal_data():
    """Why files carry a checksum: marshal alone takes a damaged value for a good one."""
    body = marshal.dumps((tablecache.FORMAT, "key", dict(TABLE)))
    assert marshal.loads(body[:-3] + bytes([body[-3] ^ 1]) + body[-2:]) != marshal.loads(body)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: b"",
        lambda data: data[:30] + b"\xff" * 40 + data[70:],  # corrupt in the middle
        lambda data: b"not a cache file",
        lambda data: _framed(marshal.dumps((tablecache.FORMAT, "another key", {}))),  # a foreign key
        lambda data: _framed(marshal.dumps([1, 2, 3])),  # not a triple
        lambda data: data[:-3] + bytes([data[-3] ^ 1]) + data[-2:],  # one bit flipped: still loads, a wrong value
    ],
)
def test_damaged_file_is_rebuilt(folder: Path, damage) -> None:
    _get()
    (path,) = _files(folder)
    path.write_bytes(damage(path.read_bytes()))
    assert _get() == (TABLE, 1)
    assert _get() == (TABLE, 0)  # and replaced by a good one


def test_wrong_shape_is_rebuilt(folder: Path) -> None:
    cached("demo", KEY, lambda: ["a", "list"], lambda t: t, lambda p: p)
    assert _get() == (TABLE, 1)


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="permissions do not bind root or Windows")
def test_unwritable_folder_is_skipped(folder: Path) -> None:
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert _get() == (TABLE, 1)
        assert _get() == (TABLE, 1)
        assert not list(folder.iterdir())
    finally:
        folder.chmod(0o700)


def test_folder_that_is_a_file_is_skipped(folder: Path) -> None:
    folder.write_text("in the way")
    assert _get() == (TABLE, 1)
    assert _get() == (TABLE, 1)


@pytest.mark.parametrize("value", ["off", "OFF", " off "])
def test_disabled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCRUBBER_CACHE_DIR", value)
    assert cache_dir() is None
    assert _get() == (TABLE, 1)
    assert _get() == (TABLE, 1)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SCRUBBER_CACHE_DIR": "/srv/tables"}, Path("/srv/tables")),
        ({"SCRUBBER_CACHE_DIR": "", "XDG_CACHE_HOME": "/xdg"}, Path("/xdg/scrubber")),
        ({"XDG_CACHE_HOME": "/xdg"}, Path("/xdg/scrubber")),
        ({"HOME": "/home/u"}, Path("/home/u/.cache/scrubber")),
    ],
)
def test_cache_dir(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: Path) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("SCRUBBER_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cache_dir() == expected


def test_no_temp_files_left(folder: Path) -> None:
    _get()
    _get(("other",))
    assert [p.name for p in folder.iterdir() if not p.name.endswith(".marshal")] == []


DAY = 24 * 3600


def _age(path: Path, seconds: float) -> None:
    """Make ``path`` look last used ``seconds`` ago."""
    when = time.time() - seconds
    os.utime(path, (when, when))


def _file_of(key: tuple) -> Path:
    path = tablecache._path("demo", tablecache._full_key("demo", key))
    assert path is not None
    return path


def test_a_new_key_removes_the_tables_unused_files_and_nothing_else(folder: Path) -> None:
    _get(("v1",))
    _get(("v2",))
    old, recent = _file_of(("v1",)), _file_of(("v2",))
    _age(old, 2 * DAY)
    _age(recent, 2 * 3600)  # another environment sharing the folder used it two hours ago
    digest = old.name.split("-")[1].split(".")[0]
    keep = [
        f"demo-{digest}.marshal.bak",
        f"demo-{digest[:-1]}.marshal",  # not a full digest
        f"demo-{digest.upper()}.marshal",
        f"demox-{digest}.marshal",  # another table
        f"other-{digest}.marshal",
        f".demo-{digest}.marshal.k2j4.tmp.x",  # not a temp name of ours
        "demo-notes.txt",
    ]
    for name in keep:
        (folder / name).write_bytes(b"x")
        _age(folder / name, 30 * DAY)
    writing, left = folder / f".demo-{digest}.marshal.k2j4.tmp", folder / f".demo-{digest}.marshal.z9_q.tmp"
    writing.write_bytes(b"x")  # being written by another process
    left.write_bytes(b"x")
    _age(left, 2 * DAY)  # left by a process killed while writing
    (folder / f"demo-{'0' * 24}.marshal").mkdir()  # the scheme's name, but a folder
    assert _get(("v3",)) == (TABLE, 1)
    assert not old.exists()
    assert recent.exists() and _file_of(("v3",)).exists()
    assert all((folder / name).exists() for name in keep)
    assert (folder / f"demo-{'0' * 24}.marshal").is_dir()
    assert writing.exists() and not left.exists()


@pytest.mark.parametrize("stop", [KeyboardInterrupt, SystemExit])
def test_an_interrupted_write_leaves_no_temp_file(folder: Path, monkeypatch: pytest.MonkeyPatch, stop: type[BaseException]) -> None:
    """Ctrl-C between writing the temp file and renaming it: the temp file goes too."""

    def interrupted(src, dst):  # type: ignore[no-untyped-def]
        raise stop()

    monkeypatch.setattr(tablecache.os, "replace", interrupted)
    with pytest.raises(stop):
        _get()
    assert list(folder.iterdir()) == []


def test_loading_marks_the_file_used_and_prunes_hourly(folder: Path) -> None:
    _get(("v1",))
    _get(("v2",))
    _age(_file_of(("v1",)), 2 * DAY)
    _age(_file_of(("v2",)), 30 * 60)  # refreshed half an hour ago: this load neither touches nor prunes
    assert _get(("v2",)) == (TABLE, 0)
    assert _file_of(("v1",)).exists()
    _age(_file_of(("v2",)), 2 * 3600)
    assert _get(("v2",)) == (TABLE, 0)
    assert not _file_of(("v1",)).exists()
    assert time.time() - _file_of(("v2",)).stat().st_mtime < 60


@pytest.mark.parametrize("error", [FileNotFoundError, PermissionError, IsADirectoryError])
def test_errors_while_pruning_are_ignored(folder: Path, monkeypatch: pytest.MonkeyPatch, error: type[OSError]) -> None:
    """A concurrent worker removed the file first, a read-only shared folder, ..."""
    _get(("v1",))
    _age(_file_of(("v1",)), 2 * DAY)

    def unlink(path: object) -> None:
        raise error(13, "refused", str(path))

    monkeypatch.setattr(tablecache.os, "unlink", unlink)
    assert _get(("v2",)) == (TABLE, 1)
    assert _get(("v2",)) == (TABLE, 0)


def test_a_file_removed_while_loading_is_still_read_or_rebuilt(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another worker prunes the file this one is loading: an open file stays readable, a vanished one is rebuilt."""
    _get()
    (path,) = _files(folder)
    with open(path, "rb") as handle:
        path.unlink()
        assert handle.read().startswith(b"scrubber-table-cache\n")
    assert _get() == (TABLE, 1)  # gone before it was opened: built again
    real = Path.read_bytes

    def vanish_first(self: Path) -> bytes:
        self.unlink()
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", vanish_first)
    assert _get() == (TABLE, 1)


def test_real_tables_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The foreign table and word-pair model loaded from the cache equal the built ones (values still shared)."""
    from scrubber.kinds import lexicon, word_pairs

    built = lexicon.foreign_table(), word_pairs.pair_model()
    monkeypatch.setenv("SCRUBBER_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(lexicon, "_build_foreign_table", lambda: built[0])
    monkeypatch.setattr(word_pairs, "model_parts", lambda u, b: (built[1].words[1:], built[1].log_count, dict(built[1].weights)))
    for f in (lexicon.foreign_table, word_pairs.pair_model):
        f.cache_clear()
    try:
        lexicon.foreign_table(), word_pairs.pair_model()  # saved
        for f in (lexicon.foreign_table, word_pairs.pair_model):
            f.cache_clear()
        table, model = lexicon.foreign_table(), word_pairs.pair_model()  # loaded
    finally:
        for f in (lexicon.foreign_table, word_pairs.pair_model):
            f.cache_clear()
    assert table == built[0] and table is not built[0]
    assert len({id(v) for v in table.values()}) == len({id(v) for v in built[0].values()})
    assert (model.words, model.log_count, dict(model.weights)) == (built[1].words, built[1].log_count, dict(built[1].weights))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_a_fifo_with_the_cache_name_is_not_read(folder: Path) -> None:
    """Reading it would block every run forever; the table is built instead."""
    _get()
    (path,) = _files(folder)
    path.unlink()
    os.mkfifo(path)
    assert _get() == (TABLE, 1)
