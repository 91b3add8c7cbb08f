"""Back and forward through the articles read, each with where the reader was in it."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["History", "Place"]


class Place(NamedTuple):
    """An article and the reader's position in it: scroll offset and selected related link."""

    url: str
    scroll_y: float = 0.0
    link: int | None = None


class History:
    """A browser-like history: visiting a new article drops the forward list."""

    def __init__(self, limit: int = 200) -> None:
        self._back: list[Place] = []
        self._forward: list[Place] = []
        self._limit = limit

    def visit(self, leaving: Place | None) -> None:
        """Record ``leaving`` before going to a new article."""
        if leaving is not None:
            self._back.append(leaving)
            del self._back[: -self._limit]
        self._forward.clear()

    def back(self, current: Place | None) -> Place | None:
        """The place to go back to (``current`` becomes the forward step), or None."""
        if not self._back:
            return None
        if current is not None:
            self._forward.append(current)
        return self._back.pop()

    def forward(self, current: Place | None) -> Place | None:
        """The place to go forward to (``current`` becomes the back step), or None."""
        if not self._forward:
            return None
        if current is not None:
            self._back.append(current)
        return self._forward.pop()

    @property
    def can_go_back(self) -> bool:
        """True when there is somewhere to go back to."""
        return bool(self._back)

    @property
    def can_go_forward(self) -> bool:
        """True when there is somewhere to go forward to."""
        return bool(self._forward)
