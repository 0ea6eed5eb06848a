"""Git safety of --commit, and ids taken on other branches."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from backlogctl import history
from backlogctl.errors import GitError
from tests.helpers import Result, git, new

Run = Callable[..., Result]


def test_commit_only_takes_the_files_it_wrote(git_backlog: Path, run: Run) -> None:
    (git_backlog / "staged.txt").write_text("staged by someone\n", encoding="utf-8")
    git(git_backlog, "add", "staged.txt")
    config = git_backlog / "backlog.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "# unstaged edit\n", encoding="utf-8")

    item_id, path = new(run, "Churn prediction", "--commit")

    assert git(git_backlog, "log", "-1", "--format=%s").strip() == f"{item_id}: add Churn prediction"
    assert git(git_backlog, "show", "--name-only", "--format=", "HEAD").split() == [path.as_posix()]
    assert git(git_backlog, "diff", "--cached", "--name-only").split() == ["staged.txt"]
    assert git(git_backlog, "diff", "--name-only").split() == ["backlog.yaml"]

    result = run("set", item_id, "scores.business_value=8", "--commit")
    assert result.exit_code == 0
    assert git(git_backlog, "log", "-1", "--format=%s").strip() == f"{item_id}: scores.business_value ∅ → 8"
    assert git(git_backlog, "diff", "--cached", "--name-only").split() == ["staged.txt"]
    assert git(git_backlog, "rev-list", "--count", "HEAD").strip() == "3", "no history rewritten"


def test_commit_refuses_a_detached_head(git_backlog: Path, run: Run) -> None:
    git(git_backlog, "checkout", "-q", "--detach")
    item_id, path = new(run, "Churn prediction")
    with pytest.raises(GitError, match="HEAD is detached"):
        history.commit_files(git_backlog, [git_backlog / path], "x")
    result = run("set", item_id, "owner=ben", "--commit")
    assert result.exit_code == 2
    assert "HEAD is detached" in result.stderr


def test_commit_refuses_during_a_merge(git_backlog: Path, run: Run) -> None:
    config = git_backlog / "backlog.yaml"
    git(git_backlog, "checkout", "-q", "-b", "other")
    config.write_text(config.read_text(encoding="utf-8") + "# other\n", encoding="utf-8")
    git(git_backlog, "commit", "-q", "-am", "other")
    git(git_backlog, "checkout", "-q", "main")
    config.write_text(config.read_text(encoding="utf-8") + "# main\n", encoding="utf-8")
    git(git_backlog, "commit", "-q", "-am", "main")
    with pytest.raises(subprocess.CalledProcessError):
        git(git_backlog, "merge", "other")  # conflicts: the merge stays in progress
    assert (git_backlog / ".git" / "MERGE_HEAD").exists()
    item = git_backlog / "items" / "AI-1-x.yaml"
    item.write_text("id: AI-1\ntitle: x\n", encoding="utf-8")
    with pytest.raises(GitError, match="middle of a merge"):
        history.commit_files(git_backlog, [item], "x")


def test_new_never_reuses_an_id_from_another_branch_or_a_remote(
    git_backlog: Path, run: Run, tmp_path: Path
) -> None:
    git(git_backlog, "checkout", "-q", "-b", "feature")
    new(run, "On a branch", "--commit")  # AI-1 lives only on feature
    git(git_backlog, "checkout", "-q", "main")
    remote = tmp_path / "remote"
    git(tmp_path, "clone", "-q", str(git_backlog), str(remote))
    git(remote, "checkout", "-q", "-b", "theirs", "origin/main")
    (remote / "items").mkdir(exist_ok=True)
    (remote / "items" / "AI-7-remote-only.yaml").write_text("id: AI-7\ntitle: x\n", encoding="utf-8")
    git(remote, "add", "-A")
    git(remote, "commit", "-q", "-m", "remote item")
    git(git_backlog, "remote", "add", "origin", str(remote))
    git(git_backlog, "fetch", "-q", "origin")  # AI-7 exists only on origin/theirs

    assert history.branch_highest_ids(git_backlog, "items") == {"AI": 7}
    item_id, _ = new(run, "Fresh")
    assert item_id == "AI-8"


def test_branch_ids_with_hundreds_of_branches(git_backlog: Path, run: Run) -> None:
    for n in range(20):
        new(run, f"Item {n}", "--commit")
    head = git(git_backlog, "rev-parse", "HEAD").strip()
    refs = "".join(
        f"create refs/heads/b{n} {head}\ncreate refs/remotes/origin/b{n} {head}\n" for n in range(300)
    )
    subprocess.run(["git", "update-ref", "--stdin"], cwd=git_backlog, input=refs, text=True, check=True)

    git(git_backlog, "checkout", "-q", "-b", "side")
    new(run, "Only on side", "--commit")  # AI-21, on one branch of 601
    git(git_backlog, "checkout", "-q", "main")

    assert history.branch_highest_ids(git_backlog, "items") == {"AI": 21}
    # The second run answers from the cache of trees it has seen, with the same result.
    assert history.branch_highest_ids(git_backlog, "items") == {"AI": 21}


def test_branch_ids_outside_git_are_empty(backlog: Path) -> None:
    assert history.branch_highest_ids(backlog, "items") == {}
