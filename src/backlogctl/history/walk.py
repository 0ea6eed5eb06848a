"""One pass over git's log: the commits that touched item files, and what changed.

`git log --first-parent -m --raw --no-renames -z` lists, per commit, the item
files it added, modified or deleted with their blob ids; no process per
commit. Merges are diffed against their first parent, so the history is the
main line's: each change's `old` is the previous change's `new`. Git does no
rename detection: a move is a deletion and an addition of the same item id in
one commit, which `audit` pairs by id (an item is its id, not its path).

Without a pathspec git walks ~2x faster than with one (a pathspec makes git
diff each commit twice: once to simplify history, once for the output), so
when the backlog is the repository's top folder the walk is unlimited and
other files are dropped here; in a larger repository the items folder limits it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from backlogctl.history.git import Repo

NULL_BLOB = "0" * 40
_FORMAT = "--format=%x01%H%x1f%an%x1f%aI%x1f%B%x1f"


class FileChange(NamedTuple):
    """One item file changed by one commit (paths relative to the backlog root)."""

    status: str
    old_blob: str | None
    new_blob: str | None
    old_path: str | None
    new_path: str | None


class CommitInfo(NamedTuple):
    """A commit that touched item files, with the files it touched."""

    sha: str
    author: str
    date: str
    message: str
    files: tuple[FileChange, ...]


def log(
    repo: Repo, tip: str, items_dir: str, exclude: str | None = None, paths: list[str] | None = None
) -> list[CommitInfo]:
    """Commits on the first-parent line of ``tip`` that touched item files, oldest first.

    ``paths`` (repository paths, literal) limits the walk to those files.
    """
    args = ["log", "--first-parent", "-m", "--no-renames", "--raw", "-z", "--no-abbrev", _FORMAT, tip]
    if exclude:
        args.append(f"^{exclude}")
    folder = repo.path_in_repo(items_dir)
    keep = b"" if folder in ("", ".") else f"{folder}/".encode()
    if paths is not None:
        args += ["--", *paths]
    elif repo.prefix:
        args += ["--", folder]
    commits = [c for c in parse_log(repo.run(*args), len(repo.prefix), keep) if c.files]
    commits.reverse()
    return commits


def parse_log(output: bytes, cut: int = 0, keep: bytes = b"") -> Iterator[CommitInfo]:
    """Parse ``git log --raw -z`` output written with ``_FORMAT``; only paths under ``keep``."""
    for chunk in output.split(b"\x01")[1:]:
        header, _, raw = chunk.partition(b"\x1f\x00")
        sha, author, date, message = header.decode("utf-8", "replace").split("\x1f", 3)
        message = message.removesuffix("\x1f").strip()
        yield CommitInfo(sha, author, date, message, tuple(raw_entries(raw, cut, keep)))


def raw_entries(raw: bytes, cut: int, keep: bytes = b"") -> Iterator[FileChange]:
    tokens = raw.lstrip(b"\n").split(b"\x00")
    at = 0
    while at < len(tokens) and tokens[at].startswith(b":"):
        meta = tokens[at].decode().split()
        status = meta[4][:1]
        paths = 2 if status in ("R", "C") else 1
        found = tokens[at + 1 : at + 1 + paths]
        at += 1 + paths
        if not found[-1].startswith(keep):
            continue
        names = [t.decode("utf-8", "replace")[cut:] for t in found]
        old_blob = None if meta[2] == NULL_BLOB or status == "A" else meta[2]
        new_blob = None if meta[3] == NULL_BLOB or status == "D" else meta[3]
        old_path = names[0] if status != "A" else None
        new_path = names[-1] if status != "D" else None
        yield FileChange(status, old_blob, new_blob, old_path, new_path)


def diff(old: Any, new: Any, prefix: str = "") -> list[tuple[str, Any, Any]]:
    """Field-level differences: dotted paths for nested mappings, lists as whole values."""
    changes: list[tuple[str, Any, Any]] = []
    keys = list(old) + [k for k in new if k not in old]
    for key in keys:
        dotted = f"{prefix}{key}"
        before, after = old.get(key), new.get(key)
        if before == after and type(before) is type(after):
            continue  # most fields of most commits
        nested = isinstance(before, dict) or isinstance(after, dict)
        if nested and isinstance(before, dict | None) and isinstance(after, dict | None):
            changes += diff(before or {}, after or {}, f"{dotted}.")
            continue
        if before != after or type(before) is not type(after):
            changes.append((dotted, before, after))
    return changes


def to_plain(commits: list[CommitInfo]) -> list[Any]:
    """Commits as nested tuples of strings, for a fast `marshal` cache."""
    return [(*c[:4], tuple(tuple(f) for f in c.files)) for c in commits]


def from_plain(rows: list[Any]) -> list[CommitInfo]:
    return [
        CommitInfo(row[0], row[1], row[2], row[3], tuple(FileChange._make(f) for f in row[4])) for row in rows
    ]
