"""The installed ``scrubber`` command, driven as a user would."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
import zstandard

# Imitations of the two seed articles' endings (written for the tests).
SPUN = (
    "Officials said on Monday that talks would continue.\n\n"
    '"We want this to happen," said the spokeswoman, "and we are working on it."\n\n'
    "Jane Roe contributed to this report.\n\n"
    "[ad_2]Source link"
)
WIRE = "The envoy travelled to the capital on Friday.\n“It is a new start,” he said.\nPost a Comment"
MOJIBAKE = "The mayorâ€™s office said the cafÃ© would reopen."


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "spun.txt").write_text(SPUN)
    (folder / "wire.txt").write_text(WIRE)
    (folder / "clean.txt").write_text("A clean article.\nNothing to do here.\n")
    return folder


def test_fix_removes_exactly_the_residue_lines(run_cli, articles: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = run_cli("fix", str(articles), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "spun.txt").read_text() == SPUN[: -len("\n[ad_2]Source link")]  # and the blank line above it
    assert (out / "wire.txt").read_text() == WIRE[: -len("Post a Comment")]
    assert (out / "clean.txt").read_text() == (articles / "clean.txt").read_text()
    assert "residue.source-link" in result.stderr and "residue.post-a-comment" in result.stderr


def test_check_json_spans_slice_the_original(run_cli, articles: Path):
    result = run_cli("check", str(articles), "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["summary"]["findings"] == 2
    for doc in data["documents"]:
        text = Path(doc["path"]).read_text()
        for f in doc["findings"]:
            assert text[f["start"] : f["end"]] == f["original"]
            assert {"rule", "replacement", "message", "confidence", "fingerprint", "document"} <= f.keys()


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["check", "in/clean.txt"], 0),
        (["check", "in/spun.txt"], 1),
        (["check", "missing.txt"], 2),
        (["check", "in", "--select", "nosuchrule"], 2),
        (["fix", "in"], 2),  # several inputs need -o, --in-place or --diff
        (["fix", "in", "--diff", "--in-place"], 2),
        (["fix", "in/spun.txt"], 0),
    ],
)
def test_exit_codes(run_cli, articles: Path, args: list[str], code: int):
    result = run_cli(*args)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr


def test_jsonl_corpus_keeps_every_record(run_cli, tmp_path: Path):
    lines = []
    for i in range(1000):
        record = {
            "id": f"doc-{i}",
            "text": f"Story number {i} is here.",
            "url": f"https://example.test/{i}",
            "meta": {"n": i, "tags": ["a", "b"]},
        }
        if i == 10:
            record["text"] = MOJIBAKE
        if i == 20:
            record["text"] = "A story.\n[ad_2]Source link"
        lines.append(json.dumps(record))
    lines.insert(500, '{"id": "broken", "text": "unterminated')
    src = tmp_path / "corpus.jsonl"
    src.write_text("\n".join(lines) + "\n")
    result = run_cli("fix", str(src), "-o", str(tmp_path / "out"))
    assert result.returncode == 2  # an input error was reported
    assert f"{src}:501: error: malformed JSON" in result.stderr
    out_lines = (tmp_path / "out" / "corpus.jsonl").read_text().splitlines()
    assert len(out_lines) == 1001
    assert out_lines[500] == lines[500]
    records = [json.loads(line) for i, line in enumerate(out_lines) if i != 500]
    originals = [json.loads(line) for i, line in enumerate(lines) if i != 500]
    for got, want in zip(records, originals):
        assert {k: v for k, v in got.items() if k != "text"} == {k: v for k, v in want.items() if k != "text"}
    assert records[10]["text"] == "The mayor’s office said the café would reopen."
    assert records[20]["text"] == "A story.\n"
    assert sum(g != w for g, w in zip(records, originals)) == 2


def test_stdin_to_stdout(run_cli):
    result = run_cli("fix", "-", input=SPUN)
    assert result.returncode == 0
    assert result.stdout == SPUN[: -len("\n[ad_2]Source link")]


def test_stdin_jsonl(run_cli):
    result = run_cli("fix", "-", "--stdin-format", "jsonl", "--text-key", "body", input='{"body": "A.\\nPost a Comment", "k": 1}\n')
    assert json.loads(result.stdout) == {"body": "A.\n", "k": 1}


def test_in_place_is_atomic_and_leaves_unchanged_files_alone(run_cli, articles: Path):
    clean = articles / "clean.txt"
    os.utime(clean, (1_000_000, 1_000_000))
    result = run_cli("fix", str(articles), "--in-place")
    assert result.returncode == 0, result.stderr
    assert (articles / "spun.txt").read_text() == SPUN[: -len("\n[ad_2]Source link")]
    assert clean.stat().st_mtime == 1_000_000
    assert sorted(p.name for p in articles.iterdir()) == ["clean.txt", "spun.txt", "wire.txt"]  # no temp files left


def test_unwritable_output_is_a_clear_error(run_cli, articles: Path, tmp_path: Path):
    blocker = tmp_path / "out"
    blocker.write_text("I am a file, not a folder")
    result = run_cli("fix", str(articles / "spun.txt"), "-o", str(blocker / "sub"))
    assert result.returncode == 2
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr
    assert (articles / "spun.txt").read_text() == SPUN


def test_invalid_utf8_is_decoded_and_reported(run_cli, tmp_path: Path):
    src = tmp_path / "legacy.txt"
    src.write_bytes("Caf\u00e9 prices rose.\n[ad_2]Source link".encode("cp1252"))
    result = run_cli("fix", str(src))
    assert result.returncode == 0
    assert f"{src}: warning: not valid UTF-8" in result.stderr and "cp1252" in result.stderr
    assert result.stdout == "Café prices rose.\n"


def test_binary_files(run_cli, articles: Path, tmp_path: Path):
    (articles / "photo.jpg").write_bytes(b"\xff\xd8\xff\x00\x00JFIF")
    result = run_cli("check", str(articles))
    assert result.returncode == 1  # the folder's binary file is only a note
    assert "photo.jpg: note: binary file" in result.stderr
    result = run_cli("check", str(articles / "photo.jpg"))
    assert result.returncode == 2
    assert "photo.jpg: error: binary file" in result.stderr


def test_empty_file(run_cli, tmp_path: Path):
    (tmp_path / "empty.txt").write_text("")
    result = run_cli("fix", "empty.txt", "-o", "out")
    assert result.returncode == 0
    assert (tmp_path / "out" / "empty.txt").read_bytes() == b""


@pytest.mark.parametrize("suffix", ["gz", "zst"])
def test_compressed_round_trip(run_cli, tmp_path: Path, suffix: str):
    data = (json.dumps({"text": "Body.\n[ad_2]Source link"}) + "\n").encode()
    compress = gzip.compress if suffix == "gz" else zstandard.ZstdCompressor().compress
    (tmp_path / f"c.jsonl.{suffix}").write_bytes(compress(data))
    result = run_cli("fix", f"c.jsonl.{suffix}", "-o", "out")
    assert result.returncode == 0, result.stderr
    raw = (tmp_path / "out" / f"c.jsonl.{suffix}").read_bytes()
    plain = gzip.decompress(raw) if suffix == "gz" else zstandard.ZstdDecompressor().decompressobj().decompress(raw)
    assert json.loads(plain) == {"text": "Body.\n"}


def test_diff(run_cli, articles: Path):
    result = run_cli("fix", str(articles), "--diff")
    assert result.returncode == 0
    assert "-[ad_2]Source link" in result.stdout and "-Post a Comment" in result.stdout
    assert (articles / "spun.txt").read_text() == SPUN  # --diff writes nothing


def test_rules_list_and_explain(run_cli):
    listing = run_cli("rules")
    assert "residue.source-link" in listing.stdout and "unicode.mojibake" in listing.stdout
    explain = run_cli("rules", "residue.source-link")
    assert "Leaves alone:" in explain.stdout and "The source link was broken" in explain.stdout


USER_PACK = """
[[rules]]
id = "house.byline"
kind = "line"
action = "strip"
where = "end"
pattern = 'Reporting by .+'
description = "Wire byline at the end"
examples.match = [{ text = "Body.\\nReporting by Ann Lee", result = "Body.\\n" }]
examples.no_match = ["{no_match}"]
"""


def test_rules_check_user_pack(run_cli, tmp_path: Path):
    good = tmp_path / "good.toml"
    good.write_text(USER_PACK.replace("{no_match}", "Reporting by phone is hard, she said.\\nMore text."))
    assert run_cli("rules", "--check", str(good)).returncode == 0
    bad = tmp_path / "bad.toml"
    bad.write_text(USER_PACK.replace("{no_match}", "Body.\\nReporting by Ann Lee"))
    result = run_cli("rules", "--check", str(bad))
    assert result.returncode == 1 and "house.byline" in result.stderr


def test_user_rules_and_config(run_cli, tmp_path: Path):
    packs = tmp_path / "packs"
    packs.mkdir()
    (packs / "house.toml").write_text(USER_PACK.replace("{no_match}", "Reporting by phone.\\nMore."))
    (tmp_path / "a.txt").write_text("Body.\nReporting by Ann Lee\n")
    assert run_cli("fix", "a.txt", "--rules", str(packs)).stdout == "Body.\n"
    (tmp_path / "pyproject.toml").write_text('[tool.scrubber]\nrules = ["packs"]\nignore = ["house"]\n')
    assert run_cli("fix", "a.txt").stdout == "Body.\nReporting by Ann Lee\n"
    assert run_cli("fix", "a.txt", "--select", "house").stdout == "Body.\n"
    assert run_cli("fix", "a.txt", "--isolated").stdout == "Body.\nReporting by Ann Lee\n"
    (tmp_path / "scrubber.toml").write_text('colour = "blue"\n')
    result = run_cli("check", "a.txt")
    assert result.returncode == 2 and "unknown setting" in result.stderr


def test_select_and_ignore_by_prefix(run_cli, tmp_path: Path):
    (tmp_path / "m.txt").write_text(MOJIBAKE + "\n[ad_2]Source link")
    only_residue = run_cli("fix", "m.txt", "--select", "residue").stdout
    assert only_residue == MOJIBAKE + "\n"
    no_source = run_cli("fix", "m.txt", "--ignore", "residue.source-link").stdout
    assert no_source.endswith("[ad_2]Source link") or no_source.endswith("Source link")
    assert "’" in no_source


@pytest.mark.parametrize("suffix", ["gz", "zst"])
def test_corrupt_compressed_input_is_a_clear_error_and_leaves_no_output(run_cli, tmp_path: Path, suffix: str):
    data = b"".join((json.dumps({"text": f"Story {i} here."}) + "\n").encode() for i in range(5000))
    compress = gzip.compress if suffix == "gz" else zstandard.ZstdCompressor().compress
    blob = compress(data)
    (tmp_path / f"c.jsonl.{suffix}").write_bytes(blob[: len(blob) // 2])  # cut off mid-stream
    result = run_cli("fix", f"c.jsonl.{suffix}", "-o", "out", "-j", "1")
    assert result.returncode == 2
    assert f"c.jsonl.{suffix}: error:" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out" / f"c.jsonl.{suffix}").exists()


def test_fix_skips_flag_rules_unless_flags_can_change_the_output(run_cli, tmp_path: Path):
    (tmp_path / "s.txt").write_text("The minister spoke on Monday. . Officials said more.\n")
    kept = run_cli("fix", "s.txt", "-v")  # said with --verbose only (or an explicit --select of flag rules)
    assert kept.stdout == "The minister spoke on Monday. . Officials said more.\n"
    assert "flag rule(s) not run" in kept.stderr
    dropped = run_cli("fix", "s.txt", "--drop-flagged")
    assert dropped.stdout == "Officials said more.\n"
    assert "flag rule(s) not run" not in dropped.stderr


@pytest.mark.parametrize(
    ("setting", "accepted", "message"),
    [
        ('jobs = "four"', False, "'jobs' must be a number"),
        ("unsafe = 1", False, "'unsafe' must be true or false"),
        ("min-confidence = true", False, "'min-confidence' must be a number"),
        ('select = "residue"', True, ""),
        ('glob = "*.txt"', True, ""),
        ('engine = "local"', True, ""),
        ("drop-above = 0.9", True, ""),
    ],
)
def test_config_values_are_checked_when_loaded(tmp_path: Path, setting: str, accepted: bool, message: str):
    from scrubber.config import ConfigError, load_config

    (tmp_path / "scrubber.toml").write_text(setting + "\n")
    if accepted:
        load_config(tmp_path / "scrubber.toml")
    else:
        with pytest.raises(ConfigError, match=message):
            load_config(tmp_path / "scrubber.toml")


def test_json_lines_under_a_json_name_are_cleaned_record_by_record(run_cli, tmp_path: Path):
    (tmp_path / "feed.json").write_text('{"id": 7, "text": "The cafÃ© reopened.\\n[ad_2]Source link"}\n', "utf-8")
    result = run_cli("fix", "-j1", "-q", "feed.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == '{"id": 7, "text": "The café reopened.\\n"}\n'
