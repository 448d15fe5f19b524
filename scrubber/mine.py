"""Mine a corpus for residue: lines and line endings that repeat across documents.

Template text repeats; article text does not. C4 drops lines that recur
across pages and OpusCleaner finds repeated suffixes; this module does both
and writes what it finds as a *candidate* rule pack (every rule
``enabled = false``) for a person to review, with counts and examples.

Streaming with flat memory: documents are read one at a time and each
contributes the set of its distinct lines. Counts live in one table capped at
``max_keys`` entries; when it fills, the rarest entries are dropped (lossy
counting), so a line seen in many documents survives and a line seen once
costs nothing for long. Counts are therefore exact for frequent lines and a
lower bound in general.

Grouping: with a ``group_key`` (a JSONL field such as ``url``; a URL is
reduced to its domain) a line is also counted per group, so residue of one
site shows even when it is rare in the whole corpus. With a ``distinct_key``
(such as ``article_id``) documents that share the key value count once,
so several extractions or copies of one page do not look like a template.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import regex

#: documents inspected at each end when deciding where a line sits
EDGE_LINES = 3
#: distinct document ids remembered per line (for --distinct-key)
DISTINCT_CAP = 1000
GLOBAL = ""

_WS = re.compile(r"\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SENTENCE_TAIL = re.compile(r"[.!?][\"”’)\]]*(?=\s|\[|[A-Z])")


@dataclass
class Stat:
    docs: int = 0
    start: int = 0
    end: int = 0
    example: str = ""  # id of a document that has it
    seen: set[int] | None = None  # hashes of distinct-key values


@dataclass
class Candidate:
    kind: str  # "line" or "ending"
    text: str
    group: str  # GLOBAL or a domain/source
    docs: int
    share: float
    where: str
    example: str


@dataclass
class Miner:
    group_key: str | None = "url"
    distinct_key: str | None = None
    max_length: int = 200
    min_length: int = 2
    max_keys: int = 500_000
    stats: dict[tuple[str, str, str], Stat] = field(default_factory=dict)
    group_docs: Counter = field(default_factory=Counter)
    n_docs: int = 0
    _group_seen: dict[str, set[int]] = field(default_factory=dict)

    # -- input ---------------------------------------------------------------
    def group_of(self, meta: dict) -> str | None:
        record = meta.get("record") if isinstance(meta, dict) else None
        if not self.group_key or not isinstance(record, dict):
            return None
        value = record.get(self.group_key)
        if not isinstance(value, str) or not value.strip():
            return None
        value = value.strip()
        if "://" in value:
            host = urlsplit(value).hostname or ""
            return host.removeprefix("www.") or None
        return value

    def distinct_of(self, meta: dict) -> int | None:
        record = meta.get("record") if isinstance(meta, dict) else None
        if not self.distinct_key or not isinstance(record, dict) or self.distinct_key not in record:
            return None
        return hash(str(record[self.distinct_key]))

    def add(self, doc_id: str, text: str, meta: dict | None = None) -> None:
        """Count one document's distinct lines and line endings."""
        meta = meta or {}
        group = self.group_of(meta)
        ident = self.distinct_of(meta)
        self.n_docs += 1
        groups = [GLOBAL] if group is None else [GLOBAL, group]
        for g in groups:
            if ident is None:
                self.group_docs[g] += 1
            else:
                seen = self._group_seen.setdefault(g, set())
                if ident not in seen:
                    seen.add(ident)
                    self.group_docs[g] += 1
        lines = [norm for norm in (_WS.sub(" ", line).strip() for line in text.split("\n")) if norm]
        if _SURROGATE.search(text):  # a TOML pack cannot hold a lone surrogate, so such a line is no candidate
            lines = [line for line in lines if not _SURROGATE.search(line)]
        n = len(lines)
        keys: dict[tuple[str, str], tuple[bool, bool]] = {}
        for i, line in enumerate(lines):
            at_start, at_end = i < EDGE_LINES, i >= n - EDGE_LINES
            if self.min_length <= len(line) <= self.max_length:
                prev = keys.get(("line", line), (False, False))
                keys[("line", line)] = (prev[0] or at_start, prev[1] or at_end)
            tail = _ending(line)
            if tail and self.min_length <= len(tail):
                prev = keys.get(("ending", tail), (False, False))
                keys[("ending", tail)] = (prev[0] or at_start, prev[1] or at_end)
        for (kind, value), (at_start, at_end) in keys.items():
            for g in groups:
                self._count((kind, g, value), doc_id, ident, at_start, at_end)
        if len(self.stats) > self.max_keys:
            self._prune()

    def _count(self, key: tuple[str, str, str], doc_id: str, ident: int | None, at_start: bool, at_end: bool) -> None:
        st = self.stats.get(key)
        if st is None:
            st = self.stats[key] = Stat(example=doc_id)
        if ident is not None:
            if st.seen is None:
                st.seen = set()
            if ident in st.seen:
                return
            if len(st.seen) < DISTINCT_CAP:
                st.seen.add(ident)
        st.docs += 1
        st.start += at_start
        st.end += at_end

    def _prune(self) -> None:
        """Drop the rarest entries until the table is back to half its cap (lossy counting)."""
        floor = 1
        while len(self.stats) > self.max_keys // 2:
            for key in [k for k, s in self.stats.items() if s.docs <= floor]:
                del self.stats[key]
            floor += 1

    @property
    def distinct_docs(self) -> int:
        """Documents counted once per ``distinct_key`` value (records without the key count one each)."""
        return self.group_docs[GLOBAL]

    def describe_docs(self) -> str:
        """``60 documents`` or, with a distinct key, ``60 documents (40 distinct by article_id)``.

        Counts and shares are over the distinct pages, so the header must say
        both numbers or a share reads as wrong.
        """
        plural = "" if self.n_docs == 1 else "s"
        if not self.distinct_key:
            return f"{self.n_docs} document{plural}"
        return f"{self.n_docs} document{plural} ({self.distinct_docs} distinct by {self.distinct_key})"

    # -- output --------------------------------------------------------------
    def candidates(self, min_docs: int = 5, min_share: float = 0.0, top: int = 50) -> list[Candidate]:
        """Repeated lines and endings, most widespread first, one entry per text (its best group)."""
        best: dict[tuple[str, str], Candidate] = {}
        for (kind, group, text), st in self.stats.items():
            total = self.group_docs[group] or 1
            share = st.docs / total
            if st.docs < min_docs or share < min_share:
                continue
            where = "end" if st.end >= 0.8 * st.docs else "start" if st.start >= 0.8 * st.docs else "anywhere"
            cand = Candidate(kind, text, group, st.docs, share, where, st.example)
            old = best.get((kind, text))
            # prefer the corpus-wide count; a group count only when the line is unseen corpus-wide
            if old is None or (old.group != GLOBAL and (group == GLOBAL or st.docs > old.docs)):
                best[(kind, text)] = cand
        ranked = sorted(best.values(), key=lambda c: (-c.docs, -c.share, c.kind, c.text))
        return ranked[:top]


def _ending(line: str) -> str | None:
    """The text after the last sentence end of a line, if the line has a sentence before it."""
    last = None
    for m in _SENTENCE_TAIL.finditer(line):
        last = m
    if last is None:
        return None
    head, tail = line[: last.end()], line[last.end() :].strip()
    if len(head.split()) < 3 or not tail or len(tail) > 80 or len(tail.split()) > 10:
        return None
    return tail


# -- writing the candidate pack ------------------------------------------------


def toml_str(value: str) -> str:
    """A TOML basic string (double-quoted, escaped)."""
    out = []
    for ch in value:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def line_pattern(text: str) -> str:
    return r"[^\S\n]+".join(regex.escape(part) for part in text.split(" "))


def _comment(text: str) -> str:
    # a document id or file name may hold a lone surrogate; a comment shows its escape
    return text.replace("\n", " ")[:120].encode("utf-8", "backslashreplace").decode("utf-8")


def render_pack(cands: Iterable[Candidate], n_docs: int, sources: str, prefix: str = "mined", docs: str | None = None) -> str:
    """A rule pack of disabled candidate rules, each with its counts and examples.

    ``docs``: how the input is described (:meth:`Miner.describe_docs`), when
    documents were counted by a distinct key.
    """
    cands = list(cands)
    distinct = docs is not None and "distinct by" in docs
    what = "distinct documents" if distinct else "documents"
    out = [
        "# Candidate residue rules found by `scrubber mine`.",
        f"# Input: {_comment(sources)}; {docs or f'{n_docs} documents'}.",
        "# Every rule is disabled. Review each: keep it (delete `enabled = false`), narrow it (`where`), or delete it.",
        f"# Counts are {what} containing the line; 'share' is of the {what} in its group.",
        "",
        "[pack]",
        f"name = {toml_str(prefix)}",
        f"description = {toml_str(f'Candidate residue mined from {n_docs} documents (review before use).')}",
        "",
    ]
    for n, c in enumerate(cands, 1):
        scope = f"all {what}" if c.group == GLOBAL else f"source {c.group}"
        out.append(f"# {c.docs} {what} ({c.share:.1%} of {scope}); mostly {c.where}; e.g. document {_comment(c.example)}")
        out.append("[[rules]]")
        if c.kind == "line":
            out.extend(_line_rule(f"{prefix}.line-{n:04d}", c))
        else:
            out.extend(_ending_rule(f"{prefix}.ending-{n:04d}", c))
        out.append("")
    if not cands:
        out.append("# No line repeated often enough. Lower --min-docs or --min-share.")
        out.append("")
    return "\n".join(out)


def _common(rule_id: str, c: Candidate, kind: str, what: str) -> list[str]:
    scope = "the corpus" if c.group == GLOBAL else c.group
    return [
        f"id = {toml_str(rule_id)}",
        f"kind = {toml_str(kind)}",
        'action = "strip"',
        "enabled = false",
        f"description = {toml_str(f'{what} {c.text[:80]!r} (in {c.docs} documents of {scope})')}",
        f"rationale = {toml_str(f'Found by scrubber mine: repeated in {c.docs} documents ({c.share:.1%} of {scope}). Review before enabling.')}",
        "confidence = 0.9",
    ]


def _line_rule(rule_id: str, c: Candidate) -> list[str]:
    lines = [*_common(rule_id, c, "line", "Repeated line"), f"where = {toml_str(c.where)}", f"pattern = {toml_str(line_pattern(c.text))}"]
    body = "This sentence is part of the article."
    if c.where == "start":
        text, result = f"{c.text}\n{body}\n", f"{body}\n"
    elif c.where == "end":
        text, result = f"{body}\n{c.text}\n", f"{body}\n"
    else:
        text, result = f"{body}\n{c.text}\n{body}\n", f"{body}\n{body}\n"
    lines.append(f"examples.match = [{{ text = {toml_str(text)}, result = {toml_str(result)} }}]")
    lines.append(f"examples.no_match = [{toml_str(f'The article quotes it: {c.text} and goes on.')}]")
    return lines


def _ending_rule(rule_id: str, c: Candidate) -> list[str]:
    pattern = r"(?<=[.!?\"”’)\]])[^\S\n]*" + line_pattern(c.text) + r"(?=[^\S\n]*(?:\n|\Z))"
    lines = [*_common(rule_id, c, "pattern", "Repeated line ending"), f"pattern = {toml_str(pattern)}"]
    body = "This sentence is part of the article."
    lines.append(f"examples.match = [{{ text = {toml_str(f'{body} {c.text}')}, result = {toml_str(body)} }}]")
    lines.append(f"examples.no_match = [{toml_str(f'{c.text} starts this line, which goes on.')}]")
    return lines
