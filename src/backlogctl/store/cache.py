"""A cache of parsed item files, so warm runs skip parsing.

One file per items folder in ``$XDG_CACHE_HOME/backlogctl/``, written with
marshal (each file's data a marshal blob, dates as ordinals plus where
they sit). An entry is used only
when the file's identity is unchanged: size, mtime_ns, ctime_ns, inode and
device. Files changed in the last ``RACY_SECONDS`` are never cached, because a
second change within one timestamp tick could keep every stat field equal
(git's "racy clean" problem). Any failure to read or write the cache is
ignored: the cache can only make a run faster, never wrong or failing.
``BACKLOGCTL_NO_CACHE=1`` turns it off. The key names yaml-rs's version (or
"off" under ``BACKLOGCTL_FAST_YAML=0``): data parsed by one parser is never
served to a run of another.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
import os
import time
from pathlib import Path
from typing import Any

from backlogctl import __version__

LOADER_REVISION = 5
"""Bump whenever what the loader accepts or returns changes: cached data of an
older loader must not outlive it (the version alone does not change between
commits)."""


def _format() -> str:
    """The cache's key: the loader, backlogctl's version, and the fast parser's version (or off)."""
    from backlogctl.store import fast

    parser = fast.VERSION if fast.enabled() else "off"
    return f"backlogctl-cache-{LOADER_REVISION}/{__version__}/yaml-rs-{parser}"


RACY_SECONDS = 2
Identity = tuple[int, int, int, int, int]


def identity(stat: os.stat_result) -> Identity:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev)


def enabled() -> bool:
    return os.environ.get("BACKLOGCTL_NO_CACHE", "") in ("", "0")


def location(folder: Path) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    key = hashlib.sha256(os.path.realpath(folder).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return Path(base) / "backlogctl" / f"{key}.marshal"


class Cache:
    """Parsed data of one folder's files, by path, valid for one identity each."""

    def __init__(self, folder: Path) -> None:
        self.path = location(folder)
        self.format = _format()
        self.old: dict[str, Any] = {}
        self.new: dict[str, Any] = {}
        self.dirty = False
        self.started = time.time_ns()
        try:
            stored = marshal.loads(self.path.read_bytes())
            if stored[0] == self.format:
                self.old = stored[1]
        except Exception:  # missing, corrupt or foreign: start empty
            self.old = {}

    def get(self, path: Path, ident: Identity) -> dict[str, Any] | None:
        key = str(path)
        record = self.old.get(key)
        if record is None or record[0] != ident:
            return None
        self.new[key] = record
        try:
            return _decode(marshal.loads(record[1]), record[2])
        except Exception:
            return None

    def put(self, path: Path, ident: Identity, data: dict[str, Any]) -> None:
        self.dirty = True
        # Too recent to trust: a second edit in the same tick may leave the identity unchanged.
        if max(ident[1], ident[2]) > self.started - RACY_SECONDS * 1_000_000_000:
            return
        try:
            encoded, dates = _encode(data)
            self.new[str(path)] = (ident, marshal.dumps(encoded), dates)
        except Exception:  # a value marshal cannot store: leave the file uncached
            return

    def save(self) -> None:
        if not self.dirty and len(self.new) == len(self.old):
            return
        try:
            from backlogctl.store.write import write_atomic

            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, marshal.dumps((self.format, self.new)), 0o600)
        except Exception:
            return


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
