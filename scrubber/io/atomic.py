"""Atomic file writes: a temp file in the same folder, fsync, rename.

A crash, a full disk or Ctrl-C in the middle of a write leaves the old file
(or no file) in place, never half of a new one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..signals import held_signals

#: temp files being written, so an interrupt that lands between two bytecodes of the cleanup
#: (Ctrl-C and SIGTERM arrive anywhere) can still be swept up: see :func:`remove_leftovers`
_OPEN: set[str] = set()


def remove_leftovers() -> None:
    """Delete every temp file of a write that never finished (called when a run is aborted)."""
    for tmp in list(_OPEN):
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        _OPEN.discard(tmp)


#: folders this process made to write in (outermost first), for :func:`remove_empty_folders`
_CREATED: list[Path] = []


def remove_empty_folders() -> None:
    """Remove the folders this process made that are still empty (an output aborted, or never written).

    ``fix - -o new/`` stopped before its output was committed must not
    leave ``new/`` behind; a folder that existed before is never touched,
    and ``rmdir`` refuses one that holds anything (another process's file).
    """
    for folder in reversed(_CREATED):  # innermost first: its parent may empty with it
        with contextlib.suppress(OSError):
            folder.rmdir()
    _CREATED.clear()


#: the mode ``open()`` asks for when it creates a file; the umask takes bits away
NEW_FILE_MODE = 0o666


def current_umask() -> int:
    """The process's umask, read without changing it where the system can tell (Linux).

    ``os.umask`` can only be read by setting it, which for a moment changes it
    for every thread of the process; /proc/self/status shows it directly.
    """
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def make_folder(folder: Path) -> None:
    """``folder.mkdir(parents=True, exist_ok=True)``, naming the component in the way if there is one.

    mkdir says "File exists" when a regular file stands where a folder should
    be (``--stats afile/x.json``), and a bare "Not a directory" when it is
    further up; both become :class:`NotADirectoryError` naming that file.
    """
    missing = []
    for place in (folder, *folder.parents):
        if place.exists() or place.is_symlink():
            break
        missing.append(place)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _CREATED.extend(reversed(missing))  # outermost first
    except (FileExistsError, NotADirectoryError) as exc:
        blocking = next((p for p in reversed((folder, *folder.parents)) if p.exists() and not p.is_dir()), None)
        if blocking is None:
            raise
        raise NotADirectoryError(errno.ENOTDIR, f"{blocking} is not a directory", str(folder)) from exc


class StagedFile:
    """A new version of ``path`` written to a temp file beside it, renamed into place by :meth:`publish`.

    Splitting "write it all" (:meth:`finish`) from "make it visible"
    (:meth:`publish`) lets a caller stage several files and rename them only
    once every one is complete (``scrubber apply``: all outputs or none).
    ``mode_from`` copies the permission bits of an existing file (used for
    in-place rewrites so an executable or private file keeps its mode).
    """

    def __init__(self, path: Path, mode_from: Path | None = None) -> None:
        if path.is_dir():  # found now, not by the rename after the whole file was written
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        make_folder(path.parent)
        self.path = path
        self.mode_from = mode_from
        # held: a signal between creating the temp file and noting it in _OPEN would leave it
        # behind, unknown to remove_leftovers (a SIGTERM sent as soon as the file appears did)
        with held_signals():
            fd, self.tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            _OPEN.add(self.tmp)
        self.handle: BinaryIO = os.fdopen(fd, "wb")

    def finish(self) -> None:
        """Flush, fsync and close the temp file and give it its final mode; the target is not touched yet."""
        with self.handle:
            self.handle.flush()
            os.fsync(self.handle.fileno())
        source = self.mode_from if self.mode_from is not None and self.mode_from.exists() else (self.path if self.path.exists() else None)
        # mkstemp makes the temp file 0600; the result gets the mode open() would give a new
        # file (0666 less the umask), or the mode of the file it replaces or mirrors
        os.chmod(self.tmp, source.stat().st_mode & 0o7777 if source is not None else NEW_FILE_MODE & ~current_umask())

    def publish(self) -> None:
        """Rename the finished temp file onto the target (atomic on one file system)."""
        os.replace(self.tmp, self.path)
        _OPEN.discard(self.tmp)

    def discard(self) -> None:
        """Delete the temp file; the target stays as it was. Safe to call more than once."""
        with contextlib.suppress(OSError):
            self.handle.close()
        with contextlib.suppress(OSError):
            os.unlink(self.tmp)
        _OPEN.discard(self.tmp)


@contextlib.contextmanager
def atomic_writer(path: Path, mode_from: Path | None = None) -> Iterator[BinaryIO]:
    """Yield a binary file that replaces ``path`` only if the block succeeds (see :class:`StagedFile`)."""
    staged = StagedFile(path, mode_from)
    try:
        yield staged.handle
        staged.finish()
        staged.publish()
    except BaseException:
        staged.discard()
        raise


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with atomic_writer(path) as handle:
        handle.write(data)
