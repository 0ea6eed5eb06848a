"""The review cadence rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from backlogctl.lint.context import Context
from backlogctl.lint.problem import Finding, rule
from backlogctl.review import is_due


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


@rule(
    "review-overdue",
    "warning",
    """A backlog stays useful only if open items are looked at regularly; an
    item not reviewed within review.cadence_days (counted from its creation if
    it was never reviewed) is due.""",
)
def review_overdue(ctx: Context) -> Iterator[Finding]:
    """Every open item was reviewed within the review cadence of backlog.yaml."""
    cadence = ctx.config.review.cadence_days
    closed = set(ctx.config.statuses.closed)
    for entry in ctx.entries:
        data = entry.data
        if data is None or entry.status in closed:
            continue
        raw = data.get("last_reviewed")
        reviewed = _date(raw)
        if raw is not None and reviewed is None:
            continue  # not a date: `schema` reports it
        created = _date(data.get("created"))
        if not is_due(reviewed, created, ctx.today, cadence):
            continue
        if reviewed is not None:
            age = (ctx.today - reviewed).days
            message = f"last reviewed {reviewed} ({age} days ago; cadence {cadence} days)"
        else:
            since = f" since it was created {created}" if created else ""
            mark = f"backlogctl review mark {entry.id or 'ID'}"
            message = f"never reviewed{since} (cadence {cadence} days); run '{mark}'"
        yield Finding(entry, message, field="last_reviewed")
