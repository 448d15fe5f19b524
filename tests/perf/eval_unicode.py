"""Measure the Unicode family against ftfy's own cases and clean human news.

Usage: .venv/bin/python tests/perf/eval_unicode.py [--verbose]

1. /work/shared/data/ftfy-cases.jsonl: on every case ftfy itself passes
   (``expect: pass``), scrubber's default Unicode rules, every fix accepted,
   must give ftfy's expected output. A difference that disappears when the
   opt-in normalisations (straight quotes, narrow width, expanded ligatures,
   NFC/NFKC) are applied to our output is listed separately as
   "normalisation left off by default", not as a failure. Negative cases
   (``set: negative``) must get no finding at all.
2. /work/shared/data/human-news-dev.jsonl: clean human prose. Counts findings
   and, above all, findings that would change a letter or digit.

The data is not part of the project; the script says so and exits if absent.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import ftfy.fixes

from scrubber import default_engine
from scrubber.engine import accept_all
from scrubber.policy import Policy

DATA = Path("/work/shared/data")


def normalise(text: str) -> str:
    """ftfy's typographic normalisations, which scrubber leaves off by default."""
    text = ftfy.fixes.uncurl_quotes(ftfy.fixes.fix_latin_ligatures(ftfy.fixes.fix_character_width(text)))
    return unicodedata.normalize("NFC", text)


def load(name: str) -> list[dict]:
    path = DATA / name
    if not path.exists():
        sys.exit(f"{path} not found: this evaluation needs the shared measuring data")
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def letters(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFC", s) if c.isalnum())


def main(verbose: bool = False) -> int:
    engine = default_engine(select=["unicode"])
    cases = load("ftfy-cases.jsonl")
    # a "negative" case whose expected text differs (a C1 control to fix) is compared like the rest
    negatives = [c for c in cases if c["set"] == "negative" and c["expected"] == c["text"]]
    passing = [c for c in cases if c["expect"] == "pass" and c not in negatives]

    failures, normalisation_only = [], []
    for case in passing:
        got = accept_all(case["text"], engine.find(case["text"]))
        if got == case["expected"]:
            continue
        if normalise(got) == normalise(case["expected"]):
            normalisation_only.append((case, got))
        else:
            failures.append((case, got))
    neg_hits = []
    for case in negatives:
        findings = engine.find(case["text"])
        if findings:
            neg_hits.append((case, findings))

    ok = len(passing) - len(failures) - len(normalisation_only)
    print(f"ftfy cases (expect: pass, expected != text): {len(passing)}")
    print(f"  identical to ftfy's expected output:     {ok}")
    print(f"  differ only by opt-in normalisation:     {len(normalisation_only)}")
    print(f"  failures:                                {len(failures)}")
    print(f"negative cases (text unchanged) with a finding: {len(neg_hits)} of {len(negatives)}")
    for case, got in failures:
        print(f"\nFAIL {case['id']} ({case['label']})\n  text:     {case['text']!r}\n  expected: {case['expected']!r}\n  got:      {got!r}")
    for case, findings in neg_hits:
        shown = ", ".join(f"{f.rule} {f.snippet(case['text'])!r}->{f.replacement!r}" for f in findings)
        print(f"\nNEGATIVE HIT {case['id']} ({case['label']}): {shown}")
    if verbose:
        for case, got in normalisation_only:
            print(f"\nNORMALISATION {case['id']}: expected {case['expected']!r}, got {got!r}")
    else:
        print("\nnormalisation-only differences (ids):", ", ".join(c["id"] for c, _ in normalisation_only) or "none")

    # -- clean human news --------------------------------------------------
    news = load("human-news-dev.jsonl")
    by_rule: Counter[str] = Counter()
    letter_changes, applied_letter_changes = [], 0
    policy = Policy()
    for doc in news:
        text = doc["text"]
        findings = engine.find(text)
        decisions = policy.decisions(findings)
        for f in findings:
            by_rule[f.rule] += 1
            if f.is_fix and letters(f.snippet(text)) != letters(f.replacement or ""):
                letter_changes.append((doc["id"], f, text))
                applied_letter_changes += f.fingerprint in decisions
    print(f"\nhuman news: {len(news)} documents, {sum(by_rule.values())} findings {dict(by_rule)}")
    print(f"  findings that would change a letter or digit: {len(letter_changes)} (applied in batch: {applied_letter_changes})")
    for doc_id, f, text in letter_changes[:20]:
        ctx = text[max(0, f.start - 30) : f.end + 30]
        print(f"  {doc_id[:12]} {f.rule} {f.snippet(text)!r} -> {f.replacement!r} conf={f.confidence} in {ctx!r}")
    return 1 if failures or neg_hits or applied_letter_changes else 0


if __name__ == "__main__":
    sys.exit(main(verbose="--verbose" in sys.argv))
