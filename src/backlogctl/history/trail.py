"""Walking one backlog's history: commits, blob ids and parsed blobs, with the cache.

Git reports a move of an item file as a deletion and an addition (no rename
detection: it costs time and pairs files by similarity, not by id); `pairs`
joins them again when both sides hold the same item id.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from backlogctl.history.cache import HistoryCache
from backlogctl.history.early import StartedWalk, named_files
from backlogctl.history.git import BlobReader, Repo, require_history
from backlogctl.history.snapshot import item_files, parse_blob, resolve_in
from backlogctl.history.walk import CommitInfo, FileChange, LogStream, PathWalk, diff, raw_entries, same
from backlogctl.ids import file_id, id_in_text, is_item_path

Parsed = tuple[dict[str, Any] | None, str | None]
"""A parsed blob: its mapping, or the error that kept it from being one."""
FieldEdit = tuple[str, str | None, Any, Any]
"""(item id, field, old, new): one change of one pair."""
PREFETCH_BATCH = 256
"""Blobs read and parsed at a time while git walks (one cat-file round trip each)."""


class Pair(NamedTuple):
    """One item file's two sides in one commit (None: created or deleted).

    For a merge, ``others`` are the other parents' blobs at the same path.
    """

    old_blob: str | None
    old_path: str | None
    new_blob: str | None
    new_path: str | None
    others: tuple[str | None, ...] = ()


class Trail:
    """Walks one backlog's history with a blob reader and the cache."""

    def __init__(self, root: Path, started: StartedWalk | None = None) -> None:
        """``started``: `item_commits`' walk if `history.early` started it (taken only if it fits)."""
        from backlogctl import config as config_module

        self.backlog_dir = config_module.load(root)
        self.repo: Repo = require_history(self.backlog_dir.root)
        self.items_dir = self.backlog_dir.config.items_dir
        self.folder = self.repo.path_in_repo(self.items_dir)
        self.cache = HistoryCache(self.repo.git_dir)
        self._reader: BlobReader | None = None
        self._known_ids: dict[str, str | None] | None = None
        self.is_item = functools.cache(lambda path: is_item_path(path, self.items_dir))
        self._walks: list[LogStream | PathWalk] = []
        self._ready: dict[str, Parsed] = {}
        """Blobs parsed in this run (while git walked), by sha."""
        self._raw: dict[str, bytes | None] = {}
        """Contents read while git walked of blobs whose item id `pairs` will want."""
        self._wanted: dict[str, str] = {}
        self._want_raw: set[str] = set()
        self._arrived: list[CommitInfo] = []
        self._early: dict[str, tuple[CommitInfo, list[Pair], list[FieldEdit]]] = {}
        """Changes worked out while git walked, by sha: the commit, its pairs then, its field changes."""
        self._by_id: dict[tuple[str, str], tuple[str | None, str | None] | None] = {}
        self._started = started
        if started is not None:
            self._walks.append(started.stream)

    def __enter__(self) -> Trail:
        return self

    def __exit__(self, *exc: object) -> None:
        for walk in self._walks:
            walk.close()
        if self._reader is not None:
            self._reader.close()
        self.cache.close()

    @property
    def reader(self) -> BlobReader:
        if self._reader is None:
            self._reader = BlobReader(self.repo)
        return self._reader

    def start_reader(self) -> None:
        """Start the blob reader (git cat-file) now, e.g. while git walks, rather than when first needed."""
        _ = self.reader

    def resolve(self, rev: str) -> str:
        return resolve_in(self.repo, rev, self.backlog_dir.config.review.tag_prefix)

    def commits(self, tip: str, since: str | None = None) -> list[CommitInfo]:
        """Item-touching commits of ``tip``'s first-parent line after ``since``, oldest first (cached)."""
        return self.start_commits(tip, since)()

    def start_commits(
        self, tip: str, since: str | None = None, *, prefetch: bool = False
    ) -> Callable[[], list[CommitInfo]]:
        """Start walking (see `commits`); the result parses git's output as it comes, to the walk's end.

        git log runs on one core while the caller works on the other. With
        ``prefetch`` each commit's changed item files are read and parsed as
        the commit arrives (what `changes_in` with ``fields_only`` reads), so
        little is left to do when git ends. A cached walk to an older tip with
        the same ``since`` is extended by walking only the commits reachable
        from ``tip`` and not from it.
        """
        base = since or ""
        cached = self.cache.chain(self.folder, base, tip)
        if cached is not None:
            return lambda: cached
        older: list[CommitInfo] = []
        exclude = [since] if since else []
        for known in self.cache.chain_tips(self.folder, base)[:3]:
            if self._extends(known, tip):
                found = self.cache.chain(self.folder, base, known)
                if found is not None:
                    older, exclude = found, [*exclude, known]
                    break
        walk = LogStream(self.repo, tip, self.items_dir, exclude=exclude)
        self._walks.append(walk)

        def finish() -> list[CommitInfo]:
            walked = []
            for commit in walk:
                walked.append(commit)
                if prefetch:
                    self._prefetch(commit)
            self._read_wanted()
            commits = older + walked
            self.cache.store_chain(self.folder, base, tip, commits)
            return commits

        return finish

    def _extends(self, known: str, tip: str) -> bool:
        """Whether ``known`` is an ancestor of ``tip`` (then tip's walk is known's plus the new commits)."""
        # A cached tip can be gone: history rewritten, or the repository rebuilt at the same path.
        _out, _err, code = self.repo.call("merge-base", "--is-ancestor", known, tip)
        return code == 0

    def _prefetch(self, commit: CommitInfo) -> None:
        """Note the blobs of ``commit`` that `changes_in` with ``fields_only`` parses; read them in batches.

        Those are both sides of a modified file, every side of a merge, and
        the deletions and additions of a commit that has both (moves, whose
        item ids `pairs` reads too).
        """
        self._arrived.append(commit)
        touched = [f for f in commit.files if self.is_item(f.new_path or f.old_path or "")]
        moves = not commit.is_merge and {"A", "D"} <= {f.status for f in touched}
        for f in touched:
            if f.status != "M" and not moves and not commit.is_merge:
                continue
            sides = ((f.old_blob, f.old_path), (f.new_blob, f.new_path))
            for blob, path in (*sides, *((other, f.new_path or f.old_path) for other in f.others)):
                if blob and path and blob not in self._ready:
                    self._wanted.setdefault(blob, path)
                    if moves:
                        self._want_raw.add(blob)
        if len(self._wanted) >= PREFETCH_BATCH:
            self._read_wanted()

    def _read_wanted(self) -> None:
        """Read and parse the noted blobs, then work out the field changes of the commits they came with."""
        wanted, self._wanted = self._wanted, {}
        keep_raw, self._want_raw = self._want_raw, set()
        arrived, self._arrived = self._arrived, []
        if wanted:
            self._parse(wanted, keep_raw)
        if arrived:
            pairs = self.pairs(arrived)
            self._fill_moved_sides(arrived, pairs)
            for commit, touched in zip(arrived, pairs, strict=True):
                edits = self._field_edits(touched)
                if edits is not None:
                    self._early[commit.sha] = (commit, touched, edits)

    def _field_edits(self, touched: list[Pair]) -> list[FieldEdit] | None:
        """The field changes of one commit's pairs, or None when they need the whole walk.

        A side that does not parse (conflict markers) stands for what it was
        made from (`_readable`), which only the whole walk knows.
        """
        ready = self._ready
        edits: list[FieldEdit] = []
        for pair in touched:
            if not (pair.old_blob and pair.new_blob) and not pair.others:
                continue  # a creation or deletion: not a field change
            for blob in (pair.old_blob, pair.new_blob, *pair.others):
                if blob is not None and (blob not in ready or ready[blob][0] is None):
                    return None
            edits += [edit for edit in _pair_changes(pair, ready, {}) if edit[1] is not None]
        return edits

    def parsed(self, blobs: dict[str, str]) -> dict[str, Parsed]:
        """Parse blobs (sha -> backlog-relative path) with the cache."""
        missing = {sha: path for sha, path in blobs.items() if sha not in self._ready}
        if missing:
            self._parse(missing)
        return {sha: self._ready[sha] for sha in blobs}

    def _parse(self, blobs: dict[str, str], keep_raw: Collection[str] = ()) -> None:
        """Parse blobs (sha -> path) into ``_ready``: from the cache, else read and parse (and cache)."""
        found: dict[str, Parsed] = self.cache.blobs(blobs)
        self._ready.update(found)
        fresh: dict[str, Parsed] = {}
        for sha, raw in self.reader.read_many(sha for sha in blobs if sha not in found).items():
            if sha in keep_raw:
                self._raw[sha] = raw
            loaded = parse_blob(raw, Path(blobs[sha]))
            fresh[sha] = (loaded.data, loaded.error.message if loaded.error else None)
        self.cache.store_blobs(fresh)
        self._ready.update(fresh)

    def ids(self, blobs: dict[str, str]) -> dict[str, str | None]:
        """The item id in each blob (sha -> path), from its ``id:`` line or file name."""
        if self._known_ids is None:
            self._known_ids = self.cache.blob_ids()
        known = self._known_ids
        missing = [sha for sha in blobs if sha not in known]
        read = {sha: self._raw[sha] for sha in missing if sha in self._raw}
        read.update(self.reader.read_many(sha for sha in missing if sha not in read))
        fresh: dict[str, str | None] = {}
        for sha in missing:
            raw = read[sha]
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
        for commit, touched in zip(commits, files, strict=True):
            if commit.is_merge:
                continue  # a merge lists a path only where it differs from every parent
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
        return [
            [Pair(f.old_blob, f.old_path, f.new_blob, f.new_path, f.others) for f in touched]
            if commit.is_merge or not ids or not _moves_possible(touched)
            else _paired(touched, ids)
            for commit, touched in zip(commits, files, strict=True)
        ]

    def changes_in(
        self, commits: Iterable[CommitInfo], only: str | None = None, fields_only: bool = False
    ) -> Iterator[tuple[str, CommitInfo, str | None, Any, Any]]:
        """(item id, commit, field, old, new) for every item file the commits touched.

        ``only``: one id's changes. ``fields_only``: leave out creations and
        deletions (their blobs are then not even parsed).
        """
        commits = list(commits)
        pairs = self.pairs(commits)
        self._fill_moved_sides(commits, pairs)
        early = self._early if fields_only and only is None else {}
        known = [_known_edits(early, commit, touched) for commit, touched in zip(commits, pairs, strict=True)]
        sides = {
            blob: path
            for touched, edits in zip(pairs, known, strict=True)
            if edits is None
            for p in touched
            if not fields_only or (p.old_blob and p.new_blob) or p.others
            for blob, path in (
                (p.old_blob, p.old_path),
                (p.new_blob, p.new_path),
                *((other, p.new_path or p.old_path) for other in p.others),
            )
            if blob and path
        }
        if only is not None:
            ids = self.ids(sides)
            sides = {blob: path for blob, path in sides.items() if (ids[blob] or "").upper() == only.upper()}
        parsed = self.parsed(sides)
        # Where each blob came from, so a repaired file compares with what it was before it broke.
        made_from = {
            p.new_blob: (p.old_blob, *p.others)
            for touched in pairs
            for p in touched
            if p.new_blob and (p.old_blob or p.others)
        }
        for commit, touched, edits in zip(commits, pairs, known, strict=True):
            if edits is not None:
                for item_id, field, old, new in edits:
                    yield item_id, commit, field, old, new
                continue
            for pair in touched:
                if fields_only and not (pair.old_blob and pair.new_blob) and not pair.others:
                    continue
                for item_id, field, old, new in _pair_changes(pair, parsed, made_from):
                    if fields_only and field is None:
                        continue
                    if only is None or item_id.upper() == only.upper():
                        yield item_id, commit, field, old, new

    def _fill_moved_sides(self, commits: list[CommitInfo], pairs: list[list[Pair]]) -> None:
        """A merge's parent that has the item under another path (moved on one side) gets that version.

        Git's combined diff compares one path across the parents; an item moved
        on one branch is at another path there, and by id it is the same item.
        """
        for commit, touched in zip(commits, pairs, strict=True):
            if not commit.is_merge:
                continue
            for at, pair in enumerate(touched):
                sides = (pair.old_blob, *pair.others)
                if pair.new_blob is None or pair.new_path is None or all(sides):
                    continue
                item_id = self.ids({pair.new_blob: pair.new_path})[pair.new_blob]
                if item_id is None:
                    continue
                found = [
                    (blob, pair.new_path) if blob else self._blob_by_id(parent, item_id) or (None, None)
                    for blob, parent in zip(sides, commit.parents, strict=False)
                ]
                (first, path), rest = found[0], found[1:]
                others = tuple(blob for blob, _ in rest)
                touched[at] = pair._replace(old_blob=first, old_path=pair.old_path or path, others=others)

    def _blob_by_id(self, sha: str, item_id: str) -> tuple[str | None, str | None] | None:
        """The blob and path of the item ``item_id`` at commit ``sha`` (files named for it first)."""
        if (sha, item_id) not in self._by_id:
            self._by_id[sha, item_id] = self._find_by_id(sha, item_id)
        return self._by_id[sha, item_id]

    def _find_by_id(self, sha: str, item_id: str) -> tuple[str | None, str | None] | None:
        files = item_files(self.repo, sha, self.items_dir)
        lead = item_id.lower()
        named = [f for f in files if f.path.rsplit("/", 1)[-1].lower().startswith((f"{lead}-", f"{lead}."))]
        for group in (named, files):
            ids = self.ids({f.blob: f.path for f in group})
            for f in group:
                if (ids.get(f.blob) or "").upper() == item_id.upper():
                    return f.blob, f.path
        return None

    def item_commits(self, tip: str, item_id: str) -> list[CommitInfo] | None:
        """Commits that touched the files named for ``item_id``, following moves; None: no such file.

        Item files are named ``<id>-<slug>.yaml`` at any depth of the items
        folder, so git walks only the files so named at ``tip`` (as cheap as
        ``git log -- PATH``). Where such a file was added, a file of the same id
        deleted in that commit is a move, and the walk continues below it.
        """
        started = self._take_started(tip, item_id)
        paths = set(started.paths if started else self._named(tip, item_id))
        if not paths:
            return None
        found = list(started.stream if started else PathWalk(self.repo, tip, self.items_dir, sorted(paths)))
        checked: set[str] = set()
        while True:
            move = self._newest_move(found, item_id, paths, checked)
            if move is None:
                return found
            at, moved, sources = move
            paths |= sources
            if any(c.is_merge for c in found[at + 1 :]):
                # A branch may have changed the old path after the move: walk every path again.
                found = list(PathWalk(self.repo, tip, self.items_dir, sorted(paths)))
                continue
            # Usually the new paths have no older commits: walk only the sources
            # (each extra pathspec slows git down). Otherwise walk them all again.
            walked = sources if at == 0 else paths
            below = list(PathWalk(self.repo, f"{moved.sha}^", self.items_dir, sorted(walked)))
            found = [*below, moved, *found[at + 1 :]]

    def _take_started(self, tip: str, item_id: str) -> StartedWalk | None:
        """The early walk if it is the one `item_commits` would start for ``tip``; else it is stopped."""
        started, self._started = self._started, None
        if started is None or started.fits(self.repo, tip, self.items_dir, item_id):
            return started
        started.close()
        return None

    def _named(self, tip: str, item_id: str) -> list[str]:
        """Repository paths of the item files at ``tip`` whose names start with the id."""
        return named_files(self.repo, tip, self.items_dir, item_id)

    def _newest_move(
        self, found: list[CommitInfo], item_id: str, paths: set[str], checked: set[str]
    ) -> tuple[int, CommitInfo, set[str]] | None:
        """The newest commit in ``found`` that moved the item into ``paths`` from elsewhere."""
        for at in range(len(found) - 1, -1, -1):
            commit = found[at]
            if commit.sha in checked or commit.is_merge or not any(f.status == "A" for f in commit.files):
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


def _known_edits(
    early: dict[str, tuple[CommitInfo, list[Pair], list[FieldEdit]]], commit: CommitInfo, touched: list[Pair]
) -> list[FieldEdit] | None:
    """The field changes worked out while git walked, if the whole walk pairs the files the same way.

    It can pair them otherwise: a pure move is paired by its content, unless
    another commit made `pairs` read that content's item id.
    """
    found = early.get(commit.sha)
    if found is None or not (found[0] is commit or found[0] == commit) or found[1] != touched:
        return None
    return found[2]


def _moves_possible(files: list[FileChange]) -> bool:
    """Whether a commit both adds and deletes (otherwise `_paired` pairs each file with itself)."""
    statuses = {f.status for f in files}
    return "A" in statuses and "D" in statuses


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


def _pair_changes(
    pair: Pair, parsed: dict[str, Parsed], made_from: dict[str, tuple[str | None, ...]]
) -> Iterator[tuple[str, str | None, Any, Any]]:
    new = parsed.get(pair.new_blob or "")
    new_data = new[0] if new else None
    if new is not None and new_data is None:
        return  # the new version does not parse: nothing to compare yet
    befores = _readable(pair.old_blob, pair.old_path, parsed, made_from, set())
    for other in pair.others:
        befores += _readable(other, pair.new_path or pair.old_path, parsed, made_from, set())
    if befores is None or (pair.old_blob and not befores):
        return  # what it replaced never parsed (or lies before the walk): nothing to compare with
    new_id = file_id(new_data, pair.new_path) if new else None
    if len(befores) > 1 or pair.others:
        yield from _merged(befores, new_id, new_data)
        return
    old_data, old_path = befores[0] if befores else (None, None)
    old_id = file_id(old_data, old_path) if old_data is not None else None
    if old_id is not None and old_id == new_id:
        for field, before, after in diff(old_data or {}, new_data):
            yield old_id, field, before, after
        return
    if old_id is not None:
        yield old_id, None, old_data, None
    if new_id is not None:
        yield new_id, None, None, new_data


Version = tuple[dict[str, Any] | None, str | None]
"""One parent's side of a change: its parsed mapping (None: no such file) and path."""


def _readable(
    blob: str | None,
    path: str | None,
    parsed: dict[str, Parsed],
    made_from: dict[str, tuple[str | None, ...]],
    seen: set[str],
) -> list[Version]:
    """The versions a side stands for: itself when it parses, else what it was made from.

    A file committed with conflict markers does not parse; it stands for the
    versions it was made from, so its repair is compared with those.
    """
    found = parsed.get(blob or "")
    if found is None:
        return [(None, path)]  # no file, or one left unread because it holds another item
    if found[0] is not None:
        return [(found[0], path)]
    if blob is None or blob in seen or blob not in made_from:
        return []
    seen.add(blob)
    versions: list[Version] = []
    for source in made_from[blob]:
        versions += _readable(source, path, parsed, made_from, seen)
    return versions


def _merged(
    befores: list[Version], new_id: str | None, new_data: dict[str, Any] | None
) -> Iterator[tuple[str, str | None, Any, Any]]:
    """What a merge (or the repair of a broken merge) changed itself: values no parent had."""
    present = [data for data, _ in befores if data is not None]
    first = befores[0][0]
    if new_data is None:
        if len(present) == len(befores) and first is not None:
            old_id = file_id(first, befores[0][1])
            if old_id is not None:
                yield old_id, None, first, None  # every parent had it; the merge deleted it
        return
    if new_id is None:
        return
    if not present:
        yield new_id, None, None, new_data  # no parent had it; the merge added it
        return
    for field, before, after in diff(first or {}, new_data):
        if all(not same(_dotted(data or {}, field), after) for data, _ in befores):
            yield new_id, field, before, after


def _dotted(data: dict[str, Any], field: str) -> Any:
    value: Any = data
    for part in field.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value
