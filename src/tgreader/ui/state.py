"""The reading screen's state that needs no screen: the loads in flight, and the article
list's paging (what it shows, what comes next, what it says at its end).

Kept free of Textual, as ``history.py`` is, so its rules are tested without a terminal.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Literal, NamedTuple

from tgreader.model import Section

__all__ = ["ListKind", "Paging", "Requests", "Row", "Slot", "UnreadCounts", "slot_of"]

# What a load is for. A newer load of a slot makes the older one's answer stale.
Slot = Literal["sections", "list", "more", "article"]
# The lists the article pane shows: a section's pages, search results, the latest news
# (the home page, then the newest stored), the bookmarks.
ListKind = Literal["section", "search", "latest", "bookmarks"]
EndKey = Literal["list.end", "list.end_stored"]

_SLOTS: dict[str, Slot] = {
    "sections": "sections",
    "listing": "list",
    "search": "list",
    "latest": "list",
    "bookmarks": "list",
    "more": "more",
    "article": "article",
}


def slot_of(kind: str) -> Slot | None:
    """The slot of a failed load's kind (None: a load no slot tracks, e.g. export)."""
    return _SLOTS.get(kind)


class Row(NamedTuple):
    """One line of the article list: a listing item, a search hit or a bookmark."""

    url: str
    title: str
    when: str | None = None
    summary: str | None = None
    marks: tuple[tuple[int, int], ...] = ()  # search matches in ``summary``
    hit: bool = False  # a search result: the summary is a snippet, on its own line


class Requests:
    """Numbered loads per slot, and what is loading (for the status line)."""

    def __init__(self) -> None:
        self._numbers = itertools.count(1)
        self._latest: dict[Slot, int] = {}
        self._loading: dict[Slot, str] = {}

    def start(self, slot: Slot, label: str) -> int:
        """A new load of ``slot``: its number; any older one of the slot is now stale."""
        request = next(self._numbers)
        self._latest[slot] = request
        self._loading[slot] = label
        return request

    def current(self, slot: Slot, request: int) -> bool:
        """True when ``request`` is the newest load of ``slot``."""
        return self._latest.get(slot) == request

    def done(self, slot: Slot) -> bool:
        """The slot's load is over; True when it was loading."""
        return self._loading.pop(slot, None) is not None

    def loading(self, slot: Slot) -> bool:
        """True while ``slot`` has a load in flight."""
        return slot in self._loading

    def labels(self) -> list[str]:
        """What is loading, each label once."""
        return list(dict.fromkeys(self._loading.values()))


class Paging:
    """The article list: its kind and pages, what comes next, and what its end says.

    A section's list grows a page at a time (``next_url``), search results a page of
    ``page_size`` at a time; the latest news come whole but are shown a screenful at a
    time (the rest is ``take``n as the list scrolls); the bookmarks come and show whole.
    """

    def __init__(self, page_size: int) -> None:
        self.page_size = page_size
        self.kind: ListKind | None = None
        self.section: Section | None = None
        self.query = ""
        self.end: EndKey = "list.end"  # what the last row says at the list's end
        self.next_url: str | None = None
        self.hits = 0  # search results listed so far
        self.step_when_loaded = False  # n past the last row: go on once the next page is in
        self._pages: dict[int, list[Row]] = {}
        self._dead_ends: set[str] = set()  # next pages of this list that could not be had
        self._more_hits = False  # the last page of results was full: there may be more
        self._rest: list[Row] = []  # rows of a whole list not shown yet

    def open(self, kind: ListKind, section: Section | None = None, query: str = "") -> None:
        """A new list: nothing of the old one's paging is kept."""
        self.kind, self.section = kind, section
        if kind == "search":
            self.query = query  # kept after the results are left: / offers it again
        self.end = "list.end"
        self.next_url = None
        self.hits = 0
        self.step_when_loaded = False
        self._pages = {}
        self._dead_ends = set()
        self._more_hits = False
        self._rest = []

    def add_page(self, page: int, rows: list[Row], next_url: str | None) -> list[Row]:
        """A listing page came (again, when refreshed): every row of the list, in order."""
        self._pages[page] = rows
        if page >= max(self._pages):
            self.next_url = next_url if rows else None
        return [row for number in sorted(self._pages) for row in self._pages[number]]

    def add_whole(self, rows: list[Row], shown: int) -> list[Row]:
        """A list that came whole: its first ``shown`` rows, to show now (the rest waits)."""
        self._rest = rows[shown:]
        return rows[:shown]

    def take(self, count: int) -> list[Row]:
        """The next ``count`` rows of a whole list, to add at its end."""
        taken, self._rest = self._rest[:count], self._rest[count:]
        return taken

    def add_hits(self, count: int, *, first: bool) -> None:
        """A page of ``count`` search results came (``first``: the list's first)."""
        self.hits = count if first else self.hits + count
        self._more_hits = count == self.page_size

    @property
    def count_text(self) -> str:
        """How many results are listed, with a + when there may be more."""
        return f"{self.hits}+" if self._more_hits else str(self.hits)

    def has_more(self) -> bool:
        """True when the list may go on past its last row."""
        if self.kind == "search":
            return self._more_hits
        if self.kind == "latest":
            return bool(self._rest)
        url = self.next_url
        return self.kind == "section" and bool(url) and url not in self._dead_ends

    def next_page(self) -> int:
        """The number of the page the list asks for next (for the status line)."""
        if self.kind == "search":
            return self.hits // self.page_size + 1
        return max(self._pages, default=1) + 1

    def stop(self) -> None:
        """The next page cannot be had for now: the list ends where it is."""
        self.next_url = None

    def dead_end(self, *, stored_only: bool) -> None:
        """The next page is past the end (404), or, offline, past the stored pages
        (``stored_only``): not asked again for this list, and the end says which."""
        self._dead_ends.add(self.next_url or "")
        self.next_url = None
        if stored_only:
            self.end = "list.end_stored"

    def footer(self, *, has_rows: bool, loading_more: bool) -> str | None:
        """The key of what the list's last row says (None: no such row)."""
        if self.kind not in ("section", "search", "latest") or not has_rows:
            return None
        if loading_more:
            return "list.more"
        return None if self.has_more() else self.end


class UnreadCounts:
    """How many of each section's articles are unread: what it lists (its stored pages at
    start, then its list as loaded) against the read state, kept up to date as articles
    are read, without asking the store again."""

    def __init__(self) -> None:
        self._listed: dict[str, list[str]] = {}
        self._read: set[str] = set()

    def stored(self, listed: Mapping[str, list[str]], read: Iterable[str]) -> None:
        """The sections' stored lists, counted at start (a section with nothing stored has
        no count: nothing is known of it); a list loaded since is newer and is kept."""
        self._listed = {s: urls for s, urls in listed.items() if urls} | self._listed
        self._read |= set(read)

    def listed(self, section: str, urls: list[str], read: Iterable[str]) -> None:
        """``section``'s list as loaded now, and which of its articles are read."""
        known = self._listed.get(section, [])
        self._listed[section] = list(dict.fromkeys([*urls, *known]))
        self._read = (self._read - set(urls)) | set(read)

    def mark(self, urls: Iterable[str], read: bool) -> None:
        """Articles marked read (or unread)."""
        if read:
            self._read.update(urls)
        else:
            self._read.difference_update(urls)

    def counts(self) -> dict[str, int]:
        """Section URL -> how many of the articles it lists are unread."""
        return {
            section: sum(url not in self._read for url in urls)
            for section, urls in self._listed.items()
        }
