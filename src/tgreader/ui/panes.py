"""The reading screen's frame: three panes over a status line, which pane is active, and
the loads in flight the status line tells about.

The screen is built in three layers, each a Screen subclass: this frame, the article
pane's behaviour (``reading.py``) and the lists' (``screen.py``). Textual calls a message
handler of every class of the chain, so each handler is defined in one layer only.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from tgreader.errors import FetchError, TgError
from tgreader.service import Answer, Service
from tgreader.text import strip_controls
from tgreader.ui.article_view import ArticleView
from tgreader.ui.i18n import Translator
from tgreader.ui.keys import first_key
from tgreader.ui.photos import Protocol
from tgreader.ui.state import Requests, Slot
from tgreader.ui.widgets import ArticleList, SectionList, StatusLine

__all__ = ["NARROW_BELOW", "PanesScreen", "ReaderContext"]

NARROW_BELOW = 100  # columns: under this, one pane at a time

# The status line speaks of the active pane's answer.
_PANE_SLOTS: tuple[Slot, Slot, Slot] = ("sections", "list", "article")


class ReaderContext(NamedTuple):
    """What the screen needs from outside: the service, the language, a clock, settings."""

    service: Service
    tr: Translator
    clock: Callable[[], float]
    export_dir: Path | None
    keymap: Mapping[str, str]
    protocol: Protocol = "halfcell"  # how photos are drawn (see ui/photos.choose_protocol)


class PanesScreen(Screen[None]):
    """Sections, articles and the open article side by side (one at a time when narrow)."""

    # Textual annotates this as an instance attribute, so it cannot be a ClassVar here.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_BELOW, "-wide")]  # noqa: RUF012

    def __init__(self, context: ReaderContext) -> None:
        super().__init__()
        self.ctx = context
        self.tr = context.tr
        self.requests = Requests()
        self._answers: dict[Slot, Answer[Any]] = {}
        self._online: bool | None = None

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
        """Wide layout: the sections pane as wide as its longest entry needs, up to a third
        of the screen; narrow: as the style sheet says (the whole width)."""
        pane = self.sections
        if self.narrow:
            pane.styles.width = None
            return
        # The border (2), the option list's padding (2) and its scrollbar (2) around it.
        pane.styles.width = max(24, min(pane.widest() + 6, self.size.width // 3))

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

    # --- loads and the status line ------------------------------------------------------

    def _start(self, slot: Slot, label: str) -> int:
        request = self.requests.start(slot, label)
        self._update_status()
        return request

    def _current(self, slot: Slot, request: int) -> bool:
        return self.requests.current(slot, request)

    def _done(self, slot: Slot) -> None:
        if self.requests.done(slot):
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
        answer = self._answers.get(_PANE_SLOTS[self._active_index()])
        if answer is not None:
            age = max(0.0, self.ctx.clock() - answer.fetched_at)
            parts.append(self.tr("status.age", age=self._age(age)))
            if answer.stored_from is not None:  # a copy fetched through another origin
                parts.append(self.tr("status.from", origin=answer.stored_from))
        loading = ", ".join(self.requests.labels())
        self.query_one(StatusLine).set_parts(
            parts, self.tr("status.loading", what=loading) if loading else None
        )

    def _observe(self, slot: Slot, answer: Answer[Any] | None, error: TgError | None) -> None:
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

    def _userdata(self, work: Coroutine[Any, Any, None]) -> None:
        # Read state and bookmarks: small writes, each in its own worker, never cancelled.
        self.run_worker(work, group="userdata", exit_on_error=False)
