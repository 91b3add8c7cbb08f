"""Errors that tgreader expects and reports as one line, with an exit code."""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "FetchError",
    "NotStoredError",
    "ParseError",
    "StoreError",
    "TgError",
    "UsageError",
    "WrongKindError",
]


class TgError(Exception):
    """An expected failure: ``where`` names the URL or file, ``cause`` says what went wrong."""

    exit_code = 1

    def __init__(self, where: str, cause: str) -> None:
        super().__init__(f"{where}: {cause}")
        self.where = where
        self.cause = cause


class UsageError(TgError):
    """The command line or an argument is wrong."""

    exit_code = 2


class FetchError(TgError):
    """The network failed, or the server answered with something tgreader will not read."""

    exit_code = 3

    def __init__(self, where: str, cause: str, *, status: int | None = None) -> None:
        super().__init__(where, cause)
        self.status = status


class NotStoredError(FetchError):
    """Offline, and the page was never stored."""


class ParseError(TgError):
    """The page is not recognisable as the kind of page asked for."""

    exit_code = 4


class StoreError(TgError):
    """The local store cannot be opened, read or written."""

    exit_code = 5


class ConfigError(TgError):
    """The configuration file is malformed."""

    exit_code = 2


class WrongKindError(ParseError):
    """The URL holds another kind of page than the command reads (a listing for ``read``)."""

    def __init__(self, where: str, kind: str, wanted: str, hint: str) -> None:
        super().__init__(where, f"{kind}, not {wanted}; {hint}")
        self.kind = kind
        self.wanted = wanted
