"""Where a pass of all rules spends its time: process time per garble detector (not part of make test).

    .venv/bin/python tests/perf/bench_detectors.py [FILE.jsonl] [--repeat N] [--select RULES]

Runs ``engine.find`` over every document of FILE (default
/work/shared/data/perf-news.jsonl, field ``text``) with each garble detector
wrapped in a process-time counter, and prints the total and each detector's
seconds (best of N passes, each figure on its own; the machine is shared, so
compare runs made back to back). Detectors share one segmentation and
document language, which the first detector to ask pays for.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

from scrubber.kinds import garble

DEFAULT = Path("/work/shared/data/perf-news.jsonl")


def _timed(name: str, fn: garble.DetectorFn, spent: dict[str, float]) -> garble.DetectorFn:
    def run(ctx, seg, params):  # type: ignore[no-untyped-def]
        t0 = time.process_time()
        spots = list(fn(ctx, seg, params))
        spent[name] += time.process_time() - t0
        return spots

    return run


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=3, help="best of N passes")
    ap.add_argument("--select", default="ALL", help="rule selection, comma-separated (default: %(default)s)")
    args = ap.parse_args()
    if not args.path.is_file():
        print(f"bench_detectors: {args.path} not found (the data sets are not part of the project)", file=sys.stderr)
        return 2
    spent: dict[str, float] = defaultdict(float)
    for name, det in list(garble.DETECTORS.items()):
        garble.DETECTORS[name] = dataclasses.replace(det, fn=_timed(name, det.fn, spent))  # (its hints kept: skipped as in a real pass)

    from scrubber import default_engine
    from scrubber.kinds.language import warm_up

    with args.path.open(encoding="utf-8") as fh:
        docs = [json.loads(line)["text"] for line in fh if line.strip()]
    engine = default_engine(select=args.select.split(","))
    warm_up()
    for d in docs[:50]:
        engine.find(d)
    best: dict[str, float] = {}
    total = float("inf")
    for _ in range(args.repeat):
        spent.clear()
        t0 = time.process_time()
        for d in docs:
            engine.find(d)
        total = min(total, time.process_time() - t0)
        for name, seconds in spent.items():
            best[name] = min(best.get(name, seconds), seconds)
    size = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    print(f"{args.select} on {args.path.name}: {len(docs)} documents, {size:.2f} MB, {total:.3f} s process time ({size / total:.2f} MB/s)")
    for name, seconds in sorted(best.items(), key=lambda kv: -kv[1]):
        print(f"  {name:22s} {seconds:6.3f} s")
    print(f"  {'(all detectors)':22s} {sum(best.values()):6.3f} s; the rest is other rule families, segmentation, grouping")
    return 0


if __name__ == "__main__":
    sys.exit(main())
