"""Opening tgreader's SQLite files: permissions, pragmas, corruption checks and migrations.

Shared by the page cache (``store.py``) and the user data (``userdata.py``). Every SQLite
error that can reach the user is turned into a one-line :class:`StoreError` here.
"""

from __future__ import annotations

import contextlib
import errno
import os
import random
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, NamedTuple, Self

from tgreader.errors import StoreError

__all__ = [
    "Database",
    "Migration",
    "Opened",
    "is_corrupt",
    "is_damage",
    "open_database",
    "store_error",
    "transaction",
    "translate_errors",
]

# One migration is a sequence of SQL statements. They run with ``execute`` one by one,
# never ``executescript``, which would COMMIT the migration transaction half way.
Migration = Sequence[str]

BUSY_TIMEOUT_S = 10.0
# The page size of a new file (SQLite's default is 4096). Half of that suits what tgreader
# stores: compressed pages of 1-3 KB pack with less slack, and every table and index of a
# small store costs half as much (measured: an archive's file a seventh smaller, its
# searches about 5 % slower; 1024 made them half slower). A file keeps the size it was made
# with.
PAGE_SIZE = 2048
# PRAGMA application_id of tgreader's files ("TGRD"), so tools like file(1) can tell them.
APPLICATION_ID = 0x54475244

# Result codes (primary, the low byte of the extended code) that mean the file is damaged
# or not a database at all, as opposed to a problem with its folder, the disk or a lock.
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
_CORRUPT_CODES = frozenset({_SQLITE_CORRUPT, _SQLITE_NOTADB})
_SQLITE_BUSY = 5
_SQLITE_IOERR = 10
_SQLITE_FULL = 13
_ROOM_BYTES = 64 * 1024  # less free space than this, and an I/O error is a full disk

_CAUSES = {
    3: "permission denied",  # SQLITE_PERM
    5: "the database is busy (another tgreader is writing); try again",  # SQLITE_BUSY
    6: "the database is locked; try again",  # SQLITE_LOCKED
    8: "the file or its folder is read-only",  # SQLITE_READONLY
    10: "disk I/O error",  # SQLITE_IOERR
    11: "the database file is damaged",  # SQLITE_CORRUPT
    13: "the disk is full",  # SQLITE_FULL
    14: "cannot open the file (check that its folder exists and is writable)",  # CANTOPEN
    26: "damaged, or not a database at all",  # SQLITE_NOTADB
}


class Opened(NamedTuple):
    """A connection ready for use, and where a damaged file was moved, if it was."""

    conn: sqlite3.Connection
    recovered_from: Path | None
    presence: int | None = None  # the descriptor holding the file's presence lock


def _code(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def is_corrupt(error: sqlite3.Error) -> bool:
    """True when ``error`` says the file is damaged or is not an SQLite database."""
    code = _code(error)
    if code is not None:
        return code in _CORRUPT_CODES
    text = str(error).lower()
    return "not a database" in text or "malformed" in text


def is_damage(error: StoreError) -> bool:
    """True when ``error`` says its file is damaged (or not a database at all)."""
    return error.cause.startswith((_CAUSES[_SQLITE_CORRUPT], _CAUSES[_SQLITE_NOTADB]))


def store_error(path: Path, error: BaseException) -> StoreError:
    """A one-line StoreError for an SQLite or OS error on the file at ``path``."""
    if isinstance(error, StoreError):
        return error
    if isinstance(error, sqlite3.Error):
        code = _code(error)
        if code == _SQLITE_IOERR and _disk_full(path):
            # SQLite says "disk I/O error" when it cannot grow its -shm file on a full disk.
            code = _SQLITE_FULL
        cause = _CAUSES.get(code) if code is not None else None
        # One line, whatever SQLite says (quick_check reports span several).
        detail = " ".join(str(error).split())[:300]
        if cause and detail and detail.lower() not in cause.lower():
            cause = f"{cause} ({detail})"
        return StoreError(str(path), cause or detail or type(error).__name__)
    if isinstance(error, OSError):
        reason = error.strerror or str(error) or "OS error"
        reason = reason[0].lower() + reason[1:]
        if isinstance(error, PermissionError):
            reason += " (check that the file and its folder are writable)"
        return StoreError(str(error.filename or path), reason)
    return StoreError(str(path), str(error) or type(error).__name__)


def _disk_full(path: Path) -> bool:
    """True when the file system holding ``path`` has (almost) no room left."""
    for place in (path.parent, path):
        try:
            info = os.statvfs(place)
        except OSError:
            continue
        return info.f_bavail * info.f_frsize < _ROOM_BYTES
    return False


@contextlib.contextmanager
def translate_errors(path: Path) -> Iterator[None]:
    """Turn SQLite and OS errors raised inside the block into StoreError for ``path``."""
    try:
        yield
    except (sqlite3.Error, OSError) as error:
        if isinstance(error, sqlite3.Error) and is_corrupt(error):
            # Checking the whole file now would stall the command that met the damage;
            # the next open checks it instead (and moves it aside if it is damaged).
            with contextlib.suppress(OSError):
                _suspect_marker(path).touch()
        raise store_error(path, error) from error


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction: all of the block or nothing.

    ``BEGIN IMMEDIATE`` takes the write lock up front, so a writer waits (busy_timeout)
    instead of failing with "database is locked" when upgrading a read lock.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        # SQLite may already have rolled back by itself (disk full, I/O error).
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _make_private_dir(folder: Path) -> None:
    if folder.is_dir():
        return
    # Intermediate folders get the default mode; the last one, ours, is private. Another
    # thread or process may create it at the same moment: exist_ok makes that harmless.
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except FileExistsError:  # only raised when it exists and is not a folder
        raise StoreError(str(folder), "not a folder") from None
    if not folder.is_symlink():  # never change the mode of what a link points to
        with contextlib.suppress(OSError):
            folder.chmod(0o700)


def _make_private_file(path: Path) -> None:
    """Create the database file as 0o600 before SQLite does.

    SQLite gives the -wal and -shm files the permissions of the database file, so creating
    it private here makes all three private without touching the process-wide umask
    (which other threads may be relying on). A symlink is used as it is: the mode of
    what it points to is never changed. What is not a regular file is refused.
    """
    # O_NONBLOCK: a FIFO would otherwise block the open forever.
    flags = os.O_RDWR | os.O_CREAT | os.O_NONBLOCK
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW, 0o600)
        link = False
    except OSError as error:
        if error.errno != errno.ELOOP:
            raise
        fd = os.open(path, flags, 0o600)
        link = True
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise StoreError(str(path), "not a regular file (a device, a pipe or a folder)")
        if not link and info.st_mode & 0o077 and info.st_uid == os.geteuid():
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def _set_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL mode (it persists, so this is usually a read).

    WAL lets readers work while a writer commits. Where it is refused (a file system
    without shared memory), SQLite keeps its rollback journal: slower, still correct.
    """
    if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
        return
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
            return
        except sqlite3.OperationalError as error:
            # Two connections switching a new file at once: SQLite answers SQLITE_BUSY
            # at once, without its busy handler (to avoid a deadlock), so wait here.
            if _code(error) != _SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.005 + random.random() * 0.02)


def quick_check(conn: sqlite3.Connection) -> None:
    """Raise a "malformed" DatabaseError unless SQLite's quick_check finds the file sound.

    It reads the whole file (0.1 s per 10,000 articles): run after a crash or an error,
    never at every open (see :func:`open_database`).
    """
    check = conn.execute("PRAGMA quick_check").fetchall()
    if [tuple(row) for row in check] != [("ok",)]:
        problem = "; ".join(str(row[0]) for row in check[:3])
        raise sqlite3.DatabaseError(f"database disk image is malformed: {problem}")


def _connect(path: Path, *, check: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(
        path,
        timeout=BUSY_TIMEOUT_S,
        # The UI calls the store from worker threads; each Store guards its connection
        # with its own lock, so SQLite's same-thread check would only get in the way.
        check_same_thread=False,
        # Autocommit: transactions are opened explicitly (BEGIN IMMEDIATE) by the callers.
        isolation_level=None,
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        # The first read of the header: a file that is not SQLite fails here.
        if conn.execute("PRAGMA page_count").fetchone()[0] == 0:
            # A new file. With auto-vacuum, the pages a commit frees (the search index
            # merges its segments as it grows) leave the file at once instead of waiting
            # for a VACUUM. (Asked of an existing file, the pragma writes its header
            # again, even when nothing changes: never at every open.)
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            conn.execute("PRAGMA auto_vacuum = FULL")
        _set_wal(conn)
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        if check:
            quick_check(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _migrate(conn: sqlite3.Connection, path: Path, migrations: Sequence[Migration]) -> None:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version == len(migrations):
        return
    # IMMEDIATE takes the write lock first, so two processes opening a new file at once
    # do not both run the migrations: the second re-reads the version and finds it done.
    with transaction(conn):
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > len(migrations):
            raise StoreError(
                str(path),
                f"made by a newer tgreader (schema {version}, this version knows "
                f"{len(migrations)})",
            )
        if version == 0:
            foreign = conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
            if foreign:
                # Some other program's database: never add our tables to it.
                raise StoreError(str(path), "not a tgreader database (it has other tables)")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for migration in migrations[version:]:
            for statement in migration:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {len(migrations)}")


def _aside_name(path: Path) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
    return candidate


def _move_aside(path: Path) -> Path:
    """Rename a damaged database (and its WAL) out of the way; return the new name."""
    target = _aside_name(path)
    path.rename(target)
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        # A stale WAL left next to a fresh database could be replayed into it.
        wal.rename(target.with_name(target.name + "-wal"))
    shm = path.with_name(path.name + "-shm")
    with contextlib.suppress(FileNotFoundError):
        shm.unlink()
    return target


def _suspect_marker(path: Path) -> Path:
    """The file whose presence asks the next open to check ``path`` (see translate_errors)."""
    return path.with_name(path.name + "-check")


def _hold_presence(path: Path) -> tuple[int | None, bool]:
    """Share-lock ``<path>-open`` for as long as the file is open here; also say whether no
    other tgreader had it open (then a WAL left behind is a crash's).

    The operating system drops the lock of a process that dies, so this survives crashes.
    Without ``fcntl`` (Windows) nothing is held and every open counts as alone.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return None, True
    name = path.with_name(path.name + "-open")
    try:
        fd = os.open(name, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        try:
            fd = os.open(name, os.O_RDONLY)  # a read-only folder: a lock needs no writing
        except OSError:
            return None, True  # cannot tell: a leftover WAL is then checked
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            alone = True
        except BlockingIOError:
            alone = False
        # Blocks only while another open holds it exclusively, for these few lines.
        fcntl.flock(fd, fcntl.LOCK_SH)
    except BaseException:
        os.close(fd)
        raise
    return fd, alone


def _needs_check(path: Path, alone: bool) -> bool:
    """True when the file may be damaged: an error said so (the marker), or the last
    process to have it open died with changes in its WAL. A clean close removes the WAL."""
    if _suspect_marker(path).exists():
        return True
    try:
        return alone and path.with_name(path.name + "-wal").stat().st_size > 0
    except FileNotFoundError:
        return False


def open_database(path: Path, migrations: Sequence[Migration], *, recover: bool = False) -> Opened:
    """Open (creating if needed) the SQLite file at ``path`` and bring its schema up to date.

    The whole file is checked only after a crash or an error (:func:`_needs_check`), so an
    open costs the same at any size. A damaged file raises StoreError, or with ``recover``
    is moved aside and replaced.
    """
    path = Path(path).expanduser()
    recovered_from: Path | None = None
    presence: int | None = None
    try:
        _make_private_dir(path.parent)
        _make_private_file(path)
        presence, alone = _hold_presence(path)
        try:
            conn = _connect(path, check=_needs_check(path, alone))
        except sqlite3.DatabaseError as error:
            if not is_corrupt(error):
                raise
            if not recover:
                # Closing took the WAL that made this open check: keep the suspicion.
                _suspect_marker(path).touch()
                raise
            recovered_from = _move_aside(path)
            _make_private_file(path)
            conn = _connect(path)
        with contextlib.suppress(FileNotFoundError):
            _suspect_marker(path).unlink()  # checked, or moved aside
        try:
            _migrate(conn, path, migrations)
        except BaseException:
            conn.close()
            raise
    except (sqlite3.Error, OSError) as error:
        _release(presence)
        raise store_error(path, error) from error
    except BaseException:
        _release(presence)
        raise
    return Opened(conn, recovered_from, presence)


def _release(presence: int | None) -> None:
    if presence is not None:
        with contextlib.suppress(OSError):
            os.close(presence)  # closing the descriptor drops its lock


def salvage(conn: sqlite3.Connection, source: Path, tables: Sequence[str]) -> int:
    """Copy every row SQLite can still read from ``tables`` of the damaged file ``source``
    into the same tables of ``conn``; returns how many were kept."""
    try:
        old = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    except (sqlite3.Error, ValueError):
        return 0
    kept = 0
    try:
        for table in tables:
            columns = [str(row[1]) for row in conn.execute(f'PRAGMA table_info("{table}")')]
            rows = _readable_rows(old, table, columns)
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" for _ in columns)
            with transaction(conn):
                for row in rows:
                    # OR IGNORE: a damaged row (a NULL title, a repeated URL) is left out.
                    insert = f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({marks})'
                    kept += conn.execute(insert, row).rowcount
    finally:
        old.close()
    return kept


def _readable_rows(old: sqlite3.Connection, table: str, columns: list[str]) -> list[Any]:
    """The rows of ``table`` in the damaged file that can be read, in rowid order.

    A read that meets a damaged page is started again after the last good row, skipping
    ever further ahead (1, 2, 4… rowids) for a bounded number of tries.
    """
    names = ", ".join(f'"{c}"' for c in columns)
    query = f'SELECT rowid, {names} FROM "{table}" WHERE rowid > ? ORDER BY rowid'
    rows: list[Any] = []
    after, step = -(2**63), 1
    for _ in range(64):
        try:
            for row in old.execute(query, (after,)):
                rows.append(tuple(row[1:]))
                after, step = row[0], 1
            break
        except sqlite3.Error:
            after = min(after + step, 2**63 - 1) if after > -(2**63) else 0
            step *= 2
    return rows


class Database:
    """One SQLite file of tgreader's: a connection behind a lock, safe to share between
    threads. Subclasses give their ``MIGRATIONS`` and a ``NAME`` for error messages."""

    MIGRATIONS: ClassVar[Sequence[Migration]] = ()
    NAME: ClassVar[str] = "the database"
    #: Tables whose rows are copied from a damaged file into the new one (the user's own
    #: data; a cache has nothing worth the time).
    SALVAGE: ClassVar[Sequence[str]] = ()

    def __init__(
        self, conn: sqlite3.Connection, path: Path, recovered_from: Path | None = None
    ) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.RLock()
        self.path = path
        #: Where a damaged file was moved when opened with ``recover=True``, else None.
        self.recovered_from = recovered_from
        #: Rows copied from the damaged file (see ``SALVAGE``), when one was moved aside.
        self.salvaged: int | None = None
        self._presence: int | None = None

    @classmethod
    def open(cls, path: Path, *, recover: bool = False) -> Self:
        """Open or create the file at ``path`` and bring its schema up to date.

        A damaged file raises StoreError, or with ``recover`` is moved aside to
        ``<name>.corrupt-<timestamp>`` and a new one is started (see ``recovered_from``).
        """
        path = Path(path).expanduser()
        opened = open_database(path, cls.MIGRATIONS, recover=recover)
        database = cls(opened.conn, path, opened.recovered_from)
        database._presence = opened.presence
        if opened.recovered_from is not None and cls.SALVAGE:
            try:
                database.salvaged = salvage(opened.conn, opened.recovered_from, cls.SALVAGE)
            except sqlite3.Error as error:
                database.close()
                raise store_error(path, error) from error
        return database

    def close(self) -> None:
        """Close the connection; later calls raise StoreError."""
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
                self._conn = None
            _release(self._presence)
            self._presence = None

    def start_over(self) -> Path:
        """Move the (damaged) file aside and start a new one in its place; return where
        the old one went (also ``recovered_from``)."""
        with self._lock:  # re-entrant: close() takes it too
            self.close()
            try:
                moved = _move_aside(self.path)
            except OSError as error:
                raise store_error(self.path, error) from error
            with contextlib.suppress(FileNotFoundError):
                _suspect_marker(self.path).unlink()
            opened = open_database(self.path, self.MIGRATIONS)
            self._conn, self._presence = opened.conn, opened.presence
            self.recovered_from = moved
            if self.SALVAGE:
                try:
                    self.salvaged = salvage(opened.conn, moved, self.SALVAGE)
                except sqlite3.Error as error:
                    raise store_error(self.path, error) from error
            return moved

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with self._lock, translate_errors(self.path):
            if self._conn is None:
                raise StoreError(str(self.path), f"{self.NAME} is closed")
            yield self._conn
