"""The review session: a SQLite file that never loses a decision.

A session holds the inputs (path and content hash), their documents and
findings, and an append-only log of every decision with its time. Each
decision is its own transaction in WAL mode, so killing the reviewer at any
moment loses nothing that was on screen as decided.

Decisions are keyed by (input, document key, finding fingerprint), never by
row id or offset: when an input changes, its findings are recomputed and
every decision whose fingerprint still matches is carried over.

The log is the truth; ``findings.action``/``findings.text`` cache the latest
decision that is not undone, so the reviewer loads 100,000 rows with one
query. Undo marks the latest batch (one key press) as undone and restores
the previous state from the log.

``write_reviewed`` turns a session into outputs with the same reader,
encoder and apply step as ``scrubber fix``, so both write identical bytes
for identical decisions.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .engine import Engine, apply
from .io.sinks import Output, OutputError, encode_item, output_clash, output_path
from .io.sources import InputError, InputFile, Item, read_items
from .model import Action, Decision, Finding
from .policy import applied_edits
from .realign import Placed, moved

SCHEMA_VERSION = 1
Report = Callable[[str, str, str], None]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inputs(
  id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, rel TEXT NOT NULL, fmt TEXT NOT NULL,
  compression TEXT, hash TEXT);
CREATE TABLE IF NOT EXISTS documents(
  id INTEGER PRIMARY KEY, input INTEGER NOT NULL REFERENCES inputs(id), seq INTEGER NOT NULL,
  key TEXT NOT NULL, label TEXT NOT NULL, text TEXT NOT NULL, UNIQUE(input, key));
CREATE TABLE IF NOT EXISTS findings(
  id INTEGER PRIMARY KEY, doc INTEGER NOT NULL REFERENCES documents(id), seq INTEGER NOT NULL,
  rule TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, replacement TEXT, original TEXT NOT NULL,
  message TEXT NOT NULL, confidence REAL NOT NULL, safe INTEGER NOT NULL, fingerprint TEXT NOT NULL,
  detail TEXT NOT NULL, action TEXT, text TEXT);
CREATE INDEX IF NOT EXISTS findings_doc ON findings(doc, seq);
CREATE TABLE IF NOT EXISTS decisions(
  id INTEGER PRIMARY KEY, input INTEGER NOT NULL, doc_key TEXT NOT NULL, fingerprint TEXT NOT NULL,
  action TEXT NOT NULL, text TEXT, at REAL NOT NULL, batch INTEGER NOT NULL, undone INTEGER NOT NULL DEFAULT 0, rule TEXT);
-- undone: 0 in effect, 1 undone, 2 spent (applied to the input by a write in place: see Session.spend_applied)
-- rule: the decided finding's rule, so that a decision the selected rules no longer reach is told from one whose text changed
CREATE INDEX IF NOT EXISTS decisions_key ON decisions(input, doc_key, fingerprint);
CREATE INDEX IF NOT EXISTS decisions_batch ON decisions(batch);
"""

# the latest decision of a finding that is not undone (used after recomputing findings and after undo)
_RESTORE = """
UPDATE findings SET (action, text) = (
  SELECT d.action, d.text FROM decisions d JOIN documents doc ON doc.id = findings.doc
  WHERE d.input = doc.input AND d.doc_key = doc.key AND d.fingerprint = findings.fingerprint AND d.undone = 0
  ORDER BY d.id DESC LIMIT 1)
"""


_SURROGATE = re.compile("[\ud800-\udfff]")


def _stored(value: str | None) -> str | bytes | None:
    """A text value as SQLite can take it, bound with ``CAST(? AS TEXT)``.

    sqlite3 encodes a str as strict UTF-8, so text holding a lone surrogate
    (scraped JSON has ``"\\ud800"``; a file name that is not UTF-8 has
    ``\\udcXX``) raised inside the insert. Such a value goes in as its
    ``surrogatepass`` bytes, cast to TEXT (SQLite does not check UTF-8),
    and :func:`_read_text` gives back the very same string.
    """
    if value is None or not _SURROGATE.search(value):
        return value
    return value.encode("utf-8", "surrogatepass")


def _read_text(data: bytes) -> str:
    """The connection's text factory: UTF-8, with the lone surrogates :func:`_stored` wrote."""
    return data.decode("utf-8", "surrogatepass")


class SessionError(Exception):
    """The session file cannot be used; the message says why."""


class ReviewLock:
    """One reviewer per session: an exclusive ``flock`` on ``SESSION.lock``, held while the reviewer runs.

    Two reviewers on one session each showed their own stale view (a
    change decided in one stayed pending in the other, the counts disagreed),
    ``u`` in one undid the other's last decision, and the second one's
    start-up re-sync could replace the findings under the first, whose next
    decision then matched no finding and was lost. The lock is the kernel's:
    it goes with the process, so a reviewer killed with ``kill -9`` leaves
    nothing to clean up. ``scrubber apply`` only reads and takes no lock.
    """

    def __init__(self, session_path: Path) -> None:
        self.path = Path(f"{session_path}.lock")
        self.fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise :class:`SessionError` naming the reviewer that holds it."""
        try:
            import fcntl
        except ImportError:  # no flock (Windows): one reviewer per session is then up to the user
            return
        for _ in range(5):  # the file may be removed by a reviewer quitting between our open and our lock
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise SessionError(f"{self.path}: cannot create the session's lock file ({exc.strerror or exc})") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = os.read(fd, 100).decode("ascii", "replace").strip()
                os.close(fd)
                who = f" (process {holder})" if holder.isdigit() else ""
                raise SessionError(
                    f"{str(self.path).removesuffix('.lock')}: the session is open in another reviewer{who};"
                    " close that one first (two reviewers on one session would undo each other's decisions)"
                ) from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                os.ftruncate(fd, 0)
                os.write(fd, str(os.getpid()).encode())
                self.fd = fd
                return
            os.close(fd)
        raise SessionError(f"{self.path}: cannot take the session's lock (it keeps being replaced)")

    def release(self) -> None:
        if self.fd is None:
            return
        self.path.unlink(missing_ok=True)  # while still holding it: a reviewer that opened it retries
        os.close(self.fd)
        self.fd = None


@dataclass(frozen=True)
class InputRow:
    id: int
    path: str
    rel: str
    fmt: str
    compression: str | None
    hash: str | None

    def source(self) -> InputFile:
        return InputFile(Path(self.path), self.fmt, self.compression, Path(self.rel))


@dataclass
class SyncReport:
    """What opening a session found: new, changed and missing inputs, and whether the rules changed.

    An input is "changed" only when its bytes changed. Recomputing every
    input because the *rules* changed is said once, as a change of rules:
    calling it a change of text sent the reviewer looking for an edit that
    was never made.
    """

    added: list[str] = field(default_factory=list)
    changed: list[tuple[str, int, int]] = field(default_factory=list)  # (path, decisions kept, decisions lost)
    missing: list[str] = field(default_factory=list)
    rules_changed: bool = False  # the selected rules find other things than when the findings were computed
    rules_change: str = ""  # how, in words ("was --select ALL, now --select residue"); set by the caller that knows the options
    set_aside: int = 0  # decisions on changes that no selected rule makes: kept in the session, not applied

    def messages(self) -> list[str]:
        out = []
        if self.rules_changed:
            how = self.rules_change or "a rule pack or the config file was edited, or scrubber was upgraded"
            note = f"The rules changed since the last review ({how}): findings recomputed."
            if self.set_aside:
                note += (
                    f" {self.set_aside} decision(s) on changes these rules do not make are set aside:"
                    " kept in the session, not applied, back when the rules that made them are selected again."
                )
            out.append(note)
        out += [
            f"{path} changed since the last review: findings recomputed, {kept} decision(s) kept,"
            f" {lost} could not be matched (the text at or near them changed)"
            for path, kept, lost in self.changed
        ]
        out += [f"{path} is missing: its findings are shown as they were, it cannot be written" for path in self.missing]
        return out


def file_hash(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def rules_signature(engine: Engine) -> str:
    """What the rules would find (not where their packs live): a change means recomputing findings."""
    key = [(s.id, s.kind, s.action, sorted(s.params.items()), s.message, s.confidence, s.safe, s.priority) for s in engine.specs]
    return hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()


def doc_key(item: Item) -> str:
    """A document's key inside its input: stable across edits elsewhere in the file."""
    if item.line is None:
        return "text"
    record_id = item.meta.get("record", {}).get("id")
    if isinstance(record_id, (str, int)):
        return f"id {record_id}"
    col = item.meta.get("col")  # a JSON array may hold several records on one line
    return f"line {item.line}" if col is None else f"line {item.line}:{col}"


def doc_label(source: InputFile, item: Item) -> str:
    if item.line is None:
        return str(source.rel)
    record_id = item.meta.get("record", {}).get("id")
    suffix = f" [{record_id}]" if isinstance(record_id, (str, int)) else ""
    col = item.meta.get("col")
    return f"{source.rel}:{item.line}{suffix}" if col is None else f"{source.rel}:{item.line}:{col}{suffix}"


class Session:
    """One session file. Every write method commits before it returns."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.is_new = not self.path.exists() or self.path.stat().st_size == 0
        if self.is_new and not self.path.parent.is_dir():
            raise SessionError(f"{self.path}: cannot create the session: no folder {self.path.parent}")
        try:
            self.db = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
            self.db.text_factory = _read_text
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a killed process loses no commit
            self.db.executescript(_SCHEMA)
            self._add_decision_rules()
        except sqlite3.OperationalError as exc:  # cannot open or write: permissions, a full disk, a lock
            raise SessionError(f"{self.path}: cannot open the session ({exc})") from None
        except sqlite3.DatabaseError as exc:
            raise SessionError(f"{self.path}: not a scrubber session ({exc})") from None
        version = self.get("schema")
        if version is None:
            self.set("schema", SCHEMA_VERSION)
        elif version != SCHEMA_VERSION:
            raise SessionError(f"{self.path}: session format {version}, this scrubber reads {SCHEMA_VERSION}")

    def close(self) -> None:
        self.db.close()

    def _add_decision_rules(self) -> None:
        """Sessions made before ``decisions.rule``: add the column and fill it from the findings still stored.

        The findings of the last sync are still in the file at this point (a
        sync replaces them later), so every decision that matched a change
        then gets its rule; one that matched nothing already stays NULL and
        is counted as "could not be matched", as before.
        """
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(decisions)")}
        if "rule" in columns:
            return
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("ALTER TABLE decisions ADD COLUMN rule TEXT")
            self.db.execute(
                "UPDATE decisions SET rule = (SELECT f.rule FROM documents d JOIN findings f ON f.doc = d.id"
                " WHERE d.input = decisions.input AND d.key = decisions.doc_key AND f.fingerprint = decisions.fingerprint LIMIT 1)"
            )

    def decided_rules(self) -> dict[str, int]:
        """How many decisions in effect each rule has (decisions made before rules were recorded left out)."""
        return dict(
            self.db.execute(
                "SELECT rule, count(*) FROM (SELECT DISTINCT input, doc_key, fingerprint, rule FROM decisions"
                " WHERE undone=0 AND rule IS NOT NULL) GROUP BY rule"
            ).fetchall()
        )

    def rule_ids(self) -> set[str] | None:
        """The rules the findings were computed with (None before the first sync)."""
        info = self.get("rule_info")
        return None if info is None else set(info)

    def unmatched(self, input_id: int | None = None) -> tuple[int, int]:
        """Decisions in effect that match no current change: (set aside by the rules, could not be matched).

        *Set aside*: its rule is not selected now, so nothing could match it;
        it stays in effect in the log and applies again once that rule is
        selected again. *Could not be matched*: its rule is selected but the
        text at or near its change is no longer there (see docs/review.md).
        A decision whose rule was never recorded counts as the latter.
        """
        where = "" if input_id is None else " AND input = ?"
        rows = self.db.execute(
            "SELECT rule FROM (SELECT input, doc_key, fingerprint, max(rule) AS rule FROM decisions WHERE undone=0"
            + where
            + " GROUP BY input, doc_key, fingerprint) d"
            " WHERE NOT EXISTS (SELECT 1 FROM documents doc JOIN findings f ON f.doc = doc.id"
            " WHERE doc.input = d.input AND doc.key = d.doc_key AND f.fingerprint = d.fingerprint)",
            () if input_id is None else (input_id,),
        ).fetchall()
        rules = self.rule_ids()
        aside = sum(1 for (rule,) in rows if rules is not None and rule is not None and rule not in rules)
        return aside, len(rows) - aside

    # -- meta -----------------------------------------------------------------
    def get(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set(self, key: str, value: Any) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", (key, json.dumps(value)))

    # -- inputs and findings ----------------------------------------------------
    def inputs(self) -> list[InputRow]:
        return [InputRow(*r) for r in self.db.execute("SELECT id, path, rel, fmt, compression, hash FROM inputs ORDER BY id")]

    def add_inputs(self, sources: Iterable[InputFile]) -> list[str]:
        added = []
        for s in sources:
            if s.url is not None:
                raise SessionError(
                    f"{s.url}: a review session needs local files (copy them first, e.g. with `fsspec` or your storage's CLI)"
                )
            if s.path is None:
                raise SessionError("standard input cannot be reviewed (a session must re-read its inputs)")
            path = str(s.path.resolve())
            cur = self.db.execute(
                "INSERT OR IGNORE INTO inputs(path, rel, fmt, compression) VALUES(CAST(? AS TEXT), CAST(? AS TEXT), ?, ?)",
                (_stored(path), _stored(str(s.rel)), s.fmt, s.compression),
            )
            if cur.rowcount:
                added.append(path)
        return added

    def sync(
        self,
        engine: Engine,
        sources: Sequence[InputFile],
        text_key: str,
        report: Report,
        jobs: int = 1,
        on_progress: Callable[[Any], None] | None = None,
    ) -> SyncReport:
        """Add ``sources``, then (re)compute the findings of every new or changed input.

        ``on_progress`` receives the runner's running :class:`~scrubber.runner.Stats`
        (a :class:`~scrubber.progress.Progress` draws them), since finding the
        changes of a large corpus takes a while before the reviewer can open.
        """
        from .runner import Runner  # the runner imports the engine and io only

        result = SyncReport(added=self.add_inputs(sources))
        signature = rules_signature(engine)
        rules_changed = self.get("rules") not in (None, signature)
        result.rules_changed = rules_changed
        self.set("text_key", text_key)
        self.set("rule_info", {s.id: s.description for s in engine.specs})
        todo: list[tuple[InputRow, str]] = []
        for row in self.inputs():
            try:
                digest = file_hash(Path(row.path))
            except OSError:
                result.missing.append(row.path)
                continue
            if digest != row.hash or rules_changed:
                todo.append((row, digest))
        if not todo:
            self.set("rules", signature)
            result.set_aside = self.unmatched()[0]
            return result
        by_path: dict[str, list[tuple[Item, list[Finding]]]] = {row.path: [] for row, _ in todo}

        def collect(source: InputFile, item: Item, res: Any) -> None:
            by_path[str(source.path)].append((item, res.findings))

        runner = Runner(engine, policy=None, report=report, text_key=text_key, jobs=jobs, on_document=collect, on_progress=on_progress)
        runner.run([row.source() for row, _ in todo])
        for row, digest in todo:
            kept = self._store(row, digest, by_path[row.path])
            if row.hash not in (None, digest):  # its text changed (not only the rules)
                result.changed.append((row.rel, kept, self.unmatched(row.id)[1]))
        self.set("rules", signature)
        result.set_aside = self.unmatched()[0]
        return result

    def _decided_documents(self, input_id: int) -> dict[str, tuple[str, list[Placed]]]:
        """doc key -> (stored text, stored findings) of the input's documents that have decisions."""
        out: dict[str, tuple[str, list[Placed]]] = {}
        rows = self.db.execute(
            'SELECT doc.key, doc.text, f.fingerprint, f.rule, f.start, f."end", f.action, f.text FROM documents doc'
            " LEFT JOIN findings f ON f.doc = doc.id WHERE doc.input = ?"
            " AND EXISTS (SELECT 1 FROM decisions d WHERE d.input = doc.input AND d.doc_key = doc.key) ORDER BY doc.id, f.seq",
            (input_id,),
        )
        for key, text, fp, rule, start, end, action, edited in rows:
            _, placed = out.setdefault(key, (text, []))
            if fp is not None:
                placed.append(Placed(fp, rule, start, end, None if action is None else (action, edited)))
        return out

    def _move_decisions(self, input_id: int, doc_key: str, mapping: dict[str, str | None]) -> None:
        """Re-point the decisions on repeated findings of an edited document (:func:`scrubber.realign.moved`).

        Each row is updated from the fingerprint it had, so decisions that
        trade places (copy 2 becomes copy 1) do not chain. One whose change
        is gone gets a fingerprint that matches nothing: it stays in the log
        and counts as "could not be matched", as any other lost decision.
        """
        updates = []
        for row_id, fp in self.db.execute("SELECT id, fingerprint FROM decisions WHERE input=? AND doc_key=?", (input_id, doc_key)):
            if fp in mapping:
                target = mapping[fp] or f"gone:{fp}"
                if target != fp:
                    updates.append((target, row_id))
        self.db.executemany("UPDATE decisions SET fingerprint=? WHERE id=?", updates)

    def _store(self, row: InputRow, digest: str, docs: list[tuple[Item, list[Finding]]]) -> int:
        """Replace an input's documents and findings in one transaction; restore decisions; how many were kept."""
        source = row.source()
        with self.db:
            self.db.execute("BEGIN")
            before = self._decided_documents(row.id)
            new_placed: dict[str, tuple[str, list[Placed]]] = {}
            self.db.execute("DELETE FROM findings WHERE doc IN (SELECT id FROM documents WHERE input=?)", (row.id,))
            self.db.execute("DELETE FROM documents WHERE input=?", (row.id,))
            seen: dict[str, int] = {}
            finding_rows = []
            for seq, (item, findings) in enumerate(docs):
                assert item.doc is not None
                key = doc_key(item)
                seen[key] = seen.get(key, 0) + 1
                if seen[key] > 1:
                    key = f"{key} #{seen[key]}"
                text = item.doc.text
                cur = self.db.execute(
                    "INSERT INTO documents(input, seq, key, label, text) VALUES(?, ?, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT))",
                    (row.id, seq, _stored(key), _stored(doc_label(source, item)), _stored(text)),
                )
                doc_id = cur.lastrowid
                if key in before and before[key][0] != text:
                    new_placed[key] = (text, [Placed(f.fingerprint, f.rule, f.start, f.end) for f in findings])
                finding_rows.extend(
                    (
                        doc_id,
                        i,
                        f.rule,
                        f.start,
                        f.end,
                        _stored(f.replacement),
                        _stored(text[f.start : f.end]),
                        _stored(f.message),
                        f.confidence,
                        int(f.safe),
                        f.fingerprint,
                        _stored(f.detail),
                    )
                    for i, f in enumerate(findings)
                )
            self.db.executemany(
                'INSERT INTO findings(doc, seq, rule, start, "end", replacement, original, message, confidence, safe, fingerprint, detail)'
                " VALUES(?, ?, ?, ?, ?, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), ?, ?, ?, CAST(? AS TEXT))",
                finding_rows,
            )
            for key, (text, placed) in new_placed.items():
                self._move_decisions(row.id, key, moved(*before[key], text, placed))
            self.db.execute(_RESTORE + " WHERE doc IN (SELECT id FROM documents WHERE input=?)", (row.id,))
            self.db.execute("UPDATE inputs SET hash=? WHERE id=?", (digest, row.id))
            return self.db.execute(
                "SELECT count(*) FROM findings WHERE action IS NOT NULL AND doc IN (SELECT id FROM documents WHERE input=?)", (row.id,)
            ).fetchone()[0]

    # -- reading for the reviewer ----------------------------------------------
    def documents(self) -> list[tuple[int, int, str, str]]:
        """(id, input, key, label) of every document, in input order."""
        return self.db.execute("SELECT d.id, d.input, d.key, d.label FROM documents d ORDER BY d.input, d.seq").fetchall()

    def finding_rows(self) -> list[tuple]:
        """Every finding with its current decision, in document order (one query)."""
        return self.db.execute(
            'SELECT f.id, f.doc, f.rule, f.start, f."end", f.replacement, f.original, f.message, f.confidence, f.safe,'
            " f.fingerprint, f.detail, f.action, f.text FROM findings f JOIN documents d ON d.id = f.doc"
            " ORDER BY d.input, d.seq, f.seq"
        ).fetchall()

    def decided_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM findings WHERE action IS NOT NULL").fetchone()[0]

    def doc_text(self, doc_id: int) -> str:
        return self.db.execute("SELECT text FROM documents WHERE id=?", (doc_id,)).fetchone()[0]

    # -- deciding --------------------------------------------------------------------
    def decide(self, finding_ids: Sequence[int], action: Action, text: str | None = None) -> int:
        """Record one decision for each finding as one batch (one undo step); commits."""
        now = time.time()
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            batch = (self.db.execute("SELECT max(batch) FROM decisions").fetchone()[0] or 0) + 1
            ids = [(i,) for i in finding_ids]
            self.db.executemany(
                "INSERT INTO decisions(input, doc_key, fingerprint, action, text, at, batch, rule)"
                " SELECT d.input, d.key, f.fingerprint, ?, CAST(? AS TEXT), ?, ?, f.rule FROM findings f JOIN documents d ON d.id = f.doc"
                " WHERE f.id = ?",
                [(action.value, _stored(text), now, batch, i) for (i,) in ids],
            )
            self.db.executemany(
                "UPDATE findings SET action=?, text=CAST(? AS TEXT) WHERE id=?", [(action.value, _stored(text), i) for (i,) in ids]
            )
        return batch

    def _undoable(self) -> tuple[str, tuple[str, ...]]:
        """SQL condition (and its parameters) for decisions that undo may take back: in effect, of a selected rule.

        A decision set aside by the rules is not on screen: undoing it
        would change nothing the reviewer can see, and ``u`` would seem to do
        nothing while taking back work made under the other rules.
        """
        rules = self.rule_ids()
        if rules is None:
            return "undone=0", ()
        return f"undone=0 AND (rule IS NULL OR rule IN ({','.join('?' * len(rules))}))", tuple(sorted(rules))

    def can_undo(self) -> bool:
        condition, params = self._undoable()
        return self.db.execute(f"SELECT 1 FROM decisions WHERE {condition} LIMIT 1", params).fetchone() is not None

    def undo(self) -> list[int]:
        """Undo the latest batch still in effect (of the selected rules); returns the ids of the findings it touched."""
        condition, params = self._undoable()
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            row = self.db.execute(f"SELECT max(batch) FROM decisions WHERE {condition}", params).fetchone()
            if row[0] is None:
                return []
            batch = row[0]
            self.db.execute(f"UPDATE decisions SET undone=1 WHERE batch=? AND {condition}", (batch, *params))
            touched = [
                r[0]
                for r in self.db.execute(
                    "SELECT f.id FROM decisions x JOIN documents d ON d.input = x.input AND d.key = x.doc_key"
                    " JOIN findings f ON f.doc = d.id AND f.fingerprint = x.fingerprint WHERE x.batch=?",
                    (batch,),
                )
            ]
            self.db.executemany(_RESTORE + " WHERE id=?", [(i,) for i in touched])
        return touched

    def spend_applied(self, input_id: int) -> None:
        """After an input was written in place: its applied decisions are spent (``undone=2``).

        The file now holds those changes, so the next sync no longer finds
        them; counted as decisions that "could not be matched", they made a
        resume after ``apply --in-place`` report every applied decision as
        lost. Spent decisions stay in the log but are never restored, undone
        or counted. Rejections and kept flags stay in effect: their text is
        still there, and they carry over when it is found again.
        """
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute(
                "UPDATE decisions SET undone=2 WHERE undone=0 AND input=? AND (doc_key, fingerprint) IN ("
                " SELECT d.key, f.fingerprint FROM findings f JOIN documents d ON d.id = f.doc WHERE d.input=?"
                " AND (f.action IN ('edit', 'drop') OR (f.action = 'accept' AND f.replacement IS NOT NULL)))",
                (input_id, input_id),
            )

    def current(self, finding_ids: Sequence[int]) -> dict[int, tuple[str | None, str | None]]:
        out = {}
        for i in finding_ids:
            row = self.db.execute("SELECT action, text FROM findings WHERE id=?", (i,)).fetchone()
            out[i] = (row[0], row[1])
        return out

    def log(self) -> list[tuple]:
        """The decision log: (input path, doc key, fingerprint, action, text, at, batch, undone)."""
        return self.db.execute(
            "SELECT i.path, x.doc_key, x.fingerprint, x.action, x.text, x.at, x.batch, x.undone"
            " FROM decisions x JOIN inputs i ON i.id = x.input ORDER BY x.id"
        ).fetchall()

    # -- writing the result --------------------------------------------------------------
    def findings_and_decisions(self, input_id: int) -> list[tuple[str, list[Finding], dict[str, Decision]]]:
        """Per document of an input in order: (key, findings, decisions by fingerprint)."""
        docs: dict[int, tuple[str, list[Finding], dict[str, Decision]]] = {}
        for doc_id, key in self.db.execute("SELECT id, key FROM documents WHERE input=? ORDER BY seq", (input_id,)):
            docs[doc_id] = (key, [], {})
        rows = self.db.execute(
            'SELECT f.doc, f.rule, f.start, f."end", f.replacement, f.message, f.confidence, f.safe, f.fingerprint, f.detail,'
            " f.action, f.text FROM findings f JOIN documents d ON d.id = f.doc WHERE d.input=? ORDER BY d.seq, f.seq",
            (input_id,),
        )
        for doc, rule, start, end, repl, msg, conf, safe, fp, detail, action, text in rows:
            _, findings, decisions = docs[doc]
            findings.append(Finding(rule, start, end, repl, msg, conf, bool(safe), fp, detail))
            if action is not None:
                decisions[fp] = Decision(Action(action), text)
        return list(docs.values())


@dataclass
class WriteStats:
    """What ``write_reviewed`` did; ``written`` and ``not_written`` name output files."""

    files: int = 0  # inputs finished: written, or left alone by --in-place because nothing changed
    documents_changed: int = 0
    errors: int = 0
    written: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # inputs changed or missing since the review
    not_written: list[str] = field(default_factory=list)  # outputs that a failure kept from being written
    stopped: bool = False  # a check or an error stopped the writing before every output was in place
    revealed: int = 0  # changes a later pass would find on the written text (`scrubber fix` would make them too)

    def summary(self) -> str:
        """One line for the user: what was written and, after a failure, what was not."""
        done = f"{self.files} file(s) written, {self.documents_changed} document(s) changed"
        if self.stopped and not self.written:
            why = f"{len(self.stale)} input(s) changed or missing since the review" if self.stale else "see the error above"
            return f"nothing written ({why})"
        if self.stopped:
            return f"{done}: {', '.join(self.written)}; NOT written after the error above: {', '.join(self.not_written)}"
        if self.stale:
            done += f"; {len(self.stale)} input(s) skipped (changed or missing since the review)"
        if self.revealed:
            done += (
                f"; {self.revealed} more finding(s) appear once these changes are applied (`scrubber fix` runs the rules again"
                " for them; nothing unreviewed was applied): review the output to decide them"
            )
        return done


def stale_inputs(session: Session) -> list[tuple[InputRow, str]]:
    """Every input whose bytes are not those reviewed, with the reason (changed, missing, unreadable)."""
    stale = []
    for row in session.inputs():
        try:
            if file_hash(Path(row.path)) != row.hash:
                stale.append((row, "changed since it was reviewed; open the session with `scrubber review` to update it"))
        except FileNotFoundError:
            stale.append((row, "missing: it was moved or deleted since the review"))
        except OSError as exc:
            stale.append((row, f"cannot read ({exc.strerror or exc})"))
    return stale


def later_changes(engine: Engine, text: str, findings: list[Finding], decisions: dict[str, Decision], result: str) -> int:
    """How many changes a later pass of the rules would find in ``result`` that the review never showed.

    ``scrubber fix`` runs the rules again when a fix may have revealed
    something (a decoded ``&#10;`` makes lines no line rule read: see
    :func:`scrubber.policy.fix_text`); the reviewer shows the first pass
    only, and the unreviewed changes must not be applied silently, so they
    are counted for the reviewer instead. Cheap unless the edits may reveal
    something. A finding left in place (pending, rejected, kept) is found
    again on ``result`` and not counted: what is counted is what the
    second pass finds beyond those, by (rule, matched text).
    """
    applied = list(applied_edits(findings, decisions))
    dropped = any(d.action is Action.DROP for d in decisions.values())
    untouched: Counter[tuple[str, str]] = Counter()
    for f in findings:
        d = decisions.get(f.fingerprint)
        kept = d is None or not (d.action in (Action.EDIT, Action.DROP) or (d.action is Action.ACCEPT and f.is_fix))
        if kept:  # pending, rejected or kept: found again on the result, and no later change
            untouched[f.rule, text[f.start : f.end]] += 1
    if not (applied or dropped):
        return 0
    # the flag rules judged the text before these changes (as in fix_passes): any change may make them judge again
    if not (engine.flags or dropped or engine.may_reveal(text, applied)):
        return 0
    found = Counter((f.rule, result[f.start : f.end]) for f in engine.find(result))
    return sum((found - untouched).values())


def _stage(
    session: Session, row: InputRow, out: Output, text_key: str, report: Report, engine: Engine | None = None
) -> tuple[bool, int, int]:
    """Write one input's result to ``out`` (finished, not yet renamed into place): (changed, documents changed, revealed)."""
    docs = iter(session.findings_and_decisions(row.id))
    changed = revealed = 0
    for item in read_items(row.source(), text_key, report):
        new_text = None
        if item.doc is not None:
            _key, findings, decisions = next(docs)
            if decisions:
                result = apply(item.doc.text, findings, decisions)
                if result != item.doc.text:
                    new_text = result
                    changed += 1
                    if engine is not None:
                        revealed += later_changes(engine, item.doc.text, findings, decisions, result)
        out.write(encode_item(item, new_text, row.fmt, text_key))
    out.stage()
    return changed > 0, changed, revealed


def write_reviewed(
    session: Session, out_dir: Path | None, in_place: bool, report: Report, partial: bool = False, engine: Engine | None = None
) -> WriteStats:
    """Write every input with the session's decisions applied, exactly as ``scrubber fix`` writes: all or nothing.

    Every input is checked first: one that changed or went missing since its
    findings were computed cannot be written (its offsets no longer fit),
    and then nothing is written, since a reviewed result with holes in it is
    not what the reviewer decided (``partial`` writes the others anyway).
    Every output is then written to a temp file beside its target, and only
    when all of them are complete are they renamed into place. A rename that
    fails after others succeeded (rare: the disk or permissions changed
    meanwhile) is reported with the outputs written and those not written.
    With ``engine`` (the session's rules), the changes a later pass would
    find on the result are counted (:func:`later_changes`), never applied.
    """
    stats = WriteStats()
    text_key = session.get("text_key", "text")
    rows = session.inputs()
    clash = output_clash([row.source() for row in rows], out_dir, in_place)
    if clash:
        stats.errors += 1
        report("error", str(session.path), clash)
        return stats
    stale = stale_inputs(session)
    for row, why in stale:
        stats.errors += 1
        stats.stale.append(row.path)
        report("error", row.path, why)
    if stale and not partial:
        stats.stopped = True
        return stats
    skip = {row.id for row, _ in stale}
    staged: list[tuple[InputRow, Output, int, int]] = []
    unchanged = 0
    for row in rows:
        if row.id in skip:
            continue
        source = row.source()
        out: Output | None = None
        try:
            out = Output(source, output_path(source, out_dir, in_place))
            changed, count, revealed = _stage(session, row, out, text_key, report, engine)
        except (InputError, OutputError, StopIteration) as exc:
            stats.errors += 1
            report("error", row.path, str(exc) or "documents do not match the session")
            for _, other, _, _ in staged:
                other.abort()
            if out is not None:
                out.abort()
            stats.stopped = True
            return stats
        if in_place and not changed:
            out.abort()  # like fix: an unchanged file (and its mtime) is left alone
            unchanged += 1
            continue
        staged.append((row, out, count, revealed))
    stats.files = unchanged
    for i, (row, out, count, revealed) in enumerate(staged):
        try:
            out.commit()
        except OutputError as exc:
            stats.errors += 1
            stats.stopped = True
            report("error", row.path, str(exc))
            for _, rest, _, _ in staged[i + 1 :]:
                rest.abort()
            stats.not_written = [str(o.target) for _, o, _, _ in staged[i:] if o.target is not None]
            return stats
        stats.files += 1
        stats.documents_changed += count
        stats.revealed += revealed
        if in_place:
            session.spend_applied(row.id)
        if out.target is not None:
            stats.written.append(str(out.target))
    return stats
