"""The article pane: the open article's text as one renderable, its photos, its "Các tin
khác" links, and the find marks.

Page text is data: it reaches the screen only inside ``rich.text.Text`` objects (never a
markup string), so ``[bold]`` or ``[@click=…]`` in an article is shown as typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar, NamedTuple

from rich.align import Align
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.binding import BindingType
from textual.color import Color, ColorParseError
from textual.containers import VerticalScroll
from textual.events import Click
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from tgreader.model import Article, Heading, Image, Quote
from tgreader.text import find_spans
from tgreader.ui.keys import bind
from tgreader.ui.photos import ArticlePhotos, graphics_widget
from tgreader.ui.widgets import GLYPHS, Glyphs, page_text

__all__ = ["ArticleColors", "ArticleView", "FindMarks", "RelatedLink", "article_body"]


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
    glyphs: Glyphs = GLYPHS,
) -> Group:
    """Byline, title, sapo, the blocks and the author as one renderable; ``photo`` gives
    what to draw above an image block's caption (see ``ui/photos.py``); ``find``, what to
    highlight (and it learns where the matches are); ``glyphs``, the caption's mark.

    One widget for the whole text, not one per paragraph: mounting, styling and laying out
    dozens of widgets was most of the time between Enter and the painted article.
    """
    from tgreader.render import caption_note  # loaded by the first article, not the launch

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
            note = text(glyphs.photo + caption_note(block.caption), f"italic {colors.muted}")
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
        self.glyphs = GLYPHS  # the caption's mark (ASCII with --ascii)
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
            body = article_body(article, colors, box, find, self.glyphs)
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
