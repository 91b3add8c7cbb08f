"""The three panes and the status line.

Page text is data: it reaches the screen only inside ``rich.text.Text`` objects (never a
markup string), so ``[bold]`` or ``[@click=…]`` in an article is shown as typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, ClassVar, NamedTuple

from rich.align import Align
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual import on
from textual.binding import BindingType
from textual.color import Color, ColorParseError
from textual.containers import VerticalScroll
from textual.events import Click
from textual.message import Message
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tgreader.model import Article, Heading, Image, Quote, Section
from tgreader.render import caption_note
from tgreader.text import find_spans, strip_controls
from tgreader.ui.keys import bind
from tgreader.ui.photos import ArticlePhotos, graphics_widget

__all__ = [
    "ArticleList",
    "ArticleView",
    "RelatedLink",
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


class Row(NamedTuple):
    """One line of the article list: a listing item, a search hit or a bookmark."""

    url: str
    title: str
    when: str | None = None
    summary: str | None = None
    marks: tuple[tuple[int, int], ...] = ()  # search matches in ``summary``
    hit: bool = False  # a search result: the summary is a snippet, on its own line


BOOKMARK_MARK = "★ "


def row_prompt(row: Row, read: bool, marked: bool = False) -> Group:
    """The title (after a star when bookmarked), then one line of date and sapo (cut to the
    pane's width); dim when read.

    A search hit shows its snippet on a line of its own, starting near the first match.
    """
    title = page_text(row.title, "dim" if read else "bold")
    if marked:
        title = Text(BOOKMARK_MARK, style="bold") + title
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
    """The site's menu."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.entries: list[Section] = []

    def show(self, sections: Sequence[Section], current: str | None) -> None:
        """Replace the entries, keeping the cursor on ``current`` (a section URL)."""
        if list(sections) == self.entries:
            return
        urls = [s.url for s in sections]
        keep = self.highlighted_url or current
        self.entries = list(sections)
        self.set_options(Option(page_text(s.name)) for s in sections)
        if keep in urls:
            self.highlighted = urls.index(keep)
        elif urls:
            self.highlighted = 0

    @property
    def highlighted_url(self) -> str | None:
        """The URL of the section under the cursor."""
        index = self.highlighted
        return self.entries[index].url if index is not None and index < len(self.entries) else None


class ArticleList(_PaneList):
    """The articles of the chosen section (or search results, or bookmarks)."""

    class NeedMore(Message):
        """The cursor reached the last article: the next listing page is wanted."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: list[Row] = []
        self.read: set[str] = set()
        self.marked: set[str] = set()  # bookmarked articles, of every list
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
                prompt = row_prompt(row, row.url in self.read, row.url in self.marked)
                self.replace_option_prompt_at_index(index, prompt)

    @property
    def highlighted_row(self) -> Row | None:
        """The row under the cursor."""
        index = self.highlighted
        return self.rows[index] if index is not None and 0 <= index < len(self.rows) else None

    def _make_options(self, rows: Iterable[Row]) -> Iterator[Option | None]:
        for row in rows:
            yield Option(row_prompt(row, row.url in self.read, row.url in self.marked))
            yield None  # a rule under each article

    @on(OptionList.OptionHighlighted)
    def _near_end(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index >= len(self.rows) - 1:
            self.post_message(self.NeedMore())

    def _at_end(self) -> None:
        self.post_message(self.NeedMore())  # down on the last row: load more, or stay

    def _last_row(self) -> int:
        return len(self.rows) - 1  # the footer under them is not a row


class RelatedLink(Static):
    """One numbered "Các tin khác" link; clicking it follows it."""

    def __init__(self, index: int, title: str) -> None:
        super().__init__(self._grid(index, title), markup=False, classes="related")
        self.index = index

    @staticmethod
    def _grid(index: int, title: str) -> Table:
        # A grid, so a long title wraps under itself and not under its number.
        grid = Table.grid(padding=(0, 1))
        grid.add_column(justify="right", no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row(Text(f"{index + 1}."), page_text(title))
        return grid

    def set_link(self, index: int, title: str) -> None:
        """Show another link in this place."""
        self.index = index
        self.update(self._grid(index, title))

    def on_click(self, event: Click) -> None:
        """Follow this link."""
        event.stop()
        self.post_message(ArticleView.FollowLink(self.index))


class ArticleColors(NamedTuple):
    """The theme colours the article is drawn with (Rich colour strings)."""

    accent: str = "#FEA62B"
    quote: str = "#C8C8C8"
    muted: str = "#868686"
    sapo_background: str = "#2A2A2A"

    @classmethod
    def of(cls, variables: dict[str, str]) -> ArticleColors:
        """From the app's CSS variables: ``$text-muted`` is ``auto 60%``, so blend it here."""
        try:
            background = Color.parse(variables.get("background", "#121212"))
            foreground = Color.parse(variables.get("foreground", "#E0E0E0"))
            boost = background.blend(foreground, 0.12)
            return cls(
                accent=Color.parse(variables.get("accent", "#FEA62B")).hex,
                quote=background.blend(foreground, 0.85).hex,
                muted=background.blend(foreground, 0.6).hex,
                sapo_background=boost.hex,
            )
        except ColorParseError:
            return cls()


class FindMarks:
    """What the find bar looks for in the open article, and where :func:`article_body`
    found it: for each match in reading order, the index of its part of the body."""

    def __init__(self, query: str) -> None:
        self.query = query
        self.parts: list[int] = []
        self.current = 0

    def mark(self, text: Text, part: int) -> Text:
        """``text`` (the body's part number ``part``) with its matches highlighted."""
        for start, end in find_spans(text.plain, self.query):
            here = len(self.parts) == self.current
            self.parts.append(part)
            text.stylize("bold black on yellow" if here else "reverse", start, end)
        return text


def article_body(
    article: Article,
    colors: ArticleColors,
    photo: Callable[[Image], RenderableType | None] | None = None,
    find: FindMarks | None = None,
) -> Group:
    """Byline, title, sapo, the blocks and the author as one renderable; ``photo`` gives
    what to draw above an image block's caption (see ``ui/photos.py``); ``find``, what to
    highlight (and it learns where the matches are).

    One widget for the whole text, not one per paragraph: mounting, styling and laying out
    dozens of widgets was most of the time between Enter and the painted article.
    """
    parts: list[RenderableType] = []
    gap = Text("")

    def text(plain: str, style: str = "") -> Text:
        made = page_text(plain, style)
        return find.mark(made, len(parts)) if find is not None else made

    byline = [article.section or "", article.published.vietnamese() if article.published else ""]
    if any(byline):
        parts.append(gap)
        parts.append(text(" · ".join(p for p in byline if p), colors.muted))
    parts.append(gap)
    parts += [text(article.title, f"bold {colors.accent}"), gap]
    if article.sapo:
        # Set apart on a lighter ground, as the site sets its teaser apart.
        sapo = text(article.sapo, "bold")
        parts.append(Padding(sapo, (0, 1), style=f"on {colors.sapo_background}"))
        parts.append(gap)
    for block in article.blocks:
        if isinstance(block, Image):
            box = photo(block) if photo is not None else None
            if box is not None:
                parts.append(box)
            # Without its photo, the caption stands at the photo's place, marked.
            note = text("▣ " + caption_note(block.caption), f"italic {colors.muted}")
            parts.append(Padding(note, (0, 0, 0, 2)))
        elif isinstance(block, Heading):
            parts.append(text(block.text, "bold"))
        elif isinstance(block, Quote):
            parts.append(Padding(text(block.text, f"italic {colors.quote}"), (0, 4)))
        else:
            parts.append(text(block.text))
        parts.append(gap)
    if article.author:
        parts += [Align.right(text(article.author, "bold italic")), gap]
    return Group(*parts)


class ArticleView(VerticalScroll, can_focus=True):
    """The open article. ↓ past the end walks a cursor through the related links."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("down", "down"),
        bind("up", "up"),
        bind("page_down", "page_down"),
        bind("page_up", "page_up"),
        bind("top", "top"),
        bind("bottom", "bottom"),
        bind("open", "open_link"),
    ]

    class FollowLink(Message):
        """The reader chose related link ``index`` (0-based)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class NoLinkChosen(Message):
        """Enter was pressed with no related link under the cursor."""

    def __init__(self, placeholder: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="pane")
        # The pane's widgets live as long as the pane: showing an article updates them (and
        # mounts or removes only the related links it has more or fewer of), which is
        # several times cheaper than mounting a new set and styling it.
        self._placeholder = Static(Text(placeholder), markup=False, classes="placeholder")
        self._body = Static("", markup=False, classes="body")
        self._related_heading = Static("", markup=False, classes="related-heading")
        self._source = Static("", markup=False, classes="source")
        for part in self._body, self._related_heading, self._source:
            part.display = False
        self._links: list[RelatedLink] = []
        self.link: int | None = None
        self._restore: float | None = None
        self.photos = ArticlePhotos(enabled=False)
        # With a graphics protocol, textual-image's widget of each photo that came, laid
        # over its (blank) box in the body: it scrolls with the text (see place_photos).
        self._overlays: dict[str, Widget] = {}
        self._placed: dict[str, tuple[int, int, int, int]] = {}  # offset and size of each
        self.find: FindMarks | None = None  # what Ctrl+F looks for, once it is asked
        self._shown: Article | None = None
        self._parts: Sequence[RenderableType] = ()

    def compose(self) -> Iterable[Widget]:
        """At first, a hint of what to do; the article's parts, hidden."""
        yield from (self._placeholder, self._body, self._related_heading, self._source)

    def show(
        self,
        article: Article,
        related_heading: str,
        *,
        scroll_y: float = 0.0,
        link: int | None = None,
    ) -> None:
        """Show ``article``, then scroll to ``scroll_y`` with ``link`` selected."""
        related = article.related
        if self._shown is not None and self._shown.url != article.url:
            self.find = None  # another article: the bar's query applies to it afresh
        with self.app.batch_update():
            self._placeholder.display = False
            self._draw_body(article)
            self._related_heading.update(Text(related_heading))
            self._source.update(page_text(article.url))
            self._body.display = self._source.display = True
            self._related_heading.display = bool(related)
            for index, (widget, target) in enumerate(zip(self._links, related, strict=False)):
                widget.set_link(index, target.title)
                widget.remove_class("-cursor")
            for widget in self._links[len(related) :]:
                widget.remove()
            added = [
                RelatedLink(i, related[i].title) for i in range(len(self._links), len(related))
            ]
            if added:
                self.mount_all(added, before=self._source)
            self._links = [*self._links[: len(related)], *added]
        self.link = None
        if link is not None and link < len(self._links):
            self.link = link
            self._links[link].add_class("-cursor")
        # The height of the new text is known only after layout, which may take more than
        # one refresh (in a real terminal it often does): retry on each resize until the
        # offset fits, unless the reader moves first.
        self._restore = scroll_y
        self.scroll_to(y=0, animate=False, immediate=True)
        self.call_after_refresh(self._apply_restore)

    def _draw_body(self, article: Article) -> None:
        colors = ArticleColors.of(self.app.get_css_variables())
        find = self.find
        if find is not None:
            find.parts = []

        def build(box: Callable[[Image], RenderableType | None]) -> Group:
            body = article_body(article, colors, box, find)
            self._parts = body.renderables
            return body

        if self._overlays and (not self.photos.enabled or article is not self._shown):
            self._drop_overlays()  # at once: never an old photo over the new text
        self._body.update(self.photos.body(build))
        self._shown = article
        self._place_photos_later()

    def set_find(self, query: str) -> tuple[int, int]:
        """Highlight ``query`` (diacritics optional) and go to its first match; ``""``
        clears it. Returns (the current match, 1-based, and how many there are)."""
        self.find = FindMarks(query) if query.strip() else None
        return self.find_step(0)

    def find_step(self, delta: int) -> tuple[int, int]:
        """The next (``delta`` 1) or previous (-1) match, shown and scrolled to."""
        if self._shown is None:
            return 0, 0
        find = self.find
        if find is not None and find.parts:
            find.current = (find.current + delta) % len(find.parts)
        self._draw_body(self._shown)
        if find is None or not find.parts:
            return 0, 0
        self._scroll_to_part(find.parts[find.current])
        return find.current + 1, len(find.parts)

    def _scroll_to_part(self, index: int) -> None:
        """Scroll so the body's part ``index`` (a paragraph) is near the top."""
        width = self._body.content_size.width or self.content_size.width
        console = self.app.console
        options = console.options.update_width(max(1, width)).reset_height()
        lines = sum(
            len(console.render_lines(part, options, pad=False)) for part in self._parts[:index]
        )
        self._restore = None
        top = self._body.virtual_region.y + lines
        self.scroll_to(y=max(0, top - 2), animate=False, immediate=True)

    def photos_changed(self, change: Callable[[], None]) -> None:
        """Apply ``change`` to the photos' boxes (a photo came, or cannot be had), keeping
        the line the reader is on where it is."""
        width = self._body.content_size.width
        place = self.position
        rows, above = self.photos.total_rows(width), self.photos.rows_above(place, width)
        change()
        self._place_photos_later()
        if self.photos.total_rows(width) == rows:
            self._body.refresh()  # drawn in the same box: nothing moves
            return
        self._body.refresh(layout=True)
        shift = self.photos.rows_above(place, width) - above
        if shift:
            self._restore = max(0.0, place + shift)
            self.call_after_refresh(self._apply_restore)

    def toggle_photos(self, article: Article, related_heading: str) -> None:
        """Photos on or off, on the same line of the text."""
        width = self._body.content_size.width
        place, link = self.position, self.link
        if self.photos.enabled:
            place = max(0.0, place - self.photos.rows_above(place, width))
        self.photos.enabled = not self.photos.enabled
        self.show(article, related_heading, scroll_y=place, link=link)
        if self.photos.enabled:  # show() restores this once the text is laid out
            self._restore = place + self.photos.rows_before_text_line(
                self.app.console, place, width
            )

    def _apply_restore(self) -> None:
        target = self._restore
        if target is None:
            return
        self.scroll_to(y=min(target, self.max_scroll_y), animate=False, immediate=True)
        if self.max_scroll_y >= target:
            self._restore = None

    def on_resize(self) -> None:
        """The text was laid out (or the pane resized): finish restoring the position, and
        lay the photos over their boxes where these now are."""
        self._apply_restore()
        self._place_photos_later()

    def _place_photos_later(self) -> None:
        if self.photos.protocol != "halfcell" and (self._overlays or self.photos.images):
            self.call_after_refresh(self.place_photos)

    @property
    def overlays(self) -> dict[str, Widget]:
        """The graphics widget of each photo shown with Kitty graphics or Sixel, by URL."""
        return dict(self._overlays)

    def place_photos(self) -> None:
        """Lay textual-image's widget of each photo that came over its box (Kitty graphics
        or Sixel; half-cells are drawn in the body itself), and drop the others.

        A widget laid at an absolute offset in the scrolling pane scrolls with the text:
        the Kitty protocol's Unicode placeholders are cells like any other, and the Sixel
        widget draws only the rows of the photo in view (textual-image crops it).
        """
        photos = self.photos
        if photos.protocol == "halfcell":
            return
        width = self._body.content_size.width
        wanted: dict[str, tuple[int, int, int, int]] = {}
        tracked = photos.tracked
        if photos.enabled and photos.blocks and tracked is not None and width > 0:
            # Where each box starts at this width (the body may not be drawn yet).
            console = self.app.console
            console.render_lines(tracked, console.options.update_width(width), pad=False)
            top = self._body.virtual_region.y
            for block in photos.blocks:
                cols, rows = block.size(width)
                if rows and block.url in photos.images:
                    wanted[block.url] = (block.offset(width), top + block.top, cols, rows)
        self._drop_overlays(keep=set(wanted))
        for url, (x, y, cols, rows) in wanted.items():
            widget = self._overlays.get(url)
            if widget is None:
                image = photos.images[url].image
                widget = graphics_widget(photos.protocol, image, classes="photo-overlay")
                self._overlays[url] = widget
                self.mount(widget)
            elif self._placed.get(url) == (x, y, cols, rows):
                continue  # unchanged (a Kitty photo restyled is sent to the terminal again)
            self._placed[url] = (x, y, cols, rows)
            widget.styles.offset = (x, y)
            widget.styles.width = cols
            widget.styles.height = rows

    def _drop_overlays(self, keep: set[str] | frozenset[str] = frozenset()) -> None:
        for url in [u for u in self._overlays if u not in keep]:
            gone: Any = self._overlays.pop(url)
            self._placed.pop(url, None)
            gone.image = None  # textual-image frees the photo in the terminal
            gone.remove()

    def on_mouse_scroll_down(self) -> None:
        """The reader scrolls: no position to restore any more."""
        self._restore = None

    def on_mouse_scroll_up(self) -> None:
        """The reader scrolls: no position to restore any more."""
        self._restore = None

    def _select(self, link: int | None) -> None:
        if self.link is not None and self.link < len(self._links):
            self._links[self.link].remove_class("-cursor")
        self.link = link
        if link is not None:
            self._links[link].add_class("-cursor")
            self.scroll_to_widget(self._links[link], animate=False, immediate=True)

    @property
    def position(self) -> float:
        """Where the reader is: the offset being restored, else the scroll offset."""
        return self._restore if self._restore is not None else self.scroll_y

    @property
    def at_bottom(self) -> bool:
        """True when scrolled to the end."""
        return self.scroll_y >= self.max_scroll_y

    def action_down(self) -> None:
        """Scroll down; at the end, move the cursor to the next related link."""
        self._restore = None
        if self._links and (self.link is not None or self.at_bottom):
            self._select(min((self.link + 1) if self.link is not None else 0, len(self._links) - 1))
        else:
            self.scroll_down(animate=False)

    def action_up(self) -> None:
        """Move the link cursor up (and off the links), else scroll up."""
        self._restore = None
        if self.link is not None:
            self._select(self.link - 1 if self.link > 0 else None)
        else:
            self.scroll_up(animate=False)

    def action_page_down(self) -> None:
        """One screen down."""
        self._restore = None
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        """One screen up."""
        self._restore = None
        self._select(None)
        self.scroll_page_up(animate=False)

    def action_top(self) -> None:
        """The start of the article."""
        self._restore = None
        self._select(None)
        self.scroll_home(animate=False)

    def action_bottom(self) -> None:
        """The end of the article."""
        self._restore = None
        self.scroll_end(animate=False)

    def action_open_link(self) -> None:
        """Follow the related link under the cursor."""
        if self.link is not None:
            self.post_message(self.FollowLink(self.link))
        else:
            self.post_message(self.NoLinkChosen())


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
