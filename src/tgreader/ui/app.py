"""The reader app: ``make_app`` builds it (for the CLI and the tests), ``run`` runs it."""

from __future__ import annotations

import contextlib
import gc
import logging
import time
from collections.abc import Callable, Mapping
from typing import ClassVar

from textual.app import App
from textual.binding import BindingType

from tgreader.config import Config, load_config_or_defaults
from tgreader.errors import ConfigError, TgError
from tgreader.service import Service
from tgreader.settings import Settings, apply_config
from tgreader.text import clean
from tgreader.ui.i18n import Translator
from tgreader.ui.keys import DEFAULT_KEYS, clashes
from tgreader.ui.photos import Protocol, choose_protocol
from tgreader.ui.screen import MainScreen, ReaderContext

__all__ = ["ReaderApp", "freeze_imports", "make_app", "run"]


class ReaderApp(App[int]):
    """A three-pane terminal reader over one :class:`Service`."""

    CSS_PATH = "tgreader.tcss"
    TITLE = "tgreader"
    # Reader keys live on the main screen, so they are inert under the help and search boxes.
    BINDINGS: ClassVar[list[BindingType]] = []

    def __init__(
        self,
        service: Service,
        *,
        lang: str | None = None,
        config: Config | None = None,
        config_error: ConfigError | None = None,
        clock: Callable[[], float] = time.time,
        owns_service: bool = True,
        protocol: Protocol = "halfcell",
    ) -> None:
        super().__init__()
        self.service = service
        self.config = config or Config()
        self.tr = Translator(lang or self.config.lang)
        self._config_error = config_error
        self._owns_service = owns_service
        self.keymap: Mapping[str, str] = dict(self.config.keymap)
        self.context = ReaderContext(
            service=service,
            tr=self.tr,
            clock=clock,
            export_dir=self.config.export_dir,
            keymap=self.keymap,
            protocol=protocol,
        )

    def get_default_screen(self) -> MainScreen:
        """The reading screen."""
        return MainScreen(self.context)

    def on_mount(self) -> None:
        """Apply the config's theme and keymap, and say what was wrong with the file."""
        if self._config_error is not None:
            self.notify(
                self.tr("note.config", error=clean(str(self._config_error))),
                severity="error",
                timeout=15,
                markup=False,
            )
        theme = self.config.theme
        if theme:
            if theme in self.available_themes:
                self.theme = theme
            else:
                self.notify(
                    self.tr("note.theme_unknown", theme=clean(theme)),
                    severity="warning",
                    markup=False,
                )
        if self.keymap:
            unknown = sorted(set(self.keymap) - set(DEFAULT_KEYS))
            if unknown:
                self.notify(
                    self.tr("note.keymap_unknown", ids=", ".join(clean(i) for i in unknown)),
                    severity="warning",
                    markup=False,
                )
            for key, ids in clashes(self.keymap).items():
                self.notify(
                    self.tr("note.keymap_clash", keys=clean(key), ids=", ".join(ids)),
                    severity="warning",
                    markup=False,
                )
            self.set_keymap({k: v for k, v in self.keymap.items() if k in DEFAULT_KEYS})

    async def on_unmount(self) -> None:
        """Close the HTTP client and the databases if this app opened them."""
        if self._owns_service:
            await self.service.aclose()


def freeze_imports() -> None:
    """Keep what is imported so far out of the collector's later passes (the program only).

    The imported modules, classes and functions live as long as the process; left to the
    collector, its full passes walk them again and again while the first screen is built.
    A process-wide effect: the ``tgreader`` program asks for it, a library user or a test
    does not get it from :func:`make_app`.
    """
    gc.freeze()


def make_app(
    settings: Settings,
    *,
    lang: str | None = None,
    service: Service | None = None,
    config: Config | None = None,
    config_error: ConfigError | None = None,
    clock: Callable[[], float] = time.time,
    protocol: Protocol = "halfcell",
) -> ReaderApp:
    """The reader over ``service`` (else a new Service for ``settings``, closed on exit)."""
    return ReaderApp(
        service if service is not None else Service(settings),
        lang=lang,
        config=config,
        config_error=config_error,
        clock=clock,
        owns_service=service is None,
        protocol=protocol,
    )


def run(
    settings: Settings,
    lang: str | None = None,
    *,
    config: Config | None = None,
    config_error: ConfigError | None = None,
    notice: Callable[[str], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Run the reader in the terminal until the reader quits; returns the exit code.

    The CLI passes the config it already applied to ``settings``; without one, the config
    file is read here and applied (a site given with ``--site`` or ``--demo`` wins).
    ``notice`` is told of slow work before the screen is taken (see ``Service.notice``),
    and ``progress`` of its progress: a store made by an older version is indexed again
    then, with a progress bar in the terminal, before the reader starts.
    """
    if config is None:
        config, config_error = load_config_or_defaults()
        site_given = settings.demo or not settings.site.is_canonical
        settings = apply_config(settings, config, site_given=site_given)
    from textual.logging import TextualHandler

    # Photos that cannot be had are told quietly: in Textual's log (`textual console`).
    photo_log = logging.getLogger("tgreader.photos")
    photo_log.setLevel(logging.INFO)
    photo_log.addHandler(TextualHandler(stderr=False))
    # Asked now: textual-image reads the terminal's answers from the keyboard, which
    # Textual owns once it runs.
    protocol = choose_protocol(settings.images)
    app = make_app(settings, lang=lang, config=config, config_error=config_error, protocol=protocol)
    if notice is not None:
        # The store is opened now, while a notice can still be read in the terminal; one
        # that cannot be opened is reported by the reader, as before.
        app.service.notice, app.service.progress = notice, progress
        with contextlib.suppress(TgError):
            _ = app.service.store
        app.service.notice, app.service.progress = None, None
    app.run()
    return app.return_code or 0
