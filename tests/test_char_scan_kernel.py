"""The compiled character scan finds what the ``re`` scans find (scrubber/kinds/_char_scan_kernel.c).

The kernel only proposes positions; the unicode matchers run their exact
patterns at each one (:func:`char_scan.matches`). So their findings stay the
patterns' as long as the positions hold every place where the patterns
match: each case checks that the three scans (the mojibake signature, the
legacy-8bit trigger and the chars rules' first characters) give exactly what
``finditer`` gives, in all three str kinds. Skipped where the kernel is not
built (no C compiler when the package was installed); CI builds it.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kernel_checks import assert_no_leak

from scrubber import default_engine
from scrubber.kinds import char_scan, chars, legacy, unicode, word_pairs
from scrubber.kinds.base import DocContext

needs_kernel = pytest.mark.skipif(
    char_scan._kernel is None or word_pairs.FORCED_PURE,
    reason="the compiled char-scan kernel is not built (or SCRUBBER_PURE_PYTHON is set)",
)


@pytest.fixture(scope="module")
def chars_matcher() -> chars.CharsMatcher:
    engine = default_engine(select=["unicode"])
    return next(m for m in engine._matchers if isinstance(m, chars.CharsMatcher))


def python_scans(text: str, matcher: chars.CharsMatcher) -> tuple[list, list, list]:
    """The reference: the ``re`` scans."""
    signature = [m.start() for m in unicode.SIGNATURE.finditer(text) if unicode._is_signature(m.group())]
    trigger = [m.span() for m in legacy.TRIGGER.finditer(text)]
    first = [m.start() for m in matcher.first.finditer(text)]
    return signature, trigger, first


def kernel_scans(text: str, matcher: chars.CharsMatcher) -> tuple[list, list, list]:
    ctx = DocContext(text)
    signature = list(unicode.signature_hits(ctx))
    scanned = char_scan.family_candidates(ctx)
    trigger = [m.span() for m in char_scan.matches(legacy.TRIGGER, text, scanned[char_scan.TRIGGER_OUTPUT])]  # type: ignore[index]
    return signature, trigger, chars_positions(matcher, ctx)


def chars_positions(matcher: chars.CharsMatcher, ctx: DocContext) -> list[int]:
    """Where the matcher tries its rules: its candidates (a superset, from a compiled scan) that hold a character of its class."""
    return [p for p in matcher._candidates(ctx) if matcher.first.match(ctx.text, p) is not None]


def check(text: str, matcher: chars.CharsMatcher) -> None:
    # the same text in each str kind: as it is, with a 2-byte and with a 4-byte character after it
    for variant in (text, text + " \u0101", text + " \U0001f600"):
        assert kernel_scans(variant, matcher) == python_scans(variant, matcher), variant


#: mojibake, legacy code pages, invisible and control characters, and clean typography
CASES = [
    "",
    "a",
    "Ã",
    "Ã©",
    "cafÃ©",
    "â€™",
    "donâ€™t stop",
    "Â ",
    "Â\u00a0",
    "Ã\u00a0x",
    "ÃÂ©",
    "\x85\x92\x9d",
    "caf\ufffd",
    "Ã\ufffd",
    "Espa–a",
    "Espa– a",
    "–a",
    "a–",
    "ł",
    "Ò Fine Ó",
    "word\u2019s “quoted” — dash… ok",
    "AT&T &amp; co",
    "line\r\nbreak\u2028sep",
    "zero\u200bwidth\u00adsoft\ufeffbom\u202ebidi",
    "e\u0301 composed",
    "\x00\x1b[31mred\x1b[0m",
    "١–٢",
    "a–٢",
    "_–a",
    "Ⅻ–a",
    "\U0001d400–\U0001d401",
    "Ã\U0001f600",
    "\U0001f600Ã©",
    "Ã©" * 1000,
]


@needs_kernel
@pytest.mark.parametrize("text", CASES)
def test_cases(text: str, chars_matcher: chars.CharsMatcher) -> None:
    check(text, chars_matcher)


#: characters around the classes' edges: leads, continuations, C1, Â/Ã, the trigger's suspects and
#: in-word characters, letters, digits, an underscore, the chars rules' first characters, astral ones
ALPHABET = sorted(
    set("aZé_1٣Ⅻ \u00a0\n\r&;#xÂÃ©€™’“”–—…•¢°·½\u0080\u0085\u009f\ufffd\u200b\u00ad\ufeff\u0301\u2028")
    | set(legacy.SUSPECT[:40])
    | set(unicode._SIGNATURE_RULES[0][1][:40])
    | set(unicode._SIGNATURE_RULES[0][2][:40])
    | {"\U0001f600", "\U0001d400", "\U00010000"}
)


#: every ASCII character and a few beyond, for the scan that passes over 8 bytes at a time where none can match
SPECIALS = [chr(c) for c in range(0x80)] + ["é", "Ã", "©", "\x85", "\u2019", "\u2028", "\u0101"]


@needs_kernel
@pytest.mark.parametrize("special", SPECIALS)
def test_one_character_anywhere_in_a_plain_run(chars_matcher: chars.CharsMatcher, special: str) -> None:
    """A word-at-a-time pass may not miss a candidate: the character at every offset of a word, in each str kind."""
    for offset in range(18):
        text = "a" * offset + special + "b" * (17 - offset)
        for variant in (text, text + "é", "Ã" + text + "\u00a0Ã"):
            check(variant, chars_matcher)


@needs_kernel
@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["a", "&", "\x00", "\x7f", "ab", "ab&;", "ab&;<", "\x1f&", "é", "’"]),
    st.text(alphabet="ab&;<\x00\x1f\x7f \nxyé’\U0001f600", max_size=40),
)
def test_any_ascii_class(at: str, text: str) -> None:
    """Classes with no, few and many ASCII characters (past four the scan reads every character)."""
    found = char_scan.CharScan(lambda: [[(None, at, None)]]).scan(text)[0]
    assert found == [i for i, c in enumerate(text) if c in at or c > "\uffff"]


@needs_kernel
@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_random_texts(chars_matcher: chars.CharsMatcher, text: str) -> None:
    check(text, chars_matcher)


@needs_kernel
def test_no_leak() -> None:
    rules = unicode._SIGNATURE_RULES
    scanner = char_scan.CharScan(lambda: [rules])
    assert_no_leak(scanner.scan, "donâ€™t \u0085 Â " * 50, lambda: char_scan.CharScan(lambda: [rules]).scan(""))


@needs_kernel
@pytest.mark.parametrize(
    "outputs",
    [
        [],
        [[]],
        [[(None, "", None)]],
        [[(None, "\U0001f600", None)]],
        [[(None, None, "a")]],
        [[("a", "b")]],
        [[(None, 5, None)]],
        [[(None, chr(0x100 + k), None) for k in range(9)]],
        [[(chr(0x100 + k), chr(0x200 + k), chr(0x300 + k)) for k in range(6)]],
    ],
)
def test_bad_rules_are_refused(outputs: list) -> None:
    with pytest.raises((TypeError, ValueError)):
        char_scan.CharScan(lambda: outputs).scan("")


@needs_kernel
def test_only_a_str_is_scanned() -> None:
    with pytest.raises(TypeError):
        char_scan.CharScan(lambda: [[(None, "a", None)]]).scan(b"a")  # type: ignore[arg-type]


def test_pure_python_when_asked() -> None:
    code = "from scrubber.kinds import char_scan, unicode; print(char_scan.scan_implementation(), unicode._SIGNATURE_SCAN)"
    env = {**os.environ, word_pairs.PURE_PYTHON_VARIABLE: "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "pure Python (SCRUBBER_PURE_PYTHON is set) None"


# -- the residue line rules' keyword gate ---------------------------------------------------------


@pytest.fixture(scope="module")
def keyword_indexes() -> list:
    from scrubber.kinds.lines import LineGroupMatcher

    engine = default_engine(select=["residue"])
    matcher = next(m for m in engine._matchers if isinstance(m, LineGroupMatcher))
    return [alternation._keywords for alternation in matcher._alternations if alternation._keywords._trie is not None]


def _keywords(indexes: list) -> list[str]:
    return sorted({k for index in indexes for k in index._prefixes})


@needs_kernel
@pytest.mark.parametrize(
    "line",
    [
        "",
        "a",
        "comments",
        "no comment here",
        "reply replies",
        "says: hi",
        "click to share",
        "photo: x",
        "(credit: y)",
        "schlagwörter",
        "модерация",
        "x@y.com/z",
    ],
)
def test_keyword_gate_cases(keyword_indexes: list, line: str) -> None:
    for index in keyword_indexes:
        for variant in (line, line + " \u0101", line + " \U0001f600"):
            assert index.admitted_bits(variant) == sum(1 << pos for pos in index.admitted_python(variant)), variant


@needs_kernel
@settings(max_examples=300, deadline=None)
@given(st.data())
def test_keyword_gate_random(keyword_indexes: list, data: st.DataObject) -> None:
    words = _keywords(keyword_indexes)
    parts = data.draw(
        st.lists(st.one_of(st.sampled_from(words), st.text(alphabet="abcdeilmnoprst :/@[(.-ёö\U0001f600", max_size=4)), max_size=8)
    )
    line = "".join(parts)
    # a keyword cut short or glued to another one
    line = line[: data.draw(st.integers(0, len(line)))] + line
    # (owners_plain: the same line with capitals and typographic characters, or another character beyond them)
    plain = line.replace("ё", "\u2019").replace("ö", "\u00a0").replace("\U0001f600", "\u2014")
    plain = "".join(c.upper() if data.draw(st.booleans()) else c for c in plain) + data.draw(st.sampled_from(["", "\u00e9", "\u212a", "K"]))
    for index in keyword_indexes:
        assert index.admitted_bits(line) == sum(1 << pos for pos in index.admitted_python(line)), line
        assert index.admitted_plain(plain) == _plain_reference(index, plain), plain


def _plain_reference(index: object, line: str) -> int:
    """What ``owners_plain`` must give: -1 on a line with a character beyond ASCII and TYPOGRAPHIC, else the trie's answer on the case-folded line."""
    from scrubber.kinds.lines import TYPOGRAPHIC

    if any(not c.isascii() and c not in TYPOGRAPHIC for c in line):
        return -1
    return sum(1 << pos for pos in index.admitted_python(line.casefold()))  # type: ignore[attr-defined]


@needs_kernel
@pytest.mark.parametrize(
    "line",
    [
        "",
        "Share This:",
        "SIGN UP for our newsletter",
        "Photo: Jane Doe",
        "It’s “Reuters” — SUBSCRIBE…",
        "A\u00a0B",
        "résumé",
        "ФОТО",
        "Kelvin \u212a",
        "straße",
        "İstanbul",
        "SUBSCRIBE \U0001f600",
        "Ab\u2019",
        "\u2019",
        "x" * 600 + "JOIN",
    ],
)
def test_keyword_gate_plain_cases(keyword_indexes: list, line: str) -> None:
    """The kernel's owners_plain folds ASCII capitals as it reads and declines a line with any other character beyond ASCII and the typographic ones."""
    for index in keyword_indexes:
        for variant in (line, line + " \u0101", "\u2014" + line.upper(), line + "\u00e9"):
            assert index.admitted_plain(variant) == _plain_reference(index, variant), variant


@needs_kernel
def test_keyword_set_refuses_plain_characters_that_fold() -> None:
    with pytest.raises(ValueError):
        char_scan.keyword_set({"ab": [0]}, "A")  # ASCII
    with pytest.raises(ValueError):
        char_scan.keyword_set({"ab": [0]}, "\u00df")  # ß folds to ss
    with pytest.raises(ValueError):
        char_scan._kernel.KeywordSet([("ab", 1)], "a")  # type: ignore[union-attr]
    found = char_scan.keyword_set({"ab": [0]}, "\u2019")
    assert found is not None and found.owners_plain("xAB\u2019") == 1 and found.owners_plain("ab\u00e9") == -1
    assert_no_leak(found.owners_plain, "xx AB \u2019 " * 20, lambda: char_scan._kernel.KeywordSet([("ab", 1)], "\u2019"))  # type: ignore[union-attr]


#: keywords whose second characters share a low byte (é U+00E9, ǩ U+01E9, 驩 U+9A69 and 😩 U+1F629 all end in 0xE9
#: or 0x69 with i), one-character keywords, and keywords that start above U+00FF
_TRICKY_KEYWORDS = {"aé": [0], "aǩ": [1], "ai": [2], "a驩x": [3], "é": [4], "ǩa": [5], "😩": [6], "i": [7], "ab": [8], "abc": [9]}


@needs_kernel
@pytest.mark.parametrize(
    "line",
    ["", "a", "aé", "aǩ", "a驩", "a驩x", "xa", "ai", "a😩", "😩", "é", "ǩ", "ǩa", "abc", "ab", "xab", "i", "aabc", "a\u0169", "ǩaé😩ab"],
)
def test_keyword_mask_pairs_that_share_a_low_byte(line: str) -> None:
    """The kernel compares only the keywords of a position's two characters (the second by its low byte): never fewer than are there."""
    from scrubber.kinds.lines import KeywordIndex

    index = KeywordIndex({k: frozenset(v) for k, v in _TRICKY_KEYWORDS.items()})
    for variant in (line, line + " \u0101", line + " \U0001f600", "\U0001f600" + line):
        assert index.admitted_bits(variant) == sum(1 << pos for pos in index.admitted_python(variant)), variant


@needs_kernel
def test_keyword_mask_refuses_and_declines() -> None:
    with pytest.raises(ValueError):
        char_scan._kernel.KeywordSet([("", 1)])  # type: ignore[union-attr]
    with pytest.raises(TypeError):
        char_scan._kernel.KeywordSet([("a",)])  # type: ignore[union-attr]
    assert char_scan.keyword_set({"a": [64]}) is None  # more rules than the mask holds: the trie runs
    assert char_scan.keyword_set({}) is None
    keywords = char_scan.keyword_set({"ab": [0], "b": [3], "abc": [63]})
    assert keywords is not None
    found = keywords.owners
    assert found("xabcx") == 1 | 1 << 3 | 1 << 63 and found("ab") == 1 | 1 << 3 and found("") == 0
    assert_no_leak(
        char_scan._kernel.KeywordSet([("ab", 1), ("é", 2)]).owners, "xx ab é " * 20, lambda: char_scan._kernel.KeywordSet([("ab", 1)])
    )  # type: ignore[union-attr]


def test_the_version_says_which_character_scan_runs() -> None:
    from click.testing import CliRunner

    from scrubber.cli import main

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert f"\ncharacter scan: {char_scan.scan_implementation()}\n" in result.output


@needs_kernel
@pytest.mark.parametrize("select", [["unicode"], ["unicode.uncurl-quotes", "unicode.nbsp"], ["unicode.nfkc"], ["unicode.html-entity"]])
def test_chars_rules_find_their_class_from_the_shared_scan_or_their_own(select: list[str]) -> None:
    """The default rules read the family's shared scan, a selection with curly quotes or NFKC scans on its own: the same positions."""
    matcher = next(m for m in default_engine(select=select)._matchers if isinstance(m, chars.CharsMatcher))
    assert matcher._shared == all(r in ("unicode", "unicode.html-entity") for r in select)
    for text in CASES:
        for variant in (text, text + " \u0101", text + " \U0001f600"):
            assert chars_positions(matcher, DocContext(variant)) == [m.start() for m in matcher.first.finditer(variant)], variant
