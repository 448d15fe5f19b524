"""Benchmark the reviewer at scale: 10,000 documents, 100,000 findings.

Prints: the time to build the session (finding changes, not counted as
opening), the time to open it (sync hash check + load every finding + first
screen), and the time per key for moving (j), jumping to the next undecided
(J) and deciding (y, one committed transaction each). Run:

    .venv/bin/python tests/perf/bench_review.py [--docs N] [--per-doc K]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from pathlib import Path

from scrubber import default_engine
from scrubber.io.sources import discover
from scrubber.review.app import ReviewApp
from scrubber.session import Session

WORDS = [
    "the",
    "council",
    "said",
    "on",
    "monday",
    "that",
    "the",
    "new",
    "ferry",
    "timetable",
    "would",
    "start",
    "in",
    "november",
    "and",
    "fares",
    "stay",
    "the",
    "same",
]


def make_corpus(path: Path, docs: int, per_doc: int) -> None:
    rng = random.Random(7)
    with open(path, "w", encoding="utf-8") as out:
        for n in range(docs):
            sentences = []
            for k in range(per_doc):
                words = rng.sample(WORDS, 8)
                glue = "[ad_1]" if k % 2 else "â€™s"  # residue and mojibake, one finding each
                sentences.append(" ".join(words[:4]) + glue + " " + " ".join(words[4:]) + f" {n}-{k}.")
            out.write(json.dumps({"id": f"doc{n}", "text": " ".join(sentences)}) + "\n")


async def drive(session: Session, presses: int) -> dict[str, float]:
    figures: dict[str, float] = {}
    t0 = time.perf_counter()
    app = ReviewApp(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        figures["open_app"] = time.perf_counter() - t0
        for key in ("x", "j", "J", "y"):  # x is bound to nothing: the test harness's own cost per key
            t = time.perf_counter()
            for _ in range(presses):
                await pilot.press(key)
            await pilot.pause()
            figures[f"key_{key}"] = (time.perf_counter() - t) / presses
        figures["rows"] = len(app.model.rows)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--per-doc", type=int, default=10)
    parser.add_argument("--presses", type=int, default=100)
    args = parser.parse_args()
    engine = default_engine(select=["residue", "unicode"])
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        make_corpus(corpus, args.docs, args.per_doc)
        session_path = Path(tmp) / "bench.scrubber-session"
        t = time.perf_counter()
        s = Session(session_path)
        s.sync(engine, discover([str(corpus)]), "text", lambda *a: None)
        build = time.perf_counter() - t
        findings = s.db.execute("SELECT count(*) FROM findings").fetchone()[0]
        s.close()
        t = time.perf_counter()
        s = Session(session_path)
        s.sync(engine, discover([str(corpus)]), "text", lambda *a: None)
        sync_time = time.perf_counter() - t
        figures = asyncio.run(drive(s, args.presses))
        print(f"documents {args.docs:,}, findings {findings:,} (corpus {corpus.stat().st_size / 1e6:.1f} MB)")
        print(f"build session (find changes, write SQLite): {build:6.2f} s")
        print(f"open: sync (hash check)        {sync_time:6.3f} s")
        print(f"open: load + first screen      {figures['open_app']:6.3f} s")
        print(f"open total                     {sync_time + figures['open_app']:6.3f} s   (target < 2 s)")
        for key, what in (
            ("x", "unbound key: harness baseline"),
            ("j", "next change"),
            ("J", "next undecided"),
            ("y", "accept (one commit)"),
        ):
            print(
                f"key {key} ({what}): {figures['key_' + key] * 1000:6.1f} ms per press, {(figures['key_' + key] - figures['key_x']) * 1000:5.1f} ms above baseline"
            )


if __name__ == "__main__":
    main()
