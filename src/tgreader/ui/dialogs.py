"""Modal screens: the help (every binding, as remapped) and the search box."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tgreader.text import clean
from tgreader.ui.i18n import Translator
from tgreader.ui.keys import HELP_ORDER, bind, key_display, keys_for

__all__ = ["HelpScreen", "SearchScreen", "help_rows"]


def help_rows(tr: Translator, keymap: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(keys, what they do, binding id) for every binding, with the keymap applied."""
    rows: list[tuple[str, str, str]] = []
    for binding_id in HELP_ORDER:
        if binding_id == "follow_1":
            keys = " ".join(key_display(keys_for(f"follow_{n}", keymap)) for n in range(1, 10))
            rows.append((keys, tr("key.follow"), "follow_1…follow_9"))
        else:
            # Keys come from the config file: shown cleaned, as page text is.
            keys = clean(key_display(keys_for(binding_id, keymap)))
            rows.append((keys, tr(f"key.{binding_id}"), binding_id))
    return rows


class HelpScreen(ModalScreen[None]):
    """Every key of the reader, what it does, and its id for the ``[keymap]`` table."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("close", "close"),
        bind("help", "close"),
        bind("quit", "close"),
        bind("down", "scroll_down"),
        bind("up", "scroll_up"),
    ]

    def __init__(self, tr: Translator, keymap: Mapping[str, str]) -> None:
        super().__init__()
        self._tr = tr
        self._keymap = keymap

    def compose(self) -> ComposeResult:
        """A titled table in a scrollable box."""
        table = Table(box=None, show_edge=False, pad_edge=False, expand=True)
        table.add_column(self._tr("help.keys"), style="bold", no_wrap=True)
        table.add_column(self._tr("help.action"), ratio=1)
        table.add_column(self._tr("help.id"), style="dim", no_wrap=True)
        for keys, what, binding_id in help_rows(self._tr, self._keymap):
            table.add_row(Text(keys), Text(what), Text(binding_id))
        with Vertical(id="help-box") as box:
            box.border_title = Text(self._tr("help.title"))
            with VerticalScroll(id="help-scroll"):
                yield Static(table, id="help-table")
            yield Static(Text(self._tr("help.footer")), markup=False, id="help-footer")

    def action_scroll_down(self) -> None:
        """Scroll the table."""
        self.query_one("#help-scroll", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        """Scroll the table."""
        self.query_one("#help-scroll", VerticalScroll).scroll_up(animate=False)

    def action_close(self) -> None:
        """Back to reading."""
        self.dismiss(None)


class SearchScreen(ModalScreen[str | None]):
    """A one-line search box; Enter returns the query, Esc returns None: whichever of the
    two keys comes first, once."""

    BINDINGS: ClassVar[list[BindingType]] = [bind("close", "close")]

    def __init__(self, tr: Translator, initial: str = "") -> None:
        super().__init__()
        self._tr = tr
        self._initial = initial
        self._answered = False

    def compose(self) -> ComposeResult:
        """A prompt and the input."""
        with Vertical(id="search-box") as box:
            box.border_title = Text(self._tr("search.prompt"))
            yield _QueryInput(
                self._answer, self._initial, placeholder=self._tr("search.placeholder"), id="query"
            )

    def on_mount(self) -> None:
        """The box takes the keys at once."""
        self.set_focus(self.query_one("#query", Input))

    def on_key(self, event: events.Key) -> None:
        """A key that came before the box had the focus goes into it."""
        if self.focused is not self.query_one("#query", Input):
            self.take_key(event)

    def take_key(self, event: events.Key) -> None:
        """Type ``event`` into the box: a key typed right after the one that opened it
        (``/khoa giao⏎`` sent at once) that reached another screen or no widget first."""
        query = self.query_one("#query", Input)
        if event.is_printable and event.character:
            query.insert_text_at_cursor(event.character)
        elif event.key == "backspace":
            query.action_delete_left()
        elif event.key == "enter":
            self._answer(query.value)
        else:
            return
        event.stop()
        event.prevent_default()

    def action_close(self) -> None:
        """Give up searching."""
        self._answer(None)

    def _answer(self, query: str | None) -> None:
        if not self._answered:
            self._answered = True
            self.dismiss((query or "").strip() or None)


class _QueryInput(Input):
    """The search box's line, where Enter answers in turn with the keys typed around it.
    Input's own Enter (a binding's action, then a Submitted message) came after the keys
    typed behind it: "/hoi nghi⏎j" searched "hoi nghij", and an Esc right behind the Enter
    closed the box before the message arrived, which then closed it a second time."""

    def __init__(self, answer: Callable[[str], None], value: str, **options: Any) -> None:
        super().__init__(value, **options)
        self._answer = answer

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":  # in turn with the characters, unlike a binding's action
            event.stop()
            event.prevent_default()
            self._answer(self.value)
            return
        await super()._on_key(event)

    async def action_submit(self) -> None:
        """Enter, when it comes as a binding: the query."""
        self._answer(self.value)
