"""All rules with another tree's garble.py and language.py against this tree's, in one process (not part of make test).

    cd /tmp && PYTHONPATH=/path/to/this/tree .venv/bin/python /path/to/this/tree/tests/perf/bench_garble_versus.py OLD_TREE \
        [--select RULES] [--passes N] [FILE.jsonl]

Why: on a shared machine two processes taking passes in turn still see the
load change between passes (30% and more), so a gain of a few percent is
lost in it. Here one process builds two engines from the same rules: this
tree's, and one whose garble matcher is OLD_TREE's ``scrubber/kinds/garble.py``
and ``language.py``, loaded as separate modules (every other module, the
compiled kernels included, is this tree's). They take each document in
turn, in alternating order, and each engine's process time is summed over a
pass; the figures are the best pass of each, and every pass prints both
(their ratio moves far less than either). Only changes confined to those two
files are measured; the findings of both engines are compared on the first
documents first.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import sys
import time
from pathlib import Path
from types import ModuleType

DEFAULT = Path("/work/shared/data/perf-news.jsonl")


def _load(name: str, path: Path) -> ModuleType:
    """The module at ``path`` as ``scrubber.kinds.NAME`` (its relative imports are this tree's)."""
    spec = importlib.util.spec_from_file_location(f"scrubber.kinds.{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _old_engine(old_tree: Path, select: list[str] | None):  # type: ignore[no-untyped-def]
    """This tree's engine with OLD_TREE's garble matcher (its detectors, its language module)."""
    import scrubber.kinds.base as base
    from scrubber import default_engine
    from scrubber.kinds.base import Matcher
    from scrubber.kinds.garble import GarbleMatcher

    register = base.register
    base.register = lambda cls: cls  # the old copies must not register their kinds again
    try:
        language = _load("language_old", old_tree / "scrubber/kinds/language.py")
        garble = _load("garble_old", old_tree / "scrubber/kinds/garble.py")
    finally:
        base.register = register
    language._garble = garble  # type: ignore[attr-defined]
    garble.document_language = language.document_language  # type: ignore[attr-defined]
    fs = garble.DETECTORS["foreign-sentence"]  # type: ignore[attr-defined]
    garble.DETECTORS["foreign-sentence"] = garble.Detector(language.foreign_sentence, fs.english_only, fs.params, fs.hints)  # type: ignore[attr-defined]
    engine = default_engine(select=select)
    engine._matchers = [garble.GarbleMatcher(m.specs) if isinstance(m, GarbleMatcher) else m for m in engine._matchers]  # type: ignore[attr-defined]
    engine._judges = [m for m in engine._matchers if m.judges_fixed_text]
    engine._makers = [m for m in engine._matchers if m not in engine._judges]
    engine._settlers = [m for m in engine._matchers if type(m).reveal_hint is not Matcher.reveal_hint]
    engine._coarseners = [m for m in engine._matchers if callable(getattr(m, "coarsen", None))]
    return engine


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old_tree", type=Path)
    ap.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--select", default="ALL", help="rule selection, comma-separated (default: %(default)s)")
    ap.add_argument("--passes", type=int, default=7)
    args = ap.parse_args()
    if not args.path.is_file():
        print(f"bench_garble_versus: {args.path} not found (the data sets are not part of the project)", file=sys.stderr)
        return 2
    from scrubber import default_engine
    from scrubber.kinds.language import warm_up

    select = None if args.select == "ALL" else args.select.split(",")
    engines = {"old": _old_engine(args.old_tree, select), "new": default_engine(select=select)}
    with args.path.open(encoding="utf-8") as fh:
        docs = [json.loads(line)["text"] for line in fh if line.strip()]
    warm_up()
    for d in docs[:200]:
        if engines["old"].find(d) != engines["new"].find(d):
            print("bench_garble_versus: the two engines disagree on a document", file=sys.stderr)
            return 1
    best = {"old": float("inf"), "new": float("inf")}
    for k in range(args.passes):
        gc.collect()
        spent = {"old": 0.0, "new": 0.0}
        order = list(engines)
        for d in docs:
            order.reverse()
            for label in order:
                t0 = time.process_time()
                engines[label].find(d)
                spent[label] += time.process_time() - t0
        for label, seconds in spent.items():
            best[label] = min(best[label], seconds)
        print(f"  pass {k + 1}: old {spent['old']:.3f} s, new {spent['new']:.3f} s ({spent['new'] / spent['old']:.3f})", flush=True)
    print(
        f"{args.select}: old {best['old']:.3f} s, new {best['new']:.3f} s, new/old {best['new'] / best['old']:.3f} (best of {args.passes})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
