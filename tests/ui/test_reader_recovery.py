"""A damaged store: the reader says it moved the file aside, and keeps the bookmarks."""

from __future__ import annotations

from pathlib import Path

from tgreader.service import Service, Settings
from tgreader.ui.app import make_app
from tgreader.urls import Site

from tui_support import settle
from ui_support import Notes


async def test_a_damaged_store_is_moved_aside_and_said(tmp_path: Path) -> None:
    settings = Settings(
        site=Site(), cache_dir=tmp_path / "c", data_dir=tmp_path / "d", offline=True
    )
    keep = Service(settings)
    keep.userdata.add_bookmark("https://tuyengiao.vn/kinh-te/bai-123456", "Một bài đã đánh dấu")
    await keep.aclose()
    store = settings.store_path()
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_bytes(b"this is not a database at all" * 100)

    service = Service(settings)
    app = make_app(settings, service=service)
    notes = Notes(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        warnings = [m for m, severity in notes.items if severity == "warning"]
    await service.aclose()
    assert len(warnings) == 1
    assert str(store) in warnings[0] and ".corrupt-" in warnings[0]
    assert list(store.parent.glob("pages.sqlite3.corrupt-*"))
    again = Service(settings)
    assert [b.title for b in again.userdata.bookmarks()] == ["Một bài đã đánh dấu"]
    await again.aclose()
