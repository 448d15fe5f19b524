"""UTF-16/32 inputs: the streaming decoder, the BOM-less detector, and the CLI through the installed command.

A wide JSON Lines file used to be split at the byte ``0a`` (half of UTF-16's
``\\n``) and read as Windows-1252: every line malformed, and the output a
UTF-8 rendering of the UTF-16 bytes. Now it is decoded as a stream and
written as UTF-8 JSON Lines.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
from pathlib import Path

import pytest

from scrubber.io.decode import bomless_wide, looks_binary
from scrubber.io.wide import WideError, split_lines, utf8_chunks, utf8_lines

RECORDS = '{"id": 1, "text": "The cafÃ© reopened."}\n{"id": 2, "text": "Plain news 😀."}\n{"text": "Last line, no end."}'
FIXED = RECORDS.replace("cafÃ©", "café")
#: (encoding with its BOM, the BOM-less name for iconv)
WIDE = {
    "utf-16-le": (codecs.BOM_UTF16_LE, "utf-16-le"),
    "utf-16-be": (codecs.BOM_UTF16_BE, "utf-16-be"),
    "utf-32-le": (codecs.BOM_UTF32_LE, "utf-32-le"),
    "utf-32-be": (codecs.BOM_UTF32_BE, "utf-32-be"),
}


def wide(text: str, name: str, bom: bool = True) -> bytes:
    mark, codec = WIDE[name]
    return (mark if bom else b"") + text.encode(codec, "surrogatepass")


# -- the decoder ------------------------------------------------------------------------


@pytest.mark.parametrize("name", WIDE)
@pytest.mark.parametrize("size", [1, 3, 7, 1 << 16])
def test_wide_lines_are_utf8_lines_whatever_the_chunk_size(name: str, size: int, monkeypatch):
    """Pairs, surrogate pairs and ``\\n`` split across chunk boundaries come out whole; line ends are kept."""
    monkeypatch.setattr("scrubber.io.wide.CHUNK", size)
    text = "a\r\nb😀\n\nlast é"
    encoding, lines = utf8_lines(io.BytesIO(wide(text, name)))
    assert encoding == name[:6]
    assert list(lines) == [b"a\r\n", "b😀\n".encode(), b"\n", "last é".encode()]
    encoding, chunks = utf8_chunks(io.BytesIO(wide(text, name)), size)
    assert b"".join(chunks) == text.encode()


@pytest.mark.parametrize(
    "data",
    [b"", b"{", b"ab\ncd", b"\n\n\xff\xfe", b'{"a": 1}\r\n{"b": "\xe9"}\n'],
    ids=["empty", "one-byte", "short", "utf16-bom-later", "legacy"],
)
def test_input_without_a_wide_bom_is_passed_through_byte_for_byte(data: bytes):
    encoding, lines = utf8_lines(io.BytesIO(data))
    assert encoding is None
    assert b"".join(lines) == data
    assert list(utf8_lines(io.BytesIO(data))[1]) == io.BytesIO(data).readlines()


def test_a_lone_surrogate_becomes_its_json_escape_and_an_odd_last_byte_is_an_error():
    _, lines = utf8_lines(io.BytesIO(wide('{"text": "half \ud83d"}\n', "utf-16-le")))
    assert list(lines) == [b'{"text": "half \\ud83d"}\n']
    _, lines = utf8_lines(io.BytesIO(wide("ok\n", "utf-16-le") + b"x"))
    with pytest.raises(WideError, match=r"not valid UTF-16 \(it ends inside a character: truncated\?\)"):
        list(lines)


def test_split_lines_joins_a_line_spread_over_many_chunks():
    assert list(split_lines([b"ab", b"c\nd", b"", b"e\n", b"\nf"])) == [b"abc\n", b"de\n", b"\n", b"f"]


#: prose in scripts outside Latin-1, written for these tests
RUSSIAN = "Утром в городе прошёл дождь, а к вечеру стало тепло.\n"
CHINESE = "今天早上下了雨，晚上天气变暖了。\n"
GREEK = "Το πρωί έβρεξε στην πόλη και το βράδυ ζέστανε.\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (wide("Some text here.\n" * 20, "utf-16-le", bom=False), "UTF-16LE"),
        (wide("Some text here.\n" * 20, "utf-16-be", bom=False), "UTF-16BE"),
        (wide("Some text here.\n" * 20, "utf-32-le", bom=False), "UTF-32LE"),
        (wide("Some text here.\n" * 20, "utf-32-be", bom=False), "UTF-32BE"),
        (wide("Some text here.\n" * 20, "utf-16-le"), None),  # it has its mark
        (b"plain text\n" * 20, None),
        (b"\x00" * 200, None),  # all NUL: binary, not UTF-16
        (bytes(range(256)) * 4, None),
        (b"ab\x00", None),
        (wide(RUSSIAN * 10, "utf-16-le", bom=False), "UTF-16LE"),
        (wide(RUSSIAN * 10, "utf-16-be", bom=False), "UTF-16BE"),
        (wide(CHINESE * 10, "utf-16-be", bom=False), "UTF-16BE"),
        (wide(GREEK * 10, "utf-16-le", bom=False), "UTF-16LE"),
        (RUSSIAN.encode("utf-8") * 10, None),  # UTF-8 Cyrillic is text, not UTF-16
        (RUSSIAN.encode("koi8-r") * 10, None),  # a legacy code page: the legacy reader's
        (bytes(range(32)) * 40, None),  # control bytes: binary, and nothing like text in either order
        (b"\x7fELF\x02\x01\x01\x00" + bytes(range(40, 240)) * 10, None),
    ],
    ids=[
        "16le",
        "16be",
        "32le",
        "32be",
        "with-bom",
        "ascii",
        "nuls",
        "bytes",
        "short",
        "ru-16le",
        "ru-16be",
        "zh-16be",
        "el-16le",
        "ru-utf8",
        "koi8",
        "controls",
        "elf",
    ],
)
def test_bomless_wide_spots_the_nul_every_other_byte_pattern(data: bytes, expected: str | None):
    assert bomless_wide(data) == expected


@pytest.mark.parametrize("name", WIDE)
def test_a_wide_bom_is_not_binary(name: str):
    assert not looks_binary(wide("Some text.\n", name))


# -- through the command -----------------------------------------------------------------


@pytest.mark.parametrize("name", WIDE)
def test_fix_writes_a_wide_jsonl_file_as_utf8_jsonl(run_cli, tmp_path: Path, name: str):
    (tmp_path / "w.jsonl").write_bytes(wide(RECORDS, name))
    result = run_cli("fix", "w.jsonl", "-o", "out")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "w.jsonl").read_bytes() == FIXED.encode()  # no BOM; unchanged records identical
    said = f"w.jsonl: warning: decoded as {name[:6].upper()} (byte order mark); output is UTF-8"
    assert said in result.stderr
    assert result.stderr.count("w.jsonl") == 1 and "error" not in result.stderr


@pytest.mark.parametrize(
    ("args", "stdin", "output"),
    [
        (["fix", "w.jsonl.gz", "-o", "out"], None, "out/w.jsonl.gz"),
        (["fix", "-", "--stdin-format", "jsonl"], "stdin", None),
        (["fix", "w.json", "-o", "out"], None, "out/w.json"),  # JSON Lines named .json: sniffed after decoding
        (["fix", "w.jsonl", "--in-place"], None, "w.jsonl"),
    ],
    ids=["gzip", "stdin", "dot-json", "in-place"],
)
def test_every_way_in_reads_a_wide_jsonl_input(run_cli, tmp_path: Path, args: list[str], stdin: str | None, output: str | None):
    data = wide(RECORDS, "utf-16-le")
    (tmp_path / "w.jsonl.gz").write_bytes(gzip.compress(data))
    (tmp_path / "w.json").write_bytes(data)
    (tmp_path / "w.jsonl").write_bytes(data)
    result = run_cli(*args, input=data if stdin else b"")
    assert result.returncode == 0, result.stderr
    if output is None:
        assert result.stdout == FIXED.encode()
    else:
        written = (tmp_path / output).read_bytes()
        assert (gzip.decompress(written) if output.endswith(".gz") else written) == FIXED.encode()
    assert b"decoded as UTF-16 (byte order mark)" in result.stderr


def test_a_wide_json_array_is_read_record_by_record(run_cli, tmp_path: Path):
    array = '[\n  {"text": "The cafÃ© reopened."},\n  {"text": "Fine."}\n]\n'
    (tmp_path / "a.json").write_bytes(wide(array, "utf-16-be"))
    result = run_cli("fix", "a.json", "-o", "out")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "a.json").read_text() == array.replace("cafÃ©", "café")


def test_wide_line_numbers_and_columns_are_those_of_the_decoded_file(run_cli, tmp_path: Path):
    """``\\n`` splits lines where the text does (not at every ``0a`` byte): messages name the right line."""
    text = '{"text": "ok."}\nnot json\n{"text": "Le cafÃ©."}\n'
    (tmp_path / "w.jsonl").write_bytes(wide(text, "utf-16-le"))
    (tmp_path / "u.jsonl").write_text(text)
    wide_run = run_cli("check", "w.jsonl", "--select", "unicode")
    utf8_run = run_cli("check", "u.jsonl", "--select", "unicode")
    assert wide_run.stdout.replace("w.jsonl", "u.jsonl") == utf8_run.stdout
    assert "w.jsonl:3:" in wide_run.stdout
    assert "w.jsonl:2: error: malformed JSON" in wide_run.stderr
    fixed = run_cli("fix", "w.jsonl", "-o", "out")
    assert fixed.returncode == 2 and "w.jsonl:2: error:" in fixed.stderr and fixed.stderr.count("error:") == 1
    assert (tmp_path / "out" / "w.jsonl").read_text() == text.replace("cafÃ©", "café")  # the bad line, as UTF-8


@pytest.mark.parametrize(
    ("args", "kept"),
    [(["w.jsonl", "--in-place"], True), (["w.jsonl", "-o", "out"], False)],
    ids=["in-place", "mirror"],
)
def test_a_truncated_wide_file_is_an_error_and_nothing_is_written(run_cli, tmp_path: Path, args: list[str], kept: bool):
    data = wide(RECORDS, "utf-16-le") + b"\x00"
    (tmp_path / "w.jsonl").write_bytes(data)
    result = run_cli("fix", *args)
    assert result.returncode == 2
    assert "w.jsonl: error: not valid UTF-16 (it ends inside a character: truncated?) after line 2" in result.stderr
    assert (tmp_path / "w.jsonl").read_bytes() == data
    assert not (tmp_path / "out" / "w.jsonl").exists()


def test_an_unchanged_wide_file_is_left_alone_in_place(run_cli, tmp_path: Path):
    data = wide('{"text": "Nothing to fix here."}\n', "utf-32-le")
    (tmp_path / "w.jsonl").write_bytes(data)
    result = run_cli("fix", "w.jsonl", "--in-place", "--select", "unicode")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "w.jsonl").read_bytes() == data
    assert "nothing to change, so the file is left as it was (not converted to UTF-8)" in result.stderr


def russian_records() -> str:
    """JSON Lines of Cyrillic prose (no NUL pattern in UTF-16)."""
    return "".join(json.dumps({"text": RUSSIAN * 3}, ensure_ascii=False) + "\n" for _ in range(5))


@pytest.mark.parametrize(
    ("name", "file", "said"),
    [
        ("utf-16-le", "w.jsonl", "looks like UTF-16 without a byte order mark (a NUL byte in every other byte)"),
        ("utf-16-be", "w.txt", "looks like UTF-16 without a byte order mark"),
        ("utf-32-le", "w.json", "looks like UTF-32 without a byte order mark (a NUL byte in every four bytes but one)"),
        ("utf-16-le", "in/w.jsonl", "iconv -f UTF-16LE -t UTF-8"),  # found in a folder: an error too, never a quiet skip
        ("ru-16le", "r.txt", "looks like UTF-16 without a byte order mark (its bytes read as text in UTF-16LE and as control"),
        ("ru-16be", "r.jsonl", "iconv -f UTF-16BE -t UTF-8"),
    ],
    ids=["jsonl", "text", "json", "in-folder", "russian-text", "russian-jsonl"],
)
def test_a_bomless_wide_file_is_one_error_naming_it(run_cli, tmp_path: Path, name: str, file: str, said: str):
    (tmp_path / "in").mkdir()
    data = wide(RECORDS, name, bom=False) if name.startswith("utf") else wide(russian_records(), f"utf-{name[3:5]}-{name[5:]}", bom=False)
    (tmp_path / file).write_bytes(data)
    (tmp_path / "in" / "ok.txt").write_text("Fine.\n")
    result = run_cli("fix", file.split("/")[0], "-o", "out", "--input-format", "json" if file.endswith(".json") else "auto")
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and errors[0].startswith(f"{file}: error: ") and said in errors[0], result.stderr
    assert not (tmp_path / "out" / Path(file).relative_to(file.split("/")[0]) if "/" in file else tmp_path / "out" / file).exists()
