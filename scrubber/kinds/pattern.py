"""``pattern`` kind: a regex anywhere in the text, fixed, stripped or flagged.

Used for inline damage that is not a whole line: ``[ad_2]`` glued to a
sentence, an HTML entity, a run of odd spaces.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

from ..model import Finding
from .base import DocContext, Kind, Matcher, PackError, RuleSpec, compile_regex, finditer, fix_finding, register


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

    def find(self, ctx: DocContext) -> Iterator[Finding]:
        for m in finditer(self.regex, ctx.text, self.spec.id):
            if m.end() == m.start():
                continue  # an empty match proposes nothing
            replacement = m.expand(self.template) if self.template else self.template
            if replacement == m.group():
                continue
            yield fix_finding(self.spec, m.start(), m.end(), replacement)


@register
class PatternKind(Kind):
    name = "pattern"
    params = {"pattern": (str, True), "replacement": (str, False)}

    @classmethod
    def compile(cls, specs: list[RuleSpec]) -> list[Matcher]:
        return [PatternMatcher(spec) for spec in specs]
