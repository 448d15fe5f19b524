"""``scrubber review``: decide every change with one key, never lose a decision.

The app is a thin view over :class:`ReviewModel`; each decision is committed
to the session before the screen shows it. Bindings live on the review
screen (so dialogs do not inherit them), carry ids (remappable through
``App.set_keymap``), and are hidden by ``check_action`` when they do not
apply to the selected change.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import App, ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from ..model import Action
from ..session import Session, write_reviewed
from .model import Filter, ReviewModel, Row
from .render import detail_text, doc_heading, document_window
from .visible import visible
from .widgets import ChangeList, DocView, Editor, HelpScreen, Prompt

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
    Binding("J", "next_undecided", "undecided", id="review.next-undecided"),
    Binding("K", "previous_undecided", "prev undecided", id="review.previous-undecided", show=False),
    Binding("A", "all_rule('accept', 'file')", "accept rule", id="review.accept-rule-file"),
    Binding("ctrl+a", "all_rule('accept', 'all')", "accept rule everywhere", id="review.accept-rule-all", show=False),
    Binding("R", "all_rule('reject', 'file')", "reject rule in file", id="review.reject-rule-file", show=False),
    Binding("ctrl+r", "all_rule('reject', 'all')", "reject rule everywhere", id="review.reject-rule-all", show=False),
    # help and quit before the rest: on an 80-column terminal the footer's end is cut off
    Binding("question_mark", "help", "help", id="review.help"),
    Binding("q", "quit", "quit", id="review.quit"),
    Binding("f", "filter", "filter", id="review.filter"),
    Binding("slash", "search", "search", id="review.search"),
    Binding("w", "write", "write", id="review.write"),
]


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
            raise ValueError(f"review-keys: no binding {name!r} (bindings: {ids})")
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f'review-keys: {name} must be a string of keys such as "a" or "a,enter", not {value!r}')
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
    "review.accept-rule-file": "accept every pending change of this rule in this file",
    "review.accept-rule-all": "accept every pending change of this rule everywhere",
    "review.reject-rule-file": "reject every pending change of this rule in this file",
    "review.reject-rule-all": "reject every pending change of this rule everywhere",
    "review.filter": "filter by rule, file or status",
    "review.search": "search the changes (Enter again finds the next)",
    "review.write": "write the reviewed result (as `scrubber apply`)",
    "review.help": "this help",
    "review.quit": "quit (every decision is already saved)",
}

#: narrower than this, the footer drops the padding around its keys
COMPACT_BELOW = 100

FIX_ONLY = {"accept", "reject"}
FLAG_ONLY = {"keep", "drop", "reject_flag"}
NEEDS_ROW = (
    FIX_ONLY | FLAG_ONLY | {"edit", "edit_external", "all_rule", "next", "previous", "next_undecided", "previous_undecided", "search"}
)


def say(node: Screen | App, message: str, **kwargs) -> None:
    """Notify without markup, every hidden character made visible (a file name can hold ``[/]``)."""
    node.notify(visible(message, multiline=True).plain, markup=False, **kwargs)


class ReviewScreen(Screen):
    BINDINGS = BINDINGS

    def __init__(self, model: ReviewModel) -> None:
        super().__init__()
        self.model = model
        self._doc_shown: int | None = None
        self._applicable: tuple = ()
        self.last_search = ""

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with Horizontal(id="main"):
            yield ChangeList(self.model, id="changes")
            with Vertical(id="right"):
                yield Static(id="doc-heading")
                yield DocView(id="doc")
                yield Static(id="detail")
        yield Footer()

    def on_resize(self) -> None:
        self.query_one(Footer).compact = self.size.width < COMPACT_BELOW

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
        self.call_after_refresh(lambda: self.go(self.changes.cursor))  # scroll once the list has its size

    # -- showing -----------------------------------------------------------------
    def go(self, pos: int, save: bool = False) -> None:
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
        status.append("  ·  session ", "dim")
        status.append_text(visible(self.model.session.path.name, "dim"))
        self.query_one("#status", Static).update(status)
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
        self.decide(Action.DROP)

    def action_undo(self) -> None:
        changed = self.model.undo()
        if not changed:
            say(self, "Nothing to undo.")
            self.show()
            return
        first = changed[0]
        pos = next((p for p, i in enumerate(self.model.order) if i == first), self.changes.cursor)
        say(self, f"Undone: {len(changed)} decision(s).")
        self.go(pos, save=True)
        self.changes.refresh()

    def action_next(self) -> None:
        self.go(self.changes.cursor + 1)

    def action_previous(self) -> None:
        self.go(self.changes.cursor - 1)

    def _undecided(self, step: int) -> None:
        pos = self.model.find_undecided(self.changes.cursor, step)
        if pos is None:
            say(self, "No undecided change " + ("after" if step > 0 else "before") + " this one.")
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
        self.model.decide(indices, verb)
        where = "in this file" if scope == "file" else "everywhere"
        say(self, f"{verb.value.capitalize()}ed {len(indices)} pending change(s) of {row.rule} {where} (u undoes).")
        self.go(self.changes.cursor, save=True)
        self.changes.refresh()

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
                say(self, f"{editor} left without saving (exit {done.returncode}): nothing decided.", severity="warning")
                return
            value = Path(name).read_text(encoding="utf-8")
        except SuspendNotSupported:
            say(self, "Cannot hand the terminal to $EDITOR here; use e to edit inline.", severity="warning")
            return
        except (OSError, ValueError) as exc:  # no such editor, unbalanced quotes in $EDITOR, unreadable result
            say(
                self,
                f"Cannot run $VISUAL/$EDITOR {editor!r} ({getattr(exc, 'strerror', None) or exc}); use e to edit inline.",
                severity="error",
            )
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
                say(self, str(exc), severity="error")
                return
            keep = self.model.order[self.changes.cursor] if self.row else 0
            pos = self.model.set_filter(flt, keep)
            self.changes.reset()
            self.changes.scroll_to(y=0, animate=False, immediate=True)
            if not self.model.order:
                say(self, f"No change matches {value!r}.", severity="warning")
            self.go(pos)

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
            pos = self.model.search(value, self.changes.cursor)
            if pos is None:
                say(self, f"Not found: {value}", severity="warning")
                return
            self.go(pos)

        self.app.push_screen(
            Prompt("Search", "Text in the change, its rule, message or document. /+Enter finds the next.", self.last_search), done
        )

    def action_write(self) -> None:
        app: ReviewApp = self.app  # type: ignore[assignment]

        def done(value: str | None) -> None:
            if value is None:
                return
            in_place = value.strip() == "--in-place"
            out_dir = None if in_place else Path(value.strip() or "reviewed").expanduser()  # no shell here to expand ~
            problems: list[str] = []
            stats = write_reviewed(self.model.session, out_dir, in_place, lambda level, where, msg: problems.append(f"{where}: {msg}"))
            if problems:
                say(self, "\n".join(problems[:5]), severity="error", timeout=10)
            where = "in place" if in_place else f"to {out_dir}"
            say(self, f"Wrote {stats.files} file(s) {where}, {stats.documents_changed} document(s) changed.")

        self.app.push_screen(
            Prompt("Write the reviewed result", "A folder (inputs are mirrored under it), or --in-place.", app.default_output), done
        )

    def action_help(self) -> None:
        rows = []
        keymap = getattr(self.app, "_keymap", {}) or {}
        for b in sorted(BINDINGS, key=lambda b: b.id in ("review.help", "review.quit")):  # those two last
            key = keymap.get(b.id, b.key) if b.id else b.key
            rows.append((key.replace("question_mark", "?").replace("slash", "/"), b.id or "", DESCRIPTIONS.get(b.id or "", b.description)))
        self.app.push_screen(HelpScreen(rows))

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
        self, session: Session, messages: list[str] | None = None, default_output: str = "reviewed", keymap: dict[str, str] | None = None
    ) -> None:
        super().__init__()
        if keymap:
            self.set_keymap(keymap)
        self.session = session
        self.messages = messages or []
        self.default_output = default_output
        self.model = ReviewModel(session)

    def get_default_screen(self) -> Screen:
        return ReviewScreen(self.model)

    def on_mount(self) -> None:
        say(self, f"Session: {self.session.path} (every decision is saved as you make it)", timeout=6)
        if self.messages:
            say(self, "\n".join(self.messages), severity="warning", timeout=12)
        if not self.model.rows:
            say(self, "No findings: nothing to review.", severity="warning")
