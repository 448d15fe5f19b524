"""ftfy's mojibake repair, step for step, with exact faster scans (for the installed ftfy 6.3.1 only).

``unicode.mojibake`` hands each damaged line to ftfy, and most of that time
went to four of ftfy's regular expressions: its badness test
(``ftfy.badness.BADNESS_RE``, asked once before each repair and once more on
the repaired text), the search for UTF-8 that lost a no-break space
(``chardata.ALTERED_UTF8_RE``), the substitution of lossy sequences
(``chardata.LOSSY_UTF8_RE``) and the search for UTF-8 inside other text
(``chardata.UTF8_DETECTOR_RE``). Each is a top-level alternation whose
alternatives start with character classes, and stdlib ``re`` then tries every
alternative at every position (~4 MB/s on news text); a pattern that starts
with *one* character class is skipped through in C to the positions where
that class matches (the badness test: 1.2 s -> 0.03 s over the 12,280
non-ASCII lines of the dev sets; ftfy's encoding steps on perf-news's 120
damaged lines 0.14 s -> 0.025 s).

This module repeats ftfy's ``fix_and_explain`` and
``fix_encoding_and_explain`` as ftfy 6.3.1 writes them (ftfy is Apache-2.0
licensed, by Robyn Speer; the control flow below follows its
``ftfy/__init__.py``), with those three scans replaced by exact equivalents:

- :func:`is_bad`: ``BADNESS_RE.search(text) is not None``, from
  :func:`bad_scan`. Every alternative of ftfy's pattern is written here as
  its single-character parts (:data:`BADNESS_ALTERNATIVES`, which the tests
  prove make up ftfy's pattern, parse tree for parse tree) with one part
  chosen as the *anchor*, a part of rarely used characters. :func:`bad_scan`
  reads one anchor character, then checks the parts before it by a
  look-behind and the parts after it as usual: an alternative matches at
  ``s`` exactly when its version here matches at ``s`` plus its anchor's
  index, so the two patterns find a match in the same texts.
- :data:`ALTERED_SCAN`: the same rewriting of ``ALTERED_UTF8_RE``, whose
  alternatives all start with a lead byte.
- :func:`replace_lossy_sequences`: every alternative of ``LOSSY_UTF8_RE``
  holds byte 0x1A, or a ``?`` right after a byte >= 0x80; without either,
  ftfy's substitution changes nothing and is skipped.
- :func:`utf8_scan`: ``UTF8_DETECTOR_RE``, the same matches, read from its
  first character (for :func:`decode_inconsistent_utf8`).

Other ftfy versions may change those patterns or the steps, so unless the
installed ftfy is :data:`PINNED_VERSION` with the very patterns read here
(:data:`PINNED`), :func:`fix_and_explain` and :func:`fix_encoding_and_explain`
are ftfy's own; the tests also pin the source of each ftfy function
repeated here. ftfy itself is never changed: its users see its functions as
they are.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterator

import ftfy
from ftfy import chardata, fixes
from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES

#: the ftfy release whose steps this module repeats
PINNED_VERSION = "6.3.1"

#: sha256 of the pattern text of each ftfy pattern this module replaces, as in ftfy 6.3.1
PATTERN_DIGESTS = {
    "BADNESS_RE": "9dcc0f2ac90d9ae3c85eb7b9b2c0b8a8e8126153847c2b30c91a0bb263f3b8c4",
    "ALTERED_UTF8_RE": "c156e78e9dafd32d947de8902e5471e1ff9caf41f6e224b606c3f9419df7cbbd",
    "LOSSY_UTF8_RE": "c63fa038161cd9f6b9fca3679fe59d307b360bd8b0b7c9bd2eb7c4af37b7440f",
    "UTF8_DETECTOR_RE": "f4a491a791e87dd71a7f15bf667741298e705a073e8ed20f1a222098aea0362a",
}

_ANY_1 = "[{bad}{lower_accented}{upper_accented}{box}{start_punctuation}{end_punctuation}{currency}{numeric}{law}]"
_ANY_2 = "[{lower_accented}{upper_accented}{box}{start_punctuation}{end_punctuation}{currency}{numeric}{law}]"
_ARABIC = "[{common}{currency}{bad}{numeric}{start_punctuation}ŸŠ®°µ»]"

#: ftfy 6.3.1's ``BADNESS_RE``, alternative by alternative: its parts (each one character, except
#: ``^`` and the optional ``\s?``), and the index of its anchor (a part of characters rare in clean text)
BADNESS_ALTERNATIVES: tuple[tuple[tuple[str, ...], int], ...] = (
    (("[{c1}]",), 0),
    ((_ANY_1, "[{bad}]"), 1),
    (("[a-zA-Z]", "[{lower_common}{upper_common}]", "[{bad}]"), 2),
    (("[{bad}]", _ANY_2), 0),
    (("[{lower_accented}{lower_common}{box}{end_punctuation}{currency}{numeric}]", "[{upper_accented}]"), 1),
    (("[{box}{end_punctuation}{currency}{numeric}]", "[{lower_accented}]"), 1),
    (("[{lower_accented}{box}{end_punctuation}]", "[{currency}]"), 1),
    ((r"\s", "[{upper_accented}]", "[{currency}]"), 1),
    (("[{upper_accented}{box}]", "[{numeric}{law}]"), 0),
    (("[{lower_accented}{upper_accented}{box}{currency}{end_punctuation}]", "[{start_punctuation}]", "[{numeric}]"), 2),
    (("[{lower_accented}{upper_accented}{currency}{numeric}{box}{law}]", "[{end_punctuation}]", "[{start_punctuation}]"), 0),
    (("[{currency}{numeric}{box}]", "[{start_punctuation}]"), 0),
    (("[a-z]", "[{upper_accented}]", "[{start_punctuation}{currency}]"), 1),
    (("[{box}]", "[{kaomoji}]"), 0),
    (("[{lower_accented}{upper_accented}{currency}{numeric}{start_punctuation}{end_punctuation}{law}]", "[{box}]"), 1),
    (("[{box}]", "[{end_punctuation}]"), 0),
    (("[{lower_accented}{upper_accented}]", "[{start_punctuation}{end_punctuation}]", r"\w"), 0),
    (("[Œœ]", "[^A-Za-z]"), 0),
    (("[{upper_accented}]", "°"), 0),
    (("[ÂÃÎÐ]", "[€œŠš¢£Ÿž\\xa0\\xad®©°·»{start_punctuation}{end_punctuation}–—´]"), 0),
    (("×", "[²³]"), 0),
    (("[ØÙ]", _ARABIC, "[ØÙ]", _ARABIC), 0),
    (("à", "[²µ¹¼½¾]"), 0),
    (("√", "[±∂†≠®™´≤≥¥µø]"), 0),
    (("≈", "[°¢]"), 0),
    (("‚", "Ä", "[ìîïòôúùû†°¢π]"), 1),
    (("‚", "[âó]", "[àä°ê]"), 0),
    (("в", "Ђ"), 1),
    (("[ВГРС]", "[{c1}{bad}{start_punctuation}{end_punctuation}{currency}°µ]", "[ВГРС]"), 0),
    (("Г", "ў", "В", "Ђ", "В", ".", "[A-Za-z ]"), 1),
    (("Ã", "[\\xa0¡]"), 0),
    (("[a-z]", r"\s?", "[ÃÂ]", "[ ]"), 2),
    (("^", "[ÃÂ]", "[ ]"), 1),
    (("[a-z.,?!{end_punctuation}]", "Â", "[ {start_punctuation}{end_punctuation}]"), 1),
    (("β", "€", "[™\\xa0Ά\\xad®°]"), 0),
    (("[ΒΓΞΟ]", "[{c1}{bad}{start_punctuation}{end_punctuation}{currency}°]", "[ΒΓΞΟ]"), 0),
    (("ā", "€"), 0),
)


def _parts(parts: tuple[str, ...]) -> list[str]:
    return [part.format(**MOJIBAKE_CATEGORIES) for part in parts]


def badness_source() -> str:
    """:data:`BADNESS_ALTERNATIVES` joined back into one alternation, as ftfy writes it (the tests compare parse trees)."""
    return "|".join("".join(_parts(parts)) for parts, _ in BADNESS_ALTERNATIVES)


def _expanded() -> Iterator[tuple[list[str], int]]:
    """Each alternative as fixed-width parts and its anchor's index: an optional part gives one alternative with it and one without."""
    for parts, anchor in BADNESS_ALTERNATIVES:
        formatted = _parts(parts)
        optional = [i for i, part in enumerate(formatted) if part.endswith("?")]
        if not optional:
            yield formatted, anchor
            continue
        (i,) = optional  # ftfy's pattern has one such part, before its anchor
        assert i < anchor
        yield [*formatted[:i], formatted[i][:-1], *formatted[i + 1 :]], anchor
        yield formatted[:i] + formatted[i + 1 :], anchor - 1


def _class_body(part: str) -> str:
    """What goes between the brackets of a class matching what the one-character part ``part`` matches."""
    if part.startswith("[") and part.endswith("]") and not part.startswith("[^"):
        return part[1:-1]
    if len(part) == 1:
        return re.escape(part)
    raise ValueError(f"not an anchor: {part!r}")


def anchored_source(alternatives: list[tuple[list[str], int]]) -> str:
    """One anchor character, then each alternative as a look-behind (its parts up to the anchor) and its remaining parts.

    The pattern starts with one character class (the union of the anchors),
    which ``re`` skips through in C; and it matches where some alternative
    matches, moved on to that alternative's anchor.
    """
    first = "[" + "".join(_class_body(parts[anchor]) for parts, anchor in alternatives) + "]"
    branches = ["(?<=" + "".join(parts[: anchor + 1]) + ")" + "".join(parts[anchor + 1 :]) for parts, anchor in alternatives]
    return first + "(?:" + "|".join(branches) + ")"


@functools.cache
def bad_scan() -> re.Pattern[str]:
    """The pattern that finds a match in exactly the texts where ftfy's ``BADNESS_RE`` finds one.

    Compiled on first use (about 10 ms): a process that meets no mojibake never needs it.
    """
    return re.compile(anchored_source(list(_expanded())))


def is_bad(text: str) -> bool:
    """``ftfy.badness.is_bad(text)``: whether ftfy's badness pattern matches anywhere in ``text``."""
    return bad_scan().search(text) is not None


_CONT = b"[\x80-\x84\x86-\x9f\xa1-\xbf]"
_ANY_CONT = b"[\x80-\xbf]"
#: finds a match in exactly the byte strings where ftfy's ``ALTERED_UTF8_RE`` finds one (its alternatives, each
#: moved on past its lead byte)
ALTERED_SCAN = re.compile(
    b"[\xc2\xc3\xc5\xce\xd0\xd9\xe0-\xe3\xf0](?:"
    b"(?<=[\xc2\xc3\xc5\xce\xd0\xd9])[ ]"
    b"|(?<=[\xe2\xe3])[ ]" + _CONT + b"|(?<=[\xe0-\xe3])" + _CONT + b"[ ]"
    b"|(?<=[\xf0])[ ]"
    + _ANY_CONT
    + _ANY_CONT
    + b"|(?<=[\xf0])"
    + _ANY_CONT
    + b"[ ]"
    + _ANY_CONT
    + b"|(?<=[\xf0])"
    + _ANY_CONT
    + _ANY_CONT
    + b"[ ]"
    b")"
)

#: a ``?`` right after a byte >= 0x80, which every alternative of ``LOSSY_UTF8_RE`` without byte 0x1A holds
_HIGH_QUESTION = re.compile(rb"\?(?<=[\x80-\xff]\?)")


def replace_lossy_sequences(byts: bytes) -> bytes:
    """``ftfy.fixes.replace_lossy_sequences(byts)``, at once for bytes with nothing it could replace."""
    if b"\x1a" not in byts and _HIGH_QUESTION.search(byts) is None:
        return byts
    return fixes.replace_lossy_sequences(byts)


#: what ``UTF8_DETECTOR_RE`` starts with: a character that starts a UTF-8 sequence read as one byte a character
_UTF8_FIRST = "[{utf8_first_of_2}{utf8_first_of_3}{utf8_first_of_4}]"


@functools.cache
def utf8_scan() -> re.Pattern[str]:
    """``UTF8_DETECTOR_RE`` with its first character read first: the same matches, from a pattern ``re`` skips through in C.

    Its look-behind is moved past that character, and its first repetition
    checks that character by a look-behind. Compiled on first use.
    """
    return re.compile(
        (
            _UTF8_FIRST + "(?<![{utf8_continuation_strict}]" + _UTF8_FIRST + ")"
            "(?:(?<=[{utf8_first_of_2}])[{utf8_continuation}]"
            "|(?<=[{utf8_first_of_3}])[{utf8_continuation}]{{2}}"
            "|(?<=[{utf8_first_of_4}])[{utf8_continuation}]{{3}})"
            "(?:[{utf8_first_of_2}][{utf8_continuation}]"
            "|[{utf8_first_of_3}][{utf8_continuation}]{{2}}"
            "|[{utf8_first_of_4}][{utf8_continuation}]{{3}})*"
        ).format(**chardata.UTF8_CLUES)
    )


def decode_inconsistent_utf8(text: str) -> str:
    """``ftfy.fixes.decode_inconsistent_utf8(text)``: each stretch of UTF-8 clues fixed on its own where it looks bad.

    As ftfy 6.3.1 writes it, with :func:`utf8_scan` for its pattern and
    these functions for its ``is_bad`` and ``fix_encoding``.
    """

    def fix_embedded_mojibake(match: re.Match[str]) -> str:
        substr = match.group(0)
        if len(substr) < len(text) and is_bad(substr):  # shorter, so that this cannot recurse forever
            return _fix_encoding_and_explain(substr, ftfy.TextFixerConfig(explain=False)).text
        return substr

    return utf8_scan().sub(fix_embedded_mojibake, text)


def _digest(pattern: re.Pattern[str] | re.Pattern[bytes]) -> str:
    source = pattern.pattern
    return hashlib.sha256(source.encode("utf-8") if isinstance(source, str) else source).hexdigest()


def _installed_patterns() -> dict[str, str]:
    return {
        "BADNESS_RE": _digest(BADNESS_RE),
        "ALTERED_UTF8_RE": _digest(chardata.ALTERED_UTF8_RE),
        "LOSSY_UTF8_RE": _digest(chardata.LOSSY_UTF8_RE),
        "UTF8_DETECTOR_RE": _digest(chardata.UTF8_DETECTOR_RE),
    }


#: whether the installed ftfy is the one this module repeats (else ftfy's own functions run)
PINNED = ftfy.__version__ == PINNED_VERSION and _installed_patterns() == PATTERN_DIGESTS


def fix_and_explain(text: str, config: ftfy.TextFixerConfig) -> ftfy.ExplainedText:
    """``ftfy.fix_and_explain(text, config=config)``."""
    if not PINNED:
        return ftfy.fix_and_explain(text, config=config)
    if config.unescape_html == "auto" and "<" in text:
        config = config._replace(unescape_html=False)
    steps: list[ftfy.ExplanationStep] | None = [] if config.explain else None
    while True:
        origtext = text
        text = _try_fix("unescape_html", text, config, steps)
        if config.fix_encoding:
            if steps is None:  # ftfy's fix_encoding(text): its default options, whatever ``config`` says
                text = _fix_encoding_and_explain(text, ftfy.TextFixerConfig(explain=False)).text
            else:
                text, encoding_steps = _fix_encoding_and_explain(text, config)
                steps.extend(encoding_steps)
        for fixer in (
            "fix_c1_controls",
            "fix_latin_ligatures",
            "fix_character_width",
            "uncurl_quotes",
            "fix_line_breaks",
            "fix_surrogates",
            "remove_terminal_escapes",
            "remove_control_chars",
        ):
            text = _try_fix(fixer, text, config, steps)
        if config.normalization is not None:
            fixed = unicodedata.normalize(config.normalization, text)
            if steps is not None and fixed != text:
                steps.append(ftfy.ExplanationStep("normalize", config.normalization))
            text = fixed
        if text == origtext:
            return ftfy.ExplainedText(text, steps)


def _try_fix(name: str, text: str, config: ftfy.TextFixerConfig, steps: list[ftfy.ExplanationStep] | None) -> str:
    """ftfy's ``_try_fix``: apply the fixer ``name`` if the config asks for it, noting a change in ``steps``."""
    if not getattr(config, name):
        return text
    fixed: str = ftfy.FIXERS[name](text)
    if steps is not None and fixed != text:
        steps.append(ftfy.ExplanationStep("apply", name))
    return fixed


def fix_encoding_and_explain(text: str, config: ftfy.TextFixerConfig) -> ftfy.ExplainedText:
    """``ftfy.fix_encoding_and_explain(text, config=config)``."""
    if not PINNED:
        return ftfy.fix_encoding_and_explain(text, config=config)
    return _fix_encoding_and_explain(text, config)


def _fix_encoding_and_explain(text: str, config: ftfy.TextFixerConfig) -> ftfy.ExplainedText:
    """ftfy's ``fix_encoding_and_explain``: one encoding step after another until the text stops changing."""
    if not config.fix_encoding:
        return ftfy.ExplainedText(text, [])
    plan: list[ftfy.ExplanationStep] = []
    while True:
        prevtext = text
        text, steps = _fix_encoding_one_step(text, config)
        plan.extend(steps)
        if text == prevtext:
            return ftfy.ExplainedText(text, plan)


def _encoded(text: str, encoding: str) -> bytes | None:
    """``text.encode(encoding)`` where ftfy's ``possible_encoding(text, encoding)`` holds, else None.

    ftfy first matches the text against a class of the characters the
    encoding has (a regex pass over the line), then encodes it. Each of its
    single-byte encodings encodes a string exactly when it encodes each of
    its characters, and encodes a character exactly when that class holds
    it (the tests check every code point), so trying to encode gives the
    answer and the bytes in one pass.
    """
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return None


def _fix_encoding_one_step(text: str, config: ftfy.TextFixerConfig) -> tuple[str, list[ftfy.ExplanationStep]]:
    """ftfy's ``_fix_encoding_one_step_and_explain``, with :func:`is_bad`, :func:`_encoded`, :data:`ALTERED_SCAN`, :func:`replace_lossy_sequences` and :func:`decode_inconsistent_utf8`."""
    if not text or text.isascii() or not is_bad(text):
        return text, []
    possible_1byte_encodings = []
    for encoding in chardata.CHARMAP_ENCODINGS:
        encoded_bytes = _encoded(text, encoding)
        if encoded_bytes is None:
            continue
        possible_1byte_encodings.append(encoding)
        steps = [ftfy.ExplanationStep("encode", encoding)]
        if config.restore_byte_a0 and encoding != "macroman" and ALTERED_SCAN.search(encoded_bytes):
            replaced_bytes = fixes.restore_byte_a0(encoded_bytes)
            if replaced_bytes != encoded_bytes:
                steps.append(ftfy.ExplanationStep("transcode", "restore_byte_a0"))
                encoded_bytes = replaced_bytes
        if config.replace_lossy_sequences and encoding.startswith("sloppy"):
            replaced_bytes = replace_lossy_sequences(encoded_bytes)
            if replaced_bytes != encoded_bytes:
                steps.append(ftfy.ExplanationStep("transcode", "replace_lossy_sequences"))
                encoded_bytes = replaced_bytes
        decoding = "utf-8-variants" if 0xED in encoded_bytes or 0xC0 in encoded_bytes else "utf-8"
        try:
            fixed = encoded_bytes.decode(decoding)
        except UnicodeDecodeError:
            continue
        return fixed, [*steps, ftfy.ExplanationStep("decode", decoding)]

    if config.decode_inconsistent_utf8 and utf8_scan().search(text):
        fixed = decode_inconsistent_utf8(text)
        if fixed != text:
            return fixed, [ftfy.ExplanationStep("apply", "decode_inconsistent_utf8")]

    if "latin-1" in possible_1byte_encodings:
        if "windows-1252" in possible_1byte_encodings:
            return text, []  # in both Latin-1 and Windows-1252: probably meant
        try:
            fixed = text.encode("latin-1").decode("windows-1252")
        except UnicodeDecodeError:
            pass
        else:
            if fixed != text:
                return fixed, [ftfy.ExplanationStep("encode", "latin-1"), ftfy.ExplanationStep("decode", "windows-1252")]

    if config.fix_c1_controls and chardata.C1_CONTROL_RE.search(text):
        return fixes.fix_c1_controls(text), [ftfy.ExplanationStep("transcode", "fix_c1_controls")]
    return text, []
