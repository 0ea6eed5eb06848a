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
PATH_TRAILER = "Renumbered-path"
"""Written when two files held the old id: the old file, so only its own commits are followed."""
_TRAILER_LINE = re.compile(rf"^{TRAILER}: *([A-Za-z][A-Za-z0-9]*-[0-9]+) *$", re.MULTILINE)
_PATH_LINE = re.compile(rf"^{PATH_TRAILER}: *(\S.*?) *$", re.MULTILINE)


def message_for(message: str, old_id: str, old_path: str | None = None) -> str:
    """``message`` with the trailers that name the id (and, for a duplicated id, the file) of before."""
    path = f"{PATH_TRAILER}: {old_path}\n" if old_path else ""
    return f"{message.rstrip()}\n\n{TRAILER}: {old_id}\n{path}"


def path_trailer(root: Path, path: Path) -> str:
    """A file's path from the repository's top, as the path trailer writes it."""
    from backlogctl.history.git import locate

    repo = locate(root)
    return path.resolve().relative_to(repo.top.resolve()).as_posix()


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
    before = earlier.changes
    path = _PATH_LINE.findall(first.message)
    if path:  # two files held the old id: keep the commits of the one renumbered
        own = _commits_of(root, path[-1], f"{first.commit}^")
        before = [change for change in before if change.commit in own]
    renamed = replace(first, field="id", old=old_id, new=history.id)
    changes: list[Change] = [*before, renamed, *history.changes[1:]]
    return ItemHistory(history.id, changes)


def _commits_of(root: Path, path: str, until: str) -> set[str]:
    """Every commit that touched ``path`` (repository-relative), on any parent line up to ``until``."""
    from backlogctl.history.git import locate

    out = locate(root).run("log", "--format=%H", "--full-history", until, "--", path)
    return set(out.decode().split())
