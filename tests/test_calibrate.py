"""`calibrate` and `plan --calibrated` on a scripted git history with known dates."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import Result, git

ITEM = """\
id: {id}
title: {title}
kind: new
status: {status}
owner: {owner}
team: {team}
created: 2026-01-01
decision: Which model to build
description: A model
expected_benefit: {{metric: hours saved, target: 10}}
resources:
  effort_weeks: {effort}
scores: {{business_value: 8, feasibility: 3, effort: 5}}
"""


def day(n: int) -> str:
    """Day n of 2026 at 10:00 UTC (day 1 is 1 January)."""
    return f"2026-01-{n:02d}T10:00:00+00:00" if n <= 31 else f"2026-02-{n - 31:02d}T10:00:00+00:00"


def write(folder: Path, item_id: str, **fields: object) -> None:
    values = {"title": f"Model {item_id}", "status": "ready", "owner": "anna", "team": "vision", "effort": 4}
    values.update(fields)
    path = folder / "items" / f"{item_id}-model.yaml"
    path.write_text(ITEM.format(id=item_id, **values), encoding="utf-8")


def commit(folder: Path, message: str, n: int) -> None:
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", message, date=day(n))


@pytest.fixture
def delivered(git_backlog: Path) -> Path:
    """AI-1: 4 weeks estimated, 4 taken. AI-2: 2 estimated (raised to 5 later), 4 taken.
    AI-3 (team nlp, owner ben): 3 estimated, 6 taken. AI-6 was added already in progress:
    no start date. AI-4 in progress only. AI-5 proposed, vision: the plan candidate."""
    folder = git_backlog
    write(folder, "AI-1", effort=4)
    write(folder, "AI-2", effort=2)
    write(folder, "AI-3", owner="ben", team="nlp", effort=3)
    write(folder, "AI-6", status="in_progress", owner="ben", team="nlp", effort=3)
    commit(folder, "add items", 1)
    write(folder, "AI-1", status="in_progress", effort=4)
    write(folder, "AI-2", status="in_progress", effort=2)
    write(folder, "AI-3", status="in_progress", owner="ben", team="nlp", effort=3)
    write(folder, "AI-4", status="in_progress", effort=1)
    commit(folder, "start AI-1, AI-2 and AI-3", 8)
    write(folder, "AI-2", status="in_progress", effort=5)
    commit(folder, "AI-2 is bigger than we thought", 15)
    write(folder, "AI-3", status="deployed", owner="ben", team="nlp", effort=3)
    write(folder, "AI-6", status="deployed", owner="ben", team="nlp", effort=3)
    commit(folder, "AI-3 and AI-6 live", 50)  # 6 weeks after 8 January
    write(folder, "AI-1", status="deployed", effort=4)
    write(folder, "AI-2", status="deployed", effort=5)
    commit(folder, "AI-1 and AI-2 live", 36)  # 4 weeks after 8 January
    write(folder, "AI-5", status="proposed", effort=10)
    commit(folder, "propose AI-5", 44)
    return folder


def test_calibrate_json_from_known_dates(run: Callable[..., Result], delivered: Path) -> None:
    result = run("-C", str(delivered), "calibrate", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    items = {d["id"]: d for d in data["items"]}
    assert set(items) == {"AI-1", "AI-2", "AI-3"}
    assert (items["AI-1"]["estimate"], items["AI-1"]["weeks"], items["AI-1"]["ratio"]) == (4.0, 4.0, 1.0)
    # the estimate is what stood when work started, not the later correction
    assert (items["AI-2"]["estimate"], items["AI-2"]["weeks"], items["AI-2"]["ratio"]) == (2.0, 4.0, 2.0)
    assert items["AI-2"]["started"] == "2026-01-08T10:00:00+00:00"
    assert items["AI-2"]["deployed"] == "2026-02-05T10:00:00+00:00"
    assert (items["AI-3"]["estimate"], items["AI-3"]["weeks"], items["AI-3"]["ratio"]) == (3.0, 6.0, 2.0)
    assert data["skipped"] == [
        {
            "id": "AI-6",
            "reason": "added to git already in_progress (2026-01-01): "
            "the history does not say when work started",
        }
    ]
    teams = {f["name"]: f for f in data["teams"]}
    assert teams["vision"]["median"] == 1.5 and teams["vision"]["items"] == 2
    assert (teams["vision"]["low"], teams["vision"]["high"]) == (1.0, 2.0)
    assert teams["vision"]["note"] == "rests on only 2 items: read it as a hint"
    assert teams["nlp"]["note"] == "rests on one item: an anecdote, not a pattern"
    owners = {f["name"]: f["median"] for f in data["owners"]}
    assert owners == {"anna": 1.5, "ben": 2.0}
    assert data["overall"]["median"] == 2.0 and data["overall"]["items"] == 3


def test_calibrate_table_says_how_few(run: Callable[..., Result], delivered: Path) -> None:
    result = run("-C", str(delivered), "calibrate")
    assert result.exit_code == 0
    assert "2026-01-08 -> 2026-02-05" in result.stdout
    assert "rests on only 2 items" in result.stdout


def test_plan_calibrated_scales_the_teams_estimates(run: Callable[..., Result], delivered: Path) -> None:
    plain = json.loads(run("-C", str(delivered), "plan", "--capacity", "20", "--format", "json").stdout)
    result = run("-C", str(delivered), "plan", "--capacity", "20", "--calibrated", "--format", "json")
    scaled = json.loads(result.stdout)
    assert plain["selected"][0]["uses"] == {"resources.effort_weeks": 10.0}
    assert scaled["selected"][0]["uses"] == {"resources.effort_weeks": 15.0}  # vision: x1.5
    assert scaled["calibration"]["ratios"] == {"vision": 1.5, "nlp": 2.0}
    table = run("-C", str(delivered), "plan", "--capacity", "12", "--calibrated")
    assert "Calibrated: resources.effort_weeks scaled by each team's median" in table.stdout
    assert "AI-5 would fit with 3 more resources.effort_weeks" in table.stdout


def test_calibrate_without_deliveries(run: Callable[..., Result], git_backlog: Path) -> None:
    result = run("-C", str(git_backlog), "calibrate")
    assert result.exit_code == 0
    assert "nothing to calibrate against" in result.stdout


def test_calibrate_outside_git_is_one_line(run: Callable[..., Result], backlog: Path) -> None:
    write(backlog, "AI-1", status="deployed")
    result = run("-C", str(backlog), "calibrate")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
