"""history.resolve and history.backlog_at against real temporary repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from backlogctl import history
from backlogctl.errors import GitError, NotFoundError
from tests.helpers import git

ITEM = """\
id: {id}
title: {title}
kind: new
status: proposed
owner: anna
decision: Which customers get a retention call
description: Gradient boosting on usage data
scores:
  business_value: {value}
"""


def write_item(folder: Path, item_id: str, title: str, value: int = 5) -> Path:
    path = folder / "items" / f"{item_id}-{title.lower()}.yaml"
    path.write_text(ITEM.format(id=item_id, title=title, value=value), encoding="utf-8")
    return path


def commit_all(folder: Path, message: str, date: str) -> str:
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", message, date=date)
    return git(folder, "rev-parse", "HEAD").strip()


def test_backlog_at_reads_the_tree_of_a_past_commit(git_backlog: Path) -> None:
    write_item(git_backlog, "AI-1", "Churn", 5)
    first = commit_all(git_backlog, "add AI-1", "2026-11-02T10:00:00+00:00")
    write_item(git_backlog, "AI-1", "Churn", 13)
    write_item(git_backlog, "AI-2", "Ocr", 3)
    config = git_backlog / "backlog.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("id_prefix: AI", "id_prefix: ML"))
    commit_all(git_backlog, "rescore, add AI-2, new prefix", "2026-11-05T10:00:00+00:00")
    working = {p: p.read_bytes() for p in git_backlog.rglob("*") if p.is_file() and ".git" not in p.parts}

    past = history.backlog_at(git_backlog, first)

    assert [item.id for item in past.items] == ["AI-1"]
    assert past.items[0].scores.business_value == 5
    assert past.config.id_prefix == "AI"
    assert past.entries[0].path == git_backlog / "items" / "AI-1-churn.yaml"
    now = history.backlog_at(git_backlog, "HEAD")
    assert [item.id for item in now.items] == ["AI-1", "AI-2"]
    assert now.config.id_prefix == "ML"
    assert history.backlog_at(git_backlog, "2026-11-03").items[0].scores.business_value == 5
    assert history.backlog_at(git_backlog, "HEAD~1").items[0].scores.business_value == 5
    after = {p: p.read_bytes() for p in git_backlog.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert after == working, "the working tree must not be touched"


def test_rank_resolves_each_revision_once(git_backlog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from backlogctl.history import snapshot
    from backlogctl.usecases import ranking

    write_item(git_backlog, "AI-1", "Churn", 5)
    first = commit_all(git_backlog, "add AI-1", "2026-11-02T10:00:00+00:00")
    write_item(git_backlog, "AI-2", "Ocr", 3)
    commit_all(git_backlog, "add AI-2", "2026-11-05T10:00:00+00:00")
    resolved: list[str] = []
    real = snapshot.resolve_in

    def counting(repo: object, rev: str, *args: object, **kwargs: object) -> str:
        resolved.append(rev)
        return real(repo, rev, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(snapshot, "resolve_in", counting)
    view = ranking.rank(git_backlog, as_of="HEAD", since=first)

    assert resolved == ["HEAD", first], "backlog_of reads the commit its caller resolved"
    assert view.since == first
    assert view.then is not None
    assert [item.id for item in view.then.items] == ["AI-1"]


def test_backlog_at_keeps_broken_files_as_error_entries(git_backlog: Path) -> None:
    (git_backlog / "items" / "AI-1-bad.yaml").write_text("id: AI-1\ntitle: [unclosed\n", encoding="utf-8")
    commit_all(git_backlog, "broken", "2026-11-02T10:00:00+00:00")

    past = history.backlog_at(git_backlog, "HEAD")

    assert past.items == []
    assert past.entries[0].error is not None
    assert "invalid YAML" in past.entries[0].error.message


def test_resolve_accepts_revisions_dates_and_last_review(git_backlog: Path) -> None:
    write_item(git_backlog, "AI-1", "Churn")
    first = commit_all(git_backlog, "one", "2026-11-02T10:00:00+00:00")
    git(git_backlog, "tag", "-a", "-m", "review", "review/2026-11-02", date="2026-11-02T12:00:00+00:00")
    write_item(git_backlog, "AI-2", "Ocr")
    second = commit_all(git_backlog, "two", "2026-11-09T10:00:00+00:00")

    assert history.resolve(git_backlog, "HEAD") == second
    assert history.resolve(git_backlog, "HEAD~1") == first
    assert history.resolve(git_backlog, second[:10]) == second
    assert history.resolve(git_backlog, "last-review") == first
    assert history.resolve(git_backlog, "2026-11-02") == first, "a date includes commits made that day"
    assert history.resolve(git_backlog, "2026-11-08") == first
    assert history.resolve(git_backlog, "2026-11-09") == second
    with pytest.raises(NotFoundError, match="no commit on or before 2026-10-01"):
        history.resolve(git_backlog, "2026-10-01")
    with pytest.raises(NotFoundError, match="unknown revision 'nope'"):
        history.resolve(git_backlog, "nope")


def test_last_review_without_a_tag_says_what_to_do(git_backlog: Path) -> None:
    with pytest.raises(NotFoundError, match="review close"):
        history.resolve(git_backlog, "last-review")


def test_backlog_at_outside_git_is_a_clear_error(backlog: Path) -> None:
    with pytest.raises(GitError, match="not inside a git repository"):
        history.backlog_at(backlog, "HEAD")
