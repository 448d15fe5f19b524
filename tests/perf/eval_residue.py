"""Measure the residue rules on labelled extractor output.

Usage: python tests/perf/eval_residue.py [residue-dev.jsonl] [human-news-dev.jsonl] [--show-fp] [--show-fn]
                                         [--part=even|odd]

For every record of residue-dev.jsonl (``line_labels``: [line, 1] article,
[line, 0] residue) the residue rules run as ``scrubber fix`` would (safe fixes
at the default confidence), and each labelled line counts as removed when it
is no longer a line of the output. Prints, per extractor, residue-line recall
and the share of article lines removed; then the share of lines removed from
human-written articles (human-news-dev.jsonl), where every removal is wrong.
``--part=even`` / ``--part=odd`` keeps only the pages (all six extractions of an
article) whose first appearance is even- or odd-numbered: develop a rule on one half
of the pages and check that the other half gains too. ``recall*`` leaves out
residue-labelled lines whose words are in the human-written article (list
items and table rows that the labelling failed to match: label noise).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from scrubber import Policy, apply, default_engine

DATA = Path("/work/shared/data")


def removed_lines(engine, text: str) -> tuple[Counter, list]:
    findings = engine.find(text)
    out = apply(text, findings, Policy().decisions(findings))
    before = Counter(line.strip() for line in text.split("\n") if line.strip())
    after = Counter(line.strip() for line in out.split("\n") if line.strip())
    return before - after, findings


def main(argv: list[str]) -> int:
    flags = {a for a in argv if a.startswith("--")}
    part = next((a.split("=", 1)[1] for a in flags if a.startswith("--part=")), None)
    args = [a for a in argv if not a.startswith("--")]
    residue = Path(args[0]) if args else DATA / "residue-dev.jsonl"
    human = Path(args[1]) if len(args) > 1 else DATA / "human-news-dev.jsonl"
    if not residue.is_file():
        print(f"{residue}: not found (this evaluation needs the shared data set)", file=sys.stderr)
        return 2
    engine = default_engine(select=["residue"])
    gold = {}
    if human.is_file():
        for raw in human.open(encoding="utf-8"):
            rec = json.loads(raw)
            gold[rec["id"]] = re.sub(r"\W+", "", rec.get("text", "")).lower()
    stats: dict[str, Counter] = defaultdict(Counter)
    by_rule: Counter = Counter()
    fps: list[tuple[str, str]] = []
    fns: list[tuple[str, str]] = []
    pages: dict[str, int] = {}
    for raw in residue.open(encoding="utf-8"):
        rec = json.loads(raw)
        rank = pages.setdefault(rec.get("article_id", ""), len(pages))
        if part and (rank % 2 == 0) != (part == "even"):
            continue
        gone, findings = removed_lines(engine, rec["text"])
        for f in findings:
            by_rule[f.rule] += 1
        s = stats[rec.get("extractor", "?")]
        for line, label in rec["line_labels"]:
            key = line.strip()
            hit = gone[key] > 0
            if hit:
                gone[key] -= 1
            kind = "art" if label else "res"
            s[kind] += 1
            s[kind + "_removed"] += hit
            core = re.sub(r"\W+", "", line).lower()
            if not label and not (core and core in gold.get(rec.get("article_id"), "")):
                s["res_clean"] += 1  # residue whose text is not in the human-written article (label noise removed)
                s["res_clean_removed"] += hit
            if hit and label:
                fps.append((rec["id"][-12:], line))
            if not hit and not label:
                fns.append((rec.get("extractor", "?"), line))
    print(f"{'extractor':<12} {'residue':>8} {'recall':>8} {'article':>8} {'art.removed':>12} {'res*':>6} {'recall*':>8} {'ceiling':>8}")
    tot: Counter = Counter()
    for ext in sorted(stats):
        s = stats[ext]
        tot.update(s)
        print(
            f"{ext:<12} {s['res']:>8} {s['res_removed'] / max(s['res'], 1):>8.1%} {s['art']:>8} "
            f"{s['art_removed'] / max(s['art'], 1):>12.2%} {s['res_clean']:>6} {s['res_clean_removed'] / max(s['res_clean'], 1):>8.1%}"
            f" {s['res_clean'] / max(s['res'], 1):>8.1%}"
        )
    print(
        f"{'ALL':<12} {tot['res']:>8} {tot['res_removed'] / max(tot['res'], 1):>8.1%} {tot['art']:>8} "
        f"{tot['art_removed'] / max(tot['art'], 1):>12.2%} {tot['res_clean']:>6} {tot['res_clean_removed'] / max(tot['res_clean'], 1):>8.1%}"
        f" {tot['res_clean'] / max(tot['res'], 1):>8.1%}"
    )
    print("res*/recall*: residue lines whose text is not in the human-written article of the page (drops list/table label noise)")
    print("ceiling: the recall reached by removing every res* line and no line whose text is in the human article (res*/residue)")
    print("findings per rule:", ", ".join(f"{r}={n}" for r, n in by_rule.most_common()))
    if "--show-fp" in flags:
        for rid, line in fps:
            print("FP", rid, repr(line[:160]))
    if "--show-fn" in flags:
        for ext, line in fns:
            print("FN", ext, repr(line[:160]))
    if human.is_file():
        n_lines = n_gone = 0
        for raw in human.open(encoding="utf-8"):
            rec = json.loads(raw)
            text = rec.get("text") or rec.get("body") or ""
            gone, _ = removed_lines(engine, text)
            n_lines += sum(1 for line in text.split("\n") if line.strip())
            n_gone += sum(gone.values())
            if "--show-fp" in flags:
                for line in gone.elements():
                    print("HUMAN-FP", repr(line[:160]))
        print(f"human-news: {n_gone} of {n_lines} lines removed ({n_gone / max(n_lines, 1):.2%})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
