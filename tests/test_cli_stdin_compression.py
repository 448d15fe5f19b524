"""Standard input's compression: told by its first bytes, and text that only starts like a compressed stream."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma

import pytest

from scrubber.io.compression import compression_of_head

try:
    import zstandard
except ImportError:  # the zst case is left out without it
    zstandard = None

PACKERS = {"gz": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}
if zstandard is not None:
    PACKERS["zst"] = zstandard.ZstdCompressor().compress

#: text whose first bytes match (or almost match) a compression's magic number
LOOKALIKES = [
    pytest.param(b"BZh9 is how the old tape label began.\nSecond line.\n", id="bzh-digit"),
    pytest.param(b"\x1f\x8bplain words after two stray bytes.\n", id="gzip-magic-only"),
    pytest.param(b"BZh91AY&SY is a block magic written out as text.\n", id="bzip2-header-and-block-magic"),
]


@pytest.mark.parametrize("text", LOOKALIKES)
@pytest.mark.parametrize("command", ["check", "fix"])
def test_text_that_starts_like_a_compressed_stream_is_read_as_text(run_cli, text: bytes, command: str):
    result = run_cli(command, "-", "--stdin-format", "text", input=text)
    assert result.returncode in (0, 1), result.stderr
    assert b"cannot read" not in result.stderr and b"Traceback" not in result.stderr
    if command == "fix":
        assert result.stdout.split(b"\n")[1:] == text.split(b"\n")[1:]  # the rest of the text, as it was


def test_a_failed_first_block_says_it_was_read_uncompressed(run_cli):
    text = b"BZh91AY&SY is a block magic written out as text.\n"
    assert compression_of_head(text) == "bz2"  # the magic cannot tell: the decompressor can
    result = run_cli("fix", "-", input=text)
    assert result.returncode == 0 and result.stdout == text
    assert b"<stdin>: warning: starts like bzip2 data but is not" in result.stderr
    assert b"--stdin-compression none" in result.stderr


@pytest.mark.parametrize(
    ("option", "text", "code", "said"),
    [
        ("none", b"BZh91AY&SY is a block magic written out as text.\n", 0, b""),
        ("gz", b"plain text, not gzip at all\n", 2, b"<stdin>: error: cannot read"),
    ],
    ids=["none-reads-as-is", "a-named-kind-is-not-second-guessed"],
)
def test_stdin_compression_option(run_cli, option: str, text: bytes, code: int, said: bytes):
    result = run_cli("fix", "-", "--stdin-compression", option, input=text)
    assert result.returncode == code, result.stderr
    assert said in result.stderr and b"warning" not in result.stderr
    if code == 0:
        assert result.stdout == text


def test_stdin_compression_none_keeps_a_real_stream_compressed(run_cli):
    packed = gzip.compress(b"The cafe opened.\n")
    result = run_cli("fix", "-", "--stdin-compression", "none", input=packed)
    assert result.returncode == 2 and b"binary file" in result.stderr


@pytest.mark.parametrize("kind", sorted(PACKERS))
def test_compressed_jsonl_on_stdin_gets_the_json_lines_hint(run_cli, kind: str):
    data = b"".join((json.dumps({"id": k, "text": f"Story {k} here."}) + "\n").encode() for k in range(200))
    result = run_cli("check", "-", input=PACKERS[kind](data))
    assert b"<stdin>: warning: looks like JSON Lines" in result.stderr, result.stderr
    quiet = run_cli("check", "-", "--stdin-format", "jsonl", input=PACKERS[kind](data))
    assert b"looks like JSON Lines" not in quiet.stderr and quiet.returncode == 0, quiet.stderr
