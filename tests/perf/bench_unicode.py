"""Throughput of the Unicode family next to plain ftfy.fix_text, same documents, one run.

Usage: .venv/bin/python tests/perf/bench_unicode.py [--repeat N]

Two corpora: "mostly clean" (the documents of /work/shared/data/perf-news.jsonl,
about 5% of which carry mojibake; generated text if the file is absent) and
"damaged" (300 of the same documents that contain non-ASCII characters,
each turned whole into UTF-8 read as Windows-1252). For each: scrubber's default Unicode rules (find + apply every
safe fix in batch) and ftfy.fix_text with its defaults, in MB/s of UTF-8 input.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

import ftfy

from scrubber import Policy, apply, default_engine

DATA = Path("/work/shared/data/perf-news.jsonl")


def clean_corpus() -> list[str]:
    if DATA.exists():
        with DATA.open(encoding="utf-8") as handle:
            return [json.loads(line)["text"] for line in handle if line.strip()]
    print(f"({DATA} not found: generating text)")
    rng = random.Random(1)
    words = [
        "the",
        "council",
        "said",
        "on",
        "Monday",
        "that",
        "it’s",
        "“likely”",
        "the",
        "plan",
        "–",
        "costing",
        "€4m",
        "–",
        "would",
        "pass",
        "café",
        "résumé",
    ]
    return [" ".join(rng.choice(words) for _ in range(400)) for _ in range(1000)]


def damage(text: str) -> str:
    return text.encode("utf-8").decode("cp1252", errors="replace")


def timed(fn, docs: list[str], repeat: int) -> float:
    size = sum(len(d.encode("utf-8")) for d in docs)
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for d in docs:
            fn(d)
        best = min(best, time.perf_counter() - t0)
    return size / best / 1e6


def main(repeat: int = 2) -> None:
    engine = default_engine(select=["unicode"])
    policy = Policy()

    def scrub(text: str) -> str:
        findings = engine.find(text)
        return apply(text, findings, policy.decisions(findings))

    clean = clean_corpus()
    # only documents with non-ASCII characters really get damaged by the round trip
    damaged = [damage(d) for d in clean if not d.isascii()][:300]
    print(f"{'corpus':<14}{'docs':>6}{'MB':>7}{'scrubber MB/s':>15}{'ftfy MB/s':>11}{'ratio':>8}")
    for name, docs in (("mostly clean", clean), ("damaged", damaged)):
        mb = sum(len(d.encode("utf-8")) for d in docs) / 1e6
        ours = timed(scrub, docs, repeat)
        theirs = timed(ftfy.fix_text, docs, repeat)
        print(f"{name:<14}{len(docs):>6}{mb:>7.1f}{ours:>15.1f}{theirs:>11.1f}{ours / theirs:>7.1f}x")


if __name__ == "__main__":
    n = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 2
    main(n)
