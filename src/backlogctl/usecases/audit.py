"""Use cases of the audit trail and the review cycle: history, changes, review due/mark/close."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backlogctl.history.audit import BacklogChanges, ItemHistory
    from backlogctl.review import DueItem


@dataclass(frozen=True, slots=True)
class ChangesView:
    """What changed, the titles of the items involved, and how to name the baseline."""

    changes: BacklogChanges
    titles: dict[str, str]
    label: str | None


@dataclass(frozen=True, slots=True)
class DueView:
    cadence_days: int
    items: list[DueItem]


@dataclass(frozen=True, slots=True)
class Marked:
    id: str
    changed: bool
    """False when the item was already reviewed today."""
    date: dt.date


@dataclass(frozen=True, slots=True)
class Closed:
    tag: str
    committed: int
    """Review marks committed before tagging."""


def item_history(start: Path, item_id: str) -> ItemHistory:
    """Every field change of one item from git; anything that is not an id is refused."""
    from backlogctl import ids
    from backlogctl.history import audit

    if not ids.is_id(item_id):
        from backlogctl.errors import InputError

        raise InputError(f"{item_id!r} is not an item id; ids look like AI-7 (see 'backlogctl list')")
    return audit.item_history(start, item_id)


def changes(
    start: Path, *, since: str | None = None, until: str = "HEAD", with_titles: bool = True
) -> ChangesView:
    """Items added, removed and changed since a revision, with the titles to show them by.

    Titles cost a read of both trees; JSON output does without them (``with_titles=False``).
    """
    from backlogctl import history
    from backlogctl.history import audit

    result = audit.backlog_changes(start, since=since, until=until)
    ids = {*result.added, *result.removed, *(change.id for change in result.changed)}
    shas = [sha for sha in (result.until, result.since) if sha is not None]
    titles = history.titles_at(start, shas, ids) if with_titles else {}
    label = since if since is not None else ("last-review" if result.since else None)
    return ChangesView(result, titles, label)


def review_due(start: Path, today: dt.date | None = None) -> DueView:
    """Open items due for review (see `review.is_due`)."""
    from backlogctl import backlog as backlog_module
    from backlogctl import review

    backlog = backlog_module.load(start)
    return DueView(backlog.config.review.cadence_days, review.due(backlog, today))


def mark_reviewed(
    start: Path, item_ids: list[str], *, today: dt.date | None = None, commit: bool = False
) -> list[Marked]:
    """Set last_reviewed to today on the items; with ``commit``, commit the files written."""
    from backlogctl import backlog as backlog_module
    from backlogctl import history, review

    today = today or dt.date.today()
    backlog = backlog_module.load(start)
    if commit:
        history.ensure_can_commit(backlog.root)  # before writing: a refused --commit changes nothing
    edits = review.mark(backlog, item_ids, today)
    written = [edit.path for edit in edits if edit.changed]
    ids = [backlog.find(i).id or i for i in item_ids]
    if commit and written:
        history.commit_files(
            backlog.root, written, f"Review {today}: {', '.join(ids)} last_reviewed → {today}"
        )
    return [Marked(item_id, edit.changed, today) for item_id, edit in zip(ids, edits, strict=True)]


def close_review(start: Path, *, today: dt.date | None = None, commit: bool = False) -> Closed:
    """Tag HEAD review/YYYY-MM-DD; with ``commit``, commit pending review marks first."""
    from backlogctl import config, review

    backlog_dir = config.load(start)
    name, committed = review.close(
        backlog_dir.root,
        backlog_dir.config.review.tag_prefix,
        today or dt.date.today(),
        items_dir=backlog_dir.config.items_dir if commit else None,
    )
    return Closed(name, committed)
