"""The review cadence: which open items are due, marking them reviewed, closing a review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from backlogctl.authoring import Edit, set_fields
from backlogctl.backlog import Backlog
from backlogctl.ids import natural_key


@dataclass(frozen=True, slots=True)
class DueItem:
    """An open item whose last review is older than the cadence, or missing."""

    id: str
    title: str
    status: str | None
    owner: str | None
    last_reviewed: dt.date | None
    days_since: int | None
    """Days since the last review; None when it was never reviewed."""


def due(backlog: Backlog, today: dt.date | None = None) -> list[DueItem]:
    """Open items (status not closed) not reviewed within ``review.cadence_days``."""
    today = today or dt.date.today()
    cadence = backlog.config.review.cadence_days
    closed = set(backlog.config.statuses.closed)
    found = []
    for item in backlog.items:
        if item.status in closed:
            continue
        days = (today - item.last_reviewed).days if item.last_reviewed else None
        if days is None or days > cadence:
            found.append(DueItem(item.id, item.title, item.status, item.owner, item.last_reviewed, days))
    # Never reviewed first, then the longest overdue.
    found.sort(key=lambda d: (d.days_since is not None, -(d.days_since or 0), natural_key(d.id)))
    return found


def mark(backlog: Backlog, ids: list[str], today: dt.date | None = None) -> list[Edit]:
    """Set ``last_reviewed`` to today on each item; comments and layout survive.

    Every id is checked before any file is written.
    """
    from backlogctl import query

    today = today or dt.date.today()
    entries = [query.entry_for(backlog, item_id) for item_id in ids]
    return [set_fields(entry.path, {"last_reviewed": today}) for entry in entries]


def tag_name(prefix: str, today: dt.date | None = None) -> str:
    return f"{prefix}{(today or dt.date.today()).isoformat()}"


def close(
    root: Path, prefix: str, today: dt.date | None = None, *, items_dir: str | None = None
) -> tuple[str, int]:
    """Tag HEAD ``<prefix>YYYY-MM-DD`` (annotated); returns the tag and how many marks were committed.

    With ``items_dir``, review marks not committed yet (item files whose only
    change is last_reviewed set to today) are committed first, so the tag
    includes them.
    """
    from backlogctl import history

    today = today or dt.date.today()
    committed = 0
    if items_dir is not None:
        marks = history.uncommitted_marks(root, items_dir, today.isoformat())
        if marks:
            history.commit_files(root, marks, f"Review {today}: mark {len(marks)} items reviewed")
            committed = len(marks)
    name = tag_name(prefix, today)
    history.tag_review(root, name, f"Backlog review {name.removeprefix(prefix)}")
    return name, committed
