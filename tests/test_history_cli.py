"""history and changes through the command line, and how they degrade without git."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import BEN, Result, commit, day, git, script_history

Run = Callable[..., Result]


def test_history_json_and_text(git_backlog: Path, run: Run) -> None:
    shas = script_history(git_backlog)

    result = run("history", "AI-1", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["id"] == "AI-1"
    assert list(data["changes"][0]) == ["commit", "author", "date", "message", "field", "old", "new"]
    assert [c["field"] for c in data["changes"]] == [
        None,
        "scores.business_value",
        "status",
        "tags",
        "status",
    ]

    text = run("history", "AI-1").stdout
    assert text.splitlines()[0] == "AI-1: 5 changes in 4 commits"
    assert f"2026-11-03  {shas['rescore'][:8]}  Ben Osei  AI-1: scores.business_value 5 → 8" in text
    assert "    scores.business_value: 5 → 8" in text
    assert "    tags: [retention] → [retention, b2b]" in text


def test_history_of_an_unknown_id_is_exit_2(git_backlog: Path, run: Run) -> None:
    script_history(git_backlog)
    result = run("history", "AI-99")
    assert result.exit_code == 2
    assert "no history for 'AI-99'" in result.stderr
    assert run("history", "../etc/passwd").exit_code == 2


def test_changes_json_markdown_and_text(git_backlog: Path, run: Run) -> None:
    shas = script_history(git_backlog)

    data = json.loads(run("changes", "--since", shas["rescore"], "--format", "json").stdout)
    assert list(data) == ["since", "until", "added", "removed", "changed", "version"]
    assert (data["added"], data["removed"]) == (["AI-3"], ["AI-2"])
    assert list(data["changed"][0]) == ["id", "field", "old", "new", "commit", "author", "date", "message"]

    git(git_backlog, "tag", "-a", "-m", "review", "review/2026-11-05", shas["move"], date=day(5))
    markdown = run("changes", "--since", "last-review", "--format", "markdown").stdout
    assert markdown.startswith("## What changed since the last review\n")
    assert "- **AI-3** Forecast" in markdown
    assert "- **AI-2** Invoice OCR" in markdown
    assert "| **AI-1** Churn | `status` | ready | in_progress | Anna Berg | 2026-11-06 |" in markdown

    text = run("changes", "--since", "2026-11-05").stdout
    assert "added:   AI-3" in text
    assert "removed: AI-2" in text
    assert "    status: ready → in_progress  (Anna Berg, 2026-11-06," in text


def test_changes_with_a_bad_revision_is_exit_2(git_backlog: Path, run: Run) -> None:
    for bad in ("no-such-branch", "2026-13-40", "--all"):
        result = run("changes", "--since", bad)
        assert result.exit_code == 2, bad
        assert result.stderr.startswith("error: ")


def assert_history_fails_but_the_rest_works(run: Run, message: str, cwd: Path | None = None) -> None:
    for args in (("history", "AI-1"), ("changes",), ("changes", "--format", "json")):
        result = run(*args, cwd=cwd)
        assert result.exit_code == 2, args
        assert message in result.stderr
        assert result.stderr.count("\n") == 1
        assert "Traceback" not in result.output
    assert run("list", cwd=cwd).exit_code == 0
    assert run("show", "AI-1", cwd=cwd).exit_code == 0
    assert run("lint", cwd=cwd).exit_code in (0, 1)
    assert run("rank", cwd=cwd).exit_code == 0


def add_item(run: Run) -> None:
    assert run("new", "Churn prediction", "--kind", "new", "--owner", "anna").exit_code == 0


def test_outside_a_git_repository(backlog: Path, run: Run) -> None:
    add_item(run)
    assert_history_fails_but_the_rest_works(run, "is not inside a git repository")


def test_unborn_branch(backlog: Path, run: Run) -> None:
    git(backlog, "init", "-q", "-b", "main")
    add_item(run)
    assert_history_fails_but_the_rest_works(run, "has no commits yet")


def test_git_not_installed(
    git_backlog: Path, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_item(run)
    commit(git_backlog, "add", day(2), BEN)
    empty = tmp_path / "no-git"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("git") is None
    assert_history_fails_but_the_rest_works(run, "git is not installed")
    assert run("new", "Another one").exit_code == 0, "new works without git, too"


def test_shallow_clone_says_how_to_deepen(git_backlog: Path, run: Run, tmp_path: Path) -> None:
    add_item(run)
    commit(git_backlog, "add", day(2), BEN)
    git(git_backlog, "commit", "-q", "--allow-empty", "-m", "more", date=day(3))
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{git_backlog}", str(clone))
    assert (clone / ".git" / "shallow").exists()
    assert_history_fails_but_the_rest_works(run, "git fetch --unshallow", cwd=clone)
    assert os.path.isdir(clone)
