"""Dump every finding of all rules over the dev data sets, to check that a speed change changes none.

    .venv/bin/python tests/perf/eval_identity.py OUT.txt [--garble-limit N]
    (change the code)
    .venv/bin/python tests/perf/eval_identity.py OUT2.txt && cmp OUT.txt OUT2.txt

One line per document: its key and the repr of ``(rule, start, end,
replacement, message, confidence, safe, fingerprint, detail)`` of each
finding of ``engine.find``. Documents: perf-news, human-news-dev and
residue-dev (field ``text``), demetr-dev (``text`` and ``clean``, each a
one-sentence document) and the first N of garble-dev (default 10,000), all
from /work/shared/data (not part of the project).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from scrubber import default_engine

DATA = Path("/work/shared/data")


def documents(garble_limit: int) -> Iterator[tuple[str, str]]:
    for name in ("perf-news", "human-news-dev", "residue-dev"):
        with (DATA / f"{name}.jsonl").open(encoding="utf-8") as fh:
            for k, line in enumerate(fh):
                yield f"{name}:{k}", json.loads(line)["text"]
    with (DATA / "demetr-dev.jsonl").open(encoding="utf-8") as fh:
        for k, line in enumerate(fh):
            record = json.loads(line)
            yield f"demetr:{k}:text", record["text"]
            yield f"demetr:{k}:clean", record["clean"]
    with (DATA / "garble-dev.jsonl").open(encoding="utf-8") as fh:
        for k, line in enumerate(fh):
            if k >= garble_limit:
                break
            yield f"garble:{k}", json.loads(line)["text"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--garble-limit", type=int, default=10_000)
    args = ap.parse_args()
    if not DATA.is_dir():
        print(f"eval_identity: {DATA} not found (the data sets are not part of the project)", file=sys.stderr)
        return 2
    engine = default_engine()
    n_docs = n_findings = 0
    with args.out.open("w", encoding="utf-8") as out:
        for key, text in documents(args.garble_limit):
            rows = [
                (f.rule, f.start, f.end, f.replacement, f.message, f.confidence, f.safe, f.fingerprint, f.detail) for f in engine.find(text)
            ]
            out.write(f"{key}\t{rows!r}\n")
            n_docs += 1
            n_findings += len(rows)
    print(f"{n_findings} findings in {n_docs} documents -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
