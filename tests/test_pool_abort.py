"""Stopping a run never hangs: the pool's threads end, and every command exits 128 + N with one line."""

from __future__ import annotations

import gzip
import os
import signal
import struct
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from scrubber import runner
from scrubber.cli import main
from scrubber.cli.common import Terminated
from scrubber.runner import abort_pool

SCRUBBER = str(Path(sys.executable).parent / "scrubber")


def _sleep(seconds: float, payload: bytes) -> int:
    time.sleep(seconds)
    return len(payload)


def test_abort_pool_ends_threads_stuck_as_after_a_kill():
    """The state the audit found: a feeder blocked on a full pipe, a manager waiting for half a result."""
    pool = ProcessPoolExecutor(2)
    big = b"x" * (1 << 18)  # larger than a pipe: the feeder blocks writing it
    futures = [pool.submit(_sleep, 30, big) for _ in range(8)]
    time.sleep(0.5)  # workers busy, call queue full, feeder blocked
    manager = pool._executor_manager_thread
    feeder = pool._call_queue._thread
    # half a message in the result pipe, as left by a worker killed while sending: the manager reads
    # its length and waits for the rest
    os.write(pool._result_queue._writer.fileno(), struct.pack("!i", 1 << 20) + b"partial")
    time.sleep(0.2)
    started = time.monotonic()
    abort_pool(pool, timeout=5)
    assert time.monotonic() - started < 8
    assert not manager.is_alive() and not (feeder and feeder.is_alive())
    assert not runner.stuck_threads
    assert all(f.done() for f in futures)


@pytest.mark.parametrize(
    ("exc", "code", "word"), [(KeyboardInterrupt(), 130, "interrupted"), (Terminated(signal.SIGTERM), 143, "terminated")]
)
def test_stop_before_the_run_exits_128_plus_n(monkeypatch, tmp_path, exc, code, word):
    """Ctrl-C while packs load (before any run): not click's 'Aborted!' and exit 1."""

    def interrupted(*args, **kwargs):
        raise exc

    monkeypatch.setattr(sys.modules["scrubber.cli.fix"], "build_engine", interrupted)
    (tmp_path / "a.jsonl").write_text('{"text": "x"}\n')
    result = CliRunner().invoke(main, ["fix", str(tmp_path / "a.jsonl"), "-o", str(tmp_path / "out")])
    assert result.exit_code == code
    assert f"scrubber: {word}" in result.stderr and "Aborted" not in result.stderr
    assert not (tmp_path / "out").exists()


def _records(path: Path, n: int) -> None:
    text = "The council said the plan would cost more. " * 40
    with path.open("w") as fh:
        for i in range(n):
            fh.write(f'{{"id": "r{i}", "text": "{text}caf\u00c3\u00a9 {i}"}}\n')


def _stop_when(cmd: list[str], signum: int, running, **popen) -> tuple[int, str]:
    """Start ``cmd``, send ``signum`` once ``running()`` says the run is under way, return (status, stderr)."""
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, **popen)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not running():
        time.sleep(0.02)
    proc.send_signal(signum)
    try:
        _, err = proc.communicate(timeout=20)  # a hang fails here, instead of blocking the suite
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the run did not exit after the signal")
    return proc.returncode, err


def test_sigterm_stops_a_pool_run_cleanly(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    _records(inputs / "a.jsonl", 8_000)
    _records(inputs / "b.jsonl", 8_000)
    out = tmp_path / "out"
    cmd = [SCRUBBER, "fix", str(inputs), "-o", str(out), "-j", "2"]
    code, err = _stop_when(cmd, signal.SIGTERM, lambda: out.exists() and any(out.iterdir()))  # a temp output: the pool runs
    assert code == 143, err
    assert err.startswith("scrubber: terminated; ") and "Traceback" not in err and "Exception ignored" not in err
    assert not out.exists() or [p.name for p in out.iterdir()] == ["a.jsonl"]  # no temp file (nor an empty folder) left


def test_interrupted_stdout_says_what_was_written(tmp_path):
    """Records on standard output cannot be removed: the message says how many there are."""
    src = tmp_path / "big.jsonl"
    _records(src, 12_000)
    dest = tmp_path / "so.jsonl"
    with dest.open("wb") as fh:
        code, err = _stop_when([SCRUBBER, "fix", str(src), "-j", "2"], signal.SIGINT, lambda: dest.stat().st_size > 0, stdout=fh)
    assert code == 130, err
    written = dest.read_bytes()
    assert written.endswith(b"\n")
    records = written.count(b"\n")
    assert f"{records} record(s) of {src} were written to standard output" in err
    assert "was removed" not in err


@pytest.mark.parametrize("args", [["check"], ["fix", "--diff"]], ids=["check", "fix-diff"])
def test_a_stopped_run_that_writes_no_file_says_no_output_was_removed(tmp_path, args):
    """``check`` (and ``fix --diff``) write no output file: stopped, they must not say one was removed."""
    src = tmp_path / "big.jsonl"
    _records(src, 12_000)
    dest = tmp_path / "findings.txt"
    with dest.open("wb") as fh:
        code, err = _stop_when([SCRUBBER, *args, str(src), "-j", "1"], signal.SIGTERM, lambda: dest.stat().st_size > 0, stdout=fh)
    assert code == 143, err
    assert f"stopped in {src}:" in err and "it and any after it were not finished" in err
    assert "removed" not in err and "output" not in err


def _truncated_gzip_records(n: int) -> bytes:
    """A gzip of ``n`` records cut at three quarters: several tasks are written before the read fails."""
    src = b"".join(f'{{"id": {i}, "text": "The council met on Monday, caf\u00c3\u00a9 {i}."}}\n'.encode() for i in range(n))
    blob = gzip.compress(src)
    return blob[: len(blob) * 3 // 4]


@pytest.mark.parametrize("existed", [False, True], ids=["made-by-the-run", "there-before"])
def test_a_failed_stdin_run_removes_only_the_empty_folders_it_made(run_cli, tmp_path, existed):
    if existed:
        (tmp_path / "new").mkdir()
    result = run_cli("fix", "-", "--stdin-format", "jsonl", "-o", "new/sub", "-j", "1", input=_truncated_gzip_records(40_000))
    assert result.returncode == 2 and b"truncated" in result.stderr, result.stderr
    assert (tmp_path / "new").exists() == existed
    assert not (tmp_path / "new" / "sub").exists()


def test_an_interrupted_stdin_run_removes_the_empty_folder_it_made(tmp_path):
    out = tmp_path / "made" / "sub"
    proc = subprocess.Popen(
        [SCRUBBER, "fix", "-", "--stdin-format", "jsonl", "-o", str(out), "-j", "1"],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    assert proc.stdin is not None
    line = b'{"text": "The council met on Monday, caf\xc3\x83\xc2\xa9."}\n'
    proc.stdin.write(line * 20_000)  # several tasks: the output's temp file is open, stdin stays open
    proc.stdin.flush()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (out.exists() and any(out.iterdir())):
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the run did not exit after the signal")
    assert proc.returncode == 143, err
    assert not (tmp_path / "made").exists()
