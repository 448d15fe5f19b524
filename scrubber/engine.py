"""Run compiled rules over text, resolve overlaps, apply decisions.

The engine is pure: no I/O, no global state. It pickles as its list of rule
specs and recompiles on arrival, so the same object runs in-process, in a
process pool or on a Dask worker.

Overlap resolution (deterministic, documented in docs/architecture.md):

1. A fix lying wholly inside a span another fix deletes is dropped (the
   deletion makes it moot). Other fixes compete: higher rule ``priority``
   wins, then the longer span, then the earlier start, then the rule id.
2. Flags compete with flags by the same order.
3. A flag survives a fix only if the two are disjoint or the flag contains the
   fix wholly (a garbled sentence with one mojibake word keeps both). A flag
   cut by a fix (or inside a removed line) is dropped: the fix is concrete.
4. A matcher with a ``coarsen`` hook may then merge its own resolved fixes,
   knowing every other rule's (the mojibake runs of a huge line: never over
   another rule's fix or a flag's edge; see ``kinds.unicode.coarse_runs``).

Apply splices every accepted span into the text in one pass. A flag that is
dropped or edited supersedes the fixes inside it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from .kinds.base import DocContext, Matcher, RuleSpec, RuleTimeout, get_kind
from .model import Action, Decision, Finding, evolve, fingerprinted


def compile_specs(specs: Sequence[RuleSpec]) -> list[Matcher]:
    """Compile specs kind group by kind group (validates as a side effect)."""
    groups: dict[str, list[RuleSpec]] = {}
    owners: dict[str, type] = {}
    for spec in specs:
        kind = get_kind(spec.kind)
        if kind is None:  # packs validate this earlier; an API user may not
            raise ValueError(f"{spec.where()}: unknown kind {spec.kind!r}")
        key = kind.group or kind.name
        groups.setdefault(key, []).append(spec)
        owners.setdefault(key, kind)
    matchers: list[Matcher] = []
    for key, group in groups.items():
        matchers.extend(owners[key].compile(group))
    return matchers


class Engine:
    """A set of compiled rules. Cheap to call, safe to share across processes."""

    def __init__(self, specs: Iterable[RuleSpec]) -> None:
        self.specs: tuple[RuleSpec, ...] = tuple(specs)
        self.by_id: dict[str, RuleSpec] = {s.id: s for s in self.specs}
        self._priority: dict[str, int] = {s.id: s.priority for s in self.specs}
        #: the rule kinds present (asked once per document by the runner)
        self.kinds: frozenset[str] = frozenset(s.kind for s in self.specs)
        #: whether a rule flags (its judgement can change once other rules' fixes are applied)
        self.flags: bool = any(s.action == "flag" for s in self.specs)
        self._matchers = compile_specs(self.specs)
        # the garble detectors judge sentences as the fix rules leave them (see _mapped_back)
        self._judges = [m for m in self._matchers if m.judges_fixed_text]
        self._makers = [m for m in self._matchers if m not in self._judges]
        #: the matchers that may act on what a fix leaves (see :meth:`settle`); most engines have one or none
        self._settlers = [m for m in self._matchers if type(m).reveal_hint is not Matcher.reveal_hint]
        #: the matchers that merge their own findings once every rule's are resolved (``coarsen(ctx, findings)``:
        #: the mojibake rule's runs on a huge line must not swallow what other rules own, see ``kinds.unicode.coarse_runs``)
        self._coarseners = [m for m in self._matchers if callable(getattr(m, "coarsen", None))]

    def __reduce__(self):  # pickle as data, recompile on arrival
        return (Engine, (self.specs,))

    @property
    def rule_ids(self) -> list[str]:
        return [s.id for s in self.specs]

    def find(self, text: str, warnings: list[str] | None = None) -> list[Finding]:
        """All findings on ``text`` after overlap resolution, with fingerprints."""
        ctx = DocContext(text)
        raw = _run(self._makers, ctx, warnings)
        found = self.resolve(raw) if raw else []
        if self._judges:
            edits = [(f.start, f.end, f.replacement) for f in found if f.replacement is not None]  # (the fixes)
            if edits:
                judged = _mapped_back(_run(self._judges, DocContext(_splice(text, edits)), warnings), edits)
            else:
                judged = _run(self._judges, ctx, warnings)
            if judged and all(f.replacement is None for f in judged):  # (is_flag, read without the property: hot)
                # the judges flag: the fixes the makers kept stay as resolved, only the flags compete again
                fixes = [f for f in found if f.replacement is not None]
                found = self._with_flags(fixes, [f for f in raw if f.replacement is None] + judged)
            elif judged:  # else what the makers found, resolved, is the answer
                found = self.resolve(raw + judged)
        if not found:  # most documents: settling and fingerprinting nothing gives nothing
            return []
        for matcher in self._coarseners:
            found = matcher.coarsen(ctx, found)
        return self.with_fingerprints(text, self.settle(text, found, warnings))

    def may_reveal(self, text: str, edits: Iterable[tuple[int, int, str]]) -> bool:
        """Whether the text ``edits`` (start, end, new text) leave may hold what no rule saw.

        Two things can appear: a line break where there was none (a decoded
        ``&#10;``), which makes lines the line rules never read, and what a
        settling matcher acts on next to a replacement (:meth:`Matcher.reveal_hint`)
        that :meth:`settle` could not fold into one fix (two deletions meet
        at a soft hyphen). Cheap: it reads only the edits and the characters
        around them. See :func:`scrubber.policy.fix_text`.
        """
        for start, end, new in edits:
            if "\n" in new and new.count("\n") > text.count("\n", start, end):
                return True
            if self._settlers:
                left = text[max(0, start - 1) : start] + new + text[end : end + 1]
                if any(m.reveal_hint(left) for m in self._settlers):
                    return True
        return False

    def settle(self, text: str, findings: list[Finding], warnings: list[str] | None = None) -> list[Finding]:
        """Fold into each fix what the rules would still do at its replacement, so fixing twice changes nothing.

        Decoding reveals characters: ``&shy;`` becomes a soft hyphen and
        ``Â\u00ad`` (mojibake) one too, ``&#8203;`` a zero-width space, which
        the ``chars`` rules remove, but only on a second run, since the first
        saw the entity. So the matchers that can act on a replacement
        (:meth:`Matcher.reveal_hint`) run once more over the text as all the
        fixes leave it. A fix of theirs that overlaps or touches what one fix
        left (its replacement, or the point where it deleted) is merged into it: one
        finding ``&shy;`` -> ``''`` whose message gives both steps, with the
        lower confidence and safety of the two, so a policy takes both or
        neither. A merge that would reach another fix is not made (and a flag
        the widened fix now cuts goes, as in :meth:`resolve`). Only
        documents with such a replacement pay for the second scan.
        """
        if not self._settlers:
            return findings
        # what a fix leaves: its replacement between the characters around it (a deletion can
        # join 'Â' + soft hyphen into a bare soft hyphen: ``NotÂ\u00adfall`` -> ``Not`` + ``\u00adfall``)
        left = [
            text[max(0, f.start - 1) : f.start] + f.replacement + text[f.end : f.end + 1] for f in findings if f.replacement is not None
        ]
        settlers = [m for m in self._settlers if any(m.reveal_hint(s) for s in left)]
        if not settlers:  # (most documents: the fixes are sorted only where a settler acts)
            return findings
        fixes = sorted((f for f in findings if f.is_fix), key=lambda f: (f.start, f.end))
        # the text as every fix leaves it; zones[k] = (start, end) in it of fixes[k]'s replacement
        parts: list[str] = []
        zones: list[tuple[int, int]] = []
        pos = size = 0
        for f in fixes:
            parts.append(text[pos : f.start])
            size += f.start - pos
            zones.append((size, size + len(f.replacement or "")))
            parts.append(f.replacement or "")
            size += len(f.replacement or "")
            pos = f.end
        parts.append(text[pos:])
        fixed = "".join(parts)

        zone_starts = [a for a, _ in zones]
        zone_ends = [b for _, b in zones]  # ascending too: the fixes do not overlap

        def original(p: int) -> int:
            """The offset in ``text`` of a position of ``fixed`` outside every zone (at a zone's start: the fix's start)."""
            k = bisect_left(zone_starts, p) - 1  # the last zone starting before p; the text after it is unchanged
            return p if k < 0 else fixes[k].end + (p - zones[k][1])

        ctx = DocContext(fixed)
        merges: dict[int, list[Finding]] = {}  # fixes[k] -> the settling fixes merged into it
        for matcher in settlers:
            try:
                found = list(matcher.find(ctx))
            except RuleTimeout as exc:
                if warnings is not None:
                    warnings.append(str(exc))
                continue
            for g in found:
                if not g.is_fix:
                    continue
                # the fix whose replacement it overlaps, else the first it touches (between two
                # fixes, 'NotÂ' + soft hyphen + 'fallÂ', it joins the one before it); the zones
                # meeting [g.start, g.end] are a run found by bisection, not a scan of all of them
                near = range(bisect_left(zone_ends, g.start), bisect_right(zone_starts, g.end))
                hit = [k for k in near if zones[k][0] < g.end and g.start < zones[k][1]]
                if len(hit) <= 1:
                    hit = hit or list(near[:1])
                if len(hit) == 1:
                    merges.setdefault(hit[0], []).append(g)
        if not merges:
            return findings
        fix_starts = [f.start for f in fixes]
        fix_ends = [f.end for f in fixes]
        settled: dict[int, Finding] = {}
        for k, gs in merges.items():
            f, (a, b) = fixes[k], zones[k]
            lo, hi = min([a, *(g.start for g in gs)]), max([b, *(g.end for g in gs)])
            start = f.start if lo >= a else original(lo)
            end = f.end if hi <= b else original(hi)
            reached = range(bisect_right(fix_ends, start), bisect_left(fix_starts, end))
            if any(j != k for j in reached):
                continue  # the merged span would reach another fix
            new, last, steps = [], lo, [f.message]
            for g in sorted(gs, key=lambda g: g.start):
                if g.start < last:
                    continue  # overlapping proposals: the first stands
                new += [fixed[last : g.start], g.replacement or ""]
                last = g.end
                steps.append(g.message)
            new.append(fixed[last:hi])
            settled[id(f)] = replace(
                f,
                start=start,
                end=end,
                replacement="".join(new),
                message="; then ".join(dict.fromkeys(steps)),
                confidence=min([f.confidence, *(g.confidence for g in gs)]),
                safe=f.safe and all(g.safe for g in gs),
            )
        out = []
        for f in findings:
            f = settled.get(id(f), f)
            if f.is_fix and f.replacement == text[f.start : f.end]:
                continue  # settled back to what was there
            out.append(f)
        # a widened fix may now cut a flag: the flag goes, as in resolve
        kept = _flags_compatible_with([f for f in out if f.is_flag], [f for f in out if f.is_fix])
        keep = {id(f) for f in kept}
        return [f for f in out if f.is_fix or id(f) in keep]

    def resolve(self, findings: Iterable[Finding]) -> list[Finding]:
        if isinstance(findings, list) and len(findings) == 1:  # a third of the documents with findings
            return list(findings)
        # (fixes have a replacement, flags none: Finding.is_fix and is_flag, read without the properties)
        fixes = _greedy(sorted(_without_fixes_inside_strips([f for f in findings if f.replacement is not None]), key=self._order))
        return self._with_flags(fixes, [f for f in findings if f.replacement is None])

    def _order(self, f: Finding) -> tuple:
        """Who wins an overlap (first): higher priority, then the longer span, then the earlier start, then the rule id."""
        return (-self._priority.get(f.rule, 0), -(f.end - f.start), f.start, f.rule)

    def _with_flags(self, fixes: list[Finding], flags: list[Finding]) -> list[Finding]:
        """The resolved ``fixes`` (disjoint) with the ``flags`` that win among themselves and survive them, sorted.

        :meth:`resolve`'s second half, on its own: when the judges add only
        flags, the fixes :meth:`find` resolved first stay as they are (a flag
        never removes a fix), so only the flags compete again.
        """
        kept_flags = _flags_compatible_with(_greedy(sorted(flags, key=self._order)), fixes) if flags else []
        return sorted(fixes + kept_flags, key=lambda f: (f.start, f.end, f.replacement is None, f.rule))

    @staticmethod
    def with_fingerprints(text: str, findings: list[Finding]) -> list[Finding]:
        """Each finding with its fingerprint (:func:`scrubber.model.fingerprinted`)."""
        return fingerprinted(text, findings)


def _run(matchers: Sequence[Matcher], ctx: DocContext, warnings: list[str] | None) -> list[Finding]:
    """The findings of ``matchers`` on ``ctx``; a rule that times out is skipped with a warning."""
    found: list[Finding] = []
    for matcher in matchers:
        try:
            found.extend(matcher.find(ctx))
        except RuleTimeout as exc:
            if warnings is not None:
                warnings.append(str(exc))
    return found


def _mapped_back(flags: list[Finding], edits: list[tuple[int, int, str]]) -> list[Finding]:
    """Flags found on the text as ``edits`` (sorted, disjoint) leave it, with their spans in the original text.

    Flag rules judge sentences, and what surrounds a sentence is part of the
    judgement: with ``[ad_1]`` above it, a paragraph is not the document's
    first; with mojibake in it, a sentence is skipped. Judged on the
    original, ``check`` and ``review`` showed one thing and ``fix
    --drop-flagged`` (which must judge what it leaves, to be idempotent)
    acted on another: a document ``check`` showed clean could lose its first
    sentence. So the flag rules judge the text as the fix rules would leave
    it, and each flag is carried back: a start or end inside a replacement
    takes the whole of what it replaced (the flag then contains that fix).
    """
    if not flags:
        return flags
    new_starts: list[int] = []  # where each edit's replacement starts in the fixed text
    shift = 0
    for start, end, new in edits:
        new_starts.append(start + shift)
        shift += len(new) - (end - start)

    def back(pos: int, is_end: bool) -> int:
        # the last edit whose replacement starts before pos (at or before, for a start)
        k = (bisect_left(new_starts, pos) if is_end else bisect_right(new_starts, pos)) - 1
        if k < 0:
            return pos
        start, end, new = edits[k]
        past = pos - new_starts[k] - len(new)  # how far pos lies after the replacement (< 0: inside it)
        if is_end:
            return end + max(past, 0)
        return end + past if past >= 0 else start

    return [evolve(f, start=(a := back(f.start, False)), end=max(a, back(f.end, True))) for f in flags]


def _overlaps(a: Finding, b: Finding) -> bool:
    if a.start == a.end or b.start == b.end:  # insertions conflict only at the same point
        return (a.start == b.start and a.end == b.end) or (b.start < a.start < b.end) or (a.start < b.start < a.end)
    return a.start < b.end and b.start < a.end


def _without_fixes_inside_strips(fixes: list[Finding]) -> list[Finding]:
    """Drop fixes lying wholly inside a span another fix deletes.

    Removing a residue line makes a mojibake fix inside it moot whatever the
    priorities say; keeping the inner fix instead would leave the line for a
    second run to remove, and fixing would not be idempotent.

    Strips sorted by start with a running maximum of their ends answer "does
    a strip starting at or before here reach past there" by bisection, so a
    document with tens of thousands of findings resolves in n log n.
    """
    strips = sorted((f.start, f.end) for f in fixes if f.replacement == "" and f.end > f.start)
    if not strips:
        return fixes
    starts = [a for a, _ in strips]
    reach: list[int] = []  # reach[i]: the furthest end among strips[0..i]
    for _, end in strips:
        reach.append(max(end, reach[-1]) if reach else end)
    kept = []
    for f in fixes:
        i = bisect_right(starts, f.start) - 1  # strips starting at or before f
        j = bisect_left(starts, f.start) - 1  # strips starting strictly before f
        inside = i >= 0 and (reach[i] > f.end or (j >= 0 and reach[j] >= f.end))
        if not inside:
            kept.append(f)
    return kept


class _Spans:
    """Pairwise non-overlapping spans kept sorted, to test a new span against its neighbours only.

    Kept spans never overlap, so sorted by start their ends never decrease,
    and the spans a new one could overlap form one run just left of where it
    would be inserted.

    The spans live in blocks of at most :data:`_BLOCK` (a list of sorted
    lists, as in ``sortedcontainers``): one flat list made each insertion
    shift every later span, quadratic for the hundreds of thousands of
    findings a huge document can have.
    """

    def __init__(self) -> None:
        self.blocks: list[list[tuple[int, int, Finding]]] = []
        self.firsts: list[tuple[int, int]] = []  # (start, end) of each block's first span

    def overlapping(self, f: Finding) -> list[Finding]:
        found = []
        b = bisect_right(self.firsts, (f.end, f.end)) - 1
        while b >= 0:
            block = self.blocks[b]
            k = bisect_right(block, (f.end, f.end, _LAST))
            while k > 0 and block[k - 1][1] >= f.start:
                k -= 1
                found.append(block[k][2])
            if k > 0:
                break
            b -= 1
        return found

    def add(self, f: Finding) -> None:
        item = (f.start, f.end, f)
        if not self.blocks:
            self.blocks.append([item])
            self.firsts.append((f.start, f.end))
            return
        b = max(bisect_right(self.firsts, (f.start, f.end)) - 1, 0)
        block = self.blocks[b]
        block.insert(bisect_right(block, (f.start, f.end, _LAST)), item)
        self.firsts[b] = block[0][:2]
        if len(block) > _BLOCK:
            half = len(block) // 2
            self.blocks[b : b + 1] = [block[:half], block[half:]]
            self.firsts[b : b + 1] = [block[0][:2], block[half][:2]]


#: the largest block of :class:`_Spans`
_BLOCK = 512


class _Last:
    """Sorts after every finding, so tuples (start, end, finding) never compare findings."""

    def __lt__(self, other: object) -> bool:
        return False

    def __gt__(self, other: object) -> bool:
        return True


_LAST = _Last()


#: up to this many findings, :func:`_greedy` and :func:`_flags_compatible_with` test each against all
#: the others instead of indexing them (:class:`_Spans`): most documents have a handful, and a few
#: comparisons cost less than building the index (the result is the same, only fewer are tested)
_INDEX_ABOVE = 12


def _greedy(ordered: list[Finding]) -> list[Finding]:
    kept = _Spans() if len(ordered) > _INDEX_ABOVE else None
    out: list[Finding] = []
    for f in ordered:
        if not any(_overlaps(f, k) for k in (out if kept is None else kept.overlapping(f))):
            if kept is not None:
                kept.add(f)
            out.append(f)
    return out


def _flags_compatible_with(flags: list[Finding], fixes: list[Finding]) -> list[Finding]:
    if len(fixes) <= _INDEX_ABOVE:
        return [g for g in flags if all(_compatible(g, f) for f in fixes)]
    index = _Spans()
    for f in fixes:
        index.add(f)
    return [g for g in flags if all(_compatible(g, f) for f in index.overlapping(g))]


def _compatible(flag: Finding, fix: Finding) -> bool:
    if not _overlaps(flag, fix):
        return True
    return flag.start <= fix.start and fix.end <= flag.end and (flag.start, flag.end) != (fix.start, fix.end)


def apply(text: str, findings: Sequence[Finding], decisions: Mapping[str, Decision]) -> str:
    """The text after applying ``decisions`` (keyed by fingerprint) to ``findings``.

    Undecided fixes and undecided or accepted flags leave the text as it is.
    """
    edits: list[tuple[int, int, str]] = []
    drops: list[tuple[int, int]] = []
    for f in findings:
        d = decisions.get(f.fingerprint)
        if d is None or d.action is Action.REJECT:
            continue
        if d.action is Action.EDIT:
            edits.append((f.start, f.end, d.text or ""))
        elif d.action is Action.DROP:
            drops.append((f.start, _end_of_dropped_span(text, f)))
        elif d.action is Action.ACCEPT and f.is_fix:
            edits.append((f.start, f.end, f.replacement or ""))
    edits.extend((start, end, "") for start, end in _dropped_paragraphs(text, drops))
    return _splice(text, edits)


def _end_of_dropped_span(text: str, f: Finding) -> int:
    """Dropping a sentence takes the spaces after it, so "A. B. C." loses "B. " not "B."."""
    end = f.end
    if f.start == 0 or text[f.start - 1].isspace():
        while end < len(text) and text[end] in " \t":
            end += 1
    return end


_INLINE_SPACE = " \t\r\f\v"


def _dropped_paragraphs(text: str, drops: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Dropped spans, joined where only spaces part them, and widened to whole lines where they empty a paragraph.

    Dropping every sentence of a paragraph must not leave its line behind as
    a blank one (nine blank lines where a spun article lost its worst
    paragraphs). A run of drops that fills its lines takes them with the
    blank lines after them; at the end of the text it takes the blank lines
    above them instead, so the last line kept ends with its own line break.
    """
    merged: list[list[int]] = []
    for start, end in sorted(drops):
        if merged and (start <= merged[-1][1] or _blank(text[merged[-1][1] : start])):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    spans: list[tuple[int, int]] = []
    for start, end in merged:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = _line_end(text, end)
        if not (_blank(text[line_start:start]) and _blank(text[end:line_end])):
            spans.append((start, end))  # the rest of the paragraph stays
            continue
        after = min(line_end + 1, len(text))
        while after < len(text):  # the blank lines after it, each with its line break
            blank_end = _line_end(text, after)
            if blank_end == len(text) or not _blank(text[after:blank_end]):
                break
            after = blank_end + 1
        if _blank(text[after:]):
            after = len(text)
        if spans and line_start <= spans[-1][1]:  # widened into the previous drop: one deletion
            spans[-1] = (min(spans[-1][0], line_start), after)
        else:
            spans.append((line_start, after))
    if spans and spans[-1][1] == len(text) and text[spans[-1][0] - 1 : spans[-1][0]] in ("", "\n"):
        # the end of the text: take the blank lines above, not the line break of the last line kept
        start = spans[-1][0]
        while start > 0 and _blank(text[text.rfind("\n", 0, start - 1) + 1 : start - 1]):
            start = text.rfind("\n", 0, start - 1) + 1
        spans[-1] = (start, len(text))
    return spans


def _blank(s: str) -> bool:
    return not s.strip(_INLINE_SPACE)


def _line_end(text: str, pos: int) -> int:
    """The offset of the line break ending the line at ``pos`` (the text's length on the last line)."""
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    # an edit that lies inside a wider one (a fix inside a dropped sentence) is superseded
    edits.sort(key=lambda e: (e[0], -(e[1] - e[0])))
    kept: list[tuple[int, int, str]] = []
    for e in edits:
        if kept and e[0] < kept[-1][1]:
            continue
        kept.append(e)
    parts: list[str] = []
    pos = 0
    for start, end, new in kept:
        parts.append(text[pos:start])
        parts.append(new)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def accept_all(text: str, findings: Sequence[Finding]) -> str:
    """Apply every fix (used by rule examples; ignores safety and confidence)."""
    return apply(text, findings, {f.fingerprint: Decision(Action.ACCEPT) for f in findings if f.is_fix})
