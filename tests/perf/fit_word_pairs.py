"""Fit the word-pair weights of ``scrubber/kinds/word_pairs.py`` (not part of make test).

    .venv/bin/python tests/perf/fit_word_pairs.py [--data DIR] [--seed N]

Takes every other sentence of ``perf-news.jsonl`` (the rest stay unseen, for
measuring), shuffles the words of each the way a shuffling perturbation
does (punctuation and the capital of the first word stay where they were),
and counts, per PMI bin, how many word pairs of the human and of the
shuffled sentences fall in it. A bin's weight is the log-ratio of its two
shares (add-one smoothed). Prints the two weight tables as Python, to paste
into ``word_pairs.py``, and the counts behind them.

The data is third-party and only measured here, never copied into the project.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
from collections import Counter
from pathlib import Path

from scrubber.kinds.word_pairs import ATTESTED_BINS, UNATTESTED_BINS, pair_model
from scrubber.text import segment

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d[\d,.]*\d|\d")


def shuffle_words(sentence: str, rng: random.Random) -> str:
    """The sentence with its words in random order, punctuation and first capital kept in place."""
    spans = list(_WORD.finditer(sentence))
    words = [m.group() for m in spans]
    if len(words) < 3:
        return sentence
    capital = words[0][:1].isupper()
    order = words[:]
    rng.shuffle(order)
    order = [w.lower() if w is words[0] else w for w in order]
    if capital:
        order[0] = order[0][:1].upper() + order[0][1:]
    out, pos = [], 0
    for m, w in zip(spans, order):
        out.append(sentence[pos : m.start()])
        out.append(w)
        pos = m.end()
    out.append(sentence[pos:])
    return "".join(out)


def sentences(path: Path) -> list[str]:
    out: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line)["text"]
            seg = segment(text)
            out.extend(text[s.start : s.end] for s in seg.sentences)
    return out


def weights(human: Counter, shuffled: Counter, attested: bool, bins: tuple[int, int]) -> tuple[float, ...]:
    th, ts = sum(human.values()), sum(shuffled.values())
    return tuple(
        round(math.log(((human[(attested, b)] + 1) / th) / ((shuffled[(attested, b)] + 1) / ts)), 2) for b in range(bins[1] - bins[0] + 1)
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    path = args.data / "perf-news.jsonl"
    if not path.exists():
        print(f"{path} not found: pass --data DIR", file=sys.stderr)
        return 2
    model = pair_model()
    rng = random.Random(args.seed)
    human: Counter = Counter()
    shuffled: Counter = Counter()
    train = sentences(path)[1::2]
    for s in train:
        human.update(model.features(s))
        shuffled.update(model.features(shuffle_words(s, rng)))
    print(f"# {len(train)} sentences, {sum(human.values())} human and {sum(shuffled.values())} shuffled pairs")
    print(f"ATTESTED_WEIGHTS = {weights(human, shuffled, True, ATTESTED_BINS)}")
    print(f"UNATTESTED_WEIGHTS = {weights(human, shuffled, False, UNATTESTED_BINS)}")
    for attested, bins in ((True, ATTESTED_BINS), (False, UNATTESTED_BINS)):
        for b in range(bins[1] - bins[0] + 1):
            key = (attested, b)
            print(f"#   {'attested' if attested else 'missing '} PMI {b + bins[0]:>3}: human {human[key]:>6}  shuffled {shuffled[key]:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
