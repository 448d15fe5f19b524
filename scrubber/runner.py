"""Batch over many documents: read, find, decide, apply, write.

The main thread reads inputs as a stream, cuts them into chunks (never
across files), and keeps a bounded window of chunks in flight in a process
pool, so memory stays flat and output order equals input order. With one
job everything runs in-process.
"""

from __future__ import annotations

import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .engine import Engine, apply
from .io.sinks import Output, OutputError, encode_item, output_path
from .io.sources import BinaryInput, InputError, InputFile, Item, read_items
from .model import Finding
from .policy import Policy
from .scoring import document_score, has_garble_rules

#: a chunk is cut at this many documents or this many characters
CHUNK_DOCS = 64
CHUNK_CHARS = 1 << 20


@dataclass
class DocResult:
    findings: list[Finding]
    new_text: str | None  # None when unchanged or not fixing
    warnings: list[str] = field(default_factory=list)
    score: float | None = None  # document garble score; None when no garble rule ran
    dropped: bool = False  # the policy drops the whole document (score above --drop-above)


def analyze(engine: Engine, policy: Policy | None, text: str) -> DocResult:
    """Find (and, given a policy, apply) on one text. Pure; runs in workers."""
    warnings: list[str] = []
    findings = engine.find(text, warnings)
    score = document_score(text, findings) if has_garble_rules(engine.specs) else None
    if policy is not None and policy.drops_document(score):
        return DocResult(findings, None, warnings, score, dropped=True)
    new_text = None
    if policy is not None and findings:
        out = apply(text, findings, policy.decisions(findings))
        new_text = out if out != text else None
    return DocResult(findings, new_text, warnings, score)


_worker_state: tuple[Engine, Policy | None] | None = None


def _init_worker(engine: Engine, policy: Policy | None) -> None:
    global _worker_state
    _worker_state = (engine, policy)


def _run_chunk(texts: list[str]) -> list[DocResult]:
    assert _worker_state is not None
    engine, policy = _worker_state
    return [analyze(engine, policy, t) for t in texts]


@dataclass
class RuleStats:
    findings: int = 0
    applied: int = 0
    documents: int = 0  # documents with at least one finding of the rule


@dataclass
class Stats:
    files: int = 0
    documents: int = 0
    documents_changed: int = 0
    chars_in: int = 0
    errors: int = 0
    skipped: int = 0
    documents_dropped: int = 0  # whole documents dropped or diverted by --drop-above
    rules: dict[str, RuleStats] = field(default_factory=dict)

    @property
    def findings(self) -> int:
        return sum(r.findings for r in self.rules.values())

    def add(self, findings: list[Finding], applied: set[str]) -> None:
        per_rule = Counter(f.rule for f in findings)
        for rule, n in per_rule.items():
            rs = self.rules.setdefault(rule, RuleStats())
            rs.findings += n
            rs.documents += 1
        for f in findings:
            if f.fingerprint in applied:
                self.rules[f.rule].applied += 1


Report = Callable[[str, str, str], None]
#: called for each processed document: (source, item, result)
OnDocument = Callable[[InputFile, Item, DocResult], None]


@dataclass
class _FileJob:
    source: InputFile
    output: Output | None = None
    failed: bool = False
    changed: bool = False


class Runner:
    def __init__(
        self,
        engine: Engine,
        *,
        policy: Policy | None,
        report: Report,
        text_key: str = "text",
        jobs: int = 1,
        out_dir: Path | None = None,
        in_place: bool = False,
        write: bool = False,
        on_document: OnDocument | None = None,
    ) -> None:
        self.engine = engine
        self.policy = policy
        self.report = report
        self.text_key = text_key
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.out_dir = out_dir
        self.in_place = in_place
        self.write = write
        self.on_document = on_document
        self.stats = Stats()

    # -- reading ----------------------------------------------------------
    def _chunks(self, sources: Iterable[InputFile]) -> Iterator[tuple[_FileJob, list[Item], bool]]:
        """Yield (file job, items, last chunk of the file?)."""
        for source in sources:
            job = _FileJob(source)
            chunk: list[Item] = []
            size = 0
            try:
                for item in read_items(source, self.text_key, self.report):
                    chunk.append(item)
                    size += len(item.doc.text) if item.doc else 0
                    if len(chunk) >= CHUNK_DOCS or size >= CHUNK_CHARS:
                        yield job, chunk, False
                        chunk, size = [], 0
            except BinaryInput as exc:
                self.stats.skipped += 1
                if source.explicit:
                    self.stats.errors += 1
                    self.report("error", source.display, str(exc).split(": ", 1)[1])
                else:
                    self.report("note", source.display, str(exc).split(": ", 1)[1])
                job.failed = True
            except InputError as exc:
                self.stats.errors += 1
                self.report("error", source.display, str(exc).split(": ", 1)[1])
                job.failed = True
            yield job, chunk, True

    # -- running -----------------------------------------------------------
    def run(self, sources: Iterable[InputFile]) -> Stats:
        if self.jobs == 1:
            for job, items, last in self._chunks(sources):
                self._consume(job, items, [analyze(self.engine, self.policy, i.doc.text) if i.doc else None for i in items], last)
            return self.stats
        with ProcessPoolExecutor(self.jobs, initializer=_init_worker, initargs=(self.engine, self.policy)) as pool:
            window: deque[tuple[_FileJob, list[Item], bool, Future[list[DocResult]]]] = deque()
            try:
                for job, items, last in self._chunks(sources):
                    texts = [i.doc.text for i in items if i.doc]
                    window.append((job, items, last, pool.submit(_run_chunk, texts)))
                    while len(window) > 2 * self.jobs:
                        self._drain_one(window)
                while window:
                    self._drain_one(window)
            except BaseException:
                for entry in window:
                    entry[3].cancel()
                    if entry[0].output is not None:
                        entry[0].output.abort()
                raise
        return self.stats

    def _drain_one(self, window: deque) -> None:
        job, items, last, future = window.popleft()
        results = iter(future.result())
        self._consume(job, items, [next(results) if i.doc else None for i in items], last)

    def _consume(self, job: _FileJob, items: list[Item], results: list[DocResult | None], last: bool) -> None:
        try:
            for item, result in zip(items, results):
                self._one(job, item, result)
            if last and self.write and not job.failed and job.output is None:
                self._open(job)  # an empty input still gets its (empty) output
        except OutputError as exc:
            self.stats.errors += 1
            self.report("error", job.source.display, str(exc))
            job.failed = True
            job.output = None
        if last:
            self.stats.files += 1
            if job.output is not None:
                if self.in_place and not job.changed and not job.failed:
                    job.output.abort()  # nothing changed: leave the file (and its mtime) alone
                elif job.failed:
                    job.output.abort()
                    self.report("error", job.source.display, "output not written because the input could not be read completely")
                else:
                    try:
                        job.output.commit()
                    except OutputError as exc:
                        self.stats.errors += 1
                        self.report("error", job.source.display, str(exc))

    def _one(self, job: _FileJob, item: Item, result: DocResult | None) -> None:
        if result is not None and item.doc is not None:
            self.stats.documents += 1
            self.stats.chars_in += len(item.doc.text)
            applied: set[str] = set()
            if result.dropped:
                self.stats.documents_dropped += 1
                job.changed = True
            elif self.policy is not None and result.new_text is not None:
                self.stats.documents_changed += 1
                job.changed = True
                applied = set(self.policy.decisions(result.findings))
            self.stats.add(result.findings, applied)
            for warning in result.warnings:
                self.report("warning", item.doc.id, warning)
            if self.on_document is not None:
                self.on_document(job.source, item, result)
        if self.write and not job.failed:
            if job.output is None:
                self._open(job)
            assert job.output is not None
            if result is not None and result.dropped:
                if job.source.fmt != "jsonl":
                    job.output.write(encode_item(item, "", job.source.fmt, self.text_key))  # a dropped text file is emptied
                return
            job.output.write(encode_item(item, result.new_text if result else None, job.source.fmt, self.text_key))

    def _open(self, job: _FileJob) -> None:
        job.output = Output(job.source, output_path(job.source, self.out_dir, self.in_place))
