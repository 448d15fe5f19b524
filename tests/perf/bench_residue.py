"""Throughput of the residue family, one core, in process (not part of make test).

    .venv/bin/python tests/perf/bench_residue.py [FILE.jsonl] [--repeat N] [--rules]

Runs ``default_engine(select=["residue"]).find(text)`` over every record's
``text`` of /work/shared/data/perf-news.jsonl when present, else over a
generated corpus of project-written news-like paragraphs with residue lines.
Prints MB/s (UTF-8 bytes of text per second), documents per second, the
seconds each matcher takes on its own and, with ``--rules``, the seconds each
line/block rule would take alone on the short lines (where to look next).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import regex

from scrubber import default_engine
from scrubber.kinds.base import DocContext
from scrubber.kinds.lines import EDGE, SHORT_LINE

DEFAULT = Path("/work/shared/data/perf-news.jsonl")

_PARAGRAPHS = [
    "The port authority said on Monday that talks with the dockworkers' union would resume in March.",
    '"We want a fair deal for everyone," said Ms. Alvarez, the authority\'s chief. "We are not there yet."',
    "Shipping volumes fell 3.5 percent last year, the first fall since 2009, according to the harbour office.",
    "Updated: 3 Feb 2021 7:15 pm",
    "Officials expect a vote soon; union leaders privately said it was unlikely before summer.",
]
_ENDINGS = ["[ad_2]Source link", "Post a Comment", "Share this:\nLike this:\nLike Loading...", ""]


def synthetic(n_docs: int = 2000) -> list[str]:
    docs = []
    for i in range(n_docs):
        paras = [_PARAGRAPHS[(i + k) % len(_PARAGRAPHS)] for k in range(12)]
        docs.append("Harbour talks resume\n" + "\n".join(paras) + "\n" + _ENDINGS[i % len(_ENDINGS)])
    return docs


def load(path: Path) -> tuple[list[str], str]:
    if path.is_file():
        with path.open(encoding="utf-8") as fh:
            return [json.loads(line)["text"] for line in fh if line.strip()], str(path)
    print(f"bench_residue: {path} not found; using a generated corpus", file=sys.stderr)
    return synthetic(), "generated"


def best_of(repeat: int, run) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs")
    ap.add_argument("--rules", action="store_true", help="also time each line/block rule alone on the short lines")
    args = ap.parse_args()
    docs, source = load(args.path)
    engine = default_engine(select=["residue"])
    engine.find("Warm-up.\nShare this:\n")
    size = sum(len(d.encode("utf-8")) for d in docs)
    found = sum(len(engine.find(d)) for d in docs)
    total = best_of(args.repeat, lambda: [engine.find(d) for d in docs])
    print(
        f"residue family on {source}: {len(docs)} documents, {size / 1e6:.1f} MB, "
        f"{size / 1e6 / total:.2f} MB/s, {len(docs) / total:.0f} docs/s per core, {found} findings"
    )
    print("per matcher (alone, best of runs):")
    for matcher in engine._matchers:
        secs = best_of(args.repeat, lambda m=matcher: [list(m.find(DocContext(d))) for d in docs])
        ids = matcher.rule_ids
        name = ids[0] if len(ids) == 1 else f"{type(matcher).__name__} ({len(ids)} rules)"
        print(f"  {secs:8.4f} s  {name}")
    if args.rules:
        spans = [(d, m.start(), m.end()) for d in docs for m in SHORT_LINE.finditer(d)]
        print(f"each line/block rule alone on {len(spans)} short lines:")
        times = []
        for spec in engine.specs:
            if spec.kind not in ("line", "block"):
                continue
            pattern = regex.compile(rf"{EDGE}(?:{spec.params['pattern']}){EDGE}", regex.VERSION1 | regex.UNICODE)
            t0 = time.perf_counter()
            for d, start, stop in spans:
                pattern.fullmatch(d, start, stop)
            times.append((time.perf_counter() - t0, spec.id))
        for secs, rule_id in sorted(times, reverse=True):
            print(f"  {secs:8.4f} s  {secs / max(1, len(spans)) * 1e6:6.2f} µs/line  {rule_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
