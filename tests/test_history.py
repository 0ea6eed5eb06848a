"""Field-level history and backlog changes from a scripted git history."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from backlogctl.history import audit
from backlogctl.render import jsonout
from tests.conftest import git

ANNA = "Anna Berg <anna@lab.example>"
BEN = "Ben Osei <ben@lab.example>"
CARA = "Cara Lind <cara@lab.example>"

ITEM = """\
# churn item
id: {id}
title: {title}
kind: new
status: proposed
owner: anna
scores:
  business_value: 5
  effort: 3
tags: [retention]
"""


def day(n: int) -> str:
    return f"2026-11-{n:02d}T10:00:00+00:00"


def commit(folder: Path, message: str, date: str, author: str) -> str:
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", message, date=date, author=author)
    return git(folder, "rev-parse", "HEAD").strip()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


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


def script_history(git_backlog: Path) -> dict[str, str]:
    """Created items, rescoring by two people, a status walk, a move, a merge and a deletion."""
    items = git_backlog / "items"
    churn, ocr = items / "AI-1-churn.yaml", items / "AI-2-ocr.yaml"
    churn.write_text(ITEM.format(id="AI-1", title="Churn"), encoding="utf-8")
    ocr.write_text(ITEM.format(id="AI-2", title="OCR"), encoding="utf-8")
    shas = {"create": commit(git_backlog, "Add churn and OCR", day(2), ANNA)}
    edit(churn, "business_value: 5", "business_value: 8")
    shas["rescore"] = commit(git_backlog, "AI-1: scores.business_value 5 → 8", day(3), BEN)
    edit(churn, "status: proposed", "status: ready")
    edit(churn, "tags: [retention]", "tags: [retention, b2b]")
    shas["ready"] = commit(git_backlog, "AI-1 is ready", day(4), ANNA)
    (items / "vision").mkdir()
    shutil.move(ocr, items / "vision" / "AI-2-ocr.yaml")
    edit(items / "vision" / "AI-2-ocr.yaml", "title: OCR", "title: Invoice OCR")
    shas["move"] = commit(git_backlog, "Move OCR to vision/", day(5), BEN)
    git(git_backlog, "checkout", "-q", "-b", "feature")
    (items / "AI-3-forecast.yaml").write_text(ITEM.format(id="AI-3", title="Forecast"), encoding="utf-8")
    shas["feature"] = commit(git_backlog, "Add forecast", day(6), CARA)
    git(git_backlog, "checkout", "-q", "main")
    edit(churn, "status: ready", "status: in_progress")
    shas["start"] = commit(git_backlog, "Start AI-1", day(6), ANNA)
    git(
        git_backlog,
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge branch 'feature'",
        "feature",
        date=day(7),
        author=ANNA,
    )
    shas["merge"] = git(git_backlog, "rev-parse", "HEAD").strip()
    (items / "vision" / "AI-2-ocr.yaml").unlink()
    shas["delete"] = commit(git_backlog, "Drop OCR", day(8), BEN)
    return shas


def records(result: object) -> Any:
    return jsonout.plain(result)


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
    assert by_date["added"] == ["AI-3"] and by_date["removed"] == ["AI-2"]

    everything = records(audit.backlog_changes(git_backlog))
    assert everything["since"] is None
    assert everything["added"] == ["AI-1", "AI-3"] and everything["removed"] == []

    git(git_backlog, "tag", "-a", "-m", "review", "review/2026-11-06", scripted["start"], date=day(6))
    since_review = records(audit.backlog_changes(git_backlog))
    assert since_review["since"] == scripted["start"]
    assert since_review["added"] == ["AI-3"] and since_review["changed"] == []
    until = records(audit.backlog_changes(git_backlog, since="2026-10-01", until=scripted["create"]))
    assert until["since"] is None and until["added"] == ["AI-1", "AI-2"]


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
