"""JSON that scrubber writes: valid UTF-8 always, and a changed JSONL record changed only in its text value.

The audit's cases: a lone surrogate (``"\\ud800"`` in scraped JSON) crashed
most commands or was written as invalid UTF-8; a changed record was
re-serialised whole (``1E400`` became ``Infinity``, digits of long floats
were lost, spacing and escapes changed, a raw U+2028 broke line readers).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scrubber.io.jsonout import NotAnObject, dumps, members, splice_field
from scrubber.io.sinks import encode_item, splice_line
from scrubber.io.sources import jsonl_item

# -- dumps: valid UTF-8, one line -----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("caf\u00e9", '"caf\u00e9"'),  # readable non-ASCII stays raw
        ("a \ud800 b", '"a \\ud800 b"'),  # lone high surrogate
        ("\udfff", '"\\udfff"'),  # lone low surrogate
        ("a\u2028b\u2029c\x85d", '"a\\u2028b\\u2029c\\u0085d"'),  # str.splitlines() line breaks
        ({"k\ud800": ["\ud83d"]}, '{"k\\ud800": ["\\ud83d"]}'),  # keys and nested values too
    ],
    ids=["non-ascii", "high", "low", "separators", "nested"],
)
def test_dumps_escapes_what_utf8_or_line_readers_cannot_take(value, written: str):
    out = dumps(value)
    assert out == written
    out.encode("utf-8")  # strict: no surrogate left raw
    assert len(out.splitlines()) == 1
    assert json.loads(out) == value  # the escape parses back to the very same string


# -- splice_field: only the value changes ----------------------------------------------------

SPLICE_CASES = [
    # (line, key, new value, expected line)
    ('{"text":"a"}', "text", "b", '{"text":"b"}'),
    (
        '{"id":1,"n":1.0e5,"p":0.12345678901234567890123,"e":1E400,"price":10.50,"text":"x"}',
        "text",
        "y",
        '{"id":1,"n":1.0e5,"p":0.12345678901234567890123,"e":1E400,"price":10.50,"text":"y"}',
    ),
    ('{ "text" : "a" , "b" : 2 }', "text", "z", '{ "text" : "z" , "b" : 2 }'),  # spacing kept
    ('{"text":"caf\\u00c3\\u00a9"}', "text", "caf\u00e9", '{"text":"caf\\u00e9"}'),  # escaped stays escaped
    ('{"text":"caf\u00c3\u00a9"}', "text", "caf\u00e9", '{"text":"caf\u00e9"}'),  # raw stays raw
    ('{"t":"\u00e9","text":"x"}', "text", "\u00e9", '{"t":"\u00e9","text":"\u00e9"}'),  # follows the line
    ('{"text":"x"}', "text", "\u00e9", '{"text":"\\u00e9"}'),  # a pure-ASCII line stays ASCII
    ('{"text":"a\\/b"}', "text", "c/d", '{"text":"c\\/d"}'),  # escaped slashes stay escaped
    ('{"esc":"a\\/b","text":"x"}', "text", "c/d", '{"esc":"a\\/b","text":"c/d"}'),
    ('{"t":"\u00e9","text":"x"}', "text", "a\u2028b \ud800", '{"t":"\u00e9","text":"a\\u2028b \\ud800"}'),
    ('{"text":"first","text":"last"}', "text", "new", '{"text":"first","text":"new"}'),  # json.loads keeps the last
    ('{"text":"x","nested":{"text":"y"}}', "text", "z", '{"text":"z","nested":{"text":"y"}}'),  # top level only
    ('{"a":[1,{"b":"}"}],"text":"x"}', "text", "z", '{"a":[1,{"b":"}"}],"text":"z"}'),
    ('{"text":"x"}', "garble_score", 0.75, '{"text":"x","garble_score":0.75}'),  # added with the line's separators
    ('{"text": "x", "id": 3}', "garble_score", 0.5, '{"text": "x", "id": 3, "garble_score": 0.5}'),
    ("{}", "garble_score", 1.0, '{"garble_score": 1.0}'),
]


@pytest.mark.parametrize(("line", "key", "value", "expected"), SPLICE_CASES)
def test_splice_field_changes_only_the_value(line: str, key: str, value, expected: str):
    assert splice_field(line, key, value) == expected
    assert json.loads(expected)[key] == value


@pytest.mark.parametrize("line", ["[1]", '"text"', '{"text" 1}', '{"text":1,}', '{"a":1'])
def test_members_refuses_what_is_not_one_object(line: str):
    with pytest.raises(NotAnObject):
        members(line)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"text":"caf\xc3\x83\xc2\xa9"}\n', b'{"text":"caf\xc3\xa9"}\n'),
        (b'{"text":"caf\xc3\x83\xc2\xa9"}\r\n', b'{"text":"caf\xc3\xa9"}\r\n'),  # CRLF kept
        (b'\xef\xbb\xbf{"text":"caf\xc3\x83\xc2\xa9"}\n', b'\xef\xbb\xbf{"text":"caf\xc3\xa9"}\n'),  # BOM kept
        (b'{"text":"caf\xc3\x83\xc2\xa9"}', b'{"text":"caf\xc3\xa9"}'),  # a last line without one keeps having none
    ],
    ids=["lf", "crlf", "bom", "no-newline"],
)
def test_encode_item_keeps_the_line_around_the_value(raw: bytes, expected: bytes):
    item, problem = jsonl_item(raw, 1, "x.jsonl", "text")
    assert problem == ""
    assert encode_item(item, "caf\u00e9", "jsonl", "text") == expected
    assert encode_item(item, None, "jsonl", "text") == raw if raw.endswith(b"\n") else raw + b"\n"


# -- the property: for any record, only the text value changes ---------------------------

_json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False),
    st.text(max_size=8),
)
_json_values = st.recursive(
    _json_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=6
)
# text with the characters that go wrong: non-ASCII, separators, lone surrogates, quotes, backslashes, slashes
_texts = st.text(alphabet=st.sampled_from(list('ab "\\/\n\t\u00e9\u2028\u2029\x85\ud800\udfff\U0001f600\x00')), max_size=12)


@given(
    record=st.dictionaries(st.text(max_size=5).filter(lambda k: k != "text"), _json_values, max_size=4),
    old=_texts,
    new=_texts,
    at=st.integers(min_value=0, max_value=4),
    ascii_only=st.booleans(),
    spaced=st.booleans(),
)
def test_splice_changes_the_text_value_and_no_other_byte(record, old, new, at, ascii_only, spaced):
    items = list(record.items())
    items.insert(min(at, len(items)), ("text", old))
    separators = (", ", ": ") if spaced else (",", ":")
    line = json.dumps(dict(items), ensure_ascii=True, separators=separators)
    if not ascii_only:  # a writer that keeps non-ASCII raw (lone surrogates still escaped, as they must be)
        line = dumps(dict(items), separators=separators)
    raw = line.encode("utf-8") + b"\n"
    _item, problem = jsonl_item(raw, 2, "x.jsonl", "text")
    assert problem == ""
    out = splice_line(raw, "text", new)
    parsed = json.loads(out.decode("utf-8"))  # strict UTF-8, one JSON object
    # (a high and a low surrogate side by side are one character to JSON, as to any reader)
    assert parsed == {**json.loads(line), "text": json.loads(json.dumps(new))}
    assert out.count(b"\n") == 1 and len(out.decode("utf-8").splitlines()) == 1
    # every byte outside the text value is the input's
    (_, start, end) = [m for m in members(line)[0] if m[0] == "text"][-1]
    text_out = out.decode("utf-8")
    tail = len(line) - end
    assert text_out[:start] == line[:start]
    assert text_out[len(text_out) - 1 - tail : -1] == line[end:]
    if ascii_only:
        assert out.isascii()  # a pure-ASCII file stays pure ASCII
