"""Git: the only package that runs git (history, snapshots, commits, tags).

`git` runs processes; `snapshot` resolves revisions and reads the backlog as it
was at one; `branches` finds ids on other branches; `commit` makes the only
writes (commits of files backlogctl wrote, review tags); `walk`, `trail` and
`audit` are the change log. Names are imported on first use, so a command that
needs only `git` does not pay for pydantic and the backlog model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backlogctl.history.branches import branch_highest_ids
    from backlogctl.history.commit import (
        commit_change,
        commit_files,
        ensure_can_commit,
        ensure_clean,
        full_message,
        hook_lints,
        messages,
        tag_exists,
        tag_review,
        uncommitted_items,
        uncommitted_marks,
        why_of,
    )
    from backlogctl.history.snapshot import (
        Revision,
        backlog_at,
        backlog_of,
        resolve,
        resolve_revision,
        titles_at,
    )

_HOMES = {
    "Revision": "snapshot",
    "backlog_at": "snapshot",
    "backlog_of": "snapshot",
    "branch_highest_ids": "branches",
    "commit_change": "commit",
    "commit_files": "commit",
    "ensure_can_commit": "commit",
    "ensure_clean": "commit",
    "full_message": "commit",
    "hook_lints": "commit",
    "messages": "commit",
    "resolve": "snapshot",
    "resolve_revision": "snapshot",
    "tag_exists": "commit",
    "tag_review": "commit",
    "titles_at": "snapshot",
    "uncommitted_items": "commit",
    "uncommitted_marks": "commit",
    "why_of": "commit",
}

__all__ = [
    "Revision",
    "backlog_at",
    "backlog_of",
    "branch_highest_ids",
    "commit_change",
    "commit_files",
    "ensure_can_commit",
    "ensure_clean",
    "full_message",
    "hook_lints",
    "messages",
    "resolve",
    "resolve_revision",
    "tag_exists",
    "tag_review",
    "titles_at",
    "uncommitted_items",
    "uncommitted_marks",
    "why_of",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'backlogctl.history' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"backlogctl.history.{home}"), name)
    globals()[name] = value
    return value
