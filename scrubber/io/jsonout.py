"""JSON written by scrubber: always valid UTF-8, one record per line, changed records spliced.

Two jobs, both about not damaging what we write:

* :func:`dumps` serialises scrubber's own objects (check's findings, a
  diverted record) as one line of JSON that is valid UTF-8 whatever the text
  holds. ``json.dumps(..., ensure_ascii=False)`` leaves a lone surrogate
  (scraped JSON often has ``"\\ud800"``) as a raw character, which cannot be
  encoded as UTF-8, and leaves U+2028/U+2029/U+0085 raw, which readers that
  split on ``str.splitlines()`` take for line ends. Inside a JSON string each
  of them may be written as its ``\\uXXXX`` escape, which parses back to the
  same string, so that is what we write.
* :func:`splice_field` rewrites one field of a JSONL line and nothing else.
  Re-serialising a parsed record would change its other fields: digits of
  floats beyond double precision, ``1E400`` (which becomes ``Infinity``,
  not JSON), spacing, escapes, key order of duplicates. Instead the top-level
  object is walked with the json module's own C scanners
  (``scanstring`` for keys, ``raw_decode`` for values) to find the
  ``[start, end)`` of the field's value, and only that slice is replaced.
"""

from __future__ import annotations

import json
import json.decoder
import re
from typing import Any

#: characters a JSON line must not hold raw: lone surrogates (not encodable as
#: UTF-8) and the line breaks of ``str.splitlines()`` that JSON does not escape
_UNSAFE = re.compile("[\ud800-\udfff\u2028\u2029\x85]")
#: a ``\\u`` escape of a non-ASCII character in a JSON string (preceded by an even run of backslashes)
_NON_ASCII_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u(?!00[0-7])[0-9a-fA-F]{4}")

_WS = json.decoder.WHITESPACE.match
_scanstring = json.decoder.scanstring
_raw_decode = json.JSONDecoder().raw_decode


def _escape(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group()):04x}"


def escape_unsafe(json_text: str) -> str:
    """``json_text`` (from ``json.dumps(..., ensure_ascii=False)``) with the unsafe characters escaped.

    Valid because json.dumps writes non-ASCII characters only inside strings.
    The common cases are tested first at C speed (a regex search over a
    3 KB string costs as much as the rest of a splice).
    """
    if json_text.isascii():
        return json_text
    if "\u2028" not in json_text and "\u2029" not in json_text and "\x85" not in json_text:
        try:
            json_text.encode("utf-8")
            return json_text
        except UnicodeEncodeError:
            pass  # a lone surrogate
    return _UNSAFE.sub(_escape, json_text)


def dumps(obj: Any, **kwargs: Any) -> str:
    """``json.dumps`` with non-ASCII kept readable, but never a lone surrogate or a raw line separator."""
    return escape_unsafe(json.dumps(obj, ensure_ascii=False, **kwargs))


def encode_string(value: str, ascii_only: bool, escaped_slash: bool = False) -> str:
    """``value`` as a JSON string literal in a given escaping style (always UTF-8-safe, one line)."""
    out = json.dumps(value, ensure_ascii=ascii_only)
    if not ascii_only:
        out = escape_unsafe(out)
    if escaped_slash:  # '/' never occurs inside an escape json.dumps writes
        out = out.replace("/", "\\/")
    return out


class NotAnObject(ValueError):
    """The line is not one JSON object (callers parse it first, so this means a bug)."""


def members(line: str) -> tuple[list[tuple[str, int, int]], str, str]:
    """The top-level members of the JSON object ``line``: (key, value start, value end).

    Also returns the separators the line uses after its first key and its
    first value (``": "`` and ``", "`` or ``":"`` and ``","``), for a member
    added to it. Raises :class:`NotAnObject` if ``line`` is not one object.
    """
    out: list[tuple[str, int, int]] = []
    key_sep = item_sep = None
    i = _WS(line, 0).end()
    if line[i : i + 1] != "{":
        raise NotAnObject("not an object")
    i = _WS(line, i + 1).end()
    if line[i : i + 1] == "}":
        return out, ": ", ", "
    try:
        while True:
            if line[i : i + 1] != '"':
                raise NotAnObject(f"expected a key at {i}")
            key, i = _scanstring(line, i + 1, True)
            colon = _WS(line, i).end()
            if line[colon : colon + 1] != ":":
                raise NotAnObject(f"expected ':' at {colon}")
            start = _WS(line, colon + 1).end()
            key_sep = key_sep or line[i:start]
            _value, end = _raw_decode(line, start)
            out.append((key, start, end))
            i = _WS(line, end).end()
            if line[i : i + 1] == "}":
                break
            if line[i : i + 1] != ",":
                raise NotAnObject(f"expected ',' or '}}' at {i}")
            nxt = _WS(line, i + 1).end()
            item_sep = item_sep or line[end:nxt]
            i = nxt
    except (json.JSONDecodeError, StopIteration) as exc:
        raise NotAnObject(str(exc)) from None
    key_sep = key_sep or ": "
    return out, key_sep, item_sep or ("," if key_sep == ":" else ", ")  # one member: compact or not like its colon


def _style(line: str, old_value: str | None) -> tuple[bool, bool]:
    """(ascii_only, escaped_slash): how the line writes strings, for a new value to match.

    A value that escaped its non-ASCII characters (``"caf\\u00e9"``) keeps
    doing so; a value that held them raw keeps them raw; a value with neither
    follows the line (a pure-ASCII line stays pure ASCII).
    """
    if old_value is not None and not old_value.isascii():
        ascii_only = False
    elif old_value is not None and "\\u" in old_value and _NON_ASCII_ESCAPE.search(old_value):
        ascii_only = True
    else:
        ascii_only = line.isascii()
    return ascii_only, old_value is not None and "\\/" in old_value


def splice_field(line: str, key: str, value: Any) -> str:
    """``line`` (one JSON object, no line end) with top-level ``key`` set to ``value``; every other character kept.

    The value of the *last* member named ``key`` is replaced (``json.loads``
    keeps the last of repeated keys); a missing key is added before the
    closing brace with the separators the line already uses. A string value
    is written in the escaping style of the value it replaces; other values
    with :func:`dumps`.
    """
    found, key_sep, item_sep = members(line)
    hit = next((m for m in reversed(found) if m[0] == key), None)
    old = line[hit[1] : hit[2]] if hit else None
    if isinstance(value, str):
        ascii_only, slash = _style(line, old)
        encoded = encode_string(value, ascii_only, slash)
    else:
        encoded = dumps(value)
    if hit is not None:
        return line[: hit[1]] + encoded + line[hit[2] :]
    name = encode_string(key, *_style(line, None))
    if found:
        at = found[-1][2]
        return line[:at] + item_sep + name + key_sep + encoded + line[at:]
    at = line.index("{") + 1
    return line[:at] + name + key_sep + encoded + line[at:]
