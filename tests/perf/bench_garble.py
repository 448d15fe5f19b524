"""Throughput of the garble family on English news, one core (not part of make test).

    .venv/bin/python tests/perf/bench_garble.py [FILE.jsonl] [--repeat N]

Uses /work/shared/data/perf-news.jsonl when present, else a generated
corpus of project-written news-like paragraphs (with some garbled
sentences). Prints MB/s (UTF-8 bytes of text per second of engine.find
plus the document score), documents per second and flags found.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from scrubber.engine import Engine
from scrubber.packs import builtin_pack_dir, load_pack
from scrubber.scoring import document_score

DEFAULT = Path("/work/shared/data/perf-news.jsonl")

_PARAGRAPHS = [
    "The port authority said on Monday that talks with the dockworkers' union would resume in March.",
    '"We want a fair deal for everyone," said Ms. Alvarez, the authority\'s chief. "We are not there yet."',
    "Shipping volumes fell 3.5 percent last year, the first fall since 2009, according to the U.S. Department of Labor.",
    "Officials expect a vote soon. . Union leaders privately said it was unlikely before summer.",
    "The union said it was waiting for an offer. to the workers, and prices of bread bread rose.",
]


def synthetic(n_docs: int = 2000) -> list[str]:
    docs = []
    for i in range(n_docs):
        paras = [_PARAGRAPHS[(i + k) % len(_PARAGRAPHS)] for k in range(12)]
        docs.append("Harbour talks resume\n\n" + "\n\n".join(paras))
    return docs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs")
    args = ap.parse_args()
    if args.path.is_file():
        with args.path.open(encoding="utf-8") as fh:
            docs = [json.loads(line)["text"] for line in fh if line.strip()]
        source = str(args.path)
    else:
        print(f"bench_garble: {args.path} not found; using a generated corpus", file=sys.stderr)
        docs = synthetic()
        source = "generated"
    engine = Engine(load_pack(builtin_pack_dir() / "garble.toml").rules)
    engine.find("Warm-up. Die Minister unterzeichneten das Abkommen nach langen Verhandlungen in der Hauptstadt.")
    size = sum(len(d.encode("utf-8")) for d in docs)
    best = float("inf")
    flagged = 0
    for _ in range(args.repeat):
        flagged = 0
        t0 = time.perf_counter()
        for d in docs:
            findings = engine.find(d)
            document_score(d, findings)
            flagged += len(findings)
        best = min(best, time.perf_counter() - t0)
    print(
        f"garble family on {source}: {len(docs)} documents, {size / 1e6:.1f} MB, "
        f"{size / 1e6 / best:.2f} MB/s, {len(docs) / best:.0f} docs/s per core, {flagged} flagged sentences"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
