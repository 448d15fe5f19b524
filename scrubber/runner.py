"""Batch over many documents: read, find, decide, apply, write.

The shape of a run, chosen so one machine's cores (or a cluster's) do the
work and the main process stays cheap:

* The main process only *reads* (JSON Lines as blocks of whole lines, cut
  with a few C calls per block: see :mod:`scrubber.io.lineblocks`; the
  pieces of a JSON array found by :mod:`scrubber.io.jsondoc`; or whole text
  files) and cuts the stream into tasks of about :data:`TASK_BYTES` (never
  more than :data:`TASK_DOCS` documents; a task may hold the tail of one
  file and the head of the next, but a segment never crosses a file).
* A worker gets a task, parses the JSON, runs the engine and the policy,
  re-encodes each record and sends back only the output bytes (of a JSON
  Lines block, only those of the records that changed: see
  :class:`_Layout`), a :class:`Stats` delta and the reports (and the
  documents themselves only when an ``on_document`` callback needs them).
  :func:`process` is that worker function; it is pure and the same for
  every backend.
* The main process keeps a bounded window of tasks in flight and consumes
  results strictly in input order: it writes the bytes to the file's
  :class:`~scrubber.io.sinks.Output` and commits the file when its last
  segment is written. Memory is a few tasks' worth, whatever the input size.

Backends: in-process (one job), a process pool (``jobs > 1``) or Dask
(:mod:`scrubber.distributed`). They share :func:`process`, so their outputs
are byte-for-byte identical.

Ctrl-C or a crashed worker stops the run: every output not yet committed is
removed (outputs are atomic), and :class:`RunAborted` says which inputs were
finished and where the run stopped.
"""

from __future__ import annotations

import dataclasses
import gc
import itertools
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Protocol

from .engine import Engine
from .io.jsondoc import Piece
from .io.lineblocks import lines_of
from .io.meter import METER
from .io.sinks import Output, OutputError, encode_item, output_path
from .io.sources import (
    COPIED,
    COPIED_RECORD,
    BinaryInput,
    DamagedInput,
    FileAt,
    InputError,
    InputFile,
    Item,
    JsonlLines,
    JsonPieces,
    json_item,
    jsonl_item,
    read_items,
)
from .model import Action, Finding
from .policy import Policy, fix_passes
from .scoring import document_score, has_garble_rules
from .signals import forget_stops, held_signals, raise_if_stopped, stop_word

#: a task is cut at about this many bytes of input (the pool's threads in the main process cost a
#: fixed share per task: 1 MiB, not 256 KiB, halved them) ...
TASK_BYTES = 1 << 20
#: ... or this many documents, whichever comes first
TASK_DOCS = 1024

Report = Callable[[str, str, str], None]

#: how many problems of a compressed JSON Lines input are held back until it is read to its end
#: (dropped if its data turns out corrupt: see :meth:`Runner._say_damage`); past this they are said as they come
HELD_REPORTS = 10_000


# -- per-document work ------------------------------------------------------------


@dataclass
class DocResult:
    """What the engine made of one document. Extend with defaulted fields."""

    findings: list[Finding]
    new_text: str | None  # None when unchanged or not fixing
    warnings: list[str] = field(default_factory=list)
    score: float | None = None  # document garble score; None when no garble rule ran
    dropped: bool = False  # the policy drops the whole document (score above --drop-above)
    #: findings of the passes after the first (see :func:`scrubber.policy.fix_passes`): counted, never shown
    later: list[Finding] = field(default_factory=list)


def analyze(engine: Engine, policy: Policy | None, text: str) -> DocResult:
    """Find (and, given a policy, apply) on one text. Pure; runs in workers."""
    warnings: list[str] = []
    findings = engine.find(text, warnings)
    score = document_score(text, findings) if has_garble_rules(engine) else None
    if policy is not None and policy.drops_document(score):
        return DocResult(findings, None, warnings, score, dropped=True)
    new_text = None
    later: list[Finding] = []
    if policy is not None and findings:
        fixed = fix_passes(engine, policy, text, findings, warnings)
        out, later = fixed.text, fixed.later
        if out != text and score is not None and policy.drop_above is not None:
            # score the result as a second run would, so that fixing twice drops no document the
            # first kept: removed lines lower the sentence count, and a later pass may have
            # flagged sentences the first skipped as damaged
            final = document_score(out, fixed.final if fixed.final is not None else engine.find(out))
            if policy.drops_document(final):
                return DocResult(findings, None, warnings, final, dropped=True, later=later)
        new_text = out if out != text else None
    return DocResult(findings, new_text, warnings, score, later=later)


# -- statistics ----------------------------------------------------------------------


@dataclass
class RuleStats:
    findings: int = 0
    applied: int = 0  # fixes applied
    documents: int = 0  # documents with at least one finding of the rule
    changed: int = 0  # documents the rule changed (a fix applied or a span dropped)
    dropped: int = 0  # flagged spans (sentences) removed

    def merge(self, other: RuleStats, sign: int = 1) -> None:
        for name in _RULE_COUNTS:
            setattr(self, name, getattr(self, name) + sign * getattr(other, name))


#: the counts of :class:`RuleStats` (``dataclasses.fields`` per merge was a tenth of the main process's CPU in a pool run)
_RULE_COUNTS = tuple(f.name for f in fields(RuleStats))


@dataclass
class Stats:
    """Counts of a run. Workers build deltas; the main process merges them."""

    files: int = 0  # inputs finished: output written (or left as it was), or read through when not writing
    files_failed: int = 0  # inputs that could not be read completely or whose output could not be written
    documents: int = 0  # when writing: documents of the inputs whose output was written
    documents_failed: int = 0  # when writing: documents read from inputs whose output was not written
    documents_changed: int = 0
    documents_dropped: int = 0
    chars_in: int = 0
    bytes_in: int = 0
    errors: int = 0
    skipped: int = 0
    seconds: float = 0.0
    rules: dict[str, RuleStats] = field(default_factory=dict)
    #: set when the run was stopped: the input (and line) it stopped in
    stopped_at: str | None = None

    @property
    def findings(self) -> int:
        return sum(r.findings for r in self.rules.values())

    def add(self, findings: list[Finding], decisions: dict[str, Action] | None = None) -> None:
        """Count one document's findings and the decisions that changed it."""
        decisions = decisions or {}
        seen: set[str] = set()
        changed: set[str] = set()
        for f in findings:
            rs = self.rules.get(f.rule)
            if rs is None:
                rs = self.rules[f.rule] = RuleStats()
            rs.findings += 1
            if f.rule not in seen:
                seen.add(f.rule)
                rs.documents += 1
            action = decisions.get(f.fingerprint)
            if (action is Action.ACCEPT and f.is_fix) or action is Action.EDIT:
                rs.applied += 1
            elif action is Action.DROP:
                rs.dropped += 1
            else:
                continue
            if f.rule not in changed:
                changed.add(f.rule)
                rs.changed += 1

    def merge(self, other: Stats) -> None:
        for name in _STATS_COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for rule, rs in other.rules.items():
            self.rules.setdefault(rule, RuleStats()).merge(rs)

    def move_to_failed(self, part: Stats) -> None:
        """Take the documents (and their findings) of an input whose output was not written out of the counts.

        They go to ``documents_failed``; what was read (``bytes_in``), the
        problems and the time stay, so that the summary's documents are those
        in the outputs.
        """
        for name in ("documents", "documents_changed", "documents_dropped", "chars_in"):
            setattr(self, name, getattr(self, name) - getattr(part, name))
        self.documents_failed += part.documents
        for rule, rs in part.rules.items():
            mine = self.rules[rule]
            mine.merge(rs, -1)
            if not mine.findings:
                del self.rules[rule]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--stats FILE`` (stable keys, rules sorted)."""
        return {
            "files": self.files,
            "files_failed": self.files_failed,
            "documents": self.documents,
            "documents_failed": self.documents_failed,
            "documents_changed": self.documents_changed,
            "documents_dropped": self.documents_dropped,
            "chars_in": self.chars_in,
            "bytes_in": self.bytes_in,
            "errors": self.errors,
            "skipped": self.skipped,
            "findings": self.findings,
            "seconds": round(self.seconds, 3),
            "stopped_at": self.stopped_at,
            "rules": {r: vars(rs) for r, rs in sorted(self.rules.items())},
        }


#: the counts :meth:`Stats.merge` adds up (the rules are merged one by one, the stopping place is not a count)
_STATS_COUNTS = tuple(f.name for f in fields(Stats) if f.name not in ("rules", "stopped_at"))


# -- the worker side -------------------------------------------------------------------


@dataclass(frozen=True)
class Work:
    """Everything a worker needs besides the data; sent once per worker."""

    engine: Engine
    policy: Policy | None
    text_key: str = "text"
    write: bool = False  # encode output bytes
    keep_docs: bool = False  # send items and results back (for on_document)


@dataclass
class Segment:
    """A run of consecutive items of one input (picklable: no open files)."""

    key: int  # which input, for the main process
    fmt: str
    display: str
    first_line: int = 1  # JSONL line number of the first line
    lines: list[bytes] | None = None  # raw JSONL lines, parsed by the worker
    #: raw JSONL lines as one block (cheaper to read and to send than a list), split and parsed by the worker
    block: bytes | None = None
    count: int = 0  # how many lines ``block`` holds
    pieces: list[Piece] | None = None  # raw pieces of a JSON document, parsed by the worker
    items: list[Item] | None = None  # already-read items (text files)
    nbytes: int = 0
    #: the legacy code page of the file's lines (or elements) that are not UTF-8, once known
    encoding: str | None = None
    #: a block of a plain local file: where it is, and its offset there (``nbytes`` long), so that a
    #: pool's worker reads it itself rather than get it through a pipe (see :class:`PoolBackend`)
    at: FileAt | None = None
    offset: int = 0

    def __len__(self) -> int:
        """How many items (documents or passthroughs) the segment holds."""
        if self.block is not None:
            return self.count
        return len(self.lines if self.lines is not None else self.pieces if self.pieces is not None else self.items or ())


@dataclass
class Part:
    """A worker's answer for one segment."""

    key: int
    data: bytes
    stats: Stats
    reports: list[tuple[str, str, str]]
    changed: bool
    docs: list[tuple[Item, DocResult]] | None = None
    #: JSON arrays: (offset, length) in ``data`` of the lead (``,`` and whitespace) of the first
    #: element written, to leave out when every element before it in the file was dropped
    lead: tuple[int, int] | None = None
    #: a segment given as a block: the output as runs of the block (see :class:`_Layout`), ``data`` holding
    #: only the bytes that are not the input's own; None: ``data`` is the whole output
    layout: list[int] | None = None
    #: a block read without the file's legacy code page (not known yet) holds a line that is not UTF-8:
    #: nothing else is told, the main process learns the code page and has the segment done again
    not_utf8: bool = False
    #: the worker could not read the segment's block itself (its file changed): nothing else is told
    unread: bool = False

    def output(self, seg: Segment) -> bytes:
        """The bytes to write for ``seg`` (this part's segment)."""
        if self.layout is None:
            return self.data
        return _Layout.rebuild(seg.block or b"", self.data, self.layout)


class _Layout:
    """A block segment's output, told as runs of its input: the unchanged lines are not sent back.

    Most records come out byte for byte as they came in (76% of a news
    corpus after ``fix``), and the main process still holds the block, so a
    worker sends only the bytes of the records that changed; the main
    process rebuilds the output from the block. ``runs`` is a flat list of
    (copy, skip, take) triples: copy ``copy`` bytes of the block, skip
    ``skip`` more (a changed or dropped record), take ``take`` bytes of the
    new data.
    """

    def __init__(self) -> None:
        self.runs: list[int] = []
        self.new: list[bytes] = []
        self._copy = 0

    def same(self, size: int) -> None:
        self._copy += size

    def replaced(self, size: int, data: bytes) -> None:
        self.runs += (self._copy, size, len(data))
        self._copy = 0
        if data:
            self.new.append(data)

    def done(self) -> tuple[bytes, list[int]]:
        if self._copy:
            self.runs += (self._copy, 0, 0)
        return b"".join(self.new), self.runs

    @staticmethod
    def rebuild(block: bytes, data: bytes, runs: list[int]) -> bytes:
        """The output told by ``runs`` over ``block`` and ``data`` (the block itself when nothing changed)."""
        if runs == [len(block), 0, 0]:
            return block
        source, new = memoryview(block), memoryview(data)
        pieces = []
        at = taken = 0
        for k in range(0, len(runs), 3):
            copy, skip, take = runs[k : k + 3]
            if copy:
                pieces.append(source[at : at + copy])
            at += copy + skip
            if take:
                pieces.append(new[taken : taken + take])
                taken += take
        return b"".join(pieces)


def process(work: Work, segments: Sequence[Segment]) -> list[Part]:
    """Parse, analyze, decide, encode: the whole per-task job. Pure."""
    return [_process_segment(work, seg) for seg in segments]


def _process_segment(work: Work, seg: Segment) -> Part:
    stats = Stats(bytes_in=seg.nbytes)
    reports: list[tuple[str, str, str]] = []
    out: list[bytes] = []
    docs: list[tuple[Item, DocResult]] | None = [] if work.keep_docs else None
    changed = False
    lead: tuple[int, int] | None = None
    size = 0
    lines = seg.lines if seg.block is None else lines_of(seg.block)
    layout = _Layout() if work.write and seg.block is not None else None
    #: a block whose code page for lines that are not UTF-8 is not known yet: the first such line's number goes here
    not_utf8: list[int] | None = [] if seg.block is not None and seg.encoding is None else None
    if lines is not None:
        items: Iterable[Item] = _parse_lines(seg, lines, work.text_key, reports, COPIED if work.write else "", not_utf8)
    elif seg.pieces is not None:
        items = _parse_pieces(seg, work.text_key, reports, COPIED_RECORD if work.write else "")
    else:
        items = seg.items or []
    policy = work.policy
    for item in items:
        if not_utf8:
            break  # done again with the code page: no use going on
        result = None
        if item.doc is not None:
            text = item.doc.text
            result = analyze(work.engine, policy, text)
            stats.documents += 1
            stats.chars_in += len(text)
            decisions = None
            if policy is not None and result.findings and (result.new_text is not None or result.dropped):
                decisions = {fp: d.action for fp, d in policy.decisions(result.findings + result.later).items()}
                stats.documents_changed += 1
                changed = True
            if result.dropped:
                stats.documents_dropped += 1
                changed = True
            if result.findings:
                stats.add(result.findings + result.later, decisions)
            for warning in result.warnings:
                reports.append(("warning", item.doc.id, warning))
            if docs is not None:
                docs.append((item, result))
        if layout is not None:
            assert lines is not None and item.line is not None  # a block's items are its lines, numbered
            line = lines[item.line - seg.first_line]
            data = (
                b""
                if result is not None and result.dropped
                else encode_item(item, result.new_text if result else None, seg.fmt, work.text_key)
            )
            if data == line:
                layout.same(len(line))
            else:
                layout.replaced(len(line), data)
        elif work.write and not (result is not None and result.dropped):
            data = encode_item(item, result.new_text if result else None, seg.fmt, work.text_key)
            if lead is None and "lead" in item.meta:
                lead = (size, item.meta["lead"])
            out.append(data)
            size += len(data)
    if not_utf8:  # read without the code page such lines are read in: the main process has it done again
        return Part(seg.key, b"", Stats(), [], False, not_utf8=True)
    if layout is not None:
        new, runs = layout.done()
        return Part(seg.key, new, stats, reports, changed, docs, layout=runs)
    return Part(seg.key, b"".join(out), stats, reports, changed, docs, lead)


def _parse_pieces(seg: Segment, text_key: str, reports: list[tuple[str, str, str]], copied: str) -> Iterator[Item]:
    for piece in seg.pieces or ():
        item, problem = json_item(piece, seg.display, text_key, seg.encoding)
        if problem:
            reports.append(("error", f"{seg.display}:{piece.line}:{piece.col}", problem + copied))
        yield item


def _parse_lines(
    seg: Segment, lines: list[bytes], text_key: str, reports: list[tuple[str, str, str]], copied: str, not_utf8: list[int] | None = None
) -> Iterator[Item]:
    """The items of a segment's lines; the problems go to ``reports``.

    ``not_utf8`` (a list, when the file's legacy code page is not known yet)
    gets the number of the first line that is not UTF-8: such a line is
    always a problem (its record cannot be decoded), so it is looked for
    only among the problems, for nothing on the lines that are fine.
    """
    for lineno, raw in enumerate(lines, seg.first_line):
        item, problem = jsonl_item(raw, lineno, seg.display, text_key, seg.encoding)
        if problem:
            if not_utf8 is not None and not not_utf8 and not _is_utf8(raw):
                not_utf8.append(lineno)
            reports.append(("error", f"{seg.display}:{lineno}", problem + copied))
        yield item


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# -- backends --------------------------------------------------------------------------


class Pending(Protocol):
    def result(self) -> list[Part]: ...


class Backend(Protocol):
    """Where tasks run. ``start`` once, ``submit`` many, ``close`` once."""

    #: how many tasks run at once (the runner keeps four times as many in flight)
    workers: int

    def start(self, work: Work) -> None: ...
    def submit(self, segments: list[Segment]) -> Pending: ...
    def close(self, abort: bool = False) -> None: ...


class _Later:
    """A task run when its result is asked for (so errors surface in ``result``)."""

    def __init__(self, work: Work, segments: list[Segment]) -> None:
        self.work, self.segments = work, segments

    def result(self) -> list[Part]:
        return process(self.work, self.segments)


class SerialBackend:
    """Everything in this process (``--jobs 1``)."""

    workers = 1

    def start(self, work: Work) -> None:
        self.work = work

    def submit(self, segments: list[Segment]) -> Pending:
        return _Later(self.work, segments)

    def close(self, abort: bool = False) -> None:
        pass


_WORK: Work | None = None


def _init_worker(work: Work) -> None:
    global _WORK
    _WORK = work
    # Ctrl-C goes to the whole process group; the parent alone handles it
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # the parent's SIGTERM handler (cli.common.stop_on_signals) is inherited on fork; the
    # parent ends its workers with SIGTERM, which must simply end them
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _pool_task(segments: list[Segment]) -> list[Part]:
    assert _WORK is not None
    parts = []
    for seg in segments:
        if seg.block is None and seg.at is not None:  # sent as (file, offset): read it here
            seg.block = seg.at.read(seg.offset, seg.nbytes)
            if seg.block is None:
                parts.append(Part(seg.key, b"", Stats(), [], False, unread=True))
                continue
        parts.append(_process_segment(_WORK, seg))
    return parts


#: a short document that reaches the tables the rules load on first use: English prose (the word
#: lists, the word-pair model), a German sentence (langdetect's profiles), mojibake and a residue line
WARM_TEXT = (
    "Officials said on Tuesday that the new bridge would open to traffic next spring.\n"
    "The council voted to approve the plan after a long debate about the cost.\n"
    "Der Bürgermeister sagte, dass die neue Brücke im Frühjahr eröffnet wird.\n"
    "The caf\u00c3\u00a9 owner said the the prices would rise .\n"
    "Share this:\n"
)


def warm_for_fork(engine: Engine) -> bool:
    """Load in this process what every forked worker would load for itself, and freeze it for sharing.

    The garble rules load about 150 MB of tables on first use (the foreign
    and English word lists, the word-pair model, langdetect's profiles) and
    compile some line rules: 0.3-0.5 s of CPU and the memory in every worker.
    Loaded once here, forked workers inherit them; :func:`gc.freeze` keeps
    the garbage collector from writing to those objects (a full collection
    touches every tracked object, which would copy each page into each
    worker). Only with the ``fork`` start method (Linux before Python 3.14):
    elsewhere workers start from nothing and this would only cost the parent.
    Returns whether it warmed.
    """
    if multiprocessing.get_start_method(allow_none=False) != "fork":
        return False
    engine.find(WARM_TEXT)
    gc.collect()
    gc.freeze()
    return True


class PoolBackend:
    """A local process pool; the engine is sent once per worker (inherited, tables loaded, under fork)."""

    def __init__(self, jobs: int) -> None:
        self.workers = jobs
        self.pool: ProcessPoolExecutor | None = None
        self._froze = False

    def start(self, work: Work) -> None:
        self._froze = warm_for_fork(work.engine)
        self.pool = ProcessPoolExecutor(self.workers, initializer=_init_worker, initargs=(work,))

    def submit(self, segments: list[Segment]) -> Pending:
        """Send a task; a block of a plain local file goes as its place in the file, which the worker reads.

        Pickling a block and pushing it through the pool's pipe cost the main
        process more than reading it from the file did; a worker reading it
        from the page cache costs only that worker a copy.
        """
        assert self.pool is not None
        sent = [seg if seg.at is None or seg.block is None else dataclasses.replace(seg, block=None) for seg in segments]
        return _PoolPending(self.pool, self.pool.submit(_pool_task, sent))

    def close(self, abort: bool = False) -> None:
        pool, self.pool = self.pool, None
        if self._froze:  # back to the collector's care (a long-lived caller of the API)
            gc.unfreeze()
            self._froze = False
        if pool is None:
            return
        if abort:
            abort_pool(pool)
        else:
            pool.shutdown()


class _PoolPending:
    """A pool task's future, waited for in slices so that a worker that died is noticed.

    The pool's manager thread finds a dead worker by itself, except when the
    worker was killed while sending its result: the manager then waits for the
    rest of that message forever, and so would the run.
    """

    #: how long a dead worker may go unnoticed by the pool before the run gives up on it
    GRACE = 2.0

    def __init__(self, pool: ProcessPoolExecutor, future: Future) -> None:
        self.pool, self.future = pool, future

    def result(self) -> list[Part]:
        died_at = None
        while True:
            try:
                return self.future.result(timeout=0.25)
            except FutureTimeout:
                pass
            if died_at is None:
                if _dead_workers(self.pool):
                    died_at = time.monotonic()
            elif time.monotonic() - died_at > self.GRACE:
                raise BrokenProcessPool("a worker process ended while sending its result")


def _dead_workers(pool: ProcessPoolExecutor) -> bool:
    try:
        processes = list((getattr(pool, "_processes", None) or {}).values())
    except RuntimeError:  # the manager thread changed it meanwhile: look again next time
        return False
    return any(p.exitcode is not None for p in processes)


#: set when an aborted pool left a thread that would not end; the CLI then exits with os._exit
#: rather than wait for it in the interpreter's exit hooks (see :func:`abort_pool`)
stuck_threads: list[threading.Thread] = []


def abort_pool(pool: ProcessPoolExecutor, timeout: float = 5.0) -> None:
    """Stop a ProcessPoolExecutor now, without waiting for its tasks, and leave no thread that never ends.

    ``shutdown(cancel_futures=True)`` alone waits for the running tasks; ending
    the workers first can leave the pool's threads stuck for good (CPython
    3.10-3.13), and the interpreter joins them at exit, so the process hangs
    after its last message (1 run in 8 under Ctrl-C):

    * the manager thread, reading a result a worker was killed halfway through
      sending, waits for the rest of it; closing this process's copy of the
      result pipe's write end (the workers' copies died with them) makes it read
      EOF, mark the pool broken and clean up;
    * the call queue's feeder thread, writing a task into a pipe no worker
      reads, blocks; the manager's cleanup closes the read end, and the write
      fails with EPIPE.

    The pool's private attributes are read with ``getattr`` so that another
    Python leaves this at the plain shutdown. Threads still alive after
    ``timeout`` are recorded in :data:`stuck_threads`.
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)  # shutdown forgets them: take them first
    call_queue = getattr(pool, "_call_queue", None)
    result_queue = getattr(pool, "_result_queue", None)
    # no interrupt can have been left inside the pool's lock: Runner holds signals during submit
    pool.shutdown(wait=False, cancel_futures=True)  # no new task goes to the workers
    if call_queue is not None:
        call_queue.cancel_join_thread()  # tasks left in it are not worth waiting for at exit
    for p in processes:  # don't wait for tasks nobody will read
        p.terminate()
    deadline = time.monotonic() + timeout
    for p in processes:
        p.join(max(0.1, deadline - time.monotonic()))
        if p.exitcode is None:
            p.kill()
            p.join(1)
    writer = getattr(result_queue, "_writer", None)
    if writer is not None and not any(p.exitcode is None for p in processes):
        writer.close()  # the last writer: a manager stuck in a half-sent result reads EOF
    threads = [t for t in (manager, getattr(call_queue, "_thread", None)) if isinstance(t, threading.Thread)]
    for t in threads:
        # joined here, not left to the exit hook, which would wake the manager through a pipe it may be
        # closing ("Exception ignored ... Bad file descriptor" after the clean message)
        t.join(max(0.1, deadline - time.monotonic()))
    stuck_threads.extend(t for t in threads if t.is_alive())


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# -- the main process ------------------------------------------------------------------

#: called for each processed document: (source, item, result)
OnDocument = Callable[[InputFile, Item, DocResult], None]
#: called after each consumed task: (stats so far)
OnProgress = Callable[["Stats"], None]


class WorkerError(Exception):
    """A task failed in its worker (a crash, or a bug in a rule)."""


class RunAborted(Exception):
    """The run was stopped (Ctrl-C or a failed worker); outputs not finished were removed."""

    def __init__(
        self,
        stats: Stats,
        reason: str,
        finished: int,
        total: int | None,
        stopped: str | None,
        interrupted: bool,
        on_stdout: tuple[str, int] | None = None,
        writes: bool = True,
    ) -> None:
        self.stats = stats
        self.reason = reason
        self.finished = finished
        self.total = total
        self.stopped = stopped
        self.interrupted = interrupted
        #: (input, records) already written to standard output, which no abort can take back
        self.on_stdout = on_stdout
        #: the run writes outputs (``fix``); ``check`` and ``--diff`` write none, so none was removed
        self.writes = writes
        super().__init__(self.describe())

    def describe(self) -> str:
        total = f" of {self.total}" if self.total is not None else ""
        lines = [f"{self.reason}; {self.finished}{total} input(s) finished"]
        if self.on_stdout is not None:
            name, records = self.on_stdout
            where = f"stopped in {self.stopped}: " if self.stopped else ""
            lines.append(
                f"{where}{records} record(s) of {name} were written to standard output before the run stopped "
                "(they end on a record boundary and cannot be taken back)"
            )
        elif self.stopped and self.writes:
            lines.append(
                f"stopped in {self.stopped}: every input before it is complete; its unfinished output (and any after it) was removed"
            )
        elif self.stopped:
            lines.append(f"stopped in {self.stopped}: every input before it was read in full; it and any after it were not finished")
        return "\n".join(lines)


def stop_reason(exc: BaseException) -> str:
    """How a run stopped by a signal is described: the CLI's ``Terminated`` carries the signal number."""
    return stop_word(getattr(exc, "signum", signal.SIGINT))


@dataclass
class _FileJob:
    source: InputFile
    output: Output | None = None
    failed: bool = False
    changed: bool = False
    #: with --in-place, the warning that the input was not UTF-8, said once we know whether it is rewritten
    encoding_warning: tuple[str, str, str] | None = None
    #: a JSON array: an element has been written (so the next one keeps its separating comma)
    element_written: bool = False
    #: the error already said that this input's output is not written
    said_refused: bool = False
    #: records written straight to standard output (which cannot be removed if the run stops)
    on_stdout: int = 0
    #: when not writing: the findings reported for this input so far (suspect if its compressed data turns out corrupt)
    findings_reported: int = 0
    #: a binary input left out (counted in ``skipped``, not as finished or failed)
    skipped: bool = False
    #: this input's share of the counts, taken out again if its output is not written
    stats: Stats = field(default_factory=Stats)
    #: a compressed JSON Lines input's problems, held until it is read to its end (None: said as they come)
    held: list[tuple[str, str, str]] | None = None
    #: the line of its first record problem (a corrupt stream's garbage starts there, if not before)
    first_problem: int | None = None
    #: its compressed data stopped decompressing (said when its last segment is consumed)
    damage: DamagedInput | None = None
    #: a JSON Lines input's reader: judges a block whose worker found a line that is not UTF-8
    reader: JsonlLines | None = None


def _where(seg: Segment) -> str:
    if seg.fmt == "json" and seg.pieces:
        return f"{seg.display}:{seg.pieces[0].line}"
    return f"{seg.display}:{seg.first_line}" if seg.fmt == "jsonl" else seg.display


class Runner:
    """Run an engine (and a policy, when fixing) over inputs; see the module docstring."""

    def __init__(
        self,
        engine: Engine,
        *,
        policy: Policy | None,
        report: Report,
        text_key: str = "text",
        jobs: int | None = 1,
        out_dir: Path | str | None = None,  # a str is a URL (fsspec)
        in_place: bool = False,
        write: bool = False,
        on_document: OnDocument | None = None,
        backend: Backend | None = None,
        on_progress: OnProgress | None = None,
    ) -> None:
        self.engine = engine
        self.policy = policy
        self._user_report = report
        self.text_key = text_key
        self.jobs = jobs if jobs and jobs > 0 else default_jobs()
        self.out_dir = out_dir
        self.in_place = in_place
        self.write = write
        self.on_document = on_document
        self.on_progress = on_progress
        #: with no backend given, a pool starts only once there is a second task
        self._lazy_pool = backend is None and self.jobs > 1
        self.backend: Backend = backend or SerialBackend()
        self.stats = Stats()
        self._jobs: dict[int, _FileJob] = {}
        self._position: str | None = None  # first input (and line) not yet consumed
        self._written_to_stdout: tuple[str, int] | None = None  # an unfinished input's records already on stdout

    def report(self, level: str, where: str, message: str) -> None:
        """Pass a problem to the user's reporter; errors are counted for the exit status."""
        if level == "error":
            self.stats.errors += 1
        self._user_report(level, where, message)

    # -- reading ----------------------------------------------------------
    def _segments(self, sources: Iterable[InputFile]) -> Iterator[tuple[Segment, bool]]:
        """Yield (segment, last segment of its input?) in input order."""
        for key, source in enumerate(sources):
            job = self._jobs[key] = _FileJob(source, held=[] if source.compression and source.fmt == "jsonl" else None)
            seg = Segment(key, source.fmt, source.display)
            reader: JsonlLines | JsonPieces | None = None  # tells the legacy code page of lines that are not UTF-8
            try:
                if source.fmt == "jsonl":
                    seg.block = b""
                    reader = job.reader = JsonlLines(source, self._reading(job), check=False)  # checked by the workers
                    offset = 0
                    for block, count in reader.blocks(TASK_BYTES, TASK_DOCS):
                        seg.block, seg.count, seg.nbytes, seg.encoding = block, count, len(block), reader.encoding
                        seg.at, seg.offset = reader.file, offset
                        offset += len(block)
                        if len(block) < TASK_BYTES and count < TASK_DOCS:
                            continue  # the input's last lines (before its end, or before a failure): its last segment, below
                        yield seg, False
                        seg = Segment(key, source.fmt, source.display, seg.first_line + count, block=b"")
                elif source.fmt == "json":
                    seg.pieces = []
                    reader = JsonPieces(source, self._reading(job))
                    for piece in reader:
                        seg.pieces.append(piece)
                        seg.nbytes += len(piece.lead) + len(piece.body)
                        if seg.nbytes >= TASK_BYTES or len(seg.pieces) >= TASK_DOCS:
                            seg.encoding = reader.encoding
                            yield seg, False
                            seg = Segment(key, source.fmt, source.display, pieces=[])
                else:
                    seg.items = list(read_items(source, self.text_key, self._reading(job)))
                    seg.nbytes = sum(len(i.doc.text) for i in seg.items if i.doc)  # close enough: progress only
            except BinaryInput as exc:
                self.stats.skipped += 1
                job.skipped = True
                if source.explicit:
                    self.report("error", source.display, str(exc).split(": ", 1)[1])
                else:
                    self.report("note", source.display, str(exc).split(": ", 1)[1])
                job.failed = True
                seg = Segment(key, source.fmt, source.display)
            except InputError as exc:
                job.failed = True
                if isinstance(exc, DamagedInput) and job.held is not None:  # said once all it read is consumed
                    job.damage = exc
                    if exc.truncated:  # what was read is sound: its problems are said as they come
                        self._release(job)
                else:
                    message = str(exc).split(": ", 1)[1]
                    if self.write and source.fmt == "json":  # said here, not again when the output is dropped
                        message += "; the output of this file is not written (rather than invalid JSON)"
                        job.said_refused = True
                    self.report("error", exc.where or source.display, message)
                # the lines read before the problem (a truncated file's good part) are still read: the reader gave
                # them before it raised, and ``seg`` holds them; so are the pieces of a JSON document read so far
                if source.fmt != "jsonl" and seg.pieces is None:
                    seg = Segment(key, source.fmt, source.display)
            if reader is not None:
                seg.encoding = reader.encoding
            yield seg, True

    def _reading(self, job: _FileJob) -> Report:
        """The reporter for reading a text file: the warning that it was not UTF-8 says what the output is.

        ``-o`` and standard output are always UTF-8; ``--in-place`` rewrites
        only a changed file, so there the warning waits until the file is
        finished and says whether it was rewritten (as UTF-8) or left as it was.
        Without output (``check``, ``--diff``) it is said as read.
        """

        def report(level: str, where: str, message: str) -> None:
            if level != "warning" or not self.write:
                self._job_report(job, level, where, message)
            elif self.in_place:
                job.encoding_warning = (level, where, message)
            else:
                self._job_report(job, level, where, message + "; output is UTF-8")

        return report

    def _job_report(self, job: _FileJob, level: str, where: str, message: str) -> None:
        """Report a problem of one input; a compressed JSON Lines input's are held until it is read to its end.

        Once a compressed stream turns out corrupt (a CRC error at its end),
        the lines decoded before the error may be garbage: hundreds of
        "malformed JSON" errors about them would bury the one that matters.
        """
        line = where.removeprefix(job.source.display + ":")
        if line.isdigit() and (job.first_problem is None or int(line) < job.first_problem):
            job.first_problem = int(line)
        if job.held is None or level == "note":
            self.report(level, where, message)
        elif job.damage is None:
            job.held.append((level, where, message))
            if len(job.held) > HELD_REPORTS:
                self._release(job)
        # else: the data is corrupt, and this problem is in what was decoded before the error: not said

    def _release(self, job: _FileJob) -> None:
        """Say the problems held for an input (its data was sound, or too many to hold)."""
        held, job.held = job.held or [], None
        for level, where, message in held:
            self.report(level, where, message)

    def _say_damage(self, job: _FileJob) -> None:
        """The one error of a compressed input whose data stopped decompressing, said once all it read is consumed.

        Cut short (truncated), the lines read are sound and their problems
        are said. Corrupt, the lines decoded before the error are suspect
        from its first problem on: their problems are not said (they would
        be garbage, reported as records), and the error is placed after the
        last line before them.
        """
        damage = job.damage
        assert damage is not None
        read = damage.lines or 0
        last_good = read
        if not damage.truncated and job.held is not None:  # (past HELD_REPORTS they were said as they came)
            if job.first_problem is not None:
                last_good = min(read, job.first_problem - 1)
            job.held = None
        message = str(damage.after(last_good)).split(": ", 1)[1]
        if last_good < read:
            message += f"; the {read - last_good:,} line(s) decoded after it are garbage from the damage, not reported one by one"
        if self.write and job.on_stdout:
            message += f"; {job.on_stdout} record(s) of it were already written to standard output"
            job.said_refused = True
        elif self.write:
            message += "; the output of this file is not written"
            job.said_refused = True
        elif not damage.truncated and job.findings_reported:
            # check streams findings as records arrive, and the stream's checksum is read only at
            # its end: what was printed for this input may describe the damage, not the text
            message += f"; the {job.findings_reported:,} finding(s) already reported for it may come from the damaged data"
        self.report("error", damage.display, message)

    def _tasks(self, sources: Iterable[InputFile]) -> Iterator[list[tuple[Segment, bool]]]:
        """Group segments into tasks of about TASK_BYTES (small files travel together)."""
        task: list[tuple[Segment, bool]] = []
        size = docs = 0
        for seg, last in self._segments(sources):
            METER.hand_out(seg.nbytes)  # read, not yet processed: progress on compressed inputs must not count it done
            task.append((seg, last))
            size += seg.nbytes
            docs += len(seg)
            if size >= TASK_BYTES or docs >= TASK_DOCS:
                yield task
                task, size, docs = [], 0, 0
        if task:
            yield task

    # -- running -----------------------------------------------------------
    def run(self, sources: Iterable[InputFile]) -> Stats:
        """Process every input; raises :class:`RunAborted` on Ctrl-C or a worker failure."""
        sources = list(sources)
        started = time.perf_counter()
        work = Work(self.engine, self.policy, self.text_key, self.write, self.on_document is not None)
        window: deque[tuple[list[tuple[Segment, bool]], Pending]] = deque()
        try:
            tasks = self._tasks(sources)
            if self._lazy_pool:
                head = list(itertools.islice(tasks, 2))
                if len(head) > 1:  # more than one task's worth of input: worth a pool
                    self.backend = PoolBackend(self.jobs)
                tasks = itertools.chain(head, tasks)
            with held_signals():
                self.backend.start(work)
            # in-process there is nothing to overlap; a pool needs room for skew (one slow task must not idle the rest):
            # 4 MiB a worker (8 tasks of 256 KiB before tasks grew to 1 MiB)
            depth = 2 if isinstance(self.backend, SerialBackend) else max(4, 4 * self.backend.workers)
            for task in tasks:
                with held_signals():  # an interrupt inside a pool's submit would leave its lock held
                    pending = self.backend.submit([seg for seg, _ in task])
                window.append((task, pending))
                while len(window) > depth:
                    self._drain(window)
            while window:
                self._drain(window)
            with held_signals():  # shutdown takes the pool's lock too; an interrupt waits until it is done
                self.backend.close()
        except (KeyboardInterrupt, WorkerError) as exc:
            self._clean_up_abort()
            forget_stops()
            self.stats.seconds = time.perf_counter() - started
            if self._position is None and window:
                self._position = _where(window[0][0][0][0])
            self.stats.stopped_at = self._position
            if isinstance(exc, KeyboardInterrupt):
                reason, interrupted = stop_reason(exc), True
            else:
                reason, interrupted = str(exc), False
                self.stats.errors += 1  # a worker that died (or failed) is an error of the run
            raise RunAborted(
                self.stats, reason, self.stats.files, len(sources), self._position, interrupted, self._written_to_stdout, self.write
            ) from exc
        except BaseException:
            self._clean_up_abort()
            raise
        self.stats.seconds = time.perf_counter() - started
        return self.stats

    def _drain(self, window: deque) -> None:
        task, pending = window[0]
        self._position = _where(task[0][0])
        parts = self._result(pending)
        window.popleft()
        for (seg, last), part in zip(task, parts):
            self._position = _where(seg)
            self._consume(seg, self._settled(seg, part), last)
        self._position = None
        if self.on_progress is not None:
            self.on_progress(self.stats)
        raise_if_stopped()

    def _result(self, pending: Pending) -> list[Part]:
        """A task's parts; a failure of the backend becomes a :class:`WorkerError` that says where."""
        try:
            return pending.result()
        except (KeyboardInterrupt, WorkerError):
            raise
        except BrokenProcessPool as exc:
            raise WorkerError(f"a worker process died ({exc})") from exc
        except Exception as exc:
            raise WorkerError(f"a worker failed in {self._position} ({type(exc).__name__}: {exc})") from exc

    def _settled(self, seg: Segment, part: Part) -> Part:
        """The part to consume for ``seg``: done again when the worker could not do it as it should have been.

        * The worker could not read the block from the file (it changed since
          it was read here): the block is sent.
        * The block holds a line that is not UTF-8 and was sent before the
          file's legacy code page was known: the block is judged here (the
          first such line of the file sets the code page and says the warning,
          as when blocks were judged as they were read) and done again with
          it. Rare (a legacy file, and only up to a window of tasks of it).
        """
        if part.unread:
            seg = dataclasses.replace(seg, at=None)
            part = self._again(seg)
        if part.not_utf8:
            reader = self._jobs[seg.key].reader
            assert reader is not None and seg.block is not None
            if reader.encoding is None:
                reader.check(seg.block, seg.first_line)
            part = self._again(dataclasses.replace(seg, encoding=reader.encoding, at=None))
        return part

    def _again(self, seg: Segment) -> Part:
        """Run one segment again through the backend, and wait for it."""
        with held_signals():
            pending = self.backend.submit([seg])
        return self._result(pending)[0]

    def _clean_up_abort(self) -> None:
        """End the backend's work and remove every unfinished output."""
        with held_signals(deliver=False):  # a second Ctrl-C must not cut the cleanup short
            self.backend.close(abort=True)
            self._abort_open()

    def _abort_open(self) -> None:
        for job in self._jobs.values():
            if job.held and job.damage is None:
                self._release(job)  # read before the stop, and sound as far as anyone knows
            if job.on_stdout:
                self._written_to_stdout = (job.source.display, job.on_stdout)
            elif self.write:  # its output is removed: its documents are not in any output
                self.stats.move_to_failed(job.stats)
            if job.output is not None:
                job.output.abort()
                job.output = None

    def _consume(self, seg: Segment, part: Part, last: bool) -> None:
        key = seg.key
        job = self._jobs[key]
        for level, where, message in part.reports:
            self._job_report(job, level, where, message)
        self.stats.merge(part.stats)
        if self.write:
            job.stats.merge(part.stats)
        else:
            job.findings_reported += part.stats.findings
        job.changed |= part.changed
        if part.docs is not None and self.on_document is not None:
            for item, result in part.docs:
                self.on_document(job.source, item, result)
        data = part.output(seg)
        if part.lead is not None:
            if not job.element_written:  # every element before this one was dropped: no comma before it
                at, size = part.lead
                data = data[:at] + data[at + size :]
            job.element_written = True
        try:
            if self.write and not job.failed and (data or (last and job.output is None)):
                if job.output is None:  # an empty input still gets its (empty) output
                    job.output = Output(job.source, output_path(job.source, self.out_dir, self.in_place))
                if data and job.output.target is None and seg.fmt != "json":  # stdout (a JSON document is spooled: see Output)
                    # an interrupt between the write and the count would report records that went
                    # out as removed: both happen, or neither, and the interrupt follows
                    with held_signals():
                        job.output.write(data)
                        job.on_stdout += len(seg) - part.stats.documents_dropped
                elif data:
                    job.output.write(data)
        except OutputError as exc:
            self.report("error", job.source.display, str(exc))
            job.failed = True
            job.output = None
        if last:
            self._finish(key)

    def _finish(self, key: int) -> None:
        # the input counts as finished only once its output is committed: an
        # interrupt inside the commit (an fsync) leaves no output, so it is not
        job = self._jobs[key]
        if job.damage is not None:
            self._say_damage(job)
        elif job.held:
            self._release(job)
        output, job.output = job.output, None
        written = not job.failed
        if output is not None:
            written = self._close_output(job, output)
        self._say_encoding(job, "")  # no output was opened (the input failed early)
        del self._jobs[key]
        if job.skipped:
            return
        if written:
            self.stats.files += 1
            return
        self.stats.files_failed += 1
        if self.write:
            self.stats.move_to_failed(job.stats)

    def _close_output(self, job: _FileJob, output: Output) -> bool:
        """Commit (or drop) an input's output; False when it is not written."""
        if job.failed:
            output.abort()
            self._say_encoding(job, "")
            if not job.said_refused:
                self.report("error", job.source.display, "output not written because the input could not be read completely")
            return False
        if self.in_place and not job.changed:
            output.abort()  # nothing changed: leave the file (and its mtime) alone
            self._say_encoding(job, "; nothing to change, so the file is left as it was (not converted to UTF-8)")
            return True
        try:
            output.commit()
        except OutputError as exc:
            self._say_encoding(job, "")
            self.report("error", job.source.display, str(exc))
            return False
        self._say_encoding(job, "; rewritten as UTF-8")
        return True

    def _say_encoding(self, job: _FileJob, outcome: str) -> None:
        if job.encoding_warning is not None:
            level, where, message = job.encoding_warning
            job.encoding_warning = None
            self.report(level, where, message + outcome)
