"""The plan: which rankable items to do with the capacity at hand, and what more would buy.

The candidates are the items `rank` ranks (same lint gate, same risk gate),
each with its own score (not the inherited one: a prerequisite's score is
counted once, by itself). An item is chosen only with its open prerequisites;
one whose prerequisite cannot be planned is left out with that reason, and so
is one that lacks a capacity field (never counted as zero).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from backlogctl.backlog import Backlog
from backlogctl.errors import InputError
from backlogctl.model import Item, get_path
from backlogctl.planning.solver import ROUNDING, Candidate, Solution, cheapest_better, solve
from backlogctl.scoring.ranking import LeftOut

EFFORT = "resources.effort_weeks"
NOT_CHOSEN = "not chosen within this capacity"


@dataclass(frozen=True, slots=True)
class Chosen:
    id: str
    title: str
    score: float
    uses: dict[str, float]


@dataclass(frozen=True, slots=True)
class Next:
    """One more of a capacity: the least extra amount that improves the plan, and what it adds."""

    field: str
    extra: float | None
    adds: list[str]
    objective_gain: float
    drops: list[str] = dataclasses.field(default_factory=list)


@dataclass(slots=True)
class Plan:
    """The result, shaped like the JSON of PRODUCT.md (plus calibration and stability when asked)."""

    model: str
    capacity: dict[str, float]
    used: dict[str, float]
    objective: float
    optimal: bool
    selected: list[Chosen]
    left_out: list[LeftOut]
    next: list[Next]
    calibration: dict[str, Any] | None = None
    stability: dict[str, float] | None = None
    titles: dict[str, str] = dataclasses.field(default_factory=dict)


def parse_capacity(values: Sequence[str]) -> dict[str, float]:
    """``FIELD=AMOUNT`` (or a bare AMOUNT for resources.effort_weeks) into a mapping."""
    capacity: dict[str, float] = {}
    for value in values:
        name, sep, amount = value.rpartition("=")
        name = name.strip() if sep else EFFORT
        try:
            number = float(amount)
        except ValueError:
            number = math.nan
        if not name or not math.isfinite(number) or number < 0:
            raise InputError(
                f"--capacity {value!r}: give FIELD=AMOUNT with a number >= 0, e.g. --capacity {EFFORT}=40"
            )
        if name in capacity:
            raise InputError(f"--capacity: {name} is given twice")
        capacity[name] = number
    if not capacity:
        raise InputError(f"give at least one --capacity, e.g. --capacity 40 (= {EFFORT}=40)")
    return capacity


def make_plan(
    backlog: Backlog,
    capacity: Mapping[str, float],
    *,
    model: str | None = None,
    formula: str | None = None,
    calibrated: bool = False,
    stability_runs: int = 0,
) -> Plan:
    """Choose the items with the largest total score that fit ``capacity``.

    ``calibrated`` scales each team's resources.effort_weeks by its median
    ratio of actual to estimated weeks (`calibrate`, from git history).
    """
    from backlogctl import prioritise

    ranking = prioritise.rank_backlog(backlog, model=model, formula=formula)
    scores = {entry.item.id: entry.score for entry in ranking.entries}
    ratios, calibration = _calibration(backlog) if calibrated else ({}, None)
    _check_fields(backlog, capacity)
    candidates, left_out = candidates_of(backlog, scores, capacity, ratios)
    left_out = _gated(backlog, ranking.left_out) + left_out
    solution = solve(candidates, capacity)
    plan = _assemble(ranking.model, candidates, capacity, solution, left_out, backlog)
    plan.calibration = calibration
    plan.next = [next_step(candidates, capacity, name, solution) for name in capacity]
    if stability_runs:
        from backlogctl.planning.stability import selection_stability

        plan.stability = selection_stability(ranking, candidates, capacity, runs=stability_runs)
    return plan


def _calibration(backlog: Backlog) -> tuple[dict[str, float], dict[str, Any]]:
    from backlogctl.planning.calibrate import calibrate

    found = calibrate(backlog)
    ratios = found.ratios()
    teams = {item.team for item in backlog.items if item.team}
    unscaled = sorted(teams - set(ratios))
    scaled = ", ".join(f"{f.name} x{f.median:g} ({f.items} item{'s' * (f.items != 1)})" for f in found.teams)
    note = f"Calibrated: {EFFORT} scaled by each team's median actual/estimate: {scaled or 'no team has any'}"
    if unscaled:
        note += f"; unscaled (no delivered items): {', '.join(unscaled)}"
    return ratios, {"note": note, "ratios": ratios, "unscaled": unscaled}


def _check_fields(backlog: Backlog, capacity: Mapping[str, float]) -> None:
    """A capacity field that no item has at all is a typo, not a plan of nothing."""
    data = [e.data for e in backlog.entries if e.data]
    for name in capacity:
        if data and all(get_path(d, name) is None for d in data):
            last = name.rpartition(".")[2]
            guess = next((n for n in (EFFORT,) if n.endswith("." + last) and n != name), None)
            hint = (
                f"; did you mean {guess}?" if guess else " (give the dotted path, e.g. resources.gpu_hours)"
            )
            raise InputError(f"--capacity {name}: no item has the field {name}{hint}")


def candidates_of(
    backlog: Backlog, scores: Mapping[str, float], capacity: Mapping[str, float], ratios: Mapping[str, float]
) -> tuple[list[Candidate], list[LeftOut]]:
    """The plannable items with what they use and need; the others with the reason."""
    data = {e.item.id: e.data or {} for e in backlog.entries if e.item is not None}
    items = {item.id.upper(): item for item in backlog.items}
    statuses = backlog.config.statuses
    reasons: dict[str, str] = {}
    uses: dict[str, dict[str, float]] = {}
    needs: dict[str, list[str]] = {}
    for item_id in scores:
        item = items[item_id.upper()]
        found, reason = _uses(data[item_id], capacity, item, ratios)
        if reason is not None:
            reasons[item_id] = reason
            continue
        uses[item_id] = found
        needs[item_id] = []
        for wanted in item.depends_on:
            other = items.get(wanted.upper())
            if other is None:
                reasons[item_id] = f"needs {wanted}, which is not in the backlog"
                break
            if other.id == item_id or other.status in statuses.closed or other.status in statuses.started:
                continue  # done or under way: nothing to plan for it
            if other.id not in scores:
                reasons[item_id] = f"needs {other.id} (status {other.status}), which cannot be planned"
                break
            needs[item_id].append(other.id)
    _propagate(needs, reasons)
    candidates = [Candidate(key, scores[key], uses[key], needs[key]) for key in scores if key not in reasons]
    return candidates, [LeftOut(key, reason) for key, reason in reasons.items()]


def _uses(
    data: Mapping[str, Any], capacity: Mapping[str, float], item: Item, ratios: Mapping[str, float]
) -> tuple[dict[str, float], str | None]:
    found: dict[str, float] = {}
    for name in capacity:
        value = get_path(data, name)
        if value is None:
            return found, f"no {name}: it cannot be planned against that capacity (never counted as zero)"
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            return found, f"{name} is {value!r}, not a number"
        if value < 0:
            return found, f"{name} is negative ({value})"
        amount = float(value)
        if name == EFFORT and item.team is not None and item.team in ratios:
            amount = round(amount * ratios[item.team], ROUNDING)
        found[name] = amount
    return found, None


def _propagate(needs: Mapping[str, list[str]], reasons: dict[str, str]) -> None:
    """An item whose prerequisite is left out is left out too, however far down the chain."""
    changed = True
    while changed:
        changed = False
        for key, wanted in needs.items():
            if key in reasons:
                continue
            blocked = next((w for w in wanted if w in reasons), None)
            if blocked is not None:
                reasons[key] = f"needs {blocked}, which is left out"
                changed = True


def _gated(backlog: Backlog, left_out: Sequence[LeftOut]) -> list[LeftOut]:
    """The ranking's left-out items that were up for planning (not those done or under way)."""
    statuses = {item.id: item.status for item in backlog.items}
    rankable = backlog.config.statuses.rankable
    return [LeftOut(x.id, x.reason) for x in left_out if x.id not in statuses or statuses[x.id] in rankable]


def _assemble(
    model: str,
    candidates: Sequence[Candidate],
    capacity: Mapping[str, float],
    solution: Solution,
    left_out: list[LeftOut],
    backlog: Backlog,
) -> Plan:
    titles = {item.id: item.title for item in backlog.items}
    chosen = set(solution.selected)
    by_id = {c.id: c for c in candidates}
    selected = [
        Chosen(key, titles.get(key, ""), round(by_id[key].score, ROUNDING), dict(by_id[key].uses))
        for key in sorted(chosen, key=lambda k: (-by_id[k].score, _natural(k)))
    ]
    used = {name: round(sum(c.uses[name] for c in selected), ROUNDING) for name in capacity}
    not_chosen = [
        LeftOut(c.id, NOT_CHOSEN)
        for c in sorted(candidates, key=lambda c: (-c.score, _natural(c.id)))
        if c.id not in chosen
    ]
    return Plan(
        model,
        dict(capacity),
        used,
        solution.objective,
        solution.optimal,
        selected,
        not_chosen + left_out,
        [],
        titles=titles,
    )


def next_step(
    candidates: Sequence[Candidate], capacity: Mapping[str, float], name: str, solution: Solution
) -> Next:
    """The least extra amount of one capacity that buys a better plan, found exactly.

    One integer program finds the least amount of ``name`` that any
    better-scoring selection needs (the others' capacities and the
    prerequisites still hold); a second solves the plan at that amount.
    """
    needed = cheapest_better(candidates, capacity, name, solution.objective)
    if needed is None:
        return Next(name, None, [], 0.0)
    extra = max(0.0, round(needed - capacity[name], ROUNDING))
    better = solve(candidates, {**capacity, name: capacity[name] + extra})
    before, after = set(solution.selected), set(better.selected)
    order = [c.id for c in sorted(candidates, key=lambda c: (-c.score, _natural(c.id)))]
    return Next(
        name,
        extra,
        [key for key in order if key in after - before],
        round(better.objective - solution.objective, ROUNDING),
        [key for key in order if key in before - after],
    )


def _natural(item_id: str) -> tuple[str, int, str]:
    from backlogctl.ids import natural_key

    return natural_key(item_id)
