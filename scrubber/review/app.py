"""``scrubber review``: decide every change with one key, never lose a decision.

The app is a thin view over :class:`ReviewModel`; each decision is committed
to the session before the screen shows it. Bindings live on the review
screen (so dialogs do not inherit them), carry ids (remappable through
``App.set_keymap``), and are hidden by ``check_action`` when they do not
apply to the selected change.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import App, ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Static

from ..engine import Engine
from ..model import Action
from ..session import Session, WriteStats, write_reviewed
from .keys import KeymapError
from .model import Filter, ReviewModel, Row
from .render import detail_text, doc_heading, document_window
from .visible import visible
from .widgets import ChangeList, DocView, Editor, FittingFooter, HelpRow, HelpScreen, Prompt

BINDINGS = [
    Binding("y", "accept", "accept", id="review.accept"),
    Binding("y", "keep", "keep", id="review.keep"),
    Binding("n", "reject", "reject", id="review.reject"),
    Binding("n", "reject_flag", "not garbled", id="review.reject-flag", show=False),
    Binding("d", "drop", "drop", id="review.drop"),
    Binding("e", "edit", "edit", id="review.edit"),
    Binding("E", "edit_external", "$EDITOR", id="review.edit-external", show=False),
    Binding("u", "undo", "undo", id="review.undo"),
    Binding("j,down", "next", "next", id="review.next", show=False),
    Binding("k,up", "previous", "previous", id="review.previous", show=False),
    Binding("J", "next_undecided", "next undecided", id="review.next-undecided"),
    Binding("K", "previous_undecided", "prev undecided", id="review.previous-undecided", show=False),
    Binding("home", "first", "first", id="review.first", show=False),
    Binding("end", "last", "last", id="review.last", show=False),
    Binding("pagedown", "page(1)", "page down", id="review.page-down", show=False),
    Binding("pageup", "page(-1)", "page up", id="review.page-up", show=False),
    Binding("A", "all_rule('accept', 'file')", "accept rule in file", id="review.accept-rule-file"),
    Binding("ctrl+a", "all_rule('accept', 'all')", "accept rule everywhere", id="review.accept-rule-all", show=False),
    Binding("R", "all_rule('reject', 'file')", "reject rule in file", id="review.reject-rule-file", show=False),
    Binding("ctrl+r", "all_rule('reject', 'all')", "reject rule everywhere", id="review.reject-rule-all", show=False),
    Binding("f", "filter", "filter", id="review.filter"),
    Binding("slash", "search", "search", id="review.search"),
    Binding("w", "write", "write", id="review.write"),
    Binding("ctrl+z", "suspend", "suspend", id="review.suspend", show=False),
    Binding("question_mark", "help", "help", id="review.help"),
    Binding("q", "quit", "quit", id="review.quit"),
    Binding("ctrl+c", "quit", "quit", id="review.quit-ctrl-c", show=False),  # not Textual's "press q to quit" toast
]

#: the footer's shorter descriptions, used when the full ones do not fit
FOOTER_SHORT = {"review.next-undecided": "undecided", "review.accept-rule-file": "accept rule"}
#: what the footer leaves out, first to last, when even the short descriptions do not fit (help and quit always stay)
FOOTER_DROP = (
    "review.write",
    "review.accept-rule-file",
    "review.filter",
    "review.next-undecided",
    "review.search",
    "review.undo",
    "review.edit",
    "review.reject",
    "review.reject-flag",
    "review.drop",
    "review.accept",  # under ~25 columns: getting out (q) and finding every key (?) come first
    "review.keep",
)
#: at the very narrowest (under ~15 columns) these keys are shown without their descriptions, in this order
FOOTER_BARE = ("review.help", "review.quit")


#: bindings that share a key, one for a fix and one for a flag (``y`` accepts a fix, keeps a flag)
TWINS = {"review.accept": "review.keep", "review.reject": "review.reject-flag"}


def keymap_from_config(keys: dict[str, object]) -> dict[str, str]:
    """``review-keys`` from the config (``accept = "a,enter"``) as a Textual keymap.

    Ids may be written with or without the ``review.`` prefix; remapping
    ``accept`` or ``reject`` also remaps its twin for flags (``keep``,
    ``reject-flag``) unless that is given too. An unknown id
    or a value that is not a string of comma-separated keys is an error that
    lists the ids, so a typo never silently leaves the old key in place.
    """
    known = {b.id for b in BINDINGS if b.id}
    keymap = {}
    for name, value in keys.items():
        binding_id = name if name.startswith("review.") else f"review.{name}"
        if binding_id not in known:
            ids = ", ".join(sorted(k.removeprefix("review.") for k in known))
            raise KeymapError(f"review-keys: no binding {name!r} (bindings: {ids})", name)
        if not isinstance(value, str) or not value.strip():
            raise KeymapError(f'review-keys: {name} must be a string of keys such as "a" or "a,enter", not {value!r}', name)
        keymap[binding_id] = value
    for fix_id, flag_id in TWINS.items():  # one key, two meanings: remapping one remaps both
        if fix_id in keymap and flag_id not in keymap:
            keymap[flag_id] = keymap[fix_id]
    return keymap


#: what each action means, for the help screen
DESCRIPTIONS = {
    "review.accept": "accept the fix, move on",
    "review.keep": "keep the flagged text as it is, move on",
    "review.reject": "reject the fix (leave the text), move on",
    "review.reject-flag": "reject the flag: the text is fine, keep it, move on",
    "review.drop": "drop the flagged text, move on",
    "review.edit": "edit the replacement (or the flagged text) inline",
    "review.edit-external": "edit it in $EDITOR",
    "review.undo": "undo the last decision (or bulk decision)",
    "review.next": "next change",
    "review.previous": "previous change",
    "review.next-undecided": "next undecided change",
    "review.previous-undecided": "previous undecided change",
    "review.first": "first change",
    "review.last": "last change",
    "review.page-down": "a page of changes down",
    "review.page-up": "a page of changes up",
    "review.accept-rule-file": "accept every pending change of this rule in this file",
    "review.accept-rule-all": "accept every pending change of this rule everywhere",
    "review.reject-rule-file": "reject every pending change of this rule in this file",
    "review.reject-rule-all": "reject every pending change of this rule everywhere",
    "review.filter": "filter by rule, file or status",
    "review.search": "search the changes and the text around them (/ Enter again: next)",
    "review.write": "write the reviewed result (as `scrubber apply`)",
    "review.help": "this help",
    "review.quit": "quit (every decision is already saved)",
    "review.suspend": "suspend to the shell (fg resumes)",
}

FIX_ONLY = {"accept", "reject"}
FLAG_ONLY = {"keep", "reject_flag"}  # d is allowed on a fix, to say why it does nothing
NEEDS_ROW = (
    FIX_ONLY
    | FLAG_ONLY
    | {"edit", "edit_external", "all_rule", "next", "previous", "next_undecided", "previous_undecided", "search", "first", "last", "page"}
)


def say(node: Screen | App, message: str, **kwargs) -> None:
    """Notify without markup, every hidden character made visible (a file name can hold ``[/]``).

    Toasts are for what needs reading at leisure (what changed since the last
    review, problems writing); a key press's answer goes to the message line
    (:meth:`ReviewScreen.tell`), where it hides nothing.
    """
    node.notify(visible(message, multiline=True).plain, markup=False, **kwargs)


#: how the search term is marked in the document pane
SEARCH_HIT = Style(bgcolor="yellow", color="black")

#: key names as the help shows them
KEY_NAMES = {
    "ctrl+z": "Ctrl+Z",
    "question_mark": "?",
    "slash": "/",
    "down": "↓",
    "up": "↑",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "home": "Home",
    "end": "End",
}


def key_names(keys: str) -> str:
    """``j,down`` as ``j ↓``: every key of a binding, as the keyboard labels it."""
    return " ".join(KEY_NAMES.get(k.strip(), k.strip()) for k in keys.split(","))


#: how the message line shows each severity
MESSAGE_STYLE = {"information": "", "warning": "bold yellow", "error": "bold red"}


def write_advice(stats: WriteStats, in_place: bool, session_name: str) -> str:
    """What to do after ``w``, for someone inside the reviewer (the CLI's notes name commands to run outside it)."""
    after = ""
    missing = [p for p in stats.stale if not Path(p).exists()]
    if len(missing) < len(stats.stale):
        after += (
            " Quit and reopen the session (scrubber review --session FILE) to update the changed inputs:"
            " decisions whose text still matches are kept."
        )
    if missing:  # reopening does not bring a file back
        after += (
            f" {len(missing)} input(s) are missing: put them back, or write the others with scrubber apply {session_name} --partial -o DIR."
        )
    if in_place and stats.written and not stats.stale:
        after = (
            " The inputs now hold the result, so this session's view of them is out of date:"
            " quit and reopen it (scrubber review --session FILE) to review the rest against the new text."
        )
    return after


def job_control() -> bool:
    """Whether a shell with job control runs us in a job of our own (so ``fg`` can bring a stopped reviewer back).

    Such a shell gives each job its own process group, in the terminal's
    foreground; without one (``sh -c``, a tmux or ssh command) the process
    stays in the session leader's group, and a stopped reviewer would hang
    with nothing to resume it.
    """
    try:
        group = os.getpgrp()
        return group != os.getsid(0) and group == os.tcgetpgrp(sys.__stdin__.fileno())
    except (AttributeError, OSError, ValueError):  # no terminal, or not POSIX
        return False


class ReviewScreen(Screen):
    BINDINGS = BINDINGS

    def __init__(self, model: ReviewModel, note: str = "") -> None:
        super().__init__()
        self.model = model
        self.note = note  # said on the message line once the screen is up
        self._doc_shown: int | None = None
        self._applicable: tuple = ()
        self.last_search = ""
        self.highlight: re.Pattern[str] | None = None  # the search term, marked in the document until the next move
        self.message = Text(end="")

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with Horizontal(id="main"):
            yield ChangeList(self.model, id="changes")
            with Vertical(id="right"):
                yield Static(id="doc-heading")
                yield DocView(id="doc")
                yield Static(id="detail")
        yield Static(id="message")
        yield FittingFooter(FOOTER_SHORT, FOOTER_DROP, self.footer_shows, bare=FOOTER_BARE)

    def footer_shows(self, binding: Binding) -> bool:
        """``d`` works on a fix only to say it does not apply: the footer shows it on flags."""
        return binding.action != "drop" or (self.row is not None and self.row.is_flag)

    def tell(self, message: str, severity: str = "information") -> None:
        """Answer a key press on the message line, above the footer (it stays until the next move).

        A toast would cover the detail pane's from/to lines, the change being decided.
        """
        self.message = visible(message, MESSAGE_STYLE.get(severity, ""), multiline=True)  # wraps: never cut off
        self.query_one("#message", Static).update(self.message)

    @property
    def changes(self) -> ChangeList:
        return self.query_one(ChangeList)

    @property
    def row(self) -> Row | None:
        return self.model.row_at(self.changes.cursor)

    def on_mount(self) -> None:
        self.changes.reset()
        self.changes.focus()
        self.changes.cursor = self.model.start_position()
        self.show()
        if self.note:
            self.tell(self.note)
        self.call_after_refresh(self._scroll_to_cursor)

    def _scroll_to_cursor(self) -> None:
        """Once the list has its size, scroll to the saved position (keeping any message)."""
        self.changes.move_to(self.changes.cursor)
        self.show()

    # -- showing -----------------------------------------------------------------
    def go(self, pos: int, save: bool = False, highlight: re.Pattern[str] | None = None) -> None:
        """Select the change at ``pos`` and show it; the last message and search mark go."""
        self.highlight = highlight
        if self.message:
            self.tell("")
        self.changes.move_to(pos)
        if save:
            self.model.save_position(self.changes.cursor)
        self.show()

    def show(self) -> None:
        row = self.row
        overall, here = self.model.progress(row)
        status = Text(end="", no_wrap=True, overflow="ellipsis")
        status.append(" scrubber review ", "bold reverse")
        status.append(" ")
        status.append(overall, "bold")
        if here:
            status.append("  ·  ")
            status.append_text(visible(here))
        if str(self.model.filter):
            status.append("  ·  filter ", "dim")
            status.append_text(visible(str(self.model.filter), "yellow"))
            status.append(f" ({len(self.model.order)} shown)", "dim")
        session = Text("  ·  session ", "dim")
        session.append_text(visible(self.model.session.path.name, "dim"))
        if status.cell_len + session.cell_len <= self.size.width:  # whole or not at all (the message line names it too)
            status.append_text(session)
        self.query_one("#status", Static).update(status)
        # a fixed-height Static: a scrolling pane cost 17 ms more per key press (tests/perf/bench_review.py),
        # so detail_text puts the change (from/to) before the long parts
        self.query_one("#detail", Static).update(detail_text(self.model, row))
        self.show_document(row)
        # the footer rebuilds its keys on refresh_bindings (costly): only when what applies changed
        applicable = tuple(self.check_action(a, ()) for a in ("accept", "keep", "reject", "drop", "undo", "next", "previous"))
        if applicable != self._applicable:
            self._applicable = applicable
            self.refresh_bindings()

    def show_document(self, row: Row | None) -> None:
        heading = self.query_one("#doc-heading", Static)
        body = self.query_one("#doctext", Static)
        if row is None:
            heading.update(Text(""))
            body.update(Text(""))
            self._doc_shown = None
            return
        doc = self.model.docs[row.doc]
        rows = self.model.doc_rows(row.doc)
        text, offset = document_window(self.model.session.doc_text(doc.id), rows, row)
        heading.update(doc_heading(doc, rows))
        if self.highlight is not None:
            text.highlight_regex(self.highlight, SEARCH_HIT)
        body.update(text)
        self.call_after_refresh(self._scroll_document, text, offset)

    def _scroll_document(self, text: Text, offset: int) -> None:
        view = self.query_one(DocView)
        width = max(10, self.query_one("#doctext", Static).content_region.width)
        # rows above the current change, assuming wrapping at the width (close enough to keep it in view)
        paragraphs = text.plain[:offset].split("\n")
        line_no = sum(max(1, -(-cell_len(p) // width)) for p in paragraphs[:-1]) + cell_len(paragraphs[-1]) // width
        top, height = round(view.scroll_offset.y), max(1, view.scrollable_content_region.height)
        if not top <= line_no < top + height - 1:
            view.scroll_to(y=max(0, line_no - height // 3), animate=False, immediate=True)

    # -- bindings ------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        row = self.row
        if action in NEEDS_ROW and row is None:
            return False
        if action in FIX_ONLY:
            return not row.is_flag
        if action in FLAG_ONLY:
            return row.is_flag
        if action == "undo":
            return self.model.can_undo
        if action == "previous":
            return self.changes.cursor > 0
        if action == "next":
            return self.changes.cursor < len(self.model.order) - 1
        return True

    def decide(self, action: Action, text: str | None = None) -> None:
        row = self.row
        if row is None:
            return
        self.model.decide([self.model.order[self.changes.cursor]], action, text)
        self.go(self.changes.cursor + 1, save=True)

    def action_accept(self) -> None:
        self.decide(Action.ACCEPT)

    def action_keep(self) -> None:
        self.decide(Action.ACCEPT)

    def action_reject(self) -> None:
        self.decide(Action.REJECT)

    def action_reject_flag(self) -> None:
        # the same decision R (reject this rule) records on flags; `apply` keeps the text
        self.decide(Action.REJECT)

    def action_drop(self) -> None:
        row = self.row
        if row is not None and not row.is_flag:  # a silent key reads as a broken one
            self.tell("d drops flagged sentences; this is a fix: y accepts it, n rejects it.", "warning")
            return
        self.decide(Action.DROP)

    def action_undo(self) -> None:
        changed = self.model.undo()
        if not changed:
            self.show()
            self.tell("Nothing to undo.")
            return
        first = changed[0]
        pos = next((p for p, i in enumerate(self.model.order) if i == first), self.changes.cursor)
        self.go(pos, save=True)
        self.changes.refresh()
        self.tell(f"Undone: {len(changed)} decision(s).")

    def action_next(self) -> None:
        self.go(self.changes.cursor + 1)

    def action_previous(self) -> None:
        self.go(self.changes.cursor - 1)

    def action_first(self) -> None:
        self.go(0)

    def action_last(self) -> None:
        self.go(len(self.model.order) - 1)

    def action_page(self, step: int) -> None:
        self.go(self.changes.cursor + step * self.changes.page)

    def _undecided(self, step: int) -> None:
        pos = self.model.find_undecided(self.changes.cursor, step)
        if pos is None:
            self.tell("No undecided change " + ("after" if step > 0 else "before") + " this one.")
            return
        self.go(pos)

    def action_next_undecided(self) -> None:
        self._undecided(1)

    def action_previous_undecided(self) -> None:
        self._undecided(-1)

    def action_all_rule(self, action: str, scope: str) -> None:
        row = self.row
        if row is None:
            return
        input_id = self.model.docs[row.doc].input if scope == "file" else None
        indices = self.model.pending_of_rule(row.rule, input_id)
        verb = Action(action)
        where = "in this file" if scope == "file" else "everywhere"
        if not indices:  # "(u undoes)" here would point u at the decision before, which it would undo
            self.tell(f"No pending change of {row.rule} {where}: nothing decided.")
            return
        self.model.decide(indices, verb)
        self.go(self.changes.cursor, save=True)
        self.changes.refresh()
        self.tell(f"{verb.value.capitalize()}ed {len(indices)} pending change(s) of {row.rule} {where} (u undoes).")

    def _edit_value(self, row: Row) -> str:
        if row.action == "edit":
            return row.text or ""
        return row.original if row.is_flag else (row.replacement or "")

    def action_edit(self) -> None:
        row = self.row
        if row is None:
            return
        title = "Edit the flagged text" if row.is_flag else "Edit the replacement"

        def done(value: str | None) -> None:
            if value is not None:
                self.decide(Action.EDIT, value)

        self.app.push_screen(Editor(title, self._edit_value(row)), done)

    def action_edit_external(self) -> None:
        row = self.row
        if row is None:
            return
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        with tempfile.NamedTemporaryFile("w+", suffix=".txt", encoding="utf-8", delete=False) as handle:
            handle.write(self._edit_value(row))
            name = handle.name
        try:
            command = [*shlex.split(editor), name]
            with self.app.suspend():
                done = subprocess.run(command, check=False)
            if done.returncode != 0:  # vim's :cq, or an editor that failed: cancel, as git does
                self.tell(f"{editor} left without saving (exit {done.returncode}): nothing decided.", "warning")
                return
            value = Path(name).read_text(encoding="utf-8")
        except SuspendNotSupported:
            self.tell("Cannot hand the terminal to $EDITOR here; use e to edit inline.", "warning")
            return
        except (OSError, ValueError) as exc:  # no such editor, unbalanced quotes in $EDITOR, unreadable result
            reason = getattr(exc, "strerror", None) or exc
            self.tell(f"Cannot run $VISUAL/$EDITOR {editor!r} ({reason}); use e to edit inline.", "error")
            return
        finally:
            Path(name).unlink(missing_ok=True)
        if value.endswith("\n") and not self._edit_value(row).endswith("\n"):
            value = value[:-1]
        self.decide(Action.EDIT, value)

    def action_filter(self) -> None:
        def done(value: str | None) -> None:
            if value is None:
                return
            try:
                flt = Filter.parse(value)
            except ValueError as exc:
                self.tell(str(exc), "error")
                return
            keep = self.model.order[self.changes.cursor] if self.row else 0
            pos = self.model.set_filter(flt, keep)
            self.changes.reset()
            self.changes.scroll_to(y=0, animate=False, immediate=True)
            self.go(pos)
            if not self.model.order:
                self.tell(f"No change matches {value!r}.", "warning")

        help_text = (
            "rule:PREFIX  file:TEXT  status:pending|decided|accepted|rejected|edited|dropped|fixes|flags\n"
            "A bare word is a status name or a rule prefix. Empty shows everything."
        )
        self.app.push_screen(Prompt("Filter", help_text, str(self.model.filter)), done)

    def action_search(self) -> None:
        def done(value: str | None) -> None:
            if not value:
                return
            self.last_search = value
            found = self.model.search(value, self.changes.cursor)
            if found is None:
                self.tell(f"Not found: {value}", "warning")
                return
            pos, in_text = found
            self.go(pos, highlight=re.compile(re.escape(value), re.IGNORECASE))
            if in_text:
                self.tell(f"{value} is in the document text, nearest this change (/ Enter: next).")

        self.app.push_screen(
            Prompt(
                "Search",
                "Text in a change, its rule or message, or in the document around it (the nearest change is shown)."
                " / Enter finds the next.",
                self.last_search,
            ),
            done,
        )

    def action_write(self) -> None:
        app: ReviewApp = self.app  # type: ignore[assignment]

        def done(value: str | None) -> None:
            if value is None:
                return
            in_place = value.strip() == "--in-place"
            out_dir = None if in_place else Path(value.strip() or "reviewed").expanduser()  # no shell here to expand ~
            problems: list[str] = []
            stats = write_reviewed(
                self.model.session, out_dir, in_place, lambda level, where, msg: problems.append(f"{where}: {msg}"), engine=app.engine
            )
            if problems:
                say(self, "\n".join(problems[:5]), severity="error", timeout=10)
            where = "in place" if in_place else f"to {out_dir}"
            after = write_advice(stats, in_place, self.model.session.path.name)
            self.tell(f"{stats.summary()} ({where}).{after}", "error" if problems else "information")

        self.app.push_screen(
            Prompt("Write the reviewed result", "A folder (inputs are mirrored under it), or --in-place.", app.default_output), done
        )

    def action_help(self) -> None:
        keymap = getattr(self.app, "_keymap", {}) or {}
        rows = [
            HelpRow(key_names(keymap.get(b.id, b.key) if b.id else b.key), b.id or "", DESCRIPTIONS.get(b.id or "", b.description))
            for b in BINDINGS
        ]
        self.app.push_screen(HelpScreen(rows))

    def action_suspend(self) -> None:
        """Ctrl+Z: the terminal is in raw mode, so the key reaches the app, not the shell; hand it on."""
        if not job_control():
            self.tell("Ctrl+Z: no shell with job control started the reviewer, so it cannot be resumed; q quits (every decision is saved).")
            return
        self.model.save_position(self.changes.cursor)
        self.app.action_suspend_process()

    def action_quit(self) -> None:
        self.model.save_position(self.changes.cursor)
        self.app.exit()

    @on(ChangeList.Selected)
    def selected(self, event: ChangeList.Selected) -> None:
        self.go(event.pos)


class ReviewApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "scrubber review"
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        session: Session,
        messages: list[str] | None = None,
        default_output: str = "reviewed",
        keymap: dict[str, str] | None = None,
        rules: str = "",
        engine: Engine | None = None,
    ) -> None:
        super().__init__()
        self.engine = engine  # the session's rules: `w` counts what a later pass would find on the result
        self.rules = rules  # on a resume, the rule options in words: the message line names them
        if keymap:
            self.set_keymap(keymap)
        self.session = session
        self.messages = messages or []
        self.default_output = default_output
        self.model = ReviewModel(session)

    def get_default_screen(self) -> Screen:
        return ReviewScreen(self.model, self.opening_note())

    def opening_note(self) -> str:
        """The message line's first words: the session file, and on a resume what became of the decisions."""
        name = self.session.path.name
        if self.session.is_new:
            return f"Session {name}: every decision is saved as you make it."
        aside, lost = self.model.unmatched_decisions()
        rules = f" (rules: {self.rules})" if self.rules else ""
        note = f"Resumed {name}{rules}: {self.model.decided} decision(s) kept"
        parts = [f"{aside} set aside, kept in the session for when their rules are selected again"] if aside else []
        parts += [f"{lost} could not be matched to a change (the text at or near it changed)"] if lost else []
        return note + (", " + "; ".join(parts) + "." if parts else ", none lost.")

    def on_mount(self) -> None:
        # back from Ctrl+Z (fg): the terminal was the shell's meanwhile; Textual redraws after App.suspend() but not here
        self.app_resume_signal.subscribe(self, lambda _app: self.refresh(layout=True))
        if self.messages:  # what changed since the last review, problems with the inputs: worth reading at leisure
            say(self, "\n".join(self.messages), severity="warning", timeout=12)
        if not self.model.rows:
            say(self, "No findings: nothing to review.", severity="warning")
