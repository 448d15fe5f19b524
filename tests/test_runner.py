"""The batch runner: same output whatever the backend, order kept, stats, aborts."""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from runner_data import MOJIBAKE, RESIDUE, write_jsonl

from scrubber import Finding, clean, default_engine
from scrubber import runner as runner_mod
from scrubber.io.sources import discover
from scrubber.policy import Policy
from scrubber.runner import DocResult, RunAborted, Runner, SerialBackend, Stats, analyze


@pytest.fixture(scope="module")
def engine():
    return default_engine()


@pytest.fixture
def small_tasks(monkeypatch):
    """Cut tasks every 7 documents, so even a small input runs as many tasks."""
    monkeypatch.setattr(runner_mod, "TASK_DOCS", 7)


def run(engine, paths, out_dir=None, jobs=1, policy: Policy | None = Policy(), **kw):  # noqa: B008 - frozen
    reports: list[tuple[str, str, str]] = []
    r = Runner(
        engine,
        policy=policy,
        report=lambda *a: reports.append(a),
        jobs=jobs,
        out_dir=out_dir,
        write=out_dir is not None,
        **kw,
    )
    stats = r.run(discover([str(p) for p in paths]))
    return stats, reports


@pytest.mark.parametrize("jobs", [1, 2])
def test_output_matches_serial_and_keeps_order(tmp_path, engine, small_tasks, jobs):
    src = write_jsonl(tmp_path / "in" / "a.jsonl", 60, bad_lines=(5, 31))
    (tmp_path / "in" / "b.txt").write_text(MOJIBAKE)
    expected, _ = run(engine, [tmp_path / "in"], tmp_path / "serial", jobs=1, backend=SerialBackend())
    stats, reports = run(engine, [tmp_path / "in"], tmp_path / f"out{jobs}", jobs=jobs)
    for name in ("a.jsonl", "b.txt"):
        assert (tmp_path / f"out{jobs}" / name).read_bytes() == (tmp_path / "serial" / name).read_bytes()
    out = (tmp_path / f"out{jobs}" / "a.jsonl").read_text().splitlines()
    assert len(out) == 60
    assert [json.loads(line)["id"] for i, line in enumerate(out) if i not in (5, 31)] == [f"doc-{i}" for i in range(60) if i not in (5, 31)]
    assert out[5] == "{not json"  # malformed lines are copied where they were
    assert [w for _, w, _ in reports] == [f"{src}:6", f"{src}:32"]  # reported in input order
    assert stats.to_dict() | {"seconds": 0} == expected.to_dict() | {"seconds": 0}
    assert (stats.files, stats.documents) == (2, 59)


def test_stats_per_rule(tmp_path, engine):
    write_jsonl(tmp_path / "a.jsonl", 9)
    stats, _ = run(engine, [tmp_path / "a.jsonl"], tmp_path / "out")
    d = stats.to_dict()
    assert d["documents"] == 9 and d["documents_changed"] == 6
    assert d["rules"]["residue.source-link"] == {"findings": 3, "applied": 3, "documents": 3, "changed": 3, "dropped": 0}
    assert d["rules"]["unicode.mojibake"]["documents"] == 3
    assert json.loads(json.dumps(d)) == d  # plain data


def test_stats_merge_adds_everything():
    a, b = Stats(documents=2, bytes_in=10), Stats(documents=3, errors=1)
    a.add([Finding("r.x", 0, 1, "", "m", fingerprint="f1")])
    b.add([Finding("r.x", 0, 1, "", "m", fingerprint="f2")])
    a.merge(b)
    assert (a.documents, a.bytes_in, a.errors, a.rules["r.x"].findings, a.rules["r.x"].documents) == (5, 10, 1, 2, 2)


@pytest.mark.parametrize("jobs", [1, 2])
def test_on_document_sees_every_document_in_order(tmp_path, engine, small_tasks, jobs):
    write_jsonl(tmp_path / "a.jsonl", 30)
    seen: list[str] = []

    def on_document(source, item, result: DocResult) -> None:
        seen.append(item.doc.id)

    run(engine, [tmp_path / "a.jsonl"], None, jobs=jobs, policy=None, on_document=on_document)
    assert seen == [f"doc-{i}" for i in range(30)]


class _FailingBackend(SerialBackend):
    """Fails on the third task, like a worker that crashed."""

    def __init__(self) -> None:
        self.calls = 0

    def submit(self, segments):
        self.calls += 1
        if self.calls == 3:

            class Boom:
                def result(self):
                    raise RuntimeError("worker died")

            return Boom()
        return super().submit(segments)


@pytest.mark.parametrize(
    ("backend", "interrupt", "reason"),
    [(_FailingBackend, False, "worker died"), (SerialBackend, True, "interrupted")],
)
def test_abort_removes_unfinished_outputs_and_says_where(tmp_path, engine, small_tasks, backend, interrupt, reason):
    inputs = tmp_path / "in"
    for name in ("a", "b", "c"):
        write_jsonl(inputs / f"{name}.jsonl", 6 if name == "a" else 20)
    count = 0

    def on_document(source, item, result):
        nonlocal count
        count += 1
        if interrupt and count == 10:
            raise KeyboardInterrupt

    with pytest.raises(RunAborted) as info:
        run(engine, [inputs], tmp_path / "out", backend=backend(), on_document=on_document)
    exc = info.value
    assert reason in exc.describe() and exc.interrupted is interrupt
    assert exc.finished == 1 and exc.total == 3
    assert exc.stopped.startswith(str(inputs / "b.jsonl"))
    # a.jsonl is complete; nothing else, and no temp file, is left
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.jsonl"]
    assert len((tmp_path / "out" / "a.jsonl").read_text().splitlines()) == 6


def test_empty_and_unreadable_inputs(tmp_path, engine):
    (tmp_path / "empty.jsonl").write_bytes(b"")
    stats, _ = run(engine, [tmp_path / "empty.jsonl"], tmp_path / "out")
    assert (tmp_path / "out" / "empty.jsonl").read_bytes() == b""
    assert stats.files == 1 and stats.documents == 0


def test_analyze_and_clean_agree():
    e = default_engine()
    assert analyze(e, Policy(), RESIDUE).new_text == clean(RESIDUE, e)


def test_engine_pickles_and_findings_are_plain_data():
    e = default_engine(select=["unicode", "residue"])
    e2 = pickle.loads(pickle.dumps(e))
    assert e2.rule_ids == e.rule_ids
    findings = e2.find(MOJIBAKE)
    assert findings == e.find(MOJIBAKE)
    assert pickle.loads(pickle.dumps(findings)) == findings
    dicts = [f.to_dict(MOJIBAKE, "d1") for f in findings]
    assert json.loads(json.dumps(dicts)) == dicts
    assert {"rule", "start", "end", "replacement", "original", "fingerprint", "document"} <= set(dicts[0])
    assert [Finding.from_dict(d) for d in dicts] == findings


def test_big_input_is_streamed_not_loaded(tmp_path, engine, monkeypatch):
    """No more than the window of tasks is ever read ahead of what was written."""
    monkeypatch.setattr(runner_mod, "TASK_DOCS", 5)
    write_jsonl(tmp_path / "a.jsonl", 200)
    read_ahead: list[int] = []
    r = Runner(engine, policy=Policy(), report=lambda *a: None, jobs=1, out_dir=tmp_path / "out", write=True)
    real = r._segments

    def counting(sources):
        for n, item in enumerate(real(sources)):
            read_ahead.append(n - r.stats.documents // 5)
            yield item

    r._segments = counting  # type: ignore[method-assign]
    r.run(discover([str(tmp_path / "a.jsonl")]))
    assert max(read_ahead) <= 3
    assert Path(tmp_path / "out" / "a.jsonl").read_text().count("\n") == 200


class _SignalBackend(SerialBackend):
    """Sends itself Ctrl-C inside a call, the moment an interrupt used to cut a pool's lock."""

    def __init__(self, during: str) -> None:
        self.during = during
        self.submits = 0
        self.call_finished = False  # set only if the interrupt waited for the call to end

    def submit(self, segments):
        self.submits += 1
        signalled = self.during == "submit" and self.submits == 2
        if signalled:
            os.kill(os.getpid(), signal.SIGINT)
        pending = super().submit(segments)
        self.call_finished |= signalled
        return pending

    def close(self, abort: bool = False) -> None:
        if self.during == "close" and not abort:
            os.kill(os.getpid(), signal.SIGINT)
            self.call_finished = True


@pytest.mark.parametrize(("during", "finished"), [("submit", 0), ("close", 3)])
def test_an_interrupt_waits_for_the_backend_call_then_aborts(tmp_path, engine, small_tasks, during, finished):
    inputs = tmp_path / "in"
    for name in ("a", "b", "c"):
        write_jsonl(inputs / f"{name}.jsonl", 20)
    backend = _SignalBackend(during)
    with pytest.raises(RunAborted) as info:
        run(engine, [inputs], tmp_path / "out", backend=backend)
    assert info.value.interrupted and info.value.finished == finished
    assert backend.call_finished
    outputs = sorted(p.name for p in (tmp_path / "out").iterdir()) if (tmp_path / "out").exists() else []
    assert outputs == ["a.jsonl", "b.jsonl", "c.jsonl"][:finished]  # and no temp file


def test_an_interrupt_during_an_outputs_commit_does_not_count_it_finished(tmp_path, engine, small_tasks, monkeypatch):
    """Ctrl-C in ``Output.commit`` (an fsync of a big file) leaves no output: the input is not 'finished'."""
    inputs = tmp_path / "in"
    for name in ("a", "b", "c"):
        write_jsonl(inputs / f"{name}.jsonl", 20)
    commit = runner_mod.Output.commit
    commits = []

    def interrupted_commit(self):
        commits.append(self.target)
        if len(commits) == 2:
            self.abort()  # what atomic_writer does when the interrupt lands inside it
            raise KeyboardInterrupt
        commit(self)

    monkeypatch.setattr(runner_mod.Output, "commit", interrupted_commit)
    with pytest.raises(RunAborted) as info:
        run(engine, [inputs], tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.jsonl"]
    assert info.value.finished == 1
    assert info.value.stopped is not None and "b.jsonl" in info.value.stopped


def test_an_interrupt_right_after_a_write_to_stdout_counts_what_went_out(tmp_path, engine, small_tasks, monkeypatch):
    """Records on standard output cannot be taken back: a Ctrl-C landing just after a write still counts them."""
    src = write_jsonl(tmp_path / "a.jsonl", 20)
    written: list[bytes] = []

    def write_then_interrupt(self, data):
        written.append(data)
        if len(written) == 2:
            os.kill(os.getpid(), signal.SIGINT)  # arrives before the runner's next bytecode

    monkeypatch.setattr(runner_mod.Output, "write", write_then_interrupt)
    r = Runner(engine, policy=Policy(), report=lambda *a: None, jobs=1, out_dir=None, write=True)
    with pytest.raises(RunAborted) as info:
        r.run(discover([str(src)]))
    assert info.value.on_stdout == (str(src), b"".join(written).count(b"\n"))


class _StartInterrupted(SerialBackend):
    def start(self, work) -> None:
        raise KeyboardInterrupt


def test_an_interrupt_before_the_first_task_is_a_clean_abort(tmp_path, engine):
    """Ctrl-C while the first tasks are read or the backend starts: RunAborted, not a bare interrupt."""
    write_jsonl(tmp_path / "in" / "a.jsonl", 5)
    with pytest.raises(RunAborted) as info:
        run(engine, [tmp_path / "in"], tmp_path / "out", backend=_StartInterrupted())
    assert info.value.interrupted and info.value.finished == 0 and info.value.total == 1
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_progress_on_a_compressed_input_counts_only_what_was_processed(tmp_path, engine, small_tasks):
    """The runner tells the read meter what it handed out, so half the documents processed is not the whole file read."""
    import gzip

    from scrubber.io.meter import METER

    plain = write_jsonl(tmp_path / "c.jsonl", 60)
    packed = tmp_path / "c.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    METER.reset()
    seen: list[tuple[int, int]] = []
    stats, _ = run(engine, [packed], on_progress=lambda s: seen.append((s.bytes_in, METER.behind(s.bytes_in))))
    on_disk = packed.stat().st_size
    assert len(seen) > 2 and seen[-1] == (stats.bytes_in, on_disk)
    assert METER.behind(stats.bytes_in // 2) == on_disk // 2  # the file was read to its end: in proportion


WARMED = """
import gc, multiprocessing
from scrubber import default_engine
from scrubber.kinds import language, lexicon, word_pairs
from scrubber.runner import PoolBackend, Work
backend = PoolBackend(2)
backend.start(Work(default_engine(select=["ALL"]), None))
loaded = [lexicon.foreign_table.cache_info().currsize, word_pairs.pair_model.cache_info().currsize,
          language._langdetect_cached.cache_info().currsize]
frozen = gc.get_freeze_count()
backend.close()
print(loaded, frozen > 0, gc.get_freeze_count())
"""


@pytest.mark.skipif(sys.platform != "linux" or sys.version_info >= (3, 14), reason="the fork start method is the default only there")
def test_a_forking_pool_loads_the_tables_once_in_the_parent():
    """Workers forked after the warm-up inherit the tables (frozen for the collector) instead of each loading them."""
    out = subprocess.run([sys.executable, "-c", WARMED], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[1,", "1,", "1]", "True", "0"], out


def test_no_warm_up_without_fork(monkeypatch: pytest.MonkeyPatch):
    """Spawned or forkserver workers start from nothing: loading in the parent would only cost it."""
    from scrubber import default_engine
    from scrubber.runner import warm_for_fork

    monkeypatch.setattr("multiprocessing.get_start_method", lambda allow_none=False: "spawn")
    assert warm_for_fork(default_engine(select=["unicode"])) is False
