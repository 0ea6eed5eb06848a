"""review mark --due / all-first validation, and review close: checks first, record, one commit, tag."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from tests.helpers import Result, git, new

Run = Callable[..., Result]
TODAY = dt.date.today().isoformat()


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def test_mark_validates_every_file_before_writing_any(git_backlog: Path, run: Run) -> None:
    first, _ = new(run, "Churn")
    second, path = new(run, "OCR")
    broken = git_backlog / path
    broken.write_text(broken.read_text(encoding="utf-8").replace("status: proposed", "status: readyy"))
    before = tree(git_backlog)
    result = run("review", "mark", first, second)
    assert result.exit_code == 2
    assert "readyy" in result.stderr
    assert tree(git_backlog) == before, f"{first} must not be written when {second} fails"


def test_mark_due_marks_every_due_item(git_backlog: Path, run: Run) -> None:
    # A proposal made this week has not missed the cadence (review.is_due): these
    # two were created a month ago and never reviewed.
    month_ago = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    first, _ = new(run, "Churn", "--set", f"created={month_ago}")
    second, _ = new(run, "OCR", "--set", f"created={month_ago}")
    third, _ = new(run, "Vision")
    assert run("set", third, f"last_reviewed={TODAY}").exit_code == 0
    git(git_backlog, "add", "-A")
    git(git_backlog, "commit", "-q", "-m", "items")
    result = run("review", "mark", "--due", "--commit", "-m", "weekly review")
    assert result.exit_code == 0, result.output
    assert f"{first}: last_reviewed → {TODAY}" in result.stdout
    assert f"{second}: last_reviewed → {TODAY}" in result.stdout
    assert third not in result.stdout
    body = git(git_backlog, "log", "-1", "--format=%B")
    assert body.startswith(f"Review {TODAY}: {first}, {second} last_reviewed → {TODAY}\n\nweekly review")
    assert run("review", "due", "--format", "json").stdout.count('"id"') == 0


def test_mark_refuses_an_id_held_by_two_files(git_backlog: Path, run: Run) -> None:
    item_id, path = new(run, "Churn")
    copy = git_backlog / "items" / f"{item_id}-copy.yaml"
    copy.write_bytes((git_backlog / path).read_bytes())
    before = tree(git_backlog)
    for args in (("review", "mark", item_id), ("set", item_id, "owner=ben"), ("show", item_id)):
        result = run(*args)
        assert result.exit_code == 2, args
        assert path.as_posix() in result.stderr and f"items/{item_id}-copy.yaml" in result.stderr
        assert "renumber" in result.stderr
    assert tree(git_backlog) == before
    lint = run("lint")
    assert "backlogctl renumber" in lint.stdout


def _cycle(git_backlog: Path, run: Run) -> tuple[str, str]:
    filled = ["--set", "decision=Whom to call", "--set", "description=A model: it predicts churn"]
    scores = ["--set", "scores.business_value=8", "--set", "scores.feasibility=3", "--set", "scores.effort=5"]
    first, _ = new(
        run,
        "Churn prediction",
        *filled,
        *scores,
        "--set",
        "status=parked",
        "--commit",
        "-m",
        "the call centre asked for it",
    )
    second, _ = new(run, "Invoice OCR", "--commit")
    assert run("set", first, "status=proposed", "--commit", "-m", "back on the table").exit_code == 0
    return first, second


def test_close_writes_the_record_commits_it_and_tags_that_commit(git_backlog: Path, run: Run) -> None:
    first, second = _cycle(git_backlog, run)
    assert run("review", "mark", first, second).exit_code == 0
    refused = run("review", "close")
    assert refused.exit_code == 2
    assert "review marks are not committed" in refused.stderr or (
        "review mark is not" in refused.stderr and "--commit" in refused.stderr
    )
    assert not (git_backlog / "reviews").exists()

    result = run("review", "close", "--attendee", "anna", "--attendee", "ben", "--commit", "-m", "weekly")
    assert result.exit_code == 0, result.output
    record = (git_backlog / "reviews" / f"{TODAY}.md").read_text(encoding="utf-8")
    assert "- anna\n- ben" in record
    assert "## Ranking at close" in record and f"| {first} |" in record
    assert f"**{first}** Churn prediction: status parked → proposed (Test Author," in record
    assert "back on the table" in record
    assert f"**{second}** Invoice OCR: added" in record
    assert "the call centre asked for it" in record
    committed = git(git_backlog, "show", "--name-only", "--format=", "HEAD").split()
    assert f"reviews/{TODAY}.md" in committed and len(committed) == 3
    assert git(git_backlog, "rev-parse", f"review/{TODAY}^{{commit}}") == git(
        git_backlog, "rev-parse", "HEAD"
    )
    assert git(git_backlog, "status", "--porcelain") == ""


def test_close_refuses_an_existing_tag_before_writing_anything(git_backlog: Path, run: Run) -> None:
    first, _ = _cycle(git_backlog, run)
    assert run("review", "close").exit_code == 0
    assert run("review", "mark", first).exit_code == 0
    before, head = tree(git_backlog), git(git_backlog, "rev-parse", "HEAD")
    again = run("review", "close", "--commit")
    assert again.exit_code == 2
    assert f"tag review/{TODAY} already exists" in again.stderr and "--force" in again.stderr
    assert tree(git_backlog) == before
    assert git(git_backlog, "rev-parse", "HEAD") == head, "the marks were not committed either"
    forced = run("review", "close", "--commit", "--force")
    assert forced.exit_code == 0, forced.output
    assert git(git_backlog, "rev-parse", f"review/{TODAY}^{{commit}}") == git(
        git_backlog, "rev-parse", "HEAD"
    )


def test_an_invalid_tag_prefix_is_a_configuration_error(git_backlog: Path, run: Run) -> None:
    config = git_backlog / "backlog.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "cadence_days: 14", "cadence_days: 14\n  tag_prefix: 'bad prefix:'"
        )
    )
    result = run("review", "close")
    assert result.exit_code == 2
    assert "backlog.yaml" in result.stderr and "tag_prefix" in result.stderr
    assert not (git_backlog / "reviews").exists()


def test_the_why_reaches_history_changes_and_the_record(git_backlog: Path, run: Run) -> None:
    git(git_backlog, "tag", "start")
    item_id, _ = new(run, "Churn prediction", "--commit")
    why = "Finance moved it to Q2"
    assert run("set", item_id, "status=parked", "--commit", "-m", why).exit_code == 0
    history = run("history", item_id, "--format", "json").stdout
    assert why in history
    assert f"why: {why}" in run("history", item_id).stdout
    changes = run("changes", "--since", "start", "--format", "json").stdout
    assert '"message": "' in changes
    assert why in changes
    assert run("review", "close", "-m", "closed after the weekly meeting").exit_code == 0
    record = (git_backlog / "reviews" / f"{TODAY}.md").read_text(encoding="utf-8")
    assert f"status proposed → parked (Test Author, 2026-11-01): {why}" in record
    assert "closed after the weekly meeting" in git(git_backlog, "log", "-1", "--format=%B")
