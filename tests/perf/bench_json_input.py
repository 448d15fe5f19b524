"""Throughput of the JSON array reader against the JSON Lines reader, on the same records.

Usage:
  .venv/bin/python tests/perf/bench_json_input.py [--read-mb 64] [--fix-mb 16] [--repeat 3] [--jobs 1]

Generates records of its own (news-like sentences, some mojibake and
residue, a few other fields) and writes them to a temp folder twice: as a
pretty-printed JSON array (``indent=2``) and as JSON Lines. Prints MB/s
(of each file's own size) for:

* split: what the runner's main process does (``raw_lines`` vs
  ``json_pieces``: find each record's bytes);
* split + parse: each record turned into a document (``jsonl_item`` vs
  ``json_item``), as ``check``'s reader and ``mine`` do;
* fix: ``scrubber fix FILE -o DIR -j N`` end to end (the installed command;
  wall time, and the child's CPU time), outputs compared for equal records.

Runs are interleaved and the best of ``--repeat`` kept (a shared machine).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scrubber.io.sources import InputFile, json_item, json_pieces, jsonl_item, raw_lines

SENTENCES = [
    "The council met on Tuesday to discuss the new bridge over the river.",
    "Members voted in favour after a long debate about the cost.",
    "The cafÃ© on Main Street reopened after the floods, its owner said.",
    "Itâ€™s a fresh start for the town, according to the mayor.",
    "Forecasters expect rain over the weekend and urged caution on the roads.",
    "Prices of bread rose for the third month in a row.",
]


def make_records(total_bytes: int, seed: int = 7) -> list[dict]:
    rnd = random.Random(seed)
    out: list[dict] = []
    size = 0
    i = 0
    while size < total_bytes:
        body = "\n".join(" ".join(rnd.choice(SENTENCES) for _ in range(rnd.randint(2, 5))) for _ in range(rnd.randint(3, 8)))
        if i % 5 == 0:
            body += "\n\n[ad_2]Source link"
        rec = {"id": f"doc-{i}", "url": f"https://news.example/{i}", "title": f"Story {i}", "score": rnd.random(), "text": body}
        out.append(rec)
        size += len(body) + 120
        i += 1
    return out


def write_both(folder: Path, recs: list[dict], name: str) -> tuple[Path, Path]:
    array, lines = folder / f"{name}.json", folder / f"{name}.jsonl"
    array.write_text(json.dumps(recs, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    lines.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    return array, lines


def source(path: Path, fmt: str) -> InputFile:
    return InputFile(path, fmt, None, Path(path.name))


def split_jsonl(path: Path) -> int:
    return sum(1 for _ in raw_lines(source(path, "jsonl")))


def split_json(path: Path) -> int:
    return sum(1 for p in json_pieces(source(path, "json")) if p.is_element)


def parse_jsonl(path: Path) -> int:
    return sum(jsonl_item(raw, n, "x", "text")[0].doc is not None for n, raw in enumerate(raw_lines(source(path, "jsonl")), 1))


def parse_json(path: Path) -> int:
    return sum(json_item(p, "x", "text")[0].doc is not None for p in json_pieces(source(path, "json")))


def best_cpu(func, path: Path, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        func(path)
        best = min(best, time.process_time() - t)
    return best


def run_fix(path: Path, out: Path, jobs: int) -> tuple[float, float]:
    """(wall, child CPU) seconds of ``scrubber fix path -o out``."""
    exe = Path(sys.executable).parent / "scrubber"
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    proc = subprocess.Popen([str(exe), "fix", str(path), "-o", str(out), "-j", str(jobs), "-q", "--isolated"])
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"scrubber fix {path} failed")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--read-mb", type=float, default=64)
    ap.add_argument("--fix-mb", type=float, default=16)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench_json_input_"))
    try:
        array, lines = write_both(folder, make_records(int(args.read_mb * 1e6)), "read")
        sizes = {array: array.stat().st_size / 1e6, lines: lines.stat().st_size / 1e6}
        assert split_json(array) == split_jsonl(lines) == parse_json(array) == parse_jsonl(lines)
        print(f"records: {split_jsonl(lines)}; array {sizes[array]:.1f} MB (indent=2), JSON Lines {sizes[lines]:.1f} MB")
        print(f"{'reading (CPU, best of ' + str(args.repeat) + ')':<34}{'JSON Lines':>12}{'JSON array':>12}")
        for label, fl, fa in (
            ("split (runner main process)", split_jsonl, split_json),
            ("split + parse into documents", parse_jsonl, parse_json),
        ):
            tl, ta = best_cpu(fl, lines, args.repeat), best_cpu(fa, array, args.repeat)
            print(f"  {label:<32}{sizes[lines] / tl:>8.0f} MB/s{sizes[array] / ta:>8.0f} MB/s")
        fix_array, fix_lines = write_both(folder, make_records(int(args.fix_mb * 1e6)), "fix")
        fsizes = {fix_array: fix_array.stat().st_size / 1e6, fix_lines: fix_lines.stat().st_size / 1e6}
        best: dict[Path, tuple[float, float]] = {}
        for _ in range(args.repeat):
            for path in (fix_lines, fix_array):
                wall, cpu = run_fix(path, folder / f"out-{path.suffix[1:]}", args.jobs)
                old = best.get(path, (float("inf"), float("inf")))
                best[path] = (min(old[0], wall), min(old[1], cpu))
        fixed_lines = [json.loads(x) for x in (folder / "out-jsonl" / fix_lines.name).read_text(encoding="utf-8").splitlines()]
        fixed_array = json.loads((folder / "out-json" / fix_array.name).read_text(encoding="utf-8"))
        assert fixed_lines == fixed_array, "the two formats were fixed differently"
        print(
            f"fix -o DIR -j {args.jobs} end to end ({fsizes[fix_lines]:.1f} MB JSON Lines / {fsizes[fix_array]:.1f} MB array, same records)"
        )
        for path, name in ((fix_lines, "JSON Lines"), (fix_array, "JSON array")):
            wall, cpu = best[path]
            print(f"  {name:<12} wall {wall:6.2f} s = {fsizes[path] / wall:5.1f} MB/s   CPU {cpu:6.2f} s")
        print("outputs: the same records, fixed the same way")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
