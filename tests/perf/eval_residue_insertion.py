"""How much article text the residue rules take when one template line lands inside an article (not part of make test).

    .venv/bin/python tests/perf/eval_residue_insertion.py [human-news-dev.jsonl] [--show N]

Scrapers leak template lines (``Share this:``, ``Comments``, ``Related
Posts:``) above, inside and below the article. The line itself should go;
the article around it must not. For every human-written article and every
template line below, the line is inserted under the title, in the middle
and three lines from the end, the residue rules run as ``scrubber fix``
would, and every article line that is no longer in the output is counted
as lost. Terminators (a heading after which the rest of the page is
residue) are the risk: near the end they cannot tell a comment thread from
the article's last paragraphs, so some loss there is by design; under the
title and in the middle there should be none.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from scrubber import clean, default_engine

DEFAULT = Path("/work/shared/data/human-news-dev.jsonl")

#: generic template lines, one per kind of residue rule (written for this script)
TEMPLATE_LINES = [
    "Share this:",
    "Comments",
    "12 Comments",
    "Leave a Reply",
    "Post a Comment",
    "Tags:",
    "Related Posts:",
    "You may also like",
    "About the author",
    "Explore further",
    "Advertisement",
    "Read more",
    "More:",
    "RELATED COVERAGE",
    "[ad_1]",
    "Source link",
    "Like this:",
    "Sign up for our newsletter",
    "Follow us on Twitter",
    "Continue reading →",
    "Photo: Getty Images",
    "Print",
    "Email",
]


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    show = int(next((a.split("=", 1)[1] for a in argv if a.startswith("--show=")), "0"))
    path = Path(args[0]) if args else DEFAULT
    if not path.is_file():
        print(f"{path}: not found (this evaluation needs the shared data set)", file=sys.stderr)
        return 2
    docs = [json.loads(line)["text"] for line in path.open(encoding="utf-8") if line.strip()]
    engine = default_engine(select=["residue"])
    lost: Counter = Counter()
    runs: Counter = Counter()
    examples: list[str] = []
    article_lines = 0
    for text in docs:
        lines = text.split("\n")
        kept = Counter(line.strip() for line in lines if line.strip())
        article_lines += sum(kept.values())
        for template in TEMPLATE_LINES:
            for where, pos in (("under title", 1), ("middle", len(lines) // 2), ("near end", max(1, len(lines) - 3))):
                out = clean("\n".join([*lines[:pos], template, *lines[pos:]]), engine)
                missing = kept - Counter(line.strip() for line in out.split("\n") if line.strip())
                runs[where] += 1
                if missing:
                    lost[(template, where)] += sum(missing.values())
                    lost[where] += sum(missing.values())
                    if len(examples) < show:
                        examples.append(f"{template!r} {where}: lost {next(iter(missing))[:80]!r}")
    print(f"{len(docs)} articles, {article_lines} lines, {len(TEMPLATE_LINES)} template lines at 3 positions")
    for where in ("under title", "middle", "near end"):
        per = lost[where] / runs[where] if runs[where] else 0.0
        print(f"  {where:12} article lines lost: {lost[where]:6} ({per:.2f} per insertion)")
    worst = sorted(((n, k) for k, n in lost.items() if isinstance(k, tuple)), reverse=True)[:12]
    for n, (template, where) in worst:
        print(f"    {n:5}  {template!r} {where}")
    for line in examples:
        print("  e.g.", line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
