"""Wall time, CPU and peak memory of one command's whole process tree, RSS and PSS (not part of make test).

    .venv/bin/python tests/perf/bench_tree_memory.py scrubber check /work/shared/data/perf-news.jsonl -j 2 --format jsonl -q

Samples ``/proc/PID/smaps_rollup`` of the command and all its descendants
every 30 ms (Linux only). RSS summed over processes counts a page shared by
forked workers once per process; PSS divides each shared page among the
processes sharing it, so its sum is the memory the run really holds (what
``runner.warm_for_fork`` saves shows in PSS, not in RSS). CPU is the
children's user + system time from ``getrusage``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time


def _tree(pid: int) -> list[int]:
    pids = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                for child in fh.read().split():
                    pids += _tree(int(child))
    except OSError:  # gone meanwhile
        pass
    return pids


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB, (0, 0) once it is gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    if not os.path.exists("/proc/self/smaps_rollup"):
        print("bench_tree_memory: needs Linux's /proc/PID/smaps_rollup", file=sys.stderr)
        return 2
    start = time.perf_counter()
    proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak_rss = peak_pss = 0
    while proc.poll() is None:
        sizes = [_memory(p) for p in _tree(proc.pid)]
        peak_rss = max(peak_rss, sum(r for r, _ in sizes))
        peak_pss = max(peak_pss, sum(p for _, p in sizes))
        time.sleep(0.03)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"wall {wall:.2f} s  cpu {usage.ru_utime + usage.ru_stime:.2f} s  "
        f"peak rss {peak_rss / 1024:.0f} MB  peak pss {peak_pss / 1024:.0f} MB  exit {proc.returncode}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
