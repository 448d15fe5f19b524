"""``scrubber.kinds.ftfy_steps`` gives exactly what ftfy gives.

The module repeats ftfy 6.3.1's encoding steps with faster scans; these
tests pin it to that ftfy (version, patterns and the source of the functions
it repeats), prove each scan equal to the ftfy pattern it stands for (parse
trees, every string of up to three characters from one representative of
each kind of character, random strings) and compare whole repairs on
mojibake made for the purpose.
"""

from __future__ import annotations

import codecs
import hashlib
import inspect
import itertools
import re
import re._parser as sre_parse  # type: ignore[import-not-found]

import ftfy
import pytest
from ftfy import chardata, fixes
from ftfy.badness import BADNESS_RE
from hypothesis import given, settings
from hypothesis import strategies as st

from scrubber.kinds import ftfy_steps

pytestmark = pytest.mark.skipif(ftfy.__version__ != ftfy_steps.PINNED_VERSION, reason="ftfy_steps repeats ftfy 6.3.1 only")

#: sha256 of the source of each ftfy function that ftfy_steps repeats or relies on, in ftfy 6.3.1
SOURCE_DIGESTS = {
    "fix_and_explain": "a7614bc85159609196b3a042b3400b2cb88a8936dbb626544a1292f8c3a9ec57",
    "fix_encoding_and_explain": "e98db423935e6203066a5d401e010648596aca3c4ee3dcfff4bb57c9339ae9bb",
    "_fix_encoding_one_step_and_explain": "995180c6d3d524b27245073a2d87342e0ddf9494f00e9adb4d7b4734852587f7",
    "_try_fix": "db6e946f241cff61d711d5cc89bae651148d283c4e981abda7245e9c56ebcaa0",
    "fix_encoding": "c9e19bf9aecf666864d64e665d0792b8af19b151e69f9690631a92290a2cd8bd",
    "decode_inconsistent_utf8": "5e18d562d6edb0be44f4a1b9e288166e2079feda987ad9d9a23de4d410089679",
    "replace_lossy_sequences": "2e966939a38690e03668c04e2fbe8424082738fa5f6288e6fd18ca74a3822b6a",
    "is_bad": "6904699bf7b85320b88d8b32efc6555bdd3ee205ca0acd495aafcc584059546b",
    "possible_encoding": "c2763dda53bd15da9668010132358afe88893455e95ea5b1717d13a75808125f",
}

_FUNCTIONS = {
    "fix_and_explain": ftfy.fix_and_explain,
    "fix_encoding_and_explain": ftfy.fix_encoding_and_explain,
    "_fix_encoding_one_step_and_explain": ftfy._fix_encoding_one_step_and_explain,
    "_try_fix": ftfy._try_fix,
    "fix_encoding": ftfy.fix_encoding,
    "decode_inconsistent_utf8": fixes.decode_inconsistent_utf8,
    "replace_lossy_sequences": fixes.replace_lossy_sequences,
    "is_bad": ftfy.badness.is_bad,
    "possible_encoding": chardata.possible_encoding,
}


def test_pinned_to_the_installed_ftfy() -> None:
    assert ftfy_steps.PINNED
    digests = {name: hashlib.sha256(inspect.getsource(f).encode()).hexdigest() for name, f in _FUNCTIONS.items()}
    assert digests == SOURCE_DIGESTS


def _tree(node: object) -> object:
    """A parse tree of ``re`` as nested tuples, comparable with ``==``."""
    if isinstance(node, sre_parse.SubPattern):
        return ("subpattern", _tree(node.data))
    if isinstance(node, (list, tuple)):
        return tuple(_tree(x) for x in node)
    return node


def test_alternatives_make_up_ftfys_badness_pattern() -> None:
    ours = _tree(sre_parse.parse(ftfy_steps.badness_source(), 0))
    assert ours == _tree(sre_parse.parse(BADNESS_RE.pattern, re.VERBOSE))


BMP = "".join(map(chr, range(0x10000)))


def _members(part: str) -> set[str]:
    return set(re.findall(part, BMP))


def test_each_anchor_is_in_the_first_class() -> None:
    """The scan reads an anchor character first: every anchor part's characters must be in its first class."""
    pattern = ftfy_steps.bad_scan().pattern
    first = _members(pattern[: pattern.index("(?:")])
    expanded = list(ftfy_steps._expanded())
    assert len(expanded) == len(ftfy_steps.BADNESS_ALTERNATIVES) + 1
    for parts, anchor in expanded:
        assert parts[anchor] != "^" and _members(parts[anchor]) <= first
    assert first == set().union(*(_members(parts[anchor]) for parts, anchor in expanded))


def _representatives() -> list[str]:
    """One character of each kind: the same answer from every part of every alternative (and from ``\\s``, ``\\w``, ``.``)."""
    parts = sorted({part for parts, _ in ftfy_steps._expanded() for part in parts if part != "^"} | {r"\s", r"\w", "."})
    signature: dict[str, list[int]] = {c: [] for c in BMP}
    for k, part in enumerate(parts):
        for c in _members(part):
            signature[c].append(k)
    kinds: dict[tuple[int, ...], str] = {}
    for c in BMP:
        kinds.setdefault(tuple(signature[c]), c)
    return [*sorted(kinds.values()), "\U0001f600"]


def test_every_short_string_of_representatives() -> None:
    """Strings of up to three characters, one of each kind: the two patterns agree on all (most alternatives are that short)."""
    reps = _representatives()
    assert 40 < len(reps) < 400
    for n in (1, 2, 3):
        for chars in itertools.product(reps, repeat=n):
            text = "".join(chars)
            assert ftfy_steps.is_bad(text) == (BADNESS_RE.search(text) is not None), repr(text)


#: characters of mojibake and of clean text, for random strings
ALPHABET = sorted(
    set("aAzZé É1 \u00a0\n\t.,?!'\"-_&;")
    | set("ÂÃÎÐØÙàâäåæçèéêëìíîïðñòóôõöøùúûüýþÿ€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ¡¢£¤¥¦§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿×÷")
    | set("ВГРСЂўвабиΒΓΞΟβάΆ√≈∂≠≤≥āĀłŁőŐ│┌═╬▀█░")
    | set("\x80\x85\x8d\x9d\x9f\ufffd\uf8ff\u2044\U0001f600")
)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=12))
def test_is_bad_on_random_strings(text: str) -> None:
    assert ftfy_steps.is_bad(text) == (BADNESS_RE.search(text) is not None)


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("", False),
        ("plain ASCII, nothing to see", False),
        ("café, naïve, “quoted” — fine", False),
        ("donâ€™t", True),
        ("cafÃ©", True),
        ("Ã ", True),  # ``^[ÃÂ][ ]``: only at the very start
        ("xÃ ", True),  # ``[a-z]\s?[ÃÂ][ ]``
        ("x Ã ", True),
        ("1 Ã ", False),
        ("ØŸØ§ØŸØ§", True),  # four characters of Arabic mojibake
        ("ØŸ", False),
        ("ГўВЂВ™a", True),
        ("вЂ", True),
        ("β€™", True),
        ("ā€", True),
        ("√±", True),
        ("‚Äô", True),
        ("œ1", True),
        ("œa", False),
        ("\x85", True),
        ("Ã\u00a0", True),
        (" É£", True),  # ``\s[upper accented][currency]``
        ("\u3000É£", True),  # a space that is not ASCII
        ("aÉ£", True),  # ``[a-z][upper accented][currency]``
        ("1É£", False),
    ],
)
def test_is_bad_cases(text: str, bad: bool) -> None:
    assert ftfy.badness.is_bad(text) == bad
    assert ftfy_steps.is_bad(text) == bad


BYTES = sorted(set(b" ?\x1aa.\n\x7f\x80\x85\x9f\xa0\xa1\xa9\xbf\xc0\xc2\xc3\xc5\xce\xd0\xd9\xdf\xe0\xe2\xe3\xed\xef\xf0\xf4\xff"))


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(BYTES), max_size=10).map(bytes))
def test_byte_scans_on_random_bytes(byts: bytes) -> None:
    assert (ftfy_steps.ALTERED_SCAN.search(byts) is None) == (chardata.ALTERED_UTF8_RE.search(byts) is None)
    assert ftfy_steps.replace_lossy_sequences(byts) == fixes.replace_lossy_sequences(byts)


@pytest.mark.parametrize(
    "byts",
    [
        b"",
        b"a b",
        b"\xc3 a",
        b"\xe2 \x80",
        b"\xe2\x80 ",
        b"\xe2\x85 ",
        b"\xf0 \x9f\x98",
        b"\xf0\x9f \x98",
        b"\xf0\x9f\x98 ",
        b"\xc3?",
        b"a?\x1a",
        b"\xe2\x80?",
        b"\xed\xa0?\xed\xb0\x80",
    ],
)
def test_byte_scan_cases(byts: bytes) -> None:
    assert (ftfy_steps.ALTERED_SCAN.search(byts) is None) == (chardata.ALTERED_UTF8_RE.search(byts) is None)
    assert ftfy_steps.replace_lossy_sequences(byts) == fixes.replace_lossy_sequences(byts)


CLUES = sorted(
    set("ab .’“”–…€™")
    | {chardata.UTF8_CLUES[key][k] for key in chardata.UTF8_CLUES for k in range(0, len(chardata.UTF8_CLUES[key]), 7)}
    | set("\x80\x9f¿ ")
)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=CLUES, max_size=14))
def test_utf8_scan_on_random_strings(text: str) -> None:
    assert [m.span() for m in ftfy_steps.utf8_scan().finditer(text)] == [m.span() for m in chardata.UTF8_DETECTOR_RE.finditer(text)]
    assert ftfy_steps.decode_inconsistent_utf8(text) == fixes.decode_inconsistent_utf8(text)


CONFIGS = [
    ftfy.TextFixerConfig(),
    ftfy.TextFixerConfig(explain=False),
    ftfy.TextFixerConfig(unescape_html=True, uncurl_quotes=False, fix_line_breaks=False, normalization=None),
    ftfy.TextFixerConfig(restore_byte_a0=False, replace_lossy_sequences=False, decode_inconsistent_utf8=False, fix_c1_controls=False),
    ftfy.TextFixerConfig(fix_encoding=False),
    ftfy.TextFixerConfig(normalization="NFKC", fix_character_width=True),
]

#: clean text the random mojibake is made of
CLEAN = sorted(set("ab A.,?! \u00a0éàçñüößøå€“”‘’–—…•™©°½×ΓαжЖ中😀\ufffd"))
ENCODINGS = ["latin-1", "sloppy-windows-1252", "sloppy-windows-1251", "sloppy-windows-1250", "sloppy-windows-1253", "macroman", "cp437"]


@st.composite
def mojibake(draw: st.DrawFn) -> str:
    """Clean pieces and pieces of UTF-8 read as a single-byte encoding (once or twice), side by side."""
    pieces = []
    for _ in range(draw(st.integers(1, 4))):
        text = draw(st.text(alphabet=CLEAN, max_size=8))
        for _ in range(draw(st.integers(0, 2))):
            text = text.encode("utf-8").decode(draw(st.sampled_from(ENCODINGS)), errors="replace")
        pieces.append(text)
    return draw(st.sampled_from(["", " ", "x"])).join(pieces)


@settings(max_examples=1500, deadline=None)
@given(mojibake(), st.sampled_from(CONFIGS))
def test_repairs_equal_ftfys(text: str, config: ftfy.TextFixerConfig) -> None:
    assert ftfy_steps.fix_and_explain(text, config) == ftfy.fix_and_explain(text, config=config)
    assert ftfy_steps.fix_encoding_and_explain(text, config) == ftfy.fix_encoding_and_explain(text, config=config)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain",
        "The mayorâ€™s plan â€“ approved â€“ costs â‚¬4m.",
        "voilÃ le travail, Ã  bientÃ´t",
        "Lost: caf\ufffd and cafÃ\ufffd and â€œquotesâ€\ufffd here.",
        "C1 only: \x93quoted\x94 and \x81 odd.",
        "Ð\x9cÐ¾Ñ\x81ÐºÐ²Ð° Ð¸ Ð\x9fÐ°Ñ\x80Ð¸Ð¶",
        "Mixed: don’t and donâ€™t, cafÃƒÂ© twice.",
        "&lt;b&gt; 10Î&frac14;s &amp; more",
        "\ud83d\ude00 surrogates",
    ],
)
@pytest.mark.parametrize("config", CONFIGS)
def test_repair_cases(text: str, config: ftfy.TextFixerConfig) -> None:
    assert ftfy_steps.fix_and_explain(text, config) == ftfy.fix_and_explain(text, config=config)
    assert ftfy_steps.fix_encoding_and_explain(text, config) == ftfy.fix_encoding_and_explain(text, config=config)


def test_other_ftfy_versions_get_ftfys_own_functions(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr(ftfy_steps, "PINNED", False)
    monkeypatch.setattr(ftfy, "fix_and_explain", lambda text, config: calls.append("all") or ftfy.ExplainedText(text, []))
    monkeypatch.setattr(ftfy, "fix_encoding_and_explain", lambda text, config: calls.append("encoding") or ftfy.ExplainedText(text, []))
    config = ftfy.TextFixerConfig()
    ftfy_steps.fix_and_explain("cafÃ©", config)
    ftfy_steps.fix_encoding_and_explain("cafÃ©", config)
    assert calls == ["all", "encoding"]


def _unencodable(text: str, encoding: str) -> set[int]:
    """The offsets of the characters of ``text`` that ``encoding`` cannot encode."""
    bad: set[int] = set()

    def collect(error: UnicodeError) -> tuple[str, int]:
        assert isinstance(error, UnicodeEncodeError)
        bad.update(range(error.start, error.end))
        return "", error.end

    codecs.register_error("test-ftfy-steps-collect", collect)
    text.encode(encoding, "test-ftfy-steps-collect")
    return bad


@pytest.mark.parametrize("encoding", chardata.CHARMAP_ENCODINGS)
def test_encoding_is_possible_where_it_encodes(encoding: str) -> None:
    """Every code point: ftfy's class of the encoding's characters holds it exactly when the encoding encodes it."""
    everything = "".join(map(chr, range(0x110000)))
    pattern = chardata.ENCODING_REGEXES[encoding].pattern
    assert pattern.startswith("^[") and pattern.endswith("]*$")
    in_class = {ord(c) for c in re.findall(pattern[1:-2], everything)}
    assert in_class == set(range(0x110000)) - _unencodable(everything, encoding)


def test_ascii_is_possible_where_isascii_holds() -> None:
    """ftfy asks ``possible_encoding(text, "ascii")``; ftfy_steps asks ``text.isascii()``: the same class of characters."""
    pattern = chardata.ENCODING_REGEXES["ascii"].pattern
    assert pattern.startswith("^[") and pattern.endswith("]*$")
    everything = "".join(map(chr, range(0x110000)))
    assert "".join(re.findall(pattern[1:-2], everything)) == "".join(c for c in everything if c.isascii())


@pytest.mark.parametrize("text", ["", "a", "a\n", "\n", "é\n", "€", "\x1a", "\ufffd", "\ud800", "ab\U0001f600"])
@pytest.mark.parametrize("encoding", chardata.CHARMAP_ENCODINGS)
def test_encoded_cases(text: str, encoding: str) -> None:
    encoded = ftfy_steps._encoded(text, encoding)
    assert (encoded is not None) == chardata.possible_encoding(text, encoding)
    assert encoded is None or encoded == text.encode(encoding)
