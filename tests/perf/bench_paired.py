"""Old tree against new tree (and ``ftfy.fix_text``) in paired passes: the steadiest A/B this machine allows.

Run on demand (not part of ``make test``)::

    git worktree add --detach /tmp/old-tree COMMIT   # then build its kernels
    .venv/bin/python tests/perf/bench_paired.py /tmp/old-tree --rounds 20
    .venv/bin/python tests/perf/bench_paired.py /tmp/old-tree --select unicode,residue

Why another script: on a shared virtual machine the speed of one core moves
by 30-50% from minute to minute, so two figures taken a minute apart
compare the minutes, not the code. ``bench_pipeline.py --versus`` starts
fresh processes per pass and takes the best of each side, and the two
bests can fall in different minutes. Here three persistent workers (the
old tree, this tree, plain ``ftfy.fix_text``) load and warm up once, then
take turns, one pass each per round, in an order that rotates, while the
others wait: each round's passes share that round's minute. What is
reported per round is a *ratio* (new/old, ftfy/new, ftfy/old), and the
median of those ratios is steady where the times are not. Run it with an
old tree against itself once to see the machine's own noise.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
TREE = HERE.parents[2]
DEFAULT_DATA = Path("/work/shared/data/perf-news.jsonl")


def worker(tree_label: str, select: str, data: Path) -> None:
    """Load the documents and the engine (or ftfy), warm up, then time one pass per ``go`` line on stdin."""
    docs = [json.loads(line)["text"] for line in data.open(encoding="utf-8") if line.strip()]
    if tree_label == "ftfy":
        import ftfy

        run = ftfy.fix_text
    else:
        from scrubber import default_engine
        from scrubber.kinds.language import warm_up

        warm_up()
        run = default_engine(select=None if select == "ALL" else select.split(",")).find
    for doc in docs:
        run(doc)
    print("ready", flush=True)
    for _ in sys.stdin:
        start = time.process_time()
        for doc in docs:
            run(doc)
        print(time.process_time() - start, flush=True)


def start(label: str, tree: Path | None, select: str, data: Path) -> subprocess.Popen[str]:
    """A worker process with ``tree`` first on PYTHONPATH, run from /tmp so no project root shadows it."""
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    proc = subprocess.Popen(
        [sys.executable, str(HERE), "--worker", label, "--select", select, "--data", str(data)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd="/tmp",
        env=env,
    )
    assert proc.stdout is not None
    if proc.stdout.readline().strip() != "ready":
        raise SystemExit(f"bench_paired: the {label} worker did not start (see its error above)")
    return proc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old", nargs="?", type=Path, help="the other checkout (kernels built in it)")
    parser.add_argument("--new", type=Path, default=TREE, help="the tree to compare (default: this one)")
    parser.add_argument("--select", default="ALL", help="rules, comma-separated families or ids (default: ALL)")
    parser.add_argument("--rounds", type=int, default=20, help="rounds of one pass each (default: 20)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"JSONL corpus (default: {DEFAULT_DATA})")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.select, args.data)
        return
    if args.old is None:
        parser.error("give the old tree to compare against")
    if not args.data.is_file():
        parser.error(f"no corpus at {args.data} (use --data FILE)")
    labels = ["old", "new", "ftfy"]
    procs = dict(zip(labels, (start(lab, t, args.select, args.data) for lab, t in zip(labels, (args.old, args.new, None)))))
    times: dict[str, list[float]] = {lab: [] for lab in labels}
    try:
        for k in range(args.rounds):
            for lab in labels[k % 3 :] + labels[: k % 3]:  # rotate who goes first
                proc = procs[lab]
                assert proc.stdin is not None and proc.stdout is not None
                proc.stdin.write("go\n")
                proc.stdin.flush()
                times[lab].append(float(proc.stdout.readline()))
    finally:
        for proc in procs.values():
            if proc.stdin:
                proc.stdin.close()
            proc.wait()

    def paired(a: str, b: str) -> float:
        return statistics.median(y / x for x, y in zip(times[a], times[b]))

    print(f"{args.select} on {args.data.name}, {args.rounds} rounds, process time per pass (s):")
    for lab, tree in zip(labels, (args.old, args.new, "ftfy.fix_text")):
        print(f"  {lab:4}  best {min(times[lab]):.3f}  median {statistics.median(times[lab]):.3f}  ({tree})")
    print(f"  new/old median paired ratio {paired('old', 'new'):.3f}")
    print(
        f"  ftfy/old {paired('old', 'ftfy'):.2f}x  ftfy/new {paired('new', 'ftfy'):.2f}x  (median paired: how many times faster than ftfy)"
    )


if __name__ == "__main__":
    main()
