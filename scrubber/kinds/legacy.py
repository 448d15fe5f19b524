"""``legacy8bit`` kind: the 8-bit mojibake ftfy leaves alone.

Old Mac and DOS newsroom systems wrote MacRoman, cp437 or cp850 bytes that a
later step read as Windows-1252: “ ” ’ – … in MacRoman come out as Ò Ó Õ Ð É,
ü as Ÿ, ö as š; in cp437 é comes out as ‚ and ä as „. ftfy cannot fix these,
because every result is a valid Windows-1252 letter and ftfy's badness score
only knows UTF-8 patterns.

Each word that contains a suspicious character is scored twice, as it stands
and as re-read through each legacy code page, by counting *anomalies* no
real orthography produces:

* an accented capital right after a lower-case letter (``JŸrgen``,
  ``IndiaÕs``, ``declineÓ``), except an Irish-style one or two letter prefix
  (``nÉireann``);
* a symbol between two letters (``Stra§e``, ``Espa–a``);
* a lone Ð or Ñ between spaces, or a letter between two digits (``1990Ð1995``);
* weakly, a Slavic/Baltic letter (š, ž, œ, ƒ) in an otherwise plain word.

A word is fixed only if the re-reading removes anomalies and creates none,
so genuine Spanish, Portuguese, French, Catalan or Icelandic (Óscar,
CORAÇÕES, GUÐNI, École, É verdade, Òmnium) is left alone. An opening Ò or Ô
at the start of a word is only a quote when a closing Ó or Õ in the same line
was fixed. Confidence follows the strongest removed anomaly, and is raised
for weak ones when the same document has at least two strong ones for the
same code page.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

from ..model import Finding
from .base import DocContext, Kind, Matcher, RuleSpec, fix_finding, register
from .char_scan import TRIGGER_OUTPUT, Rule, family_candidates, matches, members

CODECS = {"mac_roman": "MacRoman", "cp437": "cp437 (DOS)", "cp850": "cp850 (DOS Latin-1)"}


def _read_as_cp1252(b: int) -> str:
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d: what a sloppy decoder gives
        return chr(b)


def _table(codec: str) -> dict[str, str]:
    out = {}
    for b in range(0x80, 0x100):
        seen, real = _read_as_cp1252(b), bytes([b]).decode(codec)
        if seen != real:
            out[seen] = real
    return out


TABLES = {codec: _table(codec) for codec in CODECS}

#: characters clean Western text uses all the time; they only count as
#: damage between two letters (``Espa–a``), and are never re-read elsewhere
COMMON = set(
    "\u2019\u2018\u201c\u201d\u2013\u2014\u2026\u2022\u20ac\u00a3\u00a9\u00b0\u00b7\u00bd\u00bc\u00be\u00a0\u00ab\u00bb\u00ba\u00bf"
)
COMMON |= {chr(c) for c in range(0xE0, 0x100) if chr(c).isalpha()}  # lower-case accented letters
#: typography that really occurs between two letters, never re-read
IN_WORD_OK = set("\u2019\u2018\u02bc\u2010\u2011\u00b7'-")
SUSPECT = sorted({c for t in TABLES.values() for c in t} - COMMON)
_INTERNAL = "".join(sorted(COMMON - IN_WORD_OK - {c for c in COMMON if c.isalpha()} - {"\u00a0"}))
#: a suspicious character, or a common one between two letters. One leading
#: character class, the alternative chosen by a look-behind at the character
#: just read: stdlib ``re`` then skips to candidates in C (an alternation at
#: the top would try every position, and ``regex`` runs big classes ~30x
#: slower); it finds exactly what ``[SUSPECT]|(?<=letter)[INTERNAL](?=letter)`` finds
TRIGGER = re.compile(
    rf"[{re.escape(''.join(SUSPECT) + _INTERNAL)}]"
    rf"(?:(?<=[{re.escape(''.join(SUSPECT))}])|(?<=[^\W\d_][{re.escape(_INTERNAL)}])(?=[^\W\d_]))"
)


def trigger_rules() -> list[Rule]:
    """:data:`TRIGGER`'s two branches as rules of the compiled scan (:func:`.char_scan.family_candidates`)."""
    letters = members(r"[^\W\d_]")
    return [(None, "".join(SUSPECT), None), (letters, _INTERNAL, letters)]


TOKEN = re.compile(r"[^\s\x00-\x1f\x7f]+")  # control characters end a word (unicode.control-char strips them)
#: what a re-read character may become: a letter or this punctuation
PLAUSIBLE = set("“”‘’–—…•°™®©\u00a0")

QUOTE_SIGNS = set("ÒÓÔÕ")
#: Irish eclipsis and h-prefixes put a lower-case letter before a capital vowel
IRISH_PREFIXES = {"n", "t", "h", "bh", "mb", "gc", "nd", "ng", "dt", "bp"}
WEAK_LETTERS = set("šžœƒŠŽŒ")
STRONG, MEDIUM, WEAK = 0.9, 0.6, 0.45
LONE_DASH = 0.61  # a lone Ð or Ñ between spaces; two or more in a document are strong
#: symbols that never stand between two letters in real text
NEVER_IN_WORD = set("§‡ˆ‰¤¢¡£¬∂¶†¥ª¨©®±µ¦")


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    new: str
    codec: str
    confidence: float
    changes: tuple[tuple[str, str], ...]


def _ascii_letter(c: str) -> bool:
    return c.isascii() and c.isalpha()


def anomalies(token: str, where: set[int] | None = None) -> tuple[float, float]:
    """(count, strength of the strongest) of the anomalies in ``token``; their positions go in ``where``."""
    count = 0.0
    strongest = 0.0
    before = count
    n = len(token)
    for i, c in enumerate(token):
        prev = token[i - 1] if i else ""
        nxt = token[i + 1] if i + 1 < n else ""
        if ord(c) > 0x7F and c.isupper() and prev.isascii() and (prev.islower() or (prev.isalpha() and nxt.islower())):
            if not (token[:i] in IRISH_PREFIXES and c in "ÁÉÍÓÚAEIOU"):  # Irish nÉireann, hÓ, tÚs
                count, strongest = count + 1, max(strongest, STRONG)
        elif ord(c) > 0x7F and not c.isalpha() and c not in IN_WORD_OK and _ascii_letter(prev) and _ascii_letter(nxt):
            count, strongest = count + 1, max(strongest, 0.85 if c in NEVER_IN_WORD else MEDIUM)
        elif c in "ÐÑ" and prev.isdigit() and nxt.isdigit():
            count, strongest = count + 1, max(strongest, STRONG)
        elif c in "ÐÑ" and token == c:  # "la Ñ es una letra": strong only when repeated (see find)
            count, strongest = count + 1, max(strongest, LONE_DASH)
        elif c in "ÓÕ" and i == n - 1 and prev in ".,!?;:" and any(_ascii_letter(ch) for ch in token):
            count, strongest = count + 1, max(strongest, STRONG)  # it,Ó: a closing quote after punctuation
        elif c in WEAK_LETTERS and c.islower() and prev.isalpha() and all(ch.isascii() or ch == c for ch in token if ch.isalpha()):
            count, strongest = count + 0.5, max(strongest, WEAK)
        if count != before and where is not None:
            where.add(i)
        before = count
    return count, strongest


def reread(token: str, table: dict[str, str]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """``token`` with its suspicious characters re-read through ``table``."""
    out = []
    changes = []
    for i, c in enumerate(token):
        real = table.get(c)
        inside = 0 < i < len(token) - 1 and token[i - 1].isalpha() and token[i + 1].isalpha()
        if real is not None and (c not in COMMON or (inside and c not in IN_WORD_OK and not c.isalpha())):
            out.append(real)
            changes.append((c, real))
        else:
            out.append(c)
    return "".join(out), tuple(changes)


def candidates_for(token: str, start: int) -> list[Candidate]:
    """The legacy re-readings of ``token`` (at ``start``) that remove its anomalies."""
    return [replace(c, start=start, end=start + len(token)) for c in _candidates(token)] if start else list(_candidates(token))


@lru_cache(maxsize=8192)
def _candidates(token: str) -> tuple[Candidate, ...]:
    """Candidates at offset 0; cached, the same damaged words recur across documents."""
    return tuple(_candidates_uncached(token, 0))


def _candidates_uncached(token: str, start: int) -> list[Candidate]:
    where: set[int] = set()
    before, strength = anomalies(token, where)
    if not before:
        return []
    # a word with other odd symbols (``©aÑ``) is not the plain word a legacy re-read explains
    if any(not (c.isascii() or c.isalpha() or c in QUOTE_SIGNS or i in where) for i, c in enumerate(token)):
        return []
    found = []
    for codec, table in TABLES.items():
        new, changes = reread(token, table)
        if not changes:
            continue
        # every re-read character must be an anomaly itself or a MacRoman quote
        # sign next to one; a word ftfy half-fixed must not be rewritten further
        if any(a != b and i not in where and a not in QUOTE_SIGNS for i, (a, b) in enumerate(zip(token, new))):
            continue
        after, _ = anomalies(new)
        if (
            after == 0
            and all((real.isalpha() and unicodedata.normalize("NFKC", real) == real) or real in PLAUSIBLE for _, real in changes)
            and unicodedata.category(new[0]) != "Cc"
        ):
            found.append(Candidate(start, start + len(token), new, codec, strength, changes))
    return found


#: an opening quote in MacRoman (“ ‘) read as Windows-1252, at the start of a word
_OPENERS = {"\u201d": "\u00d2", "\u2019": "\u00d4"}  # closing quote fixed -> its opener's mojibake
_CLOSERS = {"\u201d": "\u00d3", "\u2019": "\u00d5"}  # closing quote -> its own mojibake


class _Openers:
    """The words of a text that start with one opener sign and a letter or digit, taken nearest first.

    Pairing each fixed closer with the nearest free opener before it in its
    line used to tokenise the line up to the closer for every closer:
    quadratic, an hour for a megabyte-long line of quotes. Here the openers
    are listed once, and taking one links it to its left neighbour
    (union-find with path halving), so each lookup is a bisection and a few
    hops however many openers were taken before it.
    """

    def __init__(self, text: str, opener: str, taken: set[int]) -> None:
        self.starts = [
            m.start()
            for m in re.finditer(re.escape(opener), text)
            if m.start() not in taken
            and (m.start() == 0 or TOKEN.match(text, m.start() - 1) is None)  # a word starts here
            and text[m.start() + 1 : m.start() + 2].isalnum()
        ]
        #: index of the nearest free opener at or left of each index (-1: none); itself while free
        self.free = list(range(len(self.starts)))

    def _nearest_free(self, i: int) -> int:
        free = self.free
        while i >= 0 and free[i] != i:
            free[i] = free[free[i]] if free[i] >= 0 else -1
            i = free[i]
        return i

    def take(self, lo: int, hi: int) -> int | None:
        """Take the free opener nearest before ``hi`` and at or after ``lo``; its start, or None."""
        i = self._nearest_free(bisect_left(self.starts, hi) - 1)
        if i < 0 or self.starts[i] < lo:
            return None
        self.free[i] = i - 1
        return self.starts[i]


def _pair_openers(ctx: DocContext, fixed: list[Candidate]) -> list[Candidate]:
    """Fix Ò/Ô openers whose closing Ó/Õ was fixed in the same line (the nearest free opener before it)."""
    text = ctx.text
    out = []
    taken = {c.start for c in fixed}
    openers: dict[str, _Openers] = {}
    for cand in fixed:
        if cand.codec != "mac_roman":
            continue
        for closer, opener in _OPENERS.items():
            if not any(real == closer and seen == _CLOSERS[closer] for seen, real in cand.changes):
                continue
            line_start, _ = ctx.line_around(cand.start, cand.start)
            if opener not in openers:
                openers[opener] = _Openers(text, opener, taken)
            start = openers[opener].take(line_start, cand.start)
            if start is not None:
                tok = TOKEN.match(text, start).group()  # type: ignore[union-attr]  # a word starts there
                new = TABLES["mac_roman"][opener] + tok[1:]
                out.append(Candidate(start, start + len(tok), new, "mac_roman", cand.confidence, ((opener, new[0]),)))
    return out


class LegacyMatcher(Matcher):
    def __init__(self, spec: RuleSpec) -> None:
        self.spec = spec
        self.rule_ids = (spec.id,)

    def find(self, ctx: DocContext) -> Iterable[Finding]:
        """The findings on the document: none, without a generator, where no character can trigger (most documents)."""
        text = ctx.text
        if text.isascii():
            return ()
        scanned = family_candidates(ctx)
        if scanned is None:
            return self._findings(ctx, TRIGGER.finditer(text))
        if not scanned[TRIGGER_OUTPUT]:  # (every match of TRIGGER starts at one of them)
            return ()
        return self._findings(ctx, matches(TRIGGER, text, scanned[TRIGGER_OUTPUT]))

    def _findings(self, ctx: DocContext, triggers: Iterator[re.Match[str]]) -> Iterator[Finding]:
        """The findings of the words holding ``triggers`` (the matches of :data:`TRIGGER`, in order)."""
        text = ctx.text
        per_token: list[list[Candidate]] = []
        pos = 0
        for m in triggers:
            if m.start() < pos:
                continue
            ls = m.start()
            while ls > 0 and not text[ls - 1].isspace() and text[ls - 1] >= " " and text[ls - 1] != "\x7f":
                ls -= 1
            tm = TOKEN.match(text, ls)
            pos = tm.end()
            found = candidates_for(tm.group(), tm.start())
            if found:
                per_token.append(found)
        if not per_token:
            return
        votes = Counter(c.codec for found in per_token for c in found)
        chosen = []
        for found in per_token:
            best = max(found, key=lambda c: (votes[c.codec], -list(CODECS).index(c.codec)))
            ambiguous = len({c.new for c in found}) > 1
            chosen.append((best, ambiguous))
        lone = [c for c, _ in chosen if c.confidence == LONE_DASH]
        if len(lone) >= 2:  # "rose Ð slowly Ð in May": repeated lone dashes are no letter
            chosen = [(replace(c, confidence=STRONG) if c.confidence == LONE_DASH else c, a) for c, a in chosen]
        strong = Counter(c.codec for c, _ in chosen if c.confidence >= 0.85)
        # weak evidence (a dash between letters, a Slavic letter) counts only
        # in a document that has strong evidence for the same code page
        chosen = [(c, a) for c, a in chosen if c.confidence >= 0.85 or strong[c.codec]]
        fixed = [c for c, _ in chosen]
        openers = _pair_openers(ctx, fixed)
        for cand, ambiguous in [*chosen, *((c, False) for c in openers)]:
            confidence = cand.confidence
            if confidence < 0.85:
                confidence = min(confidence + 0.25, 0.85)
            if ambiguous:
                confidence -= 0.1
            shown = ", ".join(dict.fromkeys(f"{a} → {b}" for a, b in cand.changes))
            message = f"{CODECS[cand.codec]} read as Windows-1252: {shown}"
            if ambiguous:
                message += " (another legacy code page would read it differently)"
            yield fix_finding(self.spec, cand.start, cand.end, cand.new, message=message, confidence=round(confidence, 2))


@register
class LegacyKind(Kind):
    name = "legacy8bit"
    actions = ("fix",)
    params = {}

    @classmethod
    def compile(cls, specs: list[RuleSpec]) -> list[Matcher]:
        return [LegacyMatcher(spec) for spec in specs]
