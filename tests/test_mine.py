"""``scrubber mine``: counting repeated lines, the candidate pack, the command."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scrubber.cli import main
from scrubber.mine import GLOBAL, Miner, render_pack
from scrubber.packs import check_examples, load_pack

WIDGET = "Share this: Email | Print"


def article(n: int) -> str:
    return f"Story number {n} begins with its own first line.\nIt has a middle sentence about topic {n}.\n{WIDGET}\n"


def records(n: int = 12) -> list[dict]:
    return [{"id": f"d{i}", "url": f"https://www.site{i % 2}.example/{i}", "text": article(i)} for i in range(n)]


def test_repeated_line_is_found_and_unique_lines_are_not():
    miner = Miner()
    for r in records():
        miner.add(r["id"], r["text"], {"record": r})
    cands = miner.candidates(min_docs=5)
    assert [(c.kind, c.text, c.group, c.docs, c.where) for c in cands] == [("line", WIDGET, GLOBAL, 12, "end")]


def test_group_counts_find_residue_of_one_source():
    miner = Miner()
    for r in records():
        text = r["text"] + ("Follow Site One on Facebook\n" if "site1" in r["url"] else "")
        miner.add(r["id"], text, {"record": r})
    texts = {c.text: c for c in miner.candidates(min_docs=5, min_share=0.9)}
    assert texts["Follow Site One on Facebook"].group == "site1.example"
    assert texts["Follow Site One on Facebook"].share == 1.0


def test_distinct_key_counts_copies_of_one_page_once():
    miner = Miner(distinct_key="page")
    for copy in range(6):
        miner.add(f"c{copy}", "A line only this page has.\nAnother one.\n", {"record": {"page": "p1"}})
    assert miner.candidates(min_docs=2) == []


def test_repeated_endings_are_found():
    miner = Miner()
    for i in range(6):
        miner.add(str(i), f"Paragraph {i} tells its own story today.[ad_9]Credit line\n")
    assert [(c.kind, c.text) for c in miner.candidates(min_docs=5)] == [("ending", "[ad_9]Credit line")]


def test_memory_is_capped():
    miner = Miner(max_keys=100)
    for i in range(1000):
        miner.add(str(i), f"unique line {i}\n{WIDGET}\n")
    assert len(miner.stats) <= 101
    assert miner.candidates(min_docs=500)[0].text == WIDGET


@pytest.mark.parametrize("line", [WIDGET, "Quote \"this\" \\ and 'that' [x]", "Tab\tand  spaces", "$5 (off) *now*?"])
def test_rendered_pack_loads_and_its_examples_pass(tmp_path, line):
    miner = Miner()
    for i in range(5):
        miner.add(str(i), f"Own text {i}.\n{line}\nMore own text about {i} and its story. {line}\n")
    path = tmp_path / "cand.toml"
    path.write_text(render_pack(miner.candidates(min_docs=5), miner.n_docs, "corpus"), encoding="utf-8")
    pack = load_pack(path)
    assert pack.rules and set(pack.disabled) == {s.id for s in pack.rules}
    assert list(check_examples(pack.rules)) == []


def write_jsonl_gz(path: Path, recs: list[dict]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r) + "\n")


def test_cli_writes_a_pack_that_rules_check_accepts(tmp_path):
    src = tmp_path / "crawl.jsonl.gz"
    write_jsonl_gz(src, [{**r, "body": r.pop("text")} for r in records()])
    out = tmp_path / "cand.toml"
    runner = CliRunner()
    res = runner.invoke(main, ["mine", str(src), "--text-key", "body", "--min-docs", "5", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "candidate rule(s)" in res.output
    assert "Share this: Email" in out.read_text(encoding="utf-8")
    res = runner.invoke(main, ["rules", "--check", str(out)])
    assert res.exit_code == 0, res.output


def test_cli_reads_folders_of_text(tmp_path):
    for i in range(5):
        (tmp_path / f"{i}.txt").write_text(article(i), encoding="utf-8")
    res = CliRunner().invoke(main, ["mine", str(tmp_path), "--min-docs", "5", "-q"])
    assert res.exit_code == 0
    assert 'pattern = "Share[^\\\\S\\\\n]+this:' in res.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["mine", "/no/such/file.jsonl"], "no such file"),
        (["mine", "{empty}"], "no documents read"),
        (["mine", "{data}", "--min-docs", "0"], "--min-docs"),
        (["mine", "{data}", "--prefix", "a.b"], "--prefix"),
    ],
)
def test_cli_errors_are_clear(tmp_path, args, message):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    data = tmp_path / "data.jsonl"
    data.write_text(json.dumps({"text": "x"}) + "\n", encoding="utf-8")
    args = [a.format(empty=empty, data=data) for a in args]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2
    assert message in res.output


def test_cli_help_names_the_thresholds():
    res = CliRunner().invoke(main, ["mine", "--help"])
    assert res.exit_code == 0
    for option in ("--min-docs", "--min-share", "--top", "--group-key", "--distinct-key", "--text-key"):
        assert option in res.output
