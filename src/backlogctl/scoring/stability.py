"""How settled each place is: seeded Monte Carlo over weights and scores.

Each run multiplies every weight of a weighted model by a factor in
[0.5, 1.5] and moves every score at most one step along its scale (the next
Fibonacci number, impact step or feasibility point; confidence by up to 0.1,
reach by up to 20 %), then ranks again with the same rules. Seeded, so the same
backlog always gives the same report.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from backlogctl.config import Config
from backlogctl.model import Item
from backlogctl.scales import BUILTIN, steps_for
from backlogctl.scoring.formula import EvaluationError
from backlogctl.scoring.models import Compiled, read_inputs, select
from backlogctl.scoring.ranking import Order, rank_with

WEIGHT_SPREAD = 0.5
STEPS: dict[str, tuple[float, ...]] = steps_for(BUILTIN)
"""Steps of the built-in scales; a backlog's own come from ``steps_for(config.score_scales())``."""


@dataclass(frozen=True, slots=True)
class Stability:
    """One item's place, the range it lands in (5th-95th percentile) and P(top N)."""

    id: str
    rank: int
    low: int
    high: int
    top: float


def stability(
    items: Sequence[Item],
    config: Config,
    *,
    model: str | None = None,
    formula: str | None = None,
    runs: int = 500,
    seed: int = 0,
    top: int = 5,
    include_all: bool = False,
    excluded: Mapping[str, str] | None = None,
) -> list[Stability]:
    """Per ranked item: its rank, the 5th-95th percentile of its rank, P(rank <= top)."""
    compiled = select(config, model, formula)
    base = rank_with(items, config, compiled, include_all=include_all, excluded=excluded)
    chosen = {entry.item.id: entry.item for entry in base.entries}
    values = {key: read_inputs(item, compiled)[0] for key, item in chosen.items()}
    steps = steps_for(config.score_scales())
    rng = random.Random(seed)
    places: dict[str, list[int]] = {key: [] for key in chosen}
    ordered = Order(chosen, config.statuses.closed)
    for _ in range(runs):
        perturbed = _perturb_weights(compiled, rng)
        own = {key: _value(perturbed, _perturb_scores(values[key], rng, steps)) for key in chosen}
        for place, (key, _effective, _origin) in enumerate(ordered(own), start=1):
            places[key].append(place)
    return [
        Stability(
            entry.item.id,
            entry.rank,
            _percentile(places[entry.item.id], 0.05, entry.rank),
            _percentile(places[entry.item.id], 0.95, entry.rank),
            sum(1 for p in places[entry.item.id] if p <= top) / runs if runs else float(entry.rank <= top),
        )
        for entry in base.entries
    ]


def _perturb_weights(compiled: Compiled, rng: random.Random) -> Compiled:
    if not compiled.criteria:
        return compiled
    return compiled.with_weights(
        {c.name: c.weight * rng.uniform(1 - WEIGHT_SPREAD, 1 + WEIGHT_SPREAD) for c in compiled.criteria}
    )


def _perturb_scores(
    values: Mapping[str, float], rng: random.Random, steps: Mapping[str, tuple[float, ...]] = STEPS
) -> dict[str, float]:
    return {name: _step(name, value, rng, steps) for name, value in values.items()}


def _step(
    name: str, value: float, rng: random.Random, scales: Mapping[str, tuple[float, ...]] = STEPS
) -> float:
    steps = scales.get(name)
    if steps is not None and value in steps:
        index = steps.index(value) + rng.choice((-1, 0, 1))
        return float(steps[min(len(steps) - 1, max(0, index))])
    if name == "confidence":
        return min(1.0, max(0.0, value + rng.uniform(-0.1, 0.1)))
    if name == "reach":
        return value * rng.uniform(0.8, 1.2)
    return value


def _value(compiled: Compiled, values: Mapping[str, float]) -> float:
    try:
        return compiled.value(values)
    except EvaluationError:
        return -math.inf


def _percentile(places: list[int], fraction: float, default: int) -> int:
    """Nearest-rank percentile."""
    if not places:
        return default
    ordered = sorted(places)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]
