"""Settings in one place: the dataclass, its defaults, their validation, and ``resolve``.

Each setting comes from the first source that gives it: command-line options, then the
environment (``TGREADER_*``), then the config file, then the default written here once.
A value out of range is a UsageError naming where it came from (``--timeout``,
``TGREADER_TTL``); the config file's own values were checked as the file was read
(see :mod:`tgreader.config`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from tgreader.errors import UsageError
from tgreader.urls import Site

if TYPE_CHECKING:
    from tgreader.config import Config

__all__ = [
    "IMAGE_MODES",
    "LIMITS",
    "Settings",
    "apply_config",
    "check_number",
    "parse_site",
    "resolve",
]

#: Inclusive ranges of the numeric settings. Concurrency is capped: each request at a time
#: holds a task, a connection and a page in memory.
LIMITS: dict[str, tuple[float, float]] = {
    "ttl": (0.0, 10 * 365 * 86400.0),
    "timeout": (0.001, 3600.0),
    "retries": (0, 10),
    "concurrency": (1, 64),
}
_WHOLE = frozenset({"retries", "concurrency"})
#: How the reader draws photos: the terminal's best protocol, half-cell blocks, or not.
IMAGE_MODES = ("auto", "halfcell", "off")
ImageMode = Literal["auto", "halfcell", "off"]
_ENV_TRUE = ("1", "true", "yes", "on")

#: The environment variable of each setting.
ENV = {
    "site": "TGREADER_SITE",
    "demo": "TGREADER_DEMO",
    "offline": "TGREADER_OFFLINE",
    "cache_dir": "TGREADER_CACHE_DIR",
    "data_dir": "TGREADER_DATA_DIR",
    "timeout": "TGREADER_TIMEOUT",
    "ttl": "TGREADER_TTL",
    "retries": "TGREADER_RETRIES",
    "concurrency": "TGREADER_CONCURRENCY",
    "images": "TGREADER_IMAGES",
    "ascii": "TGREADER_ASCII",
}


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything that decides where tgreader reads from and writes to."""

    site: Site = field(default_factory=Site)
    cache_dir: Path | None = None
    data_dir: Path | None = None
    offline: bool = False
    demo: bool = False
    ttl: float = 600.0
    timeout: float = 30.0  # seconds one page may take, all tries and waits included
    retries: int = 3
    concurrency: int = 4
    images: ImageMode = "auto"
    image_cache_mb: int = 500
    ascii: bool = False  # the reader's own marks in ASCII (* for ★), for terminals without

    def store_path(self) -> Path:
        """The page store; the demo site keeps its own, apart from the real site's."""
        from tgreader.store import STORE_FILENAME, default_cache_dir

        folder = self.cache_dir or default_cache_dir()
        return (folder / "demo" if self.demo else folder) / STORE_FILENAME

    def photos_path(self) -> Path:
        """The photo store, beside the page store."""
        from tgreader.photos import photos_path

        return photos_path(self.store_path())

    def userdata_path(self) -> Path:
        """Bookmarks and read state (survive a cache clear)."""
        from tgreader.userdata import USERDATA_FILENAME, default_data_dir

        folder = self.data_dir or default_data_dir()
        return (folder / "demo" if self.demo else folder) / USERDATA_FILENAME


def check_number(name: str, value: object) -> float | int | None:
    """``value`` as the setting ``name`` wants it, or None when it is not acceptable.

    Refused: booleans, NaN and infinities, fractions where a whole number is wanted, and
    anything outside :data:`LIMITS`.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    low, high = LIMITS[name]
    # Compared before isfinite: an int past a float's range cannot be made a float.
    if not low <= value <= high or not math.isfinite(value):
        return None
    if name in _WHOLE:
        return int(value) if float(value).is_integer() else None
    return float(value)


def _range(name: str) -> str:
    low, high = LIMITS[name]
    if name in _WHOLE:
        return f"a whole number from {int(low)} to {int(high)}"
    return f"a number from {low:g} to {high:g}"


def number_from_text(name: str, text: str, where: str) -> float | int:
    """Parse ``text`` (an option or a variable named ``where``) as the setting ``name``."""
    try:
        value: float | int = int(text) if name in _WHOLE else float(text)
    except ValueError:
        value = math.nan
    checked = check_number(name, value)
    if checked is None:
        raise UsageError(where, f"must be {_range(name)}, not {text.strip()[:40]!r}")
    return checked


def parse_site(url: str) -> Site:
    """A Site for ``url``; ValueError when it is not an http(s) origin with a valid port."""
    site = Site.from_url(url)
    port = urlsplit(site.origin).port  # ValueError for a port past 65535 or not a number
    if port == 0:
        raise ValueError(f"port 0 is not a port: {url!r}")
    return site


def resolve(
    options: Mapping[str, Any],
    env: Mapping[str, str],
    config: Config | None = None,
) -> Settings:
    """The settings from ``options`` (None: not given), then ``env``, then ``config``.

    ``options`` holds what the command line gave, by setting name; ``env`` is usually
    ``os.environ``. Raises UsageError naming the option or variable of a bad value.
    """
    values: dict[str, Any] = {}
    for name in ("site", "ttl", "timeout", "retries", "concurrency"):
        value = _first(name, options, env, config)
        if value is not None:
            values[name] = value
    for name in ("offline", "demo"):
        given = options.get(name)
        values[name] = bool(given) or env.get(ENV[name], "").strip().lower() in _ENV_TRUE
    for name in ("cache_dir", "data_dir"):
        folder = options.get(name) or env.get(ENV[name], "").strip()
        values[name] = Path(folder).expanduser() if folder else None
    values["images"] = _images(options, env, config)
    in_env = env.get(ENV["ascii"], "").strip().lower() in _ENV_TRUE
    values["ascii"] = bool(options.get("ascii")) or in_env or bool(config and config.ascii)
    if config is not None and config.image_cache_mb is not None:
        values["image_cache_mb"] = config.image_cache_mb
    return Settings(**values)


def _images(options: Mapping[str, Any], env: Mapping[str, str], config: Config | None) -> Any:
    """The photo mode: ``--images`` (argparse checked it), else the variable, else the file."""
    given = options.get("images")
    if given is not None:
        return given
    text = env.get(ENV["images"], "").strip()
    if text:
        if text not in IMAGE_MODES:
            cause = f"unknown mode {text[:40]!r} (auto, halfcell or off)"
            raise UsageError(ENV["images"], cause)
        return text
    return config.images if config is not None and config.images is not None else "auto"


def _first(
    name: str, options: Mapping[str, Any], env: Mapping[str, str], config: Config | None
) -> Any:
    """The value of setting ``name`` from the first source that gives one, checked."""
    given = options.get(name)
    text, where = (given, f"--{name}") if given is not None else (env.get(ENV[name]), ENV[name])
    if text is not None and (not isinstance(text, str) or text.strip()):
        if name == "site":
            try:
                return parse_site(str(text))
            except ValueError as error:
                raise UsageError(where, str(error)) from None
        if isinstance(text, str):
            return number_from_text(name, text, where)
        checked = check_number(name, text)
        if checked is None:
            raise UsageError(where, f"must be {_range(name)}, not {text!r}")
        return checked
    return getattr(config, name, None) if config is not None else None


def apply_config(settings: Settings, config: Config, *, site_given: bool = False) -> Settings:
    """``settings`` made without the file, with what the file sets (the reader's ``run``
    when not started by the CLI); a site given on the command line wins."""
    changes: dict[str, Any] = {}
    if config.site is not None and not site_given:
        changes["site"] = config.site
    if config.ttl is not None:
        changes["ttl"] = config.ttl
    if config.concurrency is not None:
        changes["concurrency"] = config.concurrency
    if config.images is not None:
        changes["images"] = config.images
    if config.image_cache_mb is not None:
        changes["image_cache_mb"] = config.image_cache_mb
    if config.ascii:
        changes["ascii"] = True
    return dataclasses.replace(settings, **changes) if changes else settings
