"""``pattern`` kind: a regex anywhere in the text, fixed, stripped or flagged.

Used for inline damage that is not a whole line: ``[ad_2]`` glued to a
sentence, an HTML entity, a run of odd spaces.

A rule may declare a cheap necessary condition (:class:`Requires`):
``requires`` (strings, any case) and/or ``requires_pattern`` (a regex). A
text holding none of them is not searched with the rule's own regex at all,
which is most texts for a rule about a rare credit line. The condition must
hold wherever the rule matches; the rule's examples are held to it when the
pack loads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import regex

from ..model import Finding
from .base import DocContext, Kind, Matcher, PackError, RuleSpec, compile_regex, finditer, fix_finding, register

#: Characters for which "equal when case-folded" is not the same test as the
#: ``regex`` module's case-insensitive match: multi-character foldings (ß,
#: ligatures, Greek with iota subscripts) and non-ASCII characters that match
#: an ASCII letter (the Kelvin sign, long s, dotted/dotless i). Outside them a
#: keyword found case-insensitively by a rule's regex is found by
#: ``keyword.casefold() in text.casefold()``; a text holding one of them
#: skips the keyword test (every keyword counts as present).
#: tests/test_residue_perf.py recomputes this set over all code points.
FOLD_UNSAFE = (
    "\u00df\u0130-\u0131\u0149\u017f\u01f0\u0390\u03b0\u0587\u1e96-\u1e9a\u1e9e\u1f50\u1f52\u1f54\u1f56"
    "\u1f80-\u1faf\u1fb2-\u1fb4\u1fb6-\u1fb7\u1fbc\u1fc2-\u1fc4\u1fc6-\u1fc7\u1fcc\u1fd2-\u1fd3\u1fd6-\u1fd7"
    "\u1fe2-\u1fe4\u1fe6-\u1fe7\u1ff2-\u1ff4\u1ff6-\u1ff7\u1ffc\u212a\ufb00-\ufb06\ufb13-\ufb17"
)
_FOLD_UNSAFE_RE = re.compile(f"[{FOLD_UNSAFE}]")


def fold(text: str) -> str | None:
    """``text`` case-folded for keyword tests, or None when a keyword test could miss (see :data:`FOLD_UNSAFE`)."""
    if not text.isascii() and _FOLD_UNSAFE_RE.search(text):
        return None
    return text.casefold()


class Requires:
    """A rule's cheap necessary condition: one of its ``requires`` strings (any case) or a match of ``requires_pattern``.

    It lets a matcher skip a rule whose regex is slow to reject, on text the
    rule cannot match. Only sound if every match of the rule holds one of
    the strings (as written in the pattern, in any case) or a match of the
    pattern; :meth:`check_examples` holds the rule's examples to that.
    """

    def __init__(self, spec: RuleSpec) -> None:
        self.spec = spec
        keywords = spec.params.get("requires", [])
        if "requires" in spec.params and (not keywords or not all(isinstance(k, str) and k for k in keywords)):
            raise PackError(f"{spec.where()}: 'requires' must be a non-empty list of non-empty strings")
        for k in keywords:
            if any(c.isspace() for c in k):
                raise PackError(f"{spec.where()}: 'requires' string {k!r} holds white space; patterns match runs of it, so use one word")
        self.keywords: tuple[str, ...] = tuple(k.casefold() for k in keywords)
        # for whole documents: one case-insensitive literal search per word (the
        # regex module scans for a single literal fast; case-folding the whole
        # document would cost more than the search it saves)
        self._keyword_res = [compile_regex(spec, regex.escape(k), regex.IGNORECASE) for k in keywords]
        pattern = spec.params.get("requires_pattern")
        self.pattern: regex.Pattern[str] | None = None if pattern is None else compile_regex(spec, pattern)
        if pattern == "":
            raise PackError(f"{spec.where()}: 'requires_pattern' must not be empty")

    @classmethod
    def of(cls, spec: RuleSpec) -> Requires | None:
        return cls(spec) if "requires" in spec.params or "requires_pattern" in spec.params else None

    def found(self, text: str, start: int, stop: int, folded: str | None) -> bool:
        """Whether ``text[start:stop]`` (``folded`` = :func:`fold` of it) may hold a match of the rule."""
        if folded is None:
            return True
        for k in self.keywords:
            if k in folded:
                return True
        return self.pattern is not None and self.pattern.search(text, start, stop) is not None

    def found_in(self, text: str) -> bool:
        """Whether the whole of ``text`` may hold a match of the rule (same test as :meth:`found`, for documents)."""
        return any(k.search(text) is not None for k in self._keyword_res) or (
            self.pattern is not None and self.pattern.search(text) is not None
        )

    def describe(self) -> str:
        parts = [f"requires = {list(self.spec.params['requires'])!r}"] if self.keywords else []
        if self.pattern is not None:
            parts.append(f"requires_pattern = {self.spec.params['requires_pattern']!r}")
        return " / ".join(parts)

    def check_examples(self, spans: Sequence[tuple[str, int, int]]) -> None:
        """Raise :class:`PackError` if a span the rule matches (``text, start, stop``) fails the condition."""
        for text, start, stop in spans:
            if not self.found(text, start, stop, fold(text[start:stop])):
                raise PackError(
                    f"{self.spec.where()}: the rule matches {text[start:stop]!r} in its examples, which holds none of "
                    f"{self.describe()}; they must be found wherever the rule matches"
                )


class PatternMatcher(Matcher):
    def __init__(self, spec: RuleSpec) -> None:
        self.spec = spec
        self.rule_ids = (spec.id,)
        self.regex = compile_regex(spec, spec.params["pattern"])
        self.template: str | None = spec.params.get("replacement")
        if spec.action == "strip":
            self.template = ""
        elif spec.action == "fix" and self.template is None:
            raise PackError(f"{spec.where()}: action 'fix' needs a 'replacement'")
        if self.template:
            try:  # validate group references now, not on the first match
                self.regex.sub(self.template, "")
            except (regex.error, IndexError) as exc:
                raise PackError(f"{spec.where()}: bad replacement {self.template!r}: {exc}") from None
        self.requires = Requires.of(spec)
        if self.requires is not None:
            texts = [e.text for e in spec.examples_match] + list(spec.examples_no_match)
            for text in texts:
                if any(m.end() > m.start() for m in self.regex.finditer(text)) and not self.requires.found_in(text):
                    raise PackError(
                        f"{spec.where()}: the rule matches its example {text!r}, which holds none of {self.requires.describe()}"
                    )

    def find(self, ctx: DocContext) -> Iterator[Finding]:
        text = ctx.text
        if self.requires is not None and not self.requires.found_in(text):
            return
        for m in finditer(self.regex, text, self.spec.id):
            if m.end() == m.start():
                continue  # an empty match proposes nothing
            replacement = m.expand(self.template) if self.template else self.template
            if replacement == m.group():
                continue
            yield fix_finding(self.spec, m.start(), m.end(), replacement)


@register
class PatternKind(Kind):
    name = "pattern"
    params = {"pattern": (str, True), "replacement": (str, False), "requires": (list, False), "requires_pattern": (str, False)}

    @classmethod
    def compile(cls, specs: list[RuleSpec]) -> list[Matcher]:
        return [PatternMatcher(spec) for spec in specs]
