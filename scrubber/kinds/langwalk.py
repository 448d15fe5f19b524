"""langdetect's guesses for a text, its per-character and per-draw loops done by the optional compiled kernel.

langdetect is pure Python. Its hot loop multiplies 55 language
probabilities one Python statement at a time, about 700 times for each text
(seven trials of up to a thousand draws): 2-4 ms a text. Short documents (a
headline and a lede) often reach it for their language: on two-line news
documents that loop was 80% of the garble family's time. Before it, the
text is cut into n-grams one Python step per character: 4 ms for the
3,000-character sample of a document in another language.

:func:`detect_langs` runs langdetect's own algorithm
(``Detector._detect_block``) on langdetect's own detector:

* the text is prepared as ``Detector.append`` and ``cleaning_text`` do, by
  whole-string operations that give the same string (:func:`_prepared`), and
  cut into n-grams by ``_lang_walk_kernel.ngrams`` after each character is
  normalised by langdetect's own ``NGram.normalize`` (through a table filled
  as characters are met);
* the random draws are the detector's seeded ``random.Random``'s, in
  langdetect's order: ``gauss`` once a trial, then ``choice`` once a draw;
  the convergence test comes after the first draw and after every fifth one
  after it, so the draws are made five at a time and each block's
  arithmetic is one call of ``_lang_walk_kernel.update``;
* the normalising total is the builtin ``sum``, as in langdetect (not
  rewritten in C: its rounding changed in Python 3.12, and this way it is
  langdetect's on every version), and ``update`` / ``normalize`` do
  langdetect's IEEE operations in its order.

So the guesses are bit for bit langdetect's; the tests compare them on
texts in many scripts. Without the kernel (no C compiler at install, or
``SCRUBBER_PURE_PYTHON=1``), or if langdetect's internals ever change shape,
:func:`detect_langs` is ``langdetect.detect_langs``, which stays the reference.
"""

from __future__ import annotations

import random
import re
import threading
from array import array
from collections.abc import Callable, Iterable
from functools import cache
from itertools import repeat
from typing import Any

from .word_pairs import FORCED_PURE, kernel_implementation

try:
    from . import _lang_walk_kernel as _kernel
except ImportError:  # not built: no C compiler when the package was installed
    _kernel = None

#: what a detector must have for :func:`walk` (langdetect 1.0.x's ``Detector``)
_NEEDED = (
    "word_lang_prob_map",
    "langlist",
    "seed",
    "random",
    "alpha",
    "n_trial",
    "ALPHA_WIDTH",
    "BASE_FREQ",
    "CONV_THRESHOLD",
    "ITERATION_LIMIT",
    "prior_map",
    "max_text_length",
    "URL_RE",
    "MAIL_RE",
    "_init_probability",
    "_sort_probability",
)


def compiled() -> bool:
    """Whether :func:`detect_langs` runs the walk's arithmetic in the kernel."""
    return _kernel is not None and not FORCED_PURE


def detect_langs(text: str) -> list[Any]:
    """What ``langdetect.detect_langs(text)`` returns (``Language`` objects, best first), raising as it does."""
    from langdetect import detector_factory

    if not compiled():
        return detector_factory.detect_langs(text)
    detector_factory.init_factory()
    detector = _detector(detector_factory._factory)
    if not all(hasattr(detector, name) for name in _NEEDED):  # pragma: no cover - a langdetect of another shape
        return detector_factory.detect_langs(text)
    table = detector.word_lang_prob_map
    if not isinstance(next(iter(table.values()), None), array):  # pragma: no cover - langdetect's own lists (no table cache)
        return detector_factory.detect_langs(text)
    ngrams = extract_ngrams(detector, text)
    if not ngrams:
        from langdetect.lang_detect_exception import ErrorCode, LangDetectException

        raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
    detector.langprob = walk(detector, ngrams)
    return detector._sort_probability(detector.langprob)


_LOCAL = threading.local()


def _detector(factory: Any) -> Any:
    """A detector of ``factory`` as ``factory.create()`` makes it, one kept per thread while the factory, its seed, table and languages stay.

    ``create`` seeds a new ``random.Random`` from the system's entropy (27 of
    its 33 us), which :func:`walk` reseeds with the factory's seed before
    its first draw anyway; nothing here sets anything else on it
    (:func:`detect_langs` never calls ``append``; ``langprob`` is set anew
    each time), so the kept one is a fresh one. Kept per thread: a walk
    uses its generator throughout.
    """
    key = (factory, factory.seed, factory.word_lang_prob_map, factory.langlist)  # (clear() rebinds the last two)
    kept = getattr(_LOCAL, "detector", None)
    if kept is None or any(a is not b for a, b in zip(kept[0], key)):
        kept = _LOCAL.detector = (key, factory.create())
    return kept[1]


#: a run of spaces, which ``Detector.append`` keeps the first of
_SPACES = re.compile(" {2,}")
#: the characters ``cleaning_text`` counts as Latin ("A" to "z", ASCII), as a deletion table
_A_TO_Z = dict.fromkeys(range(ord("A"), ord("z") + 1))
#: runs of them: ``sub("", text)`` is ``text.translate(_A_TO_Z)`` in a C scan (a mapping makes
#: ``str.translate`` look up every character of a text beyond ASCII: twice as slow)
_A_TO_Z_RUN = re.compile("[A-z]+")
#: runs of the characters it counts as not Latin: it means U+0300 and above outside Latin Extended
#: Additional, but compares a block number with a block name, so every one of them counts
_FROM_U0300 = re.compile("[\u0300-\U0010ffff]+")


class _Normalized(dict):
    """``NGram.normalize`` of each character, as a ``str.translate`` table filled as characters are met."""

    def __missing__(self, code: int) -> str:
        from langdetect.utils.ngram import NGram

        value = self[code] = NGram.normalize(chr(code))
        return value


_NORMALIZED = _Normalized()


def _prepared(detector: Any, text: str) -> str:
    """The detector's ``text`` after ``append(text)`` and ``cleaning_text()``, on a fresh detector.

    ``append`` removes URLs and e-mail addresses, joins Vietnamese letters
    with their marks, keeps ``max_text_length`` characters and drops every
    space that follows a space; ``cleaning_text`` drops the ASCII letters
    when there are less than half as many as characters from U+0300 up.
    """
    from langdetect.utils.ngram import NGram

    text = detector.MAIL_RE.sub(" ", detector.URL_RE.sub(" ", text))
    text = _SPACES.sub(" ", NGram.normalize_vi(text)[: detector.max_text_length])
    without_latin = _A_TO_Z_RUN.sub("", text)
    if (len(text) - len(without_latin)) * 2 < len(text) - len(_FROM_U0300.sub("", text)):
        return without_latin
    return text


def extract_ngrams(detector: Any, text: str) -> list[str]:
    """``detector.append(text); detector.cleaning_text(); detector._extract_ngrams()`` on a fresh detector."""
    assert _kernel is not None
    return _kernel.ngrams(" " + _prepared(detector, text).translate(_NORMALIZED), detector.word_lang_prob_map)


def walk(detector: Any, ngrams: list[str]) -> list[float]:
    """``Detector._detect_block``'s ``langprob`` for ``ngrams``: seven seeded random walks, averaged.

    A draw picks an n-gram by the list's length alone; its row of the
    profile table is looked up as it is drawn.
    """
    assert _kernel is not None
    rng = detector.random
    if type(rng) is random.Random and _choice_is_getrandbits():
        return _walk(detector, ngrams, _draws_by_bits(rng, ngrams, detector.word_lang_prob_map))
    choice, table = rng.choice, detector.word_lang_prob_map
    return _walk(detector, ngrams, lambda m: [table[choice(ngrams)] for _ in range(m)])


def _walk(detector: Any, ngrams: list[str], draws: Callable[[int], list[Any]]) -> list[float]:
    """:func:`walk` with ``draws(m)``: the profile rows of the next ``m`` n-grams ``detector.random.choice`` picks."""
    assert _kernel is not None
    update, normalize = _kernel.update, _kernel.normalize
    n_trial = detector.n_trial
    converged, limit = detector.CONV_THRESHOLD, detector.ITERATION_LIMIT
    rng = detector.random
    langprob = [0.0] * len(detector.langlist)
    rng.seed(detector.seed)
    for _ in range(n_trial):
        prob = array("d", detector._init_probability())
        alpha = detector.alpha + rng.gauss(0.0, 1.0) * detector.ALPHA_WIDTH
        weight = alpha / detector.BASE_FREQ
        block = draws(1)  # draw 0, then the convergence test
        i = 0
        while True:
            update(prob, block, weight)
            if normalize(prob, sum(prob)) > converged or i >= limit:
                break
            block = draws(5)  # draws i+1 .. i+5
            i += 5
        langprob = [total + p / n_trial for total, p in zip(langprob, prob)]
    return langprob


def _draws_by_bits(rng: random.Random, ngrams: list[str], table: Any) -> Callable[[int], list[Any]]:
    """``rng.choice(ngrams)`` made ``m`` times, as ``Random.choice`` makes it (:func:`_choice_is_getrandbits`), without its two Python calls a draw.

    ``choice`` asks ``_randbelow(len(seq))``, which draws ``getrandbits(k)``
    with ``k = len(seq).bit_length()`` until a value falls below ``len(seq)``:
    the same calls of the generator in the same order, so the draws and the
    generator's state after them are the same (two thirds of a walk's time
    went to the two Python frames of each of its ~700 draws).
    (Drawing ``m`` values at once with ``map`` and topping up the rejected
    ones was twice as slow: a block of five is rejected whole too often.)
    """
    n = len(ngrams)
    k = n.bit_length()
    getrandbits = rng.getrandbits

    def draws(m: int) -> list[Any]:
        block = []
        for _ in range(m):
            r = getrandbits(k)
            while r >= n:
                r = getrandbits(k)
            block.append(table[ngrams[r]])
        return block

    return draws


@cache
def _choice_is_getrandbits() -> bool:
    """Whether this Python's ``random.Random.choice(seq)`` is ``seq[r]`` for the first ``r = getrandbits(len(seq).bit_length())`` below ``len(seq)``.

    It is in CPython (``_randbelow_with_getrandbits``, which ``Random`` uses
    as its generator has ``getrandbits``); checked once per process, the
    draws and the generator's state after them, on lengths around powers of
    two, so that a Python that draws otherwise keeps ``choice`` itself.
    """
    for n in (1, 2, 3, 4, 5, 7, 8, 9, 100, 127, 128, 129, 1000, 4095, 4096, 4097):
        by_choice, by_bits = random.Random(n), random.Random(n)
        seq = range(n)
        draw = _draws_by_bits(by_bits, list(seq), seq)  # (row of n-gram i: i)
        if [by_choice.choice(seq) for _ in range(40)] != draw(40) or by_choice.getstate() != by_bits.getstate():
            return False
    return True


def _ends_with_any_python(words: Iterable[str], endings: tuple[str, ...]) -> bool:
    """``any(w.endswith(endings) for w in words)``: the reference of :data:`ends_with_any` (``str.endswith`` tries every ending)."""
    return any(map(str.endswith, words, repeat(endings)))


def _kernel_function(name: str) -> Any:
    """The kernel's function ``name``, or None without the kernel (or with one built from an older source, which lacks it)."""
    return getattr(_kernel, name, None) if compiled() else None


#: whether any of ``words`` ends with one of ``endings`` (a tuple of at most 64): in C when built, where an
#: ending is compared only with a word that ends with its last character (code-mix-latin asks it of every
#: document's letter runs: 4 -> 1 us a document)
ends_with_any: Callable[[Iterable[str], tuple[str, ...]], bool] = _kernel_function("ends_with_any") or _ends_with_any_python


#: ``word_filter(words) -> bytes``: a Bloom filter of a set of str (about 12 bits a word, one 64-byte block a word,
#: keyed by the process's own str hashes), and ``filter_words(filter, words) -> list``: the words it may hold, every
#: word of the set among them and about one in a hundred others; None without the kernel. A prefilter for lookups
#: in a big table: the words it lets by are still looked up, so the answers are the table's
#: (:func:`~.lexicon.foreign_hits`, where the reference is no prefilter at all).
word_filter: Callable[[Iterable[str]], bytes] | None = _kernel_function("word_filter")
filter_words: Callable[[bytes, Iterable[str]], list[str]] | None = _kernel_function("filter_words")


def walk_implementation() -> str:
    """Which langdetect walk this process runs (for ``scrubber --version`` and bug reports)."""
    return kernel_implementation(_kernel)
