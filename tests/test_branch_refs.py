"""`new`'s branch scan answers from the cache only while no ref (and no repository) has changed.

The repository's ref storage is "aged" (mtimes set ten seconds back) where a
test needs the answer stored, as any repository not touched in the last two
seconds is; each change after that is made by git itself, and the answer is
compared with the one git gives with the cache off.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from backlogctl import history
from backlogctl.history import branches
from tests.helpers import ITEM, git


def age(root: Path) -> None:
    past = time.time() - 10
    for current, _, files in os.walk(root / ".git"):
        if "objects" in Path(current).parts:
            continue
        for name in [".", *files]:
            os.utime(Path(current) / name, (past, past))
    os.utime(root, (past, past))


def commit_item(root: Path, number: int, branch: str | None = None) -> None:
    if branch is not None:
        git(root, "checkout", "-q", "-b", branch)
    (root / "items" / f"AI-{number}-x.yaml").write_text(ITEM.format(id=f"AI-{number}", title="x"))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"AI-{number}")
    if branch is not None:
        git(root, "checkout", "-q", "main")


@pytest.fixture
def trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(branches, "RACY_SECONDS", 0)


def uncached(root: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    with monkeypatch.context() as off:
        off.setenv("BACKLOGCTL_NO_CACHE", "1")
        return dict(history.branch_highest_ids(root, "items"))


def test_an_unchanged_repository_is_answered_without_git(
    git_backlog: Path, trusted: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit_item(git_backlog, 4, branch="side")
    age(git_backlog)
    assert history.branch_highest_ids(git_backlog, "items") == {"AI": 4}

    def no_git(root: Path) -> None:
        raise AssertionError("git was asked")

    with monkeypatch.context() as patched:
        patched.setattr(branches, "locate", no_git)
        assert history.branch_highest_ids(git_backlog, "items") == {"AI": 4}


CHANGES: dict[str, Callable[[Path], None]] = {
    "a new branch": lambda root: commit_item(root, 9, branch="other"),
    "a commit on main": lambda root: commit_item(root, 8),
    "a commit on a nested branch name": lambda root: commit_item(root, 7, branch="team/feature"),
    "refs packed": lambda root: (commit_item(root, 6, branch="packed"), git(root, "pack-refs", "--all")),
    "a branch deleted": lambda root: git(root, "branch", "-q", "-D", "side"),
    "a detached commit": lambda root: (git(root, "checkout", "-q", "--detach"), commit_item(root, 11)),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_changed_ref_is_asked_of_git_again(
    git_backlog: Path, trusted: None, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    commit_item(git_backlog, 5, branch="side")
    age(git_backlog)
    assert history.branch_highest_ids(git_backlog, "items") == uncached(git_backlog, monkeypatch) == {"AI": 5}
    CHANGES[change](git_backlog)
    expected = uncached(git_backlog, monkeypatch)
    assert history.branch_highest_ids(git_backlog, "items") == expected
    if change != "a branch deleted":
        assert expected != {"AI": 5}


def test_refs_changed_within_the_racy_seconds_are_not_stored(
    git_backlog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit_item(git_backlog, 3, branch="side")
    history.branch_highest_ids(git_backlog, "items")

    def no_git(root: Path) -> None:
        raise AssertionError("git was asked")

    monkeypatch.setattr(branches, "locate", no_git)
    with pytest.raises(AssertionError, match="git was asked"):
        history.branch_highest_ids(git_backlog, "items")


def test_a_repository_made_between_the_backlog_and_the_top_is_seen(
    tmp_path: Path, trusted: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    outer = tmp_path / "outer"
    lab = outer / "lab"
    (lab / "items").mkdir(parents=True)
    (lab / "backlog.yaml").write_text("name: Lab\n")
    git(outer, "init", "-q", "-b", "main")
    commit_item(lab, 5)
    commit_item(lab, 6, branch="side")
    age(outer)
    os.utime(lab, (time.time() - 10,) * 2)
    assert history.branch_highest_ids(lab, "items") == {"AI": 6}
    git(lab, "init", "-q", "-b", "main")  # the backlog is now its own (empty) repository
    assert history.branch_highest_ids(lab, "items") == uncached(lab, monkeypatch) == {}
