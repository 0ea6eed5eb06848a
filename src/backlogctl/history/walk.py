"""One pass over git's log: every commit that touched item files, and what changed.

`git log --raw -z --diff-merges=combined --no-renames` lists, per commit, the
item files it added, modified or deleted with their blob ids; no process per
commit. Every parent is walked (a branch's commits keep their author, date
and message); a merge lists only the files that differ from *every* parent
(git's combined diff), with each parent's blob, because a merge is credited
only with what it changes itself. Git does no rename detection: a move is a
deletion and an addition of the same item id in one commit, which `trail`
pairs by id (an item is its id, not its path).

The output is framed by NUL bytes, which git never lets into a commit
message, an author name or a path, so no content can forge a separator.

Without a pathspec git walks ~2x faster than with one (a pathspec makes git
diff each commit twice: once to simplify history, once for the output), so
when the backlog is the repository's top folder the walk is unlimited and
other files are dropped here; in a larger repository the items folder limits it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, NamedTuple

from backlogctl.history.git import Output, Repo

NULL_BLOB = "0" * 40
# Header fields, each ended by NUL; "C" marks the start of a commit.
_FORMAT = "--format=%x00C%H%x00%P%x00%an%x00%aI%x00%B%x00"
_HEADER_FIELDS = 5
LOG_OPTIONS = (
    "--raw",
    "-z",
    "--no-abbrev",
    "--no-renames",
    "--no-ext-diff",
    "--diff-merges=combined",
    "--root",
    "--full-history",
    "--date-order",
    "--reverse",
)
"""Every option that decides what the walk reports, passed explicitly."""


class FileChange(NamedTuple):
    """One item file changed by one commit (paths relative to the backlog root).

    For a merge, ``old_blob`` is the first parent's blob and ``others`` the
    other parents' blobs at the same path (None: no such file there).
    """

    status: str
    old_blob: str | None
    new_blob: str | None
    old_path: str | None
    new_path: str | None
    others: tuple[str | None, ...] = ()


class CommitInfo(NamedTuple):
    """A commit that touched item files, with the files it touched."""

    sha: str
    author: str
    date: str
    message: str
    files: tuple[FileChange, ...]
    parents: tuple[str, ...] = ()

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


def log(
    repo: Repo,
    tip: str,
    items_dir: str,
    exclude: str | list[str] | None = None,
    paths: list[str] | None = None,
) -> list[CommitInfo]:
    """Commits reachable from ``tip`` (all parents) that touched item files, oldest first.

    ``exclude``: commits reachable from these are left out (``REV..tip``).
    ``paths`` (repository paths, literal) limits the walk to those files.
    """
    return list(LogStream(repo, tip, items_dir, exclude, paths))


class LogStream:
    """`log` as git writes it: iterating parses each commit as it arrives.

    git starts at once and walks on one core while the caller works on the
    other (a thread reads its output, so git never waits). Iterating to the
    end raises git's error if it failed; `close` (or leaving ``with``) stops
    a walk that is no longer wanted.
    """

    def __init__(
        self,
        repo: Repo,
        tip: str,
        items_dir: str,
        exclude: str | list[str] | None = None,
        paths: list[str] | None = None,
    ) -> None:
        args = ["log", *LOG_OPTIONS, _FORMAT, tip]
        excluded = [exclude] if isinstance(exclude, str) else list(exclude or [])
        args += [f"^{rev}" for rev in excluded]
        folder = repo.path_in_repo(items_dir)
        self._keep = b"" if folder in ("", ".") else f"{folder}/".encode()
        self._cut = len(repo.prefix)
        if paths is not None:
            args += ["--", *paths]
        elif repo.prefix:
            args += ["--", folder]
        self._output = Output(repo, *args)

    def __iter__(self) -> Iterator[CommitInfo]:
        output = self._output
        try:
            for commit in parse_tokens(tokens(output.chunks()), self._cut, self._keep):
                if commit.files:
                    yield commit
        except Exception:
            output.finish()  # git's own error first: a record it cut off is only its consequence
            raise
        finally:
            output.close()
        output.finish()

    def close(self) -> None:
        self._output.close()

    def running(self) -> bool:
        """Whether git still runs (walks, or waits to be read)."""
        return self._output.running()

    def __enter__(self) -> LogStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


SPLIT_AT = 1_000
"""Commits from which `PathWalk` runs git's walk as two processes, one per core."""
SPLIT_POINT = 0.4
"""Where M sits in the newest-first list: a backlog grows, so its newer commits cost git more to diff.

On the bench's history (10,000 commits, the backlog growing to 10,000 items) the
halves cost git 0.40 s and 0.57 s of CPU with M in the middle, 0.55 s and 0.47 s at 35 %
and 0.49 s and 0.55 s at 40 % (one run each, load 3).
"""


def core_to_spare() -> bool:
    """Whether a second git would have a core of its own: the load average leaves one idle.

    Two halves cost git about a quarter more CPU than one walk (each process
    reads the pack and builds its delta cache, and the second half marks the
    first half's commits as not its own), which pays only when the second
    process does not take a core from someone else. ``make -l`` asks the
    same question the same way.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:
        return False
    return cores >= 2 and load < cores - 0.5


def date_order(repo: Repo, tip: str) -> Output:
    """``git rev-list --date-order TIP`` started: the commits reachable from ``tip`` in `PathWalk`'s order."""
    return Output(repo, "rev-list", "--date-order", tip)


class PathWalk:
    """`LogStream` limited to ``paths``, as two git processes when the history is long.

    A walk limited to a few paths is git diffing each commit's tree against
    its parents: one core's work for as long as the history is. With at least
    ``split_at`` commits (and a core to spare) the commits are split in two
    disjoint halves, the ancestors of a commit M part of the way down the
    history (``git log M``) and the rest (``git log TIP ^M``), and each half
    is walked by its own git at once.

    Together the halves report exactly what one walk reports. With
    ``--full-history`` git keeps every parent, so whether a commit shows
    depends only on its own tree and its parents' trees, with one exception:
    in the second half a parent that is an ancestor of M does not count when
    git decides whether a *merge* changed the paths. A merge shows a file only
    where it differs from every parent (the combined diff), and such a file
    differs from the counted parents too, so the merges that show a file are
    the same; a merge that shows none is dropped by `LogStream` either way.

    The order is git's: ``--date-order`` sorts every commit reachable from the
    tip (the paths only decide which of them are shown), so the commits of
    both halves are put in the order of ``git rev-list --date-order TIP``,
    oldest first as ``--reverse`` gives them. That list is also where M comes
    from (`SPLIT_POINT`).
    """

    def __init__(
        self,
        repo: Repo,
        tip: str,
        items_dir: str,
        paths: list[str],
        split_at: int | None = None,
        order: Output | None = None,
    ) -> None:
        """``split_at``: None splits from `SPLIT_AT` commits when a core is to spare (`core_to_spare`).

        ``order``: `date_order` of ``tip`` if the caller started it already (it is used up here).
        """
        self._walks: list[LogStream] = []
        self._order: bytes = b""
        if split_at is None:
            split_at = SPLIT_AT if order is not None or core_to_spare() else 0
        if split_at:
            listing = order or date_order(repo, tip)
            with listing:
                found = b"".join(listing.chunks())
                listing.finish()
            if found.count(b"\n") >= split_at:
                self._order = found
        elif order is not None:
            order.close()
        if not self._order:
            self._walks.append(LogStream(repo, tip, items_dir, paths=paths))
            return
        width = self._order.index(b"\n") + 1  # one object name and a newline a line
        middle = int(len(self._order) // width * SPLIT_POINT) * width
        split = self._order[middle : middle + width - 1].decode("ascii")
        try:
            self._walks.append(LogStream(repo, split, items_dir, paths=paths))
            self._walks.append(LogStream(repo, tip, items_dir, exclude=split, paths=paths))
        except BaseException:
            self.close()
            raise

    def __iter__(self) -> Iterator[CommitInfo]:
        if not self._order:
            yield from self._walks[0]
            return
        try:
            found = {commit.sha: commit for walk in self._walks for commit in walk}
        finally:
            self.close()
        if len(found) < 2:
            yield from found.values()
            return
        place = {sha: at for at, sha in enumerate(self._order.decode("ascii").split())}
        yield from sorted(found.values(), key=lambda commit: -place[commit.sha])

    def close(self) -> None:
        for walk in self._walks:
            walk.close()

    def running(self) -> bool:
        """Whether one of its gits still runs."""
        return any(walk.running() for walk in self._walks)

    def __enter__(self) -> PathWalk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def tokens(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The NUL-separated fields of output arriving in pieces cut anywhere (as ``bytes.split`` of it all)."""
    rest = b""
    for chunk in chunks:
        fields = (rest + chunk).split(b"\x00") if rest else chunk.split(b"\x00")
        rest = fields.pop()
        yield from fields
    yield rest


def parse_log(output: bytes, cut: int = 0, keep: bytes = b"") -> Iterator[CommitInfo]:
    """Parse ``git log --raw -z`` output written with ``_FORMAT``; only paths under ``keep``."""
    return parse_tokens(iter(output.split(b"\x00")), cut, keep)


def parse_tokens(fields: Iterator[bytes], cut: int = 0, keep: bytes = b"") -> Iterator[CommitInfo]:
    """`parse_log` over the output's NUL-separated fields, each commit as soon as its record ends."""
    token = next(fields, None)
    while token is not None:
        if not token.startswith(b"C"):
            token = next(fields, None)  # separators between the header, the raw entries and the next commit
            continue
        header = [token, *islice(fields, _HEADER_FIELDS - 1)]
        if len(header) < _HEADER_FIELDS:
            return  # output cut off inside a header (git failed: its caller reports it)
        files: list[FileChange] = []
        token = next(fields, None)
        while token is not None:
            meta = token.lstrip(b"\n")
            if not meta:
                while token is not None and not token.lstrip(b"\n"):
                    token = next(fields, None)
                if token is not None and token.lstrip(b"\n").startswith(b":"):
                    continue
                break
            if not meta.startswith(b":"):
                break
            entry = _entry(meta, next(fields, b""), cut, keep)
            if entry is not None:
                files.append(entry)
            token = next(fields, None)
        sha, parents, author, date, message = (t.decode("utf-8", "replace") for t in header)
        message = message.strip(" \t\r\n")  # not str.strip(): it would eat \x1c-\x1f too
        yield CommitInfo(sha[1:], author, date, message, tuple(files), tuple(parents.split()))


def _entry(meta: bytes, path: bytes, cut: int, keep: bytes) -> FileChange | None:
    """One raw entry: ``:old new sha sha S`` or a merge's ``::m1 m2 m sha1 sha2 sha SS``."""
    if not path.startswith(keep):
        return None
    parents = len(meta) - len(meta.lstrip(b":"))
    fields = meta.lstrip(b":").decode().split()
    blobs = [None if sha == NULL_BLOB else sha for sha in fields[parents + 1 : 2 * parents + 2]]
    *before, after = blobs
    name = path.decode("utf-8", "replace")[cut:]
    first = before[0]
    status = "D" if after is None else "A" if first is None else "M"
    return FileChange(
        status,
        first,
        after,
        name if first is not None else None,
        name if after is not None else None,
        tuple(before[1:]),
    )


def raw_entries(raw: bytes, cut: int, keep: bytes = b"") -> Iterator[FileChange]:
    """Entries of ``git diff-tree --raw -z`` output."""
    tokens = raw.lstrip(b"\n").split(b"\x00")
    at = 0
    while at + 1 < len(tokens) and tokens[at].lstrip(b"\n").startswith(b":"):
        entry = _entry(tokens[at].lstrip(b"\n"), tokens[at + 1], cut, keep)
        at += 2
        if entry is not None:
            yield entry


def same(a: Any, b: Any) -> bool:
    """Whether two values are the same as the model reads them, at every level.

    ``4`` and ``4.0`` are the same number, a date and the same date quoted are
    the same date; ``true`` is not ``1``. Mappings and lists compare member by
    member with the same rule.
    """
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dt.date) or isinstance(b, dt.date):
        return _as_date(a) is not None and _as_date(a) == _as_date(b)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and bool(a == b)


def _as_date(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value if isinstance(value, str) else None


def diff(old: Any, new: Any, prefix: str = "") -> list[tuple[str, Any, Any]]:
    """Field-level differences: dotted paths for nested mappings, lists as whole values."""
    changes: list[tuple[str, Any, Any]] = []
    keys = list(old) + [k for k in new if k not in old]
    for key in keys:
        dotted = f"{prefix}{key}"
        before, after = old.get(key), new.get(key)
        if same(before, after):
            continue  # most fields of most commits
        nested = isinstance(before, dict) or isinstance(after, dict)
        if nested and isinstance(before, dict | None) and isinstance(after, dict | None):
            changes += diff(before or {}, after or {}, f"{dotted}.")
            continue
        changes.append((dotted, before, after))
    return changes


def to_rows(commits: list[CommitInfo]) -> list[Any]:
    """Commits as nested tuples of strings, for a fast `marshal` cache."""
    return [(*c[:4], tuple(tuple(f) for f in c.files), c.parents) for c in commits]


def from_rows(rows: list[Any]) -> list[CommitInfo]:
    return [
        CommitInfo(row[0], row[1], row[2], row[3], tuple(FileChange._make(f) for f in row[4]), tuple(row[5]))
        for row in rows
    ]
