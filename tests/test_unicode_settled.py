"""The mojibake rule stops ftfy's encoding loop one step early on settled text (``unicode.settled``).

``settled(text)`` claims that ftfy's encoding step returns ``text`` as it
is, with an empty plan. That is exact only because of how the step is
built; these tests hold each reason for the installed ftfy (so an ftfy
release that changes one fails here, not silently in users' output), and
compare ``unicode.fix_encoding`` with ``ftfy.fix_encoding_and_explain`` on
random and damaged text.
"""

from __future__ import annotations

import codecs

import ftfy
import ftfy.bad_codecs  # registers ftfy's codecs (sloppy-windows-*, utf-8-variants)
import pytest
from ftfy import chardata, fixes
from hypothesis import given, settings
from hypothesis import strategies as st

from scrubber import default_engine
from scrubber.kinds import unicode as uni

try:  # the stdlib's regex parser (sre_parse before Python 3.11)
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

_MATCHER = default_engine(select=["unicode.mojibake"])._matchers[0]
_CONFIG = _MATCHER.config
_STEP = ftfy._fix_encoding_one_step_and_explain


def test_the_installed_ftfy_is_one_settled_was_checked_against():
    assert uni._SETTLES, f"ftfy {ftfy.__version__}: check settled's reasons, then add the version"


def test_each_encoding_ftfy_tries_encodes_every_character_outside_ascii_as_a_high_byte():
    """Only U+FFFD becomes an ASCII byte (0x1A, in the sloppy codecs): a text outside ASCII without it has a byte >= 0x80."""
    for encoding in chardata.CHARMAP_ENCODINGS:
        for b in range(0x80, 0x100):
            char = bytes([b]).decode(encoding, "replace")
            if char != "\ufffd":
                assert char.encode(encoding) == bytes([b]), (encoding, b)
        for code in range(0x80, 0x10000):
            char = chr(code)
            if 0xD800 <= code < 0xE000 or char == "\ufffd":
                continue
            try:
                encoded = char.encode(encoding)
            except UnicodeEncodeError:
                continue
            assert len(encoded) == 1 and encoded[0] >= 0x80, (encoding, char)


@pytest.mark.parametrize("decoding", ["utf-8", "utf-8-variants"])
def test_ftfys_utf8_decodings_need_a_lead_byte_then_a_continuation_byte_first(decoding):
    """Bytes whose first byte >= 0x80 is not one of ``LEAD_BYTES`` followed by one of ``CONTINUATION_BYTES`` never decode.

    Except C0 0A: utf-8-variants reads C0 before a final line break as U+0000 (``settled`` counts that pair too).
    """
    tails = [b"", b"a", b"\x80", b"\x80\x80", b"\x80\x80\x80", b"\xed\xb0\x80", b"\x80\xed\xb0\x80"]
    for first in range(0x80, 0x100):
        for second in [*range(0x100), None]:
            if first in uni.LEAD_BYTES and second is not None and second in uni.CONTINUATION_BYTES:
                continue
            if decoding == "utf-8-variants" and (first, second) == (0xC0, 0x0A):
                assert codecs.decode(b"ab\xc0\n", decoding) == "ab\x00"
                continue
            head = bytes([first]) if second is None else bytes([first, second])
            for tail in tails if second is not None else [b""]:
                with pytest.raises(UnicodeDecodeError):
                    codecs.decode(b"ab" + head + tail, decoding)


def _alternatives(pattern) -> list:
    """The alternatives of a top-level ``a|b|c`` bytes pattern, as lists of nodes."""
    parsed = sre_parse.parse(pattern.pattern.decode("latin-1"), pattern.flags).data
    if len(parsed) == 1 and parsed[0][0].name == "BRANCH":
        return [list(alt) for alt in parsed[0][1][1]]
    return [list(parsed)]


def _bytes_of(node) -> set[int]:
    """The bytes one literal or class node matches."""
    op, av = node
    if op.name == "LITERAL":
        return {av}
    assert op.name == "IN", node
    found: set[int] = set()
    for o, a in av:
        if o.name == "LITERAL":
            found.add(a)
        elif o.name == "RANGE":
            found |= set(range(a[0], a[1] + 1))
        else:
            raise AssertionError(f"unexpected class item {o}")
    return found


def test_restore_byte_a0_turns_a_space_after_a_lead_byte_only_after_one_of_restore_leads():
    """In each of its patterns a space follows either a lead byte of ``RESTORE_LEADS`` (first) or a continuation byte."""
    for pattern in (chardata.ALTERED_UTF8_RE, fixes.A_GRAVE_WORD_RE):
        for nodes in _alternatives(pattern):
            nodes = [n for n in nodes if n[0].name not in ("ASSERT", "ASSERT_NOT")]
            assert _bytes_of(nodes[0]) <= set(uni.LEAD_BYTES)
            for k in range(1, len(nodes)):
                if 0x20 in _bytes_of(nodes[k]):
                    before = _bytes_of(nodes[k - 1])
                    assert before <= set(uni.RESTORE_LEADS) if k == 1 else before <= set(uni.CONTINUATION_BYTES), pattern


def test_each_lossy_sequence_without_0x1a_starts_with_a_lead_byte_then_a_continuation_byte_or_a_question_mark():
    for nodes in _alternatives(chardata.LOSSY_UTF8_RE):
        if len(nodes) == 1:
            assert _bytes_of(nodes[0]) == {0x1A}  # U+FFFD in the text: never settled
            continue
        assert _bytes_of(nodes[0]) <= set(uni.LEAD_BYTES)
        assert _bytes_of(nodes[1]) <= set(uni.CONTINUATION_BYTES) | {ord("?"), 0x1A}


def test_the_latin1_and_c1_branches_need_a_c1_control():
    """Latin-1 text without C1 controls reads the same in Windows-1252 (the transcode changes nothing), and ``fix_c1_controls`` looks for C1 only."""
    latin1 = "".join(map(chr, [*range(0x80), *range(0xA0, 0x100)]))
    assert latin1.encode("latin-1").decode("windows-1252") == latin1
    assert not chardata.C1_CONTROL_RE.search(latin1 + "".join(map(chr, range(0x100, 0x3000))))
    assert all(chardata.C1_CONTROL_RE.match(chr(c)) for c in range(0x80, 0xA0))


def test_a_detector_match_can_only_start_where_the_candidates_look():
    """``settled`` runs ``UTF8_DETECTOR_RE.match`` at candidates only: a first character of a unit, before a continuation."""
    candidates, _, _ = uni._unsettling()
    for text in ["Fuß ist", "É€", "é ’x", "xÉ‰", "ΒΓ", "aé  b", "ðŸ˜€", "a\u00c9\u00a0b"]:
        found = chardata.UTF8_DETECTOR_RE.search(text)
        assert bool(found) == any(chardata.UTF8_DETECTOR_RE.match(text, m.start()) for m in candidates.finditer(text)), text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", True),
        ("plain ASCII", True),
        ("naïve café, voilà le travail", True),
        ("don’t “quote” – dash — and … ellipsis", True),
        ("Ã©", False),  # UTF-8 read as Latin-1
        ("Ã ", False),  # ... whose A0 became a space
        ("Ã?", False),  # ... whose byte was lost
        ("x\x85y", False),  # C1 control
        ("lost \ufffd", False),
        ("Fuß ist", False),  # ftfy's UTF-8 detector matches "ß "
        ("Å ", False),  # C5 20: restore_byte_a0 may act
        ("Ð¿Ñ€", False),  # Cyrillic mojibake
        ("é’s", False),  # E9 92: a lead and a continuation in Windows-1252
        ("ab À\n", False),  # C0 0A: utf-8-variants reads U+0000
        ("ab À x", True),
    ],
)
def test_settled(text, expected):
    assert uni.settled(text) is expected
    if expected:
        assert tuple(_STEP(text, _CONFIG)) == (text, [])


_ALPHABET = sorted(
    set("ab XY?.'-\néèàÀÃÂÅÐÑâ€™œ\x9d\x85\x81\xa0\ufffdßÉÄΒΓабвёіїşž–—‘’“”…€™№°«»¿ðŸ˜\u00ad") | set(chardata.UTF8_CLUES["utf8_first_of_4"])
)
_TEXT = st.text(alphabet=_ALPHABET, max_size=12)


def _damaged(text: str, encoding: str, lose_a0: bool) -> str:
    """``text`` as UTF-8 misread in ``encoding`` (its no-break spaces lost if ``lose_a0``)."""
    damaged = text.encode("utf-8").decode(encoding, "replace")
    return damaged.replace("\xa0", " ") if lose_a0 else damaged


@settings(max_examples=1500, deadline=None)
@given(_TEXT)
def test_settled_text_is_left_as_it_is_by_ftfys_step(text):
    if uni.settled(text):
        assert tuple(_STEP(text, _CONFIG)) == (text, [])


@settings(max_examples=800, deadline=None)
@given(_TEXT, st.sampled_from(chardata.CHARMAP_ENCODINGS), st.booleans(), st.text(alphabet="ab .", max_size=4))
def test_fix_encoding_is_ftfys_on_damaged_text(text, encoding, lose_a0, tail):
    damaged = _damaged(text, encoding, lose_a0) + tail
    assert uni.fix_encoding(damaged, _CONFIG) == tuple(ftfy.fix_encoding_and_explain(damaged, config=_CONFIG))
    fixed, _ = _STEP(damaged, _CONFIG)
    if uni.settled(fixed):
        assert tuple(_STEP(fixed, _CONFIG)) == (fixed, [])
