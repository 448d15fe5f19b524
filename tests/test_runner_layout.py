"""A block segment's output comes back as runs of its input: the same bytes as the whole output would be.

Workers send back only the records that changed (see ``runner._Layout``); the
main process rebuilds the output from the block it holds. Whatever mix of
unchanged, changed, malformed, dropped and legacy-code-page lines, the result
must be what the same lines given one by one produce.
"""

from __future__ import annotations

import json

import pytest
from runner_data import CLEAN, MOJIBAKE, RESIDUE

from scrubber import default_engine
from scrubber.policy import Policy
from scrubber.runner import Segment, Work, _Layout, process

SAME, CHANGED, DROPPED = "same", "changed", "dropped"


@pytest.mark.parametrize(
    "kinds",
    [
        [],
        [SAME],
        [CHANGED],
        [DROPPED],
        [SAME, SAME, SAME],
        [CHANGED, SAME, DROPPED, DROPPED, SAME, CHANGED],
        [DROPPED, SAME, CHANGED, CHANGED, SAME],
        [SAME, CHANGED, SAME, DROPPED],
    ],
)
def test_rebuilt_output_is_the_outputs_of_the_lines_in_order(kinds: list[str]):
    lines = [f'{{"id": {i}, "text": "line {i}"}}\n'.encode() for i in range(len(kinds))]
    outputs = [
        line if kind == SAME else b"" if kind == DROPPED else line.replace(b"line", b"LINE, longer") for line, kind in zip(lines, kinds)
    ]
    layout = _Layout()
    for line, out in zip(lines, outputs):
        if out == line:
            layout.same(len(line))
        else:
            layout.replaced(len(line), out)
    data, runs = layout.done()
    block = b"".join(lines)
    assert _Layout.rebuild(block, data, runs) == b"".join(outputs)
    assert len(data) == sum(len(out) for out, kind in zip(outputs, kinds) if kind == CHANGED)
    if kinds and all(kind == SAME for kind in kinds):
        assert _Layout.rebuild(block, data, runs) is block  # nothing to rebuild


@pytest.mark.parametrize(
    "policy", [Policy(), Policy(drop_above=0.0), Policy(drop_flagged=True, unsafe=True)], ids=["fix", "drop-docs", "drop-flagged"]
)
def test_a_segment_as_a_block_writes_what_the_same_lines_one_by_one_write(policy: Policy):
    texts = [CLEAN, MOJIBAKE, RESIDUE, "It\u2019s a tie.", "the of the of the"]
    lines = [
        json.dumps({"id": i, "text": f"Item {i}.\n{texts[i % len(texts)]}", "n": i}, ensure_ascii=False).encode() + b"\n" for i in range(25)
    ]
    lines[3] = b"{not json\n"
    lines[7] = b'{"id": 7, "text": "caf\xe9 cr\xe8me and a \x93quote\x94."}\r\n'  # cp1252
    lines[8] = b"\n"
    lines[-1] = lines[-1].rstrip(b"\n")  # the file's last line, without a line end
    work = Work(default_engine(), policy, write=True)
    by_lines = Segment(0, "jsonl", "f.jsonl", first_line=41, lines=lines, encoding="cp1252")
    as_block = Segment(0, "jsonl", "f.jsonl", first_line=41, block=b"".join(lines), count=len(lines), encoding="cp1252")
    [expected] = process(work, [by_lines])
    [part] = process(work, [as_block])
    assert part.output(as_block) == expected.output(by_lines) == expected.data
    assert (part.stats.to_dict(), part.reports, part.changed) == (expected.stats.to_dict(), expected.reports, expected.changed)
    assert part.layout is not None and len(part.data) < len(expected.data)
