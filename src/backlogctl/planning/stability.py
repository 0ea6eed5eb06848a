"""How settled the plan is: each item's probability of being selected under perturbation.

The perturbation is `rank --stability`'s (weights within +-50 %, each score
one step along its scale, seeded); each run solves the plan again with the
perturbed scores and the same capacities and prerequisites.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import replace

from backlogctl.backlog import Backlog
from backlogctl.planning.solver import Candidate, solve

RUNS = 200


def selection_stability(
    backlog: Backlog,
    candidates: Sequence[Candidate],
    capacity: Mapping[str, float],
    *,
    model: str | None = None,
    formula: str | None = None,
    runs: int = RUNS,
    seed: int = 0,
) -> dict[str, float]:
    """Per candidate id: the share of perturbed runs whose optimal plan selects it."""
    # The perturbation of rank --stability, reused until scoring.stability
    # publishes it as an API (notes/stability-api.md).
    from backlogctl.scoring.models import read_inputs, select
    from backlogctl.scoring.stability import _perturb_scores, _perturb_weights, _value

    compiled = select(backlog.config, model, formula)
    items = {item.id: item for item in backlog.items}
    values = {c.id: read_inputs(items[c.id], compiled)[0] for c in candidates}
    rng = random.Random(seed)
    counts = dict.fromkeys((c.id for c in candidates), 0)
    for _ in range(runs):
        perturbed = _perturb_weights(compiled, rng)
        scored = [
            replace(c, score=_finite(_value(perturbed, _perturb_scores(values[c.id], rng))))
            for c in candidates
        ]
        for key in solve(scored, capacity).selected:
            counts[key] += 1
    return {key: round(count / runs, 4) if runs else 0.0 for key, count in counts.items()}


def _finite(value: float) -> float:
    """A run where a formula fails for an item scores it below every other item, not -inf."""
    return value if value > -1e12 else -1e6
