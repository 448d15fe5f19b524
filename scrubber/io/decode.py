"""Bytes to text without losing anything and without a traceback.

UTF-8 first (a leading BOM is remembered so it can be written back). If the
bytes are not UTF-8, try the legacy encodings scraped text really comes in,
and say which one was used and where the first non-UTF-8 byte was.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

#: tried in order when the bytes are not UTF-8; latin-1 decodes anything
FALLBACK_ENCODINGS = ("cp1252", "latin-1")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "utf-8" or the fallback used
    bom: bool = False
    problem: str = ""  # a sentence for the user when the input was not UTF-8


def looks_binary(data: bytes) -> bool:
    """NUL bytes or mostly control bytes in the first 8 KiB mean not text."""
    head = data[:8192]
    if not head:
        return False
    if b"\x00" in head and not (head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE)):
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls / len(head) > 0.1


def decode_bytes(data: bytes) -> Decoded:
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[3:] if bom else data
    try:
        return Decoded(body.decode("utf-8"), "utf-8", bom)
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        first_bad = exc.start
    for encoding in FALLBACK_ENCODINGS:
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError:
            continue
        return Decoded(
            text,
            encoding,
            bom,
            f"not valid UTF-8 (first bad byte 0x{body[first_bad]:02x} at line {line}); decoded as {encoding}, output is UTF-8",
        )
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover
