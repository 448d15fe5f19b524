"""Compressed JSON Lines that stops decompressing: one clear error, the same words for every compression."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import re
from pathlib import Path

import pytest

try:
    import zstandard
except ImportError:  # the zstd cases are left out without it
    zstandard = None

RECORDS = b"".join(
    json.dumps({"id": i, "text": f"Record {i} says something plain about the weather, {i * 7919 % 1000} times."}).encode() + b"\n"
    for i in range(3000)
)

PACKERS = {"gz": lambda data: gzip.compress(data, mtime=0), "bz2": bz2.compress, "xz": lzma.compress}
NAMES = {"gz": "gzip", "bz2": "bzip2", "xz": "xz", "zst": "zstd"}
if zstandard is not None:
    PACKERS["zst"] = zstandard.ZstdCompressor().compress


def corrupt(kind: str, records: bytes = RECORDS) -> bytes:
    """Bytes flipped in the middle (a bad disk, a broken copy): gzip decodes garbage up to its CRC check."""
    blob = bytearray(PACKERS[kind](records))
    middle = len(blob) // 2
    for k in range(middle, middle + 8):
        blob[k] ^= 0x55
    return bytes(blob)


def truncated(kind: str) -> bytes:
    blob = PACKERS[kind](RECORDS)
    return blob[: len(blob) // 2]


PLACE = re.compile(r" (after line \d+|before its first line)")


@pytest.mark.parametrize("kind", sorted(PACKERS))
@pytest.mark.parametrize("stdin", [False, True], ids=["file", "stdin"])
def test_corrupt_compressed_jsonl_is_one_error_and_no_output(run_cli, tmp_path: Path, kind: str, stdin: bool):
    name = f"c.jsonl.{kind}"
    (tmp_path / name).write_bytes(corrupt(kind))
    if stdin:
        result = run_cli("fix", "-", "--stdin-format", "jsonl", "-o", "out", "-j", "1", input=corrupt(kind))
        shown = "<stdin>"
    else:
        result = run_cli("fix", name, "-o", "out", "-j", "1", input=b"")
        shown = name
    err = result.stderr.decode()
    assert result.returncode == 2
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert len(errors) == 1, err  # no "malformed JSON ... copied to the output" about the garbage, no second word on the output
    assert errors[0].startswith(f"{shown}: error: cannot read: corrupt {NAMES[kind]} data (")
    assert PLACE.search(errors[0]) and errors[0].endswith("; the output of this file is not written")
    assert "warning" not in err and "copied" not in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()  # nothing partial, not even the folder


def test_the_garbage_before_a_gzip_crc_error_is_not_reported_as_records(run_cli, tmp_path: Path):
    (tmp_path / "c.jsonl.gz").write_bytes(corrupt("gz"))
    result = run_cli("check", "c.jsonl.gz")
    err = result.stderr
    (error,) = [line for line in err.splitlines() if ": error: " in line]
    last_good = int(re.search(r"after line (\d+)", error)[1])
    assert "CRC check failed" in error and 0 < last_good < 3000
    assert "line(s) decoded after it are garbage from the damage" in error
    assert "finding(s) already reported" not in error  # plain weather reports: nothing was printed
    assert "malformed JSON" not in err and "field" not in err and "not valid UTF-8" not in err


def test_check_says_the_findings_it_printed_before_a_gzip_crc_error_are_suspect(run_cli, tmp_path: Path):
    """check prints findings as records arrive; gzip reads its checksum at the end, after they were printed."""
    records = b"".join(
        json.dumps({"id": i, "text": f"Record {i} on the weather, {i * 7919 % 1000} times.\n[ad_1]"}).encode() + b"\n" for i in range(3000)
    )
    (tmp_path / "c.jsonl.gz").write_bytes(corrupt("gz", records))
    result = run_cli("check", "c.jsonl.gz")
    (error,) = [line for line in result.stderr.splitlines() if ": error: " in line]
    printed = sum(1 for line in result.stdout.splitlines() if line.startswith("c.jsonl.gz:"))
    assert printed > 0 and result.returncode == 2
    assert error.endswith(f"; the {printed:,} finding(s) already reported for it may come from the damaged data"), error


@pytest.mark.parametrize("kind", sorted(PACKERS))
def test_truncated_compressed_jsonl_says_where_in_the_same_words(run_cli, tmp_path: Path, kind: str):
    (tmp_path / f"t.jsonl.{kind}").write_bytes(truncated(kind))
    result = run_cli("fix", f"t.jsonl.{kind}", "-o", "out", "-j", "1")
    (error,) = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert error.startswith(f"t.jsonl.{kind}: error: cannot read: {NAMES[kind]} stream ends before its end marker (truncated file?)")
    assert PLACE.search(error) and error.endswith("; the output of this file is not written"), error
    assert not (tmp_path / "out").exists()
