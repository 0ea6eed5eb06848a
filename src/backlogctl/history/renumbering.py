"""How a renumbering is recorded in git, and how `history NEW_ID` follows it back.

`renumber --commit` makes one commit that removes the old file and adds the
new one, with a ``Renumbered-from: OLD`` trailer. `follow` splices the old
id's history (up to that commit) in front of the new id's, with the
renumbering itself as a change of ``id``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backlogctl.history.audit import ItemHistory

TRAILER = "Renumbered-from"
_TRAILER_LINE = re.compile(rf"^{TRAILER}: *([A-Za-z][A-Za-z0-9]*-[0-9]+) *$", re.MULTILINE)


def message_for(message: str, old_id: str) -> str:
    """``message`` with the trailer that names the id the item had before."""
    return f"{message.rstrip()}\n\n{TRAILER}: {old_id}\n"


def renumbered_from(message: str) -> str | None:
    """The old id a commit message says the item was renumbered from, if any."""
    found = _TRAILER_LINE.findall(message)
    return found[-1] if found else None


def follow(root: Path, history: ItemHistory, depth: int = 0) -> ItemHistory:
    """The item's history including its life under earlier ids (renumberings followed, at most 50)."""
    from dataclasses import replace

    from backlogctl.errors import BacklogError
    from backlogctl.history.audit import Change, ItemHistory, item_history

    if not history.changes or depth > 50:
        return history
    first = history.changes[0]
    old_id = renumbered_from(first.message) if first.field is None and first.old is None else None
    if old_id is None:
        return history
    try:
        earlier = item_history(root, old_id, until=f"{first.commit}^")
    except BacklogError:
        return history
    renamed = replace(first, field="id", old=old_id, new=history.id)
    changes: list[Change] = [*earlier.changes, renamed, *history.changes[1:]]
    return ItemHistory(history.id, changes)
