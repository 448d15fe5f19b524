"""langdetect's language profiles, loaded from the table cache.

langdetect reads its 55 JSON profiles (2.3 MB) into one table the first
time it is asked (``DetectorFactory.load_profile``): 0.2 s of CPU in every
process that reaches it (a ``scrubber check`` run, each pool worker), a
sixth of a pass of all rules over 6 MB of news. The table is
``word_lang_prob_map``: an n-gram -> a list of one probability per
language, almost all ``0.0`` (88,000 n-grams, 184,000 non-zero values of
4.8 million). A plain marshal of it loads slower than the JSON (one object
per slot), so the cache holds it sparse: the n-grams, how many non-zero
values each row has, their language indices and their values as packed
doubles (bit for bit). :func:`install` rebuilds the same table (equal
rows, same key order, same ``langlist``) and hands it to langdetect as
its factory, so ``detect_langs`` never loads the JSON (0.24 → 0.10 s).

**Rows are arrays of doubles** (``array("d")``), not langdetect's lists:
langdetect only indexes a row (``lang_prob_map[i]``), which gives the same
float, so the guesses are the same; but 88,000 lists stay tracked by the
garbage collector for the life of the process, and every full collection
walks their 4.8 million slots: 0.057 s instead of 0.009 s per collection,
three or four of them in one ``scrubber check`` of 6 MB. An array is no
container: the collector walks none of its items (0.0155 s per full
collection with them; tuples would be walked once more before the
collector untracks them, 0.1 s).
"""

from __future__ import annotations

import gc
import math
import os
from array import array
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..tablecache import cached, package_key

#: a row length the index array (``array("H")``) can address
_MAX_LANGUAGES = 65535


def _sparse(size: int, langlist: list[str], table: Mapping[str, Sequence[float]]) -> tuple:
    """``(size, langlist, n-grams, counts, indices, values)``: the table as marshal-friendly plain data."""
    counts = array("H")
    indices = array("H")
    values = array("d")
    for row in table.values():
        if len(row) != size or size > _MAX_LANGUAGES:
            raise ValueError("rows of unequal length")
        nonzero = [(i, v) for i, v in enumerate(row) if not (v == 0.0 and math.copysign(1.0, v) > 0)]
        counts.append(len(nonzero))
        for i, v in nonzero:
            indices.append(i)
            values.append(v)
    return (size, list(langlist), list(table), counts.tobytes(), indices.tobytes(), values.tobytes())


def _dense(payload: object) -> tuple[list[str], dict[str, array]]:
    """``(langlist, table)`` from :func:`_sparse`'s data; raises ``ValueError``/``TypeError`` on anything else."""
    size, langlist, ngrams, counts_b, indices_b, values_b = payload  # type: ignore[misc]
    if type(size) is not int or type(langlist) is not list or type(ngrams) is not list:
        raise TypeError("not a langdetect profile table")
    counts, indices, values = array("H"), array("H"), array("d")
    counts.frombytes(counts_b)
    indices.frombytes(indices_b)
    values.frombytes(values_b)
    if len(counts) != len(ngrams) or sum(counts) != len(indices) or len(indices) != len(values):
        raise ValueError("inconsistent langdetect profile table")
    if indices and max(indices) >= size:
        raise ValueError("language index out of range")
    # one array of zeros for all rows, the non-zero values put in place (one Python
    # step per non-zero value), then cut into a row per n-gram: arrays are no
    # containers, so the garbage collector never walks them (see the module docstring)
    flat = array("d", bytes(8 * size * len(ngrams)))
    offsets = [row * size for row, n in enumerate(counts) for _ in range(n)]
    for offset, i, v in zip(offsets, indices, values):
        flat[offset + i] = v
    was_enabled = gc.isenabled()
    gc.disable()  # 88,000 new objects would start a few collections that find nothing to free
    try:
        rows = [flat[k : k + size] for k in range(0, len(flat), size)] if size else [array("d") for _ in ngrams]
    finally:
        if was_enabled:
            gc.enable()
    return list(langlist), dict(zip(ngrams, rows))


def _key(directory: Path, names: list[str]) -> tuple:
    """langdetect's version and every profile file (name, size, mtime) in listing order."""
    package = directory.parent
    return (package_key("langdetect", package, directory, tuple(names)), tuple(names))


def install() -> None:
    """Give langdetect its factory from the table cache (or let it load its JSON and cache the result); once per process."""
    from langdetect import detector_factory

    if detector_factory._factory is not None:
        return
    directory = Path(detector_factory.PROFILES_DIRECTORY)
    try:
        names = os.listdir(directory)
    except OSError:
        return  # langdetect raises its own error when it tries

    def build() -> Any:
        factory = detector_factory.DetectorFactory()
        factory.load_profile(str(directory))
        factory.word_lang_prob_map = {ngram: array("d", row) for ngram, row in factory.word_lang_prob_map.items()}
        return factory

    def encode(factory: Any) -> tuple:
        table = factory.word_lang_prob_map
        size = len(next(iter(table.values()))) if table else 0
        return _sparse(size, factory.langlist, table)

    def decode(payload: object) -> Any:
        langlist, table = _dense(payload)
        factory = detector_factory.DetectorFactory()
        factory.langlist = langlist
        factory.word_lang_prob_map = table
        return factory

    from langdetect.lang_detect_exception import LangDetectException

    try:
        detector_factory._factory = cached("langdetect", _key(directory, names), build, encode, decode)
    except LangDetectException:
        return  # profiles langdetect cannot read: left to langdetect's own loading, which behaves as it always did
