"""Write documents back in the format they came in.

Text documents become files (UTF-8, the BOM restored if there was one).
JSONL records keep every field: an unchanged record is copied byte for byte,
a changed one gets only its text field's value replaced (every other byte
of the line is kept, see :mod:`scrubber.io.jsonout`), and a passthrough
(malformed) line is copied as it was. A JSON document (an array of records,
or one record) is written the same way, piece by piece: separators,
brackets and unchanged records byte for byte, a changed record with only
its text value replaced.
"""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO

from . import remote
from .atomic import StagedFile
from .compression import wrap_write
from .jsonout import splice_field
from .sources import InputFile, Item


class OutputError(Exception):
    """An output cannot be written; the input is untouched."""


def encode_item(item: Item, new_text: str | None, fmt: str, text_key: str) -> bytes:
    """The bytes to write for one item (``new_text`` None means unchanged)."""
    if item.doc is None:
        return item.raw or b""
    if fmt == "jsonl":
        if new_text is None or new_text == item.doc.text:
            return item.raw or b""  # byte for byte, a last line without a line end included
        return splice_line(item.raw or b"", text_key, new_text)
    if fmt == "json":
        raw = item.raw or b""
        if new_text is None or new_text == item.doc.text:
            return raw
        lead = item.meta["lead"]
        return raw[:lead] + splice_field(raw[lead:].decode("utf-8"), text_key, new_text).encode("utf-8")
    text = item.doc.text if new_text is None else new_text
    # a text file is decoded strictly, so only a rule's replacement could hold a lone
    # surrogate; it is written as its visible escape rather than as invalid UTF-8
    data = text.encode("utf-8", "backslashreplace")
    return codecs.BOM_UTF8 + data if item.meta.get("bom") else data


def splice_line(raw: bytes, key: str, value: object) -> bytes:
    """A raw JSONL line (BOM and line end included) with only its field ``key`` set to ``value``.

    Every other byte is kept (see :func:`~scrubber.io.jsonout.splice_field`);
    the line end is kept too: ``\r\n``, ``\n``, or none on a file's last line
    (a caller gathering lines from several files adds one).
    """
    ending = b"\r\n" if raw.endswith(b"\r\n") else b"\n" if raw.endswith(b"\n") else b""
    body = raw.rstrip(b"\r\n")
    bom = codecs.BOM_UTF8 if body.startswith(codecs.BOM_UTF8) else b""  # only ever on line 1
    line = body[len(bom) :].decode("utf-8")  # the reader parsed it, so it is UTF-8
    return bom + splice_field(line, key, value).encode("utf-8") + ending


Target = Path | str  # a local path, or a URL written through fsspec (str)


def output_path(source: InputFile, out_dir: Target | None, in_place: bool) -> Target | None:
    """Where ``source``'s result goes: mirrored under ``out_dir``, in place, or stdout (None)."""
    if in_place and not source.is_stdin:
        # a symlink's target is rewritten (replacing the link itself would leave the target unfixed)
        return source.url if source.url is not None else (source.path.resolve() if source.path else None)
    if isinstance(out_dir, str):
        return remote.join(out_dir, source.rel.as_posix())
    if out_dir is not None:
        return out_dir / source.rel
    return None


def _same_place(target: Target) -> str:
    """A comparable form of a target: a resolved local path, or the URL as written."""
    return target if isinstance(target, str) else str(Path(target).resolve())


def once_per_file(sources: list[InputFile]) -> tuple[list[InputFile], list[tuple[InputFile, InputFile]]]:
    """For ``--in-place``: each file once, however many names reach it (a symlink, a hard link, a path named twice).

    Files are compared by identity (device and inode), so two hard links,
    which no path resolving can tell apart, are one file: rewriting both
    would fix it twice, the second time from the first rewrite's result.
    Returns the sources to rewrite and the (left out, same file as) pairs to tell the user.
    """
    kept: list[InputFile] = []
    first: dict[object, InputFile] = {}
    dropped = []
    for source in sources:
        if source.path is None or source.url is not None:
            kept.append(source)
            continue
        try:
            st = source.path.stat()
            place: object = (st.st_dev, st.st_ino)
        except OSError:  # missing or unreadable: the reader reports it
            place = str(source.path.resolve())
        if place in first:
            kept_source = first[place]
            dropped.append((source, kept_source))
            assert kept_source.path is not None
            if source.path.resolve() != kept_source.path.resolve():  # another directory entry: a hard link
                linked = dataclasses.replace(kept_source, also=(*kept_source.also, source.path.resolve()))
                kept[kept.index(kept_source)] = first[place] = linked
            continue
        first[place] = source
        kept.append(source)
    return kept, dropped


def output_clash(sources: list[InputFile], out_dir: Target | None, in_place: bool) -> str | None:
    """Why writing ``sources`` would lose data, or None: checked before anything runs.

    Mirroring keeps only each input's path below its argument, so two inputs
    can land on one output (``a/x.txt`` and ``b/x.txt`` under ``-o out``) and
    the second would silently replace the first; and ``-o`` onto the inputs'
    own folder would rewrite them without ``--in-place``.
    """
    if out_dir is None and not in_place:
        return None
    inputs = {_same_place(s.url if s.url is not None else s.path): s for s in sources if not s.is_stdin and (s.url or s.path) is not None}
    seen: dict[str, InputFile] = {}
    for source in sources:
        target = output_path(source, out_dir, in_place)
        if target is None:
            continue
        place = _same_place(target)
        if place in seen:
            first = seen[place]
            if first.display == source.display:
                return f"{source.display} is named twice: each input once, please"
            return f"{first.display} and {source.display} would both be written to {target}; write them in separate runs or to separate folders"
        seen[place] = source
        if not in_place and place in inputs:
            return f"{target} is an input: -o would overwrite it (use --in-place to rewrite inputs, or another folder)"
    return None


def stdout_is_an_input(sources: list[InputFile]) -> InputFile | None:
    """The input that standard output was redirected onto (``scrubber fix a.txt > a.txt``), if any.

    The shell empties the file before scrubber starts, so it reads nothing
    and would write nothing: say what happened instead of leaving an empty
    file and exit 0.
    """
    try:
        out = os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        return None
    for source in sources:
        if source.path is None or source.url is not None:
            continue
        try:
            st = source.path.stat()
        except OSError:
            continue
        if (st.st_dev, st.st_ino) == (out.st_dev, out.st_ino):
            return source
    return None


def _relink(target: Path, name: Path) -> None:
    """Make ``name`` (a hard link of the file ``target`` replaced) a link of the new ``target`` again, atomically.

    An in-place rewrite renames a new file onto one name; the file's other
    names would keep the old text.
    """
    tmp = name.with_name(f".{name.name}.scrubber-link")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)
    os.link(target, tmp)
    os.replace(tmp, name)


class Output:
    """One output stream: stdout, or a file that appears only on :meth:`commit`.

    Writing goes to a temp file beside the target; ``commit`` renames it into
    place, ``abort`` (or a crash, or Ctrl-C) deletes it, so the target is
    either the old file or the complete new one. A local file can also be
    finished without being renamed (:meth:`stage`), so that several outputs
    appear only once all of them are complete.
    """

    #: a JSON document bound for standard output is held here until it is known to be whole
    SPOOL_BYTES = 1 << 24

    def __init__(self, source: InputFile, target: Target | None) -> None:
        self.target = target
        self._stack = contextlib.ExitStack()
        self._staged: StagedFile | None = None
        self._finished = False
        self._spool: BinaryIO | None = None
        self._also = source.also if isinstance(target, Path) else ()
        if target is None:
            self.handle: BinaryIO = sys.stdout.buffer
            if source.fmt == "json":
                # a broken array is found only at its end: half of one on stdout would be invalid JSON
                self._spool = self.handle = tempfile.SpooledTemporaryFile(self.SPOOL_BYTES)  # type: ignore[assignment]  # noqa: SIM115 (closed by commit/abort)
            return
        try:
            if isinstance(target, str):
                raw = self._stack.enter_context(remote.atomic_url_writer(target))
            else:
                self._staged = StagedFile(target, mode_from=source.path)
                raw = self._staged.handle
        except remote.RemoteError as exc:
            raise OutputError(f"{exc}; input left untouched") from None
        except OSError as exc:
            raise OutputError(f"{target}: cannot write ({exc.strerror or exc}); input left untouched") from None
        self.handle = wrap_write(raw, source.compression)
        self._raw = raw
        if self._staged is None and self.handle is not raw:
            self._stack.callback(self.handle.close)  # a remote stream: its trailer is written before the move

    def write(self, data: bytes) -> None:
        try:
            self.handle.write(data)
        except BrokenPipeError:
            if self.target is None:  # `scrubber fix big.jsonl | head`: stop, do not clean the rest for nobody
                raise
            self.abort()
            raise OutputError(f"{self.target}: write failed (broken pipe); input left untouched") from None
        except OSError as exc:
            self.abort()
            raise OutputError(f"{self.target or '<stdout>'}: write failed ({exc.strerror or exc}); input left untouched") from None

    def _close_compression(self) -> None:
        if self.handle is not self._raw and not self.handle.closed:
            self.handle.close()  # writes the compressed stream's trailer; the file under it stays open

    def stage(self) -> None:
        """Finish a local file (complete, fsynced) without renaming it onto the target yet.

        Standard output and remote targets have nothing to stage: they are
        finished by :meth:`commit`.
        """
        if self._staged is None or self._finished:
            return
        try:
            self._close_compression()
            self._staged.finish()
        except OSError as exc:
            self.abort()
            raise OutputError(f"{self.target}: cannot write ({exc.strerror or exc}); input left untouched") from None
        self._finished = True

    def commit(self) -> None:
        if self.target is None:
            if self._spool is not None:
                self._spool.seek(0)
                shutil.copyfileobj(self._spool, sys.stdout.buffer, 1 << 20)
                self._spool.close()
            sys.stdout.buffer.flush()
            return
        try:
            if self._staged is None:
                self._stack.close()
                return
            self.stage()
            self._staged.publish()
        except OSError as exc:
            self.abort()
            raise OutputError(f"{self.target}: cannot write ({exc.strerror or exc}); input left untouched") from None
        for name in self._also:
            try:
                _relink(self._staged.path, name)
            except OSError as exc:
                raise OutputError(
                    f"{name}: rewritten {self.target} but could not link this name of it to the result ({exc.strerror or exc}); "
                    "it still holds the old text"
                ) from None

    def abort(self) -> None:
        if self.target is None:
            if self._spool is not None:
                self._spool.close()
            return
        if self._staged is not None:
            with contextlib.suppress(OSError, ValueError):
                self._close_compression()
            self._staged.discard()
            return
        with contextlib.suppress(InterruptedError):
            self._stack.__exit__(InterruptedError, InterruptedError(), None)
