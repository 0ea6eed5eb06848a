"""Git: the only package that runs git (history, snapshots, commits, tags).

`git` runs processes; `snapshot` resolves revisions and reads the backlog as it
was at one; `branches` finds ids on other branches; `commit` makes the only
writes (commits of files backlogctl wrote, review tags); `walk`, `trail` and
`audit` are the change log. Names are imported on first use, so a command that
needs only `git` does not pay for pydantic and the backlog model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backlogctl import lazy_exports

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

__getattr__ = lazy_exports(
    globals(),
    {
        "branches": ("branch_highest_ids",),
        "commit": (
            "commit_change",
            "commit_files",
            "ensure_can_commit",
            "ensure_clean",
            "full_message",
            "hook_lints",
            "messages",
            "tag_exists",
            "tag_review",
            "uncommitted_items",
            "uncommitted_marks",
            "why_of",
        ),
        "snapshot": ("Revision", "backlog_at", "backlog_of", "resolve", "resolve_revision", "titles_at"),
    },
)

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
