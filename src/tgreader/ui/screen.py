"""The reading screen: the sections pane and the article list on top of the article pane's
behaviour (``reading.py``) and the frame (``panes.py``).

Loads run in workers (``tgreader.ui.loaders``) that post messages; the handlers own every
piece of state. Each load carries a request number, and an answer to an older request is
dropped. What the list shows and how it goes on is a :class:`~tgreader.ui.state.Paging`.
"""

from __future__ import annotations

import time
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.binding import BindingType
from textual.widgets import OptionList

from tgreader.errors import FetchError, NotStoredError, TgError
from tgreader.model import Home, Listing, ListItem, Published, Section
from tgreader.search import SearchHit
from tgreader.service import Answer
from tgreader.text import without_agency_tag
from tgreader.ui import loaders
from tgreader.ui.keys import bind, first_key
from tgreader.ui.messages import (
    BookmarksKnown,
    BookmarksLoaded,
    BookmarkToggled,
    ListingLoaded,
    LoadFailed,
    ReadToggled,
    SearchDone,
    SectionsLoaded,
    UnreadCounted,
)
from tgreader.ui.panes import NARROW_BELOW, ReaderContext
from tgreader.ui.reading import ReadingScreen
from tgreader.ui.state import ListKind, Paging, Row, Slot, UnreadCounts, slot_of
from tgreader.ui.widgets import ASCII_GLYPHS, ArticleList, page_text

__all__ = ["NARROW_BELOW", "MainScreen", "ReaderContext"]

STATUS_EVERY_S = 15.0  # how often the page age in the status line is redrawn
UNDO_S = 8.0  # how long after A pressing it again undoes it (its notification's time)


def _when(published: Published | None) -> str | None:
    # Without the weekday: in a pane a third of the screen wide, the sapo after it fits.
    return published.short() if published else None


def _hit_line(hit: SearchHit) -> str | None:
    parts = [_when(Published.from_iso(hit.published)), hit.section]
    return " · ".join(p for p in parts if p) or None


def _item_rows(items: tuple[ListItem, ...] | list[ListItem]) -> list[Row]:
    # The sapo after the date, without the "(TG) - " that opens most (the article shows it).
    return [
        Row(a.url, a.title, _when(a.published), a.sapo and without_agency_tag(a.sapo))
        for a in items
    ]


class MainScreen(ReadingScreen):
    """Sections, articles and the open article side by side (one at a time when narrow)."""

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
        super().__init__(context)
        self.paging = Paging(loaders.SEARCH_PAGE)
        self._home: Home | None = None  # the latest home page known: "Mới nhất" starts with it
        self._latest_read: set[str] = set()  # which of the latest news were read, at listing
        self._recoveries_told = False
        self.unread = UnreadCounts()
        self._counted: list[Section] = []  # the sections whose unread counts were asked
        # N looking on into later pages or sections: how many sections it may still open.
        self._unread_sections: int | None = None
        self._undo: tuple[list[str], float] | None = None  # what A marked, and when
        self._painted = False  # the first frame was painted

    def on_mount(self) -> None:
        """Titles, focus, and the first loads: the reader starts on the latest news."""
        self.sections.border_title = Text(self.tr("pane.sections"))
        self.articles.border_title = Text(self.tr("pane.articles"))
        self.view.border_title = Text(self.tr("pane.article"))
        self.view.photos.enabled = self.ctx.service.settings.images != "off"
        self.view.photos.protocol = self.ctx.protocol
        if self.ctx.service.settings.ascii:
            self.articles.glyphs = self.view.glyphs = ASCII_GLYPHS
        lists: list[tuple[ListKind, str]] = [
            ("latest", self.tr("list.latest")),
            ("bookmarks", self.tr("list.saved")),
        ]
        self.sections.show([], "latest", lists)
        self._focus_pane(self.sections)
        self.paging.open("latest")
        # What the store holds is on the first frame; the workers that ask for more start
        # once it is painted, not competing with it for the interpreter.
        self._load_sections(refresh=False, ask_after_refresh=True)
        if self._home is None:  # nothing stored of the home page: the stored articles
            self._show_latest(None, final=False, new=True)
        self.call_after_refresh(self._first_frame_painted)
        self.set_interval(STATUS_EVERY_S, self._update_status)
        self._update_status()

    def _first_frame_painted(self) -> None:
        """What waited for the first frame: which articles are bookmarked (a worker), and
        the sapos of the latest news' rows."""
        self._painted = True
        self._userdata(loaders.load_bookmarked(self.ctx.service, self.post_message))
        if self.paging.kind == "latest":
            rows = self._with_sapos(list(self.articles.rows))
            self.articles.show(rows, self.articles.read)

    # --- sections ------------------------------------------------------------------------

    def _load_sections(self, refresh: bool, *, ask_after_refresh: bool = False) -> None:
        request = self._start("sections", self.tr("loading.sections"))
        stored = None if refresh else loaders.stored_sections(self.ctx.service, request)
        if stored is not None:
            self._sections_loaded(stored)

        def ask() -> None:
            if self._current("sections", request):  # (else a newer load asks instead)
                work = loaders.load_sections(self.ctx.service, self.post_message, request, refresh)
                self._run(work, "sections")

        if ask_after_refresh:
            self.call_after_refresh(ask)
        else:
            ask()

    @on(SectionsLoaded)
    def _sections_loaded(self, message: SectionsLoaded) -> None:
        if not self._current("sections", message.request):
            return
        if message.final:
            self._done("sections")
            self._tell_recoveries()
        section = self.paging.section
        self.sections.show(message.sections, section.url if section else self.paging.kind)
        self._fit_sections()
        error = message.error if message.final else None
        self._observe("sections", message.answer, error)
        if message.answer is not None:
            self._home = message.answer.page
        if message.sections != self._counted:
            self._counted = message.sections
            # After the frame being made: the count's reads would compete with it.
            self.call_after_refresh(self._count_unread, message.sections)
        if self.paging.kind == "latest":
            self._show_latest(message.answer, final=message.final, error=error)

    def _count_unread(self, sections: list[Section]) -> None:
        self._userdata(loaders.count_unread(self.ctx.service, self.post_message, sections))

    @on(UnreadCounted)
    def _unread_counted(self, message: UnreadCounted) -> None:
        self.unread.stored(message.listed, message.read)
        self.sections.set_unread(self.unread.counts())

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
        choice = self.sections.choice(event.option_index)
        if isinstance(choice, Section):
            self._open_section(choice, focus=True)
        elif choice == "latest":
            self.paging.open("latest")
            self._cancel_more()
            self._show_latest(None, final=True, new=True, focus=True)
        elif choice == "bookmarks":
            self.action_bookmarks()

    def _cancel_more(self) -> None:
        self.workers.cancel_group(self, "more")
        self._done("more")

    def _open_section(self, section: Section, *, focus: bool) -> None:
        self._cancel_more()
        self.paging.open("section", section)
        self.sections.select_key(section.url)
        self.articles.border_title = page_text(section.name)
        self.articles.show([], set(), keep=False)
        self._load_listing(self._start("list", section.name), section.url, more=False)
        if focus:
            self._focus_pane(self.articles)

    # --- the latest news -----------------------------------------------------------------

    def _show_latest(
        self,
        answer: Answer[Home] | None,
        *,
        final: bool,
        new: bool = False,
        error: TgError | None = None,
        focus: bool = False,
    ) -> None:
        """The home page's articles (``answer``'s, else the last known), then the newest
        stored ones; the cursor on the first row when the list is ``new`` (else it stays
        on its article)."""
        home = answer.page if answer is not None else self._home
        latest = loaders.stored_latest(self.ctx.service, home)
        items, read = latest if latest is not None else ([], set())
        self._latest_read = read
        rows = _item_rows(items)
        # A screenful now (at most 100 rows would take long to lay out), the rest as the
        # list scrolls; a list shown again keeps the rows it had grown to.
        shown = self._screenful() if new else max(self._screenful(), len(self.articles.rows))
        first = self._with_sapos(self.paging.add_whole(rows, shown))
        self.articles.border_title = page_text(self.tr("pane.latest", count=len(rows)))
        self.articles.show(first, read | (set() if new else self.articles.read), keep=not new)
        self._update_footer()
        if not rows and final:
            key = "pane.failed" if error is not None else "empty.list"
            self.articles.show_message(self.tr(key, error=self.tr.error(error) if error else ""))
        if answer is not None:
            self._answers["list"] = answer  # the list's age is its home page's
        self.sections.select_key("latest")
        if focus:
            self._focus_pane(self.articles)
        if final:
            self.call_after_refresh(self._fill)

    def _with_sapos(self, rows: list[Row]) -> list[Row]:
        """The latest news' rows with each stored article's sapo after its date (neither the
        home page nor the store's list of articles gives it), read for the rows shown. The
        first frame goes without: its titles and dates are painted first, the sapos in the
        frame after (see :meth:`_first_frame_painted`)."""
        if not self._painted:
            return rows
        missing = [row.url for row in rows if row.summary is None]
        sapos = loaders.stored_sapos(self.ctx.service, missing) if missing else {}
        return [
            row._replace(summary=without_agency_tag(sapos[row.url])) if row.url in sapos else row
            for row in rows
        ]

    def _screenful(self) -> int:
        # A row takes three lines or more (title, date, rule).
        return max(8, self.app.size.height // 3 + 2)

    # --- a section's pages -----------------------------------------------------------------

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
        slot: Slot = "more" if message.more else "list"
        if not self._current(slot, message.request):
            return
        if message.final:
            self._done(slot)
        listing: Listing = message.answer.page
        rows = _item_rows(listing.articles)
        every = self.paging.add_page(listing.page, rows, listing.next)
        if message.more:
            self._append_rows(rows, message.read)
        else:
            self.articles.show(every, message.read | self.articles.read)
            if not every and message.final:
                self.articles.show_message(self.tr("empty.list"))
            self._go_on_seeking(top=True)
            # The status line speaks of the list's first page.
            self._observe("list", message.answer, message.answer.error if message.final else None)
        if self.paging.section is not None:
            urls = [r.url for r in self.articles.rows]
            self.unread.listed(self.paging.section.url, urls, self.articles.read)
            self.sections.set_unread(self.unread.counts())
        self._list_settled(final=message.final)

    def _list_settled(self, *, final: bool) -> None:
        """After rows came: the last row says what follows; a list that does not fill its
        pane asks for its next page (once its rows are laid out)."""
        self._update_footer()
        if final:
            self.call_after_refresh(self._fill)

    def _update_footer(self) -> None:
        loading = self.requests.loading("more")
        key = self.paging.footer(has_rows=bool(self.articles.rows), loading_more=loading)
        self.articles.set_footer(self.tr(key) if key is not None else None)

    def _fill(self) -> None:
        pane = self.articles
        if pane.rows and pane.virtual_size.height <= pane.scrollable_content_region.height:
            self._need_more()

    def _append_rows(self, rows: list[Row], read: set[str]) -> None:
        """Add the next page of the list (a listing's or search results'); a step past the
        end that asked for it goes on into the new rows."""
        before = len(self.articles.rows)
        self.articles.append(rows, read)
        if self.paging.step_when_loaded and len(self.articles.rows) > before:
            self.paging.step_when_loaded = False
            self.action_step(1)
        self._go_on_seeking(top=False, start=before)

    @on(ArticleList.NeedMore)
    def _need_more(self) -> None:
        paging = self.paging
        if not paging.has_more() or self.requests.loading("more"):
            return
        if paging.kind == "latest":  # rows at hand: nothing to load
            self._append_rows(self._with_sapos(paging.take(self._screenful())), self._latest_read)
            self._list_settled(final=True)
            return
        request = self._start("more", self.tr("loading.more", page=paging.next_page()))
        self._update_footer()
        if paging.kind == "search":
            work = loaders.run_search(
                self.ctx.service, self.post_message, request, paging.query, offset=paging.hits
            )
            self._run(work, "more")
        elif paging.next_url:
            self._load_listing(request, paging.next_url, more=True)

    # --- moving through the list ----------------------------------------------------------

    @on(OptionList.OptionSelected, "#articles")
    def _article_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        row = self.articles.highlighted_row
        if row is not None:
            self._open_article(row.url, focus=True)

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
        if target >= len(rows) and self.paging.has_more():
            self.paging.step_when_loaded = True  # go on once the next page is in
            self._need_more()
        elif not 0 <= target < len(rows):
            self._say(self.tr("note.end_of_list"))
        else:
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

        def unread(index: int) -> bool:
            return index < len(rows) and rows[index].url not in read

        found = next((i for i in range(start, len(rows)) if unread(i)), None)
        self._unread_sections = None
        entries = self.sections.entries
        if found is not None:
            self.articles.highlighted = found
            self._open_article(rows[found].url, focus=self.narrow)
        elif self.paging.has_more():
            self._unread_sections = sections_left  # go on once the next page is in
            self._need_more()
        elif self.paging.kind in ("section", "latest") and sections_left > 0 and entries:
            # From the latest news, the first section; from a section, the one after it.
            here = self.paging.section
            index = next((i for i, e in enumerate(entries) if here and e.url == here.url), -1)
            self._unread_sections = sections_left - 1
            self._open_section(entries[(index + 1) % len(entries)], focus=False)
        elif (earlier := next((i for i in range(start) if unread(i)), None)) is not None:
            # A list with nothing after it (search results, the saved articles): from its top.
            self.articles.highlighted = earlier
            self._open_article(rows[earlier].url, focus=self.narrow)
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
        self._userdata(loaders.set_read(self.ctx.service, self.post_message, urls, read))

    # --- search and bookmarks -----------------------------------------------------------

    def action_search(self) -> None:
        """/: ask for a query, then list what the store holds."""

        def done(query: str | None) -> None:
            if query:
                self.paging.query = query  # offered again at the next /
                request = self._start("list", query)
                self._run(
                    loaders.run_search(self.ctx.service, self.post_message, request, query),
                    "list",
                )

        from tgreader.ui.dialogs import SearchScreen  # at first use, not at startup

        self.app.push_screen(SearchScreen(self.tr, self.paging.query), done)

    @on(SearchDone)
    def _search_done(self, message: SearchDone) -> None:
        slot: Slot = "more" if message.offset else "list"
        if not self._current(slot, message.request):
            return
        self._done(slot)
        hits = message.hits
        rows = [Row(h.url, h.title, _hit_line(h), h.snippet, h.highlights, hit=True) for h in hits]
        if message.offset:
            self.paging.add_hits(len(hits), first=False)
            self._append_rows(rows, message.read)
        else:
            self._show_list("search", rows, message.read, "", query=message.query)
            self.paging.add_hits(len(hits), first=True)
        count = self.paging.count_text
        self.articles.border_title = page_text(
            self.tr("pane.search", query=message.query, count=count)
        )
        if not rows and not message.offset:
            self._say(self.tr("note.no_results", query=message.query))
        self._list_settled(final=True)

    def action_bookmarks(self) -> None:
        """F: the bookmarked articles ("Đã lưu"), in the article list."""
        self.sections.select_key("bookmarks")
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
        sapos = {url: without_agency_tag(sapo) for url, sapo in message.sapos.items()}
        rows = [
            Row(b.url, b.title, None, sapos.get(b.url)) for b in message.bookmarks if b.url in kept
        ]
        self._show_list("bookmarks", rows, message.read, self.tr("pane.bookmarks", count=len(rows)))
        if not rows:  # said in the pane, where the list would be, with how to add one
            key = first_key("bookmark", self.ctx.keymap)
            self.articles.show_message(self.tr("empty.bookmarks", shortcut=key))

    def _show_list(
        self, kind: ListKind, rows: list[Row], read: set[str], title: str, query: str = ""
    ) -> None:
        self._cancel_more()
        self.paging.open(kind, query=query)
        self.articles.border_title = page_text(title)
        self.articles.show(rows, read, keep=False)
        self._update_footer()
        if rows:
            self.articles.highlighted = 0
        self._focus_pane(self.articles)

    # --- refresh, read state and bookmarks ----------------------------------------------------

    def action_refresh(self) -> None:
        """r: fetch again what is shown (the latest news follow the home page)."""
        self._load_sections(refresh=True)
        section = self.paging.section
        if self.paging.kind == "section" and section is not None:
            request = self._start("list", section.name)
            work = loaders.load_listing(
                self.ctx.service, self.post_message, request, section.url, refresh=True, more=False
            )
            self._run(work, "list")
        elif self.paging.kind == "bookmarks":
            self.action_bookmarks()
        if self.article is not None:
            self._open_article(self.article.url, focus=False, nav="none", refresh=True)

    @on(ReadToggled)
    def _read_toggled(self, message: ReadToggled) -> None:
        self.articles.set_read(message.url, message.read)
        self.unread.mark([message.url], message.read)
        self.sections.set_unread(self.unread.counts())
        if not message.quiet:
            key = "note.marked_read" if message.read else "note.marked_unread"
            self._say(self.tr(key))

    @on(BookmarksKnown)
    def _bookmarks_known(self, message: BookmarksKnown) -> None:
        self.articles.set_marked(message.urls, True)

    @on(BookmarkToggled)
    def _bookmark_toggled(self, message: BookmarkToggled) -> None:
        self.articles.set_marked(set(message.urls), message.bookmarked)
        self._say(self.tr("note.bookmarked" if message.bookmarked else "note.unbookmarked"))
        if self.paging.kind == "bookmarks":
            self.action_bookmarks()

    # --- failures ---------------------------------------------------------------------------

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        slot = slot_of(message.kind)
        if slot is not None:
            if message.request and not self._current(slot, message.request):
                return
            self._done(slot)
        error = message.error
        was_online = self._online
        if isinstance(error, FetchError) and error.status is None:
            self._online = False
            self._update_status()
        if self._unread_sections is not None and message.kind in ("more", "listing"):
            # N looking on past this list: the page it needed cannot be had, so it goes
            # on into the next section (after saying why, unless it was only the end).
            if message.kind == "more":
                self.paging.stop()
            self._seek_unread(self._unread_sections, start=len(self.articles.rows))
        if message.kind == "more" and self._list_ends(error, was_online):
            self._update_footer()
            return
        self._update_footer()
        if message.kind in ("listing", "search", "bookmarks") and not self.articles.rows:
            # Said in the pane too, where it stays: a toast fades, an empty pane would not.
            self.articles.show_message(self.tr("pane.failed", error=self.tr.error(error)))
        self._say(self._failure_text(message.kind, error), "error")

    def _list_ends(self, error: BaseException, was_online: bool | None) -> bool:
        """True when a next page that could not be had is only the end of the list: past
        the last page (404), or offline past the stored pages. Not asked again."""
        if isinstance(error, FetchError) and error.status == 404:
            self.paging.dead_end(stored_only=False)
            return True
        unreachable = isinstance(error, FetchError) and error.status is None and not was_online
        if isinstance(error, NotStoredError) or unreachable:
            self.paging.dead_end(stored_only=True)
            return True
        return False

    def _failure_text(self, kind: str, error: BaseException) -> str:
        if kind == "browser":
            return self.tr("note.no_browser")
        if kind == "export":
            return self.tr("note.export_failed", error=self.tr.error(error))
        return self.tr("note.failed", error=self.tr.error(error))
