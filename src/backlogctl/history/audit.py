"""The audit trail: field-level history of one item, and changes across the backlog."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backlogctl.history.renumbering import follow

# The configuration, the model and the rest of the history code (snapshot,
# trail) are imported inside the functions: `item_history` starts git's walk
# before it imports them (see history.early).


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
    message: str = ""


@dataclass(slots=True)
class BacklogChanges:
    since: str | None
    until: str
    added: list[str]
    removed: list[str]
    changed: list[FieldChange]
    warnings: list[str] = field(default_factory=list, compare=False, metadata={"json": False})
    """Things the reader should know, printed to stderr (not part of the JSON)."""


def item_history(root: Path, item_id: str, *, until: str = "HEAD", walk_first: bool = False) -> ItemHistory:
    """Every field change of one item, credited to the commit that made it, oldest first.

    Branch commits keep their author, date and message; a merge is credited
    only with values that no parent had (a conflict resolved to a new value).

    Git walks only the files named for the id (``<id>-*.yaml``, following
    moves); when no such file exists at ``until`` (a deleted item, a misnamed
    file) or they hold no change of that id, it walks the whole items folder.

    ``walk_first``: start that walk before the configuration is read, so the
    rest is worked out while git walks (`history.early`; for one item per
    command, not for loops over many items, where each call would look up the
    repository and HEAD once more).
    """
    from backlogctl.errors import NotFoundError
    from backlogctl.history.early import start_item_walk

    # git walks the item's files while the configuration, the cache and the
    # rest are read; Trail takes that walk only if it is the one it would start.
    started = start_item_walk(root, item_id) if walk_first and until == "HEAD" else None
    with contextlib.ExitStack() as stack:
        if started is not None:
            stack.callback(started.close)
        from backlogctl.history.cache import history_key
        from backlogctl.history.trail import Trail

        trail = stack.enter_context(Trail(root, started))
        tip = trail.resolve(until)
        # A result depends only on the commits, the folder and this version: cached as a whole.
        key = history_key(trail.folder, item_id, tip)
        cached = trail.cache.result(key)
        if isinstance(cached, ItemHistory):
            return follow(root, cached)
        trail.start_reader()  # while git walks
        changes: list[Change] = []
        for commits in (trail.item_commits(tip, item_id), None):
            if commits is None and changes:
                break
            walked = trail.commits(tip) if commits is None else commits
            changes = [
                Change(c.sha, c.author, c.date, c.message, field, old, new)
                for _, c, field, old, new in trail.changes_in(walked, only=item_id)
            ]
            if changes:
                break
        if not changes:
            raise NotFoundError(f"no history for {item_id!r}: no commit touched an item with that id")
        shown = next(
            (c.new or c.old for c in reversed(changes) if c.field is None and (c.new or c.old)), None
        )
        canonical = shown.get("id", item_id) if isinstance(shown, dict) else item_id
        result = ItemHistory(str(canonical), changes)
        trail.cache.store_result(key, result)
    return follow(root, result)


def backlog_changes(root: Path, since: str | None = None, until: str = "HEAD") -> BacklogChanges:
    """Items added and removed, and every changed field, between two revisions.

    ``since`` None means the last review when there is one, else the beginning.
    """
    from backlogctl.errors import NotFoundError
    from backlogctl.history.snapshot import LAST_REVIEW, last_review
    from backlogctl.history.trail import Trail

    with Trail(root) as trail:
        tip = trail.resolve(until)
        start: str | None
        warnings: list[str] = []
        if since is None or since.strip() == LAST_REVIEW:
            try:
                review = last_review(trail.repo, trail.backlog_dir.config.review.tag_prefix)
            except NotFoundError:
                if since is not None:
                    raise
                review = None
            start = review.sha if review else None
            if review is not None and not review.on_line:
                warnings.append(
                    f"the last review's tag {review.tag} is not an ancestor of HEAD (its commit was "
                    "rebased or is on another branch); changes since it may repeat reviewed values"
                )
        else:
            try:
                start = trail.resolve(since)
            except NotFoundError:
                if not _before_history(since):
                    raise
                start = None  # a date before the first commit: everything is new
        key = f"changes\x1f{trail.folder}\x1f{start or ''}\x1f{tip}"
        cached = trail.cache.result(key)
        if isinstance(cached, BacklogChanges):
            cached.warnings = warnings
            return cached
        walked = trail.start_commits(tip, start, prefetch=True)
        before, after = trail.ids_at(start), trail.ids_at(tip)  # while git walks
        changed = [
            FieldChange(item_id, field, old, new, c.sha, c.author, c.date, c.message)
            for item_id, c, field, old, new in trail.changes_in(walked(), fields_only=True)
            if field is not None
        ]
        order = _natural
        added, removed = sorted(after - before, key=order), sorted(before - after, key=order)
        result = BacklogChanges(start, tip, added, removed, changed, warnings)
        trail.cache.store_result(key, result)
        return result


def _before_history(rev: str) -> bool:
    from backlogctl.history.snapshot import DATE

    return bool(DATE.match(rev.strip()))


def _natural(item_id: str) -> tuple[str, int, str]:
    from backlogctl.ids import natural_key

    return natural_key(item_id)
