"""Wall time and peak memory of ``scrubber check``/``fix`` on pathological inputs.

Usage:
  .venv/bin/python tests/perf/bench_huge_line.py [--sizes 2,8,32] [--cases moji,ascii,...]
      [--commands check,fix,jsonl,j1] [--scrubber 'CMD ...'] [--keep DIR]

Each case is generated text (written here, no corpus needed): one line of
MB megabytes, or a document of many short lines, run through the installed
command as a user would. Peak memory is the child's maximum resident set
(``os.wait4``), so the figures hold for any backend. ``--scrubber`` runs
another checkout, for a before/after table, e.g. (a ``git worktree add
--detach /tmp/old COMMIT`` with the kernels' ``.so`` files copied into its
``scrubber/kinds``)::

  --scrubber ".venv/bin/python -c \\"import sys; sys.path.insert(0, '/tmp/old'); from scrubber.cli import main; main()\\""

(``PYTHONPATH`` is not enough: the editable install's finder comes first.)

Cases:
  moji      one line of UTF-8 read as Windows-1252 (``cafÃ© â€œquotedâ€\\x9d``)
  mixed     one line of mojibake words among clean sentences
  ascii     one line of plain ASCII prose
  residue   one line of scraper residue (links, ``[ad_1]``, "Share this")
  garble    one line of garbled sentences (repeated words, orphan punctuation)
  lines     a document of 12-word lines of mojibake (a huge document, short lines)
Commands: ``check FILE``, ``fix FILE -o DIR``, ``check`` of a JSONL file whose
second record is the huge text, and ``check -j 1``. "lines out" counts what the
command wrote to standard output: for ``check`` and ``j1`` one line per finding.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

UNITS = {
    "moji": "café “quoted” naïve résumé ",
    "mixed": "The café owner said “yes” and the reporter wrote it down. ",
    "ascii": "The quick brown fox jumps over the lazy dog, said the reporter. ",
    "residue": "Read more: https://example.com/x Share this: Facebook Twitter [ad_1] Click here to subscribe. ",
    "garble": "the the government said that , he was going to to the meeting . ",
}
MOJIBAKE = {"moji", "mixed", "lines"}


def damaged(s: str) -> str:
    import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252)

    return s.encode("utf-8").decode("sloppy-windows-1252")


def make_text(case: str, megabytes: float) -> str:
    unit = UNITS["moji" if case == "lines" else case]
    if case in MOJIBAKE:
        unit = damaged(unit) if case != "mixed" else damaged("The café owner said “yes” ") + "and the reporter wrote it down. "
    size = int(megabytes * 1_000_000)
    text = (unit * (size // len(unit.encode()) + 1)).encode()[:size].decode("utf-8", "ignore")
    if case == "lines":
        words = text.split(" ")
        text = "\n".join(" ".join(words[i : i + 12]) for i in range(0, len(words), 12))
    return text + "\n"


def measure(argv: list[str]) -> tuple[float, float, int, int]:
    """(seconds, peak MB, exit status, lines written) of one command, its output counted and discarded.

    The lines are counted as they arrive, so the child's output is never held
    here (``check`` writes one line per finding).
    """
    start = time.perf_counter()
    lines = 0
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=null)
        assert proc.stdout is not None
        while chunk := proc.stdout.read(1 << 16):
            lines += chunk.count(b"\n")
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait for it again
    seconds = time.perf_counter() - start
    return seconds, usage.ru_maxrss / 1024, proc.returncode, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="2,8,32", help="megabytes, comma separated")
    parser.add_argument("--cases", default="moji,mixed,ascii,residue,garble,lines")
    parser.add_argument("--commands", default="check,fix,jsonl,j1")
    parser.add_argument("--scrubber", default=str(Path(sys.executable).with_name("scrubber")), help="the command to run")
    parser.add_argument("--keep", help="write the inputs here instead of a temporary folder")
    args = parser.parse_args()
    scrubber = shlex.split(args.scrubber)
    sizes = [float(s) for s in args.sizes.split(",")]
    folder = Path(args.keep or tempfile.mkdtemp(prefix="bench-huge-"))
    folder.mkdir(parents=True, exist_ok=True)
    print("| command | case | MB | seconds | peak MB | peak / input | exit | lines out |\n|---|---|---|---|---|---|---|---|", flush=True)
    for megabytes in sizes:
        for case in args.cases.split(","):
            text = make_text(case, megabytes)
            plain = folder / f"{case}-{megabytes:g}.txt"
            plain.write_text(text, encoding="utf-8")
            records = folder / f"{case}-{megabytes:g}.jsonl"
            with records.open("w", encoding="utf-8") as handle:
                handle.write(json.dumps({"id": "small", "text": "A short clean record."}) + "\n")
                handle.write(json.dumps({"id": "huge", "text": text}, ensure_ascii=False) + "\n")
            del text
            runs = {
                "check": ["check", "-q", str(plain)],
                "fix": ["fix", "-q", str(plain), "-o", str(folder / "out")],
                "jsonl": ["check", "-q", "--format", "jsonl", str(records)],
                "j1": ["check", "-q", "-j", "1", str(plain)],
            }
            for name in args.commands.split(","):
                seconds, peak, status, lines = measure(scrubber + runs[name])
                size_mb = plain.stat().st_size / 1e6
                print(
                    f"| {name} | {case} | {size_mb:.0f} | {seconds:.1f} | {peak:.0f} | {peak / size_mb:.1f}x | {status} | {lines:,} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
