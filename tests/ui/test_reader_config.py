"""config.toml: parsing, clear errors with line numbers, keymap and theme in the app."""

from __future__ import annotations

from pathlib import Path

import pytest

from tgreader.config import (
    Config,
    default_config_path,
    load_config,
    load_config_or_defaults,
    parse_config,
)
from tgreader.errors import ConfigError
from tgreader.settings import Settings, apply_config
from tgreader.ui.app import ReaderApp, run
from tgreader.ui.article_view import ArticleView
from tgreader.ui.dialogs import HelpScreen, SearchScreen
from tgreader.ui.i18n import LANGS, Translator
from tgreader.ui.keys import DEFAULT_KEYS, HELP_ORDER
from tgreader.ui.screen import MainScreen
from tgreader.ui.widgets import SectionList
from tgreader.urls import Site

from tui_support import screen_text, settle
from ui_support import AppFactory, start_on_section

GOOD = """\
site = "http://127.0.0.1:8123"
ttl = 60
concurrency = 2
lang = "en"
theme = "nord"
export_dir = "~/tin"

[keymap]
next_article = "ctrl+n, n"
"quit" = "ctrl+q"
"""


def test_a_full_config_file() -> None:
    config = parse_config(GOOD, Path("c.toml"))
    assert config.site == Site("http://127.0.0.1:8123")
    assert (config.ttl, config.concurrency, config.lang, config.theme) == (60.0, 2, "en", "nord")
    assert config.export_dir == Path("~/tin").expanduser()
    assert config.keymap == {"next_article": "ctrl+n,n", "quit": "ctrl+q"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('site = "x"\nttl = = 3\n', "c.toml: not valid TOML: Invalid value (at line 2, column 7)"),
        ("lang = 'vi'\nttl = -1\n", "c.toml, line 2: ttl must be a number of seconds (0 or more)"),
        ("ttl = true\n", "c.toml, line 1: ttl must be a number"),
        ("\n\nconcurency = 4\n", "c.toml, line 3: unknown setting 'concurency'"),
        ('lang = "fr"\n', "c.toml, line 1: lang must be one of vi, en"),
        ('site = "ftp://x"\n', "c.toml, line 1: not an http(s) site URL"),
        ("[keymap]\nquit = 3\n", "c.toml, line 2: keymap.quit must be keys in quotes"),
        ("keymap = 3\n", "c.toml, line 1: keymap must be a table"),
        ("[theme]\nx = 1\n", "c.toml, line 1: theme must be a theme name"),
    ],
)
def test_a_bad_config_names_the_line(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, Path("c.toml"))
    assert str(caught.value).startswith(message)


def test_the_config_file_is_found_through_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TGREADER_CONFIG_DIR", str(tmp_path / "cfg"))
    assert default_config_path() == tmp_path / "cfg" / "config.toml"
    assert load_config() == Config(path=default_config_path())  # no file: all defaults
    default_config_path().parent.mkdir()
    default_config_path().write_text("ttl = 5\nlang = 'xx'\n", encoding="utf-8")
    config, error = load_config_or_defaults()
    assert config == Config(ttl=5.0, path=default_config_path())  # the good key is kept
    assert error is not None and "line 2" in str(error)


def test_the_config_applies_to_settings_but_the_command_line_site_wins() -> None:
    config = parse_config(GOOD, Path("c.toml"))
    settings = apply_config(Settings(), config)
    assert (settings.site, settings.ttl, settings.concurrency) == (config.site, 60.0, 2)
    mirror = Site("https://mirror.example")
    assert apply_config(Settings(site=mirror), config, site_given=True).site == mirror
    assert apply_config(Settings(), Config()) == Settings()


async def test_a_bad_config_is_a_notification_and_the_app_starts(
    reader: AppFactory, notified: list[tuple[str, str]]
) -> None:
    error = ConfigError("/x/config.toml, line 4", "ttl must be a number of seconds (0 or more)")
    app = reader(config_error=error)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await start_on_section(pilot)
        assert isinstance(app.screen, MainScreen)
        assert len(app.screen.articles.rows) == 6  # both stored pages: the pane is filled
    assert notified == [
        (
            "Tệp cấu hình lỗi, bỏ qua phần lỗi: /x/config.toml, line 4: "
            "ttl must be a number of seconds (0 or more)",
            "error",
        )
    ]


async def test_the_keymap_remaps_by_binding_id(
    reader: AppFactory, notified: list[tuple[str, str]]
) -> None:
    keymap = {"next_article": "ctrl+n", "down": "ctrl+j,down", "nonsense": "x"}
    app = reader(config=Config(keymap=keymap))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await start_on_section(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert notified == [("[keymap] có mã phím không biết: nonsense", "warning")]
        await pilot.press("tab", "enter")
        await settle(pilot)
        first = screen.article
        await pilot.press("n")  # no longer bound
        await settle(pilot)
        assert screen.article is first
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert screen.article is not None and screen.article.url.endswith("-1002")
        await pilot.press("shift+tab", "j")  # j no longer moves the list…
        assert screen.articles.highlighted == 1
        await pilot.press("ctrl+j")  # …ctrl+j does
        assert screen.articles.highlighted == 2
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "ctrl+n" in screen_text(app).lower()


async def test_the_theme_comes_from_the_config(reader: AppFactory) -> None:
    app = reader(config=Config(theme="nord"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "nord"


def test_every_binding_has_an_id_a_default_and_help_in_both_languages() -> None:
    ids: set[str] = set()
    for cls in (MainScreen, SectionList, ArticleView, HelpScreen, SearchScreen):
        for binding in cls.BINDINGS:
            assert not isinstance(binding, tuple)
            assert binding.id in DEFAULT_KEYS, binding
            assert binding.key == DEFAULT_KEYS[binding.id]
            ids.add(binding.id)
    assert ids == set(DEFAULT_KEYS)
    for lang in LANGS:
        tr = Translator(lang)
        for binding_id in HELP_ORDER:
            key = "key.follow" if binding_id.startswith("follow_") else f"key.{binding_id}"
            assert tr(key) != key
    assert Translator("en")("note.copied", url="u") == "Copied the URL: u"
    assert Translator(None)("status.online") == "trực tuyến"


def test_run_reads_the_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[ReaderApp] = []
    monkeypatch.setattr(ReaderApp, "run", lambda self, *a, **k: started.append(self))
    default_config_path().parent.mkdir(parents=True)
    default_config_path().write_text(
        'lang = "en"\nttl = 5\n[keymap]\nquit = "ctrl+x"\n', encoding="utf-8"
    )
    settings = Settings(cache_dir=tmp_path / "c", data_dir=tmp_path / "d", offline=True)
    assert run(settings) == 0
    assert run(settings, lang="vi") == 0
    english, vietnamese = started
    assert english.tr.lang == "en" and vietnamese.tr.lang == "vi"  # --lang wins
    assert english.service.settings.ttl == 5
    assert english.keymap == {"quit": "ctrl+x"}

    default_config_path().write_text("ttl = 'soon'\n", encoding="utf-8")
    assert run(settings) == 0
    broken = started[-1]
    assert broken.config == Config(path=default_config_path())
    assert broken.service.settings.ttl == settings.ttl
