"""The sections and articles panes and the status line.

Page text is data: it reaches the screen only inside ``rich.text.Text`` objects (never a
markup string), so ``[bold]`` or ``[@click=…]`` in an article is shown as typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import ClassVar, NamedTuple

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tgreader.model import Section
from tgreader.text import strip_controls
from tgreader.ui.keys import bind
from tgreader.ui.state import ListKind, Row

__all__ = [
    "ASCII_GLYPHS",
    "BOOKMARK_MARK",
    "GLYPHS",
    "ArticleList",
    "Glyphs",
    "Row",
    "SectionList",
    "StatusLine",
    "page_text",
    "row_prompt",
]


def page_text(text: str, style: str = "") -> Text:
    """Page text as a Text: never parsed as markup, and without control characters (the
    parser removes them already; an escape sequence must never reach the terminal)."""
    return Text(strip_controls(text), style=style)


class Glyphs(NamedTuple):
    """The marks the reader draws itself: before a bookmarked title, before a caption."""

    bookmark: str = "★ "
    photo: str = "▣ "


GLYPHS = Glyphs()
BOOKMARK_MARK = GLYPHS.bookmark
#: For terminals or fonts without those marks (``--ascii``, ``ascii = true``).
ASCII_GLYPHS = Glyphs(bookmark="* ", photo="# ")


def row_prompt(row: Row, read: bool, marked: bool = False, glyphs: Glyphs = GLYPHS) -> Group:
    """The title (after a star when bookmarked), then one line of date and sapo (cut to the
    pane's width); dim when read.

    A search hit shows its snippet on a line of its own, starting near the first match.
    """
    title = page_text(row.title, "dim" if read else "bold")
    if marked:
        title = Text(glyphs.bookmark, style="bold") + title
    line = Text(no_wrap=True, overflow="ellipsis", style="dim")
    if row.when:
        line.append_text(page_text(row.when))  # not italic: its slant ran into the " · "
    if row.hit and row.summary:
        snippet, marks = _near_first_match(strip_controls(row.summary), row.marks)
        hit = Text(snippet, no_wrap=True, overflow="ellipsis")
        for begin, end in marks:
            hit.stylize("reverse", begin, end)
        return Group(title, line, hit) if line else Group(title, hit)
    if row.summary:
        line.append_text(page_text((" · " if row.when else "") + row.summary))
    return Group(title, line) if line else Group(title)


_LEAD = 12  # characters of a snippet kept before its first match


def _near_first_match(
    text: str, marks: tuple[tuple[int, int], ...]
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Cut ``text`` to start a little before its first match (one line shows little)."""
    start = max(0, marks[0][0] - _LEAD) if marks else 0
    if start == 0:
        return text, marks
    space = text.find(" ", start, marks[0][0])
    start = space + 1 if space != -1 else start
    shift = start - 1  # the ellipsis takes one character
    return "…" + text[start:], tuple((a - shift, b - shift) for a, b in marks if a >= start)


class _PaneList(OptionList):
    """An OptionList with the reader's keys (j/k, g/G, Space) and remappable ids."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("down", "cursor_down"),
        bind("up", "cursor_up"),
        bind("top", "first"),
        bind("bottom", "last"),
        bind("page_down", "page_down"),
        bind("page_up", "page_up"),
        bind("open", "select"),
    ]

    def action_cursor_down(self) -> None:
        """Down, stopping at the last row (no wrap to the top: more may be loading)."""
        if self.highlighted is None or self.highlighted < self._last_row():
            super().action_cursor_down()
        else:
            self._at_end()

    def _last_row(self) -> int:
        """The index of the last row the cursor may rest on."""
        return self.option_count - 1

    def action_cursor_up(self) -> None:
        """Up, stopping at the first row."""
        if self.highlighted is None or self.highlighted > 0:
            super().action_cursor_up()

    def _at_end(self) -> None:
        """Down was pressed on the last row."""


class SectionList(_PaneList):
    """The reader's own lists (the latest news, the bookmarks), then the site's menu, each
    section with how many of its articles the reader has not read."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.lists: list[tuple[ListKind, str]] = []  # kind, name: above the sections
        self.entries: list[Section] = []  # the site's sections
        self.unread: dict[str, int] = {}  # section URL -> unread articles

    def show(
        self,
        sections: Sequence[Section],
        current: str | None,
        lists: Sequence[tuple[ListKind, str]] | None = None,
    ) -> None:
        """Replace the entries (``lists``: the reader's own, when they change), keeping the
        cursor on ``current`` (a section URL or a list kind)."""
        lists = self.lists if lists is None else list(lists)
        if list(sections) == self.entries and lists == self.lists:
            return
        keep = self.highlighted_key or current
        self.lists, self.entries = lists, list(sections)
        options: list[Option | None] = [Option(Text(name, style="bold")) for _, name in lists]
        if lists and self.entries:
            options.append(None)  # a rule between the reader's lists and the site's
        options += [Option(self._prompt(s)) for s in self.entries]
        self.set_options(options)
        keys = self.keys()
        if keep in keys:
            self.highlighted = keys.index(keep)
        elif keys:
            self.highlighted = 0

    def keys(self) -> list[str]:
        """Each entry's key, in order: a list's kind, a section's URL."""
        return [kind for kind, _ in self.lists] + [s.url for s in self.entries]

    def choice(self, index: int | None) -> ListKind | Section | None:
        """The entry at ``index``: one of the reader's lists, or a section."""
        if index is None or index < 0:
            return None
        if index < len(self.lists):
            return self.lists[index][0]
        index -= len(self.lists)
        return self.entries[index] if index < len(self.entries) else None

    def select_key(self, key: str) -> None:
        """Put the cursor on the entry of ``key`` (a list kind or a section URL)."""
        keys = self.keys()
        if key in keys:
            self.highlighted = keys.index(key)

    @property
    def highlighted_key(self) -> str | None:
        """The key of the entry under the cursor."""
        keys, index = self.keys(), self.highlighted
        return keys[index] if index is not None and index < len(keys) else None

    def set_unread(self, counts: dict[str, int]) -> None:
        """Show new unread counts (section URL -> count); a section not named keeps its."""
        changed = {url for url, n in counts.items() if self.unread.get(url) != n}
        self.unread |= counts
        for index, section in enumerate(self.entries):
            if section.url in changed:
                self.replace_option_prompt_at_index(len(self.lists) + index, self._prompt(section))

    def _prompt(self, section: Section) -> Table:
        # The name, and the unread count right-aligned (dim when nothing is unread).
        count = self.unread.get(section.url)
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1)
        grid.add_column(justify="right", no_wrap=True)
        number = Text("" if count is None else f" {count}", style="dim" if not count else "")
        grid.add_row(page_text(section.name), number)
        return grid

    def widest(self) -> int:
        """The cells the longest entry takes, with room for an unread count."""
        names = [name for _, name in self.lists] + [s.name for s in self.entries]
        return max((Text(n).cell_len for n in names), default=0) + 5


class ArticleList(_PaneList):
    """The articles of the chosen section (or search results, or bookmarks)."""

    class NeedMore(Message):
        """The cursor reached the last article: the next listing page is wanted."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: list[Row] = []
        self.read: set[str] = set()
        self.marked: set[str] = set()  # bookmarked articles, of every list
        self.glyphs = GLYPHS
        self._footer: str | None = None  # the last row: loading more, or the end

    def set_footer(self, text: str | None) -> None:
        """A last row under the articles (not an article: never under the cursor)."""
        if text == self._footer:
            return
        self._drop_footer()
        self._footer = text
        self._add_footer()

    def _drop_footer(self) -> None:
        if self._footer is not None:
            self.remove_option("footer")

    def _add_footer(self) -> None:
        if self._footer is not None:
            self.add_option(Option(page_text(self._footer, "italic"), id="footer", disabled=True))

    def show(self, rows: Sequence[Row], read: set[str], *, keep: bool = True) -> None:
        """Replace the rows; with ``keep``, the cursor stays on its article and the scroll too."""
        rows = list(rows)
        if keep and rows == self.rows and {r.url for r in rows} & read == self.read:
            return
        url = self.highlighted_row.url if keep and self.highlighted_row else None
        scroll_y = self.scroll_y
        self.rows = rows
        self.read = {r.url for r in rows} & read
        self.set_options(self._make_options(rows))
        self._add_footer()
        urls = [r.url for r in rows]
        if url in urls:
            self.highlighted = urls.index(url)
            # Lines are measured on the next refresh; the old offset is valid only then.
            self.call_after_refresh(self.scroll_to, y=scroll_y, animate=False)
        elif rows:
            self.highlighted = 0

    def show_message(self, text: str) -> None:
        """No rows: ``text`` (why the list is empty) in their place, until rows come."""
        self.rows = []
        self._footer = None
        self.set_options([Option(page_text(text, "italic"), disabled=True)])

    def append(self, rows: Iterable[Row], read: set[str]) -> None:
        """Add rows from a later page, skipping articles already listed."""
        seen = {r.url for r in self.rows}
        new: list[Row] = []
        for row in rows:
            if row.url not in seen:
                seen.add(row.url)
                new.append(row)
        self.rows.extend(new)
        self.read |= {r.url for r in new} & read
        self._drop_footer()
        self.add_options(self._make_options(new))
        self._add_footer()

    def set_read(self, url: str, read: bool) -> None:
        """Dim (or undim) the row of ``url``."""
        (self.read.add if read else self.read.discard)(url)
        self._redraw({url})

    def set_marked(self, urls: set[str], marked: bool) -> None:
        """Star (or unstar) the rows of ``urls``: bookmarked articles."""
        (self.marked.update if marked else self.marked.difference_update)(urls)
        self._redraw(urls)

    def _redraw(self, urls: set[str]) -> None:
        for index, row in enumerate(self.rows):
            if row.url in urls:
                prompt = row_prompt(row, *self._marks(row.url))
                self.replace_option_prompt_at_index(index, prompt)

    @property
    def highlighted_row(self) -> Row | None:
        """The row under the cursor."""
        index = self.highlighted
        return self.rows[index] if index is not None and 0 <= index < len(self.rows) else None

    def _make_options(self, rows: Iterable[Row]) -> Iterator[Option | None]:
        for row in rows:
            yield Option(row_prompt(row, *self._marks(row.url)))
            yield None  # a rule under each article

    def _marks(self, url: str) -> tuple[bool, bool, Glyphs]:
        return url in self.read, url in self.marked, self.glyphs

    @on(OptionList.OptionHighlighted)
    def _near_end(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index >= len(self.rows) - 1:
            self.post_message(self.NeedMore())

    def _at_end(self) -> None:
        self.post_message(self.NeedMore())  # down on the last row: load more, or stay

    def _last_row(self) -> int:
        return len(self.rows) - 1  # the footer under them is not a row


class StatusLine(Static):
    """One line at the bottom: site, online or offline, age of the page, what is loading.

    When the line is too narrow for all of it, the least important parts go first (the
    site, where a stored copy came from, online/offline), so the age and what is loading
    stay whole.
    """

    #: Indexes of the parts given to :meth:`set_parts`, least important first.
    DROP_ORDER = (0, 3, 1, 2)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", markup=False, id=id)
        self._parts: list[str] = []
        self._loading: str | None = None

    def set_parts(self, parts: Sequence[str], loading: str | None) -> None:
        """Show ``parts`` separated by dots, then what is loading (highlighted)."""
        self._parts, self._loading = list(parts), loading
        self.update(self._fit(self.size.width))

    def on_resize(self) -> None:
        """Fit the line again to its new width."""
        self.update(self._fit(self.size.width))

    def _fit(self, width: int) -> Text:
        shown = [bool(p) for p in self._parts]
        text = self._line(shown)
        for index in self.DROP_ORDER:
            if width <= 0 or text.cell_len <= width:
                break
            if index < len(shown):
                shown[index] = False
                text = self._line(shown)
        return text

    def _line(self, shown: list[bool]) -> Text:
        text = Text(" ")
        text.append(" · ".join(p for p, keep in zip(self._parts, shown, strict=True) if keep))
        if self._loading:
            text.append(" · ")
            text.append(self._loading, style="bold")
        return text
