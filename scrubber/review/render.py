"""Rich Text for the reviewer's panes, built only from :func:`visible` pieces.

Removed text is shown as ``[-old-]`` struck through, inserted text as
``{+new+}`` underlined (as wdiff does), flagged spans between ``⟦`` and ``⟧``
underlined: the brackets carry the meaning without colour, the colour helps.
"""

from __future__ import annotations

import json
import re
import unicodedata

from rich.style import Style
from rich.text import Text

from .model import Doc, ReviewModel, Row
from .visible import visible

GLYPH = {"pending": "·", "accepted": "✓", "rejected": "✗", "edited": "✎", "dropped": "⌫"}
STATUS_STYLE = {"pending": "bold yellow", "accepted": "green", "rejected": "red", "edited": "cyan", "dropped": "magenta"}

REMOVED = Style(color="red", strike=True)
INSERTED = Style(color="green", underline=True, bold=True)
FLAGGED = Style(color="yellow", underline=True)
MARK = Style(dim=True)
CURRENT = Style(reverse=True)
NOT_APPLIED = Style(dim=True)
#: below this width the change list drops its document column
NARROW = 50


def row_line(model: ReviewModel, row: Row, width: int, selected: bool) -> Text:
    """One line of the change list: status, document, rule, change.

    A narrow list (an 80-column terminal) leaves the document out, since the
    document pane's heading names it: the change itself must stay in view.
    """
    status = row.status
    line = Text(no_wrap=True, end="", overflow="ellipsis")
    line.append("▶" if selected else " ", "bold")
    line.append(f"{GLYPH[status]} ", STATUS_STYLE[status])
    if width >= NARROW:
        line.append_text(visible(list_label(model.docs[row.doc].label, 16).ljust(16), "dim"))
        line.append(" ")
    rule_width = 14 if width >= NARROW else 12
    rule = row.rule.split(".", 1)[-1]
    rule = rule if len(rule) <= rule_width else rule[: rule_width - 1] + "…"
    line.append(f"{rule:<{rule_width}} ", "bold")
    line.append_text(change_cell(row, width - line.cell_len))
    line.truncate(width, overflow="ellipsis", pad=True)
    if selected:
        line.stylize(CURRENT)
    return line


_RECORD_ID = re.compile(r"(:\d+) \[.*\]$")


def list_label(label: str, width: int) -> str:
    """A document's label cut to ``width`` for the change list, keeping its end.

    The end is what tells rows apart: the record's line in ``corpus.jsonl:1234``
    and the file's own name in ``2019/11/story-0042.txt``. A record's ``[id]``
    is left to the document pane's heading, which shows the whole label.
    """
    label = _RECORD_ID.sub(r"\1", label)
    return label if len(label) <= width else "…" + label[-(width - 1) :]


def change_cell(row: Row, room: int) -> Text:
    """The change as the list shows it, in ``room`` cells: ``[-old-]{+new+}``, ``[-removed-]`` or ``⟦flagged⟧``.

    ``new`` is what the span becomes under the current decision (an edit
    shows the edited text, not the rule's proposal). When both sides do not
    fit, the new side keeps at least half the room: it is what is decided.
    """
    proposed = (row.text or "") if row.action == "edit" else row.replacement
    if row.is_flag and row.action != "edit":
        old = visible(list_sides(row.original, "")[0][:80], FLAGGED)
        old.truncate(max(1, room - 2), overflow="ellipsis")
        return Text.assemble(("⟦", MARK), old, ("⟧", MARK), end="", no_wrap=True)
    before, after = _from_difference(*list_sides(row.original, proposed or ""), room)
    if not after and not row.is_flag:  # a removal: '[-old-]' alone (as wdiff writes it), all the room for the text
        old = visible(before[:80], REMOVED)
        old.truncate(max(1, room - 4), overflow="ellipsis")
        return Text.assemble(("[-", MARK), old, ("-]", MARK), end="", no_wrap=True)
    old = visible(before[:80], FLAGGED if row.is_flag else REMOVED)
    new = visible(after[:80], INSERTED)
    opener, middle = ("⟦", "⟧{+") if row.is_flag else ("[-", "-]{+")
    space = max(2, room - len(opener) - len(middle) - 2)
    new_width = min(new.cell_len, max(space // 2, space - old.cell_len))
    old.truncate(max(1, space - new_width), overflow="ellipsis")
    new.truncate(max(1, new_width), overflow="ellipsis")
    return Text.assemble((opener, MARK), old, (middle, MARK), new, ("+}", MARK), end="", no_wrap=True)


_BLANK = " \t\r\n"


def _head(s: str) -> str:
    """The blank run at the start of ``s`` if it holds a line break (str methods: linear on 10,000 blank lines)."""
    run = s[: len(s) - len(s.lstrip(_BLANK))]
    return run if "\n" in run or "\r" in run else ""


def _tail(s: str) -> str:
    run = s[len(s.rstrip(_BLANK)) :]
    return run if "\n" in run or "\r" in run else ""


def list_sides(old: str, new: str) -> tuple[str, str]:
    """``old`` and ``new`` as the change list shows them: without the line breaks around the text.

    A line removed at the end of a document takes the blank lines above it,
    so its span is ``"\\n\\nPost a Comment\\n"``, and a row of ``⟨LF⟩⟨LF⟩Post a
    Comment⟨LF⟩`` hid the words a reviewer recognises behind tokens (in a
    narrow list, all of them). The row shows the text; the document pane and
    the detail show the exact span with every break. Breaks are left out
    only where that hides no difference: always around a removal (``new`` is
    empty or only breaks, as when a line is replaced by its line break), and
    otherwise only where both sides have the same ones. A change made of
    nothing but breaks (a blank line removed) keeps them: they are the change.
    """
    head, tail = _head(old), _tail(old)
    if not old.strip(_BLANK) or not (head or tail):
        return old, new
    if not new.strip(_BLANK):
        return old[len(head) : len(old) - len(tail)], new
    if head and _head(new) == head:
        old, new = old[len(head) :], new[len(head) :]
    if tail and _tail(new) == tail:
        old, new = old[: -len(tail)], new[: -len(tail)]
    return old, new


def _from_difference(old: str, new: str, room: int) -> tuple[str, str]:
    """``old`` and ``new`` from a little before where they first differ, when both do not fit in ``room``.

    A mojibake fix changes a few characters of a word: ``[-…ilâ€™s-]{+…il’s+}``
    shows the change where ``[-coun…-]{+cou…+}`` would not.
    """
    if len(old) + len(new) + 8 <= room:
        return old, new
    same = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    if same <= 2:
        return old, new
    cut = same - 1
    return "…" + old[cut:], "…" + new[cut:]


def _nl(s: str) -> str:
    """A changed line break stays a line break but gets a visible mark."""
    return s.replace("\n", "⏎\n")


def _span(out: Text, row: Row, current: bool) -> None:
    """A fix in the document: old struck out, new underlined, styled by its decision."""
    extra = CURRENT if current else Style()
    new = row.new_text
    status = row.status
    old_style = REMOVED if status in ("pending", "accepted", "edited", "dropped") else Style(color="red")
    if status == "accepted" or status == "edited":
        old_style = old_style + NOT_APPLIED
    if status != "pending":
        out.append(GLYPH[status], Style(bold=True) + extra)
    if row.original:
        out.append("[-", MARK + extra)
        out.append_text(visible(_nl(row.original), old_style + extra, multiline=True))
        out.append("-]", MARK + extra)
    proposed = row.replacement if new is None else new
    if proposed:
        new_style = INSERTED if status != "rejected" else INSERTED + NOT_APPLIED + Style(strike=True)
        out.append("{+", MARK + extra)
        out.append_text(visible(_nl(proposed), new_style + extra, multiline=True))
        out.append("+}", MARK + extra)
    if not row.original and not proposed:
        out.append("[-∅-]", MARK + extra)


#: a document longer than this is shown as a window of about this many characters around the
#: current change: re-rendering 150 kB with 3,000 marks took a second per key press
WINDOW = 8_000


def document_window(text: str, rows: list[Row], current: Row | None, size: int = WINDOW) -> tuple[Text, int]:
    """:func:`document_text` for the part of a long document around ``current``.

    The window is widened to whole lines and to any change it would cut, and
    says how much of the document it leaves out above and below.
    """
    if len(text) <= size:
        return document_text(text, rows, current)
    middle = current.start if current is not None else 0
    lo = max(0, middle - size // 2)
    hi = min(len(text), lo + size)
    lo = max(0, min(lo, hi - size))
    if lo:  # start at a line near it, else at a word
        newline = text.rfind("\n", max(0, lo - size // 8), lo)
        space = text.rfind(" ", max(0, lo - 80), lo)
        lo = newline + 1 if newline >= 0 else (space + 1 if space >= 0 else lo)
    if hi < len(text):  # end at a line near it, else at a word
        newline = text.find("\n", hi, hi + size // 8)
        space = text.find(" ", hi, hi + 80)
        hi = newline + 1 if newline >= 0 else (space + 1 if space >= 0 else hi)
    for r in sorted(rows, key=lambda r: r.start):  # never cut a change: widen to hold it
        if r.start < lo < r.end:
            lo = r.start
        if r.start < hi < r.end:
            hi = r.end
    inside = [r for r in rows if lo <= r.start and r.end <= hi]
    body, offset = document_text(text[lo:hi], inside, current, base=lo)
    out = Text(end="")
    if lo:
        out.append(f"⟨… {lo:,} characters above: a long document is shown around the current change⟩\n", MARK)
    offset += len(out)
    out.append_text(body)
    if hi < len(text):
        out.append(f"\n⟨… {len(text) - hi:,} characters below⟩", MARK)
    return out, offset


def document_text(text: str, rows: list[Row], current: Row | None, base: int = 0) -> tuple[Text, int]:
    """The document with every finding marked inline, and the offset (in the result) of ``current``.

    ``base``: where ``text`` starts in the document (the rows' offsets are the document's).
    """
    out = Text(end="")
    fixes = sorted((r for r in rows if not r.is_flag), key=lambda r: (r.start, r.end))
    flags = sorted((r for r in rows if r.is_flag), key=lambda r: (r.start, r.end))
    starts: dict[int, list[Row]] = {}
    ends: dict[int, list[Row]] = {}
    for f in flags:
        starts.setdefault(f.start - base, []).append(f)
        ends.setdefault(f.end - base, []).append(f)
    fix_at: dict[int, list[Row]] = {}
    for f in fixes:
        fix_at.setdefault(f.start - base, []).append(f)
    points = sorted({0, len(text), *starts, *ends, *fix_at})
    active: list[Row] = []
    cursor_at = 0
    pos = 0

    def flag_style() -> Style:
        if not active:
            return Style()
        flag = active[-1]
        base = FLAGGED + (Style(strike=True) if flag.action in ("drop", "edit") else Style())
        return base + (CURRENT if flag is current else Style())

    for point in points:
        if point < pos:
            continue
        if point > pos:
            out.append_text(visible(text[pos:point], flag_style(), multiline=True, tabs=True))
            pos = point
        for f in ends.get(point, []):
            if f in active:
                active.remove(f)
                out.append("⟧", MARK)
                if f.action == "edit":
                    out.append("{+", MARK)
                    out.append_text(visible(f.text or "", INSERTED, multiline=True))
                    out.append("+}", MARK)
        for f in starts.get(point, []):
            if f is current:
                cursor_at = len(out)
            active.append(f)
            if f.action is not None:  # as a decided fix: kept and not garbled looked the same as pending
                out.append(GLYPH[f.status], Style(bold=True) + (CURRENT if f is current else Style()))
            out.append("⟦", MARK + (CURRENT if f is current else Style()))
        for f in fix_at.get(point, []):
            if f.start - base < pos:  # inside an earlier fix (cannot happen after overlap resolution)
                continue
            if f is current:
                cursor_at = len(out)
            _span(out, f, f is current)
            pos = max(pos, f.end - base)
    return out, cursor_at


def detail_text(model: ReviewModel, row: Row | None) -> Text:
    """Rule, why, confidence, then the change itself (from/to), then the rule's plan.

    The change comes before the plan so that a short pane (an 80x24 terminal)
    still shows what is being decided. A garble flag's reasons are listed
    under ``why``, one per line, rather than as the JSON they are stored as.
    """
    if row is None:
        return Text("No change selected (the filter hides everything, or there is nothing to review).")
    data = _detail_json(row.detail)
    spots = data if isinstance(data, list) and data and all(isinstance(i, dict) and "reason" in i for i in data) else None
    out = Text(end="")
    out.append("rule ", "dim")
    out.append_text(visible(row.rule, "bold"))
    out.append("\nwhy  ", "dim")
    reasons = list(dict.fromkeys(str(i["reason"]) for i in spots)) if spots is not None else []
    if len(reasons) > 1 and "; ".join(reasons) == row.message:
        out.append_text(spot_list(row, spots))  # the message is these reasons joined: list them instead
    else:
        out.append_text(visible(row.message))
        if spots is not None and reasons != [row.message]:
            out.append("\nspots", "dim")
            out.append_text(spot_list(row, spots))
    kind = "flag (keep, drop or edit)" if row.is_flag else ("strip" if row.replacement == "" else "fix")
    out.append("\n     ", "dim")
    out.append(f"confidence {row.confidence:.2f} · {'safe' if row.safe else 'unsafe'} · {kind} · ")
    out.append(row.status, STATUS_STYLE[row.status])
    if row.action == "edit":
        out.append(" to ")
        out.append_text(visible(row.text or "", INSERTED))
    out.append("\nfrom ", "dim")
    out.append_text(visible(row.original, REMOVED))
    if not row.is_flag:
        out.append("\nto   ", "dim")
        out.append_text(visible(row.replacement or "", INSERTED) if row.replacement else Text("(removed)", "dim"))
        if looks_the_same(row.original, row.replacement or ""):
            out.append("\n     ", "dim")
            out.append(f"{code_points(row.original)} → {code_points(row.replacement or '')}", "dim")
    if row.detail and spots is None:
        out.append_text(plan_text(row.detail, data))
    description = model.rule_info.get(row.rule)
    if description and description != row.message:
        out.append("\nrule ", "dim")
        out.append_text(visible(description, "italic dim"))
    return out


def looks_the_same(old: str, new: str) -> bool:
    """Different code points that a terminal draws alike (a normalisation: ``e`` + U+0301 against ``é``)."""
    return old != new and unicodedata.normalize("NFC", old) == unicodedata.normalize("NFC", new)


def code_points(s: str, limit: int = 12) -> str:
    """``U+0065 U+0301``: what a change that looks like nothing changes."""
    points = " ".join(f"U+{ord(ch):04X}" for ch in s[:limit])
    return points + (" …" if len(s) > limit else "")


def _detail_json(detail: str) -> object:
    """A finding's ``detail`` parsed, when a rule stored JSON there (else None)."""
    if not detail or detail[0] not in "[{":
        return None
    try:
        return json.loads(detail)
    except ValueError:
        return None


def spot_list(row: Row, spots: list[dict]) -> Text:
    """Garble spots (``[{"rule", "start", "end", "reason"}]``) as bullets.

    Each bullet has its detector when it is not the finding's rule, the reason
    and, unless the reason already quotes it, the spotted text cut from the
    flagged sentence. Every piece goes through :func:`visible`: a reason
    quotes scraped text.
    """
    out = Text(end="")
    seen: set[tuple[str, str]] = set()
    for item in spots:
        rule, reason = str(item.get("rule", "")), str(item["reason"])
        if (rule, reason) in seen:
            continue
        seen.add((rule, reason))
        out.append("\n  • ", "dim")
        if rule and rule != row.rule:
            out.append_text(visible(rule.split(".", 1)[-1], "bold"))
            out.append(": ")
        out.append_text(visible(reason))
        spot = _spot(row, item)
        if spot.strip() and spot.strip() not in reason:
            out.append(" at ", "dim")
            out.append("⟦", MARK)
            out.append_text(visible(spot, FLAGGED))
            out.append("⟧", MARK)
    return out


def plan_text(detail: str, data: object) -> Text:
    """Any other ``detail``: ftfy's plan (words) as it is, a JSON object as ``key: value`` lines."""
    out = Text(end="")
    if not isinstance(data, (list, dict)):
        out.append("\nplan ", "dim")
        out.append_text(visible(detail))
        return out
    out.append("\nplan", "dim")
    for item in data if isinstance(data, list) else [data]:
        for key, value in item.items() if isinstance(item, dict) else [("", item)]:
            out.append("\n  ", "dim")
            if key:
                out.append_text(visible(f"{key}: ", "dim"))
            if isinstance(value, list):
                for element in value:
                    out.append("\n    • ", "dim")
                    out.append_text(visible(_scalar(element)))
            else:
                out.append_text(visible(_scalar(value)))
    return out


def _scalar(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _spot(row: Row, item: dict) -> str:
    """The spotted text, when the spot lies inside the finding (offsets are the document's)."""
    start, end = item.get("start"), item.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not row.start <= start < end <= row.end:
        return ""
    spot = row.original[start - row.start : end - row.start]
    return spot if len(spot) <= 40 else spot[:39] + "…"


def doc_heading(doc: Doc, rows: list[Row]) -> Text:
    decided = sum(r.action is not None for r in rows)
    out = visible(doc.label, "bold")
    out.append(f"  {decided} of {len(rows)} decided in this document", "dim")
    return out
