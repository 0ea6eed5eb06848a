"""`plan` through the CLI on a copy of the example backlog."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import Result

KEYS = {"model", "capacity", "used", "objective", "optimal", "selected", "left_out", "next", "version"}


@pytest.fixture
def plan(run: Callable[..., Result], example: Path) -> Callable[..., Any]:
    def invoke(*args: str) -> Any:
        result = run("-C", str(example), "plan", *args, "--format", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return invoke


def _edit(example: Path, item_id: str, old: str, new: str) -> None:
    path = next((example / "items").glob(f"{item_id}-*.yaml"))
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _ranking_cut(run: Callable[..., Result], example: Path, weeks: float) -> float:
    """The ranking taken from the top while it fits: what the plan must beat."""
    ranked = json.loads(run("-C", str(example), "rank", "--format", "json").stdout)["items"]
    total = used = 0.0
    for entry in ranked:
        path = next((example / "items").glob(f"{entry['id']}-*.yaml"))
        effort = float(re.search(r"effort_weeks: ([\d.]+)", path.read_text()).group(1))  # type: ignore[union-attr]
        if used + effort > weeks:
            break
        used += effort
        total += entry["score"]
    return total


def test_json_shape_and_the_plan_beats_the_ranking_cut(
    plan: Callable[..., Any], run: Callable[..., Result], example: Path
) -> None:
    data = plan("--capacity", "resources.effort_weeks=40")
    assert set(data) == KEYS
    assert data["optimal"] is True
    assert data["capacity"] == {"resources.effort_weeks": 40.0}
    assert data["used"]["resources.effort_weeks"] <= 40
    assert (
        sum(s["uses"]["resources.effort_weeks"] for s in data["selected"])
        == data["used"]["resources.effort_weeks"]
    )
    assert data["objective"] == pytest.approx(sum(s["score"] for s in data["selected"]), abs=1e-4)
    assert {"id", "title", "score", "uses"} <= set(data["selected"][0])
    # docs/plan.md's example: AI-5 (12 weeks, ranked 3rd) takes room that three smaller items use better
    assert data["objective"] > _ranking_cut(run, example, 40) + 30
    assert "AI-5" not in {s["id"] for s in data["selected"]}
    (step,) = data["next"]
    assert set(step) >= {"field", "extra", "adds", "objective_gain"}
    assert step["field"] == "resources.effort_weeks" and step["extra"] > 0 and step["objective_gain"] > 0


def test_bare_amount_means_effort_weeks(plan: Callable[..., Any]) -> None:
    assert plan("--capacity", "40") == plan("--capacity", "resources.effort_weeks=40")


def test_item_without_the_capacity_field_is_left_out_never_zero(
    plan: Callable[..., Any], example: Path
) -> None:
    _edit(example, "AI-18", "resources:\n", "resources:\n  gpu_hours: 300\n")
    _edit(example, "AI-7", "resources:\n", "resources:\n  gpu_hours: 50\n")
    data = plan("--capacity", "40", "--capacity", "resources.gpu_hours=100")
    assert [s["id"] for s in data["selected"]] == ["AI-7"]
    assert data["used"] == {"resources.effort_weeks": 4.0, "resources.gpu_hours": 50.0}
    reasons = {x["id"]: x["reason"] for x in data["left_out"]}
    assert "no resources.gpu_hours" in reasons["AI-5"]
    assert reasons["AI-18"].startswith("not chosen")
    gpu = next(n for n in data["next"] if n["field"] == "resources.gpu_hours")
    # 300 hours: AI-18 alone scores more than AI-7 does
    assert (gpu["extra"], gpu["adds"], gpu["drops"]) == (200.0, ["AI-18"], ["AI-7"])
    assert gpu["objective_gain"] == pytest.approx(65.7895 - 59.5395, abs=1e-3)


def test_prerequisite_that_cannot_be_planned_leaves_its_dependents_out(
    plan: Callable[..., Any], example: Path
) -> None:
    _edit(example, "AI-19", "depends_on: []", "depends_on: [AI-14]")  # AI-14 is parked
    _edit(example, "AI-18", "depends_on: []", "depends_on: [AI-19]")
    _edit(example, "AI-12", "risk_class: minimal", "risk_class: unacceptable")
    reasons = {x["id"]: x["reason"] for x in plan("--capacity", "100")["left_out"]}
    assert reasons["AI-19"] == "needs AI-14 (status parked), which cannot be planned"
    assert reasons["AI-18"] == "needs AI-19, which is left out"
    assert reasons["AI-12"].startswith("risk class unacceptable")
    assert "AI-1" not in reasons and "AI-15" not in reasons  # deployed, rejected: no candidates


def test_prerequisite_comes_along(plan: Callable[..., Any]) -> None:
    # AI-32 (1.5 weeks) needs AI-5 (12 weeks): never one without the other
    for weeks in ("10", "14", "60"):
        chosen = {s["id"] for s in plan("--capacity", weeks)["selected"]}
        assert "AI-32" not in chosen or "AI-5" in chosen


def test_table_and_markdown(run: Callable[..., Result], example: Path) -> None:
    table = run("-C", str(example), "plan", "--capacity", "40")
    assert table.exit_code == 0
    assert "optimal (proved by the solver)" in table.stdout
    assert "more resources.effort_weeks" in table.stdout
    markdown = run("-C", str(example), "plan", "--capacity", "40", "--format", "markdown")
    assert markdown.stdout.startswith("# Plan\n")
    assert "| id | title | score | resources.effort_weeks |" in markdown.stdout


def test_stability_gives_probabilities(plan: Callable[..., Any]) -> None:
    data = plan("--capacity", "40", "--stability", "--runs", "30")
    assert all(0 <= p <= 1 for p in data["stability"].values())
    assert all("p_selected" in s for s in data["selected"])
    chosen = {s["id"] for s in data["selected"]}
    inside = [p for key, p in data["stability"].items() if key in chosen]
    outside = [p for key, p in data["stability"].items() if key not in chosen]
    assert min(inside) > 0.5 and sum(inside) / len(inside) > sum(outside) / len(outside) + 0.3


def test_model_and_formula_as_in_rank(plan: Callable[..., Any]) -> None:
    assert plan("--capacity", "40", "--model", "wsjf")["model"] == "wsjf"
    assert plan("--capacity", "40", "--formula", "business_value")["objective"] > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--capacity", "lots"], "give FIELD=AMOUNT"),
        (["--capacity", "resources.effort_weeks=-3"], "give FIELD=AMOUNT"),
        (["--capacity", "40", "--capacity", "resources.effort_weeks=3"], "given twice"),
        (["--capacity", "40", "--model", "wsjf", "--formula", "effort"], "either --model or --formula"),
        (
            ["--capacity", "effort_weeks=40"],
            "no item has the field effort_weeks; did you mean resources.effort_weeks?",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2(
    run: Callable[..., Result], example: Path, args: list[str], message: str
) -> None:
    result = run("-C", str(example), "plan", *args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_report_gets_a_plan_section_only_with_capacity(
    run: Callable[..., Result], example: Path, tmp_path: Path
) -> None:
    plain = run("-C", str(example), "report")
    assert plain.exit_code == 0 and "## Plan" not in plain.stdout
    pack = run("-C", str(example), "report", "--capacity", "40")
    assert pack.exit_code == 0, pack.output
    section = pack.stdout.split("## Plan\n", 1)[1].split("\n## ", 1)[0]
    assert "optimal (proved by the solver)" in section
    assert "| AI-18 | Ticket routing for customer service | 65.8 | 4 |" in section
    assert "### What more would buy" in section
    page = tmp_path / "pack.html"
    assert run("-C", str(example), "report", "--capacity", "40", "-o", str(page)).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert '<section id="plan"' in html and "<h3>What more would buy</h3>" in html
    bad = run("-C", str(example), "report", "--capacity", "forty")
    assert bad.exit_code == 2 and "give FIELD=AMOUNT" in bad.stderr
