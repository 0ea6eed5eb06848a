"""How settled the plan is: each item's probability of being selected under perturbation.

The perturbation is `rank --stability`'s (scoring.stability: weights within
+-50 %, each score one step along its scale, seeded); each run solves the plan
again with the perturbed scores and the same capacities and prerequisites.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from backlogctl.planning.solver import Candidate, solve
from backlogctl.scoring import Ranking

RUNS = 200
NO_SCORE = -1e6
"""A run in which the model gives an item no score: below every real score, but finite for the solver."""


def selection_stability(
    ranking: Ranking,
    candidates: Sequence[Candidate],
    capacity: Mapping[str, float],
    *,
    runs: int = RUNS,
    seed: int = 0,
) -> dict[str, float]:
    """Per candidate id: the share of perturbed runs whose optimal plan selects it."""
    import math

    from backlogctl.scoring.stability import Perturbation, draws_for, scores

    counts = dict.fromkeys((c.id for c in candidates), 0)
    if runs <= 0 or not candidates or ranking.compiled is None:
        return {key: 0.0 for key in counts}
    for drawn in draws_for(ranking, Perturbation(runs=runs, seed=seed)):
        own = scores(ranking.compiled, drawn).tolist()
        column = {key: j for j, key in enumerate(drawn.ids)}
        for row in own:
            perturbed = [
                replace(c, score=row[column[c.id]] if math.isfinite(row[column[c.id]]) else NO_SCORE)
                for c in candidates
            ]
            for key in solve(perturbed, capacity).selected:
                counts[key] += 1
    return {key: round(count / runs, 4) for key, count in counts.items()}
