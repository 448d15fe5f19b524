"""Atomic file writes: a temp file in the same folder, fsync, rename.

A crash, a full disk or Ctrl-C in the middle of a write leaves the old file
(or no file) in place, never half of a new one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

#: temp files being written, so an interrupt that lands between two bytecodes of the cleanup
#: (Ctrl-C and SIGTERM arrive anywhere) can still be swept up: see :func:`remove_leftovers`
_OPEN: set[str] = set()


def remove_leftovers() -> None:
    """Delete every temp file of a write that never finished (called when a run is aborted)."""
    for tmp in list(_OPEN):
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        _OPEN.discard(tmp)


@contextlib.contextmanager
def atomic_writer(path: Path, mode_from: Path | None = None) -> Iterator[BinaryIO]:
    """Yield a binary file that replaces ``path`` only if the block succeeds.

    ``mode_from`` copies the permission bits of an existing file (used for
    in-place rewrites so an executable or private file keeps its mode).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    _OPEN.add(tmp)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        source = mode_from if mode_from is not None and mode_from.exists() else (path if path.exists() else None)
        if source is not None:
            os.chmod(tmp, source.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    finally:
        _OPEN.discard(tmp)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with atomic_writer(path) as handle:
        handle.write(data)
