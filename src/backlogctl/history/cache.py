"""A per-repository cache of parsed blobs and walked commits.

A blob's contents never change, so its parsed form keyed by blob id is always
valid. Walked commit lists are kept per (items folder, tip); a later run whose
tip descends from a cached one along the first parent reads only the new
commits. The cache is a convenience: if it is unreadable, corrupt or
unwritable, everything still works, only slower.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import pickle
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from backlogctl.history.walk import CommitInfo, from_rows, to_rows

VERSION = "5"
KEEP_CHAINS = 8
KEEP_RESULTS = 32
_ERRORS = (sqlite3.Error, pickle.PickleError, EOFError, AttributeError, TypeError, ValueError, OSError)


def enabled() -> bool:
    """BACKLOGCTL_NO_CACHE=1 turns every cache off (cold runs, benchmarks)."""
    return os.environ.get("BACKLOGCTL_NO_CACHE", "") in ("", "0")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "backlogctl"


class HistoryCache:
    """Parsed blobs and commit chains of one repository, in one SQLite file."""

    def __init__(self, git_dir: Path) -> None:
        from backlogctl import __version__
        from backlogctl.history.git import OPTIONS
        from backlogctl.history.walk import LOG_OPTIONS

        key = hashlib.sha256(str(git_dir.resolve()).encode()).hexdigest()[:20]
        self.path = cache_dir() / f"history-{key}.sqlite"
        # Everything that can change an answer besides the commits: our version and the git options.
        self._salt = f"{VERSION}/{__version__}/{' '.join(OPTIONS + LOG_OPTIONS)}"
        self._db: sqlite3.Connection | None = None
        if not enabled():
            return
        try:
            self._db = self._open()
        except _ERRORS:
            self._db = self._reopen()

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=2)
        db.executescript(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);"
            "CREATE TABLE IF NOT EXISTS blobs (sha TEXT PRIMARY KEY, data BLOB);"
            "CREATE TABLE IF NOT EXISTS blob_ids (sha TEXT PRIMARY KEY, id TEXT);"
            "CREATE TABLE IF NOT EXISTS chains (key TEXT PRIMARY KEY, commits BLOB, used INTEGER);"
            "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value BLOB, used INTEGER);"
        )
        row = db.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()
        if row is None or row[0] != self._salt:
            # Written by another version: parsed forms may differ, start afresh.
            db.executescript(
                "DELETE FROM blobs; DELETE FROM blob_ids; DELETE FROM chains; DELETE FROM results;"
            )
            db.execute("INSERT OR REPLACE INTO meta VALUES ('salt', ?)", (self._salt,))
            db.commit()
        return db

    def _reopen(self) -> sqlite3.Connection | None:
        """A corrupt file is thrown away once; if that fails too, run without a cache."""
        try:
            self.path.unlink(missing_ok=True)
            return self._open()
        except _ERRORS:
            return None

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(*_ERRORS):
                self._db.close()
            self._db = None

    def blobs(self, shas: Iterable[str]) -> dict[str, Any]:
        """Cached parsed blobs among ``shas``: sha -> (data, error message)."""
        if self._db is None:
            return {}
        wanted = list(dict.fromkeys(shas))
        found: dict[str, Any] = {}
        try:
            for start in range(0, len(wanted), 500):
                part = wanted[start : start + 500]
                marks = ",".join("?" * len(part))
                for sha, data in self._db.execute(
                    f"SELECT sha, data FROM blobs WHERE sha IN ({marks})", part
                ):
                    found[sha] = pickle.loads(data)
        except _ERRORS:
            return {}
        return found

    def store_blobs(self, parsed: dict[str, Any]) -> None:
        if self._db is None or not parsed:
            return
        try:
            rows = [
                (sha, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)) for sha, value in parsed.items()
            ]
            self._db.executemany("INSERT OR REPLACE INTO blobs VALUES (?, ?)", rows)
            self._db.commit()
        except _ERRORS:
            pass

    def blob_ids(self) -> dict[str, str | None]:
        """Every blob whose item id is known: sha -> id."""
        if self._db is None:
            return {}
        try:
            return dict(self._db.execute("SELECT sha, id FROM blob_ids").fetchall())
        except _ERRORS:
            return {}

    def store_blob_ids(self, ids: dict[str, str | None]) -> None:
        if self._db is None or not ids:
            return
        try:
            self._db.executemany("INSERT OR REPLACE INTO blob_ids VALUES (?, ?)", list(ids.items()))
            self._db.commit()
        except _ERRORS:
            pass

    def chain_tips(self, folder: str, base: str) -> list[str]:
        """Tips of the cached commit lists for ``folder`` after ``base``, most recently used first."""
        if self._db is None:
            return []
        head = f"{folder}\x1f{base}\x1f"
        try:
            rows = self._db.execute(
                "SELECT key FROM chains WHERE substr(key, 1, ?) = ? ORDER BY used DESC", (len(head), head)
            ).fetchall()
        except _ERRORS:
            return []
        return [key[len(head) :] for (key,) in rows]

    def chain(self, folder: str, base: str, tip: str) -> list[CommitInfo] | None:
        """The cached walk of ``folder`` from ``tip`` back to ``base`` ('' the root)."""
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT commits FROM chains WHERE key = ?", (f"{folder}\x1f{base}\x1f{tip}",)
            ).fetchone()
            return None if row is None else from_rows(marshal.loads(row[0]))
        except _ERRORS:
            return None

    def store_chain(self, folder: str, base: str, tip: str, commits: list[CommitInfo]) -> None:
        if self._db is None:
            return
        import time

        try:
            blob = marshal.dumps(to_rows(commits))
            key = f"{folder}\x1f{base}\x1f{tip}"
            self._db.execute("INSERT OR REPLACE INTO chains VALUES (?, ?, ?)", (key, blob, time.time_ns()))
            self._db.execute(
                "DELETE FROM chains WHERE key NOT IN (SELECT key FROM chains ORDER BY used DESC LIMIT ?)",
                (KEEP_CHAINS,),
            )
            self._db.commit()
        except _ERRORS:
            pass

    def result(self, key: str) -> Any:
        """A finished result stored under ``key`` (commit ids and folder in it), or None."""
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT value FROM results WHERE key = ?", (key,)).fetchone()
            return None if row is None else pickle.loads(row[0])
        except _ERRORS:
            return None

    def store_result(self, key: str, value: Any) -> None:
        if self._db is None:
            return
        import time

        try:
            blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            self._db.execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?)", (key, blob, time.time_ns()))
            self._db.execute(
                "DELETE FROM results WHERE key NOT IN (SELECT key FROM results ORDER BY used DESC LIMIT ?)",
                (KEEP_RESULTS,),
            )
            self._db.commit()
        except _ERRORS:
            pass
