"""The example backlog is valid, complete and realistic; the demo history builds."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from backlogctl import backlog as backlog_module
from backlogctl.config import Config
from backlogctl.model import SCORE_FIELDS, Item, get_path, is_placeholder
from tests.helpers import EXAMPLE, REPO, Result

AS_OF = dt.date(2026, 11, 21)
"""The day the example describes; review dates are checked against it, not today."""


@pytest.fixture(scope="module")
def loaded() -> backlog_module.Backlog:
    return backlog_module.load(EXAMPLE)


@pytest.fixture(scope="module")
def items(loaded: backlog_module.Backlog) -> list[Item]:
    return loaded.items


def test_every_file_loads_and_validates(loaded: backlog_module.Backlog) -> None:
    broken = {
        loaded.relative(e.path): str(e.error) if e.error else [f"{f.field}: {f.message}" for f in e.invalid]
        for e in loaded.entries
        if e.error is not None or e.invalid
    }
    assert broken == {}
    assert len(loaded.items) == len(loaded.entries) >= 28


def test_ids_are_unique_and_name_their_files(loaded: backlog_module.Backlog) -> None:
    ids = [e.id for e in loaded.entries]
    assert len(ids) == len(set(ids))
    for entry in loaded.entries:
        assert entry.path.name.startswith(f"{entry.id}-"), entry.path.name
        assert entry.path.suffix == ".yaml"


def test_files_start_like_backlogctl_new_writes_them(loaded: backlog_module.Backlog) -> None:
    for entry in loaded.entries:
        first = entry.path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../item.schema.json", entry.path.name


def test_dependencies_exist(items: list[Item]) -> None:
    ids = {item.id for item in items}
    dangling = {item.id: dep for item in items for dep in item.depends_on if dep not in ids}
    assert dangling == {}
    assert sum(1 for item in items if item.depends_on) >= 8


def test_every_kind_status_and_risk_class_appears(loaded: backlog_module.Backlog, items: list[Item]) -> None:
    assert {str(item.kind) for item in items} == {"new", "implement", "revise", "retire"}
    assert {item.status for item in items} == set(loaded.config.statuses.names)
    risk_classes = {"minimal", "limited", "high", "unacceptable", "unassessed"}
    assert {str(item.risk_class) for item in items} == risk_classes


def test_required_fields_are_filled(loaded: backlog_module.Backlog, items: list[Item]) -> None:
    config = loaded.config
    default = config.scoring.all_models()[config.scoring.default]
    model_scores = list(default.criteria or {})
    missing = {}
    for item in items:
        data = item.model_dump(mode="json")
        wanted = []
        for dotted in config.required_for(item.status):
            wanted += [f"scores.{s}" for s in model_scores] if dotted == "scores.*" else [dotted]
        gaps = [dotted for dotted in wanted if is_placeholder(get_path(data, dotted))]
        if gaps:
            missing[item.id] = gaps
    assert missing == {}


def test_every_item_has_every_score(items: list[Item]) -> None:
    """So that every built-in model (wsjf, rice, ice) ranks the whole example."""
    gaps = {item.id: [s for s in SCORE_FIELDS if item.score(s) is None] for item in items}
    assert {k: v for k, v in gaps.items() if v} == {}


def test_open_items_were_reviewed_within_the_cadence(loaded: backlog_module.Backlog) -> None:
    config: Config = loaded.config
    items = loaded.items
    cadence = dt.timedelta(days=config.review.cadence_days)
    closed = set(config.statuses.closed)
    overdue = {
        item.id: str(item.last_reviewed or item.created)
        for item in items
        if item.status not in closed and AS_OF - (item.last_reviewed or item.created or AS_OF) > cadence
    }
    assert overdue == {}


def test_dates_are_in_2026_and_consistent(items: list[Item]) -> None:
    for item in items:
        assert item.created is not None, item.id
        assert item.created.year == 2026, item.id
        assert item.created <= AS_OF, item.id
        if item.last_reviewed is not None:
            assert item.created <= item.last_reviewed <= AS_OF, item.id


def test_unacceptable_items_are_rejected(items: list[Item]) -> None:
    for item in items:
        if str(item.risk_class) == "unacceptable":
            assert item.status == "rejected", item.id


def test_schema_file_is_the_current_schema() -> None:
    from backlogctl import config, schema

    written = (EXAMPLE / "item.schema.json").read_text(encoding="utf-8")
    assert written == schema.schema_text(config.load(EXAMPLE).config), (
        "examples/ai-lab/item.schema.json is stale: "
        "run backlogctl -C examples/ai-lab schema -o examples/ai-lab/item.schema.json"
    )


def test_lint_finds_nothing_on_the_day_the_example_describes(loaded: backlog_module.Backlog) -> None:
    from backlogctl.lint.check import check

    assert [f"{p.path}:{p.line}: {p.rule}: {p.message}" for p in check(loaded, today=AS_OF)] == []


def test_lint_command_finds_no_errors(run: Callable[..., Result], example: Path) -> None:
    """Today's date may make reviews overdue (warnings); errors never."""
    result = run("lint", "--format", "json", cwd=example)
    report = json.loads(result.stdout)
    errors = [p for p in report["problems"] if p["severity"] == "error"]
    assert errors == []
    assert report["summary"]["errors"] == 0
    assert report["summary"]["items"] == len(list((example / "items").glob("*.yaml")))


# --- the demo history -------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("demo") / "lab"
    done = subprocess.run(
        [sys.executable, str(REPO / "examples" / "build-demo.py"), str(dest)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return dest


def git_out(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
def test_demo_has_two_reviews_and_a_history(demo: Path) -> None:
    assert git_out(demo, "tag", "--list", "review/*").split() == ["review/2026-11-03", "review/2026-11-17"]
    for tag in ("review/2026-11-03", "review/2026-11-17"):
        assert git_out(demo, "cat-file", "-t", tag).strip() == "tag"  # annotated
    assert int(git_out(demo, "rev-list", "--count", "HEAD")) > 10
    authors = set(git_out(demo, "log", "--format=%an").split("\n")) - {""}
    assert len(authors) >= 5
    after = git_out(demo, "log", "--format=%s", "review/2026-11-17..HEAD").splitlines()
    assert len(after) >= 3
    assert "AI-13: scores.business_value 8 → 13" in after
    assert git_out(demo, "status", "--porcelain") == ""


@pytest.mark.slow
def test_demo_ends_at_the_example(demo: Path) -> None:
    built = {p.name: p.read_bytes() for p in (demo / "items").glob("*.yaml")}
    wanted = {p.name: p.read_bytes() for p in (EXAMPLE / "items").glob("*.yaml")}
    assert built == wanted


@pytest.mark.slow
def test_demo_walks_a_status_and_retires_an_item(demo: Path) -> None:
    log = git_out(demo, "log", "--reverse", "--format=%s")
    assert log.index("AI-3: status proposed → ready") < log.index("AI-3: status ready → in_progress")
    assert "AI-31: status in_progress → retired" in log
    assert "AI-9: remove" in log
    assert "AI-34: add " in log


@pytest.mark.slow
def test_demo_refuses_a_folder_in_use(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    done = subprocess.run(
        [sys.executable, str(REPO / "examples" / "build-demo.py"), str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "not empty" in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


@pytest.mark.slow
def test_history_survives_a_rewritten_demo(demo: Path, tmp_path: Path, run: Callable[..., Result]) -> None:
    """A cached tip that is gone (amended and pruned) must not break history."""
    copy = tmp_path / "lab"
    subprocess.run(["git", "clone", "-q", str(demo), str(copy)], check=True)
    assert run("history", "AI-5", cwd=copy).exit_code == 0
    git_env = ["git", "-c", "user.name=Lea Hoffmann", "-c", "user.email=lea.hoffmann@example.com"]
    # the demo ends with the session's ratings; the last item commit is AI-5's
    last_item = subprocess.run(
        ["git", "rev-list", "-1", "HEAD", "--", "items"], cwd=copy, capture_output=True, text=True, check=True
    ).stdout.strip()
    subprocess.run(["git", "reset", "-q", "--hard", last_item], cwd=copy, check=True)
    subprocess.run([*git_env, "commit", "-q", "--amend", "-m", "AI-5: effort 13 → 8"], cwd=copy, check=True)
    # Nothing may keep the old tip alive: no remote ref, no reflog.
    for cleanup in (
        ["remote", "remove", "origin"],
        ["reflog", "expire", "--expire=now", "--all"],
        ["gc", "-q", "--prune=now"],
    ):
        subprocess.run(["git", *cleanup], cwd=copy, check=True)
    result = run("history", "AI-5", cwd=copy)
    assert result.exit_code == 0, result.output
    assert "AI-5: effort 13 → 8" in result.stdout
