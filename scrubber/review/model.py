"""The reviewer's in-memory state, kept apart from Textual so it is easy to test.

All findings of a session load with one query into compact rows; the list
the reviewer sees is ``order``, a list of row indices after filtering. Every
decision goes to the session (committed) before the rows change, so what the
screen shows as decided is on disk.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass

from ..model import Action
from ..session import Session

STATUS_OF = {None: "pending", "accept": "accepted", "reject": "rejected", "edit": "edited", "drop": "dropped"}
STATUSES = ("pending", "decided", "accepted", "rejected", "edited", "dropped", "fixes", "flags")


class Row:
    """One finding and its current decision."""

    __slots__ = (
        "action",
        "confidence",
        "detail",
        "doc",
        "end",
        "fingerprint",
        "id",
        "message",
        "original",
        "replacement",
        "rule",
        "safe",
        "start",
        "text",
    )

    def __init__(self, r: tuple, doc: int) -> None:
        (self.id, _, self.rule, self.start, self.end, self.replacement, self.original, self.message, self.confidence, self.safe,
         self.fingerprint, self.detail, self.action, self.text) = r  # fmt: skip
        self.doc = doc

    @property
    def is_flag(self) -> bool:
        return self.replacement is None

    @property
    def status(self) -> str:
        return STATUS_OF[self.action]

    @property
    def new_text(self) -> str | None:
        """What the span becomes under the current decision (None: unchanged)."""
        if self.action == "edit":
            return self.text or ""
        if self.action == "drop":
            return ""
        if self.action == "accept" and not self.is_flag:
            return self.replacement
        return None


def _gap(row: Row, start: int, end: int) -> int:
    """Characters between a row's span and ``start:end`` (0 when they touch or overlap)."""
    return max(0, row.start - end, start - row.end)


@dataclass
class Doc:
    id: int
    input: int
    key: str
    label: str
    first: int = 0  # index of its first row
    count: int = 0


@dataclass(frozen=True)
class Filter:
    rule: str = ""
    file: str = ""
    status: str = ""

    @classmethod
    def parse(cls, spec: str) -> Filter:
        """``rule:PREFIX file:TEXT status:NAME``; a bare status name or rule prefix also works."""
        rule = file = status = ""
        for word in spec.split():
            key, _, value = word.partition(":")
            if not value:
                key, value = ("status", word) if word in STATUSES else ("rule", word)
            if key == "rule":
                rule = value
            elif key == "file":
                file = value
            elif key == "status":
                if value not in STATUSES:
                    raise ValueError(f"unknown status {value!r} (one of {', '.join(STATUSES)})")
                status = value
            else:
                raise ValueError(f"unknown filter {key!r} (rule:, file: or status:)")
        return cls(rule, file, status)

    def __str__(self) -> str:
        return " ".join(f"{k}:{v}" for k, v in (("rule", self.rule), ("file", self.file), ("status", self.status)) if v)


class ReviewModel:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.docs: list[Doc] = []
        doc_index: dict[int, int] = {}
        for i, (doc_id, input_id, key, label) in enumerate(session.documents()):
            doc_index[doc_id] = i
            self.docs.append(Doc(doc_id, input_id, key, label))
        self.rows: list[Row] = [Row(r, doc_index[r[1]]) for r in session.finding_rows()]
        self.input_total: Counter[int] = Counter()
        self.input_decided: Counter[int] = Counter()
        self.input_label = {i.id: i.rel for i in session.inputs()}
        self.decided = 0
        seen: set[int] = set()
        for n, row in enumerate(self.rows):
            doc = self.docs[row.doc]
            if row.doc not in seen:
                seen.add(row.doc)
                doc.first = n
            doc.count += 1
            self.input_total[doc.input] += 1
            if row.action is not None:
                self.input_decided[doc.input] += 1
                self.decided += 1
        self.rule_info: dict[str, str] = session.get("rule_info", {}) or {}
        self.filter = Filter()
        self.order: list[int] = list(range(len(self.rows)))
        self.can_undo = session.can_undo()

    # -- where the reviewer is ------------------------------------------------
    def start_position(self) -> int:
        """Where to resume: the saved change, else its document, else the first undecided change.

        The position is saved as the change's (input, document key,
        fingerprint), like a decision: a finding's row id is renumbered when
        its input changes (or the rules do), and a saved id then resumed on
        the first change or on an unrelated one.
        """
        saved = self.session.get("cursor")
        if isinstance(saved, int):  # sessions before the position was saved by fingerprint
            for pos, i in enumerate(self.order):
                if self.rows[i].id == saved:
                    return pos
        elif isinstance(saved, list) and len(saved) == 4:
            input_id, key, fingerprint, start = saved
            doc = next((n for n, d in enumerate(self.docs) if d.input == input_id and d.key == key), None)
            if doc is not None:
                for pos, i in enumerate(self.order):
                    if self.rows[i].doc == doc and self.rows[i].fingerprint == fingerprint:
                        return pos
                # the change is gone (written in place, or the text at it edited): the next undecided one after where it was
                later = [pos for pos, i in enumerate(self.order) if (self.rows[i].doc, self.rows[i].start) >= (doc, start)]
                return next((pos for pos in later if self.rows[self.order[pos]].action is None), later[0] if later else 0)
        return next((pos for pos, i in enumerate(self.order) if self.rows[i].action is None), 0)

    def save_position(self, pos: int) -> None:
        if 0 <= pos < len(self.order):
            row = self.rows[self.order[pos]]
            doc = self.docs[row.doc]
            self.session.set("cursor", [doc.input, doc.key, row.fingerprint, row.start])

    def unmatched_decisions(self) -> tuple[int, int]:
        """Recorded decisions in effect that match no current change: (set aside by the rules, could not be matched).

        A decision is keyed by its change's fingerprint: the rule, the
        matched text and 16 characters either side. When an input changes
        there, the change found on the new text is a different one and its
        old decision is not applied (by design: the reviewer decided on
        text that is no longer there). A decision whose rule is not selected
        now is only set aside: it applies again when that rule is selected.
        """
        return self.session.unmatched()

    def row_at(self, pos: int) -> Row | None:
        return self.rows[self.order[pos]] if 0 <= pos < len(self.order) else None

    def progress(self, row: Row | None) -> tuple[str, str]:
        overall = f"{self.decided} of {len(self.rows)} decided"
        if row is None:
            return overall, ""
        inp = self.docs[row.doc].input
        return overall, f"{self.input_decided[inp]} of {self.input_total[inp]} decided in {self.input_label.get(inp, '?')}"

    # -- filtering and moving -----------------------------------------------------
    def matches(self, row: Row, flt: Filter) -> bool:
        if flt.rule and not (row.rule == flt.rule or row.rule.startswith(flt.rule.rstrip(".") + ".")):
            return False
        if flt.file and flt.file not in self.docs[row.doc].label:
            return False
        s = flt.status
        if s:
            if s == "decided":
                return row.action is not None
            if s == "fixes":
                return not row.is_flag
            if s == "flags":
                return row.is_flag
            return row.status == s
        return True

    def set_filter(self, flt: Filter, keep: int | None = None) -> int:
        """Apply a filter; returns the new cursor position (the row ``keep`` if still shown)."""
        self.filter = flt
        self.order = [i for i, r in enumerate(self.rows) if self.matches(r, flt)] if str(flt) else list(range(len(self.rows)))
        if keep is not None:
            for pos, i in enumerate(self.order):
                if i >= keep:
                    return pos
        return 0

    def find_undecided(self, pos: int, step: int) -> int | None:
        p = pos + step
        while 0 <= p < len(self.order):
            if self.rows[self.order[p]].action is None:
                return p
            p += step
        return None

    def search(self, term: str, pos: int) -> tuple[int, bool] | None:
        """The next shown row after ``pos`` (wrapping) that ``term`` finds, and whether it was found in the text.

        A row is found when its change, rule, message or document name
        mentions ``term`` (ignoring case), or when ``term`` occurs in its
        document's text nearer to it than to any other shown change of that
        document (``True``: the reviewer is told the match is in the text).
        Documents are read from the session only as the search reaches them.
        """
        needle = term.casefold()
        pattern = re.compile(re.escape(term), re.IGNORECASE)
        shown = set(self.order) if str(self.filter) else None
        near: dict[int, set[int]] = {}
        n = len(self.order)
        for k in range(1, n + 1):
            p = (pos + k) % n
            i = self.order[p]
            r = self.rows[i]
            hay = f"{r.original}\x00{r.replacement or ''}\x00{r.rule}\x00{r.message}\x00{self.docs[r.doc].label}"
            if needle in hay.casefold():
                return p, False
            if r.doc not in near:
                near[r.doc] = self._nearest_to_matches(r.doc, pattern, shown)
            if i in near[r.doc]:
                return p, True
        return None

    def _nearest_to_matches(self, doc: int, pattern: re.Pattern[str], shown: set[int] | None) -> set[int]:
        """The rows (indices) of ``doc`` nearest to each place ``pattern`` matches its text."""
        d = self.docs[doc]
        rows = [i for i in range(d.first, d.first + d.count) if shown is None or i in shown]
        if not rows:
            return set()
        rows.sort(key=lambda i: self.rows[i].start)
        starts = [self.rows[i].start for i in rows]
        found: set[int] = set()
        for m in pattern.finditer(self.session.doc_text(d.id)):
            k = bisect.bisect_right(starts, m.start())
            candidates = [rows[j] for j in (k - 1, k) if 0 <= j < len(rows)]
            found.add(min(candidates, key=lambda i: _gap(self.rows[i], m.start(), m.end())))
        return found

    # -- deciding ---------------------------------------------------------------
    def decide(self, indices: list[int], action: Action, text: str | None = None) -> None:
        if not indices:
            return
        self.session.decide([self.rows[i].id for i in indices], action, text)
        for i in indices:
            self._set(self.rows[i], action.value, text)
        self.can_undo = True

    def _set(self, row: Row, action: str | None, text: str | None) -> None:
        inp = self.docs[row.doc].input
        delta = (action is not None) - (row.action is not None)
        self.decided += delta
        self.input_decided[inp] += delta
        row.action, row.text = action, text

    def undo(self) -> list[int]:
        """Undo the last key press's decisions; returns the indices of the rows it changed."""
        ids = self.session.undo()
        state = self.session.current(ids)
        by_id = {r.id: n for n, r in enumerate(self.rows) if r.id in state} if ids else {}
        for rid, n in by_id.items():
            self._set(self.rows[n], *state[rid])
        self.can_undo = self.session.can_undo()
        return sorted(by_id.values())

    def pending_of_rule(self, rule: str, input_id: int | None) -> list[int]:
        return [
            i
            for i, r in enumerate(self.rows)
            if r.rule == rule and r.action is None and (input_id is None or self.docs[r.doc].input == input_id)
        ]

    def doc_rows(self, doc: int) -> list[Row]:
        d = self.docs[doc]
        return self.rows[d.first : d.first + d.count]
