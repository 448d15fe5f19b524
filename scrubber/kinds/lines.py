"""``line`` and ``block`` kinds: whole lines of scraper residue.

Residue clusters at the start and the end of a document, so position is part
of every rule:

* a ``line`` rule matches a whole line (surrounding spaces ignored) and says
  ``where`` it may be removed: ``anywhere``, only in the ``start`` zone or
  only in the ``end`` zone;
* a ``block`` rule is a terminator (``Related Posts:``, ``Share this:``):
  found in the end zone, it and up to ``max_after`` following lines of any
  content are residue, the way boilerpipe cuts a page after its last
  article block.

The *end zone* is the longest run of lines at the end of the document made of
blank lines, lines matched by ``end``/``anywhere`` rules and terminator
blocks. The *start zone* is the same at the top with ``start``/``anywhere``
rules. Defining zones over all line rules together (not rule by rule) is what
makes fixing idempotent: once a zone is removed, the line above it is one no
rule matched, so a second run finds no new zone.

All line and block rules of a run compile into one alternation that scans
the text once in C; the Python loop only sees lines that matched.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..model import Finding
from .base import REGEX_TIMEOUT, DocContext, Kind, Matcher, PackError, RuleSpec, RuleTimeout, compile_regex, finditer, fix_finding, register

WHERE = ("anywhere", "start", "end")


@dataclass
class _Line:
    start: int  # offset of the first character
    stop: int  # offset of the line break (or end of text)
    next: int  # offset of the next line (after the line break)
    blank: bool


def _split_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    pos = 0
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        stop = n if nl == -1 else nl
        nxt = n if nl == -1 else nl + 1
        lines.append(_Line(pos, stop, nxt, not text[pos:stop].strip()))
        pos = nxt
    return lines


class LineGroupMatcher(Matcher):
    """All line and block rules of one engine, matched in one pass."""

    def __init__(self, specs: list[RuleSpec]) -> None:
        self.specs = specs
        self.rule_ids = tuple(s.id for s in specs)
        for spec in specs:
            compile_regex(spec, spec.params["pattern"])  # name the culprit on error
            where = spec.params.get("where", "end" if spec.kind == "block" else "anywhere")
            if where not in WHERE:
                raise PackError(f"{spec.where()}: 'where' must be one of {', '.join(WHERE)}, not {where!r}")
            if spec.kind == "block" and where != "end":
                raise PackError(f"{spec.where()}: a block terminator only works at the end (where = 'end')")
        self._where = [s.params.get("where", "end" if s.kind == "block" else "anywhere") for s in specs]
        branches = "|".join(f"(?P<r{i}>{s.params['pattern']})" for i, s in enumerate(specs))
        self.regex = compile_regex(specs[0], rf"(?m)^[^\S\n]*(?:{branches})[^\S\n]*$")
        # for matches that ran across a line break (a pattern's \s matched "\n"):
        # re-match each line on its own, the line end acting as end of text
        self.line_regex = compile_regex(specs[0], rf"[^\S\n]*(?:{branches})[^\S\n]*")

    def find(self, ctx: DocContext) -> Iterator[Finding]:
        text = ctx.text
        hits: dict[int, int] = {}  # line start offset -> spec index
        for m in finditer(self.regex, text, ",".join(self.rule_ids)):
            if "\n" not in m.group():
                hits[m.start()] = int(m.lastgroup[1:])
                continue
            pos = m.start()
            while pos <= m.end():
                stop = text.find("\n", pos)
                stop = len(text) if stop == -1 else stop
                try:
                    single = self.line_regex.fullmatch(text, pos, stop, timeout=REGEX_TIMEOUT)
                except TimeoutError:
                    raise RuleTimeout(
                        f"line rules took longer than {REGEX_TIMEOUT}s on one line and were skipped for this document"
                    ) from None
                if single is not None:
                    hits[pos] = int(single.lastgroup[1:])
                pos = stop + 1
        if not hits:
            return
        lines = _split_lines(text)
        cand: dict[int, int] = {}
        for i, line in enumerate(lines):
            if line.start in hits and not line.blank:
                cand[i] = hits[line.start]
        yield from self._findings(text, lines, cand)

    # -- zones -----------------------------------------------------------
    def _is_end_line(self, idx: int | None) -> bool:
        return idx is not None and self.specs[idx].kind == "line" and self._where[idx] in ("end", "anywhere")

    def _is_start_line(self, idx: int | None) -> bool:
        return idx is not None and self.specs[idx].kind == "line" and self._where[idx] in ("start", "anywhere")

    def _end_zone(self, lines: list[_Line], cand: dict[int, int]) -> tuple[int, dict[int, int]]:
        """Return the first line of the end zone and the blocks in it (terminator -> end line)."""
        z = len(lines)
        blocks: dict[int, int] = {}
        while z > 0:
            i = z - 1
            if lines[i].blank or self._is_end_line(cand.get(i)):
                z = i
                continue
            # look upward for a terminator whose block reaches down to z
            plain = 0
            t = i
            found = None
            while t >= 0:
                idx = cand.get(t)
                if idx is not None and self.specs[idx].kind == "block":
                    if plain <= int(self.specs[idx].params.get("max_after", 8)):
                        found = t
                    break
                if not lines[t].blank and not self._is_end_line(idx):
                    plain += 1
                    if plain > 50:
                        break
                t -= 1
            if found is None:
                break
            blocks[found] = z
            z = found
        return z, blocks

    def _start_zone(self, lines: list[_Line], cand: dict[int, int], limit: int) -> int:
        h = 0
        while h < limit and (lines[h].blank or self._is_start_line(cand.get(h))):
            h += 1
        return h

    def _findings(self, text: str, lines: list[_Line], cand: dict[int, int]) -> Iterator[Finding]:
        z, blocks = self._end_zone(lines, cand)
        h = self._start_zone(lines, cand, z)
        spans: list[tuple[int, int, int, str]] = []  # (start, end, spec index, message)

        # start zone: each matched line, with the blank lines after it
        i = 0
        while i < h:
            if i in cand:
                j = i + 1
                while j < h and lines[j].blank:
                    j += 1
                spans.append((lines[i].start, lines[j - 1].next, cand[i], ""))
                i = j
            else:
                i += 1

        # middle: 'anywhere' lines only
        for i in range(h, z):
            idx = cand.get(i)
            if idx is None or self._where[idx] != "anywhere" or self.specs[idx].kind != "line":
                continue
            end = lines[i].next
            before_blank = i == 0 or lines[i - 1].blank
            if before_blank and i + 1 < len(lines) and lines[i + 1].blank:
                end = lines[i + 1].next  # don't leave two blank lines where there was one
            spans.append((lines[i].start, end, idx, ""))

        # end zone: matched lines and terminator blocks
        i = z
        while i < len(lines):
            if lines[i].blank:
                i += 1
                continue
            if i in blocks:
                stop = blocks[i]
                n_after = sum(1 for k in range(i + 1, stop) if not lines[k].blank)
                msg = (
                    f"{self.specs[cand[i]].message or self.specs[cand[i]].description} (and the {n_after} line(s) after it)"
                    if n_after
                    else ""
                )
            else:
                stop = i + 1
                msg = ""
            j = stop
            while j < len(lines) and lines[j].blank:
                j += 1
            spans.append((lines[i].start, lines[j - 1].next, cand[i], msg))
            i = j

        for start, end, idx, msg in spans:
            yield fix_finding(self.specs[idx], start, end, "", message=msg)


@register
class LineKind(Kind):
    name = "line"
    group = "lines"
    actions = ("strip", "flag")
    params = {"pattern": (str, True), "where": (str, False)}

    @classmethod
    def compile(cls, specs: list[RuleSpec]) -> list[Matcher]:
        return [LineGroupMatcher(specs)] if specs else []


@register
class BlockKind(Kind):
    name = "block"
    group = "lines"
    actions = ("strip", "flag")
    params = {"pattern": (str, True), "where": (str, False), "max_after": (int, False)}

    compile = LineKind.compile
