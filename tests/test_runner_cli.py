"""check/fix batch options: --jobs, --stats, --progress, Ctrl-C, --engine errors."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from runner_data import write_jsonl

from scrubber.cli import main
from scrubber.progress import Progress, choose_mode, fmt_duration
from scrubber.runner import Stats


@pytest.mark.parametrize("command", ["check", "fix"])
def test_stats_file_for_check_and_fix(tmp_path, command):
    src = write_jsonl(tmp_path / "a.jsonl", 12)
    args = [command, str(src), "--stats", str(tmp_path / "s.json"), "-j", "2", "--no-progress", "-q"]
    if command == "fix":
        args += ["-o", str(tmp_path / "out")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == (1 if command == "check" else 0), result.output
    stats = json.loads((tmp_path / "s.json").read_text())
    assert stats["documents"] == 12 and stats["findings"] > 0
    assert set(stats["rules"]["unicode.mojibake"]) == {"findings", "applied", "documents", "changed", "dropped"}


def test_fix_removes_a_line_that_decoding_reveals_in_one_run(run_cli, tmp_path):
    """'&#10;' hides the share bar's lines from the line rules until it is decoded; one run still removes them, and counts them."""
    doc = {"text": "The council met on Tuesday.&#10;&#10;Share this:&#10;Like this: Like Loading..."}
    result = run_cli("fix", "-", "--stdin-format", "jsonl", "-q", "--stats", "s.json", input=json.dumps(doc) + "\n")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"text": "The council met on Tuesday.\n"}
    rules = json.loads((tmp_path / "s.json").read_text())["rules"]
    assert {rule: counts["applied"] for rule, counts in rules.items()} == {"unicode.html-entity": 3, "residue.share-widget": 2}


@pytest.mark.parametrize(
    ("policy", "once"),
    [
        (["--drop-flagged"], [{"text": "The mayor spoke.\n"}, {"text": "The council met on Tuesday."}]),
        (["--drop-above", "0.05"], [{"text": "The council met on Tuesday."}]),
    ],
)
def test_fix_acting_on_flags_judges_a_repaired_sentence_in_the_same_run(run_cli, policy: list[str], once: list[dict]):
    """The garble rules skip a sentence holding mojibake; repaired, it is flagged, so one run must drop it, not a second."""
    docs = [{"text": "The mayor spoke.\ncaf\u00c3\u0083\u00c2\u00a9 ok.\n"}, {"text": "The council met on Tuesday."}]
    first = run_cli("fix", "-", "--stdin-format", "jsonl", "-q", *policy, input="".join(json.dumps(d) + "\n" for d in docs))
    assert first.returncode == 0, first.stderr
    assert [json.loads(line) for line in first.stdout.splitlines()] == once
    second = run_cli("fix", "-", "--stdin-format", "jsonl", "-q", *policy, input=first.stdout)
    assert second.stdout == first.stdout


def test_summary_has_per_rule_columns(tmp_path):
    src = write_jsonl(tmp_path / "a.jsonl", 6)
    result = CliRunner().invoke(main, ["fix", str(src), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert "applied  changed  dropped" in result.stderr
    assert "6 document(s) in 1 file(s), 4 changed" in result.stderr


def test_scheduler_needs_dask_engine(tmp_path):
    src = write_jsonl(tmp_path / "a.jsonl", 1)
    result = CliRunner().invoke(main, ["check", str(src), "--scheduler", "tcp://nowhere:1"])
    assert result.exit_code == 2 and "--scheduler needs --engine dask" in result.stderr


@pytest.mark.parametrize(
    ("asked", "tty", "busy", "mode"),
    [
        (None, True, False, "tty"),
        (None, True, True, "off"),
        (None, False, False, "off"),
        (True, False, False, "lines"),
        (True, True, True, "tty"),
        (False, True, False, "off"),
    ],
)
def test_progress_mode(asked, tty, busy, mode):
    class Stream(io.StringIO):
        def isatty(self) -> bool:
            return tty

    assert choose_mode(asked, Stream(), busy) == mode


def test_progress_line_and_json():
    stats = Stats(documents=1000, bytes_in=50_000_000)
    line = Progress("tty", io.StringIO(), total=100_000_000).line(stats, 10.0)
    assert line == "1,000 docs  50.0/100.0 MB (50%)  100 docs/s  5.0 MB/s  ETA 0:00:10"
    out = io.StringIO()
    p = Progress("lines", out, interval=0)
    p(stats)
    record = json.loads(out.getvalue())["progress"]
    assert record["documents"] == 1000 and record["total_bytes"] is None and record["eta_s"] is None
    assert fmt_duration(3725) == "1:02:05"


@pytest.mark.parametrize(("size", "env", "width"), [(0, None, 80), (0, "120", 120), (None, None, 80), (40, "120", 40)])
def test_progress_width_when_the_terminal_says_zero(monkeypatch, size, env, width):
    """A pty of unset size reports 0 columns (script, docker -t): the line must not shrink to "…"."""

    def terminal_size(fd: int = 1) -> os.terminal_size:
        if size is None:
            raise OSError("not a terminal")
        return os.terminal_size((size, 24))

    monkeypatch.setattr(os, "get_terminal_size", terminal_size)
    if env is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", env)
    out = io.StringIO()
    out.fileno = lambda: 2  # type: ignore[method-assign]
    Progress("tty", out, interval=0)(Stats(documents=1000, bytes_in=50_000_000))
    shown = out.getvalue().removeprefix("\r\x1b[K")
    assert shown.startswith("1,000 docs") and len(shown) < width


def test_ctrl_c_leaves_no_partial_output(tmp_path):
    """A real SIGINT to a real pool run: exit 130, finished inputs kept, nothing partial."""
    inputs = tmp_path / "in"
    write_jsonl(inputs / "a.jsonl", 3)
    write_jsonl(inputs / "b.jsonl", 60_000)  # long enough to be interrupted
    out = tmp_path / "out"
    cmd = [str(Path(sys.executable).parent / "scrubber"), "fix", str(inputs), "-o", str(out), "-j", "2", "--progress"]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 30
    while not (out / "a.jsonl").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted; 1 of 2 input(s) finished" in err
    assert f"stopped in {inputs / 'b.jsonl'}:" in err
    assert sorted(p.name for p in out.iterdir()) == ["a.jsonl"]


def test_progress_on_compressed_inputs_goes_by_the_bytes_read_from_disk():
    """A .jsonl.zst has no known decompressed size: the share done and the ETA come from its position on disk."""
    stats = Stats(documents=1000, bytes_in=50_000_000)
    p = Progress("tty", io.StringIO(), total=20_000_000, on_disk=lambda processed: 5_000_000)
    assert p.line(stats, 10.0) == "1,000 docs  50.0 MB (25% of 20.0 MB compressed)  100 docs/s  5.0 MB/s  ETA 0:00:30"
    assert p.snapshot(stats, 10.0)["done"] == 0.25 and p.snapshot(stats, 10.0)["total_bytes"] is None


def test_the_read_meter_counts_open_files_to_their_position_and_closed_ones_in_full(tmp_path):
    from scrubber.io.meter import ReadMeter

    (tmp_path / "a").write_bytes(b"x" * 1000)
    (tmp_path / "b").write_bytes(b"y" * 300)
    meter = ReadMeter()
    with meter.track(open(tmp_path / "a", "rb")) as a:
        a.read(400)
        assert meter.consumed() == 400
    with meter.track(open(tmp_path / "b", "rb")) as b:
        b.read(100)
        assert meter.consumed() == 1000 + 100
    assert meter.consumed() == 1300


def test_the_read_meter_counts_only_what_was_processed_of_what_was_read(tmp_path):
    """The reader runs tasks ahead of the workers: of 800 bytes read from disk, half processed is 400 behind."""
    from scrubber.io.meter import ReadMeter

    (tmp_path / "a").write_bytes(b"x" * 1000)
    meter = ReadMeter()
    with meter.track(open(tmp_path / "a", "rb")) as a:
        assert meter.behind(0) == 0
        a.read(800)
        meter.hand_out(4000)  # 800 bytes on disk decompressed to 4000
        assert [meter.behind(n) for n in (0, 1000, 2000, 4000, 5000)] == [0, 200, 400, 800, 800]
    assert meter.behind(4000) == 1000  # the file was read to its end
