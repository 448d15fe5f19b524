"""Widgets of the reviewer.

:class:`ChangeList` is a line-API ``ScrollView``: it renders only the rows on
screen, so 100,000 changes cost nothing to show or move through (a widget
per row, as ``ListView`` does, takes seconds at a few thousand rows).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.screen import ModalScreen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Footer, Input, Static, TextArea
from textual.widgets._footer import FooterKey  # not re-exported; FittingFooter builds the same keys Footer does

from .model import ReviewModel
from .render import row_line
from .visible import editable, from_editable, visible


class ChangeList(ScrollView, can_focus=True, inherit_bindings=False):
    """Every change (after the filter), one line each, with a cursor.

    It takes none of the scroll keys of a ``ScrollView``: arrows, Home, End
    and the page keys are the review screen's and move the *selection* (a
    list that scrolled away from its cursor left the reviewer deciding a
    change they could not see). The mouse wheel still just scrolls.
    """

    class Selected(Message):
        def __init__(self, pos: int) -> None:
            super().__init__()
            self.pos = pos

    def __init__(self, model: ReviewModel, **kwargs) -> None:
        super().__init__(**kwargs)
        self.model = model
        self.cursor = 0

    def reset(self) -> None:
        """Call after the model's ``order`` changed."""
        self.virtual_size = Size(self.size.width or 40, len(self.model.order))
        self.refresh()

    def move_to(self, pos: int) -> None:
        old = self.cursor
        self.cursor = max(0, min(pos, len(self.model.order) - 1))
        height = self.scrollable_content_region.height or 1
        top = round(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)
        else:  # no scroll: repaint only the two rows that changed
            self.refresh_line(old)
            self.refresh_line(self.cursor)
            return
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        pos = round(self.scroll_offset.y) + y
        row = self.model.row_at(pos)
        if row is None:
            return Strip.blank(width, self.rich_style)
        text = row_line(self.model, row, width, pos == self.cursor)
        base = self.rich_style
        segments = [Segment(s.text, base + s.style if s.style else base) for s in text.render(self.app.console)]
        return Strip(segments).crop_extend(0, width, base)

    @property
    def page(self) -> int:
        """How many rows a page key moves: the rows on screen, less one kept for context."""
        return max(1, (self.scrollable_content_region.height or 2) - 1)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        pos = round(self.scroll_offset.y) + offset.y
        if 0 <= pos < len(self.model.order):
            self.post_message(self.Selected(pos))

    def on_resize(self) -> None:
        self.reset()


class DocView(VerticalScroll):
    """The current document with its changes marked inline."""

    def compose(self) -> ComposeResult:
        yield Static(id="doctext")


class Prompt(ModalScreen[str | None]):
    """Ask for one line (filter, search, output folder). Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, title: str, help_text: str, value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.help_text = help_text
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(visible(self.title_text, "bold"))
            yield Input(value=self.value, id="prompt-input")
            yield Static(visible(self.help_text, "dim", multiline=True))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Editor(ModalScreen[str | None]):
    """Edit a replacement (or a flagged sentence) inline. Ctrl+S saves, Esc cancels."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="edit.save"),
        Binding("escape", "cancel", "Cancel", id="edit.cancel"),
    ]

    def __init__(self, title: str, value: str) -> None:
        super().__init__()
        self.title_text = title
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(visible(self.title_text, "bold"))
            # hidden characters as tokens: a text box draws what it holds, and the terminal obeyed an ESC in it
            yield TextArea(editable(self.value), id="editor", soft_wrap=True, show_line_numbers=False)
            yield Static(
                visible(
                    "Ctrl+S saves · Esc cancels · F7 selects all\nHidden characters show as ⟨ESC⟩, ⟨U+200B⟩…: type one to insert it.",
                    "dim",
                    multiline=True,
                )
            )

    def action_save(self) -> None:
        self.dismiss(from_editable(self.query_one(TextArea).text))

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpRow(NamedTuple):
    key: str
    binding_id: str
    description: str


class HelpScreen(ModalScreen[None]):
    """Every binding of the reviewer with its key, meaning and id, as a table that scrolls.

    The columns are sized for an 80-column terminal: keys and ids never wrap,
    the description wraps inside its own column.
    """

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help.close")]

    def __init__(self, rows: Sequence[HelpRow]) -> None:
        super().__init__()
        self.rows = rows

    def table(self) -> Table:
        table = Table(box=None, show_edge=False, pad_edge=False, padding=(0, 2, 0, 0), expand=True, header_style="bold")
        # headers and cells as Text: a plain string is markup to Rich, and "[review-keys]" would vanish
        table.add_column(Text("key"), style="bold cyan", no_wrap=True)
        table.add_column(Text("what it does"), ratio=1)
        table.add_column(Text("id for [review-keys]"), style="dim", no_wrap=True)
        for row in self.rows:
            table.add_row(visible(row.key), visible(row.description, multiline=True), visible(row.binding_id.removeprefix("review.")))
        return table

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Static(Text("Keys", "bold"))
            yield Static(self.table(), id="help-table")
            yield Static(Text("The mouse works too: click a change, click a key in the footer. ↑/↓ scroll, Esc closes.", "dim"))

    def action_close(self) -> None:
        self.dismiss(None)


class FooterEntry(NamedTuple):
    binding: Binding
    enabled: bool
    tooltip: str
    description: str


class FittingFooter(Footer):
    """A footer that never cuts a key in half: at narrow widths it shortens and then drops keys.

    Textual's footer lays every key out in a row and lets the end fall off
    the screen (``/ sear``). This one tries, in order: the full descriptions
    with padding, short descriptions with padding, the same two compact,
    then drops keys in ``drop_order`` until the rest fit, and at the very
    narrowest shows the keys in ``bare`` without their descriptions (``?``
    alone), in that order. Keys not in ``drop_order`` (help, quit) always
    stay; the help lists everything.
    """

    def __init__(
        self,
        short: dict[str, str],
        drop_order: Sequence[str],
        shown: Callable[[Binding], bool] = lambda binding: True,
        bare: Sequence[str] = (),
        **kwargs,
    ) -> None:
        super().__init__(show_command_palette=False, **kwargs)
        self.short = short
        self.drop_order = drop_order
        self.bare = bare
        self.shown = shown
        self._width = 0

    def entries(self) -> list[FooterEntry]:
        """The keys to show, one per action (the first key of each), in binding order."""
        seen: dict[str, FooterEntry] = {}
        for _, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in seen and self.shown(binding):
                seen[binding.action] = FooterEntry(binding, enabled, tooltip, binding.description)
        return list(seen.values())

    def width_of(self, entries: Sequence[FooterEntry], compact: bool) -> int:
        """Cells the keys take (FooterKey's padding, or the compact footer's margin)."""
        extra = 2 if compact else 3
        return sum(cell_len(self.app.get_key_display(e.binding)) + cell_len(e.description) + extra for e in entries)

    def fit(self, width: int) -> tuple[list[FooterEntry], bool]:
        """The entries (with the descriptions to use) that fit in ``width``, and whether compact."""
        full = self.entries()
        shortened = [e._replace(description=self.short.get(e.binding.id or "", e.description)) for e in full]
        for compact, entries in ((False, full), (False, shortened), (True, full), (True, shortened)):
            if self.width_of(entries, compact) <= width:
                return entries, compact
        entries = shortened
        for binding_id in self.drop_order:
            if self.width_of(entries, True) <= width:
                return entries, True
            entries = [e for e in entries if e.binding.id != binding_id]
        for binding_id in self.bare:
            if self.width_of(entries, True) <= width:
                break
            entries = [e._replace(description="") if e.binding.id == binding_id else e for e in entries]
        return entries, True

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        self._width = self.size.width or self.app.size.width
        entries, compact = self.fit(self._width)
        self.compact = compact
        for e in entries:
            yield FooterKey(
                e.binding.key,
                self.app.get_key_display(e.binding),
                e.description,
                e.binding.action,
                disabled=not e.enabled,
                tooltip=e.tooltip,
            ).data_bind(compact=Footer.compact)

    def on_resize(self, event: events.Resize) -> None:
        if self._bindings_ready and event.size.width != self._width:
            self.call_after_refresh(self.recompose)
