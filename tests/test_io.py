"""Readers, writers, decoding and atomic writes."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import zstandard

from scrubber.io.atomic import atomic_writer
from scrubber.io.compression import compression_of_head
from scrubber.io.decode import decode_bytes, looks_binary
from scrubber.io.sources import BinaryInput, discover, format_of, read_items


@pytest.mark.parametrize(
    ("name", "fmt", "compression"),
    [
        ("a.txt", "text", None),
        ("a.jsonl", "jsonl", None),
        ("a.ndjson", "jsonl", None),
        ("a.jsonl.gz", "jsonl", "gz"),
        ("a.jsonl.zst", "jsonl", "zst"),
        ("a.txt.gz", "text", "gz"),
        ("README", "text", None),
    ],
)
def test_format_by_suffix(name: str, fmt: str, compression: str | None):
    assert format_of(Path(name)) == (fmt, compression)


@pytest.mark.parametrize(
    ("content", "fmt"),
    [
        (b'{"id": 1, "text": "a"}\n{"id": 2, "text": "b"}\n', "jsonl"),  # JSON Lines under a .json name
        (b'\n\n{"text": "a"}\n', "jsonl"),
        (b'\xef\xbb\xbf{"text": "a"}\n', "jsonl"),  # with a BOM
        (b'{\n  "text": "a"\n}\n', "json"),  # one pretty-printed object: a JSON document
        (b'[{"text": "a"}]\n', "json"),  # an array
        (b"\xef\xbb\xbf  [\n", "json"),  # an array with a BOM
        (b"[ not json either\n", "json"),  # the JSON reader reports it (file:line:col)
        (b'"just a string"\n', "text"),
        (b"The council met.\n", "text"),
        (b"", "text"),
        (b"\xff\xfe{", "text"),
    ],
)
def test_a_json_file_is_read_as_json_lines_or_a_json_document_by_its_first_line(tmp_path: Path, content: bytes, fmt: str):
    plain = tmp_path / "a.json"
    plain.write_bytes(content)
    packed = tmp_path / "a.json.gz"
    packed.write_bytes(gzip.compress(content))
    assert format_of(plain) == (fmt, None)
    assert format_of(packed) == (fmt, "gz")


@pytest.mark.parametrize(("first", "fmt"), [(b'{"text": "', "jsonl"), (b'["', "json"), (b"xx", "text")])
def test_a_first_line_longer_than_the_sniff_is_judged_by_its_opening(tmp_path: Path, monkeypatch, first: bytes, fmt: str):
    from scrubber.io import sources

    monkeypatch.setattr(sources, "SNIFF_BYTES", 64)
    path = tmp_path / "a.json"
    path.write_bytes(first + b"x" * 200 + b'"}\n')
    assert format_of(path) == (fmt, None)


def test_a_corrupt_compressed_json_file_is_left_to_the_reader(tmp_path: Path):
    path = tmp_path / "a.json.gz"
    path.write_bytes(b"not gzip at all")
    assert format_of(path) == ("text", "gz")


@pytest.mark.parametrize(
    ("data", "text", "encoding", "warned"),
    [
        ("café".encode(), "café", "utf-8", False),
        (b"\xef\xbb\xbfhi", "hi", "utf-8", False),
        ("café’s".encode("cp1252"), "café’s", "cp1252", True),
        (b"caf\xe9 \x81", "café \x81", "latin-1", True),
        (b"", "", "utf-8", False),
    ],
)
def test_decode(data: bytes, text: str, encoding: str, warned: bool):
    d = decode_bytes(data)
    assert (d.text, d.encoding, bool(d.problem)) == (text, encoding, warned)


@pytest.mark.parametrize(
    ("data", "binary"), [(b"plain text\n", False), (b"\x89PNG\r\n\x1a\n\x00\x00", True), (bytes(range(32)) * 10, True), (b"", False)]
)
def test_looks_binary(data: bytes, binary: bool):
    assert looks_binary(data) is binary


def test_jsonl_items_keep_malformed_lines(tmp_path: Path):
    path = tmp_path / "d.jsonl"
    path.write_bytes(b'{"id": 1, "text": "a"}\nnot json\n[1, 2]\n{"body": "x"}\n{"text": 5}\n\n{"text": "b", "extra": [1]}\n')
    problems: list[str] = []
    items = list(read_items(discover([str(path)])[0], "text", lambda lvl, where, msg: problems.append(f"{where}: {msg}")))
    assert [i.doc.text if i.doc else None for i in items] == ["a", None, None, None, None, None, "b"]
    assert [p.split(": ")[0].rsplit(":", 1)[1] for p in problems] == ["2", "3", "4", "5"]
    assert items[1].raw == b"not json\n"


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_compressed_jsonl(tmp_path: Path, suffix: str):
    data = b"".join(json.dumps({"text": f"doc {i}"}).encode() + b"\n" for i in range(3))
    path = tmp_path / f"d{suffix}"
    path.write_bytes(gzip.compress(data) if suffix.endswith("gz") else zstandard.ZstdCompressor().compress(data))
    items = list(read_items(discover([str(path)])[0], "text", lambda *a: None))
    assert [i.doc.text for i in items] == ["doc 0", "doc 1", "doc 2"]


def test_binary_text_file_is_refused(tmp_path: Path):
    path = tmp_path / "img.txt"
    path.write_bytes(b"\x00\x01\x02PNG")
    with pytest.raises(BinaryInput):
        list(read_items(discover([str(path)])[0], "text", lambda *a: None))


def test_atomic_writer_leaves_old_file_on_error(tmp_path: Path):
    path = tmp_path / "out.txt"
    path.write_text("old")
    with pytest.raises(RuntimeError), atomic_writer(path) as handle:
        handle.write(b"half of the new")
        raise RuntimeError("crash")
    assert path.read_text() == "old"
    assert list(tmp_path.iterdir()) == [path]


def test_discover_walks_folders_and_skips_hidden(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "y.txt").write_text("y")
    (tmp_path / "b.jsonl").write_text("")
    (tmp_path / "review.scrubber-session").write_bytes(b"SQLite format 3\x00")
    (tmp_path / "review.scrubber-session-wal").write_bytes(b"")
    found = discover([str(tmp_path)])
    assert sorted(str(f.rel) for f in found) == ["a/x.txt", "b.jsonl"]
    assert [str(f.rel) for f in discover([str(tmp_path)], ["*.jsonl"])] == ["b.jsonl"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_a_folder_walk_skips_fifos_but_keeps_broken_links(tmp_path: Path):
    """A FIFO in a folder would block the run forever; a broken link is kept, so reading it is reported."""
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "real.txt").write_text("x")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    assert sorted(str(f.rel) for f in discover([str(tmp_path)])) == ["gone.txt", "real.txt"]
    assert [str(f.rel) for f in discover([str(tmp_path / "pipe.txt")])] == ["pipe.txt"]  # named: read as given


PACKERS = {
    "gz": gzip.compress,
    "bz2": bz2.compress,
    "xz": lzma.compress,
    "zst": zstandard.ZstdCompressor().compress,
}


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        *((pack(b"some text\n"), kind) for kind, pack in PACKERS.items()),
        (bz2.compress(b""), "bz2"),  # an empty stream: end-of-stream magic right after the header
        (b"BZh is how the reporter spelled it\n", None),
        (b"BZh9 but no block magic", None),
        (b"\x1f", None),
        (b"", None),
        (b"plain text", None),
    ],
)
def test_compression_of_head(head: bytes, kind: str | None):
    assert compression_of_head(head) == kind


@pytest.mark.parametrize("kind", sorted(PACKERS))
def test_compressed_standard_input_is_read_decompressed(run_cli, tmp_path: Path, kind: str):
    """``zcat``-free pipes: standard input is recognised by its magic number, and -o names the output after it."""
    packed = PACKERS[kind]("The caf\u00c3\u00a9 opened.\n".encode())
    checked = run_cli("check", "-", input=packed)
    assert checked.returncode == 1 and "unicode.mojibake" in checked.stdout.decode(), checked.stderr
    fixed = run_cli("fix", "-", input=packed)
    assert fixed.returncode == 0 and fixed.stdout.decode() == "The caf\u00e9 opened.\n"
    assert run_cli("fix", "-", "-o", "out", "-q", input=packed).returncode == 0
    (written,) = (tmp_path / "out").iterdir()
    assert written.name == f"stdin.{kind}"
    assert compression_of_head(written.read_bytes()) == kind


def test_truncated_compressed_standard_input_is_an_error(run_cli):
    result = run_cli("check", "-", input=gzip.compress(b"The cafe opened.\n" * 50)[:20])
    assert result.returncode == 2
    assert "<stdin>: error: cannot read: gzip stream ends before its end marker" in result.stderr.decode()


@pytest.mark.parametrize("kind", ["gz", "bz2"])
def test_compressed_standard_input_arriving_a_byte_at_a_time(tmp_path: Path, scrubber_command: list[str], kind: str):
    """A slow producer (``curl … |``): the first read of the pipe may hold one byte, too few to tell the compression."""
    packed = PACKERS[kind]("".join(f"The caf\u00c3\u00a9 opened {k}.\n" for k in range(50)).encode())
    proc = subprocess.Popen(
        [*scrubber_command, "fix", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path
    )
    assert proc.stdin is not None
    for k in range(12):  # the magic a byte at a time, each its own read
        proc.stdin.write(packed[k : k + 1])
        proc.stdin.flush()
        time.sleep(0.02)
    proc.stdin.write(packed[12:])
    proc.stdin.close()
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.wait(timeout=60)
    assert proc.returncode == 0, err.decode()
    assert out.decode() == "".join(f"The caf\u00e9 opened {k}.\n" for k in range(50))


def _stdin_of(data: bytes) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BufferedReader(io.BytesIO(data)))


def test_bytes_read_to_tell_the_compression_are_given_back_and_not_to_the_next_stdin(monkeypatch: pytest.MonkeyPatch):
    """A short start is read (not peeked) and put back; a later standard input (the API called again) is read as it is."""
    from scrubber.io import sources

    monkeypatch.setattr(sys, "stdin", _stdin_of(b"short"))
    assert sources._stdin_head() == b"short"
    assert sources._stdin().read() == b"short"
    later = b"a later input, long enough to be peeked at\n"
    monkeypatch.setattr(sys, "stdin", _stdin_of(later))
    sources._stdin_head()
    assert sources._stdin().read() == later
