"""Benchmark the pipeline: per rule family, against ftfy, across jobs, and memory.

Run on demand (not part of ``make test``)::

    .venv/bin/python tests/perf/bench_pipeline.py                 # families + scaling
    .venv/bin/python tests/perf/bench_pipeline.py --big-mb 1000   # + peak memory on a 1 GB input
    .venv/bin/python tests/perf/bench_pipeline.py --profile       # + where the rules spend time
    .venv/bin/python tests/perf/bench_pipeline.py --versus /tmp/old-tree --passes 5   # old vs this code

Data: /work/shared/data/perf-news.jsonl when present (or --data FILE), else
documents generated here (clean prose, ~5% mojibake, ~20% residue lines).
All figures in one run are on the same documents.

1. In-process, one core, no I/O: MB/s and documents/s of each rule family
   (a family with no rules is skipped with a note), the default pipeline,
   plain ``ftfy.fix_text`` and JSONL parse + re-serialise.
2. End to end (``scrubber fix FILE -o DIR -j J``) for J = 1..N, on the corpus
   repeated to ``--scale-mb`` (long enough to hide pool start-up): MB/s from
   the run's own ``--stats`` timing (startup excluded), speed-up over one
   job, and the peak resident memory of the whole process tree. Two figures
   say how to judge the speed-up: *ceiling*, what the machine allowed just
   before and just after that run (a pure-Python CPU loop, nothing shared,
   on J processes at once against one: J x its time alone / its time with
   J; below J on a shared or hyper-threaded machine, and it moves from
   minute to minute: two figures far apart say the run's own is unsure),
   and the CPU seconds of the main process (all its threads, from its own
   ``getrusage``) against those of its workers, with its share: on J cores
   the main process competes with J workers, so its share is what the
   workers cannot have.
0. With ``--versus TREE`` (another checkout of the project, e.g. from ``git
   worktree add --detach /tmp/old-tree COMMIT``) only: ``engine.find`` with
   the rules ``scrubber fix`` runs by default (``--versus-select``, default
   unicode + residue) and ``ftfy.fix_text`` timed in one loop on the same
   documents, by process time, in child processes that alternate between
   that tree (on ``PYTHONPATH``, ahead of the editable install) and this
   one; best of ``--passes`` each. Old and new code then share the
   machine's load, which on a shared machine matters more than anything.
3. With ``--big-mb N``: the corpus repeated into an N MB file under /tmp,
   cleaned end to end with all jobs while memory is sampled; the file and the
   output are deleted afterwards. Peak memory should not grow with N.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import multiprocessing
import os
import pstats
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

DEFAULT_DATA = Path("/work/shared/data/perf-news.jsonl")
FAMILIES = ["unicode", "residue", "garble"]
SCRUBBER = str(Path(sys.executable).parent / "scrubber")


# -- data --------------------------------------------------------------------------------


def generated_records(n: int = 3000, seed: int = 7) -> list[dict]:
    """Scraped-looking news written here: sentences, some mojibake, some residue lines."""
    rng = random.Random(seed)
    words = [
        "the",
        "council",
        "said",
        "on",
        "monday",
        "that",
        "its",
        "new",
        "budget",
        "would",
        "fund",
        "schools",
        "roads",
        "and",
        "clinics",
        "while",
        "critics",
        "argued",
        "the",
        "plan",
        "was",
        "late",
        "and",
        "the",
        "vote",
        "in",
        "parliament",
        "could",
        "slip",
        "into",
        "next",
        "year",
        "officials",
        "added",
    ]
    out = []
    for i in range(n):
        paras = []
        for _ in range(rng.randint(3, 9)):
            sents = [" ".join(rng.choice(words) for _ in range(rng.randint(8, 24))).capitalize() + "." for _ in range(rng.randint(2, 6))]
            paras.append(" ".join(sents))
        text = f"Headline number {i}\n" + "\n\n".join(paras)
        r = rng.random()
        if r < 0.05:
            text = text.replace("said", "said \u00e2\u20ac\u0153quoted\u00e2\u20ac\u009d", 1).replace("school", "caf\u00c3\u00a9", 1)
        elif r < 0.25:
            text += rng.choice(["\n\n[ad_2]Source link", "\nPost a Comment"])
        out.append({"id": f"gen-{i}", "text": text})
    return out


def load_records(path: Path | None, limit_mb: float | None) -> tuple[list[dict], str]:
    if path is not None and path.exists():
        records, size = [], 0
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                records.append(json.loads(line))
                size += len(line.encode())
                if limit_mb and size > limit_mb * 1e6:
                    break
        return records, str(path)
    note = f"{path} not found; " if path is not None else ""
    return generated_records(), note + "generated documents (tests/perf/bench_pipeline.py)"


# -- section 1: in-process throughput ------------------------------------------------------


def timed(fn, texts: list[str], min_seconds: float = 1.0) -> float:
    """Seconds per pass over ``texts`` (repeats small corpora to at least min_seconds)."""
    passes, start = 0, time.perf_counter()
    while True:
        for t in texts:
            fn(t)
        passes += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return elapsed / passes


def _uncached(engine, policy, first: str):  # type: ignore[no-untyped-def]
    """``analyze`` with langdetect's per-process answer cache emptied before each pass.

    Repeated passes over one corpus find every langdetect answer cached (the
    cache is keyed by the text); a real corpus brings new documents, and about
    one in a hundred news documents reaches langdetect (2-4 ms each).
    """
    from scrubber.kinds.language import _langdetect_cached
    from scrubber.runner import analyze

    def run(t: str) -> None:
        if t is first:
            _langdetect_cached.cache_clear()
        analyze(engine, policy, t)

    return run


def families(texts: list[str], mb: float) -> list[tuple[str, float | None, str]]:
    import ftfy

    from scrubber import Policy, default_engine
    from scrubber.kinds.language import warm_up
    from scrubber.runner import analyze

    warm_up()  # langdetect's one-time profile load (0.3 s) is start-up, not throughput
    rows: list[tuple[str, float | None, str]] = []
    for label, select in [*((f, [f]) for f in FAMILIES), ("default pipeline (all rules)", None)]:
        try:
            engine = default_engine(select=select)
        except Exception as exc:  # an unknown family may be rejected outright
            rows.append((label, None, f"skipped: {exc}"))
            continue
        if not engine.rule_ids:
            rows.append((label, None, "skipped: no rules in this family on this branch"))
            continue
        policy = Policy()
        for t in texts[:50]:  # warm up: lazy imports and compiled patterns
            analyze(engine, policy, t)
        rows.append((label, timed(lambda t, e=engine, p=policy: analyze(e, p, t), texts), f"{len(engine.rule_ids)} rules"))
        if select is None:
            rows.append(("  langdetect answers not reused", timed(_uncached(engine, policy, texts[0]), texts), "what new documents cost"))
    for t in texts[:50]:
        ftfy.fix_text(t)
    rows.append(("ftfy.fix_text (whole document)", timed(ftfy.fix_text, texts), "ftfy defaults"))

    def roundtrip(t: str) -> None:
        json.dumps({"text": json.loads(json.dumps({"text": t}))["text"]}, ensure_ascii=False).encode()

    rows.append(("JSONL parse + re-serialise", timed(roundtrip, texts), "stdlib json"))
    print(f"\n== 1. one core, in process, no file I/O ({len(texts)} documents, {mb:.1f} MB)")
    print(f"  {'what':<34} {'MB/s':>8} {'docs/s':>9}  note")
    ftfy_rate = mb / rows[-2][1] if rows[-2][1] else None
    for label, secs, note in rows:
        if secs is None:
            print(f"  {label:<34} {'-':>8} {'-':>9}  {note}")
            continue
        rel = f"  ({mb / secs / ftfy_rate:.1f}x ftfy)" if ftfy_rate and not label.startswith("ftfy") else ""
        print(f"  {label:<34} {mb / secs:>8.1f} {len(texts) / secs:>9.0f}  {note}{rel}")
    return rows


def profile(texts: list[str], top: int = 12) -> None:
    from scrubber import Policy, default_engine
    from scrubber.kinds.language import warm_up
    from scrubber.runner import analyze

    engine, policy = default_engine(), Policy()
    warm_up()
    prof = cProfile.Profile()
    prof.enable()
    for t in texts:
        analyze(engine, policy, t)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    print("\n== profile of the default pipeline (by own time)")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:4000])


# -- section 0: old code against new code -------------------------------------------------


def versus_pass(path: Path, limit_mb: float | None, select: list[str]) -> None:
    """One child's pass: process seconds of ``engine.find`` and of ``ftfy.fix_text``, as one JSON line."""
    import ftfy

    import scrubber
    from scrubber import default_engine

    records, _ = load_records(path, limit_mb)
    texts = [r["text"] for r in records]
    engine = default_engine(select=select)
    for t in texts[:50]:  # warm up: lazy imports, compiled patterns, ftfy's tables
        engine.find(t)
        ftfy.fix_text(t)
    best_engine = best_ftfy = float("inf")
    for _ in range(2):
        start = time.process_time()
        for t in texts:
            engine.find(t)
        best_engine = min(best_engine, time.process_time() - start)
        start = time.process_time()
        for t in texts:
            ftfy.fix_text(t)
        best_ftfy = min(best_ftfy, time.process_time() - start)
    print(json.dumps({"code": str(Path(scrubber.__file__).parent.parent), "engine": best_engine, "ftfy": best_ftfy}))


def versus(old_tree: Path, args: argparse.Namespace, mb: float) -> None:
    """Alternate child processes running the old tree and this one; print the best of each."""
    here = Path(__file__).resolve()
    base = [sys.executable, str(here), "--data", str(args.data), "--versus-pass"]
    base += [arg for s in args.versus_select for arg in ("--versus-select", s)]
    if args.limit_mb:
        base += ["--limit-mb", str(args.limit_mb)]
    best: dict[str, dict[str, float]] = {}
    for k in range(args.passes):
        for label, tree in (("old", old_tree), ("new", None)):
            env = dict(os.environ)
            env["PYTHONPATH"] = str(tree if tree is not None else here.parents[2])  # new: this script's tree, not the installed one
            out = subprocess.run(base, env=env, capture_output=True, text=True, check=True).stdout
            row = json.loads(out.strip().splitlines()[-1])
            if Path(row["code"]).resolve() != (tree or here.parents[2]).resolve():
                raise SystemExit(f"--versus: the child imported scrubber from {row['code']}, not {tree or here.parents[2]}")
            mine = best.setdefault(label, {"engine": float("inf"), "ftfy": float("inf"), "code": row["code"]})
            mine["engine"] = min(mine["engine"], row["engine"])
            mine["ftfy"] = min(mine["ftfy"], row["ftfy"])
            print(f"  pass {k + 1} {label}: engine {row['engine']:.3f} s, ftfy {row['ftfy']:.3f} s", flush=True)
    print(f"\n== 0. {' + '.join(args.versus_select)}: old ({old_tree}) vs new, best of {args.passes} passes, process time, {mb:.2f} MB")
    for label, row in best.items():
        rate, ftfy_rate = mb / row["engine"], mb / row["ftfy"]
        print(
            f"  {label}: {row['engine']:.3f} s = {rate:.1f} MB/s; ftfy.fix_text {row['ftfy']:.3f} s = {ftfy_rate:.1f} MB/s; {rate / ftfy_rate:.2f}x ftfy"
        )


# -- sections 2 and 3: end to end, memory ---------------------------------------------------


class PeakRSS:
    """Samples the resident memory of a process and all its children (sum) until stopped."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        import psutil

        self.proc = psutil.Process(pid)
        self.every = every
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                total = 0
                for p in procs:
                    with contextlib.suppress(psutil.Error):
                        total += p.memory_info().rss
                self.peak = max(self.peak, total)
            except psutil.Error:
                return
            time.sleep(self.every)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


#: ``python -c`` program: the ``scrubber`` command (argv[2] and its arguments) run in this process, then the CPU seconds of
#: the process itself (the main process, all threads) and of its children (the pool's workers, waited for
#: when the pool shuts down) written as JSON to argv[1]
WITH_RUSAGE = """
import json, resource, sys
out, sys.argv = sys.argv[1], sys.argv[2:]  # argv[0]: the scrubber command, as its own script sees it
from scrubber.cli import main
try:
    main()
finally:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out, "w") as handle:
        json.dump({"main": me.ru_utime + me.ru_stime, "workers": kids.ru_utime + kids.ru_stime}, handle)
"""


def run_fix(src: Path, jobs: int, workdir: Path, extra: list[str] | None = None) -> dict:
    out = workdir / f"out-j{jobs}"
    stats_path = workdir / f"stats-j{jobs}.json"
    cpu_path = workdir / f"cpu-j{jobs}.json"
    args = ["fix", str(src), "-o", str(out), "-j", str(jobs), "--no-progress", "-q", "--stats", str(stats_path), *(extra or [])]
    cmd = [sys.executable, "-c", WITH_RUSAGE, str(cpu_path), SCRUBBER, *args] if hasattr(os, "fork") else [SCRUBBER, *args]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd)
    try:
        sampler = PeakRSS(proc.pid)
    except ImportError:
        sampler = None
    rc = proc.wait()
    wall = time.perf_counter() - start
    peak = sampler.stop() if sampler else 0
    if rc != 0:
        raise SystemExit(f"scrubber fix failed (exit {rc}): {' '.join(cmd)}")
    stats = json.loads(stats_path.read_text())
    cpu = json.loads(cpu_path.read_text()) if cpu_path.exists() else {"main": None, "workers": None}
    shutil.rmtree(out, ignore_errors=True)
    return {
        "jobs": jobs,
        "seconds": stats["seconds"],
        "wall": wall,
        "mb": stats["bytes_in"] / 1e6,
        "docs": stats["documents"],
        "peak": peak,
        "main_cpu": cpu["main"],
        "workers_cpu": cpu["workers"],
    }


def write_corpus(records: list[dict], path: Path, target_mb: float | None = None) -> float:
    lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in records]
    blob = "".join(lines).encode()
    size = 0
    with path.open("wb") as handle:
        while True:
            handle.write(blob)
            size += len(blob)
            if target_mb is None or size >= target_mb * 1e6:
                break
    return size / 1e6


def _spin(n: int) -> int:
    """A pure-Python CPU loop: no I/O, no memory to share, nothing to wait for."""
    x = 0
    for i in range(n):
        x = (x + i * i) % 1000003
    return x


def _spin_wall(n: int, procs: int) -> float:
    """Wall seconds for ``procs`` processes to run :func:`_spin` (``n``) each, all at once."""
    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    workers = [ctx.Process(target=_spin, args=(n,)) for _ in range(procs)]
    start = time.perf_counter()
    for p in workers:
        p.start()
    for p in workers:
        p.join()
    return time.perf_counter() - start


def spin_size(seconds: float = 2.0) -> int:
    """How many :func:`_spin` steps take about ``seconds`` on one core here."""
    start = time.process_time()
    _spin(200_000)
    return int(200_000 * seconds / max(time.process_time() - start, 1e-6))


def machine_ceiling(jobs: int, n: int) -> float:
    """How many times one process's throughput ``jobs`` processes of a CPU loop get now: ``jobs`` x (time alone) / (time with ``jobs``).

    ``jobs`` on as many idle cores; less when other work shares the cores
    (a shared machine) or two "cores" are one core's hyper-threads.
    """
    alone = _spin_wall(n, 1)
    return jobs * alone / _spin_wall(n, jobs)


def scaling(records: list[dict], jobs_list: list[int], workdir: Path, selects: list[str], target_mb: float) -> None:
    src = workdir / "corpus.jsonl"
    mb = write_corpus(records, src, target_mb)
    spin = spin_size()
    print(f"\n== 2. end to end: scrubber fix corpus.jsonl -o DIR -j J ({mb:.1f} MB: the corpus repeated to --scale-mb)")
    print("  ceiling: a pure-Python CPU loop on J processes against one, just before / just after the run (what the machine allowed)")
    print("  main, workers: CPU seconds (user + sys) of the main process and of its worker processes; share: main / both")
    print(
        f"  {'pipeline':<10} {'jobs':>4} {'MB/s':>8} {'docs/s':>9} {'speed-up':>9} {'ceiling':>11}"
        f" {'main s':>7} {'workers s':>9} {'share':>6} {'wall s':>7} {'peak RSS (tree)':>16}"
    )
    for select in selects:
        base = None
        extra = ["--select", select] if select != "default" else []
        for jobs in jobs_list:
            before = machine_ceiling(jobs, spin) if jobs > 1 else None
            r = run_fix(src, jobs, workdir, extra)
            ceiling = f"{before:.2f}/{machine_ceiling(jobs, spin):.2f}x" if before is not None else "-"
            rate = r["mb"] / r["seconds"]
            base = base or rate
            main_cpu, workers_cpu = r["main_cpu"], r["workers_cpu"]
            cpu = (
                f" {main_cpu:>7.1f} {workers_cpu:>9.1f} {main_cpu / (main_cpu + workers_cpu):>6.1%}"
                if main_cpu is not None and workers_cpu is not None
                else f" {'-':>7} {'-':>9} {'-':>6}"
            )
            print(
                f"  {select:<10} {jobs:>4} {rate:>8.1f} {r['docs'] / r['seconds']:>9.0f} {rate / base:>8.2f}x {ceiling:>11}"
                f"{cpu} {r['wall']:>7.1f} {r['peak'] / 1e6:>13.0f} MB",
                flush=True,
            )


def big(records: list[dict], target_mb: float, jobs: int, select: list[str], keep: bool) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="scrubber-big-", dir="/tmp"))
    try:
        src = workdir / "big.jsonl"
        mb = write_corpus(records, src, target_mb)
        extra = [arg for s in select for arg in ("--select", s)]
        what = ", ".join(select) if select else "default pipeline"
        print(f"\n== 3. memory on a large input: {mb:,.0f} MB JSONL in {workdir} ({what}, -j {jobs})")
        r = run_fix(src, jobs, workdir, extra)
        print(f"  {r['mb']:,.0f} MB, {r['docs']:,} documents in {r['seconds']:.0f}s ({r['mb'] / r['seconds']:.1f} MB/s)")
        print(f"  peak RSS of the process tree: {r['peak'] / 1e6:.0f} MB")
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="JSONL corpus (default: %(default)s, else generated)")
    ap.add_argument("--limit-mb", type=float, default=None, help="use only the first MB of the corpus")
    ap.add_argument("--jobs", default=None, help="comma-separated job counts for section 2 (default: 1..all cores)")
    ap.add_argument("--scale-select", action="append", default=[], help="pipelines for section 2 (default: default and residue)")
    ap.add_argument("--scale-mb", type=float, default=25, help="size of the section 2 input (default: %(default)s MB)")
    ap.add_argument("--big-mb", type=float, default=0, help="also run section 3 on an input of this many MB")
    ap.add_argument("--big-select", action="append", default=[], help="rule selection for section 3 (default: all rules)")
    ap.add_argument("--keep", action="store_true", help="keep the generated large input")
    ap.add_argument("--profile", action="store_true", help="also profile the default pipeline")
    ap.add_argument("--skip-families", action="store_true", help="leave out section 1")
    ap.add_argument("--skip-scaling", action="store_true", help="leave out section 2")
    ap.add_argument("--versus", type=Path, default=None, help="only section 0: old code from this tree against this code")
    ap.add_argument("--versus-select", action="append", default=[], help="families for section 0 (default: unicode and residue)")
    ap.add_argument("--passes", type=int, default=5, help="section 0: passes per side (default: %(default)s)")
    ap.add_argument("--versus-pass", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.versus_select = args.versus_select or ["unicode", "residue"]
    if args.versus_pass:
        versus_pass(args.data, args.limit_mb, args.versus_select)
        return

    records, origin = load_records(args.data, args.limit_mb)
    texts = [r["text"] for r in records]
    mb = sum(len(t.encode()) for t in texts) / 1e6
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    print(f"data: {origin}: {len(texts)} documents, {mb:.1f} MB of text; {cores} core(s); python {sys.version.split()[0]}")
    if args.versus is not None:
        versus(args.versus, args, mb)
        return
    if not args.skip_families:
        families(texts, mb)
    if args.profile:
        profile(texts)
    jobs_list = [int(j) for j in args.jobs.split(",")] if args.jobs else list(range(1, cores + 1))
    if not args.skip_scaling:
        with tempfile.TemporaryDirectory(prefix="scrubber-bench-") as tmp:
            scaling(records, jobs_list, Path(tmp), args.scale_select or ["default", "residue"], args.scale_mb)
    if args.big_mb:
        big(records, args.big_mb, max(jobs_list), args.big_select, args.keep)


if __name__ == "__main__":
    main()
