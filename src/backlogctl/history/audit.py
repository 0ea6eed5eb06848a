"""The audit trail: field-level history of one item, and changes across the backlog."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backlogctl.history.cache import HistoryCache
from backlogctl.history.git import BlobReader, Repo, require_history
from backlogctl.history.snapshot import LAST_REVIEW, is_item_path, item_files, parse_blob, resolve_in
from backlogctl.history.walk import CommitInfo, diff, file_id, log

_ID_LINE = re.compile(rb"^id:[ \t]*['\"]?([A-Za-z][A-Za-z0-9]*-[0-9]+)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Change:
    """One field of one item changed by one commit (field None: created or deleted)."""

    commit: str
    author: str
    date: str
    message: str
    field: str | None
    old: Any
    new: Any


@dataclass(slots=True)
class ItemHistory:
    id: str
    changes: list[Change]


@dataclass(frozen=True, slots=True)
class FieldChange:
    """A changed field in `changes`: which item, what, and in which commit."""

    id: str
    field: str
    old: Any
    new: Any
    commit: str
    author: str
    date: str


@dataclass(slots=True)
class BacklogChanges:
    since: str | None
    until: str
    added: list[str]
    removed: list[str]
    changed: list[FieldChange]


Parsed = tuple[dict[str, Any] | None, str | None]
"""A parsed blob: its mapping, or the error that kept it from being one."""


class Trail:
    """Walks one backlog's history with a blob reader and the cache."""

    def __init__(self, root: Path) -> None:
        from backlogctl import config as config_module

        self.backlog_dir = config_module.load(root)
        self.repo: Repo = require_history(self.backlog_dir.root)
        self.items_dir = self.backlog_dir.config.items_dir
        self.folder = self.repo.path_in_repo(self.items_dir)
        self.cache = HistoryCache(self.repo.git_dir)
        self._reader: BlobReader | None = None

    def __enter__(self) -> Trail:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._reader is not None:
            self._reader.close()
        self.cache.close()

    @property
    def reader(self) -> BlobReader:
        if self._reader is None:
            self._reader = BlobReader(self.repo)
        return self._reader

    def resolve(self, rev: str) -> str:
        return resolve_in(self.repo, rev, self.backlog_dir.config.review.tag_prefix)

    def commits(self, tip: str) -> list[CommitInfo]:
        """Item-touching commits of ``tip``'s first-parent line, oldest first (cached)."""
        cached = self.cache.chain(self.folder, tip)
        if cached is not None:
            return cached
        commits = None
        for known in self.cache.chain_tips(self.folder)[:3]:
            if self._extends(known, tip):
                base = self.cache.chain(self.folder, known)
                if base is not None:
                    commits = base + log(self.repo, tip, self.items_dir, exclude=known)
                    break
        if commits is None:
            commits = log(self.repo, tip, self.items_dir)
        self.cache.store_chain(self.folder, tip, commits)
        return commits

    def _extends(self, known: str, tip: str) -> bool:
        """Whether ``known`` lies on ``tip``'s first-parent line."""
        # A cached tip can be gone: history rewritten, or the repository rebuilt at the same path.
        out = self.repo.run("rev-list", "--first-parent", "--parents", tip, f"^{known}", check=False)
        lines = out.decode("utf-8", "replace").splitlines()
        return bool(lines) and lines[-1].split()[1:2] == [known]

    def first_parent_range(self, since: str, until: str) -> set[str]:
        """Commits on ``until``'s first-parent line that ``since`` does not contain."""
        return set(self.repo.text("rev-list", "--first-parent", until, f"^{since}").split())

    def parsed(self, blobs: dict[str, str]) -> dict[str, Parsed]:
        """Parse blobs (sha -> backlog-relative path) with the cache."""
        found: dict[str, Parsed] = self.cache.blobs(blobs)
        missing = [sha for sha in blobs if sha not in found]
        fresh: dict[str, Parsed] = {}
        for sha, raw in self.reader.read_many(missing).items():
            loaded = parse_blob(raw, Path(blobs[sha]))
            fresh[sha] = (loaded.data, loaded.error.message if loaded.error else None)
        self.cache.store_blobs(fresh)
        return {**found, **fresh}

    def ids(self, blobs: dict[str, str]) -> dict[str, str | None]:
        """The item id in each blob (sha -> path), from its ``id:`` line or file name."""
        known = self.cache.blob_ids()
        missing = [sha for sha in blobs if sha not in known]
        fresh: dict[str, str | None] = {}
        for sha, raw in self.reader.read_many(missing).items():
            match = _ID_LINE.search(raw or b"")
            fresh[sha] = match.group(1).decode() if match else file_id(None, blobs[sha])
        self.cache.store_blob_ids(fresh)
        return {sha: known.get(sha, fresh.get(sha)) for sha in blobs}

    def ids_at(self, sha: str | None) -> set[str]:
        if sha is None:
            return set()
        files = item_files(self.repo, sha, self.items_dir)
        found = self.ids({f.blob: f.path for f in files})
        return {item_id for item_id in found.values() if item_id}

    def changes_in(
        self, commits: Iterable[CommitInfo], only: str | None = None
    ) -> Iterator[tuple[str, Change]]:
        """(item id, change) for every item file the commits touched; ``only`` one id."""
        commits = list(commits)
        items = functools.cache(lambda path: is_item_path(path, self.items_dir))
        sides = {
            blob: path
            for commit in commits
            for f in commit.files
            for blob, path in ((f.old_blob, f.old_path), (f.new_blob, f.new_path))
            if blob and path and items(path)
        }
        if only is not None:
            ids = self.ids(sides)
            sides = {blob: path for blob, path in sides.items() if (ids[blob] or "").upper() == only.upper()}
        parsed = self.parsed(sides)
        for commit in commits:
            for item_id, field, old, new in _file_changes(commit, parsed):
                if only is None or item_id.upper() == only.upper():
                    yield (
                        item_id,
                        Change(commit.sha, commit.author, commit.date, commit.message, field, old, new),
                    )


def _file_changes(
    commit: CommitInfo, parsed: dict[str, Parsed]
) -> Iterator[tuple[str, str | None, Any, Any]]:
    for f in commit.files:
        old, new = parsed.get(f.old_blob or ""), parsed.get(f.new_blob or "")
        old_data = old[0] if old else None
        new_data = new[0] if new else None
        old_id = file_id(old_data, f.old_path) if old else None
        new_id = file_id(new_data, f.new_path) if new else None
        if old_id is not None and old_id == new_id:
            if new_data is None:
                continue  # the new version does not parse: nothing to compare yet
            for field, before, after in diff(old_data or {}, new_data):
                yield old_id, field, before, after
            continue
        if old_id is not None:
            yield old_id, None, old_data, None
        if new_id is not None:
            yield new_id, None, None, new_data


def item_history(root: Path, item_id: str, *, until: str = "HEAD") -> ItemHistory:
    """Every field change of one item along the first-parent line, oldest first."""
    from backlogctl.errors import NotFoundError

    with Trail(root) as trail:
        tip = trail.resolve(until)
        changes = [change for _, change in trail.changes_in(trail.commits(tip), only=item_id)]
        if not changes:
            raise NotFoundError(f"no history for {item_id!r}: no commit touched an item with that id")
        shown = next(
            (c.new or c.old for c in reversed(changes) if c.field is None and (c.new or c.old)), None
        )
        canonical = shown.get("id", item_id) if isinstance(shown, dict) else item_id
        return ItemHistory(str(canonical), changes)


def backlog_changes(root: Path, since: str | None = None, until: str = "HEAD") -> BacklogChanges:
    """Items added and removed, and every changed field, between two revisions.

    ``since`` None means the last review when there is one, else the beginning.
    """
    from backlogctl.errors import NotFoundError

    with Trail(root) as trail:
        tip = trail.resolve(until)
        start: str | None
        if since is None:
            try:
                start = trail.resolve(LAST_REVIEW)
            except NotFoundError:
                start = None
        else:
            try:
                start = trail.resolve(since)
            except NotFoundError:
                if not _before_history(since):
                    raise
                start = None  # a date before the first commit: everything is new
        commits = trail.commits(tip)
        if start is not None:
            wanted = trail.first_parent_range(start, tip)
            commits = [c for c in commits if c.sha in wanted]
        changed = [
            FieldChange(item_id, c.field, c.old, c.new, c.commit, c.author, c.date)
            for item_id, c in trail.changes_in(commits)
            if c.field is not None
        ]
        before, after = trail.ids_at(start), trail.ids_at(tip)
        order = _natural
        return BacklogChanges(
            start, tip, sorted(after - before, key=order), sorted(before - after, key=order), changed
        )


def _before_history(rev: str) -> bool:
    from backlogctl.history.snapshot import DATE

    return bool(DATE.match(rev.strip()))


def _natural(item_id: str) -> tuple[str, int, str]:
    from backlogctl.model import natural_key

    return natural_key(item_id)
