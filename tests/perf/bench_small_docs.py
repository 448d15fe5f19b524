"""Fixed cost per document: microseconds a short document costs each rule family (not part of make test).

    .venv/bin/python tests/perf/bench_small_docs.py [--data FILE] [--repeat N] [--versus OLD_TREE]

Corpora of headlines, tweets and comments are millions of documents of a
line or two: there the per-document work of a family (building its views,
dispatching its matchers, gating its scans) costs more than scanning the
text. This cuts every document of the data (``--data``, default
/work/shared/data/perf-news.jsonl, else a generated set) to its first two
non-blank lines, each at most 160 characters (cut after its last sentence
end or space there: a headline and a lede), and times :func:`scrubber.runner.analyze` (find, decide,
apply: what a worker does for a document) per family and for all rules,
next to ``ftfy.fix_text`` on the same documents. langdetect's answer cache
is emptied before each timing: a real corpus brings new documents. Figures are process time
per document, best of ``--repeat`` passes.

With ``--versus TREE`` (another checkout, e.g. ``git worktree add --detach
/tmp/old COMMIT`` with the built kernels copied into its ``scrubber/kinds``)
each pass runs in child processes that alternate between that tree and this
one, on ``PYTHONPATH`` from a neutral folder, so old and new code share the
machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]
DEFAULT = Path("/work/shared/data/perf-news.jsonl")
FAMILIES = ("unicode", "residue", "garble")
#: for a machine without the data set: short documents with the three kinds of damage
GENERATED = (
    "The council met on Tuesday. It voted to keep the library open.\nShare this:",
    "Itâ€™s the cityâ€™s oldest bakery, the owner said.\n[ad_1]",
    "Officials said. . the plan would go ahead next year.\nRead more",
    "A quiet morning in the harbour as the boats came back.\nThe fishermen sorted the catch.",
)


def _short(line: str, limit: int = 160) -> str:
    """``line`` cut to ``limit`` characters, after its last sentence end there, else its last space."""
    if len(line) <= limit:
        return line
    head = line[:limit]
    cut = max(head.rfind(". "), head.rfind("? "), head.rfind("! "))
    return head[: cut + 1] if cut > 0 else head[: head.rfind(" ")] if " " in head else head


def short_documents(path: Path) -> list[str]:
    """The first two non-blank lines of every document of ``path`` (JSONL, field ``text``), shortened, or the generated set."""
    if not path.is_file():
        return list(GENERATED) * 600
    docs = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                lines = [x for x in json.loads(line).get("text", "").splitlines() if x.strip()]
                docs.append("\n".join(_short(x) for x in lines[:2]))
    return docs


def one_pass(docs: list[str]) -> dict[str, float]:
    """Microseconds per document of each family, all rules and ftfy (one timing each, process time)."""
    import ftfy

    from scrubber import default_engine
    from scrubber.kinds.language import _langdetect_cached, warm_up
    from scrubber.policy import Policy
    from scrubber.runner import analyze

    warm_up()
    out: dict[str, float] = {}
    for label, select in [*((f, [f]) for f in FAMILIES), ("all rules", ["ALL"])]:
        engine = default_engine(select=select)
        policy = Policy()
        for d in docs[:50]:  # compile lazily built views and tables outside the timing
            analyze(engine, policy, d)
        _langdetect_cached.cache_clear()  # every document new, as in a real corpus: its langdetect answers are not known
        t0 = time.process_time()
        for d in docs:
            analyze(engine, policy, d)
        out[label] = (time.process_time() - t0) / len(docs) * 1e6
    t0 = time.process_time()
    for d in docs:
        ftfy.fix_text(d)
    out["ftfy.fix_text"] = (time.process_time() - t0) / len(docs) * 1e6
    return out


def _child(tree: Path, data: Path) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    with tempfile.TemporaryDirectory() as neutral:  # (from the project root, the cwd tree would shadow PYTHONPATH's)
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--child", "--data", str(data)],
            env=env,
            cwd=neutral,
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(done.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT, help="JSONL with a 'text' field (default: %(default)s)")
    ap.add_argument("--repeat", type=int, default=3, help="best of N passes (default: %(default)s)")
    ap.add_argument("--versus", type=Path, help="another checkout of the project to compare with")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    docs = short_documents(args.data)
    if args.child:
        print(json.dumps(one_pass(docs)))
        return 0
    trees = {"this": HERE} if args.versus is None else {"old": args.versus.resolve(), "this": HERE}
    best: dict[str, dict[str, float]] = {name: {} for name in trees}
    for _ in range(args.repeat):
        for name, tree in trees.items():
            for label, us in _child(tree, args.data).items():
                best[name][label] = min(best[name].get(label, us), us)
    source = args.data.name if args.data.is_file() else "generated documents"
    chars = sum(len(d) for d in docs) / len(docs)
    print(f"{len(docs)} short documents (first two lines, cut to 160 characters, of each of {source}; {chars:.0f} characters on average)")
    print(f"process time per document, best of {args.repeat}")
    header = "".join(f"{name:>12}" for name in trees)
    print(f"  {'what':<16}{header}")
    for label in best["this"]:
        cells = "".join(f"{best[name][label]:>10.1f}us" for name in trees)
        print(f"  {label:<16}{cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
