"""Stress: interrupt `scrubber fix A B -o DIR -j 2` at random moments; report hangs and wrong exits.

Usage:  .venv/bin/python tests/perf/stress_interrupt.py [--runs 30] [--signal INT|TERM|both]
                                                       [--min 0.05] [--max 1.4] [--mb 6]

Each run starts the installed CLI on two generated JSONL files of about
``--mb`` MB each (written once to a temp folder: synthetic records with
mojibake and residue, no third-party text), sleeps a random time between
``--min`` and ``--max`` seconds, sends the signal and waits up to 10 s.
A run that has not exited by then is a HANG: it gets SIGABRT (the faulthandler
stack dump is printed) and its process group is killed. Every other run is
checked for the documented exit status (130 for SIGINT, 143 for SIGTERM, or 0
when it finished first), a one-line "scrubber: interrupted"/"terminated"
message (no traceback, no click "Aborted!"), no temp file left in the output
folder, and no worker process left behind. Prints one line per failure and a
summary: runs, hangs, bad exits, leftovers, stop latency (median / max).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRUBBER = Path(sys.executable).with_name("scrubber")

WORDS = ("the", "council", "said", "on", "monday", "that", "its", "plan", "for", "new", "bridge", "would", "cost", "more", "than")


def make_input(path: Path, mb: float, seed: int) -> None:
    """Synthetic news-like records: every third has mojibake, every fifth a share-widget tail."""
    rnd = random.Random(seed)
    size = 0
    with path.open("w", encoding="utf-8") as fh:
        n = 0
        while size < mb * 1_000_000:
            words = [rnd.choice(WORDS) for _ in range(rnd.randint(200, 600))]
            text = " ".join(words).capitalize() + "."
            if n % 3 == 0:
                text = text.replace("said", "said â€œcaféâ€\x9d")
            if n % 5 == 0:
                text += "\n\nShare this article: Facebook Twitter Email"
            line = json.dumps({"id": f"r{n}", "text": text}, ensure_ascii=False) + "\n"
            fh.write(line)
            size += len(line.encode())
            n += 1


def one_run(inputs: list[Path], out: Path, signum: int, delay: float) -> dict:
    env = dict(os.environ, PYTHONFAULTHANDLER="1")
    proc = subprocess.Popen(
        [str(SCRUBBER), "fix", *map(str, inputs), "-o", str(out), "-j", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,  # its own process group: we can kill every worker if it hangs
    )
    time.sleep(delay)
    proc.send_signal(signum)
    sent = time.perf_counter()
    try:
        _, err = proc.communicate(timeout=10)
        hung = False
    except subprocess.TimeoutExpired:
        hung = True
        proc.send_signal(signal.SIGABRT)
        time.sleep(1)
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
    latency = time.perf_counter() - sent
    time.sleep(0.2)
    orphans = subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True, text=True).stdout.split()
    if orphans:
        os.killpg(proc.pid, signal.SIGKILL)
    leftovers = [p.name for p in out.rglob("*") if p.name.startswith(".") or ".tmp" in p.name]
    return {
        "rc": proc.returncode,
        "err": err.decode(errors="replace"),
        "hung": hung,
        "latency": latency,
        "orphans": orphans,
        "leftovers": leftovers,
    }


def check(result: dict, signum: int) -> str | None:
    """What is wrong with a run that did not hang (None: nothing)."""
    expected = 128 + signum
    err = result["err"]
    word = "interrupted" if signum == signal.SIGINT else "terminated"
    if result["rc"] == 0:
        return None  # finished before the signal
    if result["rc"] != expected:
        return f"exit {result['rc']} (expected {expected})"
    if "Traceback" in err or "Aborted!" in err or "Exception ignored" in err:
        return "noise on stderr: " + err.strip().splitlines()[-1]
    if f"scrubber: {word}" not in err:
        return f"no 'scrubber: {word}' message: {err.strip()[:200]!r}"
    if result["leftovers"]:
        return f"leftover files {result['leftovers']}"
    if result["orphans"]:
        return f"worker processes left: {result['orphans']}"
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--signal", choices=["INT", "TERM", "both"], default="both")
    ap.add_argument("--min", type=float, default=0.05)
    ap.add_argument("--max", type=float, default=1.4)
    ap.add_argument("--mb", type=float, default=6)
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    if not SCRUBBER.exists():
        print(f"no {SCRUBBER}: run `make test` first (it installs the CLI into .venv)")
        return 2
    rnd = random.Random(args.seed)
    sigs = {"INT": [signal.SIGINT], "TERM": [signal.SIGTERM], "both": [signal.SIGINT, signal.SIGTERM]}[args.signal]
    failed = 0
    with tempfile.TemporaryDirectory(prefix="stress-int-") as tmp:
        base = Path(tmp)
        inputs = [base / "part1.jsonl", base / "part2.jsonl"]
        for i, path in enumerate(inputs):
            make_input(path, args.mb, i)
        for signum in sigs:
            name = signal.Signals(signum).name
            hangs = bad = done = 0
            latencies = []
            for run in range(args.runs):
                out = base / f"out-{name}-{run}"
                delay = round(rnd.uniform(args.min, args.max), 2)
                result = one_run(inputs, out, signum, delay)
                if result["hung"]:
                    hangs += 1
                    print(f"HANG {name} run {run} after {delay}s:\n{result['err'][-3000:]}")
                    continue
                latencies.append(result["latency"])
                problem = check(result, signum)
                if result["rc"] == 0:
                    done += 1
                if problem:
                    bad += 1
                    print(f"BAD {name} run {run} after {delay}s: {problem}")
            failed += hangs + bad
            lat = f"stop latency median {statistics.median(latencies):.2f}s max {max(latencies):.2f}s" if latencies else ""
            print(f"{name}: {args.runs} runs, {hangs} hang(s), {bad} bad, {done} finished before the signal; {lat}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
