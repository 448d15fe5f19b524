"""What surrounds the rules in a pass of all rules: the engine alone, and garble's work outside its detectors.

Run on demand (not part of ``make test``), from outside a project root with
``PYTHONPATH`` set to the tree to measure::

    cd /tmp && PYTHONPATH=/path/to/tree .venv/bin/python /path/to/tree/tests/perf/bench_glue.py --repeat 7

Figures, best of ``--repeat`` passes each, process time, the parts taking
turns within each round (so they share the machine's minute):

- ``engine only``: ``Engine.find`` over every document with each matcher's
  findings recorded on a first pass and handed back (resolution, judging,
  settling, fingerprints, splicing: the engine's own time);
- ``garble real``: ``GarbleMatcher.find`` on every document;
- ``garble recorded spots``: the same with each detector's spots recorded
  and handed back (the detectors' own time and the memos they fill left out:
  the mark scan, the gates, the document's language, segmentation, grouping
  spots by sentence, the flags);
- ``garble empty detectors``: every detector finding nothing (the mark
  scan, the gates and the document's language only);
- ``mark scan``, ``document language``, ``paragraphs``: those parts alone.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

DEFAULT = Path("/work/shared/data/perf-news.jsonl")


def _recording(find: Callable, key: Callable) -> Callable:
    """``find``, whose results are computed once per ``key(*args)`` and handed back after."""
    seen: dict = {}

    def run(*args):  # type: ignore[no-untyped-def]
        k = key(*args)
        found = seen.get(k)
        if found is None:
            found = seen[k] = list(find(*args))
        return found

    return run


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=7, help="rounds; best of them (default: %(default)s)")
    args = ap.parse_args()
    if not args.path.is_file():
        print(f"bench_glue: {args.path} not found (the data sets are not part of the project)", file=sys.stderr)
        return 2
    from scrubber import default_engine
    from scrubber.kinds import garble
    from scrubber.kinds.base import DocContext
    from scrubber.kinds.language import warm_up

    warm_up()
    with args.path.open(encoding="utf-8") as fh:
        docs = [json.loads(line)["text"] for line in fh if line.strip()]

    recorded = default_engine()
    for m in recorded._matchers:
        m.find = _recording(m.find, lambda ctx, _m=m: (id(_m), ctx.text))  # type: ignore[method-assign]

    matcher = next(m for m in default_engine()._matchers if isinstance(m, garble.GarbleMatcher))
    real = list(matcher._runs)
    spots = [(s, _recording(fn, lambda ctx, seg, params, _id=s.id: (_id, ctx.text)), *rest) for s, fn, *rest in real]
    empty = [(s, lambda ctx, seg, params: (), *rest) for s, _, *rest in real]
    scan = garble._mark_scan()

    def garble_with(runs: list) -> Callable[[str], object]:
        by_present: dict = {}  # (the matcher's runs per hint value, worked out from _runs: one table per variant)

        def run(text: str) -> object:
            matcher._runs = runs
            matcher._runs_by_present = by_present
            return list(matcher.find(DocContext(text)))

        return run

    def mark_scan(text: str) -> object:
        scan._last = None  # type: ignore[union-attr]  # (its one-text cache)
        return scan.candidates(text)  # type: ignore[union-attr]

    parts: dict[str, Callable[[str], object]] = {
        "engine only": recorded.find,
        "garble real": garble_with(real),
        "garble recorded spots": garble_with(spots),
        "garble empty detectors": garble_with(empty),
        "document language": lambda text: garble.document_language(DocContext(text)),
        "paragraphs": lambda text: garble.segmentation(DocContext(text)).paragraphs,
    }
    if scan is not None:
        parts["mark scan"] = mark_scan
    for part in parts.values():  # the recording pass (and a warm-up of every part)
        for text in docs:
            part(text)
    best = dict.fromkeys(parts, float("inf"))
    for _ in range(args.repeat):
        for name, part in parts.items():
            t0 = time.process_time()
            for text in docs:
                part(text)
            best[name] = min(best[name], time.process_time() - t0)
    print(f"{args.path.name}: {len(docs)} documents, best of {args.repeat}, process time per pass")
    for name, seconds in best.items():
        print(f"  {name:24s} {seconds:6.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
