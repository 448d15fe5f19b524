"""Start-up cost of the scrubber command: CPU seconds of short runs (not part of make test).

    .venv/bin/python tests/perf/bench_startup.py [--repeat N] [--versus OLD_TREE]

Runs ``python -m scrubber`` on inputs too small to matter (``check`` on
empty standard input, ``fix`` and ``check`` of a two-sentence file), so what
is measured is loading the packs, compiling the rules and, for ``check``,
loading the garble word tables (and, for a document in another language,
langdetect's profiles). Compiled rule patterns come from
:mod:`scrubber.regexcache` once a run has stored them, so the first run of
a tree pays the compiles and the best of N shows what later runs pay.
Prints the best of N runs of each (user + system CPU of the child, which a
shared machine disturbs less than wall time). With ``--versus TREE`` (another checkout, e.g. ``git worktree add
--detach /tmp/old COMMIT``, with the built kernels copied into its
``scrubber/kinds``) runs alternate between that tree and this one, on
``PYTHONPATH`` from a neutral folder so that neither shadows the other.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]
SMALL = "The council met on Tuesday. It voted to keep the library open.\n"
#: a document the cheap English test cannot call English: ``check`` asks langdetect (loading its profiles)
OTHER = "Der Gemeinderat hat am Dienstag getagt. Er hat beschlossen, die Bibliothek offen zu halten.\n"


def _cpu_of(cmd: list[str], env: dict[str, str], cwd: str, stdin: int) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, env=env, cwd=cwd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="best of N runs (default: %(default)s)")
    ap.add_argument("--versus", type=Path, help="another checkout of the project to compare with")
    args = ap.parse_args()
    trees = {"this": HERE} if args.versus is None else {"old": args.versus.resolve(), "this": HERE}
    with tempfile.TemporaryDirectory() as work:
        small = Path(work, "small.txt")
        small.write_text(SMALL, encoding="utf-8")
        other = Path(work, "other.txt")
        other.write_text(OTHER, encoding="utf-8")
        commands = {
            "check (empty stdin)": ["check", "-"],
            "fix small.txt": ["fix", str(small)],
            "check small.txt": ["check", str(small)],
            "check other.txt": ["check", str(other)],
        }
        best: dict[tuple[str, str], float] = {}
        for _ in range(args.repeat):
            for label, argv in commands.items():
                for side, tree in trees.items():
                    env = {**os.environ, "PYTHONPATH": str(tree)}
                    with open(os.devnull, "rb") as devnull:
                        cpu = _cpu_of([sys.executable, "-m", "scrubber", *argv], env, work, devnull.fileno())
                    key = (label, side)
                    best[key] = min(best.get(key, float("inf")), cpu)
    print(f"best of {args.repeat}, CPU seconds (user + system) of `python -m scrubber ...`")
    if os.environ.get("PYTHONDONTWRITEBYTECODE") or sys.flags.dont_write_bytecode:
        print("  (PYTHONDONTWRITEBYTECODE is set: every run also compiles scrubber's modules from source, both trees alike)")
    print(f"  {'command':24}" + "".join(f"{side:>10}" for side in trees))
    for label in commands:
        print(f"  {label:24}" + "".join(f"{best[(label, side)]:10.2f}" for side in trees))
    return 0


if __name__ == "__main__":
    sys.exit(main())
