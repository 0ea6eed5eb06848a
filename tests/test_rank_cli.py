"""`backlogctl rank` end to end: formats, options, gates, --strict, --since / --as-of."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import Result, git

Run = Callable[..., Result]

ITEM = """\
id: {id}
title: {title}
kind: new
status: {status}
owner: anna
created: 2026-01-0{day}
decision: Which customers get a retention call
description: Gradient boosting on usage data
expected_benefit:
  metric: churn rate
  target: 5 %
resources:
  effort_weeks: 4
scores:
  business_value: {value}
  feasibility: 3
  effort: {effort}
  time_criticality: 5
  risk_reduction: 3
  confidence: 0.8
  reach: 400
  impact: 1
depends_on: {depends}
"""


def write_item(
    folder: Path,
    number: int,
    value: int,
    *,
    status: str = "ready",
    effort: int = 5,
    depends: str = "[]",
    title: str | None = None,
) -> Path:
    name = title or f"Model {number}"
    path = folder / "items" / f"AI-{number}-model-{number}.yaml"
    text = ITEM.format(
        id=f"AI-{number}",
        title=name,
        status=status,
        day=min(number, 9),
        value=value,
        effort=effort,
        depends=depends,
    )
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def ranked(backlog: Path) -> Path:
    write_item(backlog, 1, 3)
    write_item(backlog, 2, 13, title="Invoice OCR | accounts payable")
    write_item(backlog, 3, 8, status="deployed")
    write_item(backlog, 4, 20, depends="[AI-1]")
    return backlog


def test_json_has_the_documented_shape(ranked: Path, run: Run) -> None:
    result = run("rank", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data)[:3] == ["model", "as_of", "items"]
    assert data["model"] == "weighted"
    assert data["as_of"] is None
    assert [i["id"] for i in data["items"]] == ["AI-1", "AI-4", "AI-2"]
    first = data["items"][0]
    documented = {"rank", "id", "title", "status", "score", "effective_score", "breakdown", "movement"}
    assert documented <= set(first)
    assert first["rank"] == 1
    assert first["movement"] is None
    assert first["inherited_from"] == "AI-4"
    assert first["effective_score"] == data["items"][1]["score"] > first["score"]
    assert set(first["breakdown"]) == {"business_value", "feasibility", "effort"}
    assert sum(first["breakdown"].values()) == pytest.approx(first["score"], abs=1e-3)
    assert data["left_out"] == [{"id": "AI-3", "reason": "status deployed is not rankable (--all ranks it)"}]


def test_table_marks_inherited_scores_and_lists_left_out(ranked: Path, run: Run) -> None:
    result = run("rank")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "model weighted"
    row = next(line for line in lines if " AI-1 " in line)
    assert "← AI-4" in row
    assert "left out" in result.stdout
    assert "status deployed (--all ranks it): AI-3" in result.stdout


def test_csv_and_markdown(ranked: Path, run: Run) -> None:
    rows = list(csv.DictReader(io.StringIO(run("rank", "--format", "csv").stdout)))
    assert [r["id"] for r in rows] == ["AI-1", "AI-4", "AI-2"]
    assert rows[0]["inherited_from"] == "AI-4"
    markdown = run("rank", "--format", "markdown").stdout
    assert "| rank | id | title |" in markdown
    assert "Invoice OCR \\| accounts payable" in markdown
    assert "- status deployed (--all ranks it): AI-3" in markdown


def test_top_all_and_model(ranked: Path, run: Run) -> None:
    data = json.loads(run("rank", "--top", "1", "--format", "json").stdout)
    assert [i["id"] for i in data["items"]] == ["AI-1"]
    data = json.loads(run("rank", "--all", "--format", "json").stdout)
    assert "AI-3" in [i["id"] for i in data["items"]]
    data = json.loads(run("rank", "--model", "wsjf", "--format", "json").stdout)
    assert data["model"] == "wsjf"
    assert data["items"][2]["score"] == pytest.approx((13 + 5 + 3) / 5)


def test_formula_what_if(ranked: Path, run: Run) -> None:
    data = json.loads(run("rank", "--formula", "effort - business_value", "--format", "json").stdout)
    assert data["model"] == "formula: effort - business_value"
    assert data["items"][0]["id"] == "AI-1"


def test_explain_prints_every_term(ranked: Path, run: Run) -> None:
    result = run("rank", "--explain")
    assert "business_value  raw 13  normalised 0.632  weight 0.5  contributes +31.58" in result.stdout
    assert "inherited from AI-4" in result.stdout


def test_stability_adds_rank_range_and_probability(ranked: Path, run: Run) -> None:
    table = run("rank", "--stability", "--top", "2").stdout
    assert "rank range" in table
    assert "P(top 2)" in table
    data = json.loads(run("rank", "--stability", "--format", "json").stdout)
    assert data["stability_top"] == 5
    assert "at most 2 places" in data["stability_rule"]
    for item in data["items"]:
        found = item["stability"]
        assert set(found) == {"rank_p5", "rank_p95", "p_top", "settled"}
        assert found["settled"]  # always in the top 5: settled by the stated rule
        assert 1 <= found["rank_p5"] <= found["rank_p95"] <= 3
        assert found["p_top"] == 1.0  # three items are always in the top 5
    assert data == json.loads(run("rank", "--stability", "--format", "json").stdout)


def test_lint_errors_leave_an_item_out_and_strict_fails(ranked: Path, run: Run) -> None:
    path = write_item(ranked, 5, 20)
    path.write_text(path.read_text().replace("owner: anna\n", ""), encoding="utf-8")
    data = json.loads(run("rank", "--format", "json").stdout)
    assert "AI-5" not in [i["id"] for i in data["items"]]
    reason = next(o["reason"] for o in data["left_out"] if o["id"] == "AI-5")
    assert reason.startswith("lint errors:")
    strict = run("rank", "--strict")
    assert strict.exit_code == 1
    assert strict.stderr.startswith("error: lint errors in AI-5")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--formula", "effort.real"), "attribute access is not allowed at column 1"),
        (("--model", "nope"), "no scoring model named 'nope'"),
        (("--model", "wsjf", "--formula", "effort"), "either --model or --formula"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    ranked: Path, run: Run, args: tuple[str, ...], message: str
) -> None:
    result = run("rank", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.count("\n") == 1


def test_show_includes_the_score_breakdown(ranked: Path, run: Run) -> None:
    result = run("show", "AI-2")
    assert "score (weighted): " in result.stdout
    assert "effort  raw 5  normalised 0.789  weight 0.25  contributes +19.74" in result.stdout


def commit_all(folder: Path, message: str, date: str) -> None:
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", message, date=date)


def test_since_and_as_of(git_backlog: Path, run: Run) -> None:
    write_item(git_backlog, 1, 13)
    write_item(git_backlog, 2, 8)
    write_item(git_backlog, 3, 3)
    commit_all(git_backlog, "three items", "2026-11-02T10:00:00+00:00")
    write_item(git_backlog, 3, 20)
    write_item(git_backlog, 4, 5)
    commit_all(git_backlog, "rescore AI-3, add AI-4", "2026-11-09T10:00:00+00:00")

    data = json.loads(run("rank", "--since", "HEAD~1", "--format", "json").stdout)
    moved = {i["id"]: i["movement"] for i in data["items"]}
    assert moved == {"AI-3": 2, "AI-1": -1, "AI-2": -1, "AI-4": None}
    assert len(data["since"]) == 40
    table = run("rank", "--since", "HEAD~1").stdout
    assert "moved" in table
    row = {
        line.split()[1]: line for line in table.splitlines() if line.split()[1:2] and "AI-" in line.split()[1]
    }
    assert row["AI-4"].rstrip().endswith("new")
    assert row["AI-3"].rstrip().endswith("▲2")
    assert row["AI-1"].rstrip().endswith("▼1")

    past = json.loads(run("rank", "--as-of", "2026-11-03", "--format", "json").stdout)
    assert [i["id"] for i in past["items"]] == ["AI-1", "AI-2", "AI-3"]
    assert len(past["as_of"]) == 40
    bad = run("rank", "--as-of", "no-such-rev")
    assert bad.exit_code == 2
