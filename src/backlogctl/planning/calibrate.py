"""Estimates against delivery: how long deployed items really took, from git history.

For each item that reached the last started status (``deployed`` by default)
after the first one (``in_progress``): the estimate (resources.effort_weeks as
it stood when work started) against the weeks from the first ``in_progress``
commit to the first ``deployed`` commit after it. The ratio actual/estimate
is summarised per team and per owner (median, lowest, highest, how many).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from backlogctl.backlog import Backlog
from backlogctl.errors import NotFoundError
from backlogctl.ids import natural_key
from backlogctl.model import get_path, set_path

EFFORT = "resources.effort_weeks"
FEW = 5  # a figure resting on fewer items than this says so


@dataclass(frozen=True, slots=True)
class Delivery:
    """One item's estimate at the start of work against the weeks it took."""

    id: str
    title: str
    team: str | None
    owner: str | None
    estimate: float | None
    started: str
    deployed: str
    weeks: float
    ratio: float | None


@dataclass(frozen=True, slots=True)
class Figure:
    """The ratio actual/estimate of one team or owner: median and spread over n items."""

    name: str
    items: int
    median: float
    low: float
    high: float
    note: str | None


@dataclass(slots=True)
class Calibration:
    deliveries: list[Delivery] = field(default_factory=list)
    overall: Figure | None = None
    teams: list[Figure] = field(default_factory=list)
    owners: list[Figure] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    start_status: str = "in_progress"
    done_status: str = "deployed"

    def ratios(self) -> dict[str, float]:
        """Team -> median ratio, for `plan --calibrated`."""
        return {figure.name: figure.median for figure in self.teams}


def calibrate(backlog: Backlog) -> Calibration:
    """Every delivered item's estimate against its weeks, and the ratios per team and owner."""
    from backlogctl.history.audit import item_history

    statuses = backlog.config.statuses
    start, done = statuses.started[0], statuses.started[-1]
    result = Calibration(start_status=start, done_status=done)
    for item in backlog.items:
        if item.status in statuses.rankable:
            continue
        try:
            changes = item_history(backlog.root, item.id).changes
        except NotFoundError:
            continue  # never committed: no dates to learn from
        found = delivery(changes, start, done)
        if found is None:
            continue
        if isinstance(found, str):
            result.skipped.append((item.id, found))
            continue
        started, deployed, estimate = found
        weeks = round((_when(deployed) - _when(started)).total_seconds() / (7 * 86400), 2)
        ratio = round(weeks / estimate, 3) if estimate else None
        result.deliveries.append(
            Delivery(item.id, item.title, item.team, item.owner, estimate, started, deployed, weeks, ratio)
        )
        if ratio is None:
            why = "no estimate" if estimate is None else "an estimate of 0"
            result.skipped.append((item.id, f"{EFFORT}: {why} when work started; no ratio"))
    measured = [d for d in result.deliveries if d.ratio is not None]
    result.overall = _figure("all", [d.ratio for d in measured if d.ratio is not None])
    result.teams = _figures(measured, lambda d: d.team)
    result.owners = _figures(measured, lambda d: d.owner)
    return result


def delivery(changes: Sequence[Any], start: str, done: str) -> tuple[str, str, float | None] | str | None:
    """(date work started, date deployed, estimate at start) from an item's changes, oldest first.

    None when the item never got from ``start`` to ``done``; a reason when it
    did but the history cannot say when work began (it was added already
    started, as an import of a spreadsheet adds items).
    """
    state: dict[str, Any] = {}
    started: str | None = None
    estimate: float | None = None
    for index, change in enumerate(changes):
        if change.field is None:
            state = dict(change.new) if isinstance(change.new, dict) else {}
        else:
            set_path(state, change.field, change.new)
        following = changes[index + 1] if index + 1 < len(changes) else None
        if following is not None and following.commit == change.commit:
            continue  # judge the item as the whole commit left it
        status = state.get("status")
        if index == 0 and status in (start, done):
            return (
                (
                    f"added to git already {status} ({change.date[:10]}): "
                    "the history does not say when work started"
                )
                if _reaches(changes, done)
                else None
            )
        if started is None and status == start:
            started = change.date
            value = get_path(state, EFFORT)
            is_number = isinstance(value, int | float) and not isinstance(value, bool)
            estimate = float(value) if is_number else None
        elif started is not None and status == done:
            return started, change.date, estimate
    return None


def _reaches(changes: Sequence[Any], done: str) -> bool:
    return any(
        (c.field == "status" and c.new == done)
        or (c.field is None and isinstance(c.new, dict) and c.new.get("status") == done)
        for c in changes
    )


def _when(date: str) -> dt.datetime:
    return dt.datetime.fromisoformat(date)


def _figures(deliveries: Iterable[Delivery], key: Any) -> list[Figure]:
    groups: dict[str, list[float]] = {}
    for found in deliveries:
        name = key(found)
        if name and found.ratio is not None:
            groups.setdefault(name, []).append(found.ratio)
    figures = [_figure(name, ratios) for name, ratios in groups.items()]
    return sorted((f for f in figures if f is not None), key=lambda f: natural_key(f.name))


def _figure(name: str, ratios: list[float]) -> Figure | None:
    if not ratios:
        return None
    count = len(ratios)
    if count == 1:
        note: str | None = "rests on one item: an anecdote, not a pattern"
    elif count < FEW:
        note = f"rests on only {count} items: read it as a hint"
    else:
        note = None
    return Figure(name, count, round(statistics.median(ratios), 3), min(ratios), max(ratios), note)
