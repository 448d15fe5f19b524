"""Keep the generated rule reference in docs/rules.md in step with the packs.

``python -m scrubber.docs_gen`` rewrites the block between the markers;
the test suite fails when the block is stale, so a pack change without
``make docs`` is caught.
"""

from __future__ import annotations

import sys
from pathlib import Path

BEGIN = "<!-- BEGIN GENERATED RULE REFERENCE (make docs) -->"
END = "<!-- END GENERATED RULE REFERENCE -->"


def generated_reference() -> str:
    from .cli.rules import markdown_reference
    from .config import all_packs

    packs = all_packs()
    return markdown_reference([(s, s.id in p.disabled) for p in packs for s in p.rules])


def render(doc: str) -> str:
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n\n{generated_reference()}\n{END}{tail}"


def main(path: str = "docs/rules.md") -> int:
    target = Path(path)
    target.write_text(render(target.read_text("utf-8")), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
