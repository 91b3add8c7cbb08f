"""A store from an older version is indexed again before the reader takes the screen,
said in the terminal with its progress (the CLI draws the bar), then the reader starts."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from tgreader.settings import Settings
from tgreader.store import Store
from tgreader.store_index import index_command
from tgreader.ui import app as ui_app
from tgreader.ui.app import ReaderApp


def _needs_reindex(settings: Settings) -> int:
    """Empty the search index and ask for its rebuild, as an older store's migration does;
    returns how many articles it holds."""
    with sqlite3.connect(settings.store_path()) as conn:
        index_command(conn, "delete-all")
        conn.execute("CREATE TABLE IF NOT EXISTS index_rebuild (reached INTEGER NOT NULL)")
        conn.execute("DELETE FROM index_rebuild")
        conn.execute("INSERT INTO index_rebuild (reached) VALUES (-1)")
        count = conn.execute("SELECT count(*) FROM pages WHERE kind = 'article'").fetchone()[0]
    return int(count)


def test_the_reindex_is_shown_with_its_progress_before_the_reader_starts(
    offline_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = _needs_reindex(offline_settings)
    assert articles > 0
    started: list[ReaderApp] = []

    def run_app(app: ReaderApp) -> None:
        started.append(app)

    monkeypatch.setattr(ReaderApp, "run", run_app)
    notices: list[str] = []
    told: list[tuple[int, int]] = []
    code = ui_app.run(
        offline_settings,
        notice=notices.append,
        progress=lambda done, total: told.append((done, total)),
    )
    (app,) = started
    assert code == 0 and app.service._store is not None  # opened before the screen
    asyncio.run(app.service.aclose())
    assert len(notices) == 1 and f"indexing {articles:,} stored articles" in notices[0]
    assert told[0] == (0, articles) and told[-1] == (articles, articles)
    with Store.open(offline_settings.store_path()) as store:
        assert store.search("hoi nghi")  # the index is whole again
