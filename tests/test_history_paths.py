"""The fast paths of history and changes give the same records as the slow ones.

`history ID` walks only the files named for the id and follows moves by id;
`changes` and `history` results are cached. Each is checked against the
folder-wide walk or an uncached run on real repositories.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from backlogctl.history import audit
from backlogctl.history.trail import Trail
from backlogctl.render import jsonout
from tests.helpers import ANNA, BEN, CARA, ITEM, commit, day, edit, git, script_history


def folder_walk(root: Path, item_id: str) -> list[Any]:
    """The item's changes from the walk over the whole items folder (the reference)."""
    with Trail(root) as trail:
        commits = trail.commits(trail.resolve("HEAD"))
        return [(c.sha, field, old, new) for _, c, field, old, new in trail.changes_in(commits, only=item_id)]


def fast(root: Path, item_id: str) -> list[Any]:
    got = jsonout.to_json_value(audit.item_history(root, item_id))["changes"]
    return [(c["commit"], c["field"], c["old"], c["new"]) for c in got]


def moved_history(root: Path) -> dict[str, str]:
    """AI-1 moves twice (one move renames and edits it); AI-2 is misnamed."""
    items = root / "items"
    churn = items / "AI-1-churn.yaml"
    churn.write_text(ITEM.format(id="AI-1", title="Churn"), encoding="utf-8")
    (items / "forecast.yaml").write_text(ITEM.format(id="AI-2", title="Forecast"), encoding="utf-8")
    shas = {"create": commit(root, "Add churn", day(2), ANNA)}
    edit(churn, "business_value: 5", "business_value: 8")
    shas["rescore"] = commit(root, "Rescore", day(3), BEN)
    (items / "old-team").mkdir()
    shutil.move(churn, items / "old-team" / "AI-1-churn.yaml")
    shas["move"] = commit(root, "Move to old-team", day(4), CARA)
    edit(items / "old-team" / "AI-1-churn.yaml", "status: proposed", "status: ready")
    shas["ready"] = commit(root, "Ready", day(5), ANNA)
    (items / "retention").mkdir()
    target = items / "retention" / "AI-1-customer-churn.yaml"
    shutil.move(items / "old-team" / "AI-1-churn.yaml", target)
    edit(target, "title: Churn", "title: Customer churn")
    shas["rename"] = commit(root, "Move and retitle", day(6), BEN)
    edit(items / "forecast.yaml", "effort: 3", "effort: 5")
    shas["forecast"] = commit(root, "Re-estimate forecast", day(7), CARA)
    return shas


def test_history_follows_moves_into_sub_folders_by_id(git_backlog: Path) -> None:
    shas = moved_history(git_backlog)

    got = fast(git_backlog, "AI-1")

    assert [(sha, field) for sha, field, _, _ in got] == [
        (shas["create"], None),
        (shas["rescore"], "scores.business_value"),
        (shas["ready"], "status"),
        (shas["rename"], "title"),
    ]
    assert got == folder_walk(git_backlog, "AI-1")
    with Trail(git_backlog) as trail:  # found by name, not by the fallback
        walked = trail.item_commits(trail.resolve("HEAD"), "ai-1")
    assert walked is not None
    assert [c.sha for c in walked] == [shas[s] for s in ("create", "rescore", "move", "ready", "rename")]


def test_a_misnamed_file_falls_back_to_the_folder_walk(git_backlog: Path) -> None:
    shas = moved_history(git_backlog)

    got = fast(git_backlog, "AI-2")

    assert [(sha, field) for sha, field, _, _ in got] == [
        (shas["create"], None),
        (shas["forecast"], "scores.effort"),
    ]


@pytest.mark.parametrize("item_id", ["AI-1", "AI-2", "AI-3"])
def test_the_scripted_history_is_the_same_by_name_and_by_folder(git_backlog: Path, item_id: str) -> None:
    script_history(git_backlog)

    assert fast(git_backlog, item_id) == folder_walk(git_backlog, item_id)


def test_a_move_with_an_edit_is_a_field_change_not_a_new_item(git_backlog: Path) -> None:
    shas = moved_history(git_backlog)

    got = jsonout.to_json_value(audit.backlog_changes(git_backlog, since=shas["ready"]))

    assert got["added"] == []
    assert got["removed"] == []
    assert [(c["id"], c["field"], c["commit"]) for c in got["changed"]] == [
        ("AI-1", "title", shas["rename"]),
        ("AI-2", "scores.effort", shas["forecast"]),
    ]


def test_warm_results_equal_cold_ones(git_backlog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shas = script_history(git_backlog)

    def everything() -> Any:
        return [
            jsonout.to_json_value(audit.backlog_changes(git_backlog, since=since))
            for since in (None, shas["create"], shas["move"], "2026-10-01")
        ] + [jsonout.to_json_value(audit.item_history(git_backlog, i)) for i in ("AI-1", "ai-2", "AI-3")]

    monkeypatch.setenv("BACKLOGCTL_NO_CACHE", "1")
    cold = everything()
    monkeypatch.delenv("BACKLOGCTL_NO_CACHE")
    assert everything() == cold  # fills the cache
    assert everything() == cold  # reads it

    churn = git_backlog / "items" / "AI-1-churn.yaml"
    churn.write_text(ITEM.format(id="AI-1", title="Churn again"), encoding="utf-8")
    newest = commit(git_backlog, "Rewrite churn", day(9), CARA)
    warm = everything()
    monkeypatch.setenv("BACKLOGCTL_NO_CACHE", "1")
    assert everything() == warm
    assert warm[0]["until"] == newest != cold[0]["until"]


def test_no_cache_writes_nothing(git_backlog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script_history(git_backlog)
    monkeypatch.setenv("BACKLOGCTL_NO_CACHE", "1")

    audit.item_history(git_backlog, "AI-1")
    audit.backlog_changes(git_backlog)

    cache = tmp_path / ".cache" / "backlogctl"
    assert not cache.exists() or not any(p.name.startswith("history-") for p in cache.iterdir())


def test_a_backlog_below_the_repository_top_walks_with_a_pathspec(tmp_path: Path) -> None:
    top = tmp_path / "repo"
    root = top / "planning"
    (root / "items").mkdir(parents=True)
    (root / "backlog.yaml").write_text("id_prefix: AI\n", encoding="utf-8")
    (top / "README.md").write_text("code\n", encoding="utf-8")
    git(top, "init", "-q", "-b", "main")
    (root / "items" / "AI-1-churn.yaml").write_text(ITEM.format(id="AI-1", title="Churn"), encoding="utf-8")
    first = commit(top, "Add churn", day(2), ANNA)
    (top / "README.md").write_text("more code\n", encoding="utf-8")
    commit(top, "Code only", day(3), BEN)
    edit(root / "items" / "AI-1-churn.yaml", "status: proposed", "status: ready")
    ready = commit(top, "Ready", day(4), BEN)

    assert [(sha, field) for sha, field, _, _ in fast(root, "AI-1")] == [(first, None), (ready, "status")]
    changes = jsonout.to_json_value(audit.backlog_changes(root, since=first))
    assert [(c["field"], c["commit"]) for c in changes["changed"]] == [("status", ready)]
