"""What a rule kind is, and the registry that maps kind names to code.

A *rule* in a pack is data (a :class:`RuleSpec`). A *kind* is the code that
knows how to turn specs of its kind into matchers. Kinds compile a whole
group of specs at once, so a kind can merge many patterns into one pass over
the text (fifty residue lines as one alternation run ~8x faster than fifty
loops).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import regex

from .. import regexcache
from ..model import Finding, new_finding

#: Seconds a single regex search may take before the rule is abandoned for
#: that document. Scraped text is adversarial; a pathological pattern must
#: not hang a corpus run.
REGEX_TIMEOUT = 1.0

ACTIONS = ("fix", "strip", "flag")


class PackError(ValueError):
    """A rule pack is unusable. The message names file, rule and problem."""


class RuleTimeout(RuntimeError):
    """A rule's regex exceeded :data:`REGEX_TIMEOUT` on one document."""


@dataclass(frozen=True)
class Example:
    text: str
    result: str | None = None  # expected text after the rule's fixes (fix/strip rules)
    flagged: str | None = None  # expected flagged snippet (flag rules)


@dataclass(frozen=True)
class RuleSpec:
    """One rule as written in a pack, validated but not compiled."""

    id: str
    kind: str
    action: str
    description: str
    params: Mapping[str, Any]
    message: str = ""
    rationale: str = ""
    confidence: float = 1.0
    safe: bool = True
    priority: int = 0
    examples_match: tuple[Example, ...] = ()
    examples_no_match: tuple[str, ...] = ()
    source: str = ""  # the pack file, for error messages

    @property
    def family(self) -> str:
        return self.id.split(".", 1)[0]

    def where(self) -> str:
        return f"{self.source}: rule {self.id!r}" if self.source else f"rule {self.id!r}"


class DocContext:
    """Per-document scratch space shared by all matchers of one run.

    Expensive views of the text (lines, sentences, the detected language)
    are computed once per document and memoised here, whichever rule asks
    first.
    """

    __slots__ = ("_memo", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        # a sentinel, not KeyError: most calls are a document's first ask (~18,000 misses a pass over
        # perf-news), and raising and catching costs ~0.4 us each
        value = self._memo.get(key, _MISSING)
        if value is _MISSING:
            value = self._memo[key] = compute()
        return value

    def line_around(self, start: int, end: int) -> tuple[int, int]:
        """The line (without its ``\n``) holding ``text[start:end]``, from newline offsets found once.

        Searching from every match for its line's ends was quadratic on one
        huge line full of matches (each search ran to the line's ends).
        """
        breaks = self.memo("newlines", lambda: [m.start() for m in _NEWLINE.finditer(self.text)])
        i = bisect_left(breaks, start)
        j = bisect_left(breaks, end, i)
        return (breaks[i - 1] + 1 if i else 0), (breaks[j] if j < len(breaks) else len(self.text))


_NEWLINE = re.compile("\n")
#: what :meth:`DocContext.memo` finds for a key not computed yet (None is a value a computation may give)
_MISSING = object()


class Matcher:
    """A compiled rule (or group of rules) that proposes findings."""

    #: ids of the rules this matcher speaks for (for select/ignore and errors)
    rule_ids: tuple[str, ...] = ()
    #: judges sentences in their context, so it runs on the text as the other rules' fixes leave it (Engine.find)
    judges_fixed_text: bool = False

    def reveal_hint(self, replacement: str) -> bool:
        """Whether this matcher could find something inside a fix's ``replacement`` (see ``Engine.settle``).

        A matcher that returns True is run again over the text as the fixes
        leave it, and its fixes lying inside another fix's replacement are
        folded into that fix (``&shy;`` decodes to a soft hyphen, which the
        soft-hyphen rule removes: one fix ``&shy;`` -> '' instead of a second
        run finding the hyphen). Most matchers never need this.
        """
        return False

    def find(self, ctx: DocContext) -> Iterable[Finding]:  # pragma: no cover - interface
        raise NotImplementedError


class Kind:
    """Base class for rule kinds. Subclasses declare their parameters."""

    name: ClassVar[str] = ""
    #: kinds sharing a group compile together (one matcher for all their rules)
    group: ClassVar[str] = ""
    #: parameter name -> (python type or tuple of types, required?)
    params: ClassVar[dict[str, tuple[type | tuple[type, ...], bool]]] = {}
    #: actions this kind can perform
    actions: ClassVar[tuple[str, ...]] = ACTIONS

    @classmethod
    def validate(cls, spec: RuleSpec) -> None:
        """Raise :class:`PackError` if ``spec`` is not a valid rule of this kind."""
        if spec.action not in cls.actions:
            raise PackError(f"{spec.where()}: kind {cls.name!r} cannot {spec.action!r} (allowed: {', '.join(cls.actions)})")
        for key, (typ, required) in cls.params.items():
            if key not in spec.params:
                if required:
                    raise PackError(f"{spec.where()}: kind {cls.name!r} needs parameter {key!r}")
                continue
            if not isinstance(spec.params[key], typ) or (isinstance(spec.params[key], bool) and typ is int):
                raise PackError(f"{spec.where()}: parameter {key!r} has the wrong type ({type(spec.params[key]).__name__})")
        unknown = set(spec.params) - set(cls.params)
        if unknown:
            raise PackError(f"{spec.where()}: unknown parameter(s) for kind {cls.name!r}: {', '.join(sorted(unknown))}")

    @classmethod
    def compile(cls, specs: list[RuleSpec]) -> list[Matcher]:  # pragma: no cover - interface
        raise NotImplementedError


_KINDS: dict[str, type[Kind]] = {}

K = TypeVar("K", bound=type[Kind])


def register(kind: K) -> K:
    """Class decorator: make a kind available to packs under ``kind.name``."""
    if not kind.name or kind.name in _KINDS:
        raise ValueError(f"bad or duplicate kind name {kind.name!r}")
    _KINDS[kind.name] = kind
    return kind


def get_kind(name: str) -> type[Kind] | None:
    from . import load_builtin_kinds

    load_builtin_kinds()
    return _KINDS.get(name)


def kind_names() -> list[str]:
    from . import load_builtin_kinds

    load_builtin_kinds()
    return sorted(_KINDS)


def compile_regex(spec: RuleSpec, pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """Compile a pack's regex with the ``regex`` module, naming the rule on error.

    Through :mod:`scrubber.regexcache`: a pattern an earlier process compiled
    is rebuilt from its stored code instead of parsed again.
    """
    try:
        return regexcache.compile(pattern, flags | regex.VERSION1 | regex.UNICODE)
    except (regex.error, TypeError) as exc:
        raise PackError(f"{spec.where()}: invalid regex {pattern!r}: {exc}") from None


def finditer(pattern: regex.Pattern[str], text: str, rule: str, pos: int = 0, endpos: int | None = None) -> Iterable[Any]:
    """``pattern.finditer`` guarded by :data:`REGEX_TIMEOUT`."""
    try:
        if endpos is None:
            yield from pattern.finditer(text, pos, timeout=REGEX_TIMEOUT)
        else:
            yield from pattern.finditer(text, pos, endpos, timeout=REGEX_TIMEOUT)
    except TimeoutError:
        raise RuleTimeout(f"rule {rule!r} took longer than {REGEX_TIMEOUT}s on one document and was skipped for it") from None


def fix_finding(
    spec: RuleSpec, start: int, end: int, replacement: str | None, message: str = "", confidence: float | None = None, detail: str = ""
) -> Finding:
    """Build a finding carrying the spec's defaults (message, confidence, safety).

    Through :func:`~scrubber.model.new_finding`, not the frozen ``__init__``:
    every fix of every rule is made here (the same object, made in half the time).
    """
    if spec.action == "flag":
        replacement = None
    return new_finding(
        rule=spec.id,
        start=start,
        end=end,
        replacement=replacement,
        message=message or spec.message or spec.description,
        confidence=spec.confidence if confidence is None else confidence,
        safe=spec.safe,
        detail=detail,
    )
