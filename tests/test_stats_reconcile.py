"""The counts of a run add up: what was read = what was written + dropped + failed."""

from __future__ import annotations

import gzip
import os
import re

import pytest
from runner_data import write_jsonl

from scrubber import default_engine
from scrubber import runner as runner_mod
from scrubber.io.sources import discover
from scrubber.policy import Policy
from scrubber.report import summary_table
from scrubber.runner import RunAborted, Runner, SerialBackend


@pytest.fixture(scope="module")
def engine():
    return default_engine()


def _run(engine, paths, out_dir, write=True, **kw):
    reports: list[tuple[str, str, str]] = []
    r = Runner(engine, policy=Policy(), report=lambda *a: reports.append(a), out_dir=out_dir, write=write, **kw)
    return r.run(discover([str(p) for p in paths])), reports


def _truncated_gz(path, n):
    """A gzip of n records cut short (a broken download): its first lines read, then an error."""
    good = path.with_suffix(".src")
    write_jsonl(good, n)
    data = gzip.compress(good.read_bytes())
    good.unlink()
    path.write_bytes(data[: len(data) * 2 // 3])


def _lines(path) -> int:
    return path.read_bytes().count(b"\n")


@pytest.mark.parametrize("monkeyed_tasks", [False, True])
def test_read_equals_written_plus_dropped_plus_failed(tmp_path, engine, monkeypatch, monkeyed_tasks):
    if monkeyed_tasks:
        monkeypatch.setattr(runner_mod, "TASK_DOCS", 7)
    inputs = tmp_path / "in"
    write_jsonl(inputs / "a.jsonl", 30)
    write_jsonl(inputs / "b.jsonl", 25, bad_lines=(3,))  # a malformed line is copied, not a document
    _truncated_gz(inputs / "c.jsonl.gz", 2000)
    os.symlink(inputs / "gone.jsonl", inputs / "d.jsonl")  # dangling
    out = tmp_path / "out"
    stats, reports = _run(engine, [inputs], out)
    errors = [r for r in reports if r[0] == "error"]
    assert stats.files == 2 and stats.files_failed == 2 and stats.skipped == 0
    assert stats.errors == len(errors)
    written = sum(_lines(p) for p in out.rglob("*.jsonl"))
    assert sorted(p.name for p in out.iterdir()) == ["a.jsonl", "b.jsonl"]
    assert written == stats.documents - stats.documents_dropped + 1  # + b's malformed line
    # every document read is counted once: 30 + 24 in outputs, the .gz's good part in documents_failed
    assert stats.documents == 54
    gz_lines = next(
        int(re.search(r"after line (\d+)", m)[1]) for lvl, where, m in errors if where.endswith("c.jsonl.gz") and "after line" in m
    )
    assert stats.documents_failed == gz_lines
    assert sum(rs.documents for rs in stats.rules.values()) >= stats.documents_changed
    assert stats.to_dict()["files_failed"] == 2 and stats.to_dict()["documents_failed"] == gz_lines
    assert "2 input(s) failed" in summary_table(stats, fixing=True)


def test_check_counts_what_it_read_and_reported(tmp_path, engine):
    """Without output the good part of a broken input was checked (its findings shown): it counts."""
    _truncated_gz(tmp_path / "c.jsonl.gz", 2000)
    stats, _ = _run(engine, [tmp_path / "c.jsonl.gz"], None, write=False)
    assert stats.files == 0 and stats.files_failed == 1
    assert stats.documents > 0 and stats.documents_failed == 0


class _DiesOnThird(SerialBackend):
    calls = 0

    def submit(self, segments):
        self.calls += 1
        if self.calls == 3:

            class Dead:
                def result(self):
                    raise runner_mod.BrokenProcessPool("killed")

            return Dead()
        return super().submit(segments)


def test_a_killed_worker_is_an_error_and_its_input_is_not_counted(tmp_path, engine, monkeypatch):
    monkeypatch.setattr(runner_mod, "TASK_DOCS", 7)
    write_jsonl(tmp_path / "in" / "a.jsonl", 5)
    write_jsonl(tmp_path / "in" / "b.jsonl", 40)
    with pytest.raises(RunAborted) as info:
        _run(engine, [tmp_path / "in"], tmp_path / "out", backend=_DiesOnThird())
    stats = info.value.stats
    assert stats.errors == 1
    assert stats.files == 1 and stats.documents == 5  # only a.jsonl is in an output
    assert stats.documents_failed > 0  # b's documents read before the stop
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.jsonl"]
