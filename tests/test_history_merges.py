"""Credit across merges: branch commits keep their credit, a merge only what it changes itself."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from backlogctl.history import audit
from tests.helpers import ANNA, BEN, CARA, ITEM, Result, commit, day, edit, git


def merge(folder: Path, branch: str, date: str, author: str, *, conflict: bool = False) -> str:
    args = ["merge", "-q", "--no-ff", "-m", f"Merge branch '{branch}'", branch]
    if not conflict:
        git(folder, *args, date=date, author=author)
    else:
        # git merge stops on the conflict; the test then resolves and commits.
        subprocess.run(["git", *args], cwd=folder, capture_output=True, check=False)
    return git(folder, "rev-parse", "HEAD").strip()


def setup(folder: Path) -> Path:
    churn = folder / "items" / "AI-1-churn.yaml"
    churn.write_text(ITEM.format(id="AI-1", title="Churn"), encoding="utf-8")
    commit(folder, "Add churn", day(2), ANNA)
    return churn


def test_a_branch_change_merged_with_no_ff_keeps_its_author_date_and_message(
    git_backlog: Path, run: Callable[..., Result]
) -> None:
    churn = setup(git_backlog)
    git(git_backlog, "checkout", "-q", "-b", "ben/effort")
    edit(churn, "effort: 3", "effort: 8")
    ben = commit(git_backlog, "AI-1: effort is 8 after the spike", day(3), BEN)
    git(git_backlog, "checkout", "-q", "main")
    merged = merge(git_backlog, "ben/effort", day(5), ANNA)

    result = run("history", "AI-1", "--format", "json")
    assert result.exit_code == 0, result.output
    changes = json.loads(result.stdout)["changes"]
    effort = [c for c in changes if c["field"] == "scores.effort"]
    assert effort == [
        {
            "commit": ben,
            "author": "Ben Osei",
            "date": day(3),
            "message": "AI-1: effort is 8 after the spike",
            "field": "scores.effort",
            "old": 3,
            "new": 8,
        }
    ]
    assert merged not in {c["commit"] for c in changes}

    got = audit.backlog_changes(git_backlog, since="HEAD~2")
    assert [(c.commit, c.author, c.message, c.field) for c in got.changed] == [
        (ben, "Ben Osei", "AI-1: effort is 8 after the spike", "scores.effort")
    ]


def conflicted(folder: Path) -> tuple[Path, str, str]:
    """Ben sets effort 8 on a branch, Cara 5 on main; Anna's merge stops with conflict markers."""
    churn = setup(folder)
    git(folder, "checkout", "-q", "-b", "ben/effort")
    edit(churn, "effort: 3", "effort: 8")
    ben = commit(folder, "effort 8", day(3), BEN)
    git(folder, "checkout", "-q", "main")
    edit(churn, "effort: 3", "effort: 5")
    cara = commit(folder, "effort 5", day(4), CARA)
    merge(folder, "ben/effort", day(5), ANNA, conflict=True)
    assert "<<<<<<<" in churn.read_text(encoding="utf-8")
    return churn, ben, cara


def conflicting(folder: Path, resolved: str) -> tuple[str, str, str]:
    """The conflict of ``conflicted``, resolved by Anna to ``resolved``."""
    churn, ben, cara = conflicted(folder)
    churn.write_text(ITEM.format(id="AI-1", title="Churn").replace("effort: 3", f"effort: {resolved}"))
    anna = commit(folder, "Merge branch 'ben/effort'", day(5), ANNA)
    return ben, cara, anna


def effort_credits(folder: Path) -> list[tuple[str, Any, Any]]:
    return [
        (c.commit, c.old, c.new)
        for c in audit.item_history(folder, "AI-1").changes
        if c.field == "scores.effort"
    ]


def test_a_conflict_resolved_to_a_new_value_is_credited_to_the_merge(git_backlog: Path) -> None:
    ben, cara, anna = conflicting(git_backlog, "6")

    assert effort_credits(git_backlog) == [(ben, 3, 8), (cara, 3, 5), (anna, 5, 6)]


def test_a_conflict_resolved_to_one_sides_value_credits_that_side_only(git_backlog: Path) -> None:
    ben, cara, _anna = conflicting(git_backlog, "8")

    assert effort_credits(git_backlog) == [(ben, 3, 8), (cara, 3, 5)]


def test_a_file_committed_with_conflict_markers_and_repaired_shows_only_the_repair(git_backlog: Path) -> None:
    churn, ben, cara = conflicted(git_backlog)
    broken = commit(git_backlog, "Merge with markers", day(5), ANNA)  # markers committed as they are
    churn.write_text(ITEM.format(id="AI-1", title="Churn").replace("effort: 3", "effort: 8"))
    commit(git_backlog, "Repair the conflict", day(6), ANNA)

    credits = [(c.commit, c.field) for c in audit.item_history(git_backlog, "AI-1").changes]
    assert credits[1:] == [(ben, "scores.effort"), (cara, "scores.effort")]
    assert broken not in {sha for sha, _ in credits}


def test_a_type_only_edit_is_no_change_at_any_level(git_backlog: Path) -> None:
    churn = setup(git_backlog)
    edit(churn, "effort: 3", "effort: 3.0")
    edit(churn, "owner: anna", "owner: anna\nlast_reviewed: 2026-11-03")
    commit(git_backlog, "review", day(3), ANNA)
    edit(churn, "last_reviewed: 2026-11-03", "last_reviewed: '2026-11-03'")
    commit(git_backlog, "quote the date", day(4), ANNA)

    fields = [c.field for c in audit.item_history(git_backlog, "AI-1").changes]
    assert fields == [None, "last_reviewed"]


def test_squash_and_rebase_merges_credit_the_commits_that_land(git_backlog: Path) -> None:
    churn = setup(git_backlog)
    git(git_backlog, "checkout", "-q", "-b", "topic")
    edit(churn, "effort: 3", "effort: 8")
    commit(git_backlog, "effort 8", day(3), BEN)
    git(git_backlog, "checkout", "-q", "main")
    git(git_backlog, "merge", "-q", "--squash", "topic")
    squashed = commit(git_backlog, "Squashed topic", day(4), CARA)

    assert effort_credits(git_backlog) == [(squashed, 3, 8)]


def test_a_date_is_parsed_exactly_not_by_gits_approxidate(git_backlog: Path) -> None:
    from backlogctl.history.snapshot import resolve

    setup(git_backlog)
    head = git(git_backlog, "rev-parse", "HEAD").strip()
    assert resolve(git_backlog, "2100-01-01") == head  # the future: the newest commit, not everything
    assert resolve(git_backlog, "2206-11-03") == head  # not read as 2026-11-03
    assert audit.backlog_changes(git_backlog, since="2100-01-01").changed == []


def test_a_revision_range_is_one_clear_error(git_backlog: Path, run: Callable[..., Result]) -> None:
    setup(git_backlog)
    result = run("changes", "--since", "main..HEAD")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "error: 'main..HEAD' is a range; give one revision (changes takes --since REV and --until REV)"
    ]
    assert run("rank", "--as-of", "HEAD~1..HEAD").exit_code == 2


def test_last_review_is_the_newest_review_date_and_warns_off_the_line(
    git_backlog: Path, run: Callable[..., Result]
) -> None:
    churn = setup(git_backlog)
    first = git(git_backlog, "rev-parse", "HEAD").strip()
    edit(churn, "effort: 3", "effort: 4")
    second = commit(git_backlog, "effort 4", day(20), BEN)
    git(git_backlog, "tag", "-a", "-m", "r", "review/2026-11-20", second, date=day(20))
    git(git_backlog, "tag", "-a", "-m", "r", "review/2026-11-03", first, date=day(21))  # made late
    assert audit.backlog_changes(git_backlog).since == second

    git(git_backlog, "checkout", "-q", "-b", "side", first)
    edit(churn, "effort: 3", "effort: 9")
    side = commit(git_backlog, "effort 9 elsewhere", day(22), CARA)
    git(git_backlog, "tag", "-a", "-m", "r", "review/2026-11-22", side, date=day(22))
    git(git_backlog, "checkout", "-q", "main")
    result = run("changes")
    assert result.exit_code == 0
    assert "warning: the last review's tag review/2026-11-22 is not an ancestor of HEAD" in result.stderr


def test_a_message_or_name_with_the_old_separators_cannot_break_history(git_backlog: Path) -> None:
    churn = setup(git_backlog)
    edit(churn, "effort: 3", "effort: 4")
    sha = commit(git_backlog, "odd \x01 message \x1f with separators\x1f", day(3), "Odd\x1f Name <o@x.org>")
    got = audit.item_history(git_backlog, "AI-1").changes[-1]
    assert (got.commit, got.field, got.message) == (
        sha,
        "scores.effort",
        "odd \x01 message \x1f with separators\x1f",
    )
    assert got.author == "Odd\x1f Name"
