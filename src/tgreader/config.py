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
    ascii = false                   # the reader's marks in ASCII ("*" for the bookmark ★)

    [keymap]                        # binding id = "keys" (see the help screen, "?")
    next_article = "n,ctrl+n"

A value that is wrong is reported (a :class:`ConfigError` naming the file and the line)
and left out; the other keys still apply. What the settings are made of is decided in
:mod:`tgreader.settings`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from platformdirs import user_config_dir

from tgreader.errors import ConfigError
from tgreader.settings import IMAGE_MODES, check_number, parse_site
from tgreader.urls import Site

__all__ = [
    "CONFIG_FILENAME",
    "Config",
    "default_config_dir",
    "default_config_path",
    "load_config",
    "load_config_or_defaults",
    "parse_config",
    "read_config",
]

CONFIG_FILENAME = "config.toml"
LANGS = ("vi", "en")
_KEYS = frozenset(
    {"site", "ttl", "concurrency", "lang", "theme", "export_dir", "keymap"}
    | {"images", "image_cache_mb", "ascii"}
)


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
    ascii: bool | None = None
    keymap: Mapping[str, str] = field(default_factory=dict)
    path: Path | None = None


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file is an empty config, a bad value a ConfigError."""
    config, errors = _load(path or default_config_path())
    if errors:
        raise errors[0]
    return config


def load_config_or_defaults(path: Path | None = None) -> tuple[Config, ConfigError | None]:
    """The config's good values, and what was wrong with the file (the app still starts)."""
    config, errors = _load(path or default_config_path())
    if not errors:
        return config, None
    first = errors[0]
    if len(errors) == 1:
        return config, first
    return config, ConfigError(first.where, f"{first.cause} (and {len(errors) - 1} more)")


def _load(path: Path) -> tuple[Config, list[ConfigError]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(path=path), []
    except (OSError, UnicodeDecodeError) as error:
        return Config(path=path), [ConfigError(str(path), f"cannot read: {error}")]
    return read_config(text, path)


def parse_config(text: str, path: Path) -> Config:
    """Validate the TOML ``text`` of the file at ``path``; the first bad value raises."""
    config, errors = read_config(text, path)
    if errors:
        raise errors[0]
    return config


def read_config(text: str, path: Path) -> tuple[Config, list[ConfigError]]:
    """The good values of ``text`` and an error for each bad one (left out)."""
    import tomllib  # only when there is a file to read: most starts have none

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # tomllib's message ends with "(at line N, column M)": that is the line to name.
        return Config(path=path), [ConfigError(str(path), f"not valid TOML: {error}")]
    except RecursionError:
        # tomllib reads nested arrays and inline tables by recursion.
        return Config(path=path), [ConfigError(str(path), "not valid TOML: nested too deeply")]
    values: dict[str, Any] = {"path": path}
    errors: list[ConfigError] = []
    for key, value in data.items():
        where = _where(path, text, key)
        try:
            if key not in _KEYS:
                known = ", ".join(sorted(_KEYS))
                raise ConfigError(where, f"unknown setting {key!r} (known: {known})")
            if key == "keymap":
                values[key] = _keymap(value, where, path, text, errors)
            else:
                values[key] = _validate(key, value, where)
        except ConfigError as error:
            errors.append(error)
    return Config(**values), errors


def _validate(key: str, value: Any, where: str) -> Any:
    if key == "site":
        if not isinstance(value, str):
            raise ConfigError(where, "site must be a URL in quotes")
        try:
            return parse_site(value)
        except ValueError as error:
            raise ConfigError(where, str(error)) from None
    if key == "ttl":
        ttl = check_number("ttl", value)
        if ttl is None:
            raise ConfigError(where, "ttl must be a number of seconds (0 or more)")
        return ttl
    if key == "concurrency":
        concurrency = check_number("concurrency", value)
        if concurrency is None or isinstance(value, float):
            raise ConfigError(where, "concurrency must be a whole number from 1 to 64")
        return concurrency
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
    if key == "ascii":
        if not isinstance(value, bool):
            raise ConfigError(where, "ascii must be true or false")
        return value
    if key == "image_cache_mb":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**7:
            raise ConfigError(where, "image_cache_mb must be a whole number of megabytes")
        return value
    # export_dir
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(where, "export_dir must be a folder path in quotes")
    return Path(value).expanduser()


def _keymap(
    value: Any, where: str, path: Path, text: str, errors: list[ConfigError]
) -> dict[str, str]:
    """The good lines of the ``[keymap]`` table; each bad one is an error, left out."""
    if not isinstance(value, dict):
        raise ConfigError(where, 'keymap must be a table: [keymap] then lines of id = "keys"')
    keymap: dict[str, str] = {}
    for binding_id, keys in value.items():
        if not isinstance(keys, str) or not keys.strip():
            errors.append(
                ConfigError(
                    _where(path, text, binding_id, table="keymap"),
                    f'keymap.{binding_id} must be keys in quotes, e.g. "ctrl+n,n"',
                )
            )
            continue
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
