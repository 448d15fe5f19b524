"""Built word tables kept on disk, so a new process loads them instead of building them.

The garble rules need tables built from wordfreq's and symspellpy's lists
(:func:`scrubber.kinds.lexicon.foreign_table`,
:func:`scrubber.kinds.word_pairs.pair_model`): about 1.7 s of work that
every process (each pool worker, each CLI run) repeated before its first
document. Loading the built tables from a cache file takes a quarter of that.
langdetect's language profiles are kept here too
(:mod:`scrubber.kinds.langprofiles`: 0.24 → 0.1 s), and so are the
compiled rule patterns (:mod:`scrubber.regexcache`, a store that grows
through :func:`load` and :func:`save` instead of a table built once).

**Format.** A file is a magic line, the CRC-32 of the rest (4 bytes, big
endian) and ``marshal`` data of ``(FORMAT, key, payload)``, where the payload is plain dicts, lists, tuples,
strings, ints and floats. Loading uses :func:`marshal.loads`, which only
rebuilds such values: unlike ``pickle`` it has no way to name a class or
call a function, so loading data still never runs code (marshal can hold
code objects, but it never calls them, and the loaded value is checked to
be the expected shape before use). marshal writes an object referenced twice
once and refers back to it, so values shared in memory before saving are
shared again after loading.

**Key.** ``key`` is a tuple of everything a table depends on (library
versions, size and mtime of the source files, the building constants and
this module's :data:`FORMAT`); its SHA-256 names the file and the full key
is stored inside and compared on load, so a stale or foreign file is never
used. A file that cannot be read or decoded, or whose checksum does not
match (a flipped bit in a word table, or in the matcher code of a stored
pattern, would otherwise be used as it is: 3 ms for the 20 MB of tables),
is ignored and the table built.

**Where.** ``$SCRUBBER_CACHE_DIR`` when set; ``SCRUBBER_CACHE_DIR=off``
turns the cache off. Otherwise ``%LOCALAPPDATA%\\scrubber`` on Windows,
else ``$XDG_CACHE_HOME/scrubber`` or ``~/.cache/scrubber``. Files are
written to a temporary name in that folder and renamed (atomic, so workers
building at the same time each write a whole file and the last rename
wins); a folder that cannot be written is skipped quietly (a debug log).

**Old files.** Each new key (an upgrade, a tuned constant) writes a new
file, so files of old keys are removed: those of the same table (the exact
name scheme ``<table>-<24 hex>.marshal``, never anything else in the
folder, never a temp name) that no process has loaded for
:data:`UNUSED_FOR`. Age, not merely "another key", because several
environments (virtualenvs with other library versions, checkouts with other
source stamps) may share the folder: removing each other's file on every
write would make them all rebuild on every start. A load marks its file in
use by refreshing its mtime, at most once per :data:`REFRESH_AFTER`, and
that is also when the folder is pruned (besides every write), so a stale
file goes once it has been unused for a day (at the next write or hourly
refresh by any environment sharing the folder). Every ``OSError`` is ignored: a
concurrent worker may remove the file first, or the folder is read-only.
A worker loading a file another removes still reads it (POSIX keeps an open
file readable; Windows refuses the removal), and a load that fails because
the file is gone builds the table, like any unreadable file.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
import re
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

#: bump when the layout of a cached payload changes
FORMAT = 2
#: the value of ``$SCRUBBER_CACHE_DIR`` that turns the cache off
OFF = "off"
_MAGIC = b"scrubber-table-cache\n"
#: a file of another key that no process has loaded for this long (seconds) is removed
UNUSED_FOR = 24 * 3600
#: a loaded file's mtime is refreshed (and the folder pruned) when it is older than this
REFRESH_AFTER = 3600

T = TypeVar("T")


def cache_dir() -> Path | None:
    """The folder cache files go in, or None when ``SCRUBBER_CACHE_DIR=off``."""
    configured = os.environ.get("SCRUBBER_CACHE_DIR")
    if configured is not None and configured.strip():
        return None if configured.strip().lower() == OFF else Path(configured).expanduser()
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "scrubber"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "scrubber"


def file_stamp(path: Path) -> tuple[str, int, int]:
    """(name, size, mtime in ns) of a source file, for a key; (name, -1, -1) if it is missing."""
    try:
        st = path.stat()
    except OSError:
        return path.name, -1, -1
    return path.name, st.st_size, st.st_mtime_ns


def package_key(distribution: str, package: Path, data: Path, names: tuple[str, ...]) -> tuple:
    """The sources part of a key: the version of ``distribution`` (installed as folder ``package``), its ``__init__.py`` and each file ``names`` in ``data``.

    The version is read from the name of the ``*.dist-info`` folder beside
    the package (``importlib.metadata`` would cost 5 MB and 30 ms in every
    process); the package's ``__init__.py`` is stamped too, for installs
    without one.
    """
    prefix = distribution.replace("-", "_")
    versions = sorted(p.name[len(prefix) + 1 : -len(".dist-info")] for p in package.parent.glob(f"{prefix}-*.dist-info"))
    return (distribution, versions, file_stamp(package / "__init__.py"), str(data), tuple(file_stamp(data / n) for n in names))


def _full_key(name: str, key: tuple) -> str:
    """The key as stored: with the format, the Python version and marshal's version (its files differ across them)."""
    return repr((FORMAT, sys.implementation.cache_tag, marshal.version, name, key))


def _path(name: str, full_key: str, folder: Path | None = None) -> Path | None:
    folder = folder or cache_dir()
    if folder is None:
        return None
    digest = hashlib.sha256(full_key.encode()).hexdigest()[:24]
    return folder / f"{name}-{digest}.marshal"


def _is_cache_file(table: str, filename: str) -> bool:
    """Whether ``filename`` is one of :func:`_path`'s names for ``table`` (any key): nothing else is ever removed."""
    return re.fullmatch(re.escape(table) + r"-[0-9a-f]{24}\.marshal", filename) is not None


def _is_temp_file(table: str, filename: str) -> bool:
    """Whether ``filename`` is a temporary name :func:`_store` writes ``table`` under (left by a killed process)."""
    return re.fullmatch(r"\." + re.escape(table) + r"-[0-9a-f]{24}\.marshal\.[A-Za-z0-9_]+\.tmp", filename) is not None


def _prune(path: Path, table: str) -> None:
    """Remove ``table``'s cache files of other keys that no process has loaded for :data:`UNUSED_FOR`.

    And its temporary files as old (a write takes seconds; one a day old was
    left by a process killed before it could clean up).
    """
    cutoff = time.time() - UNUSED_FOR
    try:
        with os.scandir(path.parent) as entries:
            stale = [
                e.path
                for e in entries
                if e.name != path.name
                and (_is_cache_file(table, e.name) or _is_temp_file(table, e.name))
                and e.is_file(follow_symlinks=False)
                and e.stat(follow_symlinks=False).st_mtime < cutoff
            ]
    except OSError as exc:  # the folder (or an entry) vanished or cannot be read
        log.debug("not pruning the table cache %s: %s", path.parent, exc)
        return
    for old in stale:
        try:
            os.unlink(old)
            log.debug("removed unused table cache %s", old)
        except OSError:  # another worker removed it first, a read-only folder, Windows with the file open
            continue


def _mark_used(path: Path, table: str) -> None:
    """After a load: refresh the file's mtime (so other environments sharing the folder keep it) and prune, hourly."""
    try:
        if time.time() - path.stat().st_mtime < REFRESH_AFTER:
            return
        os.utime(path)
    except OSError:
        return
    _prune(path, table)


def _load(path: Path, full_key: str) -> object | None:
    try:
        if not path.is_file():  # a FIFO of that name would block the read forever
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(_MAGIC):
        return None
    body = memoryview(data)[len(_MAGIC) + 4 :]
    if int.from_bytes(data[len(_MAGIC) : len(_MAGIC) + 4], "big") != zlib.crc32(body):
        log.debug("ignoring damaged table cache %s (checksum)", path)
        return None
    try:
        stored_format, stored_key, payload = marshal.loads(body)
    except (EOFError, ValueError, TypeError):  # truncated, corrupt, or not a triple
        log.debug("ignoring unreadable table cache %s", path)
        return None
    if stored_format != FORMAT or stored_key != full_key:
        return None
    return payload


def _store(path: Path, table: str, full_key: str, payload: object) -> None:
    body = marshal.dumps((FORMAT, full_key, payload))
    data = _MAGIC + zlib.crc32(body).to_bytes(4, "big") + body
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        log.debug("not caching %s: %s", path, exc)
        return
    finally:  # also on Ctrl-C in the middle of a 12 MB write: no temp file is left behind
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    _prune(path, table)


def load(name: str, key: tuple, folder: Path | None = None) -> object | None:
    """The payload saved under (``name``, ``key``), or None when there is none (or the cache is off).

    For a store that grows (:mod:`scrubber.regexcache`) rather than a table
    built once: the caller checks the payload's shape and writes the merged
    payload back with :func:`save`. A load marks the file in use, as
    :func:`cached` does.
    """
    full_key = _full_key(name, key)
    path = _path(name, full_key, folder)
    if path is None:
        return None
    payload = _load(path, full_key)
    if payload is not None:
        _mark_used(path, name)
    return payload


def save(name: str, key: tuple, payload: object, folder: Path | None = None) -> None:
    """Write ``payload`` (plain data for marshal) as the file of (``name``, ``key``) in ``folder`` (default :func:`cache_dir`), replacing any."""
    full_key = _full_key(name, key)
    path = _path(name, full_key, folder)
    if path is not None:
        _store(path, name, full_key, payload)


def cached(name: str, key: tuple, build: Callable[[], T], encode: Callable[[T], object], decode: Callable[[object], T]) -> T:
    """The table ``build()`` makes, loaded from the cache file of (``name``, ``key``) when there is a good one.

    ``encode`` turns the table into plain data for marshal; ``decode`` turns
    that back and must raise (``ValueError``, ``TypeError``, ``LookupError``)
    on anything not of the expected shape: the table is then built again and
    the file replaced.
    """
    full_key = _full_key(name, key)
    path = _path(name, full_key)
    if path is not None:
        payload = _load(path, full_key)
        if payload is not None:
            try:
                loaded = decode(payload)
            except (ValueError, TypeError, LookupError, AttributeError):
                log.debug("ignoring malformed table cache %s", path)
            else:
                _mark_used(path, name)
                return loaded
    table = build()
    if path is not None:
        _store(path, name, full_key, encode(table))
    return table
