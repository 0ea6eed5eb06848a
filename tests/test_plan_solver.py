"""The plan's integer program against brute force on small random backlogs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backlogctl.planning.plan import next_step
from backlogctl.planning.solver import Candidate, solve

FIELDS = ("resources.effort_weeks", "resources.gpu_hours")


@dataclass
class Case:
    candidates: list[Candidate]
    capacity: dict[str, float]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    count = draw(st.integers(min_value=0, max_value=15))
    fields = FIELDS[: draw(st.integers(min_value=1, max_value=2))]
    candidates = []
    for index in range(count):
        score = draw(st.integers(min_value=0, max_value=10_000)) / 100
        uses = {name: draw(st.integers(min_value=0, max_value=24)) / 2 for name in fields}
        # prerequisites among the items before this one, and now and then a cycle back
        needs = draw(st.lists(st.integers(min_value=0, max_value=count - 1), max_size=2, unique=True))
        candidates.append(Candidate(f"AI-{index}", score, uses, [f"AI-{n}" for n in needs if n != index]))
    capacity = {name: draw(st.integers(min_value=0, max_value=80)) / 2 for name in fields}
    return Case(candidates, capacity)


class Brute:
    """Every subset at once, as a 2^n x n matrix of choices."""

    def __init__(self, case: Case) -> None:
        count = len(case.candidates)
        self.choices = ((np.arange(2**count)[:, None] >> np.arange(count)) & 1).astype(bool)
        self.scores = self.choices @ np.array([c.score for c in case.candidates], dtype=float)
        self.uses = {
            name: self.choices @ np.array([c.uses[name] for c in case.candidates], dtype=float)
            for name in case.capacity
        }
        index = {c.id: i for i, c in enumerate(case.candidates)}
        self.closed = np.ones(len(self.choices), dtype=bool)
        for i, candidate in enumerate(case.candidates):
            for needed in candidate.needs:
                self.closed &= ~self.choices[:, i] | self.choices[:, index[needed]]
        self.capacity = case.capacity

    def fits(self, capacity: dict[str, float], skip: str | None = None) -> np.ndarray:
        ok = self.closed.copy()
        for name, amount in capacity.items():
            if name != skip:
                ok &= self.uses[name] <= amount + 1e-9
        return ok

    def best(self, capacity: dict[str, float]) -> float:
        return float(self.scores[self.fits(capacity)].max())


def _selection_respects(case: Case, selected: tuple[str, ...]) -> None:
    chosen = set(selected)
    for name, amount in case.capacity.items():
        assert sum(c.uses[name] for c in case.candidates if c.id in chosen) <= amount + 1e-9
    for candidate in case.candidates:
        if candidate.id in chosen:
            assert set(candidate.needs) <= chosen, f"{candidate.id} chosen without {candidate.needs}"


# No deadline: a solve is ~10 ms, but a loaded CI machine may take many times that.
@settings(deadline=None)
@given(cases())
def test_objective_equals_brute_force_and_selection_fits(case: Case) -> None:
    solution = solve(case.candidates, case.capacity)
    brute = Brute(case)
    assert solution.optimal
    assert solution.objective == pytest.approx(brute.best(case.capacity), abs=1e-6)
    _selection_respects(case, solution.selected)
    assert solution.objective == pytest.approx(
        sum(c.score for c in case.candidates if c.id in solution.selected), abs=1e-6
    )


@settings(deadline=None)
@given(cases())
def test_next_is_the_smallest_extra_that_improves_the_plan(case: Case) -> None:
    solution = solve(case.candidates, case.capacity)
    brute = Brute(case)
    for name in case.capacity:
        step = next_step(case.candidates, case.capacity, name, solution)
        better = brute.fits(case.capacity, skip=name) & (brute.scores > solution.objective + 1e-5)
        if not better.any():
            assert step.extra is None
            continue
        least = float(brute.uses[name][better].min())
        assert step.extra == pytest.approx(least - case.capacity[name], abs=1e-6)
        assert step.extra > 0
        gain = brute.best({**case.capacity, name: least}) - solution.objective
        assert step.objective_gain == pytest.approx(gain, abs=1e-5)
        assert step.adds or step.drops


def test_empty_backlog_is_trivially_optimal() -> None:
    solution = solve([], {"resources.effort_weeks": 10})
    assert solution == type(solution)((), 0.0, True)


def test_a_prerequisite_comes_along_and_a_large_item_gives_way() -> None:
    # The ranking cut at 10 weeks would take B (score 60, 8 weeks) and stop;
    # A needs P: together 9 weeks for 50 + 30 = 80.
    candidates = [
        Candidate("B", 60, {"w": 8}),
        Candidate("A", 50, {"w": 5}, ["P"]),
        Candidate("P", 30, {"w": 4}),
    ]
    solution = solve(candidates, {"w": 10})
    assert set(solution.selected) == {"A", "P"}
    assert solution.objective == 80
    step = next_step(candidates, {"w": 10}, "w", solution)
    # 12 weeks: B and P (90) in place of A
    assert (step.extra, step.adds, step.objective_gain) == (2.0, ["B"], 10.0)
    assert step.drops == ["A"]
