"""--commit is all or nothing: on any git refusal every file and the index are as they were."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from backlogctl.history import commit as commit_module
from tests.helpers import GIT_ENV, Result, git, new

Run = Callable[..., Result]


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the working tree and the git index, byte for byte."""
    files = {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }
    files[".git/index"] = (root / ".git" / "index").read_bytes()
    return files


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def hook(root: Path, body: str) -> None:
    path = root / ".git" / "hooks" / "pre-commit"
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(0o755)


@pytest.fixture
def item(git_backlog: Path, run: Run) -> tuple[str, Path]:
    item_id, path = new(run, "Churn prediction", "--commit")
    return item_id, git_backlog / path


FAILING_HOOK = (
    "echo 'lint: AI-1 decision is missing' >&2\n"
    "echo 'second line from the hook' >&2\n"
    "echo 'on stdout too'\nexit 1\n"
)


def test_a_failing_hook_restores_set_and_shows_all_it_said(git_backlog: Path, run: Run, item) -> None:
    item_id, _ = item
    hook(git_backlog, FAILING_HOOK)
    before, sha = snapshot(git_backlog), head(git_backlog)
    result = run("set", item_id, "owner=ben", "--commit", "-m", "ben takes over")
    assert result.exit_code == 2
    assert "nothing was committed and every file is as it was" in result.stderr
    for said in ("lint: AI-1 decision is missing", "second line from the hook", "on stdout too"):
        assert said in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(git_backlog) == before
    assert head(git_backlog) == sha
    # A re-run (after the hook is fixed) commits the change: nothing was left half-done.
    hook(git_backlog, "exit 0\n")
    again = run("set", item_id, "owner=ben", "--commit", "-m", "ben takes over")
    assert again.exit_code == 0, again.output
    assert (
        git(git_backlog, "log", "-1", "--format=%B").strip()
        == f"{item_id}: owner anna → ben\n\nben takes over"
    )


def test_a_failing_hook_leaves_no_new_item(git_backlog: Path, run: Run) -> None:
    hook(git_backlog, FAILING_HOOK)
    before, sha = snapshot(git_backlog), head(git_backlog)
    result = run("new", "Churn prediction", "--owner", "anna", "--commit")
    assert result.exit_code == 2 and "second line from the hook" in result.stderr
    assert snapshot(git_backlog) == before, "the created file is removed and the index restored"
    assert head(git_backlog) == sha
    assert git(git_backlog, "status", "--porcelain") == ""


def test_a_signing_failure_restores_everything(git_backlog: Path, run: Run, item) -> None:
    item_id, _ = item
    git(git_backlog, "config", "commit.gpgsign", "true")
    git(git_backlog, "config", "gpg.program", str(git_backlog / "no-such-gpg"))
    before, sha = snapshot(git_backlog), head(git_backlog)
    result = run("set", item_id, "scores.effort=5", "--commit")
    assert result.exit_code == 2
    assert "gpg" in result.stderr.lower()
    assert snapshot(git_backlog) == before
    assert head(git_backlog) == sha
    created = run("new", "Invoice OCR", "--commit")
    assert created.exit_code == 2
    assert snapshot(git_backlog) == before


def test_an_ignored_path_restores_everything(git_backlog: Path, run: Run) -> None:
    (git_backlog / ".gitignore").write_text("items/*ocr*\n", encoding="utf-8")
    git(git_backlog, "add", ".gitignore")
    git(git_backlog, "commit", "-q", "-m", "ignore")
    before, sha = snapshot(git_backlog), head(git_backlog)
    result = run("new", "Invoice OCR", "--commit")
    assert result.exit_code == 2
    assert "ignored" in result.stderr
    assert snapshot(git_backlog) == before
    assert head(git_backlog) == sha


def test_a_held_index_lock_that_does_not_clear(
    git_backlog: Path, run: Run, item, monkeypatch: pytest.MonkeyPatch
) -> None:
    item_id, _ = item
    monkeypatch.setattr(commit_module, "LOCK_WAIT", 0.5)
    lock = git_backlog / ".git" / "index.lock"
    lock.write_bytes(b"")
    before, sha = snapshot(git_backlog), head(git_backlog)
    result = run("set", item_id, "owner=ben", "--commit")
    assert result.exit_code == 2
    assert "another git process held the index" in result.stderr
    assert "remove the file manually" not in result.stderr.split("Git said:")[0]
    assert snapshot(git_backlog) == before
    assert head(git_backlog) == sha
    assert lock.exists(), "someone else's lock is theirs to remove"


def test_a_held_index_lock_that_clears_is_waited_for(git_backlog: Path, run: Run, item) -> None:
    item_id, _ = item
    lock = git_backlog / ".git" / "index.lock"
    lock.write_bytes(b"")
    releaser = subprocess.Popen(
        [sys.executable, "-c", f"import time, os; time.sleep(0.7); os.remove({str(lock)!r})"]
    )
    result = run("set", item_id, "owner=ben", "--commit")
    releaser.wait()
    assert result.exit_code == 0, result.output
    assert git(git_backlog, "log", "-1", "--format=%s").strip() == f"{item_id}: owner anna → ben"


def test_uncommitted_changes_of_the_file_itself_are_refused_up_front(
    git_backlog: Path, run: Run, item
) -> None:
    item_id, path = item
    path.write_text(path.read_text(encoding="utf-8") + "# my own note\n", encoding="utf-8")
    before, sha = snapshot(git_backlog), head(git_backlog)
    result = run("set", item_id, "owner=ben", "--commit")
    assert result.exit_code == 2
    assert "has uncommitted changes of its own" in result.stderr
    assert snapshot(git_backlog) == before
    assert head(git_backlog) == sha
    # Without --commit the edit is fine: the user's own change stays.
    assert run("set", item_id, "owner=ben").exit_code == 0
    assert "# my own note" in path.read_text(encoding="utf-8")


def test_other_staged_changes_survive_a_refusal(git_backlog: Path, run: Run, item) -> None:
    item_id, _ = item
    (git_backlog / "staged.txt").write_text("mine\n", encoding="utf-8")
    git(git_backlog, "add", "staged.txt")
    hook(git_backlog, FAILING_HOOK)
    before = snapshot(git_backlog)
    assert run("set", item_id, "owner=ben", "--commit").exit_code == 2
    assert snapshot(git_backlog) == before
    assert git(git_backlog, "diff", "--cached", "--name-only").split() == ["staged.txt"]


def _backlogctl(root: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, **GIT_ENV, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "backlogctl", "-C", str(root), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_sigint_during_commit_is_passed_to_git_and_leaves_no_lock(git_backlog: Path, run: Run, item) -> None:
    item_id, _ = item
    started = git_backlog / ".git" / "hook-started"
    hook(git_backlog, f"touch '{started}'\nsleep 3\nexit 0\n")
    before, sha = snapshot(git_backlog), head(git_backlog)
    process = _backlogctl(git_backlog, "set", item_id, "owner=ben", "--commit")
    while not started.exists():  # however slow the machine: the hook starts or backlogctl ends
        assert process.poll() is None, "backlogctl ended before the hook started"
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)  # to backlogctl only, as `kill -INT` would
    _, err = process.communicate(timeout=60)
    assert b"Traceback" not in err
    assert not (git_backlog / ".git" / "index.lock").exists()
    started.unlink()
    if process.returncode == 130:
        # Git got the signal during the hook: nothing committed, every file as it was.
        assert snapshot(git_backlog) == before
        assert head(git_backlog) == sha
    else:
        # On a loaded machine the signal can land after the hook and git finished the
        # commit: then it all stands, and the files agree with the commit.
        assert process.returncode == 0, err
        assert head(git_backlog) != sha
        assert git(git_backlog, "status", "--porcelain") == ""


def test_twenty_concurrent_new_commits_all_land(git_backlog: Path) -> None:
    processes = [
        _backlogctl(git_backlog, "new", f"Item {i}", "--owner", "anna", "--commit") for i in range(20)
    ]
    results = [(p.returncode, *p.communicate(timeout=120)) for p in processes]
    results = [(p.returncode, out, err) for p, (_, out, err) in zip(processes, results, strict=True)]
    for code, _out, err in results:
        assert code == 0, err.decode()
        assert b"remove the file manually" not in err
    ids = {out.decode().split("\t")[0] for _, out, _ in results}
    assert len(ids) == 20
    assert git(git_backlog, "rev-list", "--count", "HEAD").strip() == "21"
    assert git(git_backlog, "status", "--porcelain") == ""
