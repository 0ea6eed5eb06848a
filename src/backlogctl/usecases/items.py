"""Use cases of single items: list, show, new, set."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backlogctl.backlog import Backlog, Entry
    from backlogctl.model import Item


@dataclass(frozen=True, slots=True)
class Listing:
    """The items a filter selected, and how many files were left out as invalid."""

    items: list[Item]
    skipped: int


@dataclass(frozen=True, slots=True)
class Shown:
    """One item's entry with the backlog it belongs to (the score breakdown needs its config)."""

    backlog: Backlog
    entry: Entry


@dataclass(frozen=True, slots=True)
class Created:
    id: str
    path: str
    """Backlog-relative, with forward slashes."""


@dataclass(frozen=True, slots=True)
class Edited:
    id: str
    changes: list[tuple[str, Any, Any]]
    """(field, old, new) for each field that changed; empty when nothing did."""
    summary: str
    """``field old → new; ...``, as in the commit message."""


def list_items(
    start: Path, *, statuses: list[str] | None = None, tags: list[str] | None = None, owner: str | None = None
) -> Listing:
    """Items matching every filter, in id order."""
    from backlogctl import backlog as backlog_module
    from backlogctl import query

    backlog = backlog_module.load(start)
    rows = query.select(backlog.items, statuses=statuses, tags=tags, owner=owner)
    return Listing(rows, len(backlog.entries) - len(backlog.items))


def show_item(start: Path, item_id: str) -> Shown:
    """The entry of one id (an invalid item too: `show` says what is wrong)."""
    from backlogctl import backlog as backlog_module
    from backlogctl import query

    backlog = backlog_module.load(start)
    return Shown(backlog, query.entry_for(backlog, item_id))


def new_item(
    start: Path,
    title: str,
    *,
    kind: str | None = None,
    owner: str | None = None,
    assignments: list[str] | None = None,
    commit: bool = False,
) -> Created:
    """Create an item from the template with an id no branch uses; with ``commit``, commit it."""
    from backlogctl import authoring, config, history

    backlog_dir = config.load(start)
    fields = authoring.parse_assignments(assignments or [])
    fields.update({k: v for k, v in (("kind", kind), ("owner", owner)) if v is not None})
    # The highest id per prefix at any branch tip: new ids go above it.
    highest = history.branch_highest_ids(backlog_dir.root, backlog_dir.config.items_dir)
    taken = {f"{prefix}-{number}" for prefix, number in highest.items()}
    if commit:
        history.ensure_can_commit(backlog_dir.root)  # before writing: a refused --commit changes nothing
    created = authoring.new_item(backlog_dir, title, fields, taken=taken)
    if commit:
        history.commit_files(backlog_dir.root, [created.path], f"{created.id}: add {title}")
    return Created(created.id, created.path.relative_to(backlog_dir.root).as_posix())


def set_fields(
    start: Path, item_id: str, assignments: list[str], *, force: bool = False, commit: bool = False
) -> Edited:
    """Edit fields of one item (comments and layout survive); with ``commit``, commit the file."""
    from backlogctl import authoring, history, query
    from backlogctl import backlog as backlog_module

    backlog = backlog_module.load(start)
    entry = query.entry_for(backlog, item_id)
    changes = authoring.parse_assignments(assignments)
    if commit:
        history.ensure_can_commit(backlog.root)  # before writing: a refused --commit changes nothing
    edit = authoring.set_fields(entry.path, changes, force=force)
    label = entry.id or item_id
    summary = change_summary(edit.changes)
    if edit.changed and commit:
        history.commit_files(backlog.root, [entry.path], f"{label}: {summary}")
    return Edited(label, list(edit.changes), summary)


def change_summary(changes: list[tuple[str, Any, Any]]) -> str:
    """``field old → new; ...``: the commit message and the command's output."""
    return "; ".join(f"{field} {_short(old)} → {_short(new)}" for field, old, new in changes)


def _short(value: object) -> str:
    text = "∅" if value is None else str(value)
    return text if len(text) <= 40 else text[:37] + "..."
