"""tgreader.settings: one order of sources, defaults written once, values checked."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tgreader.config import Config, read_config
from tgreader.errors import UsageError
from tgreader.settings import LIMITS, Settings, check_number, parse_site, resolve
from tgreader.urls import Site

FILE_SITE = Site("http://file.example")
FILE = Config(site=FILE_SITE, ttl=60.0, concurrency=2)


def test_nothing_given_is_the_defaults() -> None:
    assert resolve({}, {}) == Settings()
    assert resolve({}, {}, Config()) == Settings()


def test_options_win_over_the_environment_which_wins_over_the_file() -> None:
    env = {"TGREADER_SITE": "http://env.example", "TGREADER_TTL": "30"}
    assert resolve({}, {}, FILE) == Settings(site=FILE_SITE, ttl=60.0, concurrency=2)
    from_env = resolve({}, env, FILE)
    assert (from_env.site, from_env.ttl, from_env.concurrency) == (
        Site("http://env.example"), 30.0, 2)  # fmt: skip
    given = resolve({"site": "http://opt.example", "concurrency": "8"}, env, FILE)
    assert (given.site, given.ttl, given.concurrency) == (Site("http://opt.example"), 30.0, 8)


def test_flags_and_folders_from_either_source() -> None:
    env = {"TGREADER_OFFLINE": "yes", "TGREADER_CACHE_DIR": "~/c"}
    settings = resolve({"demo": True, "data_dir": Path("/d")}, env)
    assert (settings.offline, settings.demo) == (True, True)
    assert settings.cache_dir == Path("~/c").expanduser() and settings.data_dir == Path("/d")


def test_ascii_marks_from_the_option_the_environment_or_the_file(tmp_path: Path) -> None:
    assert not resolve({}, {}).ascii
    assert resolve({"ascii": True}, {}).ascii
    assert resolve({}, {"TGREADER_ASCII": "1"}).ascii
    assert resolve({}, {}, Config(ascii=True)).ascii
    assert not resolve({}, {"TGREADER_ASCII": "0"}, Config(ascii=False)).ascii
    path = tmp_path / "config.toml"
    config, errors = read_config("ascii = true\nttl = 5\n", path)
    assert config.ascii is True and not errors
    config, errors = read_config('ascii = "yes"\nttl = 5\n', path)
    assert config.ascii is None and config.ttl == 5.0  # the bad line alone is left out
    assert [e.cause for e in errors] == ["ascii must be true or false"]
    assert errors[0].where == f"{path}, line 1"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, True, "3", None, -1, 10**400])
def test_check_number_refuses_what_is_not_a_finite_number_in_range(value: object) -> None:
    assert check_number("ttl", value) is None


def test_check_number_limits_and_whole_numbers() -> None:
    low, high = LIMITS["concurrency"]
    assert check_number("concurrency", low) == 1 and check_number("concurrency", high) == 64
    assert check_number("concurrency", 65) is None and check_number("concurrency", 2.5) is None
    assert check_number("retries", 2.0) == 2 and check_number("ttl", 5) == 5.0


@pytest.mark.parametrize("url", ["http://h:99999", "http://h:0", "http://h:x", "ftp://h", "h"])
def test_parse_site_refuses_what_is_not_an_origin(url: str) -> None:
    with pytest.raises(ValueError):
        parse_site(url)


def test_a_bad_value_names_its_source() -> None:
    with pytest.raises(UsageError, match=r"^TGREADER_RETRIES: must be a whole number from 0"):
        resolve({}, {"TGREADER_RETRIES": "nan"})
    with pytest.raises(UsageError, match=r"^--site: "):
        resolve({"site": "http://h:99999"}, {})
