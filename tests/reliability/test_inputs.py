"""Odd inputs on the command line, in the environment and in config.toml: each ends in one
line naming the option, variable or file and the cause, with the documented exit code;
never a traceback, a hang or an unbounded read."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tgreader.cli import main
from tgreader.demo.server import DemoServer
from tgreader.saved import MAX_FILE_BYTES

from rel_support.faults import SEED

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """``tgreader ARGS`` in this process with private folders: (exit code, stdout, stderr)."""
    for name in list(os.environ):
        if name.startswith("TGREADER_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TGREADER_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("TGREADER_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("TGREADER_CONFIG_DIR", str(tmp_path / "cfg"))

    def go(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return code, out, err

    return go


def _config(tmp_path: Path, text: str) -> None:
    (tmp_path / "cfg").mkdir(exist_ok=True)
    (tmp_path / "cfg" / "config.toml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 3000 + "]" * 3000 + "\n",
        "a = " + "{b = " * 3000 + "1" + "}" * 3000 + "\n",
        "[keymap]\nquit = " + "[" * 3000 + "]" * 3000 + "\n",
    ],
    ids=["arrays", "inline-tables", "in-keymap"],
)
def test_deeply_nested_config_is_one_line_and_the_command_runs(
    run: Run, tmp_path: Path, text: str
) -> None:
    _config(tmp_path, text)
    code, out, err = run("--offline", "sections")
    assert code == 0 and out  # the built-in sections (and a line saying so)
    (line,) = [line for line in err.splitlines() if "config.toml" in line]
    assert line.endswith("; ignored (the rest of the file applies)")
    assert line.count(": ") >= 2 and ("nested too deeply" in line or "must be" in line)


def test_one_bad_key_keeps_the_good_ones(run: Run, tmp_path: Path, demo: DemoServer) -> None:
    _config(tmp_path, f'ttl = "soon"\nsite = "{demo.url}"\nconcurrency = 5000000\n')
    code, out, err = run("read", SEED)
    assert code == 0 and out  # read from the demo server: the site was kept
    (line,) = err.splitlines()
    assert "config.toml, line 1: ttl must be" in line and "(and 1 more)" in line


@pytest.mark.parametrize("name", ["TGREADER_TTL", "TGREADER_RETRIES", "TGREADER_TIMEOUT",
                                  "TGREADER_CONCURRENCY"])  # fmt: skip
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400", "5e10", "-1", "x"])
def test_odd_numbers_in_the_environment_are_usage_errors(
    run: Run, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    code, out, err = run("--offline", "sections")
    assert (code, out) == (2, "")
    assert err.startswith(f"tgreader: {name}: must be ") and err.count("\n") == 1


@pytest.mark.parametrize(
    "args",
    [
        ("--site", "http://127.0.0.1:99999", "sections"),
        ("--site", "http://127.0.0.1:0", "sections"),
        ("--site", "http://127.0.0.1:x", "sections"),
        ("--timeout", "nan", "sections"),
        ("--timeout", "0", "sections"),
        ("sync", "--concurrency", "5000000"),
        ("sync", "--concurrency", "0"),
    ],
)
def test_odd_options_are_usage_errors(run: Run, args: tuple[str, ...]) -> None:
    code, out, err = run(*args)
    assert (code, out) == (2, "")
    assert err.startswith(f"tgreader: {args[0] if args[0] != 'sync' else '--concurrency'}: ")
    assert err.count("\n") == 1


def test_a_search_limit_beyond_sqlite_integers(run: Run) -> None:
    code, out, err = run("--offline", "search", "--limit", str(10**30), "hoi nghi")
    assert (code, err) == (0, "")
    assert out.startswith("No stored article matches")


def test_read_refuses_a_device(run: Run) -> None:
    code, out, err = run("read", "/dev/zero")
    assert (code, out) == (2, "")
    assert err == "tgreader: /dev/zero: not a regular file (a folder, a device or a pipe)\n"


def test_read_of_a_fifo_does_not_wait(run: Run, tmp_path: Path) -> None:
    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)
    code, out, err = run("read", str(fifo))
    assert (code, out) == (2, "")
    assert err == f"tgreader: {fifo}: not a regular file (a folder, a device or a pipe)\n"


def test_read_of_a_folder_is_refused_not_a_traceback(run: Run, tmp_path: Path) -> None:
    # `tgreader read /` (meant as the home page: `home` is that command) met the folder "/"
    # and stopped with IsADirectoryError.
    for folder in (str(tmp_path), "/"):
        code, out, err = run("read", folder)
        assert (code, out) == (2, "")
        assert err == f"tgreader: {folder}: not a regular file (a folder, a device or a pipe)\n"


def test_read_of_a_file_larger_than_a_download(run: Run, tmp_path: Path) -> None:
    big = tmp_path / "big.html"
    with big.open("wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used
    code, out, err = run("read", str(big))
    assert (code, out) == (2, "")
    assert err == f"tgreader: {big}: larger than 8 MB\n"


@pytest.mark.parametrize("name", ["missing.html", "sub/missing"])
def test_read_of_a_missing_file_is_no_such_file(run: Run, tmp_path: Path, name: str) -> None:
    (tmp_path / "sub").mkdir()
    path = tmp_path / name
    code, out, err = run("--offline", "read", str(path))
    assert (code, out, err) == (2, "", f"tgreader: {path}: no such file\n")
