"""Ctrl+F's bar under the article (loaded at first use: the first screen needs no Input)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Input

from tgreader.ui.keys import bind

__all__ = ["FindBar"]


class FindBar(Input):
    """One line under the article: what to find in it; its border says "2/5"."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("close", "close"),
        bind("find_next", "step(1)"),
        bind("find_prev", "step(-1)"),
    ]

    class Closed(Message):
        """Esc: the bar is put away, and its highlights with it."""

    class Step(Message):
        """F3 / Shift+F3 (Enter too): the next or previous match."""

        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta

    def action_close(self) -> None:
        """Put the bar away."""
        self.post_message(self.Closed())

    def action_step(self, delta: int) -> None:
        """The next (1) or previous (-1) match."""
        self.post_message(self.Step(delta))
