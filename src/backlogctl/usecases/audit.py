"""Use cases of the audit trail: history, changes, review due (review mark/close are in review.py)."""

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


def item_history(start: Path, item_id: str) -> ItemHistory:
    """Every field change of one item from git; anything that is not an id is refused."""
    from backlogctl import ids
    from backlogctl.history import audit

    if not ids.is_id(item_id):
        from backlogctl.errors import InputError

        raise InputError(f"{item_id!r} is not an item id; ids look like AI-7 (see 'backlogctl list')")
    return audit.item_history(start, item_id, walk_first=True)


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
