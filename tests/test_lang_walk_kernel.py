"""langwalk gives langdetect's guesses bit for bit: same n-grams, same random walk, same floats."""

from __future__ import annotations

import random
from array import array

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kernel_checks import assert_no_leak
from langdetect import DetectorFactory, detector_factory
from langdetect.lang_detect_exception import LangDetectException

from scrubber.kinds import langwalk
from scrubber.kinds.language import warm_up

pytestmark = pytest.mark.skipif(not langwalk.compiled(), reason="the language-walk kernel is not built (or SCRUBBER_PURE_PYTHON is set)")

#: one or two sentences in many scripts and with the characters langdetect treats specially
TEXTS = [
    "The council met on Tuesday and voted to keep the library open.",
    "Le conseil municipal s'est réuni mardi et a voté pour garder la bibliothèque ouverte.",
    "Der Gemeinderat hat am Dienstag getagt und beschlossen, die Bibliothek offen zu halten.",
    "El consejo se reunió el martes y votó para mantener abierta la biblioteca.",
    "Hội đồng thành phố đã họp vào thứ Ba.",  # Vietnamese: letters and marks joined first
    "Ho\u0302\u0323i đo\u0302\u0300ng tha\u0300nh pho\u0302\u0301",  # decomposed: letters and combining marks
    "Consiliul s-a întrunit marți și a votat",  # Romanian s and t with comma below
    "Городской совет собрался во вторник и проголосовал.",
    "市議会は火曜日に会合を開き、図書館を開けておくことを決めた。",
    "カタカナとひらがなのテキスト",
    "시의회는 화요일에 회의를 열었다",
    "Το δημοτικό συμβούλιο συνεδρίασε την Τρίτη.",
    "مجلس شهر روز سه‌شنبه تشکیل جلسه داد و رأی داد",  # Farsi yeh
    "NASA AND THE ESA SIGNED IT",  # a word of capitals yields nothing from its second capital on
    "Visit http://example.com/page?x=1 or write to someone@example.org today, please.",
    "Mixed: the mayor — le maire — der Bürgermeister!!!   Spaces   and\ttabs\nand lines",
    "ABC abc ÀÉÎ àéî ß ç",
    "42 17 99",  # no feature: langdetect raises
    "",
]


def _guesses(detect, text: str) -> list[tuple[str, float]] | str:  # type: ignore[no-untyped-def]
    try:
        return [(g.lang, g.prob) for g in detect(text)]
    except LangDetectException as exc:
        return f"raises {exc}"


@pytest.fixture(scope="module", autouse=True)
def _seeded() -> None:
    warm_up()
    DetectorFactory.seed = 0


@pytest.mark.parametrize("text", TEXTS)
def test_same_guesses_as_langdetect(text: str) -> None:
    assert _guesses(langwalk.detect_langs, text) == _guesses(detector_factory.detect_langs, text)


def _reference_ngrams(text: str) -> list[str]:
    detector = detector_factory._factory.create()
    detector.append(text)
    detector.cleaning_text()
    return detector._extract_ngrams()


@pytest.mark.parametrize("text", TEXTS)
def test_same_ngrams_as_langdetect(text: str) -> None:
    assert langwalk.extract_ngrams(detector_factory._factory.create(), text) == _reference_ngrams(text)


#: letters of several scripts, capitals, spaces, punctuation, marks and the characters NGram maps
_ALPHABET = "aAbBzZ  ,.!?'’—–-\n\tÉéÀàßçÇ\u0219\u021b\u06cc\u1ea0\u1e00\u0300\u0301ąĄ日本語カタひらㄅ한국Привет\u00ad\u200b\x00😀:/@"


@given(st.text(alphabet=_ALPHABET, max_size=80) | st.text(max_size=40))
@settings(max_examples=300, deadline=None)
def test_same_ngrams_on_any_text(text: str) -> None:
    assert langwalk.extract_ngrams(detector_factory._factory.create(), text) == _reference_ngrams(text)


@given(st.text(alphabet=_ALPHABET, min_size=1, max_size=60))
@settings(max_examples=60, deadline=None)
def test_same_guesses_on_any_text(text: str) -> None:
    assert _guesses(langwalk.detect_langs, text) == _guesses(detector_factory.detect_langs, text)


def _words_then_error(n: int):  # type: ignore[no-untyped-def]
    """A generator of ``n`` words that then raises: the words already taken must be let go."""
    yield from (f"w{i}" for i in range(n))
    raise ZeroDivisionError


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda k: k.update([1.0, 2.0], [], 0.5), TypeError),  # prob must be array('d')
        (lambda k: k.update(array("d", [1.0, 2.0]), [array("d", [1.0])], 0.5), ValueError),  # a row of another length
        (lambda k: k.update(array("d", [1.0]), [array("f", [1.0])], 0.5), TypeError),  # floats, not doubles
        (lambda k: k.normalize(array("d", [0.0, 0.0]), 0.0), ZeroDivisionError),  # as Python's p / 0.0
        (lambda k: k.ngrams("abc", {}), ValueError),  # not led by a space
    ],
)
def test_kernel_refuses_bad_arguments(call, error: type[Exception]) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error):
        call(langwalk._kernel)


def test_kernel_arithmetic_is_pythons() -> None:
    prob = array("d", [0.25, 0.5, 0.25])
    rows = [array("d", [0.1, 0.0, 0.3]), array("d", [0.2, 0.7, 0.0])]
    expected = list(prob)
    for row in rows:
        expected = [p * (1e-4 + m) for p, m in zip(expected, row)]
    langwalk._kernel.update(prob, rows, 1e-4)
    assert list(prob) == expected
    total = sum(prob)
    assert langwalk._kernel.normalize(prob, total) == max(p / total for p in expected)
    assert list(prob) == [p / total for p in expected]


def test_kernel_keeps_no_reference_and_leaks_nothing() -> None:
    table = detector_factory._factory.word_lang_prob_map
    prob = array("d", [1.0] * 55)
    row = table["a"]
    assert_no_leak(lambda text: langwalk._kernel.ngrams(text, table), " the council met in the town hall", lambda: None)
    assert_no_leak(lambda text: langwalk._kernel.update(prob, [row, row], 1e-4), "", lambda: None)
    assert_no_leak(lambda text: langwalk._kernel.normalize(prob, 55.0), "", lambda: None)


def test_the_version_says_which_language_walk_runs() -> None:
    from click.testing import CliRunner

    from scrubber.cli import main

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.endswith(f"\nlanguage walk: {langwalk.walk_implementation()}\n")


@given(
    st.text(alphabet=st.sampled_from([*"Az@[`{09 \n", "é", "ÿ", "ʯ", "\u0300", "Ж", "語", "\U0001f600"]), max_size=40)
    | st.text(max_size=30)
)
def test_latin_runs_deleted_as_the_translate_table_deletes(text: str) -> None:
    assert langwalk._A_TO_Z_RUN.sub("", text) == text.translate(langwalk._A_TO_Z)
    assert len(langwalk._FROM_U0300.sub("", text)) == len([c for c in text if ord(c) < 0x300])


@pytest.mark.parametrize("n", [1, 2, 3, 5, 64, 65, 300, 1023, 1025])
def test_draws_by_bits_are_random_choice(n: int) -> None:
    """The walk's draws: ``Random.choice``'s picks, and the generator left in the same state (the next trial's gauss reads it)."""
    assert langwalk._choice_is_getrandbits()
    ngrams = [f"g{i}" for i in range(n)]
    rows = {g: i for i, g in enumerate(ngrams)}
    by_choice, by_bits = random.Random(7), random.Random(7)
    draws = langwalk._draws_by_bits(by_bits, ngrams, rows)
    for m in (1, 5, 5, 1, 5):
        assert draws(m) == [rows[by_choice.choice(ngrams)] for _ in range(m)]
        assert by_bits.getstate() == by_choice.getstate()


@pytest.mark.parametrize("text", TEXTS[:4])
def test_where_choice_draws_otherwise_it_is_asked_itself(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fallback for a Python whose ``Random.choice`` would not be ``getrandbits`` draws: langdetect's guesses too."""
    monkeypatch.setattr(langwalk, "_choice_is_getrandbits", lambda: False)
    assert _guesses(langwalk.detect_langs, text) == _guesses(detector_factory.detect_langs, text)


def test_one_detector_kept_per_thread_factory_and_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kept detector stands for a fresh one: same guesses as langdetect before and after the seed changes, a new one for a new seed and in another thread."""
    import threading

    factory = detector_factory._factory
    first = langwalk._detector(factory)
    assert langwalk._detector(factory) is first
    text = TEXTS[2]
    assert _guesses(langwalk.detect_langs, text) == _guesses(detector_factory.detect_langs, text)
    monkeypatch.setattr(DetectorFactory, "seed", 7)
    assert langwalk._detector(factory) is not first and langwalk._detector(factory).seed == 7
    assert _guesses(langwalk.detect_langs, text) == _guesses(detector_factory.detect_langs, text)
    elsewhere: list[object] = []
    thread = threading.Thread(target=lambda: elsewhere.append(langwalk._detector(factory)))
    thread.start()
    thread.join()
    assert elsewhere[0] is not langwalk._detector(factory)


#: code-mix-latin's foreign endings and words around them: a last letter shared or not, an ending longer than the word
_ENDINGS = ("zione", "zioni", "ungen", "keit", "heit", "schaft", "ierung", "aient", "cji", "sji", "szcz", "ycz")


@pytest.mark.parametrize(
    ("words", "endings", "expected"),
    [
        ([], _ENDINGS, False),
        (["the", "station", "moment"], _ENDINGS, False),  # last letters shared, endings not
        (["moment", "nazione"], _ENDINGS, True),
        (["keit"], _ENDINGS, True),  # the whole word
        (["eit", "zi", ""], _ENDINGS, False),  # shorter than the endings that end as they do
        (["abc", ""], ("",), True),  # every word ends with the empty string
        ([], ("",), False),
        (["ości", "ŝcji"], ("ości",), True),  # beyond ASCII: two-byte words
        (["a\U0001f600"], ("\U0001f600",), True),  # four-byte
        (["x"], (), False),
    ],
)
def test_ends_with_any_table(words: list[str], endings: tuple[str, ...], expected: bool) -> None:
    assert langwalk._kernel.ends_with_any(words, endings) == langwalk._ends_with_any_python(words, endings) == expected
    assert langwalk._kernel.ends_with_any(set(words), endings) == expected


@given(
    st.sets(st.text(alphabet=st.sampled_from([*"zionekthcjsyéś", "\U0001f600"]), max_size=8), max_size=8),
    st.lists(st.text(alphabet=st.sampled_from([*"zionekthcjsyéś", "\U0001f600"]), max_size=6), max_size=6).map(tuple),
)
def test_ends_with_any_is_str_endswith(words: set[str], endings: tuple[str, ...]) -> None:
    assert langwalk._kernel.ends_with_any(words, endings) == langwalk._ends_with_any_python(words, endings)


def _words_then_error(n: int):  # type: ignore[no-untyped-def]
    """A generator of ``n`` words that then raises: the words already taken must be let go."""
    yield from (f"w{i}" for i in range(n))
    raise ZeroDivisionError


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda k: k.ends_with_any(["a"], ["a"]), TypeError),  # endings must be a tuple
        (lambda k: k.ends_with_any([b"a"], ("a",)), TypeError),  # words must be str
        (lambda k: k.ends_with_any(["a"], (b"a",)), TypeError),
        (lambda k: k.ends_with_any(5, ("a",)), TypeError),  # not iterable
        (lambda k: k.ends_with_any(["a"], ("a",) * 65), ValueError),  # too many endings
    ],
)
def test_ends_with_any_refuses_bad_arguments(call, error: type[Exception]) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error):
        call(langwalk._kernel)


def test_ends_with_any_leaks_nothing() -> None:
    words = {"station", "nazione", "moment", "ości"}
    assert_no_leak(lambda text: langwalk._kernel.ends_with_any(words | {text}, _ENDINGS), "keitx", lambda: None)


def test_ends_with_any_is_the_kernels_where_built() -> None:
    assert langwalk.ends_with_any is langwalk._kernel.ends_with_any


# -- word_filter / filter_words: a prefilter that never drops a word of its set ---------------------

_FILTER_WORDS = st.text(alphabet="abcdeéßİ\u212ak日😀", min_size=1, max_size=8)


@pytest.mark.parametrize(
    ("words", "asked"),
    [
        (set(), ["semana", ""]),  # an empty set: one block, no bit set
        ({"semana"}, ["semana", "semanas", "Semana"]),
        ({"präsident", "politycznej", "日本"}, ["präsident", "日本", "the", "politycznej"]),
        ({f"w{i}" for i in range(5000)}, [f"w{i}" for i in range(0, 10000, 7)]),  # many blocks
        *(({f"w{i}" for i in range(40)}, [f"w{i}" for i in range(n)]) for n in (15, 16, 17, 32, 33)),  # batches of sixteen
    ],
)
def test_filter_words_keeps_every_word_of_its_set(words: set[str], asked: list[str]) -> None:
    kept = langwalk._kernel.filter_words(langwalk._kernel.word_filter(words), asked)
    assert [w for w in asked if w in words] == [w for w in kept if w in words]  # all of them, in order
    assert kept == [w for w in asked if w in kept]  # a sub-list of the words asked about


@given(st.sets(_FILTER_WORDS, max_size=300), st.lists(_FILTER_WORDS, max_size=60))
@settings(max_examples=300, deadline=None)
def test_filter_words_never_drops_a_word_of_its_set(words: set[str], asked: list[str]) -> None:
    kept = langwalk._kernel.filter_words(langwalk._kernel.word_filter(words), asked + sorted(words))
    assert set(kept) >= words | (set(asked) & words)


def test_filter_words_lets_few_others_by() -> None:
    bits = langwalk._kernel.word_filter([f"word{i}" for i in range(20_000)])
    assert len(bits) == 64 * 2**9  # 12 bits a word, in a power of two of 64-byte blocks
    others = [f"other{i}" for i in range(20_000)]
    assert len(langwalk._kernel.filter_words(bits, others)) < 1_000  # about 1%; 5% would be a broken hash


def _words_then_error(n: int):  # type: ignore[no-untyped-def]
    """A generator of ``n`` words that then raises: the words already taken must be let go."""
    yield from (f"w{i}" for i in range(n))
    raise ZeroDivisionError


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda k: k.word_filter(["a", b"b"]), TypeError),
        (lambda k: k.word_filter(3), TypeError),
        (lambda k: k.filter_words(k.word_filter(["a"]), ["a", 3]), TypeError),
        (lambda k: k.filter_words(k.word_filter(["a"]), [*"abcdefghijklmnopqrst", 3, "u"]), TypeError),  # in the second batch
        (lambda k: k.filter_words(k.word_filter(["a"]), _words_then_error(20)), ZeroDivisionError),
        (lambda k: k.filter_words(b"x" * 65, ["a"]), ValueError),  # not whole blocks
        (lambda k: k.filter_words(b"x" * 192, ["a"]), ValueError),  # not a power of two of them
        (lambda k: k.filter_words(b"", ["a"]), ValueError),
        (lambda k: k.filter_words("x" * 64, ["a"]), TypeError),
    ],
)
def test_word_filter_refuses_bad_arguments(call, error: type[Exception]) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error):
        call(langwalk._kernel)


def test_filter_words_leaks_nothing() -> None:
    bits = langwalk._kernel.word_filter(["semana", "kontrola"])
    assert_no_leak(
        lambda word: langwalk._kernel.filter_words(bits, [word, "the"]), "semana", lambda: langwalk._kernel.word_filter(["a"] * 100)
    )


def _filter_then_fail(bits: bytes, word: str) -> None:
    """filter_words over two batches that ends in an error (each word taken must be let go)."""
    try:  # (not pytest.raises: the exception info it keeps is memory the leak check would count)
        langwalk._kernel.filter_words(bits, [word, *(f"{word}{i}" for i in range(20)), None])
    except TypeError:
        return
    raise AssertionError("filter_words took None for a word")


def test_filter_words_leaks_nothing_on_error() -> None:
    bits = langwalk._kernel.word_filter(["semana", "kontrola"])
    assert_no_leak(lambda word: _filter_then_fail(bits, word), "semana", lambda: langwalk._kernel.word_filter(["a"] * 100))


def test_a_kernel_built_from_an_older_source_leaves_the_word_tests_to_python(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(langwalk, "_kernel", object())  # (no ends_with_any, no word_filter)
    assert langwalk._kernel_function("ends_with_any") is None
    assert langwalk._kernel_function("word_filter") is None
