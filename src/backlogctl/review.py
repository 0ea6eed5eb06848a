"""The review cadence: which open items are due, marking them reviewed, closing a review.

`close` checks everything before it writes anything (the tag, uncommitted
marks, whether git can commit), then writes the meeting's decision record
`reviews/YYYY-MM-DD.md`, commits it (with the marks, under --commit) and tags
that commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from backlogctl.backlog import Backlog
from backlogctl.errors import GitError, InputError
from backlogctl.ids import natural_key

RECORDS_DIR = "reviews"


@dataclass(frozen=True, slots=True)
class DueItem:
    """An open item due for review (`is_due`)."""

    id: str
    title: str
    status: str | None
    owner: str | None
    last_reviewed: dt.date | None
    days_since: int | None
    """Days since the last review; None when it was never reviewed."""


def is_due(last_reviewed: dt.date | None, created: dt.date | None, today: dt.date, cadence_days: int) -> bool:
    """The one "due for review" rule (`review due`, lint's review-overdue, the meeting pack).

    An open item is due when its last review is more than ``cadence_days`` ago.
    A never-reviewed item counts from its creation: a proposal made this week
    has not missed the cadence (the meeting sees it among the items added since
    the last review); one without a creation date is due.
    """
    since = last_reviewed or created
    return since is None or (today - since).days > cadence_days


def due(backlog: Backlog, today: dt.date | None = None) -> list[DueItem]:
    """Open items (status not closed) that are due for review (`is_due`)."""
    today = today or dt.date.today()
    cadence = backlog.config.review.cadence_days
    closed = set(backlog.config.statuses.closed)
    found = []
    for item in backlog.items:
        if item.status in closed:
            continue
        days = (today - item.last_reviewed).days if item.last_reviewed else None
        if is_due(item.last_reviewed, item.created, today, cadence):
            found.append(DueItem(item.id, item.title, item.status, item.owner, item.last_reviewed, days))
    # Never reviewed first, then the longest overdue.
    found.sort(key=lambda d: (d.days_since is not None, -(d.days_since or 0), natural_key(d.id)))
    return found


@dataclass(slots=True)
class Marked:
    """What `review mark` did: per id, whether it was written; the commit, if any."""

    day: dt.date
    ids: list[str] = field(default_factory=list)
    changed: list[bool] = field(default_factory=list)
    commit: str | None = None


def mark(
    start: Path,
    ids: list[str],
    *,
    all_due: bool = False,
    commit: bool = False,
    why: str | None = None,
    today: dt.date | None = None,
) -> Marked:
    """Set ``last_reviewed`` to today on each item (or every due one); comments and layout survive.

    Every file is read, edited and checked before any is written; with
    ``commit`` all of them go into one commit, all or nothing.
    """
    from backlogctl import backlog as backlog_module
    from backlogctl import history, query, store
    from backlogctl.editing import check_edit, write_files

    today = today or dt.date.today()
    if all_due:
        backlog = backlog_module.load(start)
        ids = [*ids, *(item.id for item in due(backlog, today))]
        if not ids:
            raise InputError("no items to mark: name ids, or --due for every item due for review")
        found = [query.entry_for(backlog, item_id) for item_id in ids]
    else:
        # Only the named items' files are read (`backlog.load_ids`).
        backlog, found = backlog_module.load_ids(start, ids)
        if not ids:
            raise InputError("no items to mark: name ids, or --due for every item due for review")
    entries = list({id(e): e for e in found}.values())
    result = Marked(today)
    planned = []
    for entry in entries:
        document = store.read_document(entry.path)
        data = document.data()
        result.ids.append(entry.id or entry.path.stem)
        if isinstance(data, dict) and data.get("last_reviewed") == today:
            result.changed.append(False)
            continue
        text = store.set_value(document.text, "last_reviewed", today)
        check_edit(backlog, entry, text)
        planned.append((entry.path, text, document))
        result.changed.append(True)

    def write() -> list[Path]:
        return write_files([(path, text, document.raw) for path, text, document in planned])

    marked = [i for i, changed in zip(result.ids, result.changed, strict=True) if changed]
    _, result.commit = history.commit_change(
        backlog.root,
        write,
        touches=[path for path, _, _ in planned],
        written=lambda paths: paths,
        message=lambda _: history.full_message(
            f"Review {today}: {', '.join(marked)} last_reviewed → {today}", why
        ),
        commit=commit,
    )
    return result


def tag_name(prefix: str, today: dt.date | None = None) -> str:
    return f"{prefix}{(today or dt.date.today()).isoformat()}"


@dataclass(slots=True)
class Decision:
    """A decision taken since the last review: a status change, an item added or removed."""

    id: str
    title: str
    what: str
    author: str
    date: str
    """ISO date and time of the commit."""
    why: str | None


@dataclass(slots=True)
class Record:
    """The meeting's decision record, as written to reviews/YYYY-MM-DD.md."""

    name: str
    day: dt.date
    backlog: str
    attendees: list[str]
    previous: str | None
    ranking: list[tuple[int, str, str, float, str | None]]
    """(rank, id, title, score, status) at close."""
    model: str
    decisions: list[Decision]


@dataclass(slots=True)
class Closed:
    tag: str
    record: Path
    marks: int
    commit: str | None


def close(
    start: Path,
    *,
    render: Callable[[Record], str],
    attendees: list[str] | None = None,
    commit_marks: bool = False,
    force: bool = False,
    why: str | None = None,
    today: dt.date | None = None,
) -> Closed:
    """Close the review: check, write the decision record, commit it (with the marks) and tag it.

    Refuses before writing anything when today's tag exists (``force`` moves
    it), when review marks are not committed (``commit_marks`` commits them
    in the same commit), or when git could not commit.
    """
    from backlogctl import backlog as backlog_module
    from backlogctl import history, store

    today = today or dt.date.today()
    backlog = backlog_module.load(start)
    root = backlog.root
    prefix = backlog.config.review.tag_prefix
    name = tag_name(prefix, today)
    history.ensure_can_commit(root)
    if not force and history.tag_exists(root, name):
        raise GitError(
            f"tag {name} already exists: a review was closed today already (--force moves the tag)"
        )
    pending = history.uncommitted_items(root, backlog.config.items_dir, today.isoformat())
    marks = [path for path, only_mark in pending if only_mark]
    if marks and not commit_marks:
        listed = ", ".join(backlog.relative(p) for p in marks)
        raise GitError(
            f"{len(marks)} review {'mark is' if len(marks) == 1 else 'marks are'} not committed ({listed}); "
            "run 'backlogctl review close --commit' to commit them with the record (nothing was written)"
        )
    path = root / RECORDS_DIR / f"{today.isoformat()}.md"
    text = render(_record(backlog, name, today, attendees or []))

    def write() -> list[Path]:
        path.parent.mkdir(exist_ok=True)
        store.restore(path, text.encode("utf-8"))
        return [path, *marks]

    summary = f"Review {today}: decision record" + (f", {len(marks)} review marks" if marks else "")
    _, sha = history.commit_change(
        root,
        write,
        touches=[path],
        also=marks,
        written=lambda paths: paths,
        message=lambda _: history.full_message(summary, why),
    )
    history.tag_review(root, name, f"Backlog review {today.isoformat()}", force=force)
    return Closed(name, path, len(marks), sha)


def _record(backlog: Backlog, name: str, today: dt.date, attendees: list[str]) -> Record:
    from backlogctl import prioritise

    ranking = prioritise.rank_backlog(backlog)
    rows = [(r.rank, r.item.id, r.item.title, r.effective_score, r.item.status) for r in ranking.entries]
    previous, decisions = _decisions(backlog)
    return Record(name, today, backlog.config.name, attendees, previous, rows, ranking.model, decisions)


def _decisions(backlog: Backlog) -> tuple[str | None, list[Decision]]:
    """Status changes, additions and removals since the last review, with who and why."""
    from backlogctl import history
    from backlogctl.history import audit

    try:
        changes = audit.backlog_changes(backlog.root, since=None)  # the last review, else the start
    except GitError:
        return None, []
    titles = {item.id: item.title for item in backlog.items}
    found: list[Decision] = []
    statuses = [change for change in changes.changed if change.field == "status"]
    said = history.messages(backlog.root, [change.commit for change in statuses])
    for change in statuses:
        if change.field == "status":
            message = getattr(change, "message", None) or said.get(change.commit)
            found.append(
                Decision(
                    change.id,
                    titles.get(change.id, ""),
                    f"status {change.old} → {change.new}",
                    change.author,
                    change.date,
                    history.why_of(message) if isinstance(message, str) else None,
                )
            )
    for item_id, what in [*((i, "added") for i in changes.added), *((i, "removed") for i in changes.removed)]:
        found.append(_lifecycle(backlog.root, item_id, what, titles))
    found.sort(key=lambda d: (d.date, d.what != "added", d.what == "removed", natural_key(d.id)))
    return changes.since, found


def _lifecycle(root: Path, item_id: str, what: str, titles: dict[str, str]) -> Decision:
    """Who added or removed an item, and why: the commit that created or deleted its file."""
    from backlogctl import history
    from backlogctl.errors import BacklogError
    from backlogctl.history import audit

    try:
        changes = audit.item_history(root, item_id).changes
    except BacklogError:
        return Decision(item_id, titles.get(item_id, ""), what, "", "", None)
    step = changes[0] if what == "added" else changes[-1]
    title = titles.get(item_id) or next(
        (str(c.old.get("title", "")) for c in reversed(changes) if isinstance(c.old, dict)), ""
    )
    return Decision(item_id, title, what, step.author, step.date, history.why_of(step.message))
