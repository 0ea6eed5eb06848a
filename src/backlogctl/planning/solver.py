"""The plan as the integer program it is, solved exactly by HiGHS.

maximise   sum(score[i] * x[i])
subject to sum(uses[i][f] * x[i]) <= capacity[f]   for every capacity f
           x[i] <= x[j]                            for every open prerequisite j of i
           x[i] in {0, 1}

HiGHS (through ``highspy``) was chosen over OR-Tools CP-SAT and SciPy's
``milp`` for its footprint: docs/plan.md has the measurements. It is imported
only when a plan is solved, so start-up never pays for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

TIME_LIMIT_SECONDS = 60.0
OBJECTIVE_GAP = 1e-6  # absolute: scores closer than this are the same score
ROUNDING = 6  # decimals of amounts and objectives reported


@dataclass(frozen=True, slots=True)
class Candidate:
    """An item the plan may choose: its score, what it uses of each capacity, what it needs."""

    id: str
    score: float
    uses: Mapping[str, float]
    needs: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class Solution:
    """The chosen ids (in candidate order), their total score, and whether HiGHS proved it best."""

    selected: tuple[str, ...]
    objective: float
    optimal: bool


def solve(
    candidates: Sequence[Candidate], capacity: Mapping[str, float], *, time_limit: float = TIME_LIMIT_SECONDS
) -> Solution:
    """The selection with the largest total score that fits every capacity and keeps prerequisites."""
    program = _Program(candidates, capacity, time_limit)
    return program.maximise()


def cheapest_better(
    candidates: Sequence[Candidate],
    capacity: Mapping[str, float],
    field: str,
    objective: float,
    *,
    time_limit: float = TIME_LIMIT_SECONDS,
) -> float | None:
    """The least amount of ``field`` any selection scoring more than ``objective`` needs.

    The other capacities and the prerequisites still hold. None when no
    selection beats ``objective`` however much of ``field`` there is.
    """
    program = _Program(candidates, {k: v for k, v in capacity.items() if k != field}, time_limit)
    return program.minimise_use(field, objective + max(OBJECTIVE_GAP, abs(objective) * 1e-9) * 10)


class _Program:
    """The rows and columns of one plan, handed to a fresh HiGHS instance per solve."""

    def __init__(self, candidates: Sequence[Candidate], capacity: Mapping[str, float], limit: float) -> None:
        self.candidates = list(candidates)
        self.capacity = dict(capacity)
        self.limit = limit
        index = {c.id: i for i, c in enumerate(self.candidates)}
        self.pairs = [(i, index[n]) for i, c in enumerate(self.candidates) for n in c.needs if n in index]

    def maximise(self) -> Solution:
        if not self.candidates:
            return Solution((), 0.0, True)
        highs = self._highs([c.score for c in self.candidates], maximise=True)
        return self._solution(highs, self._run(highs))

    def minimise_use(self, field: str, floor: float) -> float | None:
        if not self.candidates:
            return None
        uses = [c.uses.get(field, 0.0) for c in self.candidates]
        highs = self._highs(uses, maximise=False)
        self._row(highs, [c.score for c in self.candidates], floor, None)
        status = self._run(highs)
        if status != "optimal":
            return None
        values = highs.getSolution().col_value
        return sum(use for use, value in zip(uses, values, strict=True) if value > 0.5)

    def _highs(self, costs: Sequence[float], *, maximise: bool) -> Any:
        import highspy
        import numpy as np

        # highspy.Highs() prints a banner on stdout as it registers its Python
        # callbacks; the core class it wraps (exported as _Highs) does not.
        highs = highspy._Highs()  # type: ignore[attr-defined]
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("mip_rel_gap", 0.0)
        highs.setOptionValue("mip_abs_gap", OBJECTIVE_GAP)
        highs.setOptionValue("time_limit", float(self.limit))
        # One thread: the same answer every run, and on a busy 2-core machine
        # HiGHS's thread pool costs more than it saves (11 ms against 25 ms a solve).
        highs.setOptionValue("threads", 1)
        count = len(self.candidates)
        highs.addVars(count, np.zeros(count), np.ones(count))
        columns = np.arange(count, dtype=np.int32)
        highs.changeColsIntegrality(count, columns, np.full(count, highspy.HighsVarType.kInteger))
        highs.changeColsCost(count, columns, np.asarray(costs, dtype=np.float64))
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize)
        for name, amount in self.capacity.items():
            self._row(highs, [c.uses.get(name, 0.0) for c in self.candidates], None, amount)
        if self.pairs:
            rows = len(self.pairs)
            starts = np.arange(0, 2 * rows, 2, dtype=np.int32)
            indices = np.asarray([k for pair in self.pairs for k in pair], dtype=np.int32)
            values = np.tile(np.asarray([1.0, -1.0]), rows)
            highs.addRows(rows, np.full(rows, -np.inf), np.zeros(rows), 2 * rows, starts, indices, values)
        return highs

    @staticmethod
    def _row(highs: Any, coefficients: Sequence[float], lower: float | None, upper: float | None) -> None:
        import numpy as np

        nonzero = [(i, v) for i, v in enumerate(coefficients) if v != 0]
        highs.addRow(
            -np.inf if lower is None else lower,
            np.inf if upper is None else upper,
            len(nonzero),
            np.asarray([i for i, _ in nonzero], dtype=np.int32),
            np.asarray([v for _, v in nonzero], dtype=np.float64),
        )

    @staticmethod
    def _run(highs: Any) -> str:
        import highspy

        highs.run()
        status = highs.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            return "optimal"
        if status == highspy.HighsModelStatus.kInfeasible:
            return "infeasible"
        has_solution = highs.getInfo().primal_solution_status == 2  # kSolutionStatusFeasible
        return "feasible" if has_solution else "unsolved"

    def _solution(self, highs: Any, status: str) -> Solution:
        if status not in ("optimal", "feasible"):
            return Solution((), 0.0, False)
        values = highs.getSolution().col_value
        chosen = [c for c, value in zip(self.candidates, values, strict=True) if value > 0.5]
        objective = round(sum(c.score for c in chosen), ROUNDING)
        return Solution(tuple(c.id for c in chosen), objective, status == "optimal" and self._fits(chosen))

    def _fits(self, chosen: Sequence[Candidate]) -> bool:
        """Check the rounded selection exactly: HiGHS works to a tolerance."""
        ids = {c.id for c in chosen}
        for name, amount in self.capacity.items():
            if sum(c.uses.get(name, 0.0) for c in chosen) > amount + 1e-9 * max(1.0, abs(amount)):
                return False
        by_index = {i: c.id for i, c in enumerate(self.candidates)}
        return all(by_index[j] in ids for i, j in self.pairs if by_index[i] in ids)
