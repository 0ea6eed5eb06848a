"""Git safety: --commit commits only what backlogctl wrote, refuses in unsafe
states before touching any file, never rewrites history; reading commands
leave the repository exactly as it was."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import Result, git, new

Run = Callable[..., Result]


def repo_state(repo: Path) -> tuple[str, str, str, dict[str, bytes]]:
    """Refs, HEAD, status and every working file: what no failed or read-only command may change."""
    files = {
        str(p.relative_to(repo)): p.read_bytes()
        for p in repo.rglob("*")
        if p.is_file() and ".git" not in p.parts
    }
    return (
        git(repo, "for-each-ref", "--format=%(refname) %(objectname)"),
        git(repo, "rev-parse", "HEAD"),
        git(repo, "status", "--porcelain=v1", "--untracked-files=all"),
        files,
    )


@pytest.fixture
def committed_item(git_backlog: Path, run: Run) -> tuple[str, Path]:
    item_id, path = new(run, "Churn prediction", "--commit")
    return item_id, git_backlog / path


def conflicting_merge(repo: Path) -> None:
    """Leave a merge in progress, conflicting in a file outside the backlog's own."""
    notes = repo / "NOTES.txt"
    notes.write_text("base\n")
    git(repo, "add", "NOTES.txt")
    git(repo, "commit", "-q", "-m", "notes")
    git(repo, "checkout", "-q", "-b", "other")
    notes.write_text("other\n")
    git(repo, "commit", "-q", "-am", "other")
    git(repo, "checkout", "-q", "main")
    notes.write_text("main\n")
    git(repo, "commit", "-q", "-am", "main")
    with pytest.raises(subprocess.CalledProcessError):
        git(repo, "merge", "other")
    assert (repo / ".git" / "MERGE_HEAD").exists()


@pytest.mark.parametrize("command", [["set", "{id}", "owner=ben"], ["review", "mark", "{id}"]])
def test_commit_on_a_detached_head_refuses_before_writing(
    git_backlog: Path, committed_item: tuple[str, Path], run: Run, command: list[str]
) -> None:
    item_id, _ = committed_item
    git(git_backlog, "checkout", "-q", "--detach")
    before = repo_state(git_backlog)
    result = run(*[arg.format(id=item_id) for arg in command], "--commit")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "HEAD is detached; check out a branch" in result.stderr
    assert repo_state(git_backlog) == before, "a refused --commit changed a file"


def test_new_commit_during_a_merge_refuses_before_writing(git_backlog: Path, run: Run) -> None:
    conflicting_merge(git_backlog)
    before = repo_state(git_backlog)
    result = run("new", "Invoice OCR", "--commit")
    assert result.exit_code == 2
    assert "middle of a merge" in result.stderr
    assert repo_state(git_backlog) == before
    assert not list((git_backlog / "items").glob("*.yaml"))


def test_set_commit_during_a_rebase_refuses(
    git_backlog: Path, committed_item: tuple[str, Path], run: Run
) -> None:
    item_id, _ = committed_item
    (git_backlog / ".git" / "rebase-merge").mkdir()
    before = repo_state(git_backlog)
    result = run("set", item_id, "owner=ben", "--commit")
    assert result.exit_code == 2
    assert "middle of a rebase" in result.stderr
    assert repo_state(git_backlog) == before


def test_commit_never_rewrites_history(git_backlog: Path, committed_item: tuple[str, Path], run: Run) -> None:
    item_id, _ = committed_item
    history = git(git_backlog, "rev-list", "HEAD").split()
    for value in (8, 13):
        assert run("set", item_id, f"scores.business_value={value}", "--commit").exit_code == 0
    after = git(git_backlog, "rev-list", "HEAD").split()
    assert after[2:] == history, "earlier commits must stay exactly as they were"
    assert git(git_backlog, "rev-parse", "HEAD~2").strip() == history[0]
    assert git(git_backlog, "for-each-ref", "--format=%(refname)", "refs/heads").split() == [
        "refs/heads/main"
    ]


def test_commit_takes_no_other_file_even_when_staged(
    git_backlog: Path, committed_item: tuple[str, Path], run: Run
) -> None:
    item_id, path = committed_item
    _, other = new(run, "Demand forecast")
    (git_backlog / other).write_text((git_backlog / other).read_text() + "# staged by a colleague\n")
    git(git_backlog, "add", str(other))
    result = run("set", item_id, "owner=ben", "--commit")
    assert result.exit_code == 0
    assert git(git_backlog, "show", "--name-only", "--format=", "HEAD").split() == [
        path.relative_to(git_backlog).as_posix()
    ]
    assert git(git_backlog, "diff", "--cached", "--name-only").split() == [other.as_posix()]


def test_reading_commands_leave_the_repository_alone(
    git_backlog: Path, committed_item: tuple[str, Path], run: Run
) -> None:
    item_id, _ = committed_item
    run("set", item_id, "scores.business_value=8")  # an uncommitted change
    before = repo_state(git_backlog)
    for args in (
        ("list",),
        ("show", item_id),
        ("lint",),
        ("rank", "--all"),
        ("history", item_id),
        ("changes", "--since", "HEAD~1"),
        ("review", "due"),
    ):
        result = run(*args)
        assert "Traceback" not in result.output, args
    assert repo_state(git_backlog) == before
