"""The configuration file: ``config.toml`` in the user config folder, read with tomllib.

Every key is optional::

    site = "https://tuyengiao.vn"   # origin to read from
    ttl = 600                       # seconds a home page or listing stays fresh
    concurrency = 4                 # requests at a time during a sync
    lang = "vi"                     # interface language: "vi" or "en"
    theme = "textual-dark"          # a Textual theme name
    export_dir = "~/Documents"      # where "e" writes Markdown (default: the current folder)
    images = "auto"                 # photos in articles: "auto", "halfcell" or "off"
    image_cache_mb = 500            # cap of the photo store, oldest photos out first

    [keymap]                        # binding id = "keys" (see the help screen, "?")
    next_article = "n,ctrl+n"

A malformed file raises :class:`ConfigError` naming the file and the line.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from platformdirs import user_config_dir

from tgreader.errors import ConfigError
from tgreader.service import Settings
from tgreader.urls import Site

__all__ = [
    "CONFIG_FILENAME",
    "Config",
    "apply_config",
    "default_config_dir",
    "default_config_path",
    "load_config",
    "load_config_or_defaults",
    "parse_config",
]

CONFIG_FILENAME = "config.toml"
LANGS = ("vi", "en")
_KEYS = frozenset(
    {"site", "ttl", "concurrency", "lang", "theme", "export_dir", "keymap"}
    | {"images", "image_cache_mb"}
)
IMAGE_MODES = ("auto", "halfcell", "off")


def default_config_dir() -> Path:
    """The config folder: ``$TGREADER_CONFIG_DIR`` if set, else the platform's user config."""
    override = os.environ.get("TGREADER_CONFIG_DIR")
    if override:
        return Path(override).expanduser()
    return Path(user_config_dir("tgreader", appauthor=False))


def default_config_path() -> Path:
    """``config.toml`` inside :func:`default_config_dir`."""
    return default_config_dir() / CONFIG_FILENAME


@dataclass(frozen=True, slots=True)
class Config:
    """What the config file sets; None (or empty) means "not set, use the default"."""

    site: Site | None = None
    ttl: float | None = None
    concurrency: int | None = None
    lang: Literal["vi", "en"] | None = None
    theme: str | None = None
    export_dir: Path | None = None
    images: Literal["auto", "halfcell", "off"] | None = None
    image_cache_mb: int | None = None
    keymap: Mapping[str, str] = field(default_factory=dict)
    path: Path | None = None


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file is an empty config, a bad one a ConfigError."""
    path = path or default_config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(path=path)
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(str(path), f"cannot read: {error}") from None
    return parse_config(text, path)


def load_config_or_defaults(path: Path | None = None) -> tuple[Config, ConfigError | None]:
    """The config, or the defaults and the reason when the file is bad (the app still starts)."""
    try:
        return load_config(path), None
    except ConfigError as error:
        return Config(path=path or default_config_path()), error


def parse_config(text: str, path: Path) -> Config:
    """Validate the TOML ``text`` of the file at ``path``."""
    import tomllib  # only when there is a file to read: most starts have none

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # tomllib's message ends with "(at line N, column M)": that is the line to name.
        raise ConfigError(str(path), f"not valid TOML: {error}") from None
    values: dict[str, Any] = {"path": path}
    for key, value in data.items():
        where = _where(path, text, key)
        if key not in _KEYS:
            raise ConfigError(where, f"unknown setting {key!r} (known: {', '.join(sorted(_KEYS))})")
        values[key] = _validate(key, value, where, path, text)
    return Config(**values)


def _validate(key: str, value: Any, where: str, path: Path, text: str) -> Any:
    if key == "site":
        if not isinstance(value, str):
            raise ConfigError(where, "site must be a URL in quotes")
        try:
            return Site.from_url(value)
        except ValueError as error:
            raise ConfigError(where, str(error)) from None
    if key == "ttl":
        # bool is an int in Python, and "ttl = true" is surely a mistake.
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ConfigError(where, "ttl must be a number of seconds (0 or more)")
        return float(value)
    if key == "concurrency":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 64:
            raise ConfigError(where, "concurrency must be a whole number from 1 to 64")
        return value
    if key == "lang":
        if value not in LANGS:
            raise ConfigError(where, f"lang must be one of {', '.join(LANGS)}")
        return value
    if key == "theme":
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(where, "theme must be a theme name in quotes")
        return value.strip()
    if key == "images":
        if value not in IMAGE_MODES:
            raise ConfigError(where, f"images must be one of {', '.join(IMAGE_MODES)}")
        return value
    if key == "image_cache_mb":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(where, "image_cache_mb must be a whole number of megabytes")
        return value
    if key == "export_dir":
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(where, "export_dir must be a folder path in quotes")
        return Path(value).expanduser()
    # keymap
    if not isinstance(value, dict):
        raise ConfigError(where, 'keymap must be a table: [keymap] then lines of id = "keys"')
    keymap: dict[str, str] = {}
    for binding_id, keys in value.items():
        if not isinstance(keys, str) or not keys.strip():
            raise ConfigError(
                _where(path, text, binding_id, table="keymap"),
                f'keymap.{binding_id} must be keys in quotes, e.g. "ctrl+n,n"',
            )
        keymap[binding_id] = ",".join(k.strip() for k in keys.split(",") if k.strip())
    return keymap


def _where(path: Path, text: str, key: str, *, table: str | None = None) -> str:
    """``<path>, line N`` for the line that sets ``key`` (in ``[table]``), else just the path."""
    pattern = re.compile(rf"""^\s*(["']?){re.escape(key)}\1\s*=""")
    header = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
    current: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        found = header.match(line)
        if found:
            current = found.group(1).strip("\"'")
            if current == key and table is None:
                return f"{path}, line {number}"
            continue
        if current == table and pattern.match(line):
            return f"{path}, line {number}"
    return str(path)


def apply_config(settings: Settings, config: Config, *, site_given: bool = False) -> Settings:
    """``settings`` with what the config sets; a site given on the command line wins."""
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
    return dataclasses.replace(settings, **changes) if changes else settings
