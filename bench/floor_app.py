"""The floor for launch times: a bare Textual app with three empty bordered panes.

Nothing but Textual: no store, no network, no configuration. ``python bench/floor_app.py``
runs it in the terminal (``q`` quits); the launch benchmark times it as it times tgreader.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.widgets import Static

READY_TEXT = "floor-ready"


class FloorApp(App[None]):
    """Three empty panes side by side, like the reader's, and a status line."""

    CSS = """
    #panes { height: 1fr; }
    .pane { border: round $accent; height: 1fr; }
    #one { width: 24; }
    #two { width: 40; }
    #three { width: 1fr; }
    #status { height: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        """Three panes over a status line."""
        with Horizontal(id="panes"):
            yield Static(id="one", classes="pane")
            yield Static(id="two", classes="pane")
            yield Static(id="three", classes="pane")
        yield Static(READY_TEXT, id="status")


if __name__ == "__main__":
    FloorApp().run()
