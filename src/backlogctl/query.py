"""Selecting items: by id, status, tag and owner."""

from __future__ import annotations

from collections.abc import Iterable

from backlogctl import ids
from backlogctl.backlog import Backlog, Entry
from backlogctl.errors import InputError
from backlogctl.model import Item


def entry_for(backlog: Backlog, item_id: str) -> Entry:
    """The entry of one id; anything that is not an id (a path, say) is refused."""
    if not ids.is_id(item_id):
        raise InputError(
            f"{item_id!r} is not an item id; ids look like {backlog.config.id_prefix}-7 "
            "(see 'backlogctl list')"
        )
    return backlog.find(item_id)


def select(
    items: Iterable[Item],
    *,
    statuses: list[str] | None = None,
    tags: list[str] | None = None,
    owner: str | None = None,
) -> list[Item]:
    """Items matching every given filter (each filter: any of its values)."""
    wanted_status = set(statuses or [])
    wanted_tags = set(tags or [])
    return [
        item
        for item in items
        if (not wanted_status or item.status in wanted_status)
        and (not wanted_tags or wanted_tags.intersection(item.tags))
        and (owner is None or item.owner == owner)
    ]
