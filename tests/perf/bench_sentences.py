"""The sentence segmenter alone, Python against the compiled splitter (not part of make test).

    .venv/bin/python tests/perf/bench_sentences.py [FILE.jsonl]

Over every paragraph of every document of perf-news (or FILE): the
sentences by :func:`scrubber.text.sentence_spans_python` and by
:func:`scrubber.text.sentence_spans` (the kernel, when built), and a
document's sentence count as the garble score took it
(``len(segment(text).sentences)``) and as it takes it now
(:func:`scrubber.text.sentence_count`). Process time, best of 5, the two
sides interleaved. Also checks that both sides agree and counts the
paragraphs the kernel left to Python.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from scrubber import text as seg

DEFAULT = Path("/work/shared/data/perf-news.jsonl")


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not path.exists():
        sys.exit(f"{path} is absent: pass a JSONL file with a 'text' field")
    docs = [json.loads(line)["text"] for line in path.open(encoding="utf-8")]
    paras = [(d, a, b) for d in docs for a, b in seg.paragraph_spans(d)]
    splitter = seg._splitter()
    if splitter is None:
        sys.exit("the compiled splitter is not built (or SCRUBBER_PURE_PYTHON is set)")
    declined = sum(splitter.spans(d, a, b) is None for d, a, b in paras)
    assert all(seg.sentence_spans(d, a, b) == seg.sentence_spans_python(d, a, b) for d, a, b in paras)
    assert all(seg.sentence_count(d) == len(seg.segment(d).sentences) for d in docs)
    print(f"{path.name}: {len(docs):,} documents, {len(paras):,} paragraphs, {declined} left to Python; identical")

    sides: dict[str, Callable[[], object]] = {
        "sentence_spans_python": lambda: [seg.sentence_spans_python(d, a, b) for d, a, b in paras],
        "sentence_spans (kernel)": lambda: [seg.sentence_spans(d, a, b) for d, a, b in paras],
        "len(segment(text).sentences)": lambda: [len(seg.segment(d).sentences) for d in docs],
        "sentence_count(text)": lambda: [seg.sentence_count(d) for d in docs],
    }
    best = dict.fromkeys(sides, float("inf"))
    for _ in range(5):
        for name, run in sides.items():
            start = time.process_time()
            run()
            best[name] = min(best[name], time.process_time() - start)
    for name, seconds in best.items():
        print(f"  {name:30} {seconds:.4f} s")


if __name__ == "__main__":
    main()
