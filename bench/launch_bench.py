"""Launch to the first painted screen, and Enter on a stored article to its painted text.

The store is the demo site synced into a temporary folder; the reader runs offline on it.

- Headless: a fresh Python process per launch (interpreter start, imports, the store, the
  first layout) until the first frame showing the sections and the first list's
  articles, from ``subprocess.Popen`` to that frame; the floor is ``floor_app.py`` (a bare
  Textual app with three empty panes) timed the same way, launches alternated.
- In a real terminal: ``tgreader --offline --cache-dir …`` started in a tmux session (a
  private tmux server) and ``tmux capture-pane -p`` polled until the first section and the
  first article are on the screen, wall time from spawning the session; the floor likewise
  until its panes are drawn.
- Open: Pilot-driven, Enter on each article of the list until the frame showing its text.

    python bench/launch_bench.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import contextlib
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BASELINE_REV, BENCH, REPO, Result, Stats

FLOOR = BENCH / "floor_app.py"
SIZE = (120, 40)
TARGET_RATIO = 1.3
OPEN_TARGET_S = 0.050
_TMUX_SOCKET = "tgreader-bench"


def _settings(root: Path, **extra: Any) -> Any:
    from tgreader.service import Settings

    return Settings(cache_dir=root / "cache", data_dir=root / "data", offline=True, **extra)


def fill(root: Path) -> None:
    """Sync the demo site (served on loopback for the occasion) into ``root``'s store."""
    from tgreader.demo.server import DemoServer
    from tgreader.service import Service, Settings
    from tgreader.sync import sync
    from tgreader.urls import Site

    async def go(origin: str) -> None:
        settings = Settings(site=Site.from_url(origin), cache_dir=root / "cache",
                            data_dir=root / "data")  # fmt: skip
        service = Service(settings)
        try:
            sections, home, _ = await service.sections()
            await sync(service, [s.url for s in sections], pages=2, depth=1)
            for link in home.page.articles if home is not None else ():
                await service.article(link.url)  # "Mới nhất" lists them first
        finally:
            await service.aclose()

    with DemoServer() as server:
        asyncio.run(go(server.url))


def first_section_openings(root: Path) -> list[str]:
    """For each article of the first list ("Mới nhất"), in list order: the start of the
    first paragraph of its text (on the screen only once the article is open)."""
    from tgreader.model import Article, Home, Paragraph
    from tgreader.service import Service

    service = Service(_settings(root))
    try:
        home = service.stored(service.site.home_url, Home)
        assert home is not None
        openings: list[str] = []
        for item in service.latest_from(home.page):
            stored = service.stored(item.url, Article)
            assert stored is not None, f"{item.url} is not in the demo store"
            first = next(b for b in stored.page.blocks if isinstance(b, Paragraph))
            openings.append(first.text[:24])
        return openings
    finally:
        asyncio.run(service.aclose())


def first_screen_texts(root: Path) -> tuple[str, str]:
    """The first section's name (in the sections pane) and the first title of the list
    the reader starts on ("Mới nhất"), as the store holds them."""
    from tgreader.model import Home
    from tgreader.service import Service

    service = Service(_settings(root))
    try:
        home = service.stored(service.site.home_url, Home)
        assert home is not None and home.page.sections, "the demo store has no home page"
        latest = service.latest_from(home.page)
        assert latest, "the demo store has no articles"
        return home.page.sections[0].name, latest[0].title
    finally:
        asyncio.run(service.aclose())


# --- in the child process --------------------------------------------------------------------


class FirstFrame:
    """The time of the first frame the app paints once ``ready()`` holds.

    It watches every frame the compositor hands to the app's display (in a terminal the
    display then writes it out; headless it stops there) and asks ``ready`` at each one, so
    the figure is that of the frame that first shows the content, however late the caller
    gets round to looking.
    """

    def __init__(self, app: Any, ready: Callable[[], bool] | None = None) -> None:
        self.app = app
        self.at: float | None = None
        self._ready = ready
        self._display = app._display
        app._display = self._spy

    def _spy(self, screen: Any, renderable: Any) -> None:
        self._display(screen, renderable)
        if renderable is None or self.app._batch_count or self.at is not None:
            return
        if self._ready is not None and self._ready():
            self.at = time.perf_counter()

    def expect(self, ready: Callable[[], bool]) -> None:
        """From now on, watch for the first frame at which ``ready()`` is true."""
        self.at = None
        self._ready = ready

    async def painted(self) -> float:
        """``time.perf_counter()`` at that frame."""
        await _until(lambda: self.at is not None)
        assert self.at is not None
        return self.at


async def _until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        await asyncio.sleep(0.0005)
    raise TimeoutError("the screen never showed what was expected")


def _safely(condition: Callable[[], bool]) -> Callable[[], bool]:
    """``condition``, false while the app has no screen or the screen is not composed."""

    def check() -> bool:
        try:
            return condition()
        except Exception:  # no screen yet, or its widgets not mounted yet
            return False

    return check


def first_screen_shown(app: Any) -> bool:
    """True once the reader's screen holds the sections and the first list's articles."""
    from tgreader.ui.screen import MainScreen

    screen = app.screen
    return (
        isinstance(screen, MainScreen)
        and bool(screen.sections.entries)
        and bool(screen.articles.rows)
    )


def child(kind: str, spawned: float, root: str) -> None:
    """One headless launch: print the seconds from ``spawned`` to the first full frame."""
    if kind == "floor":
        from bench.floor_app import FloorApp

        app: Any = FloorApp()

        def ready() -> bool:
            return True
    else:
        from tgreader.ui import app as ui_app

        freeze = getattr(ui_app, "freeze_imports", None)  # the baseline's code has none
        if freeze is not None:
            freeze()  # as the tgreader program does
        make_app = ui_app.make_app
        app = make_app(_settings(Path(root)))

        def ready() -> bool:
            return first_screen_shown(app)

    # perf_counter and time.time differ by a constant within one process.
    offset = time.time() - time.perf_counter()
    frames = FirstFrame(app, _safely(ready))
    result: dict[str, float] = {}

    async def pilot(_pilot: Any) -> None:
        result["seconds"] = await frames.painted() + offset - spawned
        app.exit()

    app.run(headless=True, size=SIZE, auto_pilot=pilot)
    print(json.dumps(result))


# --- in the parent ---------------------------------------------------------------------------


def _env(root: Path, src: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        TGREADER_CONFIG_DIR=str(root / "config"),
        PYTHONPATH=os.pathsep.join([str(src or REPO / "src"), str(REPO)]),
        LANG="C.UTF-8",
        TERM="tmux-256color",
    )
    env.pop("NO_COLOR", None)
    return env


def headless(kind: str, root: Path, src: Path | None = None) -> float:
    """One headless launch of ``kind`` ("app" or "floor"), in seconds (of the code in
    ``src``, if given)."""
    spawned = time.time()
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(spawned), str(root)],
        capture_output=True,
        text=True,
        env=_env(root, src),
        check=True,
    )
    return float(json.loads(out.stdout.strip().splitlines()[-1])["seconds"])


def import_time(root: Path, src: Path | None = None) -> float:
    """Seconds to import the reader (``tgreader.ui.app``) in a fresh process."""
    code = (
        "import time; started = time.perf_counter(); import tgreader.ui.app; "
        "print(time.perf_counter() - started)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env(root, src),
        check=True,
    )  # fmt: skip
    return float(out.stdout.strip())


def _tmux(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["tmux", "-L", _TMUX_SOCKET, *args], capture_output=True, text=True)


def in_tmux(command: list[str], texts: tuple[str, ...], root: Path, name: str) -> float:
    """Seconds from spawning a tmux session running ``command`` to all ``texts`` on screen."""
    env = _env(root)
    shell = " ".join(_quote(c) for c in command)
    spawned = time.perf_counter()
    subprocess.run(
        ["tmux", "-L", _TMUX_SOCKET, "new-session", "-d", "-s", name, "-x", str(SIZE[0]),
         "-y", str(SIZE[1]), shell],
        env=env, check=True,
    )  # fmt: skip
    try:
        deadline = spawned + 30
        while time.perf_counter() < deadline:
            screen = _tmux("capture-pane", "-p", "-t", name).stdout
            if all(t in screen for t in texts):
                return time.perf_counter() - spawned
            time.sleep(0.005)
        raise TimeoutError(f"{name}: {texts} never appeared")
    finally:
        _tmux("kill-session", "-t", name)


def _on_screen(
    name: str, texts: tuple[str, ...], timeout: float = 30.0, every: float = 0.005
) -> float:
    """Poll the pane every ``every`` seconds until all ``texts`` are on it;
    ``time.perf_counter()`` then."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        screen = _tmux("capture-pane", "-p", "-t", name).stdout
        if all(t in screen for t in texts):
            return time.perf_counter()
        time.sleep(every)
    raise TimeoutError(f"{name}: {texts} never appeared")


def tmux_opens(
    command: list[str], root: Path, ready: tuple[str, ...], openings: list[str], rounds: int
) -> list[float]:
    """In a real terminal: once ``ready`` is on the screen, for each article of the first
    section in turn, Enter in the list until the start of its text has been written to the
    terminal. The pane's output is piped (``pipe-pane``) into a FIFO read here, so the time
    is that of the bytes reaching tmux, with no polling; the clock starts when ``send-keys``
    has handed Enter to the pane."""
    name = "opens"
    fifo = root / "pane-output"
    with contextlib.suppress(FileNotFoundError):
        fifo.unlink()
    os.mkfifo(fifo)
    subprocess.run(
        ["tmux", "-L", _TMUX_SOCKET, "new-session", "-d", "-s", name, "-x", str(SIZE[0]),
         "-y", str(SIZE[1]), " ".join(_quote(c) for c in command)],
        env=_env(root), check=True,
    )  # fmt: skip
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    times: list[float] = []
    try:
        _tmux("pipe-pane", "-O", "-t", name, f"cat > {_quote(str(fifo))}")
        _on_screen(name, ready)
        time.sleep(1.0)  # the first screen, and the workers' answers after it
        for n in range(rounds * len(openings)):
            index = n % len(openings)
            # To the list (a focus change takes effect after the keys already queued, so
            # the cursor keys wait for it), then onto the article.
            _tmux("send-keys", "-t", name, "Tab" if n == 0 else "BTab")
            time.sleep(0.2)
            _tmux("send-keys", "-t", name, "g", *(["j"] * index))
            time.sleep(0.3)  # the cursor moved and the screen settled
            _drain(reader)
            _tmux("send-keys", "-t", name, "Enter")
            started = time.perf_counter()
            times.append(_until_written(reader, openings[index].encode("utf-8")) - started)
            time.sleep(0.3)  # the article's final answer from the worker
    finally:
        _tmux("kill-session", "-t", name)
        os.close(reader)
        fifo.unlink()
    return times


def _drain(reader: int) -> None:
    while select.select([reader], [], [], 0)[0]:
        try:
            if not os.read(reader, 1 << 16):
                return
        except BlockingIOError:
            return


def _until_written(reader: int, needle: bytes, timeout: float = 10.0) -> float:
    """``time.perf_counter()`` when ``needle`` has come through the pipe."""
    seen = b""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if select.select([reader], [], [], 0.05)[0]:
            with contextlib.suppress(BlockingIOError):
                seen += os.read(reader, 1 << 16)
            if needle in seen:
                return time.perf_counter()
    raise TimeoutError(f"{needle!r} was never written to the terminal")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


async def _press(app: Any, key: str, character: str | None) -> None:
    """Deliver a key as the terminal driver does, without the Pilot's waits for idleness
    (``Pilot.press`` sleeps at least 2 × 20 ms after each key, which is not the reader's
    time)."""
    from textual import events

    event = events.Key(key, character)
    event.set_sender(app)
    app._driver.send_message(event)


async def opens(root: Path, rounds: int) -> list[float]:
    """Seconds from Enter on a stored article in the list to the frame showing its text."""
    from tgreader.ui.app import make_app
    from tgreader.ui.screen import MainScreen

    app = make_app(_settings(root))
    frames = FirstFrame(app)
    times: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await _until(lambda: len(screen.articles.rows) >= 2)
        await app.workers.wait_for_complete()
        await pilot.press("tab")
        rows = list(screen.articles.rows)
        for n in range(rounds * len(rows)):
            # Every article of the list in turn, so each Enter shows another one.
            screen.articles.highlighted = n % len(rows)
            await pilot.pause()
            shown = screen.article
            # Another article (its URL may differ from the list's: a redirect): the screen
            # sets it and fills the pane with its text in one handler.
            frames.expect(lambda a=shown: screen.article is not None and screen.article is not a)
            started = time.perf_counter()
            await _press(app, "enter", "\r")
            times.append(await frames.painted() - started)
            await app.workers.wait_for_complete()
            await pilot.press("shift+tab")  # back to the list for the next Enter
    return times


def measure(quick: bool = False, baseline: Path | None = None) -> dict[str, Any]:
    """All the launch and open figures, as data (and headless launches of ``baseline``)."""
    runs = 2 if quick else 15
    # An installed package has its bytecode compiled (pip does it); this machine's
    # environment sets PYTHONDONTWRITEBYTECODE, so without this every launch of the code
    # in src/ would compile it again and time the compiler.
    for src in (REPO / "src", baseline):
        if src is not None:
            compileall.compile_dir(src, quiet=1)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "config").mkdir()
        fill(root)
        section, title = first_screen_texts(root)
        found: dict[str, Any] = {"headless": {"app": [], "floor": []}}
        headless("floor", root)  # warm the file cache for both
        headless("app", root)
        if baseline is not None:
            # The old code's own store (it cannot read the newer schema), filled by it.
            before_root = root / "before"
            (before_root / "config").mkdir(parents=True)
            subprocess.run(
                [sys.executable, __file__, "--fill", str(before_root)],
                env=_env(before_root, baseline),
                check=True,
                capture_output=True,
            )
            found["headless"]["before"] = []
            found["imports"] = {"after": [], "before": []}
        for _ in range(runs):
            found["headless"]["floor"].append(headless("floor", root))
            found["headless"]["app"].append(headless("app", root))
            if baseline is not None:
                found["headless"]["before"].append(headless("app", before_root, baseline))
                found["imports"]["after"].append(import_time(root))
                found["imports"]["before"].append(import_time(root, baseline))
        if shutil.which("tmux"):
            found["tmux"] = {"app": [], "floor": []}
            _tmux("new-session", "-d", "-s", "keepalive", "sleep 600")  # the server, started
            try:
                command = str(Path(sys.executable).with_name("tgreader"))
                app = [command, "--offline", "--cache-dir", str(root / "cache"),
                       "--data-dir", str(root / "data")]  # fmt: skip
                floor = [sys.executable, str(FLOOR)]
                for n in range(runs):
                    found["tmux"]["floor"].append(
                        in_tmux(floor, ("floor-ready",), root, f"floor{n}")
                    )
                    found["tmux"]["app"].append(
                        in_tmux(app, (section, title[:20]), root, f"app{n}")
                    )
                openings = first_section_openings(root)
                found["tmux_open"] = tmux_opens(
                    app, root, (section, title[:20]), openings, 1 if quick else 8
                )
            finally:
                _tmux("kill-server")
        found["open"] = asyncio.run(opens(root, 1 if quick else 10))
        found["screen"] = {"section": section, "article": title}
    return found


def _paired_ratios(launches: list[float], floors: list[float]) -> Stats:
    """Each launch's time over that of the floor launched just before it."""
    return Stats.of(launch / floor for launch, floor in zip(launches, floors, strict=True))


def run(quick: bool = False, baseline: Path | None = None) -> Result:
    """The launch and open benchmarks, as a section of the report."""
    found = measure(quick, baseline)
    result = Result("Launch and open")
    lines = [
        "| run | tgreader | floor (bare Textual, 3 empty panes) | ratio of each launch to "
        "the floor's before it | ratio of the medians |",
        "|---|---:|---:|---:|---:|",
    ]
    for mode, label in (("headless", "headless, 120×40"), ("tmux", "tmux, 120×40")):
        if mode not in found:
            continue
        app = Stats.of(found[mode]["app"])
        floor = Stats.of(found[mode]["floor"])
        paired = _paired_ratios(found[mode]["app"], found[mode]["floor"])
        ratio = paired.median
        lines.append(
            f"| {label} | {app.ms(0)} | {floor.ms(0)} | **{paired.fmt(1.0, '×', 2)}** | "
            f"{app.median / floor.median:.2f}× |"
        )
        result.add(
            f"Launch to first painted screen, {label}",
            f"{app.ms(0)}; {ratio:.2f}× the floor (median of the ratios of each launch to "
            f"the floor's before it; IQR {paired.q1:.2f}–{paired.q3:.2f})",
            "≤ 1.3× the floor",
            ratio <= TARGET_RATIO,
        )
    if found["headless"].get("before"):
        before = Stats.of(found["headless"]["before"])
        floor = Stats.of(found["headless"]["floor"])
        paired = _paired_ratios(found["headless"]["before"], found["headless"]["floor"])
        lines.append(
            f"| headless, before (commit {BASELINE_REV}) | {before.ms(0)} | | "
            f"{paired.fmt(1.0, '×', 2)} | {before.median / floor.median:.2f}× |"
        )
    if found.get("imports"):
        after, before = (Stats.of(found["imports"][k]) for k in ("after", "before"))
        lines += [
            "",
            f"Importing the reader (`import tgreader.ui.app`, a fresh process each time, "
            f"alternated): {after.ms(0)} now, {before.ms(0)} at commit {BASELINE_REV}.",
        ]
    opened = Stats.of(found["open"])
    result.add("Open: Enter to the article's text painted, headless", opened.ms(1), "≤ 50 ms",
               opened.median <= OPEN_TARGET_S)  # fmt: skip
    tmux_open = Stats.of(found["tmux_open"]) if found.get("tmux_open") else None
    if tmux_open is not None:
        result.add("Open: Enter to the article's text written to the terminal, tmux",
                   tmux_open.ms(1), "≤ 50 ms", tmux_open.median <= OPEN_TARGET_S)  # fmt: skip
    result.say(
        "The store: the demo site synced into a temporary folder (home, 9 listing pages, "
        "23 articles); the reader runs with `--offline` on it. Both programs' bytecode is "
        "compiled first, as `pip install` does (this machine sets PYTHONDONTWRITEBYTECODE: "
        "without it every launch of `src/` would time the compiler too). Headless: a new "
        "process per launch, `make_app(settings).run(headless=True, size=(120, 40), "
        "auto_pilot=…)`, timed from `subprocess.run` to the first frame that shows the "
        'sections and the first list\'s articles ("Mới nhất", where the reader starts; '
        "every frame the compositor hands to the app's display is looked at as it is made, "
        "so the figure is that frame's, not when the harness noticed it); the floor "
        "(`bench/floor_app.py`) to its first frame. "
        "tmux: `tgreader --offline --cache-dir … --data-dir …` (the installed command, so the "
        "CLI and the config file are included) in a new session of a private tmux server, "
        f"`capture-pane -p` polled every 5 ms until “{found['screen']['section']}” (in the "
        "sections pane) and the start of the first title of “Mới nhất” are on the screen; "
        "the floor until its status line is. Launches of tgreader and of the floor "
        "alternate, and the figure held to the target is the median of the ratios of each "
        "launch to the floor's launched just "
        "before it: this shared machine's speed drifts within a run (see the machine probe), "
        "and a pair shares the moment; the ratio of the two medians is shown beside it.",
        "",
        *lines,
        "",
        "Open, headless: `App.run_test(size=(120, 40))`, focus on the article list, then "
        "for each article of the list in turn (several rounds): Enter, delivered as the "
        "terminal driver delivers keys (not `Pilot.press`, which sleeps at least 2 × 20 ms "
        "after each key), until the first frame that shows the new article: "
        f"**{opened.ms(1)}**.",
        *(
            [
                "",
                "Open, in a real terminal: the installed command in tmux (as above), for each "
                "article of the first list (“Mới nhất”) in turn: `send-keys Enter`, then the "
                "pane's output (`pipe-pane` into a FIFO, read here, no polling) until the start of "
                "the article's first paragraph has been written to the terminal; the clock "
                "starts when `send-keys` returns: "
                f"**{tmux_open.ms(1)}**. This includes what headless leaves out: turning the "
                "frame into escape sequences, writing it, and tmux reading it, on the same "
                "two cores.",
            ]
            if tmux_open is not None
            else []
        ),
    )
    result.data = found
    return result


def main() -> int:
    """Run the launch and open benchmarks (or, with ``--child``, one headless launch)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=3, metavar=("KIND", "SPAWNED", "ROOT"))
    parser.add_argument("--fill", metavar="ROOT", help="only fill a store in ROOT")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.fill:
        fill(Path(args.fill))
        return 0
    if args.child:
        kind, spawned, root = args.child
        child(kind, float(spawned), root)
        return 0
    print("\n".join(run(args.quick).text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
