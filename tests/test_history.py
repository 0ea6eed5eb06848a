"""Field-level history and backlog changes from a scripted git history."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backlogctl.history import audit
from backlogctl.render import jsonout
from tests.helpers import ANNA, BEN, CARA, commit, day, edit, git, script_history


def data(item_id: str, title: str) -> dict[str, Any]:
    return {
        "id": item_id,
        "title": title,
        "kind": "new",
        "status": "proposed",
        "owner": "anna",
        "scores": {"business_value": 5, "effort": 3},
        "tags": ["retention"],
    }


@pytest.fixture
def scripted(git_backlog: Path) -> dict[str, str]:
    return script_history(git_backlog)


def records(result: object) -> Any:
    return jsonout.to_json_value(result)


def test_history_of_an_item_is_every_field_change_oldest_first(
    git_backlog: Path, scripted: dict[str, str]
) -> None:
    got = records(audit.item_history(git_backlog, "ai-1"))

    def change(step: str, author: str, date: str, message: str, field: str | None, old: Any, new: Any) -> Any:
        name = author.split(" <")[0]
        return {
            "commit": scripted[step],
            "author": name,
            "date": date,
            "message": message,
            "field": field,
            "old": old,
            "new": new,
        }

    assert got == {
        "id": "AI-1",
        "changes": [
            change("create", ANNA, day(2), "Add churn and OCR", None, None, data("AI-1", "Churn")),
            change(
                "rescore", BEN, day(3), "AI-1: scores.business_value 5 → 8", "scores.business_value", 5, 8
            ),
            change("ready", ANNA, day(4), "AI-1 is ready", "status", "proposed", "ready"),
            change("ready", ANNA, day(4), "AI-1 is ready", "tags", ["retention"], ["retention", "b2b"]),
            change("start", ANNA, day(6), "Start AI-1", "status", "ready", "in_progress"),
        ],
    }


def test_history_follows_a_move_and_records_the_deletion(git_backlog: Path, scripted: dict[str, str]) -> None:
    got = records(audit.item_history(git_backlog, "AI-2"))["changes"]

    assert [(c["commit"], c["field"], c["old"], c["new"]) for c in got] == [
        (scripted["create"], None, None, data("AI-2", "OCR")),
        (scripted["move"], "title", "OCR", "Invoice OCR"),
        (scripted["delete"], None, {**data("AI-2", "OCR"), "title": "Invoice OCR"}, None),
    ]
    assert got[2]["author"] == "Ben Osei"


def test_a_merged_branch_keeps_its_authors_credit(git_backlog: Path, scripted: dict[str, str]) -> None:
    got = records(audit.item_history(git_backlog, "AI-3"))["changes"]

    assert [(c["commit"], c["author"], c["message"], c["field"]) for c in got] == [
        (scripted["feature"], "Cara Lind", "Add forecast", None),
    ]


def test_changes_since_a_revision(git_backlog: Path, scripted: dict[str, str]) -> None:
    got = records(audit.backlog_changes(git_backlog, since=scripted["rescore"]))

    def row(
        item: str, field: str, old: Any, new: Any, step: str, author: str, date: str, message: str
    ) -> Any:
        return {
            "id": item,
            "field": field,
            "old": old,
            "new": new,
            "commit": scripted[step],
            "author": author,
            "date": date,
            "message": message,
        }

    assert got == {
        "since": scripted["rescore"],
        "until": scripted["delete"],
        "added": ["AI-3"],
        "removed": ["AI-2"],
        "changed": [
            row("AI-1", "status", "proposed", "ready", "ready", "Anna Berg", day(4), "AI-1 is ready"),
            row(
                "AI-1",
                "tags",
                ["retention"],
                ["retention", "b2b"],
                "ready",
                "Anna Berg",
                day(4),
                "AI-1 is ready",
            ),
            row("AI-2", "title", "OCR", "Invoice OCR", "move", "Ben Osei", day(5), "Move OCR to vision/"),
            row("AI-1", "status", "ready", "in_progress", "start", "Anna Berg", day(6), "Start AI-1"),
        ],
    }


def test_changes_since_a_date_a_tag_and_the_last_review(git_backlog: Path, scripted: dict[str, str]) -> None:
    by_date = records(audit.backlog_changes(git_backlog, since="2026-11-05"))
    assert by_date["since"] == scripted["move"]
    assert [c["field"] for c in by_date["changed"]] == ["status"]
    assert by_date["added"] == ["AI-3"]
    assert by_date["removed"] == ["AI-2"]

    everything = records(audit.backlog_changes(git_backlog))
    assert everything["since"] is None
    assert everything["added"] == ["AI-1", "AI-3"]
    assert everything["removed"] == []

    git(git_backlog, "tag", "-a", "-m", "review", "review/2026-11-06", scripted["start"], date=day(6))
    since_review = records(audit.backlog_changes(git_backlog))
    assert since_review["since"] == scripted["start"]
    assert since_review["added"] == ["AI-3"]
    assert since_review["changed"] == []
    until = records(audit.backlog_changes(git_backlog, since="2026-10-01", until=scripted["create"]))
    assert until["since"] is None
    assert until["added"] == ["AI-1", "AI-2"]


def test_a_second_run_reads_only_new_commits_from_the_cache(
    git_backlog: Path, scripted: dict[str, str]
) -> None:
    first = records(audit.item_history(git_backlog, "AI-1"))
    churn = git_backlog / "items" / "AI-1-churn.yaml"
    edit(churn, "effort: 3", "effort: 5")
    newest = commit(git_backlog, "Re-estimate", day(9), CARA)

    again = records(audit.item_history(git_backlog, "AI-1"))

    assert again["changes"][:-1] == first["changes"]
    assert again["changes"][-1]["commit"] == newest
    assert again["changes"][-1]["field"] == "scores.effort"
    cached = records(audit.item_history(git_backlog, "AI-1"))
    assert cached == again


def test_a_corrupt_cache_is_ignored(git_backlog: Path, scripted: dict[str, str], tmp_path: Path) -> None:
    expected = records(audit.item_history(git_backlog, "AI-1"))
    for path in (tmp_path / ".cache" / "backlogctl").iterdir():
        path.write_bytes(b"this is not a database" * 100)

    assert records(audit.item_history(git_backlog, "AI-1")) == expected
