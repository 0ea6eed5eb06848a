"""The review cycle: due items, comment-preserving marks, commits and review tags."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from backlogctl import backlog as backlog_module
from backlogctl import review
from tests.helpers import Result, git

Run = Callable[..., Result]
TODAY = dt.date.today()


def make(run: Run, title: str, *sets: str) -> str:
    args = ["new", title, "--kind", "new", "--owner", "anna"]
    for assignment in sets:
        args += ["--set", assignment]
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout.split("\t")[0]


def test_due_lists_open_items_not_reviewed_within_the_cadence(backlog: Path, run: Run) -> None:
    never = make(run, "Never reviewed", f"created={TODAY - dt.timedelta(days=15)}")
    make(run, "New this week, never reviewed", f"created={TODAY - dt.timedelta(days=3)}")
    old = make(run, "Reviewed long ago", f"last_reviewed={TODAY - dt.timedelta(days=30)}")
    make(run, "Reviewed at the edge", f"last_reviewed={TODAY - dt.timedelta(days=14)}")
    make(run, "Closed", "status=rejected")

    due = review.due(backlog_module.load(backlog))

    assert [(d.id, d.days_since) for d in due] == [(never, None), (old, 30)]
    data = json.loads(run("review", "due", "--format", "json").stdout)
    assert data["cadence_days"] == 14
    assert [d["id"] for d in data["items"]] == [never, old]
    assert data["items"][1]["last_reviewed"] == (TODAY - dt.timedelta(days=30)).isoformat()
    text = run("review", "due").stdout
    assert "2 open items due for review (cadence 14 days):" in text
    assert "never reviewed" in text
    assert "(30 days ago)" in text


@pytest.mark.parametrize(
    ("last_reviewed", "created", "due"),
    [
        (None, None, True),  # nothing to count from
        (None, 3, False),  # a new proposal has not missed the cadence
        (None, 15, True),
        (14, 40, False),  # the edge: exactly the cadence
        (15, None, True),
    ],
)
def test_review_due_and_lint_apply_the_same_rule(
    backlog: Path, run: Run, last_reviewed: int | None, created: int | None, due: bool
) -> None:
    sets = [f"created={TODAY - dt.timedelta(days=created)}"] if created is not None else ["created=null"]
    if last_reviewed is not None:
        sets.append(f"last_reviewed={TODAY - dt.timedelta(days=last_reviewed)}")
    item = make(run, "Churn", *sets)
    listed = [d.id for d in review.due(backlog_module.load(backlog))]
    assert (item in listed) is due
    problems = json.loads(run("lint", "--format", "json").stdout)["problems"]
    assert any(p["rule"] == "review-overdue" and p["item"] == item for p in problems) is due


def test_mark_sets_last_reviewed_and_keeps_comments(backlog: Path, run: Run) -> None:
    item = make(run, "Churn")
    path = next((backlog / "items").glob(f"{item}-*.yaml"))
    before = path.read_text(encoding="utf-8")

    result = run("review", "mark", item.lower())

    assert result.exit_code == 0
    assert result.stdout.strip() == f"{item}: last_reviewed → {TODAY}"
    after = path.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert len(changed) == 1
    assert changed[0][1].startswith(f"last_reviewed: {TODAY}")
    assert run("review", "due").stdout.startswith("No open item is due")


def test_mark_with_an_unknown_id_writes_nothing(backlog: Path, run: Run) -> None:
    item = make(run, "Churn")
    path = next((backlog / "items").glob(f"{item}-*.yaml"))
    before = path.read_bytes()
    result = run("review", "mark", item, "AI-404")
    assert result.exit_code == 2
    assert "AI-404" in result.stderr
    assert path.read_bytes() == before


def test_mark_commit_and_close_tag(git_backlog: Path, run: Run) -> None:
    first, second = make(run, "Churn"), make(run, "OCR")
    git(git_backlog, "add", "-A")
    git(git_backlog, "commit", "-q", "-m", "items")
    (git_backlog / "notes.txt").write_text("not ours\n", encoding="utf-8")
    git(git_backlog, "add", "notes.txt")

    assert run("review", "mark", first, second, "--commit").exit_code == 0

    message = git(git_backlog, "log", "-1", "--format=%s").strip()
    assert message == f"Review {TODAY}: {first}, {second} last_reviewed → {TODAY}"
    assert git(git_backlog, "show", "--name-only", "--format=", "HEAD").split() == sorted(
        p.relative_to(git_backlog).as_posix() for p in (git_backlog / "items").glob("*.yaml")
    )
    assert git(git_backlog, "diff", "--cached", "--name-only").split() == ["notes.txt"]

    result = run("review", "close")
    assert result.exit_code == 0
    tag = f"review/{TODAY}"
    assert git(git_backlog, "cat-file", "-t", tag).strip() == "tag", "an annotated tag"
    again = run("review", "close")
    assert again.exit_code == 2
    assert f"tag {tag} already exists" in again.stderr


def test_close_commit_commits_pending_marks_only(git_backlog: Path, run: Run) -> None:
    marked, edited = make(run, "Churn"), make(run, "OCR")
    git(git_backlog, "add", "-A")
    git(git_backlog, "commit", "-q", "-m", "items")
    run("review", "mark", marked)
    run("review", "mark", edited)
    run("set", edited, "owner=ben")

    result = run("review", "close", "--commit")

    assert result.exit_code == 0, result.output
    committed = git(git_backlog, "show", "--name-only", "--format=", "HEAD").split()
    assert len(committed) == 2
    assert committed[0].startswith(f"items/{marked}-")
    assert committed[1] == f"reviews/{TODAY}.md", "the decision record goes into the same commit"
    assert git(git_backlog, "status", "--porcelain").strip().startswith(f"M items/{edited}-")
    assert git(git_backlog, "rev-parse", f"review/{TODAY}^{{commit}}") == git(
        git_backlog, "rev-parse", "HEAD"
    )
