"""Git: the only package that runs git (history, snapshots, commits, tags).

`git` runs processes; `snapshot` resolves revisions and reads the backlog as it
was at one; `branches` finds ids on other branches; `commit` makes the only
writes (commits of files backlogctl wrote, review tags).
"""

from __future__ import annotations

from backlogctl.history.branches import branch_highest_ids
from backlogctl.history.commit import commit_files, tag_review, uncommitted_marks
from backlogctl.history.snapshot import backlog_at, resolve

__all__ = ["backlog_at", "branch_highest_ids", "commit_files", "resolve", "tag_review", "uncommitted_marks"]
