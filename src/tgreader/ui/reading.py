"""The article pane's behaviour: opening an article (the stored copy at once, then the
service's answer), the history, the "Các tin khác" links, photos, find, and the actions on
the open article or the list row under the cursor.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from textual import on
from textual.widget import Widget

from tgreader.model import Article, Image
from tgreader.ui import loaders
from tgreader.ui.article_view import ArticleView
from tgreader.ui.history import History, Place
from tgreader.ui.messages import ArticleLoaded, Exported
from tgreader.ui.panes import PanesScreen, ReaderContext
from tgreader.ui.photos import PhotoLoaded, PhotoScreen, load_photos

if TYPE_CHECKING:
    from textual.widgets import Input

    from tgreader.ui.find import FindBar

__all__ = ["ReadingScreen"]

Nav = Literal["visit", "none"]


class ReadingScreen(PanesScreen):
    """The panes, with the article pane's behaviour."""

    def __init__(self, context: ReaderContext) -> None:
        super().__init__(context)
        self.article: Article | None = None
        self._history = History()
        self._pending = Place("")
        self._requested = ""
        self._nav: Nav = "none"
        self._marked_request = 0
        self._refreshing = False

    def _place(self) -> Place | None:
        if self.article is None:
            return None
        return Place(self.article.url, self.view.position, self.view.link)

    def _open_article(
        self,
        url: str,
        *,
        focus: bool,
        place: Place | None = None,
        nav: Nav = "visit",
        refresh: bool = False,
    ) -> None:
        self._pending = place or Place(url)
        self._requested = url
        self._nav = nav
        self._refreshing = refresh  # a refresh does not mark the article read again
        request = self._start("article", self.tr("loading.article"))
        stored = None if refresh else loaders.stored_article(self.ctx.service, request, url)
        if stored is not None:
            self._article_loaded(stored)
        self._run(
            loaders.load_article(
                self.ctx.service, self.post_message, request, url, refresh=refresh
            ),
            "article",
        )
        if focus:
            self._focus_pane(self.view)

    @on(ArticleLoaded)
    def _article_loaded(self, message: ArticleLoaded) -> None:
        if not self._current("article", message.request):
            return
        if message.final:
            self._done("article")
        article = message.answer.page
        self._observe("article", message.answer, message.answer.error if message.final else None)
        if article != self.article:
            if self.article is not None and self.article.url == article.url:
                place = self._place() or Place(article.url)  # new copy: stay where we are
            else:
                if self._nav == "visit":
                    self._history.visit(self._place())
                self._nav = "none"
                place = self._pending
            self.article = article
            self._reserve_photos(article)
            self.view.show(article, self.tr("related"), scroll_y=place.scroll_y, link=place.link)
            self._load_photos(article)
        if self._marked_request != message.request and not self._refreshing:
            self._marked_request = message.request
            # A redirect gives the article another URL than the list's: mark both.
            urls = list(dict.fromkeys([self._requested, article.url]))
            self._userdata(loaders.set_read(self.ctx.service, self.post_message, urls))

    def action_follow(self, number: int) -> None:
        """1…9: follow the Nth "Các tin khác" link."""
        if self.article is None:
            self._say(self.tr("note.no_article"))
            return
        if not 1 <= number <= len(self.article.related):
            self._say(self.tr("note.no_link", n=number))
            return
        self._open_article(self.article.related[number - 1].url, focus=True)

    @on(ArticleView.FollowLink)
    def _follow_link(self, message: ArticleView.FollowLink) -> None:
        message.stop()
        self.action_follow(message.index + 1)

    # --- photos ---------------------------------------------------------------------

    def _reserve_photos(self, article: Article) -> None:
        photos = self.view.photos
        urls = photos.urls(article) if photos.enabled else []
        # The stored photos' sizes (a fraction of a millisecond) give their boxes at once.
        sizes = self.ctx.service.photo_sizes(urls) if urls else {}
        offline = self.ctx.service.settings.offline
        missing = [u for u in urls if u not in sizes] if offline else []
        # The pane may not be laid out yet (narrow layout, first article): the screen's
        # height less the borders and the status line is what it will have.
        height = max(self.view.size.height, self.size.height - 3)
        photos.start(sizes, max_rows=height // 2, missing=missing)

    def _load_photos(self, article: Article) -> None:
        urls = self.view.photos.urls(article) if self.view.photos.enabled else []
        if urls:
            width = self.view.photos.draw_width()
            work = load_photos(self.ctx.service, self.post_message, article.url, urls, width)
            self.run_worker(work, group="photos", exclusive=True, exit_on_error=False)

    @on(PhotoLoaded)
    def _photo_loaded(self, message: PhotoLoaded) -> None:
        if self.article is not None and message.article == self.article.url:
            photos = self.view.photos
            self.view.photos_changed(
                lambda: photos.arrived(message.url, message.image, message.data)
            )

    def action_toggle_photos(self) -> None:
        """i: photos on or off for this session."""
        photos = self.view.photos
        self.workers.cancel_group(self, "photos")
        self._say(self.tr("note.photos_off" if photos.enabled else "note.photos_on"))
        if self.article is None:
            photos.enabled = not photos.enabled
            return
        if not photos.enabled:  # the boxes are reserved before the text is shown again
            photos.enabled = True
            self._reserve_photos(self.article)
            photos.enabled = False
        self.view.toggle_photos(self.article, self.tr("related"))
        self._load_photos(self.article)

    def action_view_photo(self) -> bool:
        """v: the photo in view, alone on the screen; Esc returns."""
        view = self.view
        url = view.photos.visible(view.scroll_y, view.size.height, view.content_size.width)
        image = view.photos.images.get(url) if url else None
        if url is None or image is None or self.article is None:
            return False
        caption = next(
            (b.caption or "" for b in self.article.blocks if isinstance(b, Image) and b.src == url),
            "",
        )
        data = view.photos.data.get(url, b"")
        self.app.push_screen(PhotoScreen(image, data, caption, self.ctx.protocol))
        return True

    @on(ArticleView.NoLinkChosen)
    def _no_link(self, message: ArticleView.NoLinkChosen) -> None:
        message.stop()
        if self.action_view_photo():
            return  # Enter on a photo opens it
        if self.article is not None and self.article.related:
            self._say(self.tr("note.link_hint"))

    def action_back(self) -> None:
        """Back to the article read before, where the reader left it; in the narrow
        layout, with nothing to go back to, back to the list."""
        if self.narrow and self.view.has_class("-active") and not self._history.can_go_back:
            self._focus_pane(self.articles)
            return
        self._travel(self._history.back, "note.history_empty")

    def action_forward(self) -> None:
        """Forward again after going back."""
        self._travel(self._history.forward, "note.nothing_forward")

    def _travel(self, step: Callable[[Place | None], Place | None], nothing: str) -> None:
        target = step(self._place())
        if target is None:
            self._say(self.tr(nothing))
            return
        self._open_article(target.url, focus=True, place=target, nav="none")

    # --- find in the article --------------------------------------------------------

    def action_find(self) -> None:
        """Ctrl+F: a bar under the article; what is typed is highlighted as it is typed."""
        if self.article is None:
            self._say(self.tr("note.no_article"))
            return
        from tgreader.ui.find import FindBar  # at first use, not at startup

        bars = self.query(FindBar)
        if bars:
            bar = bars.first()
            bar.display = True
        else:
            bar = FindBar(placeholder=self.tr("find.placeholder"), id="find")
            self.mount(bar, after=self.query_one("#panes"))
        if self.narrow:
            self._mark_active(self.view)
        self.add_class("-finding")
        self.set_focus(bar)

    def on_input_changed(self, event: Input.Changed) -> None:
        """The find bar's query changed: highlight it afresh, at its first match."""
        from tgreader.ui.find import FindBar

        if isinstance(event.input, FindBar):
            self._show_found(event.input, self.view.set_find(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the find bar: the next match."""
        from tgreader.ui.find import FindBar

        if isinstance(event.input, FindBar):
            self.action_find_step(1)

    def action_find_step(self, delta: int) -> None:
        """F3 / Shift+F3: the next or previous match of the find bar's query."""
        if self.view.find is None:
            return
        from tgreader.ui.find import FindBar

        bars = self.query(FindBar)
        found = self.view.find_step(delta)
        if bars:
            self._show_found(bars.first(), found)

    def _show_found(self, bar: Widget, found: tuple[int, int]) -> None:
        current, total = found
        if self.view.find is None:
            bar.border_subtitle = ""
        elif total:
            bar.border_subtitle = self.tr("find.count", n=current, total=total)
        else:
            bar.border_subtitle = self.tr("find.none")

    def on_find_bar_closed(self, message: FindBar.Closed) -> None:
        """Esc in the find bar: the bar and its highlights go; back to the article."""
        message.stop()
        bar = self.query_one("#find")
        bar.display = False
        self.remove_class("-finding")
        self.view.set_find("")
        self._focus_pane(self.view)

    def on_find_bar_step(self, message: FindBar.Step) -> None:
        """F3 / Shift+F3 typed in the find bar."""
        message.stop()
        self.action_find_step(message.delta)

    # --- actions on the article (or the list row under the cursor) -----------------------

    def _target(self) -> tuple[str, str] | None:
        """(URL, title) of the row under the cursor when the list has focus, else the
        open article."""
        if self.articles.has_focus and (row := self.articles.highlighted_row) is not None:
            return row.url, row.title
        if self.article is not None:
            return self.article.url, self.article.title
        self._say(self.tr("note.no_article"))
        return None

    def _aliases(self, url: str) -> list[str]:
        """``url`` and, when it is the open article's, the other URL it is known by (the
        list's, before a redirect, and the final one)."""
        if self.article is not None and url in (self._requested, self.article.url):
            return list(dict.fromkeys([url, self._requested, self.article.url]))
        return [url]

    def action_mark_read(self) -> None:
        """m: flip read / unread."""
        if (target := self._target()) is not None:
            urls = self._aliases(target[0])
            self._userdata(loaders.toggle_read(self.ctx.service, self.post_message, urls))

    def action_bookmark(self) -> None:
        """f: bookmark, or remove the bookmark."""
        if (target := self._target()) is not None:
            urls = self._aliases(target[0])
            work = loaders.toggle_bookmark(self.ctx.service, self.post_message, urls, target[1])
            self._userdata(work)

    def action_open_browser(self) -> None:
        """o: open the page in the system's browser (where it was read from)."""
        if (target := self._target()) is None:
            return
        url = self.ctx.service.site.fetch_url(target[0])
        console = loaders.console_browser()
        if console is not None:
            # lynx or w3m draws on this terminal: the reader steps aside until it quits.
            from textual.app import SuspendNotSupported

            try:
                with self.app.suspend():
                    opened = console.open(url)
            except SuspendNotSupported:  # no terminal to hand over (headless)
                opened = console.open(url)
            self.refresh(layout=True)
            if not opened:
                self._say(self.tr("note.no_browser"), "error")
            return
        self.run_worker(
            loaders.open_in_browser(self.post_message, url),
            group="browser",
            exit_on_error=False,
        )

    def action_copy_url(self) -> None:
        """y: copy the article's URL to the clipboard."""
        if (target := self._target()) is not None:
            self.app.copy_to_clipboard(target[0])
            self._say(self.tr("note.copied", url=target[0]))

    def action_export(self) -> None:
        """e: save the open article as Markdown."""
        if self.article is None:
            self._say(self.tr("note.no_article"))
            return
        folder = self.ctx.export_dir or Path.cwd()
        self.run_worker(
            loaders.export_article(self.post_message, self.article, folder),
            group="export",
            exit_on_error=False,
        )

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        self._say(self.tr("note.exported", path=str(message.path)))

    def action_help(self) -> None:
        """?: every key and what it does."""
        from tgreader.ui.dialogs import HelpScreen  # at first use, not at startup

        self.app.push_screen(HelpScreen(self.tr, self.ctx.keymap))
