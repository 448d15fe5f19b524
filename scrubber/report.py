"""How findings and summaries are printed (text, json, jsonl).

The JSON shapes are a stable interface (documented in README.md): a
document object carries ``document`` (id), ``path``, ``line`` (JSONL line or
null), ``score`` (the document's garble score, null when no garble rule ran)
and ``findings``; a finding carries rule, kind, start, end, original,
replacement, message, confidence, safe, fingerprint, detail and document.
"""

from __future__ import annotations

import difflib
from bisect import bisect_right
from typing import Any

from .io import jsonout
from .model import Finding
from .runner import Stats

JSON_VERSION = 1


def line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


class LineIndex:
    """``line_col`` for many offsets of one text: the line starts found once.

    Counting newlines from the start for every finding is quadratic: a
    2 MB line with 150,000 findings spent half a minute in ``str.count``.
    """

    __slots__ = ("starts",)

    def __init__(self, text: str) -> None:
        starts = [0]
        find = text.find
        at = find("\n")
        while at >= 0:
            starts.append(at + 1)
            at = find("\n", at + 1)
        self.starts = starts

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def shorten(s: str, width: int = 60) -> str:
    r = repr(s)
    return r if len(r) <= width else r[: width - 4] + "…" + r[-3:]


def finding_line(where: str, text: str, f: Finding, lines: LineIndex | None = None, tag: str = "") -> str:
    """One finding for people: ``where:line:col: [tag] rule message …``.

    Pass ``lines`` (the text's :class:`LineIndex`, or anything with its
    ``line_col``) when printing many; ``tag`` (a record id) goes after the position.
    """
    snippet = f.snippet(text)
    lead = len(snippet) - len(snippet.lstrip())
    offset = f.start + (lead if lead < len(snippet) else 0)
    line, col = lines.line_col(offset) if lines is not None else line_col(text, offset)
    what = f"flag {shorten(f.snippet(text))}" if f.is_flag else f"{shorten(f.snippet(text))} → {shorten(f.replacement or '')}"
    unsafe = "" if f.safe else " [unsafe]"
    tag = f"[{tag}] " if tag else ""
    return f"{where}:{line}:{col}: {tag}{f.rule} {f.message} ({f.confidence:.2f}{unsafe}): {what}"


def document_object(
    doc_id: str, path: str, line: int | None, text: str, findings: list[Finding], score: float | None = None
) -> dict[str, Any]:
    return {
        "document": doc_id,
        "path": path,
        "line": line,
        "score": score,
        "findings": [f.to_dict(text, doc_id) for f in findings],
    }


def dumps(obj: Any) -> str:
    """One line of JSON, valid UTF-8 even when the text holds a lone surrogate (see :mod:`scrubber.io.jsonout`)."""
    return jsonout.dumps(obj)


def visible(line: str) -> str:
    """``line`` with every character a terminal would act on, or that shows as nothing, as its escape.

    Scraped text is untrusted: an OSC title sequence (``\\x1b]0;…\\x07``), a
    CSI sequence or a C1 control printed raw drives the reader's terminal.
    Everything :meth:`str.isprintable` refuses (C0 and C1 controls, DEL,
    format characters such as U+200B and U+00AD, U+2028, a no-break space,
    a lone surrogate) is written as Python writes it in ``repr``
    (``\\x1b``, ``\\u200b``, ``\\ud800``), which is also what makes a
    zero-width or soft-hyphen fix readable. A tab stays a tab, and a
    line's ``\\r\\n`` or ``\\n`` end stays as it is; a backslash is not
    doubled (ordinary text reads as it is).
    """
    body = line.rstrip("\r\n") if line.endswith("\n") else line
    if body.isprintable():
        return line
    end = line[len(body) :]
    if end not in ("", "\n", "\r\n"):  # a lone \r before the \n: only the \n ends the line
        body, end = body + end[:-1], "\n"
    return "".join(c if c == "\t" or c.isprintable() else _escape(c) for c in body) + end


def terminal_text(text: str) -> str:
    """``text`` safe to print on a terminal: each of its lines through :func:`visible`.

    File names, record ids and rule messages come from untrusted input too
    (a file named ``a\\x1b]0;title\\x07.txt``); click strips only CSI
    colour codes, and only when the output is not a terminal.
    """
    return text if text.isprintable() else "\n".join(visible(line) for line in text.split("\n"))


def _escape(c: str) -> str:
    o = ord(c)
    if c == "\r":
        return "\\r"
    return f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}"


def _lines(text: str) -> list[str]:
    """``text`` cut after each ``\\n`` only (``str.splitlines`` also cuts at U+2028, ``\\x1c``, ``\\r`` …)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def unified_diff(name: str, old: str, new: str) -> str:
    """A unified diff of ``old`` and ``new``, with control and invisible characters shown escaped (see :func:`visible`)."""
    lines = difflib.unified_diff(_lines(old), _lines(new), f"a/{name}", f"b/{name}")
    out = []
    for line in lines:
        line = visible(line)
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def summary_table(stats: Stats, fixing: bool) -> str:
    """A per-rule summary for people (``--stats FILE`` has the same as JSON)."""
    rows = sorted(stats.rules.items(), key=lambda kv: (-kv[1].findings, kv[0]))
    head = f"{stats.documents} document(s) in {stats.files} file(s)"
    if fixing:
        head += f", {stats.documents_changed} changed"
        if stats.documents_dropped:
            head += f", {stats.documents_dropped} dropped"
    if stats.seconds > 0 and stats.bytes_in:
        head += f" ({stats.bytes_in / 1e6:.1f} MB in {stats.seconds:.1f}s, {stats.bytes_in / 1e6 / stats.seconds:.1f} MB/s)"
    lines = [head]
    if rows:
        width = max(len(r) for r, _ in rows)
        cols = ["findings", "documents"] + (["applied", "changed", "dropped"] if fixing else [])
        lines.append(f"  {'rule':<{width}}  " + "  ".join(cols))
        for rule, rs in rows:
            values = [rs.findings, rs.documents] + ([rs.applied, rs.changed, rs.dropped] if fixing else [])
            lines.append(f"  {rule:<{width}}  " + "  ".join(f"{v:>{len(c)}}" for v, c in zip(values, cols)))
    else:
        lines.append("  no findings")
    if stats.documents_dropped:
        lines.append(f"  {stats.documents_dropped} document(s) dropped whole (garble score above --drop-above)")
    if stats.files_failed:
        not_written = f": {stats.documents_failed} document(s) read from them are in no output" if stats.documents_failed else ""
        lines.append(f"  {stats.files_failed} input(s) failed{not_written}")
    if stats.errors or stats.skipped:
        lines.append(f"  {stats.errors} error(s), {stats.skipped} input(s) skipped")
    return "\n".join(lines)


def stats_object(stats: Stats) -> dict[str, Any]:
    return stats.to_dict()
