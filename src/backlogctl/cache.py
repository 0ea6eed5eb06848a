"""The one cache file: every cache backlogctl keeps, in one SQLite database.

Where: ``$XDG_CACHE_HOME/backlogctl/cache.sqlite`` (``~/.cache/backlogctl/``
without ``XDG_CACHE_HOME``), with SQLite's ``-wal`` and ``-shm`` files beside
it. Deleting them clears every cache. ``BACKLOGCTL_NO_CACHE=1`` turns every
cache off: nothing is read and nothing is written.

Each concern has its own tables: parsed item files (``store/cache.py``),
parsed blobs, commit walks and results of git history (``history/cache.py``),
the highest ids per branch tree (``history/branches.py``). A concern opens its
tables with a *salt*: everything besides the keys that can change a cached
answer (backlogctl's version and the tables' layout are always part of it; a
parser's version or git's options are added by the concern). Every read and write checks the stored salt
in the same transaction; when it differs, the concern's tables are dropped and
made afresh, so data written by another version is never served.

Two processes may use the file at once: it is in WAL mode (readers never wait)
and writers wait up to ``TIMEOUT`` seconds for each other. Callers ignore
``ERRORS``: a cache that cannot be opened, read or written only makes a run
slower, never wrong or failing. This module knows only sqlite3; what the
tables hold is each concern's business.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

FILE_NAME = "cache.sqlite"
TIMEOUT = 2.0
"""Seconds a writer waits for another process's write to finish before giving up (the cache is skipped)."""
ERRORS = (sqlite3.Error, OSError)
_CORRUPT = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)

T = TypeVar("T")


def enabled() -> bool:
    """False when ``BACKLOGCTL_NO_CACHE`` is set (to anything but 0): cold runs, benchmarks."""
    return os.environ.get("BACKLOGCTL_NO_CACHE", "") in ("", "0")


def folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "backlogctl"


def location() -> Path:
    """The one cache file."""
    return folder() / FILE_NAME


class Tables:
    """One concern's tables in the cache file, checked against its salt on every use."""

    def __init__(self, db: sqlite3.Connection, concern: str, salt: str, tables: dict[str, str]) -> None:
        self.db = db
        self.concern = concern
        self.salt = salt
        self.tables = tables

    def read(self, query: Callable[[sqlite3.Connection], T]) -> T | None:
        """``query(db)`` in one read transaction, or None if the tables hold another salt."""
        self.db.execute("BEGIN")
        try:
            return query(self.db) if self._current() else None
        finally:
            self.db.execute("COMMIT")

    def write(self, change: Callable[[sqlite3.Connection], object]) -> None:
        """``change(db)`` in one write transaction; tables of another salt are made afresh first."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            if not self._current():
                self._reset()
            change(self.db)
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def close(self) -> None:
        with contextlib.suppress(*ERRORS):
            self.db.close()

    def _current(self) -> bool:
        row = self.db.execute("SELECT salt FROM salts WHERE concern = ?", (self.concern,)).fetchone()
        return row is not None and row[0] == self.salt

    def _reset(self) -> None:
        for name, columns in self.tables.items():
            self.db.execute(f"DROP TABLE IF EXISTS {name}")
            self.db.execute(f"CREATE TABLE {name} ({columns})")
        self.db.execute("INSERT OR REPLACE INTO salts VALUES (?, ?)", (self.concern, self.salt))


def open_tables(concern: str, salt: str, tables: dict[str, str]) -> Tables | None:
    """``concern``'s tables (name -> column definitions) under ``salt``; None when off or unusable.

    A file that is not a database (corrupt, or something else) is thrown away
    once; if it still cannot be used, the run goes on without a cache.
    """
    if not enabled():
        return None
    from backlogctl import __version__

    # The tables' layout is part of the salt: a changed column makes them afresh.
    salt = f"{__version__}/{salt}/{sorted(tables.items())}"
    for attempt in range(2):
        found: Tables | None = None
        try:
            found = Tables(_connect(), concern, salt, tables)
            if not found.read(lambda db: True):
                found.write(lambda db: None)  # made afresh for this salt
            return found
        except ERRORS as exc:
            if found is not None:
                found.close()
            if attempt or getattr(exc, "sqlite_errorcode", None) not in _CORRUPT:
                return None
            _remove()
    return None


def _connect() -> sqlite3.Connection:
    path = location()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Private to the user: it holds item contents. SQLite gives -wal and -shm the same mode.
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    # Autocommit: transactions are explicit (Tables.read/write); a busy writer waits TIMEOUT.
    db = sqlite3.connect(path, timeout=TIMEOUT, isolation_level=None)
    try:
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode=WAL")  # persistent: set once, by whoever creates the file
        db.execute("PRAGMA synchronous=NORMAL")  # safe in WAL; a power cut may lose the last writes only
        db.execute("CREATE TABLE IF NOT EXISTS salts (concern TEXT PRIMARY KEY, salt TEXT)")
    except BaseException:
        db.close()
        raise
    return db


def _remove() -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            Path(f"{location()}{suffix}").unlink()
