"""The history cache: parsed blobs and walked commits, per repository.

Tables of the one cache file (``backlogctl.cache``), each row keyed by the
repository's git folder. A blob's contents never change, so its parsed form
keyed by blob id is always valid. Walked commit lists are kept per (items
folder, tip); a later run whose tip descends from a cached one along the first
parent reads only the new commits. Finished results are kept by the commit
ids they were computed from. The salt names the git options and the YAML
parser. The cache is a convenience: if it is unreadable, corrupt or
unwritable, everything still works, only slower.
"""

from __future__ import annotations

import contextlib
import marshal
import pickle
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from backlogctl import cache
from backlogctl.history.walk import CommitInfo, from_rows, to_rows

VERSION = "6"
KEEP_CHAINS = 8
KEEP_RESULTS = 32
_ERRORS = (*cache.ERRORS, pickle.PickleError, EOFError, AttributeError, TypeError, ValueError)
TABLES = {
    "blobs": "repo TEXT, sha TEXT, data BLOB, PRIMARY KEY (repo, sha)",
    "blob_ids": "repo TEXT, sha TEXT, id TEXT, PRIMARY KEY (repo, sha)",
    "chains": "repo TEXT, key TEXT, commits BLOB, used INTEGER, PRIMARY KEY (repo, key)",
    "results": "repo TEXT, key TEXT, value BLOB, used INTEGER, PRIMARY KEY (repo, key)",
}


def history_key(folder: str, item_id: str, tip: str) -> str:
    """The key of `history`'s result for one id: it depends only on the items folder and the commits."""
    return f"history\x1f{folder}\x1f{item_id.upper()}\x1f{tip}"


def _salt() -> str:
    """Everything that can change an answer besides the commits: our version, git options, the parser."""
    from backlogctl.history.git import OPTIONS
    from backlogctl.history.walk import LOG_OPTIONS
    from backlogctl.store.cache import parser

    return f"history-{VERSION}/{parser()}/{' '.join(OPTIONS + LOG_OPTIONS)}"


class HistoryCache:
    """Parsed blobs and commit chains of one repository."""

    def __init__(self, git_dir: Path) -> None:
        self.repo = str(git_dir.resolve())
        self._tables = cache.open_tables("history", _salt(), TABLES)

    def close(self) -> None:
        if self._tables is not None:
            self._tables.close()
            self._tables = None

    def _read(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        """Rows of ``sql`` with this repository as its first parameter; [] when off or failing."""
        if self._tables is None:
            return []
        try:
            return self._tables.read(lambda db: db.execute(sql, (self.repo, *params)).fetchall()) or []
        except _ERRORS:
            return []

    def _write(self, change: Any) -> None:
        if self._tables is None:
            return
        with contextlib.suppress(*_ERRORS):
            self._tables.write(change)

    def blobs(self, shas: Iterable[str]) -> dict[str, Any]:
        """Cached parsed blobs among ``shas``: sha -> (data, error message)."""
        wanted = list(dict.fromkeys(shas))
        found: dict[str, Any] = {}
        try:
            for start in range(0, len(wanted), 500):
                part = wanted[start : start + 500]
                marks = ",".join("?" * len(part))
                query = f"SELECT sha, data FROM blobs WHERE repo = ? AND sha IN ({marks})"
                rows = self._read(query, tuple(part))
                for sha, data in rows:
                    found[sha] = pickle.loads(data)
        except _ERRORS:
            return {}
        return found

    def store_blobs(self, parsed: dict[str, Any]) -> None:
        if not parsed:
            return
        try:
            rows = [
                (self.repo, sha, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
                for sha, value in parsed.items()
            ]
        except _ERRORS:
            return
        self._write(lambda db: db.executemany("INSERT OR REPLACE INTO blobs VALUES (?, ?, ?)", rows))

    def blob_ids(self) -> dict[str, str | None]:
        """Every blob whose item id is known: sha -> id."""
        return dict(self._read("SELECT sha, id FROM blob_ids WHERE repo = ?", ()))

    def store_blob_ids(self, ids: dict[str, str | None]) -> None:
        if not ids:
            return
        rows = [(self.repo, sha, item_id) for sha, item_id in ids.items()]
        self._write(lambda db: db.executemany("INSERT OR REPLACE INTO blob_ids VALUES (?, ?, ?)", rows))

    def chain_tips(self, folder: str, base: str) -> list[str]:
        """Tips of the cached commit lists for ``folder`` after ``base``, most recently used first."""
        head = f"{folder}\x1f{base}\x1f"
        query = "SELECT key FROM chains WHERE repo = ? AND substr(key, 1, ?) = ? ORDER BY used DESC"
        rows = self._read(query, (len(head), head))
        return [key[len(head) :] for (key,) in rows]

    def chain(self, folder: str, base: str, tip: str) -> list[CommitInfo] | None:
        """The cached walk of ``folder`` from ``tip`` back to ``base`` ('' the root)."""
        key = f"{folder}\x1f{base}\x1f{tip}"
        rows = self._read("SELECT commits FROM chains WHERE repo = ? AND key = ?", (key,))
        try:
            return from_rows(marshal.loads(rows[0][0])) if rows else None
        except _ERRORS:
            return None

    def store_chain(self, folder: str, base: str, tip: str, commits: list[CommitInfo]) -> None:
        try:
            blob = marshal.dumps(to_rows(commits))
        except _ERRORS:
            return
        row = (self.repo, f"{folder}\x1f{base}\x1f{tip}", blob, time.time_ns())
        self._write(lambda db: _keep_newest(db, "chains", row, KEEP_CHAINS))

    def result(self, key: str) -> Any:
        """A finished result stored under ``key`` (commit ids and folder in it), or None."""
        rows = self._read("SELECT value FROM results WHERE repo = ? AND key = ?", (key,))
        try:
            return pickle.loads(rows[0][0]) if rows else None
        except _ERRORS:
            return None

    def has_result(self, key: str) -> bool:
        """Whether a finished result is stored under ``key`` (without reading it)."""
        return bool(self._read("SELECT 1 FROM results WHERE repo = ? AND key = ?", (key,)))

    def store_result(self, key: str, value: Any) -> None:
        try:
            blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except _ERRORS:
            return
        row = (self.repo, key, blob, time.time_ns())
        self._write(lambda db: _keep_newest(db, "results", row, KEEP_RESULTS))


def _keep_newest(db: sqlite3.Connection, table: str, row: tuple[Any, ...], keep: int) -> None:
    """Store ``row`` (repo, key, value, used); keep the ``keep`` most recently used of its repository."""
    db.execute(f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?, ?)", row)
    db.execute(
        f"DELETE FROM {table} WHERE repo = ? AND key NOT IN "
        f"(SELECT key FROM {table} WHERE repo = ? ORDER BY used DESC LIMIT ?)",
        (row[0], row[0], keep),
    )
