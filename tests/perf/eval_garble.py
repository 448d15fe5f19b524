"""Measure the garble family on the shared data sets (not part of make test).

    .venv/bin/python tests/perf/eval_garble.py [--data DIR] [--seeds DIR] [--show N] [--skip-garble-dev]

Prints, for each set:

* seeds: the flags on the spun article (004) and the human one (000), and
  both document scores;
* human-news-dev: flagged sentences per sentence (false positives), with
  the first N flags shown;
* demetr-dev: per perturbation, the share of perturbed sentences flagged
  and the share of clean sentences flagged (each item is a one-sentence
  document);
* garble-dev: per language pair, ROC AUC of the sentence score for
  ``da_mean < 50`` and the Spearman correlation with ``da_mean``.

The data is third-party and only measured here, never copied into the project.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from scrubber.engine import Engine
from scrubber.packs import builtin_pack_dir, load_pack
from scrubber.scoring import document_score, is_garble
from scrubber.text import segment

DATA = Path("/work/shared/data")
SEEDS = Path("/work/shared/seeds")


def engine() -> Engine:
    return Engine(load_pack(builtin_pack_dir() / "garble.toml").rules)


def read_jsonl(path: Path):
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def sentence_score(eng: Engine, text: str) -> float:
    """Highest garble flag confidence in a (one-sentence) text, 0 if none."""
    return max((f.confidence for f in eng.find(text) if is_garble(f)), default=0.0)


def roc_auc(pos: list[float], neg: list[float]) -> float:
    """Mann-Whitney U estimate of ROC AUC (ties count half)."""
    scored = sorted([(s, 1) for s in pos] + [(s, 0) for s in neg])
    rank_sum = 0.0
    i = 0
    while i < len(scored):
        j = i
        while j < len(scored) and scored[j][0] == scored[i][0]:
            j += 1
        avg = (i + j + 1) / 2
        rank_sum += avg * sum(1 for k in range(i, j) if scored[k][1])
        i = j
    n_pos, n_neg = len(pos), len(neg)
    if not n_pos or not n_neg:
        return float("nan")
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j < len(order) and values[order[j]] == values[order[i]]:
            j += 1
        for k in range(i, j):
            ranks[order[k]] = (i + j - 1) / 2
        i = j
    return ranks


def spearman(x: list[float], y: list[float]) -> float:
    rx, ry = _ranks(x), _ranks(y)
    n = len(x)
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    vx = sum((a - mx) ** 2 for a in rx) ** 0.5
    vy = sum((b - my) ** 2 for b in ry) ** 0.5
    return cov / (vx * vy) if vx and vy else float("nan")


def eval_seeds(eng: Engine, seeds: Path) -> None:
    print("== seeds")
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        flags = [f for f in eng.find(text) if is_garble(f)]
        print(f"{path.name}: {len(flags)} flagged sentence(s), document score {document_score(text, flags):.3f}")
        for f in flags:
            print(f"   [{f.confidence:.2f}] {f.rule}: {f.message}")


def eval_human(eng: Engine, path: Path, show: int) -> None:
    print(f"== {path.name}")
    n_sent = n_flag = docs = 0
    scores = []
    shown = 0
    for rec in read_jsonl(path):
        text = rec["text"]
        docs += 1
        n_sent += len(segment(text).sentences)
        flags = [f for f in eng.find(text) if is_garble(f)]
        n_flag += len(flags)
        scores.append(document_score(text, flags))
        for f in flags:
            if shown < show:
                shown += 1
                print(f"   [{f.rule}] {f.message}")
    print(f"{docs} documents, {n_sent} sentences, {n_flag} flagged: 1 in {n_sent / max(n_flag, 1):.0f} ({100 * n_flag / n_sent:.2f}%)")
    scores.sort()
    print(f"document score: max {scores[-1]:.3f}, 95th percentile {scores[int(0.95 * (len(scores) - 1))]:.3f}")


def eval_demetr(eng: Engine, path: Path, show: int) -> None:
    print(f"== {path.name} (one-sentence documents)")
    hit: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # perturbed flagged, clean flagged, n
    clean_seen: set[str] = set()
    clean_flags = clean_n = 0
    shown = 0
    for rec in read_jsonl(path):
        row = hit[rec["pert_name"]]
        row[2] += 1
        row[0] += bool(sentence_score(eng, rec["text"]))
        c = bool(sentence_score(eng, rec["clean"]))
        row[1] += c
        if rec["clean"] not in clean_seen:
            clean_seen.add(rec["clean"])
            clean_n += 1
            clean_flags += c
            if c and shown < show:
                shown += 1
                print("   clean flagged:", [f.message for f in eng.find(rec["clean"])])
    print(f"{'perturbation':<32} {'n':>5} {'perturbed':>10} {'clean':>7}")
    for name in sorted(hit):
        p, c, n = hit[name]
        print(f"{name:<32} {n:>5} {100 * p / n:>9.1f}% {100 * c / n:>6.1f}%")
    print(f"distinct clean sentences: {clean_n}, flagged {clean_flags} ({100 * clean_flags / max(clean_n, 1):.2f}%)")


def eval_garble_dev(eng: Engine, path: Path) -> None:
    print(f"== {path.name}")
    by_pair: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for rec in read_jsonl(path):
        by_pair[rec["pair"]].append((sentence_score(eng, rec["text"]), rec["da_mean"]))
    print(f"{'pair':<7} {'n':>6} {'low DA':>7} {'flagged':>8} {'prec':>6} {'AUC':>6} {'Spearman':>9}")
    for pair in [*sorted(by_pair), "all"]:
        rows = [r for rows in by_pair.values() for r in rows] if pair == "all" else by_pair[pair]
        pos = [s for s, da in rows if da < 50]
        neg = [s for s, da in rows if da >= 50]
        flagged = [(s, da) for s, da in rows if s > 0]
        prec = sum(1 for _, da in flagged if da < 50) / len(flagged) if flagged else float("nan")
        rho = spearman([s for s, _ in rows], [da for _, da in rows])
        print(f"{pair:<7} {len(rows):>6} {len(pos):>7} {len(flagged):>8} {prec:>6.2f} {roc_auc(pos, neg):>6.3f} {rho:>9.3f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--seeds", type=Path, default=SEEDS)
    ap.add_argument("--show", type=int, default=0, help="print the first N flags of the human sets")
    ap.add_argument("--skip-garble-dev", action="store_true")
    args = ap.parse_args()
    if not args.data.is_dir():
        print(f"eval_garble: {args.data} not found (the shared data is needed for this evaluation)", file=sys.stderr)
        return 2
    eng = engine()
    if args.seeds.is_dir():
        eval_seeds(eng, args.seeds)
    eval_human(eng, args.data / "human-news-dev.jsonl", args.show)
    eval_demetr(eng, args.data / "demetr-dev.jsonl", args.show)
    if not args.skip_garble_dev:
        eval_garble_dev(eng, args.data / "garble-dev.jsonl")
    return 0


if __name__ == "__main__":
    sys.exit(main())
