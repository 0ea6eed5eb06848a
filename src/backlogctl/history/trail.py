"""Walking one backlog's history: commits, blob ids and parsed blobs, with the cache.

Git reports a move of an item file as a deletion and an addition (no rename
detection: it costs time and pairs files by similarity, not by id); `pairs`
joins them again when both sides hold the same item id.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from backlogctl.history.cache import HistoryCache
from backlogctl.history.git import BlobReader, Repo, require_history
from backlogctl.history.snapshot import item_files, parse_blob, resolve_in
from backlogctl.history.walk import CommitInfo, FileChange, diff, log, raw_entries
from backlogctl.ids import file_id, id_in_text, is_item_path

Parsed = tuple[dict[str, Any] | None, str | None]
"""A parsed blob: its mapping, or the error that kept it from being one."""


class _Background:
    """One function run in a thread (it waits on a git process, so the GIL is free)."""

    def __init__(self, work: Callable[[], list[CommitInfo]]) -> None:
        self._work = work
        self._value: list[CommitInfo] = []
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._work()
        except BaseException as exc:  # re-raised in the caller's thread
            self._error = exc

    def result(self) -> list[CommitInfo]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


class Pair(NamedTuple):
    """One item file's two sides in one commit (None: created or deleted)."""

    old_blob: str | None
    old_path: str | None
    new_blob: str | None
    new_path: str | None


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
        self._known_ids: dict[str, str | None] | None = None
        self.is_item = functools.cache(lambda path: is_item_path(path, self.items_dir))

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

    def commits(self, tip: str, since: str | None = None) -> list[CommitInfo]:
        """Item-touching commits of ``tip``'s first-parent line after ``since``, oldest first (cached)."""
        return self.start_commits(tip, since)()

    def start_commits(self, tip: str, since: str | None = None) -> Callable[[], list[CommitInfo]]:
        """Start walking (see `commits`) in the background; the result waits for the walk.

        git log runs on one core while the caller reads blobs on the other. A
        cached walk to an older tip with the same ``since`` is extended by
        walking only the newer commits.
        """
        base = since or ""
        cached = self.cache.chain(self.folder, base, tip)
        if cached is not None:
            return lambda: cached
        older: list[CommitInfo] = []
        exclude = since
        for known in self.cache.chain_tips(self.folder, base)[:3]:
            if self._extends(known, tip):
                found = self.cache.chain(self.folder, base, known)
                if found is not None:
                    older, exclude = found, known
                    break
        walk = _Background(lambda: log(self.repo, tip, self.items_dir, exclude=exclude))

        def finish() -> list[CommitInfo]:
            commits = older + walk.result()
            self.cache.store_chain(self.folder, base, tip, commits)
            return commits

        return finish

    def _extends(self, known: str, tip: str) -> bool:
        """Whether ``known`` lies on ``tip``'s first-parent line."""
        # A cached tip can be gone: history rewritten, or the repository rebuilt at the same path.
        out = self.repo.run("rev-list", "--first-parent", "--parents", tip, f"^{known}", check=False)
        lines = out.decode("utf-8", "replace").splitlines()
        return bool(lines) and lines[-1].split()[1:2] == [known]

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
        if self._known_ids is None:
            self._known_ids = self.cache.blob_ids()
        known = self._known_ids
        missing = [sha for sha in blobs if sha not in known]
        fresh: dict[str, str | None] = {}
        for sha, raw in self.reader.read_many(missing).items():
            fresh[sha] = id_in_text(raw or b"") or file_id(None, blobs[sha])
        self.cache.store_blob_ids(fresh)
        known.update(fresh)
        return {sha: known[sha] for sha in blobs}

    def ids_at(self, sha: str | None) -> set[str]:
        if sha is None:
            return set()
        files = item_files(self.repo, sha, self.items_dir)
        found = self.ids({f.blob: f.path for f in files})
        return {item_id for item_id in found.values() if item_id}

    def pairs(self, commits: list[CommitInfo]) -> list[list[Pair]]:
        """Each commit's item files as pairs; a deletion and an addition of one id are a move."""
        files = [[f for f in c.files if self.is_item(f.new_path or f.old_path or "")] for c in commits]
        ids: dict[str, str | None] = {}
        unread: dict[str, str] = {}
        for touched in files:
            gone = {f.old_blob: f.old_path for f in touched if f.status == "D" and f.old_blob}
            added = {f.new_blob: f.new_path for f in touched if f.status == "A" and f.new_blob}
            if not gone or not added:
                continue
            for blob, path in (gone | added).items():
                if blob in gone and blob in added:
                    ids[blob] = f"same content {blob}"  # a pure move: no need to read the id
                elif path:
                    unread[blob] = path
        if unread:
            ids.update(self.ids(unread))
        return [_paired(touched, ids) for touched in files]

    def changes_in(
        self, commits: Iterable[CommitInfo], only: str | None = None, fields_only: bool = False
    ) -> Iterator[tuple[str, CommitInfo, str | None, Any, Any]]:
        """(item id, commit, field, old, new) for every item file the commits touched.

        ``only``: one id's changes. ``fields_only``: leave out creations and
        deletions (their blobs are then not even parsed).
        """
        commits = list(commits)
        pairs = self.pairs(commits)
        sides = {
            blob: path
            for touched in pairs
            for p in touched
            if not fields_only or (p.old_blob and p.new_blob)
            for blob, path in ((p.old_blob, p.old_path), (p.new_blob, p.new_path))
            if blob and path
        }
        if only is not None:
            ids = self.ids(sides)
            sides = {blob: path for blob, path in sides.items() if (ids[blob] or "").upper() == only.upper()}
        parsed = self.parsed(sides)
        for commit, touched in zip(commits, pairs, strict=True):
            for pair in touched:
                if fields_only and not (pair.old_blob and pair.new_blob):
                    continue
                for item_id, field, old, new in _pair_changes(pair, parsed):
                    if only is None or item_id.upper() == only.upper():
                        yield item_id, commit, field, old, new

    def item_commits(self, tip: str, item_id: str) -> list[CommitInfo] | None:
        """Commits that touched the files named for ``item_id``, following moves; None: no such file.

        Item files are named ``<id>-<slug>.yaml`` at any depth of the items
        folder, so git walks only the files so named at ``tip`` (as cheap as
        ``git log -- PATH``). Where such a file was added, a file of the same id
        deleted in that commit is a move, and the walk continues below it.
        """
        paths = set(self._named(tip, item_id))
        if not paths:
            return None
        found = log(self.repo, tip, self.items_dir, paths=sorted(paths))
        checked: set[str] = set()
        while True:
            move = self._newest_move(found, item_id, paths, checked)
            if move is None:
                return found
            at, moved, sources = move
            # Usually the new paths have no older commits: walk only the sources
            # (each extra pathspec slows git down). Otherwise walk them all again.
            walked = sources if at == 0 else paths | sources
            paths |= sources
            below = log(self.repo, f"{moved.sha}^", self.items_dir, paths=sorted(walked))
            found = [*below, moved, *found[at + 1 :]]

    def _named(self, tip: str, item_id: str) -> list[str]:
        """Repository paths of the item files at ``tip`` whose names start with the id."""
        listing = self.repo.run("ls-tree", "-r", "-z", "--name-only", "--full-tree", tip, "--", self.folder)
        lead, cut = item_id.lower(), len(self.repo.prefix)
        named = []
        for name in listing.decode("utf-8", "replace").split("\0"):
            base = name.rsplit("/", 1)[-1].lower()
            if base.startswith((f"{lead}-", f"{lead}.")) and self.is_item(name[cut:]):
                named.append(name)
        return named

    def _newest_move(
        self, found: list[CommitInfo], item_id: str, paths: set[str], checked: set[str]
    ) -> tuple[int, CommitInfo, set[str]] | None:
        """The newest commit in ``found`` that moved the item into ``paths`` from elsewhere."""
        for at in range(len(found) - 1, -1, -1):
            commit = found[at]
            if commit.sha in checked or not any(f.status == "A" for f in commit.files):
                continue
            checked.add(commit.sha)
            whole = self._first_parent_diff(commit)
            gone = {
                f.old_blob: f.old_path for f in whole.files if f.status == "D" and f.old_blob and f.old_path
            }
            ids = self.ids(gone) if gone else {}
            sources = {
                self.repo.path_in_repo(path)
                for blob, path in gone.items()
                if (ids[blob] or "").upper() == item_id.upper() and self.repo.path_in_repo(path) not in paths
            }
            if sources:
                return at, whole, sources
        return None

    def _first_parent_diff(self, commit: CommitInfo) -> CommitInfo:
        """``commit`` with every item file it changed against its first parent."""
        output = self.repo.run(
            "diff-tree",
            "-r",
            "--no-renames",
            "-z",
            "--no-abbrev",
            f"{commit.sha}^",
            commit.sha,
            "--",
            self.folder,
            check=False,
        )  # fails for a root commit, which moves nothing
        return commit._replace(files=tuple(raw_entries(output, len(self.repo.prefix))))


def _paired(files: list[FileChange], ids: dict[str, str | None]) -> list[Pair]:
    """Pairs in git's order; a move sits where its addition was."""
    gone: dict[str, list[int]] = {}
    if ids:
        for at, f in enumerate(files):
            if f.status == "D" and f.old_blob and ids.get(f.old_blob):
                gone.setdefault(str(ids[f.old_blob]).upper(), []).append(at)
    sources: dict[int, int] = {}
    for at, f in enumerate(files):
        if f.status == "A" and f.new_blob and ids.get(f.new_blob):
            candidates = gone.get(str(ids[f.new_blob]).upper())
            if candidates:
                sources[at] = candidates.pop(0)
    moved = set(sources.values())
    pairs = []
    for at, f in enumerate(files):
        if at in moved:
            continue
        source = files[sources[at]] if at in sources else f
        pairs.append(Pair(source.old_blob, source.old_path, f.new_blob, f.new_path))
    return pairs


def _pair_changes(pair: Pair, parsed: dict[str, Parsed]) -> Iterator[tuple[str, str | None, Any, Any]]:
    old, new = parsed.get(pair.old_blob or ""), parsed.get(pair.new_blob or "")
    old_data = old[0] if old else None
    new_data = new[0] if new else None
    old_id = file_id(old_data, pair.old_path) if old else None
    new_id = file_id(new_data, pair.new_path) if new else None
    if old_id is not None and old_id == new_id:
        if new_data is None:
            return  # the new version does not parse: nothing to compare yet
        for field, before, after in diff(old_data or {}, new_data):
            yield old_id, field, before, after
        return
    if old_id is not None:
        yield old_id, None, old_data, None
    if new_id is not None:
        yield new_id, None, None, new_data
