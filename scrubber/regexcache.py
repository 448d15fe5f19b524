"""Compiled ``regex`` patterns kept on disk, so that a new process does not parse them again.

The ``regex`` module parses a pattern in Python: about 7 µs per character,
so the residue line rules (each wrapped in :data:`scrubber.kinds.lines.EDGE`
twice, 1,260 characters of white space, invisible characters and their
spellings) cost 5-40 ms each to compile, 0.25 s before the first document
of every command and every ``-j`` worker, and 0.3 s more for the gated
line rules compiled on first use. Turning the parsed pattern into the
matcher is 1-2% of that.

``regex`` pickles a compiled pattern as what that last step takes (its
``copyreg`` reducer gives the matcher's code, group names and flags, and the
function that builds the pattern object from them). This module keeps those
arguments, per (pattern, flags, ``regex.DEFAULT_VERSION``), in a file of
:mod:`scrubber.tablecache` keyed on the installed ``regex`` (its version and
the stamps of its files): a later process hands them to that same function,
exactly as unpickling would, and gets the same pattern object without
parsing (0.1 ms instead of 10). The file holds plain data read with
``marshal``; no pickle is loaded. A pattern is compiled normally when the
store has no entry for it, when its entry does not rebuild into a pattern
of the same source, and always when the cache is off
(``SCRUBBER_CACHE_DIR=off``); a pattern whose meaning depends on the locale
(``(?L)``) is never stored.

Patterns a process compiled that the file did not hold are written at exit
(merged with what the file holds by then, through a temporary file and a
rename), in the main process and in each pool worker
(``multiprocessing``'s exit hooks run in both); the first run of a new set
of rules pays the compiles, later ones load them. They go to the folder the
store was read from, and only while it is still the cache folder
(``$SCRUBBER_CACHE_DIR`` changed since: nothing is written). The store keeps at most
:data:`MAX_PATTERNS`: beyond that a write keeps only the patterns the
writing process used.

The file's matcher code is trusted as ``marshal`` data is: like the other
table files, it must come from a folder only you can write to.
"""

from __future__ import annotations

import copyreg
import marshal
import os
import threading
from pathlib import Path

import regex

from . import tablecache

#: the table name of the store in the cache folder
NAME = "regex"
#: a write keeps at most this many patterns (the built-in packs and perf-news: about 350, 1.2 MB)
MAX_PATTERNS = 2000

_Key = tuple[str, int, int]

_lock = threading.Lock()
#: what the file held when this process first asked (None: not read yet)
_stored: dict[_Key, tuple] | None = None
#: patterns compiled in this process that the file did not hold, as the reducer's arguments
_added: dict[_Key, tuple] = {}
#: every pattern this process built, by key (a second compile of the same pattern is a dict lookup)
_compiled: dict[_Key, regex.Pattern[str]] = {}
#: the cache folder as it was when the store was read (written back there at exit)
_folder: Path | None = None
#: the process that registered the exit hook (a forked worker registers its own)
_hooked_pid: int | None = None


def _rebuilder() -> object:
    """The function ``regex``'s pickling rebuilds a pattern with (what unpickling would call)."""
    reducer = copyreg.dispatch_table.get(regex.Pattern)
    return None if reducer is None else reducer(regex.compile(""))[0]


_REBUILD = _rebuilder()


def _store_key() -> tuple:
    """What compiled code depends on: the ``regex`` release and the files of its parser and matcher."""
    package = Path(regex.__file__).parent
    files = tuple(sorted(p.name for p in package.glob("_*") if p.suffix in (".py", ".so", ".pyd")))  # parser and C matcher
    return tablecache.package_key("regex", package, package, files)


def _load() -> dict[_Key, tuple]:
    global _stored, _folder
    if _stored is None:
        _folder = tablecache.cache_dir() if _REBUILD is not None else None
        payload = tablecache.load(NAME, _store_key(), _folder) if _folder is not None else None
        _stored = payload if type(payload) is dict else {}
    return _stored


def compile(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """``regex.compile(pattern, flags)``, rebuilt from the store when it holds the pattern.

    Raises what ``regex.compile`` raises for a bad pattern (a bad pattern is
    never stored, so it is always compiled).
    """
    key = (pattern, int(flags), int(regex.DEFAULT_VERSION))
    compiled = _compiled.get(key)
    if compiled is not None:
        return compiled
    with _lock:
        args = _load().get(key)
    if args is not None:
        compiled = _rebuild(pattern, args)
    if compiled is None:
        compiled = regex.compile(pattern, flags)
        _remember(key, compiled)
    if len(_compiled) >= MAX_PATTERNS:  # a long-lived process compiling ever new patterns
        _compiled.clear()
    _compiled[key] = compiled
    return compiled


def _rebuild(pattern: str, args: object) -> regex.Pattern[str] | None:
    """The pattern the stored ``args`` build, or None if they do not build one of ``pattern``."""
    if type(args) is not tuple or not args or args[0] != pattern:
        return None
    try:
        compiled = _REBUILD(*args)  # type: ignore[operator]
    except Exception:  # a malformed entry: compile instead
        return None
    return compiled if isinstance(compiled, regex.Pattern) and compiled.pattern == pattern else None


def _remember(key: _Key, compiled: regex.Pattern[str]) -> None:
    """Keep ``compiled``'s rebuild arguments for the store, if they can be stored."""
    global _hooked_pid
    reducer = copyreg.dispatch_table.get(type(compiled))
    if _folder is None or reducer is None or compiled.flags & regex.LOCALE:
        return
    rebuild, args = reducer(compiled)
    if rebuild is not _REBUILD or type(args) is not tuple:
        return
    args = tuple(int(a) if isinstance(a, regex.RegexFlag) else a for a in args)
    try:
        marshal.dumps(args)
    except ValueError:  # not plain data after all: leave it out
        return
    with _lock:
        if len(_added) >= MAX_PATTERNS:
            return
        _added[key] = args
        if _hooked_pid != os.getpid():
            _hooked_pid = os.getpid()
            from multiprocessing import util  # its exit hook also runs in pool workers, where atexit does not

            util.Finalize(None, flush, exitpriority=0)


def flush() -> None:
    """Write the patterns this process added to the store (merged with the file as it is now)."""
    with _lock:
        if not _added or _folder is None or tablecache.cache_dir() != _folder:
            return  # nothing new, the cache is off, or it is not the folder the store came from any more
        current = tablecache.load(NAME, _store_key(), _folder)
        merged = dict(current) if type(current) is dict else {}
        merged.update(_added)
        if len(merged) > MAX_PATTERNS:
            used = _compiled.keys() | _added.keys()
            merged = {k: v for k, v in merged.items() if k in used}
        tablecache.save(NAME, _store_key(), merged, _folder)
        _added.clear()
