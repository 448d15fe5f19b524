"""A line "copied to the output unchanged" is the input's own bytes, whatever they are.

The reader used to turn a line that is not UTF-8 into UTF-8 (through the
file's legacy code page) before parsing it, so a malformed line of a
Windows-1252 export was "copied unchanged" as different bytes. Now the code
page is applied where the record is parsed, and only a record that is read
gets the UTF-8 reading.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

#: lines that are not records (or not UTF-8, or both), each copied as it is
ODD = [
    b"not json \xe9\xe8 at all\n",
    b'{"text": "broken \xe9\n',
    b'{"text": 3, "x": "\xff\xfe"}\n',
    b"\xc0\xaf overlong UTF-8\r\n",
    b"\xed\xa0\x80 an encoded surrogate\n",
    b'[1, "\x81\x8d\x8f"]\n',
    b"lone\rcr\xe9 \x1b escape\n",
    b'\xef\xbb\xbf{"bom": "in the middle \x9d"}\n',
    b"   \xa0  \n",
    b'{"text": "Fin\xe9"} trailing\n',
    b"\n",
    b"\r\n",
    b'{"text": "\\ud800 lone", "n": 1E400\n',
    b"\xf4\x90\x80\x80 beyond U+10FFFF\n",
    b'{"no text": "\xe2\x80\xa8 raw U+2028"}\n',
]
#: records: (input line, what it is written as)
RECORDS = [
    (b'{"text": "The caf\xc3\x83\xc2\xa9 reopened."}\n', b'{"text": "The caf\xc3\xa9 reopened."}\n'),  # changed
    (b'{"text": "Le caf\xe9 est ouvert."}\n', b'{"text": "Le caf\xc3\xa9 est ouvert."}\n'),  # Windows-1252: read, written as UTF-8
    (b'{"text": "Plain news."}', b'{"text": "Plain news."}'),  # the last line, no line end
]


def corpus() -> tuple[bytes, bytes]:
    """(input, expected output): the odd lines between the records."""
    first, legacy, last = RECORDS
    lines_in = [first[0], *ODD[:8], legacy[0], *ODD[8:], last[0]]
    lines_out = [first[1], *ODD[:8], legacy[1], *ODD[8:], last[1]]
    return b"".join(lines_in), b"".join(lines_out)


@pytest.mark.parametrize(
    ("args", "written"),
    [
        (["fix", "odd.jsonl", "-o", "out"], "out/odd.jsonl"),
        (["fix", "odd.jsonl.gz", "-o", "out"], "out/odd.jsonl.gz"),
        (["fix", "odd.jsonl", "--in-place"], "odd.jsonl"),
        (["fix", "odd.jsonl", "-j", "2"], None),
        (["fix", "-", "--stdin-format", "jsonl"], None),
    ],
    ids=["mirror", "gzip", "in-place", "stdout", "stdin"],
)
def test_malformed_lines_are_copied_byte_for_byte(run_cli, tmp_path: Path, args: list[str], written: str | None):
    data, expected = corpus()
    (tmp_path / "odd.jsonl").write_bytes(data)
    (tmp_path / "odd.jsonl.gz").write_bytes(gzip.compress(data))
    result = run_cli(*args, "--select", "unicode.mojibake", input=data)
    assert result.returncode == 2, result.stderr  # the malformed lines are errors
    out = result.stdout if written is None else (tmp_path / written).read_bytes()
    assert (gzip.decompress(out) if written and written.endswith(".gz") else out) == expected
    assert b"such lines decoded as Windows-1252" in result.stderr
    assert b"13 error(s)" in result.stderr  # every odd line but the two blank ones


def test_malformed_json_array_elements_are_copied_byte_for_byte(run_cli, tmp_path: Path):
    elements = [b'"\xe9l\xe9ment"', b'{"text": 3, "k": "\x9d"}', b'[1, "\xff"]', b'{"other": "caf\xe9"}', b'{"text": "Le caf\xe9."}']
    data = b"[\n  " + b",\n  ".join(elements) + b"\n]\n"
    (tmp_path / "a.json").write_bytes(data)
    result = run_cli("fix", "a.json", "-o", "out", input=b"")
    assert result.returncode == 2, result.stderr
    assert (tmp_path / "out" / "a.json").read_bytes() == data.replace(b'"Le caf\xe9."', b'"Le caf\xc3\xa9."')
    assert result.stderr.count(b"element copied to the output unchanged") == 4


def test_the_code_page_reaches_records_in_later_tasks(run_cli, tmp_path: Path):
    """The legacy code page is chosen at the first such line and sent with every later task (here the 3rd of 3)."""
    lines = [b'{"text": "Line %d."}\n' % i for i in range(2500)]
    lines[1500] = b'{"text": "Le caf\xe9."}\n'
    lines[2400] = b'{"text": "Na\xefve."}\n'
    (tmp_path / "big.jsonl").write_bytes(b"".join(lines))
    result = run_cli("fix", "big.jsonl", "-o", "out", "--select", "unicode.mojibake", input=b"")
    assert result.returncode == 0, result.stderr
    out = (tmp_path / "out" / "big.jsonl").read_bytes().splitlines(keepends=True)
    assert out[1500] == '{"text": "Le café."}\n'.encode() and out[2400] == '{"text": "Naïve."}\n'.encode()
    assert b"at line 1501" in result.stderr
