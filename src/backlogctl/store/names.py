"""The names index: item file names by the id they give, kept in the one cache file.

Finding an id's file means knowing the names in the items folder, and listing
100,000 names takes 0.05-0.2 s. So the listing is kept in the one cache file
(`backlogctl.cache`), per items folder (by its real path):

- ``name_folders``: each folder the walk lists (relative to the items folder)
  and its identity when it was listed (size, mtime_ns, ctime_ns, inode, device);
  ``folder_names``: its names (apart, so that a new identity is a small write);
- ``named``: each name by the id it is named for (`ids.named_id`), so a lookup
  (`Tree.named`) is one query whatever the number of items;
- ``file_ids``: per folder, each file's identity and the ids in its text, so
  `scan_ids` (for `new`) reads only the files that changed.

**Provably fresh.** Adding, removing or renaming an entry changes its folder's
mtime (and replacing a folder changes its inode), so when every folder the
index lists still has the identity it had, the names are the same: the index
is checked with one ``stat`` per folder, never a listing. A folder whose mtime
or ctime is within ``RACY_SECONDS`` of its listing is not stored (a second
change in the same timestamp tick would leave it equal), nor is a tree with a
symlinked folder or a folder that cannot be listed: those are listed every
time, as before. A command that renames its own file over an item
(`write.replace`: set, unset, edit, review mark) records the folder's new
identity itself, without listing, when it can prove nothing else changed the
folder meanwhile (`Witness`: inotify and the kernel's clock, on Linux's local
file systems); so each identity stored is one after which any change changes
the folder's timestamps. A file's ids are reused only while the file's own
identity is unchanged (an edit in place changes no folder). Callers read the file named for
an id and confirm the id inside (`backlog.load_ids`), so a stale index could
only cost a fallback to the whole backlog, never a wrong answer. Nothing is
read or written under ``BACKLOGCTL_NO_CACHE``; any failure of the cache only
makes a run slower.
"""

from __future__ import annotations

import array
import contextlib
import marshal
import os
import stat as stat_module
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backlogctl import cache, ids
from backlogctl.store import read

TABLES = {
    "name_folders": "root TEXT, folder TEXT, ident BLOB, PRIMARY KEY (root, folder)",
    "folder_names": "root TEXT, folder TEXT, names BLOB, PRIMARY KEY (root, folder)",
    "named": "root TEXT, id TEXT, path TEXT, PRIMARY KEY (root, id, path)",
    "file_ids": "root TEXT, folder TEXT, stamps BLOB, detail BLOB, PRIMARY KEY (root, folder)",
}
SALT = "names-4"
RACY_SECONDS = 2

Identity = tuple[int, int, int, int, int]


def identity(found: os.stat_result) -> Identity:
    return (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino, found.st_dev)


@dataclass
class Folder:
    """One listed folder: its path as walked, its path from the items folder, its names."""

    path: str
    relative: str
    names: list[str]
    ident: Identity | None = None


@dataclass
class Tree:
    """The item folders under one items folder, from the index when it is fresh, else listed now.

    ``real_root``: symlinked folders are followed only inside it (`read._verdict`).
    ``names=False`` when only `named` lookups follow: a fresh index is then not
    read beyond its folders' identities.
    """

    top: str
    real_root: str
    folders: list[Folder] = field(default_factory=list)
    unlisted: list[tuple[str, str]] = field(default_factory=list)
    indexed: bool = False
    """The index was fresh: `named` asks it, `folders` hold its names (when asked for)."""
    tables: cache.Tables | None = None

    @classmethod
    def of(cls, folder: Path, real_root: str, *, names: bool = True) -> Tree:
        tree = cls(os.fspath(folder), real_root)
        key = os.path.realpath(folder)
        started = time.time_ns()
        tree.tables = cache.open_tables("names", SALT, TABLES)
        if tree.tables is not None:
            try:
                stored = tree.tables.read(lambda db: _stored(db, key, False))
                if stored and all(_same(tree.top, rel, ident) for rel, ident, _ in stored):
                    if names:  # read once the folders are known unchanged; the same rows or none
                        again = tree.tables.read(lambda db: _stored(db, key, True)) or []
                        if [row[:2] for row in again] != [row[:2] for row in stored]:
                            raise LookupError("the index was rewritten meanwhile")
                        stored = again
                    tree.indexed = True
                    tree.folders = [
                        Folder(_join(tree.top, rel), rel, marshal.loads(blob) if blob else [])
                        for rel, _, blob in stored
                    ]
                    return tree
            except Exception:  # unreadable or foreign: list the folder
                tree.indexed = False
        storable = tree._list()
        if tree.tables is not None and storable and tree._trusted(started):
            with contextlib.suppress(Exception):
                tree._store(key)
        return tree

    @property
    def key(self) -> str:
        """The items folder's real path: whose rows these are."""
        return os.path.realpath(self.top)

    def named(self, item_id: str) -> list[str]:
        """Paths of the names named for ``item_id`` (any case), by the index or the listing."""
        if self.indexed and self.tables is not None:
            key = self.key
            query = "SELECT path FROM named WHERE root = ? AND id = ?"
            try:
                rows = self.tables.read(lambda db: db.execute(query, (key, item_id.upper())).fetchall())
                if rows is not None:
                    return [_join(self.top, rel) for (rel,) in rows]
            except Exception:
                pass
            self.indexed = False
            self._list()
        import re

        pattern = re.compile(re.escape(item_id) + "[-.]", re.IGNORECASE | re.ASCII)
        return [os.path.join(f.path, name) for f in self.folders for name in filter(pattern.match, f.names)]

    def close(self) -> None:
        if self.tables is not None:
            self.tables.close()
            self.tables = None

    def _list(self) -> bool:
        """List the tree now (as `read._walk` would go); whether the listing may be stored."""
        self.folders, self.unlisted = [], []
        storable = True
        stack = [(self.top, "")]
        seen: set[str] = set()
        while stack:
            current, rel = stack.pop()
            real = os.path.realpath(current)
            if real in seen:
                continue  # a link back to a folder already listed
            seen.add(real)
            try:
                ident = identity(os.stat(current))  # before the listing: a change after it shows
                with os.scandir(current) as listing:
                    entries = list(listing)
            except OSError as exc:
                self.unlisted.append((current, read.unlisted(exc)))
                storable = False
                continue
            names = []
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                names.append(entry.name)
                if entry.is_dir():
                    if entry.is_symlink():
                        storable = False  # its target may change with no folder here changing
                    if read._verdict(entry, self.real_root) is read.FOLDER:
                        stack.append((entry.path, f"{rel}/{entry.name}" if rel else entry.name))
            self.folders.append(Folder(current, rel, names, ident))
        return storable

    def _trusted(self, started: int) -> bool:
        """No folder changed within RACY_SECONDS of the listing (see the module's note)."""
        limit = started - RACY_SECONDS * 1_000_000_000
        return all(f.ident is not None and max(f.ident[1], f.ident[2]) <= limit for f in self.folders)

    def _store(self, key: str) -> None:
        assert self.tables is not None
        rows = [(key, f.relative, marshal.dumps(f.ident), marshal.dumps(f.names)) for f in self.folders]

        def change(db: Any) -> None:
            old = dict(db.execute("SELECT folder, names FROM folder_names WHERE root = ?", (key,)))
            if old.keys() == {f.relative for f in self.folders} and all(
                marshal.loads(old[f.relative]) == f.names for f in self.folders
            ):
                # The same names (a file rewritten by rename, say): only the identities are new.
                db.executemany(
                    "UPDATE name_folders SET ident = ? WHERE root = ? AND folder = ?",
                    [(ident, key, rel) for key, rel, ident, _ in rows],
                )
                return
            for table in ("name_folders", "folder_names", "named"):
                db.execute(f"DELETE FROM {table} WHERE root = ?", (key,))
            db.executemany("INSERT INTO name_folders VALUES (?, ?, ?)", [row[:3] for row in rows])
            db.executemany("INSERT INTO folder_names VALUES (?, ?, ?)", [(*row[:2], row[3]) for row in rows])
            db.executemany(
                "INSERT OR IGNORE INTO named VALUES (?, ?, ?)",
                (
                    (key, named.upper(), _relative(f.relative, name))
                    for f in self.folders
                    for name in f.names
                    if (named := ids.named_id(name)) is not None
                ),
            )

        self.tables.write(change)


def _stored(db: Any, key: str, names: bool) -> list[tuple[str, bytes, bytes | None]]:
    if names:
        query = (
            "SELECT f.folder, f.ident, n.names FROM name_folders f"
            " JOIN folder_names n ON n.root = f.root AND n.folder = f.folder WHERE f.root = ?"
        )
    else:
        query = "SELECT folder, ident, NULL FROM name_folders WHERE root = ?"
    return [(rel, marshal.loads(ident), blob) for rel, ident, blob in db.execute(query, (key,))]


def _same(top: str, rel: str, ident: Any) -> bool:
    try:
        return identity(os.stat(_join(top, rel))) == tuple(ident)
    except OSError:
        return False


def _join(top: str, rel: str) -> str:
    return os.path.join(top, *rel.split("/")) if rel else top


def _relative(rel: str, name: str) -> str:
    return f"{rel}/{name}" if rel else name


def _ids_of(name: str, raw: bytes) -> list[str]:
    """The id a file's name gives and every ``id:`` in its text."""
    from_name = ids.id_from_name(name)
    return [from_name, *ids.ids_in_text(raw)] if from_name else ids.ids_in_text(raw)


def _digest(names: list[str]) -> bytes:
    import hashlib

    return hashlib.blake2b("\0".join(names).encode("utf-8", "surrogateescape"), digest_size=16).digest()


def scan_ids(folder: Path) -> set[str]:
    """Ids used by item files under ``folder``, from file names and ``id:`` lines (see `read.scan_ids`).

    The names come from the index when it is fresh. ``file_ids`` keeps, per
    folder, its regular item files' names and identities (size, inode, device;
    mtime, ctime: two arrays, compared as two byte strings), the ids of the
    files whose text says more than their name, and all the ids together. When
    every file's identity is unchanged (one ``stat`` each, no read) the stored
    ids answer; otherwise only the files whose identity changed are read.
    Files changed within ``RACY_SECONDS`` are read every time, never stored.
    """
    real_root = os.path.realpath(folder)
    started = time.time_ns()
    tree = Tree.of(folder, real_root)
    known: dict[str, tuple[Any, ...]] = {}
    if tree.tables is not None:
        try:
            query = "SELECT folder, stamps FROM file_ids WHERE root = ?"
            rows = tree.tables.read(lambda db: db.execute(query, (real_root,)).fetchall())
            known = {rel: marshal.loads(stamps) for rel, stamps in rows or []}
        except Exception:
            known = {}
    limit = started - RACY_SECONDS * 1_000_000_000
    found: set[str] = set()
    changed: dict[str, tuple[bytes, bytes]] = {}
    for f in tree.folders:
        names: list[str] = []
        unsigned, signed = array.array("Q"), array.array("q")
        links: list[str] = []
        try:
            # Each file is looked at through its folder: no path to resolve again per file.
            at = os.open(f.path, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue
        try:
            add_name, add_unsigned, add_signed = names.append, unsigned.extend, signed.extend
            is_regular, is_link, suffixes = stat_module.S_ISREG, stat_module.S_ISLNK, ids.SUFFIXES
            for name in f.names:
                if name.endswith(suffixes):  # hidden names are not listed
                    try:
                        st = os.stat(name, dir_fd=at, follow_symlinks=False)
                    except OSError:
                        continue
                    if is_regular(st.st_mode):
                        add_name(name)
                        add_unsigned((st.st_size, st.st_ino, st.st_dev))
                        add_signed((st.st_mtime_ns, st.st_ctime_ns))
                    elif is_link(st.st_mode):
                        links.append(name)
        finally:
            os.close(at)
        for name in links:  # followed as `read._walk` follows them; never stored
            path = os.path.join(f.path, name)
            verdict = read._verdict(read._Entry(path), real_root)
            followed = verdict is not None and verdict is not read.FOLDER and verdict[1] is None
            if followed and os.path.isfile(path):
                found.update(_ids_of(name, read._head(path)))
        stamps = (_digest(names), unsigned.tobytes(), signed.tobytes())
        record = known.get(f.relative)
        if record is not None and _well_formed(record) and record[:3] == stamps:
            found.update(record[3])
            continue
        fresh = _rescan(tree, f, names, unsigned, signed, limit, found)
        if fresh is not None:
            changed[f.relative] = fresh
    gone = known.keys() - {f.relative for f in tree.folders}
    if tree.tables is not None and (changed or gone):
        rows = [(real_root, rel, stamps, detail) for rel, (stamps, detail) in changed.items()]

        def change(db: Any) -> None:
            forget = [(real_root, rel) for rel in gone]
            db.executemany("DELETE FROM file_ids WHERE root = ? AND folder = ?", forget)
            db.executemany("INSERT OR REPLACE INTO file_ids VALUES (?, ?, ?, ?)", rows)

        with contextlib.suppress(Exception):
            tree.tables.write(change)
    tree.close()
    return found


def _well_formed(record: Any) -> bool:
    kinds = (bytes, bytes, bytes, list)
    return type(record) is tuple and len(record) == 4 and all(map(isinstance, record, kinds))


def _rescan(
    tree: Tree,
    f: Folder,
    names: list[str],
    unsigned: array.array[int],
    signed: array.array[int],
    limit: int,
    found: set[str],
) -> tuple[bytes, bytes] | None:
    """A folder whose files changed: read the files whose identity differs; its new (stamps, detail)."""
    stored: dict[str, tuple[int, ...]] = {}
    extra: dict[str, list[str]] = {}
    if tree.tables is not None:
        query = "SELECT detail FROM file_ids WHERE root = ? AND folder = ?"
        try:
            row = tree.tables.read(lambda db: db.execute(query, (tree.key, f.relative)).fetchone())
            if row is not None:
                old_names, old_unsigned, old_signed, extra = marshal.loads(row[0])
                u, s = array.array("Q", old_unsigned), array.array("q", old_signed)
                stored = {n: (*u[3 * i : 3 * i + 3], *s[2 * i : 2 * i + 2]) for i, n in enumerate(old_names)}
        except Exception:
            stored, extra = {}, {}
    kept_names: list[str] = []
    kept_unsigned, kept_signed = array.array("Q"), array.array("q")
    kept_extra: dict[str, list[str]] = {}
    union: set[str] = set()
    for i, name in enumerate(names):
        ident = (*unsigned[3 * i : 3 * i + 3], *signed[2 * i : 2 * i + 2])
        from_name = ids.id_from_name(name)
        plain = [from_name] if from_name else []
        if stored.get(name) == ident:
            used = extra.get(name, plain)
        else:
            used = _ids_of(name, read._head(os.path.join(f.path, name)))
        found.update(used)
        if ident[3] <= limit and ident[4] <= limit:  # mtime, ctime: older than the racy seconds
            kept_names.append(name)
            kept_unsigned.extend(ident[:3])
            kept_signed.extend(ident[3:])
            union.update(used)
            if used != plain:
                kept_extra[name] = used
    if tree.tables is None:
        return None
    u_bytes, s_bytes = kept_unsigned.tobytes(), kept_signed.tobytes()
    stamps = marshal.dumps((_digest(kept_names), u_bytes, s_bytes, sorted(union)))
    return stamps, marshal.dumps((kept_names, u_bytes, s_bytes, kept_extra))


LOCAL_FILE_SYSTEMS = frozenset({"ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs"})
"""Local file systems: every change to a folder passes through this kernel (so inotify reports it),
and its timestamps come from the kernel's clock (`CLOCK_REALTIME_COARSE`, or a later fine-grained one)."""
CLOCK_REALTIME_COARSE = 5
"""Linux's clock id (the `time` module does not name it): the clock the kernel stamps files with."""
GRANULARITY_NS = 1_000_000
"""Timestamps with a part below this are trusted to come from a file system finer than it."""
_EVENTS = {"create": 0x100, "moved_from": 0x40, "moved_to": 0x80}
_WATCH = 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800 | 0x01000000 | 0x02000000
"""IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_MOVE_SELF, IN_ONLYDIR, IN_DONT_FOLLOW.
Not IN_ATTRIB: watching it makes the kernel mark every cached entry of the folder (11 ms at 100,000
names); the folder's own mode and owner are compared instead."""


class Witness:
    """Keeps the names index fresh across a command's own atomic rename, without listing the folder.

    A rename over a file changes its folder's mtime, and one ``stat`` cannot tell
    "only our rename" from another process adding a file in the same tick (or
    at any time between the command's check of the index and its rename): so
    without this the next command lists the whole folder again (0.06-0.2 s at
    100,000 names). The writer (`write.replace`) instead watches the folder
    (inotify) from before its rename to after, and records the folder's new
    identity only when it can prove that nothing but its own rename happened:

    1. ``start``: the watch is added, *then* the folder is stat'ed and must
       have the identity the index stored. Stored identities are older than the
       racy seconds, so any change before that ``stat`` would have changed it;
       any change to the folder's entries after the watch was added is an event.
    2. The write: `write_atomic` creates a temporary file beside the target
       (a create event, under its own unique name) and renames it over the
       target (moved_from, moved_to).
    3. ``finish``: the folder is stat'ed (its new identity), and from some
       instant on any change must give the folder other timestamps, which the
       next command's ``stat`` sees. A ctime ahead of the kernel's coarse clock
       (the clock every change is stamped with) can only be a multigrain
       timestamp (Linux 6.13 and later on these file systems): the kernel then
       gives the first change after a ``stat`` that saw the ctime a strictly
       later one, so that instant is our ``stat``. Otherwise we wait until the
       coarse clock is past both new timestamps by more than their granularity
       (up to a tick, 4-8 ms here). A change before that instant was queued as
       an event: the kernel stamps the folder and queues the event
       under the folder's lock, and a failed ``link`` of the target onto itself
       takes that lock, so when it returns every such change has queued its
       event. The events are then read: only if they are exactly ours, and the
       folder's identity, mode and owner are still the ones seen, is the new
       identity stored (and only over the identity checked in step 1).

    Anything else (another event, a lost event, another platform, a network or
    FUSE file system whose changes need not pass through this kernel, coarse
    timestamps, any error) stores nothing: the next command lists, as before.
    """

    def __init__(
        self, fd: int, folder: str, where: tuple[str, str], before: os.stat_result, tables: cache.Tables
    ) -> None:
        self.fd = fd
        self.folder = folder
        self.where = where
        """(root, folder) of its row in ``name_folders``."""
        self.before = before
        self.tables: cache.Tables | None = tables

    @classmethod
    def start(cls, folder: Path) -> Witness | None:
        """Watch ``folder`` if the index holds it and its identity is still the stored one."""
        import sys

        if not sys.platform.startswith("linux"):
            return None
        tables = None
        fd = -1
        try:
            real = os.path.realpath(folder)
            if not _local(os.stat(real).st_dev):
                return None
            tables = cache.open_tables("names", SALT, TABLES)
            if tables is None:
                return None
            found = tables.read(
                lambda db: db.execute("SELECT root, folder, ident FROM name_folders").fetchall()
            )
            rows = [(key, rel, blob) for key, rel, blob in found or [] if _join(key, rel) == real]
            if len(rows) != 1:
                raise LookupError("the index does not hold this folder")
            key, rel, blob = rows[0]
            fd = _inotify(real)
            before = os.stat(real)  # after the watch: a change after this stat is an event
            if fd < 0 or identity(before) != tuple(marshal.loads(blob)):
                raise LookupError("not watched, or the folder changed since the index was stored")
            return cls(fd, real, (key, rel), before, tables)
        except Exception:
            if fd >= 0:
                os.close(fd)
            if tables is not None:
                tables.close()
            return None

    def finish(self, name: str) -> None:
        """After our rename over ``name``: store the folder's new identity if only that happened."""
        with contextlib.suppress(Exception):
            after = identity(os.stat(self.folder))
            stamps = after[1:3]
            if after[3:] != identity(self.before)[3:] or any(s % GRANULARITY_NS == 0 for s in stamps):
                return
            if after[2] <= time.clock_gettime_ns(CLOCK_REALTIME_COARSE):  # else: multigrain stamps
                later = max(stamps) + GRANULARITY_NS
                while (now := time.clock_gettime_ns(CLOCK_REALTIME_COARSE)) <= later:
                    time.sleep((later - now) / 1e9 + 0.0002)
            target = os.path.join(self.folder, name)
            try:
                os.link(target, target)  # never made (it exists): takes the folder's lock
                return
            except FileExistsError:
                pass
            if not _only_ours(_events(self.fd), name) or self.tables is None:
                return
            last = os.stat(self.folder)
            if identity(last) != after or _owned(last) != _owned(self.before):
                return
            before = identity(self.before)

            def change(db: Any) -> None:  # only over the identity checked in `start`
                query = "SELECT ident FROM name_folders WHERE root = ? AND folder = ?"
                row = db.execute(query, self.where).fetchone()
                if row is not None and tuple(marshal.loads(row[0])) == before:
                    update = "UPDATE name_folders SET ident = ? WHERE root = ? AND folder = ?"
                    db.execute(update, (marshal.dumps(after), *self.where))

            self.tables.write(change)

    def close(self) -> None:
        # Closing an inotify descriptor that held a watch waits for the kernel's grace period
        # (8-16 ms, whatever the folder); a thread takes that wait beside the end of the command.
        import threading

        threading.Thread(target=os.close, args=(self.fd,), daemon=True).start()
        if self.tables is not None:
            self.tables.close()
            self.tables = None


def _owned(found: os.stat_result) -> tuple[int, int, int]:
    return (found.st_mode, found.st_uid, found.st_gid)


def _local(device: int) -> bool:
    """Whether the device's file system is in LOCAL_FILE_SYSTEMS (by /proc/self/mountinfo)."""
    wanted = f"{os.major(device)}:{os.minor(device)}"
    with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as mounts:
        kinds = {
            line.split(" - ", 1)[1].split(" ", 1)[0]
            for line in mounts
            if line.split(" ", 3)[2] == wanted and " - " in line
        }
    return len(kinds) == 1 and kinds <= LOCAL_FILE_SYSTEMS


def _inotify(folder: str) -> int:
    """An inotify descriptor watching ``folder`` (non-blocking), or -1."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    fd = int(libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC))
    if fd < 0:
        return -1
    if libc.inotify_add_watch(fd, os.fsencode(folder), _WATCH) < 0:
        os.close(fd)
        return -1
    return fd


def _events(fd: int) -> list[tuple[int, int, str]] | None:
    """(mask, cookie, name) of each queued event; None if the queue is not fully read."""
    import struct

    found: list[tuple[int, int, str]] = []
    while True:
        try:
            data = os.read(fd, 1 << 16)
        except BlockingIOError:
            return found
        if not data:
            return None
        at = 0
        while at + 16 <= len(data):
            _, mask, cookie, size = struct.unpack_from("iIII", data, at)
            name = os.fsdecode(data[at + 16 : at + 16 + size].rstrip(b"\0"))
            found.append((mask, cookie, name))
            at += 16 + size


def _only_ours(events: list[tuple[int, int, str]] | None, name: str) -> bool:
    """The events of one temporary file made beside ``name`` and renamed over it, and nothing else."""
    if not events or events[0][0] != _EVENTS["create"]:
        return False
    temp = events[0][2]
    if not (temp.startswith(f".{name}.") and temp.endswith(".tmp")):
        return False
    rest = events[1:]
    if len(rest) != 2:
        return False
    (gone, cookie, source), (came, cookie_to, target) = rest
    moved = (gone, came) == (_EVENTS["moved_from"], _EVENTS["moved_to"]) and cookie == cookie_to
    return moved and (source, target) == (temp, name)
