"""The parse cache: parsed item files, so warm runs skip parsing.

One row per item file in the ``parsed`` table of the one cache file
(``backlogctl.cache``): a marshal blob of the file's identity and its data
(dates as ordinals plus where they sit). A warm run reads its folder's rows
in one query and decodes each as it comes off the cursor; a run after an edit
writes only the rows of the files it parsed. An entry is used only when the
file's identity is unchanged: size, mtime_ns, ctime_ns, inode and
device. Files changed in the last ``RACY_SECONDS`` are never cached, because a
second change within one timestamp tick could keep every stat field equal
(git's "racy clean" problem). Bad files are never cached. Any failure to read
or write the cache is ignored: the cache can only make a run faster, never
wrong or failing. The salt names the loader's revision and yaml-rs's version
(or "off" under ``BACKLOGCTL_FAST_YAML=0``): data parsed by one parser is
never served to a run of another.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import marshal
import os
import time
from pathlib import Path
from typing import Any

from backlogctl import cache

LOADER_REVISION = 6
"""Bump whenever what the loader accepts or returns changes: cached data of an
older loader must not outlive it (the version alone does not change between
commits)."""

TABLES = {"parsed": "folder TEXT, path TEXT, record BLOB, PRIMARY KEY (folder, path)"}


def parser() -> str:
    """The YAML parser in use, for cache salts: yaml-rs's version, or "off"."""
    from backlogctl.store import fast

    return f"yaml-rs-{fast.VERSION if fast.enabled() else 'off'}"


def _salt() -> str:
    return f"loader-{LOADER_REVISION}/{parser()}"


RACY_SECONDS = 2
Identity = tuple[int, int, int, int, int]


def identity(stat: os.stat_result) -> Identity:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev)


class Cache:
    """Parsed data of one folder's files, by path, valid for one identity each."""

    def __init__(self, folder: Path) -> None:
        self.folder = os.path.realpath(folder)
        self.fresh: dict[str, bytes] = {}
        self.stale: set[str] = set()
        self.unasked: list[str] = []
        """Stored paths this run did not ask for: files gone, or outside the walk."""
        self.started = time.time_ns()
        self.tables = cache.open_tables("parse", _salt(), TABLES)

    def read(self, paths: list[Path]) -> list[dict[str, Any] | None]:
        """The stored data of each of ``paths`` whose file is unchanged; None for the others.

        Each row is decoded as it comes off the cursor, so one blob is held at a
        time. Read all at once (87 MiB for 100,000 items, malloc'd: each is over
        pymalloc's 512 bytes) they raised a warm load's peak by about that much
        even though each was freed as it was decoded: the items, built in
        pymalloc's arenas, do not reuse the heap the blobs leave behind.
        """
        found: list[dict[str, Any] | None] = [None] * len(paths)
        if self.tables is None:
            return found
        where = {str(path): index for index, path in enumerate(paths)}
        query = "SELECT path, record FROM parsed WHERE folder = ?"

        def take(db: Any) -> None:
            for key, record in db.execute(query, (self.folder,)):
                index = where.get(key)
                if index is None:
                    self.unasked.append(key)
                else:
                    found[index] = self._decode(key, record)

        # Unreadable, corrupt or foreign: what was decoded before is still right.
        with contextlib.suppress(Exception):
            self.tables.read(take)
        return found

    def _decode(self, key: str, record: bytes) -> dict[str, Any] | None:
        try:
            ident = identity(os.stat(key))
        except OSError:  # the parser reports the file; forgetting a row is always safe
            self.stale.add(key)
            return None
        try:
            stored, data, dates = marshal.loads(record)
            if stored == ident:
                return _decode(data, dates)
        except Exception:
            pass
        self.stale.add(key)
        return None

    def put(self, path: Path, ident: Identity, data: dict[str, Any]) -> None:
        # Too recent to trust: a second edit in the same tick may leave the identity unchanged.
        if max(ident[1], ident[2]) > self.started - RACY_SECONDS * 1_000_000_000:
            return
        try:
            encoded, dates = _encode(data)
            self.fresh[str(path)] = marshal.dumps((ident, encoded, dates))
        except Exception:  # a value marshal cannot store: leave the file uncached
            return

    def save(self) -> None:
        """Store the files parsed this run and forget stale entries and files gone; then close."""
        if self.tables is None:
            return
        gone = {key for key in self.unasked if not os.path.lexists(key)}
        forget = [(self.folder, key) for key in (self.stale | gone) - self.fresh.keys()]
        rows = [(self.folder, key, record) for key, record in self.fresh.items()]

        def change(db: Any) -> None:
            db.executemany("DELETE FROM parsed WHERE folder = ? AND path = ?", forget)
            db.executemany("INSERT OR REPLACE INTO parsed VALUES (?, ?, ?)", rows)

        try:
            if forget or rows:
                self.tables.write(change)
        except Exception:
            pass
        finally:
            self.tables.close()


def _encode(data: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    """A marshal-safe copy of ``data`` and the key paths of its dates."""
    dates: list[tuple[Any, ...]] = []

    def walk(node: Any, trail: tuple[Any, ...]) -> Any:
        kind = type(node)
        if kind is dict:
            return {key: walk(value, (*trail, key)) for key, value in node.items()}
        if kind is list:
            return [walk(value, (*trail, index)) for index, value in enumerate(node)]
        if kind is dt.date:
            dates.append(trail)
            return node.toordinal()
        if kind in (str, int, float, bool, type(None)):
            return node
        raise TypeError(kind)

    return walk(data, ()), dates


def _decode(data: dict[str, Any], dates: list[tuple[Any, ...]]) -> dict[str, Any]:
    for trail in dates:
        node: Any = data
        for step in trail[:-1]:
            node = node[step]
        node[trail[-1]] = dt.date.fromordinal(node[trail[-1]])
    return data
