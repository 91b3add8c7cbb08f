"""The reading screen: three panes, the status line, the keys, and the state behind them.

Loads run in workers (``tgreader.ui.loaders``) that post messages; the handlers here own
every piece of state: what list is shown, which article is open, the history, what is
loading. Each load carries a request number, and an answer to an older request is dropped.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, NamedTuple
from urllib.parse import urlsplit

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import OptionList, Static

from tgreader.errors import FetchError, NotStoredError, TgError
from tgreader.model import Article, Image, Listing, Published, Section
from tgreader.search import SearchHit
from tgreader.service import Answer, Service
from tgreader.text import strip_controls
from tgreader.ui import loaders
from tgreader.ui.history import History, Place
from tgreader.ui.i18n import Translator
from tgreader.ui.keys import bind, first_key
from tgreader.ui.messages import (
    ArticleLoaded,
    BookmarksKnown,
    BookmarksLoaded,
    BookmarkToggled,
    Exported,
    ListingLoaded,
    LoadFailed,
    ReadToggled,
    SearchDone,
    SectionsLoaded,
)
from tgreader.ui.photos import PhotoLoaded, PhotoScreen, Protocol, load_photos
from tgreader.ui.widgets import (
    ArticleList,
    ArticleView,
    Row,
    SectionList,
    StatusLine,
    page_text,
)

if TYPE_CHECKING:
    from textual.widgets import Input

    from tgreader.ui.find import FindBar

__all__ = ["NARROW_BELOW", "MainScreen", "ReaderContext"]

NARROW_BELOW = 100  # columns: under this, one pane at a time
STATUS_EVERY_S = 15.0  # how often the page age in the status line is redrawn
UNDO_S = 8.0  # how long after A pressing it again undoes it (its notification's time)

ListKind = Literal["section", "search", "bookmarks"]
Nav = Literal["visit", "none"]


class ReaderContext(NamedTuple):
    """What the screen needs from outside: the service, the language, a clock, settings."""

    service: Service
    tr: Translator
    clock: Callable[[], float]
    export_dir: Path | None
    keymap: Mapping[str, str]
    protocol: Protocol = "halfcell"  # how photos are drawn (see ui/photos.choose_protocol)


def _when(published: Published | None) -> str | None:
    return published.vietnamese() if published else None


def _hit_line(hit: SearchHit) -> str | None:
    parts = [_when(Published.from_iso(hit.published)), hit.section]
    return " · ".join(p for p in parts if p) or None


def _listing_rows(listing: Listing) -> list[Row]:
    return [Row(a.url, a.title, _when(a.published), a.sapo) for a in listing.articles]


class MainScreen(Screen[None]):
    """Sections, articles and the open article side by side (one at a time when narrow)."""

    # Textual annotates this as an instance attribute, so it cannot be a ClassVar here.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_BELOW, "-wide")]  # noqa: RUF012

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("pane_next", "next_pane"),
        bind("pane_prev", "prev_pane"),
        bind("next_article", "step(1)"),
        bind("prev_article", "step(-1)"),
        *(bind(f"follow_{n}", f"follow({n})") for n in range(1, 10)),
        bind("back", "back"),
        bind("forward", "forward"),
        # At once, as the key arrives (a priority binding), not after the keys typed after
        # it have gone to the list: "/khoa giao⏎" sent at once is all the query's.
        bind("search", "search", priority=True),
        bind("find", "find"),
        bind("find_next", "find_step(1)"),
        bind("find_prev", "find_step(-1)"),
        bind("refresh", "refresh"),
        bind("mark_read", "mark_read"),
        bind("next_unread", "next_unread"),
        bind("mark_all_read", "mark_all_read"),
        bind("undo", "undo"),
        bind("bookmark", "bookmark"),
        bind("bookmarks", "bookmarks"),
        bind("open_browser", "open_browser"),
        bind("copy_url", "copy_url"),
        bind("export", "export"),
        bind("photos", "toggle_photos"),
        bind("photo_view", "view_photo"),
        bind("help", "help"),
        bind("quit", "app.quit"),
    ]

    def __init__(self, context: ReaderContext) -> None:
        super().__init__()
        self.ctx = context
        self.tr = context.tr
        self._requests = itertools.count(1)
        self._latest: dict[str, int] = {}
        self._loading: dict[str, str] = {}
        self._end = "list.end"  # what the list's last row says at its end
        self._dead_ends: set[str] = set()  # next pages of this list that could not be had
        self._answers: dict[str, Answer[Any]] = {}
        self._online: bool | None = None
        self._recoveries_told = False
        self._history = History()
        # The article list.
        self._list_kind: ListKind | None = None
        self._section: Section | None = None
        self._pages: dict[int, list[Row]] = {}
        self._next_url: str | None = None
        self._query = ""
        self._hits = 0  # search results listed so far
        self._more_hits = False  # the last page of results was full: there may be more
        self._step_when_loaded = False
        # The article pane.
        self.article: Article | None = None
        self._pending = Place("")
        self._requested = ""
        self._nav: Nav = "none"
        self._marked_request = 0
        self._refreshing = False
        # N looking on into later pages or sections: how many sections it may still open.
        self._unread_sections: int | None = None
        self._undo: tuple[list[str], float] | None = None  # what A marked, and when

    # --- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Three panes over a status line."""
        # The breakpoint classes Textual sets at the first resize, set before the screen is
        # first styled: already right then, they cost no second styling of every widget.
        narrow = self.app.size.width < NARROW_BELOW
        self.set_class(narrow, "-narrow", update=False)
        self.set_class(not narrow, "-wide", update=False)
        with Horizontal(id="panes"):
            yield SectionList(id="sections", classes="pane")
            yield ArticleList(id="articles", classes="pane")
            yield ArticleView(self._hint("placeholder"), id="article")
        with Horizontal(id="statusbar"):
            yield StatusLine(id="status")
            yield Static(Text(self._hint("status.keys")), markup=False, id="keys")

    def _hint(self, key: str) -> str:
        """An interface string naming keys, with the keys in force (the keymap's)."""
        ids = {"open": "open", "next": "next_article", "prev": "prev_article"}
        ids |= {"search": "search", "help": "help", "quit": "quit"}
        keys = {name: first_key(i, self.ctx.keymap) for name, i in ids.items()}
        return self.tr(key, **keys)

    @property
    def sections(self) -> SectionList:
        """The sections pane."""
        return self.query_one("#sections", SectionList)

    @property
    def articles(self) -> ArticleList:
        """The articles pane."""
        return self.query_one("#articles", ArticleList)

    @property
    def view(self) -> ArticleView:
        """The article pane."""
        return self.query_one("#article", ArticleView)

    @property
    def panes(self) -> tuple[SectionList, ArticleList, ArticleView]:
        """The panes in Tab order."""
        return self.sections, self.articles, self.view

    def on_mount(self) -> None:
        """Titles, focus, and the first loads."""
        self.sections.border_title = Text(self.tr("pane.sections"))
        self.articles.border_title = Text(self.tr("pane.articles"))
        self.view.border_title = Text(self.tr("pane.article"))
        self.view.photos.enabled = self.ctx.service.settings.images != "off"
        self.view.photos.protocol = self.ctx.protocol
        self._focus_pane(self.sections)
        self._load_sections(refresh=False)
        self.run_worker(
            loaders.load_bookmarked(self.ctx.service, self.post_message),
            group="userdata",
            exit_on_error=False,
        )
        self.set_interval(STATUS_EVERY_S, self._update_status)
        self._update_status()

    @property
    def narrow(self) -> bool:
        """True when one pane is shown at a time."""
        return self.has_class("-narrow")

    def _pane_of(self, widget: Widget | None) -> Widget | None:
        for pane in self.panes:
            if widget is pane or (widget is not None and pane in widget.ancestors):
                return pane
        return None

    def _mark_active(self, pane: Widget) -> None:
        # Only the narrow layout's CSS reads -active (it shows the active pane alone): in
        # the wide one the class is kept without restyling the panes. A resize to narrow
        # restyles every widget anyway (the screen's breakpoint class changes).
        for other in self.panes:
            other.set_class(other is pane, "-active", update=self.narrow)

    def _focus_pane(self, pane: Widget) -> None:
        # In the narrow layout only the active pane is displayed: show it, then focus it.
        self._mark_active(pane)
        # At once, not as Widget.focus() does (after the events already queued): keys typed
        # right after this one (Shift+Tab, then j) must go to the pane they were meant for.
        self.set_focus(pane)
        self._update_status()

    def on_resize(self) -> None:
        """The sections pane's width follows the screen's."""
        self._fit_sections()

    def _fit_sections(self) -> None:
        """Wide layout: the sections pane as wide as its longest name needs, up to a third
        of the screen; narrow: as the style sheet says (the whole width)."""
        pane = self.sections
        if self.narrow:
            pane.styles.width = None
            return
        longest = max((Text(s.name).cell_len for s in pane.entries), default=0)
        # The border (2), the option list's padding (2) and its scrollbar (2) around it.
        pane.styles.width = max(24, min(longest + 6, self.size.width // 3))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The pane holding the focus is the active one (the one shown when narrow)."""
        pane = self._pane_of(event.widget)
        if pane is not None and not pane.has_class("-active"):
            self._mark_active(pane)
            self._update_status()

    def _active_index(self) -> int:
        for index, pane in enumerate(self.panes):
            if pane.has_class("-active"):
                return index
        return 0

    def action_next_pane(self) -> None:
        """Tab: the next pane."""
        self._focus_pane(self.panes[(self._active_index() + 1) % 3])

    def action_prev_pane(self) -> None:
        """Shift+Tab: the previous pane."""
        self._focus_pane(self.panes[(self._active_index() - 1) % 3])

    # --- the status line -----------------------------------------------------------------

    def _start(self, slot: str, label: str) -> int:
        request = next(self._requests)
        self._latest[slot] = request
        self._loading[slot] = label
        self._update_status()
        return request

    def _current(self, slot: str, request: int) -> bool:
        return self._latest.get(slot) == request

    def _done(self, slot: str) -> None:
        if self._loading.pop(slot, None) is not None:
            self._update_status()

    def _age(self, seconds: float) -> str:
        if seconds < 10:
            return self.tr("age.now")
        if seconds < 60:
            return self.tr("age.s", n=int(seconds))
        if seconds < 3600:
            return self.tr("age.min", n=int(seconds // 60))
        if seconds < 86400:
            return self.tr("age.h", n=int(seconds // 3600))
        return self.tr("age.d", n=int(seconds // 86400))

    def _update_status(self) -> None:
        if not self.is_mounted:
            return
        settings = self.ctx.service.settings
        site = urlsplit(settings.site.origin).netloc.rpartition("@")[2]  # no user:password
        parts = [f"{self.tr('status.demo')} {site}" if settings.demo else site]
        # Online until a fetch fails (answers from the store say nothing about the network).
        offline = settings.offline or self._online is False
        parts.append(self.tr("status.offline" if offline else "status.online"))
        slot = ("sections", "list", "article")[self._active_index()]
        answer = self._answers.get(slot)
        if answer is not None:
            age = max(0.0, self.ctx.clock() - answer.fetched_at)
            parts.append(self.tr("status.age", age=self._age(age)))
            if answer.stored_from is not None:  # a copy fetched through another origin
                parts.append(self.tr("status.from", origin=answer.stored_from))
        loading = ", ".join(dict.fromkeys(self._loading.values()))
        self.query_one(StatusLine).set_parts(
            parts, self.tr("status.loading", what=loading) if loading else None
        )

    def _observe(self, slot: str, answer: Answer[Any] | None, error: TgError | None) -> None:
        """Note where an answer came from: online or offline, and tell about a fallback."""
        if answer is not None:
            self._answers[slot] = answer
        if error is not None:
            network_down = isinstance(error, FetchError) and error.status is None
            if not network_down or self._online is not False:
                key = "note.offline_copy" if answer is not None else "note.failed"
                self._say(self.tr(key, error=self.tr.error(error)), "error")
            if network_down:
                self._online = False
        elif answer is not None and answer.source == "network":
            self._online = True
        self._update_status()

    def _say(self, text: str, severity: SeverityLevel = "information") -> None:
        # Messages can quote page text or URLs: plain text, no control characters.
        self.notify(strip_controls(text), severity=severity, markup=False)

    def _run(self, work: Coroutine[Any, Any, None], group: str) -> None:
        # Failures are posted as messages by the loaders, so a worker never takes the app down.
        self.run_worker(work, group=group, exclusive=True, exit_on_error=False)

    # --- sections ------------------------------------------------------------------------

    def _load_sections(self, refresh: bool) -> None:
        request = self._start("sections", self.tr("loading.sections"))
        stored = None if refresh else loaders.stored_sections(self.ctx.service, request)
        if stored is not None:
            self._sections_loaded(stored)
        self._run(
            loaders.load_sections(self.ctx.service, self.post_message, request, refresh),
            "sections",
        )

    @on(SectionsLoaded)
    def _sections_loaded(self, message: SectionsLoaded) -> None:
        if not self._current("sections", message.request):
            return
        if message.final:
            self._done("sections")
            self._tell_recoveries()
        self.sections.show(message.sections, self._section.url if self._section else None)
        self._fit_sections()
        self._observe("sections", message.answer, message.error if message.final else None)
        if self._list_kind is None and message.sections:
            self._open_section(message.sections[0], focus=False)

    def _tell_recoveries(self) -> None:
        """Say once that a damaged store or user data file was moved aside on opening."""
        if self._recoveries_told:
            return
        self._recoveries_told = True
        salvaged = self.ctx.service.salvaged()
        for path, aside in self.ctx.service.recoveries():
            self._say(self.tr("note.recovered", path=str(path), aside=str(aside)), "warning")
            if path in salvaged:
                self._say(self.tr("note.salvaged", count=salvaged[path]), "warning")

    @on(OptionList.OptionSelected, "#sections")
    def _section_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.sections.entries):
            self._open_section(self.sections.entries[event.option_index], focus=True)

    def _open_section(self, section: Section, *, focus: bool) -> None:
        self.workers.cancel_group(self, "more")
        self._loading.pop("more", None)
        self._list_kind, self._section, self._end = "section", section, "list.end"
        self._dead_ends = set()
        self._pages, self._next_url = {}, None
        self._step_when_loaded = False
        self.articles.border_title = page_text(section.name)
        self.articles.show([], set(), keep=False)
        self._load_listing(self._start("list", section.name), section.url, more=False)
        if focus:
            self._focus_pane(self.articles)

    def _load_listing(self, request: int, url: str, *, more: bool) -> None:
        """A listing page (``more``: the next one, to append): the stored copy at once,
        then the service's answer from a worker."""
        stored = loaders.stored_listing(self.ctx.service, request, url, more=more)
        if stored is not None:
            self._listing_loaded(stored)
        self._run(
            loaders.load_listing(
                self.ctx.service, self.post_message, request, url, refresh=False, more=more
            ),
            "more" if more else "list",
        )

    @on(ListingLoaded)
    def _listing_loaded(self, message: ListingLoaded) -> None:
        slot = "more" if message.more else "list"
        if not self._current(slot, message.request):
            return
        if message.final:
            self._done(slot)
        listing = message.answer.page
        rows = _listing_rows(listing)
        self._pages[listing.page] = rows
        if listing.page >= max(self._pages):
            self._next_url = listing.next if listing.articles else None
        if message.more:
            self._append_rows(rows, message.read)
        else:
            every = [row for page in sorted(self._pages) for row in self._pages[page]]
            self.articles.show(every, message.read | self.articles.read)
            if not every and message.final:
                self.articles.show_message(self.tr("empty.list"))
            self._go_on_seeking(top=True)
        if not message.more:  # the status line speaks of the list's first page
            self._observe("list", message.answer, message.answer.error if message.final else None)
        self._list_settled(final=message.final)

    def _list_settled(self, *, final: bool) -> None:
        """After rows came: the last row says what follows; a list that does not fill its
        pane asks for its next page (once its rows are laid out)."""
        self._update_footer()
        if final:
            self.call_after_refresh(self._fill)

    def _update_footer(self) -> None:
        if self._list_kind not in ("section", "search") or not self.articles.rows:
            self.articles.set_footer(None)
        elif "more" in self._loading:
            self.articles.set_footer(self.tr("list.more"))
        else:
            self.articles.set_footer(None if self._has_more() else self.tr(self._end))

    def _fill(self) -> None:
        pane = self.articles
        if pane.rows and pane.virtual_size.height <= pane.scrollable_content_region.height:
            self._need_more()

    def _append_rows(self, rows: list[Row], read: set[str]) -> None:
        """Add the next page of the list (a listing's or search results'); a step past the
        end that asked for it goes on into the new rows."""
        before = len(self.articles.rows)
        self.articles.append(rows, read)
        if self._step_when_loaded and len(self.articles.rows) > before:
            self._step_when_loaded = False
            self.action_step(1)
        self._go_on_seeking(top=False, start=before)

    def _has_more(self) -> bool:
        if self._list_kind == "search":
            return self._more_hits
        next_url = self._next_url
        return self._list_kind == "section" and bool(next_url) and next_url not in self._dead_ends

    @on(ArticleList.NeedMore)
    def _need_more(self) -> None:
        if not self._has_more() or "more" in self._loading:
            return
        if self._list_kind == "search":
            self._more_results()
            return
        if not self._next_url:
            return
        page = max(self._pages, default=1) + 1
        request = self._start("more", self.tr("loading.more", page=page))
        self._update_footer()
        self._load_listing(request, self._next_url, more=True)

    # --- articles --------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#articles")
    def _article_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        row = self.articles.highlighted_row
        if row is not None:
            self._open_article(row.url, focus=True)

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
            self.run_worker(
                loaders.set_read(self.ctx.service, self.post_message, urls),
                group="userdata",
                exit_on_error=False,
            )

    def action_step(self, delta: int) -> None:
        """n / p: the next or previous article of the list, from any pane."""
        rows = self.articles.rows
        if not rows:
            return
        urls = [r.url for r in rows]
        open_urls = [self._requested, self.article.url] if self.article is not None else []
        if shown := [u for u in open_urls if u in urls]:
            target = urls.index(shown[0]) + delta
        elif self.articles.highlighted is not None:
            target = self.articles.highlighted  # nothing of this list open: the cursor's row
        else:
            target = 0 if delta > 0 else -1
        if target >= len(rows):
            if self._has_more():
                self._step_when_loaded = True  # go on once the next page is in
                self._need_more()
            else:
                self._say(self.tr("note.end_of_list"))
            return
        if target < 0:
            self._say(self.tr("note.end_of_list"))
            return
        self.articles.highlighted = target
        self._open_article(rows[target].url, focus=self.narrow)

    def action_next_unread(self) -> None:
        """N: the next unread article after the cursor; past the end of the list, the
        next pages, then the next sections (each section once)."""
        self._seek_unread(len(self.sections.entries), start=self._list_position())

    def _list_position(self) -> int:
        """Where "after the cursor" starts: after the open article when it is in the list,
        else at the row under the cursor."""
        urls = [r.url for r in self.articles.rows]
        for url in (self._requested, self.article.url if self.article else ""):
            if url in urls:
                return urls.index(url) + 1
        return self.articles.highlighted or 0

    def _seek_unread(self, sections_left: int, start: int) -> None:
        rows, read = self.articles.rows, self.articles.read
        found = next((i for i in range(start, len(rows)) if rows[i].url not in read), None)
        self._unread_sections = None
        if found is not None:
            self.articles.highlighted = found
            self._open_article(rows[found].url, focus=self.narrow)
        elif self._has_more():
            self._unread_sections = sections_left  # go on once the next page is in
            self._need_more()
        elif self._list_kind == "section" and sections_left > 0 and self.sections.entries:
            entries = self.sections.entries
            here = next(
                (i for i, e in enumerate(entries) if self._section and e.url == self._section.url),
                -1,
            )
            self._unread_sections = sections_left - 1
            self.sections.highlighted = (here + 1) % len(entries)
            self._open_section(entries[(here + 1) % len(entries)], focus=False)
        else:
            self._say(self.tr("note.nothing_unread"))

    def _go_on_seeking(self, *, top: bool, start: int = 0) -> None:
        """A page or a section N asked for is in: look on from its first new row."""
        if self._unread_sections is not None:
            self._seek_unread(self._unread_sections, start=0 if top else start)

    def action_mark_all_read(self) -> None:
        """A: every article of the list read; A again soon after (or u) undoes it, unless
        more unread articles came into the list meanwhile (those are marked then)."""
        unread = [r.url for r in self.articles.rows if r.url not in self.articles.read]
        if not unread:
            if self._undo is not None and time.monotonic() - self._undo[1] < UNDO_S:
                self.action_undo()
            else:
                self._say(self.tr("note.none_unread_here"))
            return
        self._undo = (unread, time.monotonic())
        self._set_read(unread, True)
        key = first_key("undo", self.ctx.keymap)
        self._say(self.tr("note.all_marked", count=len(unread), undo=key))

    def action_undo(self) -> None:
        """u: the articles the last A marked are unread again."""
        if self._undo is None:
            self._say(self.tr("note.nothing_to_undo"))
            return
        urls, self._undo = self._undo[0], None
        self._set_read(urls, False)
        self._say(self.tr("note.undone", count=len(urls)))

    def _set_read(self, urls: list[str], read: bool) -> None:
        self.run_worker(
            loaders.set_read(self.ctx.service, self.post_message, urls, read),
            group="userdata",
            exit_on_error=False,
        )

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
        self.view.set_find("")
        self._focus_pane(self.view)

    def on_find_bar_step(self, message: FindBar.Step) -> None:
        """F3 / Shift+F3 typed in the find bar."""
        message.stop()
        self.action_find_step(message.delta)

    # --- search and bookmarks -----------------------------------------------------------

    def action_search(self) -> None:
        """/: ask for a query, then list what the store holds."""

        def done(query: str | None) -> None:
            if query:
                self._query = query
                request = self._start("list", query)
                self._run(
                    loaders.run_search(self.ctx.service, self.post_message, request, query),
                    "list",
                )

        from tgreader.ui.dialogs import SearchScreen  # at first use, not at startup

        self.app.push_screen(SearchScreen(self.tr, self._query), done)

    @on(SearchDone)
    def _search_done(self, message: SearchDone) -> None:
        slot = "more" if message.offset else "list"
        if not self._current(slot, message.request):
            return
        self._done(slot)
        hits = message.hits
        rows = [Row(h.url, h.title, _hit_line(h), h.snippet, h.highlights, hit=True) for h in hits]
        self._more_hits = len(hits) == loaders.SEARCH_PAGE
        if message.offset:
            self._hits += len(hits)
            self._append_rows(rows, message.read)
        else:
            self._hits = len(hits)
            self._show_list("search", rows, message.read, "")
        count = f"{self._hits}+" if self._more_hits else str(self._hits)
        self.articles.border_title = page_text(
            self.tr("pane.search", query=message.query, count=count)
        )
        if not rows and not message.offset:
            self._say(self.tr("note.no_results", query=message.query))
        self._list_settled(final=True)

    def _more_results(self) -> None:
        """The next page of search results, at the end of the list."""
        page = self._hits // loaders.SEARCH_PAGE + 1
        request = self._start("more", self.tr("loading.more", page=page))
        self._update_footer()
        self._run(
            loaders.run_search(
                self.ctx.service, self.post_message, request, self._query, offset=self._hits
            ),
            "more",
        )

    def action_bookmarks(self) -> None:
        """F: the bookmarked articles, in the article list."""
        request = self._start("list", self.tr("key.bookmarks"))
        self._run(loaders.load_bookmarks(self.ctx.service, self.post_message, request), "list")

    @on(BookmarksLoaded)
    def _bookmarks_loaded(self, message: BookmarksLoaded) -> None:
        if not self._current("list", message.request):
            return
        self._done("list")
        # An article bookmarked under two URLs (the list's and, redirected, its own) is one
        # row: the same title bookmarked at the same moment.
        twins = {(b.title, round(b.added_at)): b.url for b in reversed(message.bookmarks)}
        kept = set(twins.values())
        rows = [Row(b.url, b.title) for b in message.bookmarks if b.url in kept]
        self._show_list("bookmarks", rows, message.read, self.tr("pane.bookmarks", count=len(rows)))
        if not rows:
            self._say(self.tr("note.no_bookmarks"))

    def _show_list(self, kind: ListKind, rows: list[Row], read: set[str], title: str) -> None:
        self.workers.cancel_group(self, "more")
        self._loading.pop("more", None)
        self._list_kind, self._pages, self._next_url = kind, {}, None
        self._end = "list.end"
        self.articles.border_title = page_text(title)
        self.articles.show(rows, read, keep=False)
        self._update_footer()
        if rows:
            self.articles.highlighted = 0
        self._focus_pane(self.articles)

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

    def action_refresh(self) -> None:
        """r: fetch again what is shown."""
        self._load_sections(refresh=True)
        if self._list_kind == "section" and self._section is not None:
            request = self._start("list", self._section.name)
            self._run(
                loaders.load_listing(
                    self.ctx.service,
                    self.post_message,
                    request,
                    self._section.url,
                    refresh=True,
                    more=False,
                ),
                "list",
            )
        elif self._list_kind == "bookmarks":
            self.action_bookmarks()
        if self.article is not None:
            self._open_article(self.article.url, focus=False, nav="none", refresh=True)

    def _aliases(self, url: str) -> list[str]:
        """``url`` and, when it is the open article's, the other URL it is known by (the
        list's, before a redirect, and the final one)."""
        if self.article is not None and url in (self._requested, self.article.url):
            return list(dict.fromkeys([url, self._requested, self.article.url]))
        return [url]

    def action_mark_read(self) -> None:
        """m: flip read / unread."""
        if (target := self._target()) is not None:
            self.run_worker(
                loaders.toggle_read(self.ctx.service, self.post_message, self._aliases(target[0])),
                group="userdata",
                exit_on_error=False,
            )

    @on(ReadToggled)
    def _read_toggled(self, message: ReadToggled) -> None:
        self.articles.set_read(message.url, message.read)
        if not message.quiet:
            key = "note.marked_read" if message.read else "note.marked_unread"
            self._say(self.tr(key))

    def action_bookmark(self) -> None:
        """f: bookmark, or remove the bookmark."""
        if (target := self._target()) is not None:
            urls = self._aliases(target[0])
            self.run_worker(
                loaders.toggle_bookmark(self.ctx.service, self.post_message, urls, target[1]),
                group="userdata",
                exit_on_error=False,
            )

    @on(BookmarksKnown)
    def _bookmarks_known(self, message: BookmarksKnown) -> None:
        self.articles.set_marked(message.urls, True)

    @on(BookmarkToggled)
    def _bookmark_toggled(self, message: BookmarkToggled) -> None:
        self.articles.set_marked(set(message.urls), message.bookmarked)
        self._say(self.tr("note.bookmarked" if message.bookmarked else "note.unbookmarked"))
        if self._list_kind == "bookmarks":
            self.action_bookmarks()

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

    # --- failures ---------------------------------------------------------------------------

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        slot = {
            "sections": "sections",
            "listing": "list",
            "search": "list",
            "bookmarks": "list",
            "more": "more",
            "article": "article",
        }.get(message.kind)
        if slot is not None:
            if message.request and not self._current(slot, message.request):
                return
            self._done(slot)
        error = message.error
        was_online = self._online
        if isinstance(error, FetchError) and error.status is None:
            self._online = False
            self._update_status()
        seeking = self._unread_sections
        if seeking is not None and message.kind in ("more", "listing"):
            # N looking on past this list: the page it needed cannot be had, so it goes
            # on into the next section (after saying why, unless it was only the end).
            if message.kind == "more":
                self._next_url = None
            self._seek_unread(seeking, start=len(self.articles.rows))
        if message.kind == "more" and isinstance(error, FetchError) and error.status == 404:
            # Past the last page: the end of the list, not a failure (nor asked again).
            self._dead_ends.add(self._next_url or "")
            self._next_url = None
            self._update_footer()
            return
        unreachable = isinstance(error, FetchError) and error.status is None and not was_online
        if message.kind == "more" and (isinstance(error, NotStoredError) or unreachable):
            # Offline, past the stored pages: the end of what can be read, said in the list.
            self._dead_ends.add(self._next_url or "")
            self._next_url, self._end = None, "list.end_stored"
            self._update_footer()
            return
        self._update_footer()
        if message.kind in ("listing", "search", "bookmarks") and not self.articles.rows:
            # Said in the pane too, where it stays: a toast fades, an empty pane would not.
            self.articles.show_message(self.tr("pane.failed", error=self.tr.error(error)))
        if message.kind == "browser":
            text = self.tr("note.no_browser")
        elif message.kind == "export":
            text = self.tr("note.export_failed", error=self.tr.error(error))
        else:
            text = self.tr("note.failed", error=self.tr.error(error))
        self._say(text, "error")
