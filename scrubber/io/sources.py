"""Find input files and stream them as Documents.

Formats by suffix (after removing ``.gz``/``.zst``/``.bz2``/``.xz``): ``.jsonl``/``.ndjson``
are JSON Lines, one document per record's text field; so is a local ``.json``
file whose first line is a whole JSON object (many scrapers write JSON Lines
under that name); any other local ``.json`` file that starts with ``[`` or
``{`` is a JSON document (an array of records, or one record: see
:mod:`scrubber.io.jsondoc`); anything else is one text document per file.
``--input-format`` forces one format. ``-`` is standard input.

Nothing is silently dropped: a JSONL line (or a JSON array element) that is
not a record becomes a *passthrough* item carrying the raw bytes, so the
writer copies it unchanged and the reporter names it as ``file:line``
(``file:line:col`` in a JSON document).
"""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
import fnmatch
import io
import itertools
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from ..model import Document
from . import lineblocks, remote
from .compression import NAMES as COMPRESSION_NAMES
from .compression import CorruptInput, TruncatedInput, compression_of, compression_of_head, decompressor, suffix_of, wrap_read
from .decode import NAMES, bomless_wide, decode_bytes, legacy_line, looks_binary, wide_encoding, wide_problem
from .jsondoc import CHUNK, DocumentError, Piece, scan
from .lineblocks import Chunks, cut_blocks, read_chunks
from .meter import METER
from .wide import WideError, transcoded, utf8_chunks

JSONL_SUFFIXES = {".jsonl", ".ndjson"}
#: what ``--input-format`` accepts ("auto": by suffix and a look at a .json file's start)
INPUT_FORMATS = ("auto", "text", "jsonl", "json")

Reporter = Callable[[str, str, str], None]  # (level, where, message)


class InputError(Exception):
    """An input cannot be read at all; the message says which and why.

    ``where`` is set when the problem has a place more precise than the
    file (``file:line:col`` in a JSON document); reporters name it.
    """

    where: str | None = None


class DamagedInput(InputError):
    """Compressed data that stops decompressing: cut short (``truncated``) or corrupt.

    ``problem`` says what (``corrupt gzip data (CRC check failed …)``);
    ``lines`` is how many lines were read before it, for the caller to say
    where (see :meth:`after`).
    """

    def __init__(self, display: str, problem: str, truncated: bool, lines: int | None = None) -> None:
        place = "" if lines is None else f" after line {lines}" if lines else " before its first line"
        super().__init__(f"{display}: cannot read: {problem}{place}")
        self.display, self.problem, self.truncated, self.lines = display, problem, truncated, lines

    def after(self, lines: int) -> DamagedInput:
        """The same failure, placed after the ``lines`` read before it."""
        return DamagedInput(self.display, self.problem, self.truncated, lines)


class BinaryInput(InputError):
    """The input is not text. Skipped quietly when found inside a folder."""


@dataclass(frozen=True)
class InputFile:
    path: Path | None  # None for stdin
    fmt: str  # "text", "jsonl" or "json"
    compression: str | None
    rel: Path  # path relative to the argument it came from (for -o mirroring)
    explicit: bool = True  # named on the command line (vs found in a folder)
    url: str | None = None  # set (and path None) for an input read through fsspec
    #: why this input cannot be read at all, found before reading (a folder the walk could not list)
    problem: str | None = None
    #: warnings found while discovering it (read as text, but it looks like JSON Lines)
    hints: tuple[str, ...] = ()
    #: with --in-place, other names (hard links) of this very file: linked to the rewritten file
    also: tuple[Path, ...] = ()
    #: (where, message) notes of the folder walk that found it, said when it is read (a folder left out)
    notes: tuple[tuple[str, str], ...] = ()

    @property
    def display(self) -> str:
        if self.url is not None:
            return self.url
        return "<stdin>" if self.path is None else str(self.path)

    @property
    def is_stdin(self) -> bool:
        return self.path is None and self.url is None

    def open(self) -> BinaryIO:
        """A binary handle on the raw (still compressed) bytes of a file or URL input."""
        if self.url is not None:
            return METER.track(remote.open_url(self.url))
        assert self.path is not None, "standard input has no file to open"
        return METER.track(open(self.path, "rb"))


@dataclass
class Item:
    """One unit read from an input: a document, or a raw line to copy as is."""

    doc: Document | None
    raw: bytes | None = None
    line: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)


#: review sessions (SQLite and its side files) may sit inside the folder under review
SESSION_SUFFIXES = (".scrubber-session", ".scrubber-session-wal", ".scrubber-session-shm", ".scrubber-session-journal")


def _is_session_file(name: str) -> bool:
    return name.endswith(SESSION_SUFFIXES)


#: how much of a ``.json`` file is read to see whether it is JSON Lines
SNIFF_BYTES = 1 << 20
#: how much of a JSON Lines input is looked at to refuse a binary file (what :func:`~scrubber.io.decode.looks_binary` looks at)
BINARY_HEAD = 8192


def format_of(path: Path | PurePosixPath, input_format: str = "auto") -> tuple[str, str | None]:
    """(format, compression) of a file: ``input_format`` unless it is "auto", else by suffix and sniffing."""
    compression = compression_of(path)
    if input_format != "auto":
        return input_format, compression
    name = path.name[: -len(path.suffix)] if compression else path.name
    suffix = Path(name).suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl", compression
    if suffix == ".json" and isinstance(path, Path):
        return _sniff_json(path, compression), compression
    return "text", compression


def _sniff_json(path: Path, compression: str | None) -> str:
    """How to read a local ``.json`` file: "jsonl", "json" or "text".

    JSON Lines when the first non-blank line is a whole JSON object (many
    scrapers write JSONL under that name); a JSON document when the first
    non-space character is ``[`` or ``{`` otherwise (a pretty-printed
    object or an array, whose first line is not valid JSON on its own);
    else text, as before. Only the first line is read, up to
    :data:`SNIFF_BYTES`: a first line longer than that which opens with
    ``{`` is taken for a record (a pretty-printed object breaks its first
    line at once), so a file of huge records is JSON Lines like a file of
    small ones. A file that cannot be read here is text, left to the
    reader, which reports it.
    """
    try:
        wide = _wide_head(path, compression)
        with path.open("rb") as raw, wrap_read(raw, compression) as plain, wide or plain as handle:
            while line := handle.readline(SNIFF_BYTES):
                if not line.strip():
                    continue
                first = line.lstrip().removeprefix(b"\xef\xbb\xbf").lstrip()
                if len(line) == SNIFF_BYTES and not line.endswith(b"\n"):
                    return "jsonl" if first.startswith(b"{") else "json" if first.startswith(b"[") else "text"
                try:
                    if isinstance(json.loads(line.decode("utf-8-sig")), dict):
                        return "jsonl"
                except ValueError:
                    pass
                return "json" if first[:1] in (b"[", b"{") else "text"
    except Exception:  # unreadable or corrupt compressed data (assorted types): the reader reports it
        return "text"
    return "text"


def _wide_head(path: Path, compression: str | None) -> BinaryIO | None:
    """The start of a UTF-16/32 file (by its byte order mark) as UTF-8, at most :data:`SNIFF_BYTES`; else None."""
    with path.open("rb") as raw, wrap_read(raw, compression) as handle:
        prefix = handle.read(4)
        encoding = wide_encoding(prefix)
        if encoding is None:
            return None
        text = codecs.getincrementaldecoder(encoding)("surrogatepass").decode(prefix + handle.read(4 * SNIFF_BYTES))
    return io.BytesIO(text.encode("utf-8", "backslashreplace")[:SNIFF_BYTES])


#: suffixes of files that are text whatever their first line looks like
TEXT_SUFFIXES = {".txt", ".text", ".md"}


def _looks_like_jsonl(head: bytes, complete: bool) -> bool:
    """Is ``head`` (the start of an input) a JSON object on its first line, as JSON Lines start?

    A first line longer than ``head`` counts when it opens like an object
    with a key (``{"``): a news record is often longer than a peek.
    """
    first, newline, _ = head.partition(b"\n")
    first = first.removeprefix(codecs.BOM_UTF8).strip()
    if not newline and not complete:
        return first.startswith(b'{"')
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:  # not JSON, or not UTF-8
        return False


#: how many bytes of standard input are needed to tell its compression (bzip2's magic is 10)
MAGIC_BYTES = 16
#: (standard input's buffer, that buffer with the bytes :func:`_stdin_head` had to read put back in front)
_STDIN: tuple[BinaryIO, BinaryIO] | None = None


class _Prefixed(io.RawIOBase):
    """``head`` then the rest of ``rest``: bytes read to look at them, given back to the reader."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        data = self._head[: len(buffer)] if self._head else self._rest.read1(len(buffer))  # type: ignore[attr-defined]
        self._head = self._head[len(data) :]
        buffer[: len(data)] = data
        return len(data)


#: how many compressed bytes of standard input may be read to see its first decompressed bytes (a bzip2 block is up to 900 kB)
PROBE_BYTES = 1 << 20
#: a stream that fails to decompress this early is not one; later it is a damaged one
STREAM_START = 512
#: how many decompressed bytes are enough to look at (a JSON Lines hint needs the start of the first line)
PLAIN_HEAD = 4096


@dataclass(frozen=True)
class StdinStart:
    """What the start of standard input says: its compression, its first (decompressed) bytes, and a warning."""

    compression: str | None
    head: bytes  # decompressed when compressed, as much as the look brought
    warning: str | None = None


def _stdin_head() -> bytes:
    """The start of standard input, looked at without losing it.

    A peek gives what one read of the pipe brought, which from a slow
    producer (``curl … |``) can be a single byte: too little to tell a
    compression. Then up to :data:`MAGIC_BYTES` are read and put back in
    front (:data:`_STDIN`, for :func:`_stdin`). Empty on a terminal, where
    reading would wait for typing before the "reading standard input"
    message, and when stdin cannot be read here.
    """
    global _STDIN
    _STDIN = None
    try:
        if sys.stdin.isatty():
            return b""
        buffer = sys.stdin.buffer
        head = buffer.peek(SNIFF_BYTES)[:SNIFF_BYTES]
    except (AttributeError, ValueError, OSError):  # closed, replaced, or not peekable
        return b""
    if len(head) >= MAGIC_BYTES:
        return head
    return _read_ahead(buffer, MAGIC_BYTES)


def _read_ahead(buffer: BinaryIO, upto: int, enough: Callable[[bytes], bool] = lambda _: False) -> bytes:
    """Standard input's first ``upto`` bytes (fewer at its end, or once ``enough``), all put back in front for the reader.

    Bytes an earlier look read and put back are read again here, from the
    given-back stream, so nothing is lost or doubled.
    """
    global _STDIN
    if _STDIN is not None and _STDIN[0] is buffer:
        buffer = _STDIN[1]  # the bytes given back come first
    read = b""
    with contextlib.suppress(OSError):  # what was read is kept; the reader meets the error again
        while len(read) < upto and not enough(read) and (chunk := buffer.read1(upto - len(read))):  # type: ignore[attr-defined]
            read += chunk
    _STDIN = (sys.stdin.buffer, io.BufferedReader(_Prefixed(read, buffer)))  # type: ignore[arg-type]
    return read


def _stdin_start(choice: str = "auto") -> StdinStart:
    """The compression and the decompressed start of standard input (``choice``: ``--stdin-compression``).

    "auto" goes by the magic number, and then decompresses the start: bytes
    that only begin like a compressed stream (text whose first bytes happen
    to be gzip's, say) fail at once, and are read as they are, with a
    warning. A stream that decompresses at first and fails later is
    corrupt, and the reader says so. A named kind is never second-guessed;
    "none" reads the bytes as they are.
    """
    head = _stdin_head()
    kind = None if choice == "none" else compression_of_head(head) if choice == "auto" else choice
    if kind is None or not head:
        return StdinStart(kind, b"" if kind else head)
    decompress = decompressor(kind)
    if decompress is None:  # zstandard missing: the reader says so
        return StdinStart(kind, b"")
    plain = bytearray()
    failure: Exception | None = None
    fed = 0
    early = False  # the failure came in the first STREAM_START bytes

    def enough(raw: bytes) -> bool:
        """Decompress what was read since the last call; True once the start is told (or the data failed)."""
        nonlocal failure, fed, early
        # the first STREAM_START bytes are fed on their own, to tell a failure there from one further on
        for end in (min(STREAM_START, len(raw)), len(raw)):
            if end <= fed or failure is not None or len(plain) >= PLAIN_HEAD or b"\n" in plain:
                continue
            try:
                plain.extend(decompress(raw[fed:end]))
            except Exception as exc:  # zlib.error, OSError, LZMAError, ZstdError, EOFError
                failure, early = exc, fed < STREAM_START
            fed = end
        return failure is not None or len(plain) >= PLAIN_HEAD or b"\n" in plain

    raw = _read_ahead(sys.stdin.buffer, PROBE_BYTES, enough)
    enough(raw)  # the last chunk read
    if failure is None or plain or not early or isinstance(failure, EOFError):
        return StdinStart(kind, bytes(plain))  # a real stream (damaged further on, the reader says so)
    if choice != "auto":
        return StdinStart(kind, b"")  # asked for: the reader reports the corrupt data
    name = COMPRESSION_NAMES[kind]
    warning = (
        f"starts like {name} data but is not ({failure}), so it is read as it is, uncompressed "
        "(--stdin-compression none says so and drops this warning)"
    )
    return StdinStart(None, raw[:SNIFF_BYTES], warning)


def _stdin() -> BinaryIO:
    """Standard input's bytes, with any that :func:`_stdin_head` read given back first (if it is still the same stream)."""
    buffer = sys.stdin.buffer
    return _STDIN[1] if _STDIN is not None and _STDIN[0] is buffer else buffer


def _stdin_input(stdin_format: str | None, stdin_compression: str = "auto") -> InputFile:
    """Standard input: compressed if it starts with a compression's magic number (see :func:`_stdin_start`).

    Read as text by default (``stdin_format`` None), it gets a warning if it
    looks like JSON Lines (judged on its decompressed start). Compressed,
    its ``-o`` output is named ``stdin.gz`` (and so on) and compressed the
    same way, as a file's is.
    """
    start = _stdin_start(stdin_compression)
    compression = start.compression
    rel = Path("stdin" + (suffix_of(compression) if compression else ""))
    hints = (start.warning,) if start.warning else ()
    if stdin_format is None and _looks_like_jsonl(start.head, complete=False):
        hints += (
            "looks like JSON Lines (its first line is a JSON object) but is read as one text document; add --stdin-format jsonl to read its records",
        )
    return InputFile(None, stdin_format or "text", compression, rel, hints=hints)


def _file_hint(path: Path, compression: str | None) -> str | None:
    """A named file read as text by default (no known suffix): a warning if it looks like JSON Lines."""
    name = path.name[: -len(path.suffix)] if compression else path.name
    if Path(name).suffix.lower() in TEXT_SUFFIXES or not path.is_file():
        return None  # a FIFO or <(...) would be consumed by a look
    try:
        with path.open("rb") as raw, wrap_read(raw, compression) as handle:
            head = handle.read(SNIFF_BYTES)
    except Exception:  # unreadable or corrupt: the reader reports it
        return None
    if not _looks_like_jsonl(head, complete=len(head) < SNIFF_BYTES):
        return None
    return "looks like JSON Lines (its first line is a JSON object) but is read as one text document; add --input-format jsonl (or name it .jsonl) to read its records"


def discover(
    args: list[str],
    globs: list[str] | None = None,
    stdin_format: str | None = "text",
    input_format: str = "auto",
    unplaced: list[tuple[str, str]] | None = None,
    stdin_compression: str = "auto",
) -> list[InputFile]:
    """Expand CLI arguments into input files.

    Folders are walked recursively, skipping hidden names, session files and
    anything that is not a regular file (a FIFO in a folder would block the
    run forever, as a device would never end); a path named on the command
    line is read whatever it is, so ``<(zcat x.gz)`` works.
    ``input_format`` other than "auto" is the format of every file (``--input-format``).

    ``stdin_format`` None means text by default: standard input, and a named
    file that auto reads as text for want of a known suffix, get a
    :attr:`~InputFile.hint` when they look like JSON Lines.

    A folder the walk cannot list (no permission) is not skipped in silence:
    it becomes an input whose :attr:`~InputFile.problem` says why, so reading
    it raises :class:`InputError` and the run reports and counts it in order.
    Symlinked folders are followed, each real folder once (see :func:`_walk`).
    The notes of a walk that found no file to carry them (a folder whose
    only content is a link loop) go to ``unplaced`` as (where, message),
    for the caller to say before it reports that nothing was found.
    """
    found: list[InputFile] = []
    for arg in args:
        if arg == "-":
            found.append(_stdin_input(stdin_format, stdin_compression))
            continue
        if remote.is_url(arg):
            try:
                expanded = remote.expand(arg, globs)
            except remote.RemoteError as exc:
                raise InputError(str(exc)) from None
            for url, rel, explicit in expanded:
                fmt, comp = format_of(PurePosixPath(rel), input_format)
                found.append(InputFile(None, fmt, comp, Path(rel), explicit=explicit, url=url))
            continue
        path = Path(arg)
        if path.is_dir():
            found.extend(_walk(path, globs, input_format, unplaced))
        elif path.exists():
            fmt, comp = format_of(path, input_format)
            hint = _file_hint(path, comp) if fmt == "text" and input_format == "auto" else None
            found.append(InputFile(path, fmt, comp, Path(path.name), hints=(hint,) if hint else ()))
        else:
            raise InputError(f"{arg}: no such file or directory")
    return found


def _walk(top: Path, globs: list[str] | None, input_format: str, unplaced: list[tuple[str, str]] | None = None) -> list[InputFile]:
    """The files found in folder ``top``, sorted, following symlinked folders as symlinked files are followed.

    Each real folder is read once (compared by device and inode), so a
    link can neither loop nor read a folder twice. A link to a folder that
    the walk reads anyway (one inside ``top``) is left to that folder's own
    name, so its files are read (and mirrored by ``-o``) under their real
    names. A folder left out for either reason gets a note (see
    :func:`_place_notes`); the files of an outside folder reached through a
    link are named through it (``top/link/x.txt``).
    """
    found: list[InputFile] = []
    notes: list[tuple[int, str, str]] = []  # (how many files were found before it, where, message)
    real_top = top.resolve()
    seen: dict[tuple[int, int], Path] = {}
    try:
        st = top.stat()
        seen[(st.st_dev, st.st_ino)] = top
    except OSError:
        pass  # the walk reports it

    def unlistable(exc: OSError) -> None:
        folder = Path(exc.filename) if exc.filename else top
        rel = folder.relative_to(top) if folder != top else Path(top.name)
        reason = f"cannot list folder: {exc.strerror or exc}"
        found.append(InputFile(folder, "text", None, rel, explicit=folder == top, problem=reason))

    for root, dirs, files in os.walk(top, onerror=unlistable, followlinks=True):
        kept = []
        for name in sorted(d for d in dirs if not d.startswith(".")):
            folder = Path(root) / name
            why = _walked_already(folder, top, real_top, seen)
            if why:
                notes.append((len(found), str(folder), why))
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            if name.startswith(".") or _is_session_file(name):
                continue
            if globs and not any(fnmatch.fnmatch(name, g) for g in globs):
                continue
            full = Path(root) / name
            if not full.is_file() and not full.is_symlink():
                continue  # a FIFO, socket or device: reading would block or never end (a broken link stays, to be reported)
            fmt, comp = format_of(full, input_format)
            found.append(InputFile(full, fmt, comp, full.relative_to(top), explicit=False))
    if not found and unplaced is not None:
        unplaced.extend((where, message) for _, where, message in notes)
    return _place_notes(found, notes)


def _walked_already(folder: Path, top: Path, real_top: Path, seen: dict[tuple[int, int], Path]) -> str:
    """Why the walk of ``top`` does not go into ``folder`` ("" when it does); records the folder as seen."""
    try:
        st = folder.stat()
    except OSError:
        return ""  # a broken link is not a folder (os.walk lists it as one only if it resolves); unreadable: the walk says so
    place = (st.st_dev, st.st_ino)
    if folder.is_symlink():
        target = folder.resolve()
        shown = seen.get(place) or _shown(target, top, real_top)
        if folder.parent.resolve().is_relative_to(target):
            return f"a link to {shown}, a folder that contains it (a loop): not followed"
        if place in seen:
            return f"a link to the folder already read as {seen[place]}: not read twice"
        if target.is_relative_to(real_top) and not any(p.startswith(".") for p in target.relative_to(real_top).parts):
            return f"a link to {shown}, which is read under that name: not read twice"
    elif place in seen:
        return f"the same folder as {seen[place]}, already read: not read twice"
    seen[place] = folder
    return ""


def _shown(target: Path, top: Path, real_top: Path) -> str:
    """A resolved folder as the user would name it: under ``top`` when it is inside, else its full path."""
    if target.is_relative_to(real_top):
        return str(top / target.relative_to(real_top)) if target != real_top else str(top)
    return str(target)


def _place_notes(found: list[InputFile], notes: list[tuple[int, str, str]]) -> list[InputFile]:
    """Give each note of the walk to the input found after it (or the last one), to be said when that input is read.

    Discovery has no reporter of its own; an input's reader says its notes
    first (every command reads its inputs in order), so a note comes out
    where the folder would have been read.
    """
    if not found:
        return found
    for index, where, message in reversed(notes):
        at = min(index, len(found) - 1)
        found[at] = dataclasses.replace(found[at], notes=((where, message), *found[at].notes))
    return found


def _say_notes(source: InputFile, report: Reporter | None) -> None:
    if report is not None:
        for where, message in source.notes:
            report("note", where, message)


def _check_readable(source: InputFile) -> None:
    """Raise the problem found before reading (see :func:`discover`)."""
    if source.problem:
        raise InputError(f"{source.display}: {source.problem}")


def _read_all(source: InputFile) -> bytes:
    if source.is_stdin and source.compression is None:
        return _stdin().read()
    with wrap_read(_raw(source), source.compression) as handle:
        return handle.read()


@contextlib.contextmanager
def _read_errors(source: InputFile) -> Iterator[None]:
    """Turn the assorted errors of reading (and decompressing) into :class:`InputError`."""
    try:
        yield
    except remote.RemoteError as exc:
        raise InputError(str(exc)) from None
    except WideError as exc:
        raise InputError(f"{source.display}: {exc}") from None
    except (TruncatedInput, CorruptInput) as exc:
        raise DamagedInput(source.display, str(exc), isinstance(exc, TruncatedInput)) from None
    except (OSError, EOFError) as exc:
        raise InputError(f"{source.display}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    except Exception as exc:  # zstd/gzip format errors have assorted types
        if type(exc).__module__.startswith(("zstandard", "gzip", "zlib")) or "zstd" in type(exc).__name__.lower():
            name = COMPRESSION_NAMES.get(source.compression or "", source.compression)
            raise DamagedInput(source.display, f"corrupt {name} data ({exc})", truncated=False) from None
        raise


def read_items(source: InputFile, text_key: str, report: Reporter, writes: bool = True) -> Iterator[Item]:
    """Stream the items of one input. Raises :class:`InputError` if unreadable.

    ``writes``: the caller copies malformed lines to an output (so the report says so).
    """
    with _read_errors(source):
        if source.fmt == "jsonl":
            yield from _read_jsonl(source, text_key, report, COPIED if writes else "")
        elif source.fmt == "json":
            yield from _read_json(source, text_key, report, COPIED_RECORD if writes else "")
        else:
            yield from _read_text(source, report)


def _read_text(source: InputFile, report: Reporter) -> Iterator[Item]:
    _say_notes(source, report)
    _check_readable(source)
    data = _read_all(source)
    _refuse_unreadable(source, data)
    decoded = decode_bytes(data)
    if decoded.problem:
        report("warning", source.display, decoded.problem)
    if not data:
        report("note", source.display, "empty file")
    meta = {"encoding": decoded.encoding, "bom": decoded.bom}
    yield Item(Document(source.display, decoded.text, meta), meta=meta)


class JsonlLines:
    """The raw lines of a JSONL input (bytes, line ends kept), streamed; iterate it once.

    The batch runner reads with this in its main thread, in blocks of whole
    lines (:meth:`blocks`), and leaves splitting and parsing to the workers
    (:func:`jsonl_item`), so the main thread stays cheap.
    Raises :class:`InputError` like :func:`read_items`, saying how many
    lines were read before the problem (a truncated download's good part).

    * An input starting with a UTF-16 or UTF-32 byte order mark is decoded
      as such, incrementally, and its lines are UTF-8 (see
      :mod:`scrubber.io.wide`); ``report`` gets one warning for the file.
    * A line that is not UTF-8 is yielded as it is (a line copied unchanged
      must be the input's bytes); the legacy code page its record is read
      in (the one that reads the first such line best, kept for the file)
      is :attr:`encoding`, set from that line on, and ``report`` gets one
      warning for the file. :func:`jsonl_item` decodes such a line with it.
    * A binary file (judged on its first 8 KiB, as a text file), or one that
      looks like UTF-16/32 without a byte order mark, raises before any line
      is yielded.
    """

    def __init__(self, source: InputFile, report: Reporter | None = None, check: bool = True) -> None:
        self.source = source
        self.legacy = _Legacy(source.display, report)
        self.report = report
        #: False: :meth:`blocks` leaves the UTF-8 check to the caller (see :meth:`check`)
        self.check_blocks = check
        #: where the input is on disk when its blocks are its file's bytes (a plain local file), else None
        self.file: FileAt | None = None

    @property
    def encoding(self) -> str | None:
        """The legacy code page of the lines that are not UTF-8 (None until the first one)."""
        return self.legacy.encoding

    def __iter__(self) -> Iterator[bytes]:
        for line, _ in self.blocks(1, 1):
            yield line

    def blocks(self, max_bytes: int, max_lines: int) -> Iterator[tuple[bytes, int]]:
        """(block, lines in it): the input's lines in blocks, cut as :func:`~scrubber.io.lineblocks.cut_blocks` says.

        Each block is checked as a whole (one ``decode`` when it is not
        ASCII, until the file's legacy code page is known); when it is not
        UTF-8, its first line that is not is found and judged as a line
        read on its own would be, so :attr:`encoding`, the warning and its
        line number are those of a line-by-line read.
        """
        source = self.source
        _say_notes(source, self.report)
        _check_readable(source)
        count = 0
        try:
            with _read_errors(source):
                handle = _open(source)
                try:
                    prefix = handle.read(4)
                    wide = wide_encoding(prefix)
                    if wide is None and source.compression is None and source.path is not None and source.url is None:
                        self.file = FileAt.of(source.path, handle)
                    if wide is not None:
                        chunks = Chunks(transcoded(prefix, handle, wide))
                    else:
                        size = lineblocks.DECOMPRESSED_READ if source.compression else lineblocks.READ_SIZE
                        chunks = Chunks(read_chunks(prefix, handle, size))
                    head = chunks.head(BINARY_HEAD)
                    if chunks.failure is not None and wide is None and len(head) < len(prefix):
                        raise chunks.failure  # read line by line, the line the first 4 bytes begin was never whole: nothing read
                    _refuse_unreadable(source, head)
                    if wide is not None and self.report is not None:
                        self.report("warning", source.display, wide_problem(wide))
                    for block, lines in cut_blocks(chunks, max_bytes, max_lines):
                        if self.check_blocks and self.legacy.encoding is None and not block.isascii():
                            self.check(block, count + 1)
                        count += lines
                        yield block, lines
                    if chunks.failure is not None:
                        raise chunks.failure  # after the lines read before it
                finally:
                    if not source.is_stdin:
                        handle.close()
        except DamagedInput as exc:
            raise exc.after(count) from None
        except InputError as exc:
            if count:
                raise InputError(f"{exc} after line {count}") from None
            raise

    def check(self, block: bytes, first: int) -> None:
        """Judge the first line of ``block`` (whose first line is line ``first``) that is not UTF-8, if any.

        A ``\n`` is never inside a UTF-8 sequence, so the block's first bad
        byte is in its first line that is not UTF-8 (the lines before it
        decode on their own), at the same column. :meth:`blocks` calls it on
        each block until :attr:`encoding` is known, unless told not to: the
        batch runner leaves it to its workers, which decode every line anyway
        (a whole-block ``decode`` was a tenth of its main process's CPU), and
        calls it for a block whose worker found a line that is not UTF-8.
        """
        try:
            block.decode("utf-8")
        except UnicodeDecodeError as exc:
            start = block.rfind(b"\n", 0, exc.start) + 1
            end = block.find(b"\n", exc.start) + 1 or len(block)
            self.legacy(block[start:end], first + block.count(b"\n", 0, start), "lines")


@dataclass(frozen=True)
class FileAt:
    """A plain local input as the main process opened it, so that a worker on this machine can read a block of it itself.

    A pool's workers then get (offset, size) instead of the block's bytes
    through a pipe, which cost the main process (pickling, writing the
    pipe) as much as reading the file. The bytes must be those the main
    process read (it rebuilds the output from its own copy): a worker reads
    only while the file is still this one, unchanged since it was opened
    (same device, inode and modification time, before and after the read);
    otherwise it says so and the main process sends the block.
    """

    path: str
    dev: int
    ino: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path, handle: BinaryIO) -> FileAt | None:
        """The file behind ``handle`` (opened from ``path``); None when it is not a regular file (a FIFO is read once)."""
        try:
            st = os.fstat(handle.fileno())
        except (OSError, AttributeError, ValueError):
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        return cls(os.path.abspath(path), st.st_dev, st.st_ino, st.st_mtime_ns)

    def read(self, offset: int, size: int) -> bytes | None:
        """The ``size`` bytes at ``offset``; None when the file is no longer as it was opened (or cannot be read)."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:
            return None
        try:
            if not self._same(fd, offset + size):
                return None
            data = os.pread(fd, size, offset)
            return data if len(data) == size and self._same(fd, offset + size) else None
        except OSError:
            return None
        finally:
            os.close(fd)

    def _same(self, fd: int, end: int) -> bool:
        st = os.fstat(fd)
        return (st.st_dev, st.st_ino, st.st_mtime_ns) == (self.dev, self.ino, self.mtime_ns) and st.st_size >= end


def raw_lines(source: InputFile, report: Reporter | None = None) -> Iterator[bytes]:
    """The raw lines of a JSONL input; see :class:`JsonlLines` (which also tells their legacy code page)."""
    return iter(JsonlLines(source, report))


def _open(source: InputFile) -> BinaryIO:
    """The decompressed bytes of an input (standard input as it is)."""
    return wrap_read(_raw(source), source.compression)


def _raw(source: InputFile) -> BinaryIO:
    """The still compressed bytes of an input: its file, its URL, or standard input."""
    return _stdin() if source.is_stdin else source.open()


def _refuse_unreadable(source: InputFile, head: bytes) -> None:
    """Raise when the start of an input shows it is not text we can read (before anything is yielded)."""
    _refuse_bomless_wide(source, head)
    if looks_binary(head):
        raise BinaryInput(f"{source.display}: binary file (NUL or control bytes), skipped")


def _refuse_bomless_wide(source: InputFile, head: bytes) -> None:
    """UTF-16/32 without a byte order mark is refused with one error for the file, never guessed.

    Read as bytes it would be a NUL-strewn mess (one malformed record per
    line, or a binary file); the fix is the user's: convert it, or add the mark.
    """
    wide = bomless_wide(head)
    if wide is not None:
        sample = head[:8192]
        if sample.count(0) * 4 < len(sample):  # text in another script: see decode.bomless_utf16_script
            why = f"its bytes read as text in {wide} and as control bytes otherwise"
        else:
            why = f"a NUL byte in every {'other byte' if wide.startswith('UTF-16') else 'four bytes but one'}"
        raise InputError(
            f"{source.display}: looks like {wide[:6]} without a byte order mark ({why}), so it is not read: "
            f"convert it to UTF-8 (iconv -f {wide} -t UTF-8) or save it with a byte order mark"
        )


class _Legacy:
    """Finds the legacy code page of a file's records that are not UTF-8, and says it once.

    Chosen at the first such record (see :func:`~scrubber.io.decode.legacy_line`)
    and kept for the file; the warning names it and the first bad byte.
    The records themselves are decoded where they are parsed (:func:`jsonl_item`).
    """

    def __init__(self, display: str, report: Reporter | None) -> None:
        self.display = display
        self.report = report
        self.encoding: str | None = None

    def __call__(self, data: bytes, line: int, unit: str) -> None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            _, self.encoding = legacy_line(data, None)
            if self.report is not None:
                bad = f"first bad byte 0x{exc.object[exc.start]:02x} at line {line}" + (
                    f", column {exc.start + 1}" if unit == "lines" else ""
                )
                self.report(
                    "warning", self.display, f"not valid UTF-8 ({bad}); such {unit} decoded as {NAMES[self.encoding]} ({self.encoding})"
                )


def _as_utf8(data: bytes, encoding: str | None) -> bytes:
    """A record's bytes as UTF-8: read in the file's legacy code page ``encoding`` when they are not UTF-8."""
    if encoding is None or data.isascii():
        return data
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return legacy_line(data, encoding)[0]
    return data


#: said after a malformed line's problem when the command writes output (``fix``, ``apply``)
COPIED = "; line copied to the output unchanged"
#: the same for an element of a JSON array that is not a record
COPIED_RECORD = "; element copied to the output unchanged"

#: JSON's names for what ``json.loads`` returns (a user never wrote a "NoneType")
_JSON_TYPES = {dict: "object", list: "array", str: "string", int: "number", float: "number", bool: "true/false", type(None): "null"}


def jsonl_item(raw: bytes, lineno: int, display: str, text_key: str, encoding: str | None = None) -> tuple[Item, str]:
    """Parse one raw JSONL line into an item; a problem makes it a passthrough.

    Returns the item and the problem in words ("" when the line is fine or
    blank), for the caller to report as ``display:lineno`` (with
    :data:`COPIED` after it when the line is copied to an output). A UTF-8
    byte order mark before the first record (Windows tools write one) is
    read past, and written back with the record.

    ``encoding`` is the file's legacy code page (:attr:`JsonlLines.encoding`):
    a line that is not UTF-8 is read in it, and the record's raw bytes are
    that reading as UTF-8 (what an unchanged record is written as). A
    passthrough keeps the line's own bytes, so it is copied byte for byte.
    """
    record_raw = _as_utf8(raw, encoding)
    body = record_raw.rstrip(b"\r\n")
    if lineno == 1 and body.startswith(codecs.BOM_UTF8):
        body = body[len(codecs.BOM_UTF8) :]
    if not body.strip():
        return Item(None, raw, lineno), ""
    problem, record = _parse_record(body, text_key)
    if problem:
        return Item(None, raw, lineno), problem
    doc_id = record.get("id")
    doc_id = str(doc_id) if isinstance(doc_id, (str, int)) else f"{display}:{lineno}"
    meta = {"record": record, "line": lineno}
    return Item(Document(doc_id, record[text_key], meta), record_raw, lineno, meta), ""


def _read_jsonl(source: InputFile, text_key: str, report: Reporter, copied: str) -> Iterator[Item]:
    lines = JsonlLines(source, report)
    for lineno, raw in enumerate(lines, 1):
        item, problem = jsonl_item(raw, lineno, source.display, text_key, lines.encoding)
        if problem:
            report("error", f"{source.display}:{lineno}", problem + copied)
        yield item


def _parse_record(body: bytes, text_key: str) -> tuple[str, dict[str, Any]]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not valid UTF-8 (byte 0x{body[exc.start]:02x} at column {exc.start + 1})", {}
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"malformed JSON ({exc.msg} at column {exc.colno})", {}
    if not isinstance(record, dict):
        return f"a JSON {_JSON_TYPES.get(type(record), type(record).__name__)}, not an object", {}
    if text_key not in record:
        return f"no {text_key!r} field ({_other_fields(record, text_key)})", {}
    if not isinstance(record[text_key], str):
        return f"field {text_key!r} is not a string", {}
    return "", record


def _other_fields(record: dict[str, Any], text_key: str) -> str:
    """What a record without ``text_key`` has instead, and the field to try: the hint of a wrong ``--text-key``.

    The field suggested is the one most like an article (see
    :func:`_text_field_guess`). A dotted key (``meta.text``) whose head is
    a field is told that nested fields are not supported: the writer
    replaces a top-level value only.
    """
    nested = f"--text-key names a top-level field: nested fields such as {text_key} are not supported" if "." in text_key else ""
    if nested and text_key.split(".", 1)[0] in record:
        return nested
    if not record:
        return "the record is empty"
    names = list(record)
    shown = ", ".join(names[:8]) + (f", … ({len(names)} fields)" if len(names) > 8 else "")
    guess = _text_field_guess(record)
    hint = f"; try --text-key {guess}" if guess else ""
    return f"the record has: {shown}{hint}" + (f"; {nested}" if nested else "")


#: field names scrapers give the article's text
_TEXT_NAMES = re.compile(r"text|body|content|article|story|paragraphs?$", re.IGNORECASE)


def _text_field_guess(record: dict[str, Any]) -> str | None:
    """The string field of ``record`` most likely to hold the article, or None when it has none.

    Prose first (words, not one long token: an id, a URL, a hash), then a
    name that says text (body, content, article_text ...), then the most
    words: a long identifier is no article, and a title has fewer words
    than its body.
    """

    def rank(item: tuple[str, Any]) -> tuple[bool, bool, int, int]:
        name, value = item
        words = len(value.split())
        return words > 1, bool(_TEXT_NAMES.search(name)), words, len(value)

    strings = [(k, v) for k, v in record.items() if isinstance(v, str) and v.strip()]
    return max(strings, key=rank)[0] if strings else None


# -- JSON documents (an array of records, or one record) --------------------------------


class JsonPieces:
    """The pieces of a JSON document input, streamed (see :mod:`scrubber.io.jsondoc`); iterate it once.

    Raises :class:`InputError` with ``where`` = ``file:line:col`` where the
    input stops being a JSON array or object; the pieces before it were yielded.
    A UTF-16/32 input (by its byte order mark) is decoded as such and its
    pieces are UTF-8; an element that is not UTF-8 is yielded as it is and
    :attr:`encoding` is the legacy code page its record is read in, as for
    JSON Lines (:class:`JsonlLines`), with one warning for the file.
    """

    def __init__(self, source: InputFile, report: Reporter | None = None) -> None:
        self.source = source
        self.report = report
        self.legacy = _Legacy(source.display, report)

    @property
    def encoding(self) -> str | None:
        return self.legacy.encoding

    def __iter__(self) -> Iterator[Piece]:
        source = self.source
        _say_notes(source, self.report)
        _check_readable(source)
        with _read_errors(source):
            handle = _open(source)
            try:
                wide, chunks = utf8_chunks(handle, CHUNK)
                first = next(chunks, b"")
                _refuse_bomless_wide(source, first)  # a binary file is not JSON: the scan says where
                if wide is not None and self.report is not None:
                    self.report("warning", source.display, wide_problem(wide))
                check = self.legacy
                for piece in scan(itertools.chain([first], chunks)):
                    if check.encoding is None and not piece.body.isascii():
                        check(piece.body, piece.line, "records")
                    yield piece
            except DocumentError as exc:
                where = f"{source.display}:{exc.line}:{exc.col}"
                error = InputError(f"{where}: {exc.message}")
                error.where = where
                raise error from None
            finally:
                if not source.is_stdin:
                    handle.close()


def json_pieces(source: InputFile, report: Reporter | None = None) -> Iterator[Piece]:
    """The pieces of a JSON document input; see :class:`JsonPieces` (which also tells their legacy code page)."""
    return iter(JsonPieces(source, report))


def json_item(piece: Piece, display: str, text_key: str, encoding: str | None = None) -> tuple[Item, str]:
    """An item for one piece of a JSON document; a problem makes it a passthrough, as :func:`jsonl_item`.

    ``raw`` is the piece's ``lead + body`` (written back as is when the
    record is unchanged; its body made UTF-8 through ``encoding`` when it
    was not, as :func:`jsonl_item` does); ``meta["lead"]`` is the lead's
    length, which marks an array element (the writer splices only the body,
    and leaves the lead out before the first element kept when earlier ones
    were dropped).
    """
    raw = piece.lead + piece.body
    if not piece.is_element:
        return Item(None, raw), ""
    meta: dict[str, Any] = {"line": piece.line, "col": piece.col, "lead": len(piece.lead)}
    body = _as_utf8(piece.body, encoding)
    problem, record = _parse_record(body, text_key)
    if problem:
        return Item(None, raw, piece.line, meta), problem
    doc_id = record.get("id")
    doc_id = str(doc_id) if isinstance(doc_id, (str, int)) else f"{display}:{piece.line}:{piece.col}"
    meta["record"] = record
    return Item(Document(doc_id, record[text_key], meta), piece.lead + body, piece.line, meta), ""


def _read_json(source: InputFile, text_key: str, report: Reporter, copied: str) -> Iterator[Item]:
    pieces = JsonPieces(source, report)
    for piece in pieces:
        item, problem = json_item(piece, source.display, text_key, pieces.encoding)
        if problem:
            report("error", f"{source.display}:{piece.line}:{piece.col}", problem + copied)
        yield item
