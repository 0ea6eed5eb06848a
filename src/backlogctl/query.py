"""Selecting items: by id, status, tag and owner."""

from __future__ import annotations

from collections.abc import Iterable

from backlogctl.backlog import Backlog, Entry, refuse_non_id
from backlogctl.errors import InputError
from backlogctl.model import Item


def entry_for(backlog: Backlog, item_id: str) -> Entry:
    """The entry of one id; anything that is not an id (a path, say) is refused."""
    refuse_non_id(item_id, backlog.config)
    return backlog.find(item_id)


def select(
    items: Iterable[Item],
    *,
    statuses: list[str] | None = None,
    tags: list[str] | None = None,
    owner: str | None = None,
    known_statuses: Iterable[str] | None = None,
) -> list[Item]:
    """Items matching every given filter (each filter: any of its values).

    With ``known_statuses``, a status filter that names none of them is a
    typo, refused with the list, not an empty result.
    """
    wanted_status = set(statuses or [])
    if known_statuses is not None:
        known = list(known_statuses)
        unknown = sorted(wanted_status.difference(known))
        if unknown:
            from difflib import get_close_matches

            close = get_close_matches(unknown[0], known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise InputError(f"unknown status {unknown[0]!r}{hint} (statuses: {', '.join(known)})")
    wanted_tags = set(tags or [])
    return [
        item
        for item in items
        if (not wanted_status or item.status in wanted_status)
        and (not wanted_tags or wanted_tags.intersection(item.tags))
        and (owner is None or item.owner == owner)
    ]
