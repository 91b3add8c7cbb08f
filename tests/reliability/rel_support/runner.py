"""Running ``tgreader`` as a user does (a subprocess) and reading what it left behind."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tgreader.store import Store

__all__ = ["Cli", "Result", "base_env", "one_line", "store_rows"]


@dataclass
class Result:
    """What a run of tgreader said, and how it ended."""

    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        """stderr, one entry per non-empty line."""
        return [line for line in self.err.splitlines() if line.strip()]


def base_env(tmp: Path) -> dict[str, str]:
    """An environment with private folders, no inherited tgreader settings, no proxies."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TGREADER_") and "proxy" not in k.lower()
    }
    env.update(
        TGREADER_CACHE_DIR=str(tmp / "cache"),
        TGREADER_DATA_DIR=str(tmp / "data"),
        TGREADER_CONFIG_DIR=str(tmp / "config"),
        COLUMNS="100",
        NO_COLOR="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


class Cli:
    """``tgreader ARGS`` in a subprocess with a given environment."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def command(self, *args: str) -> list[str]:
        """The argv that runs tgreader with ``args``."""
        return [sys.executable, "-m", "tgreader", *args]

    def __call__(self, *args: str, timeout: float = 60, **env: str) -> Result:
        proc = subprocess.run(
            self.command(*args),
            capture_output=True,
            text=True,
            env={**self.env, **env},
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def start(self, *args: str, **env: str) -> subprocess.Popen[str]:
        """Start tgreader without waiting (stdout and stderr are pipes)."""
        return subprocess.Popen(
            self.command(*args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env={**self.env, **env},
        )


def one_line(result: Result) -> str:
    """The only line tgreader wrote on stderr; fails on a traceback or several lines."""
    assert "Traceback" not in result.err, result.err
    lines = result.err_lines
    assert len(lines) == 1, result.err
    return lines[0]


def store_rows(path: Path) -> dict[str, list[Any]]:
    """Every row of every table of a store file, as stored (compressed bytes and the search
    index's own tables included), read through a connection of its own."""
    conn = sqlite3.connect(path, timeout=10)
    try:
        names = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE "
                "'CREATE VIRTUAL TABLE%' ORDER BY name"
            )
        ]
        return {name: conn.execute(f'SELECT * FROM "{name}"').fetchall() for name in names}
    finally:
        conn.close()


def page_row(path: Path, url: str) -> dict[str, Any] | None:
    """What the store holds for ``url`` (through the Store), or None."""
    with Store.open(path) as store:
        page = store.get(url)
    if page is None:
        return None
    return {
        "html": page.html,
        "parsed_json": json.dumps(page.parsed, ensure_ascii=False, sort_keys=True),
        "fetched_at": page.fetched_at,
        "etag": page.etag,
    }
