"""Widgets of the reviewer.

:class:`ChangeList` is a line-API ``ScrollView``: it renders only the rows on
screen, so 100,000 changes cost nothing to show or move through (a widget
per row, as ``ListView`` does, takes seconds at a few thousand rows).
"""

from __future__ import annotations

from rich.segment import Segment
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.screen import ModalScreen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input, Static, TextArea

from .model import ReviewModel
from .render import row_line
from .visible import visible


class ChangeList(ScrollView, can_focus=True):
    """Every change (after the filter), one line each, with a cursor."""

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
            yield TextArea(self.value, id="editor", soft_wrap=True, show_line_numbers=False)
            yield Static(visible("Ctrl+S saves · Esc cancels", "dim"))

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Every binding of the reviewer with its key, id and meaning."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help.close")]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        from rich.text import Text

        text = Text(end="")
        text.append("Keys  (the right column is the binding id, for [review-keys] in the config)\n\n", "bold")
        key_width = max((len(key) for key, _, _ in self.rows), default=0)
        width = max((len(description) for _, _, description in self.rows), default=0) + 2
        for key, binding_id, description in self.rows:
            text.append(f"{key:>{key_width}}  ", "bold cyan")
            text.append(f"{description:<{width}}", "")
            text.append(f"{binding_id.removeprefix('review.')}\n", "dim")
        text.append("\nThe mouse works too: click a change, click a key in the footer.\nEsc closes this help.", "dim")
        with VerticalScroll(id="dialog"):
            yield Static(text)

    def action_close(self) -> None:
        self.dismiss(None)
