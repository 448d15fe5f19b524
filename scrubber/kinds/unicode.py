"""``ftfy`` kind: mojibake repaired by ftfy, reported word by word.

ftfy rewrites whole strings and, on a string with several problems, its
explanation collapses into one vague plan. So we run it line by line, only on
lines that contain a character mojibake produces (a cheap scan skips clean
text), then diff each line against ftfy's result into the smallest regions a
reviewer can judge: a word, not a line. Each region carries ftfy's plan in
words ("UTF-8 read as Windows-1252").

By default ftfy's typographic normalisations (straightening quotes, changing
character width, expanding ligatures, NFC/NFKC) are off: scraped news uses
curly quotes on purpose.
"""

from __future__ import annotations

import difflib
import functools
import html
import re
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import compress, count, groupby, pairwise
from operator import ne

import ftfy
from ftfy import chardata as ftfy_chardata

from ..model import Finding
from .base import DocContext, Kind, Matcher, PackError, RuleSpec, fix_finding, register
from .char_scan import SIGNATURE_OUTPUT, Rule, char_scan, family_candidates, matches

#: ftfy's single-byte encodings: UTF-8 read as any of these is what it can fix
SIGNATURE_ENCODINGS = (
    "latin-1",
    "sloppy-windows-1252",
    "sloppy-windows-1251",
    "sloppy-windows-1250",
    "sloppy-windows-1253",
    "sloppy-windows-1254",
    "sloppy-windows-1257",
    "iso-8859-2",
    "macroman",
    "cp437",
)


def _class(chars: set[str]) -> str:
    return "[" + re.escape("".join(sorted(chars))) + "]"


def _build_signature() -> tuple[re.Pattern[str], frozenset[str], frozenset[str], list[Rule]]:
    """What UTF-8 mojibake looks like, for every encoding ftfy knows.

    A UTF-8 lead byte (0xC2-0xF4) followed by a continuation byte
    (0x80-0xBF), both as one of those encodings shows them; plus C1 controls
    and a lead byte that lost its non-breaking space. Lines without any are
    never handed to ftfy, which is what makes clean text fast. Curly quotes
    and accented letters alone do not trigger it.

    The scan uses the union of all leads followed by the union of all
    continuations; each hit is then checked against the pairs one real
    encoding produces. The pattern starts with *one* character class (the
    alternatives are chosen by a look-behind at the character just read):
    stdlib ``re`` then skips to candidate characters in C (~300 MB/s), where
    a top-level alternation ``lead cont|C1|Â`` would try every position
    (~80 MB/s). It finds exactly what the alternation finds.
    """
    import ftfy.bad_codecs  # noqa: F401  (registers the sloppy codecs)

    all_leads: set[str] = set()
    all_conts: set[str] = set()
    pairs: set[str] = set()
    for encoding in SIGNATURE_ENCODINGS:
        leads = {bytes([b]).decode(encoding, "replace") for b in range(0xC2, 0xF5)} - {"\ufffd"}
        conts = {bytes([b]).decode(encoding, "replace") for b in range(0x80, 0xC0)} - {"\ufffd"}
        all_leads |= leads
        all_conts |= conts
        pairs |= {a + b for a in leads for b in conts}
    c1 = {chr(c) for c in range(0x80, 0xA0)}
    first = _class(all_leads | c1 | {"\u00c2", "\u00c3"})
    lead, conts_or_lost = _class(all_leads), _class(all_conts | {"\ufffd"})
    pattern = f"{first}(?:(?<={lead}){conts_or_lost}|(?<=[\u0080-\u009f])|(?<=[\u00c2\u00c3])(?=[ \u00a0]))"
    rules: list[Rule] = [
        (None, "".join(sorted(all_leads)), "".join(sorted(all_conts | {"\ufffd"}))),
        (None, "".join(sorted(c1)), None),
        (None, "\u00c2\u00c3", " \u00a0"),
    ]
    return re.compile(pattern), frozenset(pairs), frozenset(all_leads | {"\u00c2", "\u00c3"}), rules


SIGNATURE, _PAIRS, _LEADS, _SIGNATURE_RULES = _build_signature()
#: the compiled scan for :data:`SIGNATURE` (None: the ``re`` scan runs)
_SIGNATURE_SCAN = char_scan(lambda: [_SIGNATURE_RULES])


def _is_signature(hit: str) -> bool:
    return len(hit) == 1 or hit in _PAIRS or hit[1] in " \u00a0\ufffd"


def looks_like_mojibake(text: str, pos: int = 0, endpos: int | None = None) -> bool:
    """True if ``text[pos:endpos]`` holds anything ftfy's decoders could fix."""
    if text.isascii():
        return False
    if pos == 0 and endpos is None:
        return any(_is_signature(m.group()) for m in _signature_matches(text))
    return any(_is_signature(m.group()) for m in SIGNATURE.finditer(text, pos, len(text) if endpos is None else endpos))


def _signature_matches(text: str) -> Iterator[re.Match[str]]:
    """``SIGNATURE.finditer(text)``, from the compiled scan's candidates where there is one."""
    return SIGNATURE.finditer(text) if _SIGNATURE_SCAN is None else matches(SIGNATURE, text, _SIGNATURE_SCAN.scan(text)[0])


def signature_hits(ctx: DocContext) -> Sequence[int]:
    """Start offsets of the mojibake signatures in the document, computed once (sorted, for bisection).

    No signature spans a line break, so the hits of one scan over the whole
    text are exactly those of a scan line by line: ``looks_like_mojibake``
    of a line is "a hit lies in it" (see :func:`mojibake_between`), and the
    ``chars`` detectors and this kind share the one scan. An array of
    machine integers, not a list: a document of mojibake has a hit every few
    characters, and a list of int objects took 36 bytes a hit (80 MB on a
    16 MB line), the array takes 8.
    """

    def scan() -> Sequence[int]:
        text = ctx.text
        if text.isascii():
            return ()
        scanned = family_candidates(ctx)
        if scanned is not None:
            candidates = scanned[SIGNATURE_OUTPUT]
            if not candidates:  # most documents: no array to build
                return ()
            found: Iterator[re.Match[str]] = matches(SIGNATURE, text, candidates)
        else:
            found = SIGNATURE.finditer(text)
        return array("q", (m.start() for m in found if _is_signature(m.group())))

    return ctx.memo("unicode.signature", scan)


def mojibake_between(ctx: DocContext, lo: int, hi: int) -> bool:
    """``looks_like_mojibake(ctx.text, lo, hi)`` for ``lo``/``hi`` at line boundaries, from the shared scan."""
    hits = signature_hits(ctx)
    if not hits:
        return False
    i = bisect_left(hits, lo)
    return i < len(hits) and hits[i] < hi


_ENTITY = re.compile(r"&#?[0-9A-Za-z]{1,24};")
_HTML_TAG = re.compile(r"<(?:/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?|!--)>")

_ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-variants": "UTF-8",
    "sloppy-windows-1252": "Windows-1252",
    "windows-1252": "Windows-1252",
    "sloppy-windows-1251": "Windows-1251",
    "sloppy-windows-1250": "Windows-1250",
    "sloppy-windows-1253": "Windows-1253",
    "sloppy-windows-1254": "Windows-1254",
    "sloppy-windows-1257": "Windows-1257",
    "iso-8859-2": "ISO-8859-2",
    "windows-1251": "Windows-1251",
    "latin-1": "Latin-1",
    "macroman": "MacRoman",
    "cp437": "cp437 (DOS)",
}

_STEP_NAMES = {
    "unescape_html": "HTML entities decoded",
    "remove_terminal_escapes": "terminal escape codes removed",
    "restore_byte_a0": "UTF-8 that lost a non-breaking space byte",
    "replace_lossy_sequences": "unrecoverable mojibake marked",
    "decode_inconsistent_utf8": "inconsistent UTF-8 decoded",
    "fix_c1_controls": "Windows-1252 read as Latin-1 (C1 control characters)",
    "fix_surrogates": "UTF-16 surrogates joined",
    "remove_control_chars": "control characters removed",
    "fix_line_breaks": "line breaks normalised",
    "uncurl_quotes": "curly quotes straightened",
    "fix_latin_ligatures": "ligatures expanded",
    "fix_character_width": "full-width characters narrowed",
}

_FTFY_OPTIONS = {
    "uncurl_quotes": False,
    "fix_character_width": False,
    "fix_latin_ligatures": False,
    "fix_line_breaks": False,
    "remove_control_chars": False,
    "unescape_html": False,
    "remove_terminal_escapes": False,
    "normalization": None,
}


def explain_plan(plan: list[tuple[str, str]] | None) -> str:
    """Turn ftfy's plan into words a reviewer understands."""
    if not plan:
        return "text changed by ftfy"
    parts: list[str] = []
    steps = list(plan)
    i = 0
    while i < len(steps):
        op, arg = steps[i]
        if op == "encode" and i + 1 < len(steps) and steps[i + 1][0] == "decode":
            read_as = _ENCODING_NAMES.get(arg, arg)
            real = _ENCODING_NAMES.get(steps[i + 1][1], steps[i + 1][1])
            parts.append(f"{real} read as {read_as}")
            i += 2
            continue
        if op in ("apply", "transcode"):
            parts.append(_STEP_NAMES.get(arg, arg.replace("_", " ")))
        else:
            parts.append(f"{op} {arg}")
        i += 1
    runs: list[list] = []  # [part, repeats]
    for part in parts:
        if runs and runs[-1][0] == part:
            runs[-1][1] += 1
        else:
            runs.append([part, 1])
    return "; ".join(p if n == 1 else f"{p} twice" if n == 2 else f"{p} ({n} times)" for p, n in runs)


_PIECES = re.compile(r"\s+|\S+")


def diff_regions(old: str, new: str) -> list[tuple[int, int, int, int]]:
    """Smallest word-sized regions where ``old`` and ``new`` differ.

    A character diff is quadratic (and pure Python), and a whole damaged
    document can be one long line; so long lines are first aligned word by
    word, and only the differing stretches are diffed character by character.

    A short line gets the character diff of the whole line, computed word by
    word when that provably gives the same regions (:func:`_separable`): the
    usual case, where ftfy replaced a few words one for one.
    """
    q, a, b = middle_pieces(old, new)
    short = len(old) < 400
    if len(a) == len(b):  # ftfy replaced words one for one: linear
        changed = list(compress(count(), map(ne, a, b)))  # the indexes where they differ, in C
        known = [_core_ops(a[i], b[i]) for i in changed]
        if not short or _separable(old, new, a, b, changed, known):
            return [
                (q + i1, q + i2, q + j1, q + j2) for i1, i2, j1, j2 in _piece_regions(a, b, [(i, i + 1, i, i + 1) for i in changed], known)
            ]
    if short:
        return _char_regions(old, new)
    a, b = _PIECES.findall(old), _PIECES.findall(new)
    if len(a) > RESYNC_ABOVE:
        return _piece_regions(a, b, _resync_blocks(a, b))
    # popular pieces (spaces) as junk keep this near-linear too
    ops = difflib.SequenceMatcher(None, a, b, autojunk=True).get_opcodes()
    return _piece_regions(a, b, [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in ops if tag != "equal"])


#: a line of more pieces than this is aligned by :func:`_resync_blocks`, not by difflib
RESYNC_ABOVE = 2000
#: how many pieces ahead :func:`_resync_blocks` looks for the two texts to agree again ...
RESYNC_LOOKAHEAD = 48
#: ... and how many pieces in a row must agree to count as agreeing
RESYNC_RUN = 4


def _resync_blocks(a: list[str], b: list[str]) -> list[tuple[int, int, int, int]]:
    """The differing blocks ``(i1, i2, j1, j2)`` of two long piece lists, in one pass.

    ftfy changes a line in small separate places and leaves the text between
    them as it was, but when a fix changes how many pieces there are (``Â``
    before a no-break space goes, and the space joins the next run of
    spaces) :func:`diff_regions` cannot pair pieces one for one, and
    difflib's longest-match search over a 64K window of a few thousand
    distinct words grew much faster than the window (an audit: 300 KB of
    such a line took 50 s, the same text cut into lines 0.7 s). Here the two
    lists are walked together; at a difference, the nearest point within
    :data:`RESYNC_LOOKAHEAD` pieces where :data:`RESYNC_RUN` pieces agree
    again ends the block (fewest pieces skipped first). Equal stretches are
    really equal, so the blocks always turn ``a`` into ``b``; past the
    look-ahead, difflib aligns the rest.
    """
    blocks: list[tuple[int, int, int, int]] = []
    i = j = 0
    n, m = len(a), len(b)
    while i < n and j < m:
        if a[i] == b[j]:
            i += 1
            j += 1
            continue
        found = None
        for d in range(1, 2 * RESYNC_LOOKAHEAD + 1):
            for di in range(max(0, d - RESYNC_LOOKAHEAD), min(d, RESYNC_LOOKAHEAD) + 1):
                x, y = i + di, j + d - di
                if a[x : x + RESYNC_RUN] == b[y : y + RESYNC_RUN] and (x < n or y >= m) and (y < m or x >= n):
                    found = (min(x, n), min(y, m))
                    break
            if found:
                break
        if found is None:  # no agreement near: difflib on what is left
            ops = difflib.SequenceMatcher(None, a[i:], b[j:], autojunk=True).get_opcodes()
            blocks += [(i + i1, i + i2, j + j1, j + j2) for tag, i1, i2, j1, j2 in ops if tag != "equal"]
            return blocks
        blocks.append((i, found[0], j, found[1]))
        i, j = found
    if i < n or j < m:
        blocks.append((i, n, j, m))
    return blocks


def middle_pieces(old: str, new: str) -> tuple[int, list[str], list[str]]:
    """``(q, a, b)``: the pieces of ``old`` and ``new`` between their common beginning and end, which start at offset ``q`` in both.

    A damaged line is often a paragraph of a thousand characters with a few
    words of mojibake, and splitting both versions into pieces (runs of
    space and of non-space, :data:`_PIECES`) and comparing them one by one
    took most of :func:`diff_regions`. The common beginning and end of the
    two strings are found by bisection over slice comparisons (in C), and
    they are cut at piece boundaries that lie inside them (a boundary's two
    characters are then the same in both strings): the pieces before ``q``
    and after the cut at the end are the same in both, and are the pieces
    the whole strings begin and end with. So the whole strings have as
    many pieces as each other exactly when ``a`` and ``b`` do, and a
    differing piece of theirs is one of ``a`` and ``b``, ``q`` characters
    further on.
    """
    n = min(len(old), len(new))
    p = _common_length(n, lambda k: old[:k] == new[:k])
    s = _common_length(n - p, lambda k: old[len(old) - k :] == new[len(new) - k :])
    q = max(p - 1, 0)  # the boundary at or before the last common character of the beginning
    while q > 0 and old[q - 1].isspace() == old[q].isspace():
        q -= 1
    r = len(old) - s + 1 if s else len(old)  # the boundary after the first common character of the end
    while r < len(old) and old[r - 1].isspace() == old[r].isspace():
        r += 1
    return q, _PIECES.findall(old, q, r), _PIECES.findall(new, q, r + len(new) - len(old))


def _common_length(limit: int, same: Callable[[int], bool]) -> int:
    """The largest ``k <= limit`` with ``same(k)`` true, for a ``same`` true up to some length and false after it."""
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if same(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def _piece_regions(
    a: list[str], b: list[str], blocks: list[tuple[int, int, int, int]], known: list[list[Opcode] | None] | None = None
) -> list[tuple[int, int, int, int]]:
    """The character regions of each differing block of pieces, in line offsets (``known``: their opcodes).

    The blocks come in order and the pieces between two of them are the
    same in ``a`` and ``b`` (difflib's equal opcodes, or the pieces
    :func:`diff_regions` and :func:`_resync_blocks` found equal), so a
    block's offset in ``b`` is its offset in ``a`` plus what the blocks
    before it added: only the pieces between blocks are measured, once (a
    long line with a few damaged words: a prefix sum over every piece of
    both lines was a fifth of the diff).
    """
    if not blocks:
        return []
    regions: list[tuple[int, int, int, int]] = []
    o1 = shift = after = 0  # after: the piece of ``a`` where the previous block ended, at offset o1
    for k, (i1, i2, j1, j2) in enumerate(blocks):
        o1 += sum(map(len, a[after:i1]))
        n1 = o1 + shift
        x, y = "".join(a[i1:i2]), "".join(b[j1:j2])
        after = i2
        ops = known[k] if known is not None else _core_ops(x, y)
        found = _widen(x, ops) if ops is not None else _char_regions(x, y)
        regions.extend((o1 + r1, o1 + r2, n1 + s1, n1 + s2) for r1, r2, s1, s2 in found)
        o1 += len(x)
        shift += len(y) - len(x)
    return regions


Opcode = tuple[str, int, int, int, int]


def _runs(s: str, odd: set[str]) -> list[tuple[bool, int, int]]:
    """Maximal runs of ``s`` made of characters in ``odd`` (True) or not (False)."""
    runs: list[tuple[bool, int, int]] = []
    start = 0
    for is_odd, group in groupby(map(odd.__contains__, s)):
        end = start + sum(1 for _ in group)
        runs.append((is_odd, start, end))
        start = end
    return runs


def _core_ops(x: str, y: str) -> list[Opcode] | None:
    """difflib's opcodes for ``x`` -> ``y`` without difflib, when they are known in advance.

    The *cores* are the runs of characters only ``x`` has and the runs only
    ``y`` has. If the two strings alternate the same shared stretches with
    cores (each core non-empty on both sides), then no core character can
    be matched and every shared stretch can only be matched to itself
    (difflib takes the longest match, the leftmost on ties, and the shared
    stretches come in the same order on both sides): the opcodes are equal,
    replace, equal, ... Otherwise None.
    """
    # the usual case first: one differing stretch between a common prefix and suffix
    n = min(len(x), len(y))
    p = 0
    while p < n and x[p] == y[p]:
        p += 1
    e = 0
    while e < n - p and x[-1 - e] == y[-1 - e]:
        e += 1
    cx, cy, same = x[p : len(x) - e], y[p : len(y) - e], x[:p] + x[len(x) - e :]
    if cx and cy and set(cx).isdisjoint(cy) and set(same).isdisjoint(cx) and set(same).isdisjoint(cy):
        ops = [("replace", p, len(x) - e, p, len(y) - e)]  # the runs below would find exactly this
        if p:
            ops.insert(0, ("equal", 0, p, 0, p))
        if e:
            ops.append(("equal", len(x) - e, len(x), len(y) - e, len(y)))
        return ops
    rx = _runs(x, set(x).difference(y))
    ry = _runs(y, set(y).difference(x))
    if len(rx) != len(ry):
        return None
    ops: list[Opcode] = []
    for (core, a1, a2), (core_y, b1, b2) in zip(rx, ry):
        if core != core_y or (not core and x[a1:a2] != y[b1:b2]):
            return None
        ops.append(("replace" if core else "equal", a1, a2, b1, b2))
    return ops if any(op[0] == "replace" for op in ops) else None


def _separable(old: str, new: str, a: list[str], b: list[str], changed: list[int], known: list[list[Opcode] | None]) -> bool:
    """Whether the character diff of the whole line equals the diffs of its changed words.

    True when the words were replaced one for one, no space changed, each
    changed word has ``known`` opcodes (:func:`_core_ops`), and no core
    character occurs anywhere else in its line, nor in a core of the other
    line. Then, as in :func:`_core_ops`, difflib on the whole line can only
    match the shared stretches to themselves: it finds the words' opcodes
    side by side. Regions widen only over letters and digits, which stop at
    the spaces around a word either way, so the regions are the same too.
    """
    in_old: dict[str, int] = {}
    in_new: dict[str, int] = {}
    for i, ops in zip(changed, known):
        x, y = a[i], b[i]
        if ops is None or x.isspace() or y.isspace():
            return False
        for c in set(x).difference(y):
            in_old[c] = in_old.get(c, 0) + x.count(c)
        for c in set(y).difference(x):
            in_new[c] = in_new.get(c, 0) + y.count(c)
    if not in_old.keys().isdisjoint(in_new):
        return False
    return all(old.count(c) == n for c, n in in_old.items()) and all(new.count(c) == n for c, n in in_new.items())


def _char_regions(old: str, new: str) -> list[tuple[int, int, int, int]]:
    """Smallest word-sized regions where ``old`` and ``new`` differ.

    Returns ``(i1, i2, j1, j2)`` tuples: replacing ``old[i1:i2]`` by
    ``new[j1:j2]`` for every region turns ``old`` into ``new``, and any subset
    of them can be applied on its own.
    """
    return _widen(old, difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes())


def _widen(old: str, ops: list[Opcode]) -> list[tuple[int, int, int, int]]:
    """The differing opcodes widened to words and merged where they touch."""
    regions: list[list[int]] = []
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            continue
        # widen to the enclosing word (letters and digits) using the equal blocks
        # on each side; stopping at punctuation keeps regions from swallowing
        # tokens other rules own, like ``[ad_2]``
        if k > 0 and ops[k - 1][0] == "equal":
            lo = ops[k - 1][1]
            while i1 > lo and (old[i1 - 1].isalnum() or old[i1 - 1] == "_"):
                i1 -= 1
                j1 -= 1
        if k + 1 < len(ops) and ops[k + 1][0] == "equal":
            hi = ops[k + 1][2]
            while i2 < hi and (old[i2].isalnum() or old[i2] == "_"):
                i2 += 1
                j2 += 1
        if regions and i1 <= regions[-1][1]:
            regions[-1][1] = max(regions[-1][1], i2)
            regions[-1][3] = max(regions[-1][3], j2)
        else:
            regions.append([i1, i2, j1, j2])
    return [tuple(r) for r in regions]  # type: ignore[misc]


#: C1 controls (ftfy.chardata.C1_CONTROL_RE) and U+FFFD, which the sloppy codecs encode as 0x1A
_RESTEP = re.compile("[\x80-\x9f\ufffd]")
_C0 = frozenset(chr(c) for c in (*range(0, 9), 0x0B, *range(0x0E, 0x20), 0x7F))
_C0_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _has_surrogate(text: str) -> bool:
    """Whether ``text`` holds a surrogate code point: ``ftfy.fixes.fix_surrogates(text) != text``.

    ftfy's fixer replaces each surrogate (a pair by the character it
    stands for, a lone one by U+FFFD) and changes nothing else; strict UTF-8
    refuses exactly the surrogates, and encoding finds one faster than
    ftfy's class scan.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


#: printable ASCII: every single-byte encoding ftfy tries encodes it as itself
_PRINTABLE_ASCII = "".join(map(chr, range(0x20, 0x7F)))
#: how much printable ASCII :func:`damaged_window` keeps on each side of the damage
WINDOW_MARGIN = 16
#: the ftfy versions whose encoding step :func:`damaged_window` was checked against
#: (tests/test_unicode_window.py holds the reasons below for the installed ftfy)
_NARROWS = ftfy.__version__.split(".")[:2] in (["6", "2"], ["6", "3"])


def damaged_window(line: str) -> tuple[int, int]:
    """The stretch of ``line`` ftfy's encoding step needs to see: ``line[start:end]``.

    ``fix_encoding_and_explain(line)`` equals the printable ASCII before
    ``start`` + ``fix_encoding_and_explain(line[start:end])`` + the printable
    ASCII after ``end``, with the same plan, where the stretch runs from
    :data:`WINDOW_MARGIN` characters before the first character outside
    printable ASCII to as many after the last. Why: each encoding ftfy tries
    encodes printable ASCII as itself (so whether the line is encodable,
    and what its bytes decode to, depends on the stretch alone), and every
    pattern ftfy's step consults (its badness test, the UTF-8 detector, the
    altered and lossy byte sequences) matches only a short string that holds
    a byte or character outside printable ASCII, with at most one character
    of look-behind: 7 characters or 6 bytes at most, well inside the margin.
    A clean line's confirming badness scan, ftfy's dearest step, then reads
    the stretch instead of the whole paragraph (about 30% of the mojibake
    rule's time on scraped news, where damage spreads over the paragraph).
    """
    end = len(line.rstrip(_PRINTABLE_ASCII))
    if not end:
        return 0, 0
    start = len(line) - len(line.lstrip(_PRINTABLE_ASCII))
    return max(0, start - WINDOW_MARGIN), min(len(line), end + WINDOW_MARGIN)


#: the ftfy versions whose encoding step :func:`settled` was checked against (the same as
#: :data:`_NARROWS`; tests/test_unicode_settled.py holds its reasons for the installed ftfy)
_SETTLES = _NARROWS and hasattr(ftfy, "_fix_encoding_one_step_and_explain")
#: the bytes a UTF-8 sequence can start with where ftfy decodes (``utf-8-variants`` adds C0 80, U+0000) ...
LEAD_BYTES = bytes([0xC0, *range(0xC2, 0xF5)])
#: ... and the bytes that can follow them
CONTINUATION_BYTES = bytes(range(0x80, 0xC0))
#: the lead bytes after which ftfy's ``restore_byte_a0`` may turn a space into A0 (its
#: ``ALTERED_UTF8_RE`` and ``A_GRAVE_WORD_RE``; elsewhere a space it turns follows a continuation byte)
RESTORE_LEADS = bytes([0xC2, 0xC3, 0xC5, 0xCE, 0xD0, 0xD9, 0xE2, 0xE3, 0xF0])


@functools.cache
def _unsettling() -> tuple[re.Pattern[str], frozenset[str], frozenset[str]]:
    """``(candidates, singles, pairs)``: what :func:`settled` looks for (built on first use, ~10 ms).

    ``pairs``: for each encoding ftfy tries, a character it encodes as a
    lead byte followed by one it encodes as a continuation byte, or by
    ``?`` (``replace_lossy_sequences`` reads ``C3 3F`` as a lost byte), or,
    except in MacRoman, one it encodes as one of :data:`RESTORE_LEADS`
    followed by a space (``restore_byte_a0`` may make it A0); and C0
    followed by ``\\n`` (``utf-8-variants`` reads ``C0 0A`` at the end as U+0000).
    ``singles``: C1 controls and U+FFFD. ``candidates`` finds, consuming one
    character a match, every position where one of those or a match of
    ftfy's ``UTF8_DETECTOR_RE`` may start: one of ``singles``, or a first
    character of a pair or of a detector unit before a second one (the
    detector's classes are ftfy's ``UTF8_CLUES``, placed in classes as ftfy
    places them).
    """
    import ftfy.bad_codecs  # noqa: F401  (registers the sloppy codecs)

    pairs: set[str] = set()
    for encoding in ftfy_chardata.CHARMAP_ENCODINGS:
        leads = {c for c in LEAD_BYTES.decode(encoding, "replace") if c != "\ufffd"}
        follows = {c for c in CONTINUATION_BYTES.decode(encoding, "replace") if c != "\ufffd"} | {"?"}
        pairs |= {a + b for a in leads for b in follows}
        # utf-8-variants reads C0 before a line break that ends the text as U+0000 (its ``$``)
        pairs |= {c + "\n" for c in b"\xc0".decode(encoding, "replace") if c != "\ufffd"}
        if encoding != "macroman":  # as in ftfy's step: no restore_byte_a0 for MacRoman
            pairs |= {c + " " for c in RESTORE_LEADS.decode(encoding, "replace") if c != "\ufffd"}
    clues = ftfy_chardata.UTF8_CLUES
    singles = {chr(c) for c in range(0x80, 0xA0)} | {"\ufffd"}
    single = re.escape("".join(sorted(singles)))
    firsts = (
        re.escape("".join(sorted({p[0] for p in pairs}))) + clues["utf8_first_of_2"] + clues["utf8_first_of_3"] + clues["utf8_first_of_4"]
    )
    seconds = re.escape("".join(sorted({p[1] for p in pairs}))) + clues["utf8_continuation"]
    # one class first, the alternatives chosen by a look-behind (see _build_signature): 2.5x faster than ``S|F(?=N)``
    candidates = re.compile(f"[{single}{firsts}](?:(?<=[{firsts}])(?=[{seconds}])|(?<=[{single}]))")
    return candidates, frozenset(singles), frozenset(pairs)


def settled(text: str) -> bool:
    """Whether ftfy's encoding step provably returns ``text`` as it is, with no step in its plan.

    Then ``fix_encoding_and_explain``, which repeats that step until the
    text stops changing, can stop without taking it: on a repaired line
    that confirming step is ftfy's badness scan over the whole text finding
    nothing, its dearest case (on scraped news, about 40% of the mojibake
    rule's time). What the step does beyond that scan, in ftfy 6.2 and 6.3:

    - re-encode the text in each single-byte encoding it fits and decode
      the bytes as UTF-8. Each character outside ASCII becomes a byte >=
      0x80 (U+FFFD alone becomes 0x1A), so a decoding can only succeed if
      the first such byte is a lead byte and the next one a continuation
      byte (or a space ``restore_byte_a0`` turns into one, or the ``?``
      that starts each of ``replace_lossy_sequences``' sequences without
      0x1A; or C0 then a final line break): two characters of
      :func:`_unsettling`'s ``pairs``;
    - ``decode_inconsistent_utf8`` where ``UTF8_DETECTOR_RE`` matches (it is
      run here at each place where a match may start);
    - the Latin-1 -> Windows-1252 transcode and ``fix_c1_controls``, only
      with a C1 control in the text.

    So text with none of those is settled. tests/test_unicode_settled.py
    holds each reason for the installed ftfy and compares the shortened
    loop with ftfy's on random and damaged text.
    """
    candidates, singles, pairs = _unsettling()
    match = ftfy_chardata.UTF8_DETECTOR_RE.match
    for m in candidates.finditer(text):
        i = m.start()
        if text[i] in singles or text[i : i + 2] in pairs or match(text, i):
            return False
    return True


def fix_encoding(text: str, config: ftfy.TextFixerConfig) -> tuple[str, list[tuple[str, str]]]:
    """``ftfy.fix_encoding_and_explain(text, config=config)``, without its confirming step where that is :func:`settled`.

    ftfy's loop (take its encoding step until the text stops changing),
    calling its own step, stopping one step early when the text is settled.
    Other ftfy versions than those checked run ftfy's function.
    """
    if not _SETTLES or not config.fix_encoding:
        return ftfy.fix_encoding_and_explain(text, config=config)
    step = ftfy._fix_encoding_one_step_and_explain
    plan: list[tuple[str, str]] = []
    while True:
        fixed, steps = step(text, config)
        if steps is not None:
            plan.extend(steps)
        if fixed == text or settled(fixed):
            return fixed, plan
        text = fixed


def _unstrip(keep: list[int], length: int, i1: int, i2: int) -> tuple[int, int]:
    """Offsets in a line from offsets in the line with its controls removed."""
    start = keep[i1] if i1 < len(keep) else length
    end = keep[i2 - 1] + 1 if i2 > i1 else start
    return start, end


#: lines longer than this (in characters) are handed to ftfy in windows of at most this size
LONG_LINE = 1 << 16
#: a window of a long line with more changes than this has them merged into runs ...
MERGE_ABOVE = 64
#: ... each spanning at most this many characters of the original
MERGED_SPAN = 512
#: in a document longer than this (characters) every line's changes are merged into runs
HUGE_DOCUMENT = 1 << 22
#: a window still holding more than MERGE_ABOVE runs has them merged again (:func:`coarse_runs`), into runs of at most this many characters
COARSE_SPAN = 1 << 12
#: where the windows with too many runs are noted for :meth:`FtfyMatcher.coarsen` (``(rule, start, end)``, in the document's memo)
_CROWDED = "unicode.crowded-windows"

#: where a line ends for ftfy: what ``str.splitlines`` cuts at, except U+0085. In text that
#: is UTF-8 read as Latin-1 that character is a continuation byte (``先`` is E5 85 88,
#: ``Å`` is C3 85), and a cut there split the sequence so ftfy could not decode it
#: (ftfy itself cuts only at ``\n``); the others are ASCII or outside Latin-1. Written as
#: :data:`_LINE_BREAK_ALTERNATION` finds them (``\r\n`` as one), but starting with one character
#: class, which ``re`` skips through in C instead of trying both alternatives at every position.
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\u2028\u2029](?:(?<=\r)\n)?")
#: the line breaks as first written (the tests compare the two)
_LINE_BREAK_ALTERNATION = "\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\u2028\u2029]"
#: what a merged run may pass over between two changes: nothing another rule could touch
_PLAIN_GAP = re.compile(r"[A-Za-z0-9 ,;:'-]*")


def _segments(text: str, hits: Sequence[int] | None = None) -> Iterator[tuple[int, int, bool]]:
    """``(start, end, window)`` of each line (cut by :data:`_LINE_BREAK`), long lines cut into windows.

    Offsets, not copies: one 78 MB line was copied whole, then ftfy and the
    word diff ran over all of it at once (8.5 GB). A line longer than
    :data:`LONG_LINE` is cut into windows of at most that size (ftfy itself
    cuts text at ``max_decode_length``, wherever that falls); see :func:`_cut`.

    With ``hits`` (sorted offsets, none on a line break: :func:`signature_hits`),
    only the lines holding a hit, found from the hits (the line breaks just
    before and after each): the same segments as the scan of every line
    gives, less those of lines without a hit, which a document of many lines
    with a damaged word in one of them stepped through one by one.
    """
    if hits is not None:
        yield from _hit_lines(text, hits)
        return
    pos = 0
    for m in _LINE_BREAK.finditer(text):
        yield from _windows(text, pos, m.end())
        pos = m.end()
    if pos < len(text):
        yield from _windows(text, pos, len(text))


def _hit_lines(text: str, hits: Sequence[int]) -> Iterator[tuple[int, int, bool]]:
    """:func:`_segments` of the lines holding one of ``hits``.

    A line starts after the last line break before its hit: the last ``\n``
    (the end of a ``\r\n`` too), then any other break between it and the
    hit (rare: a lone ``\r``, U+2028...). It ends after the first break at
    or after the hit, which is not itself a break character.
    """
    k = 0
    while k < len(hits):
        hit = hits[k]
        start = text.rfind("\n", 0, hit) + 1
        for m in _LINE_BREAK.finditer(text, start, hit):
            start = m.end()
        m = _LINE_BREAK.search(text, hit)
        end = len(text) if m is None else m.end()
        yield from _windows(text, start, end)
        k = bisect_left(hits, end, k + 1)


def _windows(text: str, start: int, end: int) -> Iterator[tuple[int, int, bool]]:
    if end - start <= LONG_LINE:
        yield start, end, False
        return
    lo = start
    while end - lo > LONG_LINE:
        cut = _cut(text, lo + LONG_LINE // 2, lo + LONG_LINE)
        yield lo, cut, True
        lo = cut
    yield lo, end, True


def _cut(text: str, lo: int, hi: int) -> int:
    """A point in ``(lo, hi]`` where a line can be cut without splitting a mojibake sequence.

    Preferably just after a space, unless the space follows a lead byte's
    character (``Ã `` is a UTF-8 sequence that lost its non-breaking space);
    else between two ASCII characters (no misread UTF-8 sequence holds two);
    else, in text with neither, at ``hi`` (never inside ``\\r\\n`` or a surrogate pair: :func:`_joined`).
    """
    p = text.rfind(" ", lo, hi)
    while p > lo:
        if text[p - 1] not in _LEADS:
            return p + 1
        p = text.rfind(" ", lo, p)
    for p in range(hi, lo, -1):
        if text[p - 1].isascii() and text[p].isascii() and not _joined(text, p):
            return p
    return hi - 1 if _joined(text, hi) else hi


def _joined(text: str, p: int) -> bool:
    """Whether ``p`` falls inside a ``\\r\\n`` or a surrogate pair, which a window must not split.

    ftfy with ``fix_line_breaks`` turns a window's trailing ``\\r`` into a
    line break of its own (``\\r\\n`` became two), and joins surrogates only
    when it sees both.
    """
    return (text[p - 1] == "\r" and text[p] == "\n") or ("\ud800" <= text[p - 1] <= "\udbff" and "\udc00" <= text[p] <= "\udfff")


def merge_runs(line: str, changes: list[tuple[int, int, str, float]], span: int) -> list[tuple[int, int, str, float]]:
    """Neighbouring changes ``(i1, i2, new, confidence)`` of ``line`` merged into runs of at most ``span`` characters.

    Two changes join only across ASCII letters, digits, spaces and ``,;:'-``:
    never across a sentence end, a bracket, a control or an odd space, which
    other rules (garbled sentences, residue tokens such as ``[ad_2]``,
    invisible characters) own; a run cutting one of those would win the
    overlap (the mojibake rule has the highest priority) and leave it for a
    second run. The text between two changes is the same before and after
    ftfy, so a run's replacement is the changes with the text between them.
    """
    runs: list[list] = []  # [i1, i2, parts, confidence]
    for i1, i2, new, confidence in changes:
        if runs and i2 - runs[-1][0] <= span and _PLAIN_GAP.fullmatch(line, runs[-1][1], i1):
            run = runs[-1]
            run[2].extend((line[run[1] : i1], new))
            run[1] = i2
            run[3] = min(run[3], confidence)
        else:
            runs.append([i1, i2, [new], confidence])
    return [(i1, i2, "".join(parts), confidence) for i1, i2, parts, confidence in runs]


#: what a coarse run never passes over, beyond what :meth:`str.isprintable` refuses (controls, odd
#: and invisible spaces, format characters): brackets (``[ad_1]``), entities and markup
_COARSE_STOP = re.compile(r"[\[\]<>&]")


def coarse_runs(text: str, findings: list[Finding], windows: list[tuple[str, int, int]], span: int) -> list[Finding]:
    """``findings`` (resolved: fixes disjoint) with the fixes of each crowded window merged again, into runs of at most ``span`` characters.

    :func:`merge_runs` stops at every sentence end, so a long line with a
    damaged word in each sentence kept a finding per sentence (an audit: 1.34
    million findings, 184 s and 4.4 GB for one 62 MB line). This second merge
    may cross sentence ends, but it runs on the resolved findings of every
    rule, so it sees what the others own: two fixes of a window (``windows``:
    ``(rule, start, end)``) join only when no other rule's fix lies between
    them, no flag would be cut (a flag must hold the run wholly or miss it:
    flags keep the spans they had, so ``check`` shows what it showed and
    ``fix --drop-flagged`` drops no more), and the text between them is
    printable with no bracket, entity or markup (a control, an odd or
    invisible space, ``[ad_1]`` and ``&amp;`` are never passed over, even
    when the rules that own them are not selected). The text between two
    changes is unchanged by ftfy, so a run's replacement is its parts with
    the text between them, and applying it gives what applying the parts gave.
    """
    if not windows:
        return findings
    where: dict[str, list[tuple[int, int]]] = {}
    for rule, lo, hi in windows:
        where.setdefault(rule, []).append((lo, hi))
    for spans in where.values():
        spans.sort()
    flags = [f for f in findings if f.is_flag]
    edges = sorted({p for f in flags for p in (f.start, f.end)})
    flag_spans = {(f.start, f.end) for f in flags}

    def window_of(f: Finding) -> tuple[int, int] | None:
        spans = where.get(f.rule)
        if not spans:
            return None
        k = bisect_left(spans, (f.start, len(text) + 1)) - 1
        return spans[k] if k >= 0 and spans[k][0] <= f.start and f.end <= spans[k][1] else None

    def joins(run: list[Finding], f: Finding) -> bool:
        start, end = run[0].start, run[-1].end
        if f.end - start > span:
            return False
        gap = text[end : f.start]
        if not gap.isprintable() or _COARSE_STOP.search(gap) or (start, f.end) in flag_spans:
            return False
        k = bisect_left(edges, start + 1)  # a flag starting or ending inside the run would be cut
        return not (k < len(edges) and edges[k] < f.end)

    out: list[Finding] = []
    run: list[Finding] = []
    run_window: tuple[int, int] | None = None

    def close() -> None:
        if len(run) == 1:
            out.append(run[0])
        elif run:
            parts = [run[0].replacement or ""]
            for a, b in pairwise(run):
                parts += [text[a.end : b.start], b.replacement or ""]
            out.append(
                replace(
                    run[0],
                    end=run[-1].end,
                    replacement="".join(parts),
                    confidence=min(f.confidence for f in run),
                    safe=all(f.safe for f in run),
                )
            )
        run.clear()

    for f in sorted((f for f in findings if f.is_fix), key=lambda f: (f.start, f.end)):
        w = window_of(f)
        if run and w == run_window and joins(run, f):
            run.append(f)
            continue
        close()
        if w is None:
            out.append(f)
        else:
            run.append(f)
            run_window = w
    close()
    return sorted(out + flags, key=lambda f: (f.start, f.end, f.is_flag, f.rule))


class FtfyMatcher(Matcher):
    def __init__(self, spec: RuleSpec) -> None:
        self.spec = spec
        self.rule_ids = (spec.id,)
        options = dict(_FTFY_OPTIONS)
        for key, value in spec.params.items():
            if key not in _FTFY_OPTIONS:
                raise PackError(f"{spec.where()}: unknown ftfy option {key!r}")
            options[key] = value
        self.config = ftfy.TextFixerConfig(**options)
        # mojibake under an HTML entity (``10Î&frac14;s``) needs both steps at once
        self.entity_config = self.config._replace(unescape_html=True)
        # fix_and_explain's steps beyond the encoding are the C1 and surrogate fixers only
        self.single_round = (
            self.config.explain
            and all(not getattr(self.config, key) for key in _FTFY_OPTIONS if key != "normalization")
            and self.config.normalization is None
        )

    def find(self, ctx: DocContext) -> Iterable[Finding]:
        """The findings on the document: none, without a generator, where it holds no mojibake signature (most documents)."""
        text = ctx.text
        if text.isascii() and "&" not in text:  # (no signature in ASCII, no entity to hide one: told without the memo)
            return ()
        hits = signature_hits(ctx)
        if not hits and not ("&" in text and looks_like_mojibake(html.unescape(text))):
            return ()
        return self._findings(ctx, hits)

    def _findings(self, ctx: DocContext, hits: Sequence[int]) -> Iterator[Finding]:
        """The findings of the lines holding ``hits`` (:func:`signature_hits`) or, in a document with an ``&``, mojibake behind an entity."""
        text = ctx.text
        # every line with mojibake behind an entity, or only those with a hit (most documents: no ``&``)
        for lo, hi, window in _segments(text, None if "&" in text else hits):
            # a signature hit in the segment (none spans a line break or a
            # window cut), or mojibake hidden behind an HTML entity (``10Î&frac14;s``)
            k = bisect_left(hits, lo)
            if not (k < len(hits) and hits[k] < hi) and (text.find("&", lo, hi) < 0 or not looks_like_mojibake(html.unescape(text[lo:hi]))):
                continue
            yield from self._segment(ctx, lo, hi, window)

    def _segment(self, ctx: DocContext, start: int, end: int, window: bool) -> Iterator[Finding]:
        """The findings of one line, or of one window of a long line (merged into runs where there are many)."""
        text = ctx.text
        line = text[start:end]
        config = self.config
        if (
            not self.config.unescape_html
            and _ENTITY.search(line)
            and not ctx.memo("unicode.has-html", lambda: bool(_HTML_TAG.search(text)))
        ):
            config = self.entity_config
        # ftfy judges the line as unicode.control-char will leave it, so
        # fixing twice gives what fixing once gave
        keep = [i for i, c in enumerate(line) if c not in _C0] if _C0_RE.search(line) else None
        seen = line if keep is None else "".join(line[i] for i in keep)
        fixed, plan = self.fix(seen, config)
        if fixed == seen:
            return
        message = explain_plan(plan)
        detail = "ftfy plan: " + ", ".join(f"{op} {arg}" for op, arg in (plan or []))
        changes: list[tuple[int, int, str, float]] = []
        for i1, i2, j1, j2 in diff_regions(seen, fixed):
            if keep is not None:
                i1, i2 = _unstrip(keep, len(line), i1, i2)
            # repaired text is composed (NFC) as unicode.nfc would leave it
            old, new = line[i1:i2], unicodedata.normalize("NFC", fixed[j1:j2])
            if old == new:
                continue
            if config is self.entity_config and html.unescape(old) == new:
                continue  # a plain entity: unicode.html-entity reports it
            changes.append((i1, i2, new, self.confidence(old, new)))
        # bounded findings: a run per sentence-sized stretch instead of one per word
        limit = MERGE_ABOVE if window else 1 if len(text) > HUGE_DOCUMENT else None
        if limit is not None and len(changes) > limit:
            where = "on a line" if window else "in a document"
            message = f"{message}; {len(changes):,} changes {where} too long to review word by word, merged into runs"
            changes = merge_runs(line, changes, MERGED_SPAN)
            if window and len(changes) > limit:  # still a run per sentence: merged again once every rule has spoken
                ctx.memo(_CROWDED, list).append((self.spec.id, start, end))
        if len(text) > HUGE_DOCUMENT:
            # one copy of each message and plan for the document's findings, not one per line
            # (a huge document of short lines has a finding a line: 200 bytes each)
            shared = ctx.memo("unicode.strings", dict)
            message, detail = shared.setdefault(message, message), shared.setdefault(detail, detail)
        for i1, i2, new, confidence in changes:
            yield fix_finding(self.spec, start + i1, start + i2, new, message=message, confidence=confidence, detail=detail)

    def coarsen(self, ctx: DocContext, findings: list[Finding]) -> list[Finding]:
        """The resolved ``findings`` of the document with the runs of its crowded windows merged again (:func:`coarse_runs`).

        Called by ``Engine.find`` after overlap resolution, when every rule's
        fixes and flags are known; a no-op unless :meth:`_segment` noted a
        window with more than :data:`MERGE_ABOVE` runs.
        """
        crowded = [w for w in ctx.memo(_CROWDED, list) if w[0] == self.spec.id]
        return coarse_runs(ctx.text, findings, crowded, COARSE_SPAN) if crowded else findings

    def fix(self, line: str, config: ftfy.TextFixerConfig) -> tuple[str, list[tuple[str, str]] | None]:
        """``ftfy.fix_and_explain(line, config=config)``, without its confirming second round.

        fix_and_explain repeats all its steps until the text stops changing,
        so a fixed line is judged twice by ftfy's badness scan, once inside
        fix_encoding_and_explain (which itself runs until nothing changes)
        and once more in the confirming round. With our default options
        (HTML and the typographic fixers off) that round changes nothing and
        adds no step when the C1 and surrogate fixers leave ftfy's result as
        it is and the result holds no C1 control (``fix_c1_controls`` may
        report a step without a change) and no U+FFFD (the sloppy codecs
        encode it as 0x1A, so a re-decoding may give the text back). Without
        those, an encoding step always changes the text: each non-ASCII
        character becomes a byte >= 0x80, and UTF-8 needs two or more of them
        per character. Other lines and options go through fix_and_explain.
        The encoding loop itself stops one step early on settled text
        (:func:`fix_encoding`).
        """
        if config is not self.config or not self.single_round:
            return ftfy.fix_and_explain(line, config=config)
        start, end = damaged_window(line) if _NARROWS else (0, len(line))
        fixed, plan = fix_encoding(line[start:end], config)
        if _RESTEP.search(fixed) or (config.fix_surrogates and _has_surrogate(fixed)):
            return ftfy.fix_and_explain(line, config=config)
        return line[:start] + fixed + line[end:], plan

    def confidence(self, old: str, new: str) -> float:
        """The rule's confidence, lowered where ftfy could only mark a loss."""
        if "\ufffd" in new and "\ufffd" not in old:
            return min(self.spec.confidence, 0.6)
        return self.spec.confidence


@register
class FtfyKind(Kind):
    name = "ftfy"
    actions = ("fix",)
    params = {key: ((bool, str) if key == "normalization" else bool, False) for key in _FTFY_OPTIONS}

    @classmethod
    def compile(cls, specs: list[RuleSpec]) -> list[Matcher]:
        return [FtfyMatcher(spec) for spec in specs]
