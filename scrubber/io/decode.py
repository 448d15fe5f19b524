"""Bytes to text without losing anything and without a traceback.

UTF-8 first (a leading BOM is remembered so it can be written back). A UTF-16
or UTF-32 BOM is honoured. Otherwise the bytes are in a legacy 8-bit code
page, and we pick the one whose reading looks most like prose:

* Windows-1252 (the usual case) when its 0x80-0x9F punctuation reads well;
* MacRoman when the high bytes sit where MacRoman's quotes, dashes and
  lower-case letters make sense (``\\xd2word\\xd3``, ``India\\xd5s``);
* cp437 (DOS) for box drawing and ``\\x82``/``\\x84``/``\\x94`` inside words;
* Latin-1 when a byte is undefined in Windows-1252.

The choice is said in ``Decoded.problem`` (shown to the user as a warning)
and kept in ``Decoded.encoding`` (the document's meta), so the output and
the reviewer both say which reading was used.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

#: tried when the bytes are not UTF-8; latin-1 decodes anything
FALLBACK_ENCODINGS = ("cp1252", "mac_roman", "cp437", "latin-1")
NAMES = {
    "cp1252": "Windows-1252",
    "mac_roman": "MacRoman",
    "cp437": "cp437 (DOS)",
    "latin-1": "Latin-1",
    "utf-16": "UTF-16",
    "utf-32": "UTF-32",
}


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "utf-8" or the encoding used
    bom: bool = False
    problem: str = ""  # a sentence for the user when the input was not UTF-8


def looks_binary(data: bytes) -> bool:
    """NUL bytes or mostly control bytes in the first 8 KiB mean not text.

    A stray NUL in otherwise valid UTF-8 is scraping damage (the control
    character rule removes it), not a binary file: a text file is binary only
    when its NULs are more than 1% of it (and more than one) or come with bytes that are not UTF-8.
    """
    head = data[:8192]
    if not head:
        return False
    if wide_encoding(head):
        return False
    nuls = head.count(0)
    if nuls and (nuls > max(1, len(head) // 100) or not _utf8_prefix(head, complete=len(data) == len(head))):
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls / len(head) > 0.1


def _utf8_prefix(head: bytes, complete: bool) -> bool:
    """``head`` is valid UTF-8, allowing a character cut off at its end unless it is the whole file."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return not complete and exc.reason == "unexpected end of data" and exc.start >= len(head) - 3
    return True


def _score(text: str) -> float:
    """How much ``text`` looks like prose: letters in words, no odd symbols."""
    score = 0.0
    for i, c in enumerate(text):
        if c.isascii():
            continue
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if c.isalpha():
            if ord(c) > 0x24F:
                score -= 1  # Greek or another script inside Latin prose: a DOS box or math sign misread
            # a lower-case accented letter inside a lower-case word is prose;
            # a capital after a lower-case letter (JŸrgen) is not
            if c.islower() and (prev.isalpha() or nxt.isalpha()):
                score += 1
            elif c.isupper() and prev.islower():
                score -= 2
            elif c.isupper() and (prev.isspace() and nxt.isspace()):
                score -= 2  # a lone capital between spaces: a dash in another code page
        elif c in "“”‘’–—…":
            score += 1 if (c in "’" and prev.isalpha()) or c in "–—…" or (c in "“‘" and nxt.isalnum()) or c in "”" else 0
        elif "\u2500" <= c <= "\u259f":
            score += 0.5 if not (prev.isalpha() and nxt.isalpha()) else -1  # box drawing between letters: not DOS art
        elif "\x80" <= c <= "\x9f":
            score -= 3
        else:
            score -= 1
    return score


def detect_legacy(body: bytes) -> str:
    """The legacy 8-bit code page that reads ``body`` most like prose."""
    best, best_score = "latin-1", float("-inf")
    for encoding in FALLBACK_ENCODINGS:
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError:
            continue
        # ties go to the earlier (more common) encoding
        score = _score(text)
        if score > best_score:
            best, best_score = encoding, score
    return best


#: the byte order marks of the wide encodings, UTF-32 first (its little-endian mark begins with UTF-16's)
WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def wide_encoding(head: bytes) -> str | None:
    """The wide encoding ("utf-16" or "utf-32") whose byte order mark starts ``head``, else None."""
    for bom, encoding in WIDE_BOMS:
        if head.startswith(bom):
            return encoding
    return None


def wide_problem(encoding: str) -> str:
    """The warning for an input read through its UTF-16/32 byte order mark."""
    return f"decoded as {NAMES[encoding]} (byte order mark)"


def bomless_wide(head: bytes) -> str | None:
    """The name (``UTF-16LE``) of the wide encoding ``head`` looks like when it has no byte order mark, else None.

    Two patterns are recognised: mostly ASCII text, so one byte of each
    UTF-16 pair (three of each UTF-32 quad) is NUL and the other is not; and
    UTF-16 text in a script outside Latin-1, which has no such pattern and
    looks binary (see :func:`bomless_utf16_script`). Nothing is guessed
    silently either way: the caller refuses the file and says why.
    """
    head = head[:8192]
    if wide_encoding(head) or len(head) < 8:
        return None

    def mostly_nul(part: bytes) -> bool:
        return part.count(0) >= 0.9 * len(part)

    def few_nul(part: bytes) -> bool:
        return part.count(0) <= 0.1 * len(part)

    quads = head[: len(head) // 4 * 4]
    lanes = [quads[i::4] for i in range(4)]
    if all(map(mostly_nul, lanes[1:])) and few_nul(lanes[0]):
        return "UTF-32LE"
    if all(map(mostly_nul, lanes[:3])) and few_nul(lanes[3]):
        return "UTF-32BE"
    pairs = head[: len(head) // 2 * 2]
    even, odd = pairs[0::2], pairs[1::2]
    if mostly_nul(odd) and few_nul(even):
        return "UTF-16LE"
    if mostly_nul(even) and few_nul(odd):
        return "UTF-16BE"
    return bomless_utf16_script(head) if looks_binary(head) else None


def bomless_utf16_script(head: bytes) -> str | None:
    """``UTF-16LE``/``BE`` when ``head`` reads as text in a script outside Latin-1 in exactly one byte order.

    Such text has no NUL pattern (Cyrillic ``П`` is ``1f 04``), so it looks
    binary (its high bytes are control bytes). Read in its own byte order it
    is almost all printable characters, spaces and line ends; in the other
    its spaces and line ends become unassigned or invisible characters
    (``20 00`` is U+2000, ``0a 00`` U+0A00), and binary data holds lone
    surrogates or NULs either way. Only a message depends on this: such a
    file is refused as binary would be, with the right advice.
    """
    scores = {}
    for name, codec in (("UTF-16LE", "utf-16-le"), ("UTF-16BE", "utf-16-be")):
        try:
            text = codecs.getincrementaldecoder(codec)("strict").decode(head[:8192])
        except UnicodeDecodeError:
            continue
        if not text:
            continue
        plain = sum(1 for c in text if c.isprintable() or c in "\n\r\t")
        blanks = sum(1 for c in text if c in " \n")
        scores[name] = (plain / len(text), blanks)
    plausible = [name for name, (share, blanks) in scores.items() if share >= 0.95 and blanks]
    return plausible[0] if len(plausible) == 1 else None


def decode_bytes(data: bytes) -> Decoded:
    encoding = wide_encoding(data)
    if encoding is not None:
        try:
            return Decoded(data.decode(encoding), encoding, False, wide_problem(encoding))
        except UnicodeDecodeError:
            pass  # not really UTF-16/32: read as the bytes it is
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[3:] if bom else data
    try:
        return Decoded(body.decode("utf-8"), "utf-8", bom)
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        first_bad = exc.start
    encoding = detect_legacy(body)
    return Decoded(
        body.decode(encoding),
        encoding,
        bom,
        f"not valid UTF-8 (first bad byte 0x{body[first_bad]:02x} at line {line}); decoded as {NAMES[encoding]} ({encoding})",
    )


def legacy_line(line: bytes, encoding: str | None) -> tuple[bytes, str]:
    """A line that is not UTF-8 (of JSON Lines), as UTF-8, and the code page it was read in.

    Read in ``encoding`` (the one chosen for an earlier line of the file)
    when it can be, else in the code page that reads this line most like
    prose. A UTF-8 byte order mark before it stays as it is (a reader skips it).
    """
    bom = codecs.BOM_UTF8 if line.startswith(codecs.BOM_UTF8) else b""
    body = line[len(bom) :]
    if encoding is not None:
        try:
            return bom + body.decode(encoding).encode("utf-8"), encoding
        except UnicodeDecodeError:
            pass  # a byte cp1252 leaves undefined: this line is in another code page
    encoding = detect_legacy(body)
    return bom + body.decode(encoding).encode("utf-8"), encoding
