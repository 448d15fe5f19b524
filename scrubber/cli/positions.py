"""Where a finding in a JSONL record sits in the file: its line and its column in that line.

``check`` prints findings as ``path:line:col:`` so that editors and
``grep``-style tools can jump to them. In a text file that is the line and
column in the text. A JSONL record is one line of the file, so its findings
are printed at that line and at the column, in the raw JSON line, where the
finding's text starts inside the record's text string (escapes such as
``\\n`` or ``\\u00e9`` counted as written). The column counts characters,
like the columns of text files. A record of a JSON array may span lines
(pretty-printed) and start mid-line; its text string is on one line (JSON
strings hold no raw line breaks), found from where the record starts.
"""

from __future__ import annotations

import codecs
import json
import re
from bisect import bisect_right
from json.decoder import scanstring
from typing import Any

_WS = re.compile(r"[ \t\n\r]*")
#: a JSON string escape; a surrogate pair decodes to one character
_ESCAPE = re.compile(r"\\(?:u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)", re.S)
_SPECIAL = re.compile(r'[\\"]')


def value_start(line: str, key: str) -> int | None:
    """The index of the opening quote of top-level ``key``'s value in a one-line JSON object, or None.

    A repeated key counts at its last occurrence, as ``json.loads`` reads it.
    """
    decoder = json.JSONDecoder()
    i = _WS.match(line).end()  # type: ignore[union-attr]
    if not line.startswith("{", i):
        return None
    i = _WS.match(line, i + 1).end()  # type: ignore[union-attr]
    found = None
    try:
        while line.startswith('"', i):
            name, i = scanstring(line, i + 1)
            i = _WS.match(line, i).end()  # type: ignore[union-attr]
            if not line.startswith(":", i):
                return None
            i = _WS.match(line, i + 1).end()  # type: ignore[union-attr]
            if name == key:
                found = i
            _, i = decoder.raw_decode(line, i)
            i = _WS.match(line, i).end()  # type: ignore[union-attr]
            if not line.startswith(",", i):
                break
            i = _WS.match(line, i + 1).end()  # type: ignore[union-attr]
    except (ValueError, IndexError):
        return None
    return found if line.startswith("}", i) and found is not None and line.startswith('"', found) else None


class RecordColumns:
    """``line_col(offset)`` for the text of one JSONL record: (its line in the file, column in that line).

    Stands in for :class:`scrubber.report.LineIndex` when printing a
    record's findings. Built once per record, in one pass over its string.
    """

    __slots__ = ("known", "lineno", "raw_at", "shift", "text_at")

    def __init__(self, lineno: int, raw: bytes, text_key: str, col: int = 1) -> None:
        """``raw``: the record's bytes, starting at (line ``lineno``, column ``col``) of the file."""
        self.lineno = lineno
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if raw.startswith(codecs.BOM_UTF8):
            line = line[1:]  # editors do not count the byte order mark as a column
        start = value_start(line, text_key)
        self.known = start is not None  # else (never for a line json.loads read) column 1
        self.shift = col - 1  # column of line[i] is i + 1 + shift
        if start is not None and "\n" in line[:start]:  # a pretty-printed record: the text is on a later line
            self.lineno += line.count("\n", 0, start)
            self.shift = -(line.rindex("\n", 0, start) + 1)
        # anchors: text offset -> index in the line; between anchors the two advance together
        self.text_at = [0]
        self.raw_at = [start + 1 if start is not None else 0]
        if start is None:
            return
        pos, text = start + 1, 0
        while True:
            m = _SPECIAL.search(line, pos)
            if m is None or m.group() == '"':
                return
            esc = _ESCAPE.match(line, m.start())
            if esc is None:
                return
            text += m.start() - pos
            self.text_at += [text, text + 1]
            self.raw_at += [m.start(), esc.end()]
            pos, text = esc.end(), text + 1

    @classmethod
    def of(cls, item: Any, text_key: str) -> RecordColumns:
        """For an item read from JSON Lines or a JSON document."""
        raw = item.raw or b""
        lead = item.meta.get("lead", 0)
        return cls(item.line, raw[lead:], text_key, item.meta.get("col", 1))

    def line_col(self, offset: int) -> tuple[int, int]:
        if not self.known:
            return self.lineno, 1 + max(self.shift, 0)
        k = bisect_right(self.text_at, offset) - 1
        return self.lineno, self.raw_at[k] + (offset - self.text_at[k]) + 1 + self.shift
