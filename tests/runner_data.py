"""Documents written for the runner tests: mojibake, residue, clean prose."""

from __future__ import annotations

import json
from pathlib import Path

CLEAN = "The council met on Tuesday to discuss the new bridge.\nMembers voted in favour."
MOJIBAKE = "The caf\u00c3\u00a9 on Main Street reopened.\nIts owner said it\u00e2\u20ac\u2122s a fresh start."
RESIDUE = "Rain is expected over the weekend.\nForecasters urged caution.\n\n[ad_2]Source link"


def records(n: int) -> list[dict]:
    """n records cycling through clean, damaged and residue texts, with ids and extra fields."""
    texts = [CLEAN, MOJIBAKE, RESIDUE]
    return [{"id": f"doc-{i}", "text": f"Item {i}.\n{texts[i % 3]}", "lang": "en"} for i in range(n)]


def write_jsonl(path: Path, n: int, bad_lines: tuple[int, ...] = ()) -> Path:
    """A JSONL file of n records; lines listed in ``bad_lines`` (0-based) are malformed."""
    lines = []
    for i, rec in enumerate(records(n)):
        lines.append("{not json" if i in bad_lines else json.dumps(rec, ensure_ascii=False))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
