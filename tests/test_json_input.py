"""JSON documents as input: the streaming element scanner, the byte-exact writer, drops, bad input."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scrubber.io import jsondoc
from scrubber.io.jsondoc import DocumentError, scan
from scrubber.io.sinks import encode_item
from scrubber.io.sources import InputError, InputFile, json_item, read_items


def chunked(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)] or [b""]


def elements(data: bytes, size: int = 5) -> list[tuple[bytes, int, int]]:
    """(body, line, col) of each element, checking that the pieces give back the input."""
    pieces = list(scan(chunked(data, size)))
    assert b"".join(p.lead + p.body for p in pieces) == data
    return [(p.body, p.line, p.col) for p in pieces if p.is_element]


SCANNED = [
    pytest.param(b"[]", [], id="empty-array"),
    pytest.param(b"", [], id="empty-file"),
    pytest.param(b" \n\t", [], id="whitespace"),
    pytest.param(b'[{"text": "a"}]', [(b'{"text": "a"}', 1, 2)], id="one"),
    pytest.param(b'\xef\xbb\xbf[{"text": "a"}]\n', [(b'{"text": "a"}', 1, 2)], id="bom-not-a-column"),
    pytest.param(b'{\n  "text": "a"\n}\n', [(b'{\n  "text": "a"\n}', 1, 1)], id="one-object"),
    pytest.param(
        b'[\n  {"text": "a]"},\n  {"text": "b,c"}\n]\n', [(b'{"text": "a]"}', 2, 3), (b'{"text": "b,c"}', 3, 3)], id="brackets-in-strings"
    ),
    pytest.param(b'[{"t": "q\\"]\\\\"}, {"t": "\\\\"}]', [(b'{"t": "q\\"]\\\\"}', 1, 2), (b'{"t": "\\\\"}', 1, 19)], id="escapes"),
    pytest.param(
        b'[{"a": [1, [2, {"b": "]"}]], "c": {"d": {}}}, {}]',
        [(b'{"a": [1, [2, {"b": "]"}]], "c": {"d": {}}}', 1, 2), (b"{}", 1, 47)],
        id="nested",
    ),
    pytest.param(b'[{"t": "\\u00e9\\ud83d\\ude00"}]', [(b'{"t": "\\u00e9\\ud83d\\ude00"}', 1, 2)], id="unicode-escapes"),
    pytest.param('[{"t": "é😀"}, {"t": "x"}]'.encode(), [('{"t": "é😀"}'.encode(), 1, 2), (b'{"t": "x"}', 1, 15)], id="raw-utf8-split"),
    pytest.param(b'[\r\n {"t": 1},\r\n {"t": 2}\r\n]', [(b'{"t": 1}', 2, 2), (b'{"t": 2}', 3, 2)], id="crlf"),
    pytest.param(
        b"[12345, 1e400, -0.5, true, null]",
        [(b"12345", 1, 2), (b"1e400", 1, 9), (b"-0.5", 1, 16), (b"true", 1, 22), (b"null", 1, 28)],
        id="scalars",
    ),
    pytest.param(b'[{"t": "\xff"}]', [(b'{"t": "\xff"}', 1, 2)], id="invalid-utf8-kept"),
]


@pytest.mark.parametrize("size", [1, 3, 64, 1 << 20])
@pytest.mark.parametrize(("data", "expected"), SCANNED)
def test_scanner_finds_each_element_whatever_the_chunking(data: bytes, expected: list, size: int):
    assert elements(data, size) == expected


BROKEN = [
    pytest.param(b'[{"t": 1},]', 1, 10, "trailing comma", id="trailing-comma"),
    pytest.param(b'[{"t": 1}', 1, 10, "truncated", id="no-closing-bracket"),
    pytest.param(b'[\n  {"t": "abc', 2, 9, "truncated", id="cut-in-a-string"),
    pytest.param(b'[{"t": 1} {"t": 2}]', 1, 11, "expected ',' or ']'", id="missing-comma"),
    pytest.param(b'[{"t": tru}]', 1, 8, "malformed JSON", id="bad-literal"),
    pytest.param(b'[\n{"t": "a\nb"}]', 2, 9, "malformed JSON", id="raw-newline-in-string"),
    pytest.param(b"[1] x", 1, 5, "data after the end of the JSON array", id="trailing-garbage"),
    pytest.param(b'{"t": 1}\n{"t": 2}\n', 2, 1, "--input-format jsonl", id="json-lines"),
    pytest.param(b'"just a string"', 1, 1, "a JSON string at the top", id="top-level-string"),
    pytest.param(b"\n 42", 2, 2, "a JSON number at the top", id="top-level-number"),
    pytest.param(b"The council met.", 1, 1, "not JSON at the top", id="text"),
]


@pytest.mark.parametrize("size", [2, 1 << 20])
@pytest.mark.parametrize(("data", "line", "col", "said"), BROKEN)
def test_scanner_names_where_a_document_breaks(data: bytes, line: int, col: int, said: str, size: int):
    with pytest.raises(DocumentError) as caught:
        list(scan(chunked(data, size)))
    assert (caught.value.line, caught.value.col) == (line, col)
    assert said in caught.value.message


def test_positions_survive_the_buffer_being_trimmed(monkeypatch):
    monkeypatch.setattr(jsondoc, "CHUNK", 64)
    records = [{"id": i, "text": f"record {i} " + "x" * (i % 50)} for i in range(300)]
    data = json.dumps(records, indent=2).encode()
    lines = data.split(b"\n")
    for body, line, col in elements(data, 64):
        assert lines[line - 1][col - 1 :].startswith(body.split(b"\n")[0])
    assert [json.loads(b)["id"] for b, _, _ in elements(data, 64)] == list(range(300))


def _generated_array(n: int) -> Iterator[bytes]:
    yield b"[\n"
    record = json.dumps({"url": "https://example.org/a", "text": "The council met on Monday. " * 40}, indent=2).encode()
    for i in range(n):
        yield (b",\n" if i else b"") + record
    yield b"\n]\n"


def test_memory_does_not_grow_with_the_array():
    """16 MB of array through the scanner: the peak stays a few chunks, not the file."""
    tracemalloc.start()
    try:
        count = sum(1 for p in scan(_generated_array(14_000)) if p.is_element)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 14_000
    assert peak < 4 * jsondoc.CHUNK  # the input is about 16 times CHUNK (measured peak: about 2 MB)


# -- the writer: every byte kept but the changed text values ------------------------------

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | texts
records_st = st.lists(
    st.dictionaries(
        st.text(max_size=5).filter(lambda k: k != "text"),
        st.recursive(json_scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(texts, c, max_size=3), max_leaves=5),
        max_size=3,
    ).flatmap(lambda d: st.one_of(st.just(d), texts.map(lambda t: {**d, "text": t}))),
    max_size=6,
)
layouts = st.sampled_from(
    [
        {"indent": 2},
        {"indent": None},
        {"separators": (",", ":")},
        {"indent": "\t", "ensure_ascii": False},
        {"indent": 4, "ensure_ascii": True},
    ]
)


def _through(data: bytes, change, drop=lambda t: False) -> bytes:
    """The document written back with ``change`` applied to each text and ``drop``ped records left out (no runner)."""
    out: list[bytes] = []
    written = False
    for piece in scan(chunked(data, 7)):
        item, _problem = json_item(piece, "x.json", "text")
        if item.doc is not None and drop(item.doc.text):
            continue
        chunk = encode_item(item, change(item.doc.text) if item.doc is not None else None, "json", "text")
        if "lead" in item.meta:
            if not written:
                chunk = chunk[item.meta["lead"] :]
            written = True
        out.append(chunk)
    return b"".join(out)


@given(records_st, layouts)
def test_output_is_the_input_with_only_text_values_changed(records: list, layout: dict):
    data = json.dumps(records, **layout).encode()
    assert _through(data, lambda t: t) == data  # unchanged: byte-identical
    got = json.loads(_through(data, lambda t: t.upper() + "\u2028é"))
    assert got == [{**r, "text": r["text"].upper() + "\u2028é"} if "text" in r else r for r in records]


@given(records_st, layouts, st.sampled_from([lambda t: True, lambda t: len(t) % 2 == 0, lambda t: len(t) % 2 == 1]))
def test_dropped_records_leave_a_valid_array(records: list, layout: dict, drop):
    data = json.dumps(records, **layout).encode()
    got = json.loads(_through(data, lambda t: t, drop))
    assert got == [r for r in records if not ("text" in r and isinstance(r["text"], str) and drop(r["text"]))]


def test_read_items_reports_non_records_as_jsonl_does(tmp_path: Path):
    path = tmp_path / "a.json"
    path.write_bytes(b'[\n {"text": "a"},\n "str",\n {"body": "x"},\n {"text": 5}\n]')
    said: list[tuple[str, str, str]] = []
    items = list(read_items(InputFile(path, "json", None, Path("a.json")), "text", lambda *a: said.append(a)))
    assert [i.doc.text for i in items if i.doc] == ["a"]
    assert [(w, m.split(";")[0]) for _, w, m in said] == [
        (f"{path}:3:2", "a JSON string, not an object"),
        (f"{path}:4:2", "no 'text' field (the record has: body"),
        (f"{path}:5:2", "field 'text' is not a string"),
    ]
    assert all(m.endswith("element copied to the output unchanged") for _, _, m in said)


def test_read_items_names_where_the_document_breaks(tmp_path: Path):
    path = tmp_path / "a.json"
    path.write_bytes(b'[\n {"text": "a"}\n {"text": "b"}\n]')
    with pytest.raises(InputError) as caught:
        list(read_items(InputFile(path, "json", None, Path("a.json")), "text", lambda *a: None))
    assert caught.value.where == f"{path}:3:2"
