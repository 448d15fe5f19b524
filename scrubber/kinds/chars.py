"""``chars`` kind: invisible, markup and typographic character damage.

Each rule names one built-in *detector* (``what = "zero-width"``); the
detectors are small named functions, like ftfy's fixers, so a finding can say
exactly what it found. All ``chars`` rules of a run compile into one regex
alternation with a named group per rule, so clean text costs one scan however
many rules are on.

Two kinds of detector live here:

* damage (on by default): HTML entities left in text, C0/C1 control
  characters and terminal escapes, zero-width and bidi controls, a BOM inside
  text, soft hyphens, odd spaces, ``\\r\\n`` and lone ``\\r``, and U+FFFD
  replacement characters (a flag: the original character is lost);
* normalisations ftfy applies by default and news does not want (opt-in in
  the pack): straight quotes, narrow width, expanded ligatures, NFKC, plus
  NFC composition of decomposed accents (harmless, on by default).

Straightening quotes before fixing an encoding makes mojibake unfixable, so
``uncurl-quotes`` never touches a line the mojibake or legacy pre-checks
flag, nor a quote standing between two letters where it may be a mis-decoded
letter.
"""

from __future__ import annotations

import html
import html.entities
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import regex

from ..model import Finding
from .base import DocContext, Kind, Matcher, PackError, RuleSpec, fix_finding, register
from .char_scan import CHARS_OUTPUT, char_scan, family_candidates, members

#: (replacement or None for "no finding here", message, confidence or None for the rule's)
Proposal = tuple[str | None, str, float | None]


@dataclass(frozen=True)
class Detector:
    pattern: str
    propose: Callable[[re.Match[str], DocContext], Proposal | None]
    doc: str

    @property
    def first(self) -> str:
        """The inside of a character class of what a match can start with."""
        if self.pattern.startswith("&"):
            return "&"
        if self.pattern.startswith("\\x1b"):
            return "\\x00-\\x08\\x0b\\x0e-\\x1f\\x7f-\\x9f"
        if self.pattern.startswith("\\r"):
            return "\\r\\u2028\\u2029\\x85"
        if self.pattern.startswith("[^\\x00-\\u00a0]"):
            return "\\u00a1-\\U0010ffff"
        if self.pattern.startswith("["):
            return self.pattern[1 : self.pattern.index("]")]
        return self.pattern.split("+")[0]


def _const(replacement: str, message: str) -> Callable[[re.Match[str], DocContext], Proposal]:
    def propose(m: re.Match[str], ctx: DocContext) -> Proposal:
        return replacement, message, None

    return propose


def _name(c: str) -> str:
    return f"U+{ord(c):04X} {unicodedata.name(c, 'control character')}"


# -- HTML entities -----------------------------------------------------------------

_HTML_TAG = regex.compile(r"<(?:/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?|!--)>")
_NAMED = {name[:-1] for name in html.entities.html5 if name.endswith(";")}


def _entity(m: re.Match[str], ctx: DocContext) -> Proposal | None:
    # like ftfy, text that is real HTML keeps its entities: they are markup there
    if ctx.memo("chars.has-html", lambda: bool(_HTML_TAG.search(ctx.text))):
        return None
    raw = m.group()
    body = raw
    layers = 0
    while body.startswith("&amp;") and body != "&amp;":
        body = "&" + body[5:]
        layers += 1
    if body[1] != "#" and body[1:-1] not in _NAMED:
        return None
    new = html.unescape(body)
    if new == body or any(unicodedata.category(c) == "Cc" and c not in "\t\n" for c in new):
        return None
    how = "double-escaped HTML entity" if layers else "HTML entity"
    return new, f"{how} {raw} decoded to {new!r}", None


# -- control characters --------------------------------------------------------


def _control(m: re.Match[str], ctx: DocContext) -> Proposal | None:
    raw = m.group()
    if "\x80" <= raw[0] <= "\x9f" and _mojibake_line(m, ctx):
        return None  # Windows-1252 read as Latin-1: unicode.mojibake decodes it
    if raw.startswith("\x1b") and len(raw) > 1:
        return "", "terminal escape sequence removed", None
    if "\x80" <= raw[0] <= "\x9f":
        return "", f"C1 control character {_name(raw[0])} removed", None
    return "", f"control character {_name(raw[0])} removed", None


# -- zero-width and bidi -----------------------------------------------------------

_LATIN_CONTEXT = regex.compile(r"[\x00-\x7f\p{Latin}\s]")


def _zero_width(m: re.Match[str], ctx: DocContext) -> Proposal | None:
    # ZWJ/ZWNJ/ZWSP carry meaning between emoji, in Persian, Indic and Thai
    # script; only remove them where a neighbour is Latin, ASCII, a space or an edge
    text = ctx.text
    before = text[m.start() - 1] if m.start() > 0 else " "
    after = text[m.end()] if m.end() < len(text) else " "
    if not (_LATIN_CONTEXT.match(before) or _LATIN_CONTEXT.match(after)):
        return None
    return "", f"invisible {_name(m.group()[0])} removed" + (f" ({len(m.group())} characters)" if len(m.group()) > 1 else ""), None


#: a right-to-left letter; RLM (U+200F) and ALM (U+061C) are of those classes too, but they are
#: the marks being judged: counted, each one was its own right-to-left context and never removed
_RTL = regex.compile(r"[[\p{Bidi_Class=R}\p{Bidi_Class=AL}]--[\u200f\u061c]]", regex.VERSION1)


def _bidi(m: re.Match[str], ctx: DocContext) -> Proposal | None:
    if _RTL.search(ctx.text, *ctx.line_around(m.start(), m.end())):  # in right-to-left text the marks can be meant
        return None
    return "", f"bidi control {_name(m.group()[0])} removed from left-to-right text", None


# -- spaces and line breaks ----------------------------------------------------------


def _odd_space(m: re.Match[str], ctx: DocContext) -> Proposal:
    return " ", f"{_name(m.group())} replaced by a plain space", None


def _line_break(m: re.Match[str], ctx: DocContext) -> Proposal | None:
    raw = m.group()
    if raw == "\x85" and _mojibake_line(m, ctx):
        return None  # a C1 byte of mojibake (Windows-1252 '…', or inside a UTF-8 sequence): unicode.mojibake decodes it
    what = {"\r\n": "Windows line break \\r\\n", "\r": "lone carriage return \\r"}.get(raw) or _name(raw)
    return "\n", f"{what} replaced by \\n", None


# -- normalisations (opt-in except nfc) ---------------------------------------------


def _mojibake_line(m: re.Match[str], ctx: DocContext, legacy: bool = False) -> bool:
    """Whether the match sits on a line the mojibake (or legacy) rule works on.

    Soft hyphens, non-breaking spaces, C1 controls and curly quotes can be
    bytes of mojibake (``NapĂ\u00adĹˇte``); removing or straightening them
    first would make the encoding unfixable, so these detectors leave such
    lines to the higher-priority mojibake rules.
    """
    from .legacy import TRIGGER
    from .unicode import mojibake_between

    lo, hi = ctx.line_around(m.start(), m.end())
    key = f"chars.damaged:{lo}:{legacy}"
    return ctx.memo(key, lambda: mojibake_between(ctx, lo, hi) or (legacy and TRIGGER.search(ctx.text, lo, hi) is not None))


def _unless_mojibake(
    propose: Callable[[re.Match[str], DocContext], Proposal | None],
) -> Callable[[re.Match[str], DocContext], Proposal | None]:
    def guarded(m: re.Match[str], ctx: DocContext) -> Proposal | None:
        return None if _mojibake_line(m, ctx) else propose(m, ctx)

    return guarded


#: the byte each character stands for when UTF-8 was read as Latin-1 or Windows-1252
_AS_BYTE = {chr(b): b for b in range(256)} | {
    bytes([b]).decode("cp1252"): b for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}


def _in_utf8_sequence(text: str, i: int) -> bool:
    """Whether ``text[i]`` is a byte of one UTF-8 character that was read as Latin-1 or Windows-1252.

    ``MartÃ\u00adn`` is ``Martín`` (C3 AD) and ``æ\u00ad£`` is ``正`` (E6 AD A3): there
    the soft hyphen is the character's second byte, and removing it would make
    the mojibake unfixable (when the mojibake rule is off or its fix is not
    applied). A real soft hyphen (``Bä\u00adcker``: E4 AD 63) forms no such
    character with its neighbours. Unlike a whole-line guard, this test
    gives the same answer before and after the mojibake on the rest of the line is
    fixed, so fixing stays idempotent.
    """
    for start in range(max(0, i - 3), i + 1):
        lead = _AS_BYTE.get(text[start])
        if lead is None or lead < 0xC2 or lead > 0xF4:
            continue
        size = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
        if start + size <= i or start + size > len(text):
            continue
        raw = [_AS_BYTE.get(c) for c in text[start : start + size]]
        if None not in raw:
            try:
                bytes(raw).decode("utf-8")  # type: ignore[arg-type]
            except UnicodeDecodeError:
                continue
            return True
    return False


def _soft_hyphen(m: re.Match[str], ctx: DocContext) -> Proposal | None:
    if _in_utf8_sequence(ctx.text, m.start()):
        return None  # a byte of mojibake: unicode.mojibake decodes it
    return "", "invisible soft hyphen (U+00AD) removed", None


def _uncurl(m: re.Match[str], ctx: DocContext) -> Proposal | None:
    text = ctx.text
    q = m.group()
    if _mojibake_line(m, ctx, legacy=True):
        return None  # fix the encoding first; straight quotes would make it unfixable
    before = text[m.start() - 1] if m.start() > 0 else " "
    after = text[m.end()] if m.end() < len(text) else " "
    if q not in "\u2018\u2019" and before.isalpha() and after.isalpha():
        return None  # a quote inside a word may be a mis-decoded letter (cp437 ” = ö)
    straight = "'" if q in "\u2018\u2019\u201a\u201b" else '"'
    return straight, f"curly quote {q} straightened", None


def _nfkc(m: re.Match[str], ctx: DocContext) -> Proposal | None:
    new = unicodedata.normalize("NFKC", m.group())
    return (new, f"{_name(m.group()[0])} replaced by its compatibility form {new!r}", None) if new != m.group() else None


def _nfc(m: re.Match[str], ctx: DocContext) -> Proposal | None:
    # the match is the marks; the span (see CharsMatcher) takes in their base letter
    if m.start() == 0:
        return None
    old = ctx.text[m.start() - 1 : m.end()]
    new = unicodedata.normalize("NFC", old)
    return (new, "decomposed accent composed (NFC)", None) if new != old else None


def _ligature(m: re.Match[str], ctx: DocContext) -> Proposal:
    new = unicodedata.normalize("NFKC", m.group())
    return new, f"ligature {m.group()} expanded to {new!r}", None


def _width(m: re.Match[str], ctx: DocContext) -> Proposal | None:
    new = unicodedata.normalize("NFKC", m.group())
    return (new, f"full-width or half-width {m.group()!r} changed to {new!r}", None) if new != m.group() else None


def _replacement_char(m: re.Match[str], ctx: DocContext) -> Proposal:
    n = len(m.group())
    return None, f"{n} replacement character{'s' if n > 1 else ''} (U+FFFD): the original text was lost before it reached us", None


#: combining marks (stdlib ``re`` has no \p{M}; these blocks hold the ones NFC composes)
_MARKS = "[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u0900-\u0903\u093a-\u094f\u0981-\u0983\u09bc-\u09d7\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\u3099\u309a\ufe20-\ufe2f]"

DETECTORS: dict[str, Detector] = {
    "html-entity": Detector(
        r"&(?:amp;)*(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});", _entity, "HTML character references left in text"
    ),
    # a CSI sequence (colours), an OSC one ended by BEL or ESC \ (window title, hyperlink) and a
    # DCS/SOS/PM/APC string ended by ESC \ go whole: their payload is terminal junk, not prose.
    # Bounded and never across a line, so an unended one loses only its ESC, not the article after it.
    "control": Detector(
        r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\n]{0,2048}(?:\x07|\x1b\\)|\x1b[P^_X][^\x1b\n]{0,2048}\x1b\\"
        r"|[\x00-\x08\x0b\x0e-\x1f\x7f\x80-\x9f]",
        _control,
        "C0/C1 control characters",
    ),
    "zero-width": Detector(r"[\u200b\u200c\u200d\u2060\u2061-\u2064\u180e]+", _zero_width, "zero-width characters"),
    "bidi": Detector(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]", _bidi, "bidi control characters"),
    "bom": Detector(r"\ufeff", _const("", "byte order mark (U+FEFF) inside the text removed"), "a BOM inside text"),
    "soft-hyphen": Detector(r"\u00ad", _soft_hyphen, "soft hyphens"),
    "odd-space": Detector(r"[\u2000-\u200a\u205f\u1680]", _odd_space, "typographic spaces"),
    "nbsp": Detector(r"[\u00a0\u202f]", _unless_mojibake(_odd_space), "non-breaking spaces"),
    "line-break": Detector(r"\r\n?|[\u2028\u2029\x85]", _line_break, "\\r\\n, lone \\r and Unicode line separators"),
    "replacement-char": Detector(r"\ufffd+", _replacement_char, "U+FFFD replacement characters"),
    "uncurl-quotes": Detector(r"[\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f]", _uncurl, "curly quotes"),
    "ligatures": Detector(r"[\ufb00-\ufb06\u0132\u0133\u01c4-\u01cc\u01f1-\u01f3]", _ligature, "Latin ligatures"),
    "character-width": Detector(r"[\uff01-\uff5e\uff61-\uffdc\u3000]", _width, "full-width and half-width forms"),
    "nfkc": Detector(rf"[^\x00-\u00a0]{_MARKS}*", _nfkc, "characters NFKC would change"),
    "nfc": Detector(rf"{_MARKS}+", _nfc, "decomposed accents"),
}


#: the detectors whose first characters the unicode family's shared scan finds (:func:`.char_scan.family_candidates`):
#: all but those of characters common in news (curly quotes; all NFKC could change), which would fill it with
#: candidates the default rules do not want (with either selected, the rules scan on their own)
SHARED_DETECTORS = tuple(name for name in DETECTORS if name not in ("uncurl-quotes", "nfkc"))
#: their first characters, as a character class
SHARED_FIRST = "[" + "".join(DETECTORS[name].first for name in SHARED_DETECTORS) + "]"


class CharsMatcher(Matcher):
    """Every ``chars`` rule of a run, as one alternation of named groups."""

    def __init__(self, specs: list[RuleSpec]) -> None:
        self.specs = {f"r{i}": spec for i, spec in enumerate(specs)}
        self.detectors = {key: DETECTORS[spec.params["what"]] for key, spec in self.specs.items()}
        self.rule_ids = tuple(s.id for s in specs)
        # stdlib ``re``: these are character classes (no backtracking to guard
        # against), and ``re`` scans them several times faster than ``regex``
        self.pattern = re.compile("|".join(f"(?P<{key}>{d.pattern})" for key, d in self.detectors.items()))
        self.first = re.compile("[" + "".join(d.first for d in self.detectors.values()) + "]")
        # the compiled scan of that class (None: the ``re`` search runs), see :mod:`.char_scan`; where
        # the rules' class is part of the family's shared one, the shared scan's output instead
        self._shared = all(spec.params["what"] in SHARED_DETECTORS for spec in specs)
        self._scan = char_scan(lambda: [[(None, members(self.first.pattern), None)]])

    def reveal_hint(self, replacement: str) -> bool:
        """A decoded span (mojibake, an entity) may hold what these rules remove: a soft hyphen, a zero-width space."""
        return self.first.search(replacement) is not None

    def find(self, ctx: DocContext) -> Iterable[Finding]:
        """The rules' findings: none, without a generator, where no character of :attr:`first` is in the document (most documents)."""
        candidates = self._candidates(ctx)
        return self._findings(ctx, candidates) if candidates else ()

    def _findings(self, ctx: DocContext, candidates: Sequence[int]) -> Iterator[Finding]:
        # an alternation of groups defeats ``re``'s fast scan, so find the next
        # character any detector could start with (one class, ~400 MB/s; or all
        # of them at once from the compiled scan), then match the alternation there
        text, match = ctx.text, self.pattern.match
        first = self.first.match  # the scan gives every character above its table (and the shared one more): keep the class's own
        pos = 0
        for hit in candidates:
            if hit < pos or first(text, hit) is None:
                continue
            m = match(text, hit)
            if m is None or m.end() == m.start():
                continue
            pos = m.end()
            key = m.lastgroup
            spec = self.specs[key]
            proposal = self.detectors[key].propose(m, ctx)
            if proposal is None:
                continue
            replacement, message, confidence = proposal
            start = m.start() - 1 if self.detectors[key].propose is _nfc else m.start()
            yield fix_finding(spec, start, m.end(), replacement, message=message, confidence=confidence)

    def _candidates(self, ctx: DocContext) -> Sequence[int]:
        """Ascending positions that hold every character of :attr:`first` in the document (and, from the compiled scan, maybe others)."""
        text = ctx.text
        if self._scan is None:
            return [m.start() for m in self.first.finditer(text)]
        scanned = family_candidates(ctx) if self._shared else None
        return self._scan.scan(text)[0] if scanned is None else scanned[CHARS_OUTPUT]


@register
class CharsKind(Kind):
    name = "chars"
    group = "chars"
    params = {"what": (str, True)}

    @classmethod
    def validate(cls, spec: RuleSpec) -> None:
        super().validate(spec)
        if spec.params["what"] not in DETECTORS:
            raise PackError(f"{spec.where()}: unknown 'what' {spec.params['what']!r} (known: {', '.join(DETECTORS)})")

    @classmethod
    def compile(cls, specs: list[RuleSpec]) -> list[Matcher]:
        for spec in specs:
            cls.validate(spec)
        return [CharsMatcher(specs)] if specs else []
