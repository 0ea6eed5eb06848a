"""Use cases of single items: list and show (new is authoring.create, set is editing.set_fields)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

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


def list_items(
    start: Path, *, statuses: list[str] | None = None, tags: list[str] | None = None, owner: str | None = None
) -> Listing:
    """Items matching every filter, in id order."""
    from backlogctl import backlog as backlog_module
    from backlogctl import query

    backlog = backlog_module.load(start)
    rows = query.select(
        backlog.items, statuses=statuses, tags=tags, owner=owner, known_statuses=backlog.config.statuses.names
    )
    return Listing(rows, len(backlog.entries) - len(backlog.items))


def show_item(start: Path, item_id: str) -> Shown:
    """The entry of one id (an invalid item too: `show` says what is wrong); reads only its file.

    ``Shown.backlog`` may hold only that item (`backlog.load_ids`).
    """
    from backlogctl import backlog as backlog_module

    backlog, [entry] = backlog_module.load_ids(start, [item_id])
    return Shown(backlog, entry)
