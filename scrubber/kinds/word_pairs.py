"""How likely a sentence's adjacent word pairs are in English, against the same words shuffled.

Shuffled word order (``A urine of found pets that revealed affected ...``)
has few tell-tale function-word pairs for a regex to catch (``the of``), but
nearly every pair in it is one English seldom writes: ``urine of`` is fine,
``of found``, ``found pets``, ``pets that revealed`` are each unremarkable
alone and together improbable. Judging that needs pair frequencies, which no
hand-written list gives. symspellpy (MIT) ships an English unigram list
(82,765 words) and bigram list (243,342 pairs, each seen at least 6.4
million times) built from Google Books n-grams; it is installed as a
dependency and read from its package directory, never copied here.

For two common words (among the :data:`TOP_WORDS` most frequent, both in
lower case, nothing but space between them) the pointwise mutual information
``log(count(x y) · N / (count(x) · count(y)))`` says how much likelier the
pair is than chance; a pair missing from the list is scored at the list's
floor. The PMI, rounded down, falls into a bin, and each bin carries a
weight: the log-ratio of how often human news and shuffled news put a pair
in that bin (:data:`ATTESTED_WEIGHTS`, :data:`UNATTESTED_WEIGHTS`). A
sentence's **evidence** is the sum of its pairs' weights: positive for
English-like order, strongly negative for shuffled text. The weights were
estimated by ``tests/perf/fit_word_pairs.py``: half of a news corpus
against the same sentences with their words shuffled (the other half and
separate data sets measure it).

Names and other capitalised words are left out (they need no particular
neighbours), so the score sees only the common-word skeleton of a sentence.
The tables load once per process (about 0.4 s, 35 MB; the bigram file is
streamed), or in a tenth of that from the table cache (:mod:`scrubber.tablecache`).

The scan that runs on every word of every document (:meth:`PairModel._lowest_run`)
has an optional compiled twin, ``_word_pairs_kernel.c``, built when the package
is installed on a machine with a C compiler; it returns bit-for-bit what the
Python scan here returns, which stays the reference (``SCRUBBER_PURE_PYTHON=1``
forces it; :func:`scan_implementation` says which one runs).
"""

from __future__ import annotations

import importlib.util
import math
import os
from collections.abc import Callable, Iterable, Iterator
from functools import cache, cached_property
from itertools import islice, repeat
from pathlib import Path

from ..tablecache import cached, file_stamp, package_key

try:
    from . import _word_pairs_kernel as _kernel
except ImportError:  # not built: no C compiler when the package was installed
    _kernel = None

#: set to anything but "" or "0" to run the pure Python scan even where the compiled kernel is built
PURE_PYTHON_VARIABLE = "SCRUBBER_PURE_PYTHON"
FORCED_PURE = os.environ.get(PURE_PYTHON_VARIABLE, "") not in ("", "0")

#: the most frequent words of the unigram list that pairs are judged on: rarer
#: words are names, terms and jargon whose pairs the bigram list seldom holds
TOP_WORDS = 30_000
#: count assumed for a pair missing from the bigram list (its lowest count is 6.4 million)
FLOOR = 3_000_000
#: lowest and highest PMI bin of an attested and of an unattested pair
ATTESTED_BINS = (-3, 10)
UNATTESTED_BINS = (-3, 8)

#: log-ratio (human news / shuffled news) of an attested pair's share per PMI bin,
#: from ATTESTED_BINS[0] up; fitted by tests/perf/fit_word_pairs.py
ATTESTED_WEIGHTS = (-6.84, -6.15, -4.73, -3.43, -2.14, -1.1, -0.2, 0.6, 1.35, 1.96, 2.42, 2.72, 3.0, 3.31)
#: the same for a pair missing from the bigram list, by the PMI its floor count would give
UNATTESTED_WEIGHTS = (-6.0, -5.35, -4.28, -3.43, -2.54, -1.73, -1.09, -0.68, -0.55, -0.45, -0.44, -0.38)

_DATA_FILES = ("frequency_dictionary_en_82_765.txt", "frequency_bigramdictionary_en_243_342.txt")
#: marks that end a word and start another (an apostrophe or hyphen inside a word
#: keeps it whole: ``didn't`` is a word, ``to-do`` is not a pair)
_MARKS = '"()[]{}<>.,;:!?*/|«»“”‘’—–…'
#: the typographic marks of news text, as ASCII (so most texts take the bytes path)
_TYPOGRAPHIC = (("’", "'"), ("‘", '"'), ("“", '"'), ("”", '"'), ("—", '"'), ("–", '"'), ("…", '"'))
_ASCII_MARKS = bytes(0 if chr(c) in _MARKS else c for c in range(256))
_UNICODE_MARKS = str.maketrans(dict.fromkeys(_MARKS, "\0"))


#: at most this many unattested pairs are remembered with their weight (about 7 MB)
UNATTESTED_CACHE = 100_000
#: a pair's key is ``id_x << _SHIFT | id_y`` (ids are below 2**_SHIFT)
_SHIFT = 15
_LOW = (1 << _SHIFT) - 1
assert TOP_WORDS < 1 << _SHIFT


class WordPairData(RuntimeError):
    """symspellpy's frequency lists cannot be found or read."""


def _data_dir() -> Path:
    """symspellpy's package directory, found without importing it (importing loads its C speller)."""
    spec = importlib.util.find_spec("symspellpy")
    if spec is None or not spec.submodule_search_locations:
        raise WordPairData("the garble.improbable-order rule needs symspellpy (pip install symspellpy)")
    return Path(next(iter(spec.submodule_search_locations)))


def _bin(value: float, bins: tuple[int, int]) -> int:
    return min(bins[1], max(bins[0], math.floor(value))) - bins[0]


class _PairWeights(dict[int, float]):
    """Pair key -> weight: every attested pair, and unattested pairs as they are met.

    ``weights[key]`` is a lookup in C for all but the first sighting of an
    unattested pair, which :meth:`__missing__` scores (and remembers, up to
    :data:`UNATTESTED_CACHE` of them, so memory stays bounded).
    """

    def __init__(self, attested: Iterable[tuple[int, float]], log_count: list[float]) -> None:
        super().__init__(attested)
        self._log_count = log_count
        self._log_floor = math.log(FLOOR)
        self._room = UNATTESTED_CACHE

    def unattested(self, i: int, j: int) -> float:
        """The weight of a pair missing from the bigram list, by the PMI its floor count would give."""
        return UNATTESTED_WEIGHTS[_bin(self._log_floor - self._log_count[i] - self._log_count[j], UNATTESTED_BINS)]

    def __missing__(self, key: int) -> float:
        w = self.unattested(key >> _SHIFT, key & _LOW)
        if self._room > 0:
            self._room -= 1
            self[key] = w
        return w


class PairModel:
    """The common words (as small integers) and the weight of every pair between them.

    Words are numbered so a pair is one integer (``id_x << 15 | id_y``):
    hashing an int is free, and the per-pair loop does no string work. (A
    shift of 15, not 16: ids stay below 2**15, so a shift of 16 would leave
    bit 15 of every key clear and crowd the keys into half the dict's
    slots; lookups were 25% slower.)
    """

    def __init__(self, ranked: list[str], log_count: list[float], attested: dict[int, float]) -> None:
        """The model from its parts (:func:`model_parts` makes them; :func:`pair_model` may load them from the table cache)."""
        if len(log_count) != len(ranked) + 1 or not all(type(w) is str for w in ranked):
            raise ValueError("inconsistent word pair model")
        #: word -> id (from 1; 0 means "not a common word")
        self.ids = {w: i for i, w in enumerate(ranked, start=1)}
        self.words = ["", *ranked]
        #: log count of each common word less half of log N (two of them subtract log N once), by id
        self.log_count = log_count
        #: pair key -> weight (the weights are shared float objects: the table is keys and pointers)
        self.weights = _PairWeights(attested, self.log_count)

    def _ids(self, text: str) -> list[int]:
        """The id of each word of ``text`` in order, 0 for a mark or a word that is not common.

        Marks (:data:`_MARKS`) become words of their own, so ``said,`` can
        end a pair but not start one, and no pair spans two sentences. A word
        with anything else in it (a digit, an inner hyphen, a capital letter:
        names and the first word of a sentence) is no common word. News text
        is ASCII but for a few typographic marks, which are replaced first so
        that ``bytes.translate`` does the rest in C (a regex tokeniser was
        three times slower).
        """
        for mark, plain in _TYPOGRAPHIC:
            if mark in text:
                text = text.replace(mark, plain)
        if text.isascii():
            text = text.encode().translate(_ASCII_MARKS).decode()
        else:
            text = text.translate(_UNICODE_MARKS)
        return list(map(self.ids.get, text.replace("\0", " \0 ").split(), repeat(0)))

    def _pair_ids(self, text: str) -> list[tuple[int, int]]:
        ids = self._ids(text)
        return [(i, j) for i, j in zip(ids, islice(ids, 1, None)) if i and j]

    def pairs(self, text: str) -> list[tuple[str, str]]:
        """The adjacent common-word pairs of ``text``, in order."""
        return [(self.words[i], self.words[j]) for i, j in self._pair_ids(text)]

    def features(self, text: str) -> Iterator[tuple[bool, int]]:
        """(attested, PMI bin index) of each pair: what the weights were fitted on."""
        lc, log_floor, bins = self.log_count, math.log(FLOOR), self._attested_bins
        for i, j in self._pair_ids(text):
            if (i << _SHIFT | j) in bins:
                yield True, bins[i << _SHIFT | j]
            else:
                yield False, _bin(log_floor - lc[i] - lc[j], UNATTESTED_BINS)

    @cached_property
    def _attested_bins(self) -> dict[int, int]:
        """Pair key -> PMI bin, for fitting only (recomputed from the counts, so any weights will do)."""
        return dict(_attested_pair_bins(self.ids, self.log_count, _read_bigrams(_data_dir() / _DATA_FILES[1])))

    def lowest_run(self, text: str) -> float:
        """The lowest sum of consecutive pair weights anywhere in ``text`` (0.0 when none is negative).

        Every sentence's pairs are a run of the pairs of its paragraph and
        of its document (no pair crosses a sentence end, which is a mark), so
        a text whose lowest run is above a threshold has no sentence below
        it: the detector asks the document first, then its paragraphs
        (:meth:`may_reach`), and splits only the paragraphs that may reach
        the threshold into sentences.
        """
        return self._lowest_run(text)[0]

    def may_reach(self, text: str, threshold: float) -> bool:
        """Whether a run of ``text``'s pairs may sum to ``threshold`` or less (if not, no sentence of it does).

        :meth:`lowest_run` adds up a run one weight after another and rounds
        differently from :meth:`evidence` (``math.fsum``, exact): a run of at
        most ``n`` pairs is off by at most ``n·u·Σ|w| ≤ 7·u·n²`` (``u`` =
        2⁻⁵³, every ``|w| < 7``), under ``1e-15·n²``. The margin, ``1e-9 +
        1e-12·n²``, is a thousand times that: it can only make the detector
        split a paragraph whose lowest run lies a hair above the threshold
        (and find nothing there), never skip a sentence it would flag.
        """
        lowest, n = self._lowest_run(text)  # n bounds the number of pairs
        return lowest <= threshold + 1e-9 + 1e-12 * n * n

    def _lowest_run(self, text: str) -> tuple[float, int]:
        """(lowest run, number of words: more than the pairs), by the compiled kernel if it runs, else by :meth:`_lowest_run_python`."""
        return self._scan(text)

    @cached_property
    def _scan(self) -> Callable[[str], tuple[float, int]]:
        """The scan this process runs, chosen (and the kernel's tables built) on first use."""
        scanner = None if FORCED_PURE else self.kernel()
        return self._lowest_run_python if scanner is None else scanner.lowest_run

    def kernel(self) -> _kernel.Scanner | None:  # type: ignore[name-defined]
        """The model's tables copied into the compiled kernel (None if it is not built): about 10 ms, once per process."""
        if _kernel is None:
            return None
        return _kernel.Scanner(
            ids=self.ids,
            log_count=self.log_count,
            weights=self.weights,  # attested pairs (and unattested ones met so far, with the same weight the kernel gives them)
            replace=_replacements(),
            marks=_MARKS,
            log_floor=self.weights._log_floor,
            unattested=UNATTESTED_WEIGHTS,
            bins=UNATTESTED_BINS,
            shift=_SHIFT,
        )

    def _lowest_run_python(self, text: str) -> tuple[float, int]:
        """(lowest run, number of words): Kadane's minimum-run scan, the one Python loop over every word (the reference for the kernel).

        Unattested pairs are looked up like attested ones once met
        (:class:`_PairWeights`), so the loop does no arithmetic on logs.
        Measured against it and slower: the pair keys and weights by ``map``
        and ``compress`` in C with only the scan in Python (the lookups, not
        the loop, are the cost: a quarter-million-entry table misses the
        CPU cache), and prefix sums with ``accumulate`` (``max`` is a
        Python-level call per item).
        """
        ids = self._ids(text)
        weights = self.weights
        run = lowest = 0.0
        for i, j in zip(ids, islice(ids, 1, None)):
            if i and j:
                w = weights[i << _SHIFT | j]
                run = run + w if run < 0.0 else w
                if run < lowest:
                    lowest = run
        return lowest, len(ids)

    def evidence(self, text: str) -> tuple[float, list[tuple[float, str]]]:
        """(sum of the pair weights, [(weight, "x y")] of every pair): the reasons for a flag."""
        weights, words = self.weights, self.words
        scored = [(weights[i << _SHIFT | j], f"{words[i]} {words[j]}") for i, j in self._pair_ids(text)]
        return math.fsum(w for w, _ in scored), scored


def _replacements() -> dict[str, str]:
    """Each typographic mark -> the character it ends as (:meth:`PairModel._ids` applies :data:`_TYPOGRAPHIC` one after another)."""
    out = {}
    for mark, _ in _TYPOGRAPHIC:
        char = mark
        for old, new in _TYPOGRAPHIC:
            char = char.replace(old, new)
        out[mark] = char
    return out


def kernel_implementation(kernel: object | None) -> str:
    """Which scan runs, given an optional compiled kernel module (None: not built), for ``scrubber --version`` and bug reports."""
    if kernel is None:
        return "pure Python (the compiled kernel is not built)"
    if FORCED_PURE:
        return f"pure Python ({PURE_PYTHON_VARIABLE} is set)"
    return "compiled kernel"


def scan_implementation() -> str:
    """Which word-pair scan this process runs (for ``scrubber --version`` and bug reports)."""
    return kernel_implementation(_kernel)


def _read_unigrams(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            word, count = line.split()
            counts[word] = int(count)
    return counts


def _read_bigrams(path: Path) -> Iterator[tuple[str, str, int]]:
    """(first word, second word, count) per line, streamed (a dict of all of them took 100 MB at peak)."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            x, y, count = line.split()
            yield x, y, int(count)


def _attested_pair_bins(ids: dict[str, int], log_count: list[float], bigrams: Iterable[tuple[str, str, int]]) -> Iterator[tuple[int, int]]:
    """(pair key, PMI bin index) of each listed pair of two common words."""
    for x, y, c in bigrams:
        i, j = ids.get(x), ids.get(y)
        if i is not None and j is not None:
            yield i << _SHIFT | j, _bin(math.log(c) - log_count[i] - log_count[j], ATTESTED_BINS)


def model_parts(unigrams: dict[str, int], bigrams: Iterable[tuple[str, str, int]]) -> tuple[list[str], list[float], dict[int, float]]:
    """What :class:`PairModel` is made of, from symspellpy's counts: the common words by rank, their log counts by id, and every listed pair's weight."""
    log_n = math.log(sum(unigrams.values()))
    ranked = sorted(unigrams, key=lambda w: (-unigrams[w], w))[:TOP_WORDS]
    ids = {w: i for i, w in enumerate(ranked, start=1)}
    log_count = [0.0] + [math.log(unigrams[w]) - log_n / 2 for w in ranked]
    return ranked, log_count, {key: ATTESTED_WEIGHTS[b] for key, b in _attested_pair_bins(ids, log_count, bigrams)}


def _sources(directory: Path) -> tuple:
    """What the model depends on, for its cache key: symspellpy's version and lists, this module, the constants."""
    return (
        package_key("symspellpy", directory, directory, _DATA_FILES),
        file_stamp(Path(__file__)),
        TOP_WORDS,
        FLOOR,
        ATTESTED_BINS,
        UNATTESTED_BINS,
        ATTESTED_WEIGHTS,
        UNATTESTED_WEIGHTS,
        _SHIFT,
    )


def _checked(payload: object) -> tuple[list[str], list[float], dict[int, float]]:
    """A cache file's payload, if it has the shape of :func:`model_parts`'s result."""
    ranked, log_count, attested = payload  # type: ignore[misc]
    if type(ranked) is not list or type(log_count) is not list or type(attested) is not dict:
        raise TypeError("not a word pair model")
    return ranked, log_count, attested


@cache
def pair_model() -> PairModel:
    """The model, built once per process from symspellpy's lists (or loaded from the table cache, :mod:`scrubber.tablecache`)."""
    directory = _data_dir()

    def build() -> tuple[list[str], list[float], dict[int, float]]:
        try:
            return model_parts(_read_unigrams(directory / _DATA_FILES[0]), _read_bigrams(directory / _DATA_FILES[1]))
        except (OSError, ValueError) as exc:
            raise WordPairData(f"cannot read symspellpy's frequency lists in {directory}: {exc}") from exc

    return PairModel(*cached("pairs", _sources(directory), build, lambda parts: parts, _checked))
