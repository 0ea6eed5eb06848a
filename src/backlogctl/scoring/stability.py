"""How settled each place is: a seeded Monte Carlo over the ranking's inputs.

Each run moves the inputs (see `draws`: every weight of a weighted model by a
factor in [1 - spread, 1 + spread], every score up to N steps along its scale,
confidence by up to 0.1, reach by up to 20 %; or, with a session, each rated
score drawn from one rater's value) and orders the ranked items again with the
ranking's rules. The runs are arrays (NumPy): scores for all runs at once, the
inherited scores in one pass over the dependency graph's components, one sort
per run. The ranking is reused, never ranked again. Seeded: the same backlog
always gives the same report.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from backlogctl.config import Config
from backlogctl.scales import steps_for
from backlogctl.scoring.draws import Draws, Perturbation
from backlogctl.scoring.models import Compiled
from backlogctl.scoring.ranking import Order, Ranking

if TYPE_CHECKING:
    from backlogctl.scoring.draws import Floats, Ints

__all__ = [
    "STABILITY_TOP",
    "Perturbation",
    "Settled",
    "Stability",
    "configured",
    "draws_for",
    "perturbed_scores",
    "stability",
]

STABILITY_TOP = 5
"""P(top N) is reported for this N unless --top says otherwise (rank and the meeting pack)."""


@dataclass(frozen=True, slots=True)
class Settled:
    """When a place counts as settled: its 5th-95th percentile range spans at most ``places``
    places, or it is in (or out of) the top N in at least ``share`` of the runs."""

    places: int = 2
    share: float = 0.9

    def __call__(self, low: int, high: int, top: float) -> bool:
        return high - low <= self.places or top >= self.share or top <= 1 - self.share

    def describe(self, top: int, settings: Perturbation | None = None, session: str | None = None) -> str:
        """The rule with its parameters, and what each run moved, in one sentence for the reader."""
        rule = (
            f"A place is settled when its rank range (5th-95th percentile) spans at most {self.places} "
            f"places, or the item is in, or out of, the top {top} in at least {self.share:.0%} of the runs."
        )
        if settings is None:
            return rule
        if session is not None:
            moved = f"each rated score drawn from one of the raters' values in session {session}"
        else:
            moved = (
                f"scores moved up to {settings.score_steps} step(s) of their scale, confidence by up to "
                f"{settings.confidence_spread:g}, reach by up to {settings.reach_spread:.0%}"
            )
        spread = settings.weight_spread
        weights = f"weights by a factor in [{1 - spread:g}, {1 + spread:g}]" if spread else "weights fixed"
        return f"{rule} Runs: {settings.runs} (seed {settings.seed}), {moved}; {weights}."


@dataclass(frozen=True, slots=True)
class Stability:
    """One item's place, the range it lands in (5th-95th percentile) and P(top N)."""

    id: str
    rank: int
    low: int
    high: int
    top: float
    settled: bool = False


def configured(config: Config, **overrides: float | int | None) -> tuple[Perturbation, Settled]:
    """The perturbation and settled rule of ``scoring.stability``, with options given on the command line."""
    declared = config.scoring.stability
    values = {
        "runs": declared.runs,
        "seed": declared.seed,
        "weight_spread": declared.weight_spread,
        "score_steps": declared.score_steps,
        "confidence_spread": declared.confidence_spread,
        "reach_spread": declared.reach_spread,
    }
    values.update({key: value for key, value in overrides.items() if value is not None and key in values})
    return Perturbation(**values), Settled(declared.settled_places, declared.settled_share)  # type: ignore[arg-type]


def perturbed_scores(
    ranking: Ranking,
    settings: Perturbation | None = None,
    ratings: Mapping[str, Mapping[str, Sequence[float]]] | None = None,
) -> Iterator[dict[str, dict[str, float]]]:
    """One ``{item id: {score name: value}}`` per run: the inputs each run ranks by (`plan --stability`)."""
    for drawn in draws_for(ranking, settings, ratings):
        yield from drawn.score_sets()


def draws_for(
    ranking: Ranking,
    settings: Perturbation | None = None,
    ratings: Mapping[str, Mapping[str, Sequence[float]]] | None = None,
    scale_steps: Mapping[str, tuple[float, ...]] | None = None,
) -> Iterator[Draws]:
    """The perturbed inputs of every run for the ranked items, in batches of runs
    (``ratings``: draw from a session's values instead)."""
    from backlogctl.scoring import draws

    compiled = _compiled(ranking)
    settings = settings or Perturbation()
    items = [entry.item for entry in ranking.entries]
    if ratings is not None:
        return draws.session(items, compiled, ratings, settings)
    return draws.perturbation(items, compiled, settings, scale_steps or draws.STEPS)


def stability(
    ranking: Ranking,
    config: Config,
    *,
    runs: int | None = None,
    seed: int | None = None,
    top: int = 5,
    settings: Perturbation | None = None,
    ratings: Mapping[str, Mapping[str, Sequence[float]]] | None = None,
    settled: Settled | None = None,
) -> list[Stability]:
    """Per ranked item: its rank, the 5th-95th percentile of its rank, P(rank <= top)."""
    import dataclasses

    from backlogctl.scoring.draws import percentile

    settings = settings or Perturbation()
    if runs is not None:
        settings = dataclasses.replace(settings, runs=runs)
    if seed is not None:
        settings = dataclasses.replace(settings, seed=seed)
    rule = settled or Settled()
    entries = ranking.entries
    if not entries:
        return []
    if settings.runs <= 0:
        return [Stability(e.item.id, e.rank, e.rank, e.rank, float(e.rank <= top), True) for e in entries]
    import numpy as np

    order = Order({e.item.id: e.item for e in entries}, config.statuses.closed)
    keys = [e.item.id for e in entries]
    batches = [
        places(order, keys, scores(_compiled(ranking), drawn))
        for drawn in draws_for(ranking, settings, ratings, steps_for(config.score_scales()))
    ]
    sorted_places = np.concatenate(batches)
    count = settings.runs
    sorted_places.sort(axis=0)
    low, high = percentile(sorted_places, 0.05).tolist(), percentile(sorted_places, 0.95).tolist()
    in_top = (sorted_places <= top).sum(axis=0).tolist()
    result = []
    for j, entry in enumerate(entries):
        share = in_top[j] / count
        result.append(
            Stability(entry.item.id, entry.rank, low[j], high[j], share, rule(low[j], high[j], share))
        )
    return result


def scores(compiled: Compiled, drawn: Draws) -> Floats:
    """Each run's score of each item (runs x items); -inf where the model has none."""
    import numpy as np

    values = drawn.values
    if compiled.formula is not None:
        result = _formula(compiled, values, drawn.runs, len(drawn.ids))
    else:
        assert drawn.weights is not None
        weights = drawn.weights
        total = weights[:, 0].copy()
        for index in range(1, weights.shape[1]):
            total = total + weights[:, index]
        weighted = None
        for index, criterion in enumerate(compiled.criteria):
            scaled = (values[criterion.name] - criterion.low) / (criterion.high - criterion.low)
            scaled = np.minimum(1.0, np.maximum(0.0, scaled))
            if criterion.cost:
                scaled = 1.0 - scaled
            term = weights[:, index : index + 1] * scaled
            weighted = term if weighted is None else weighted + term
        assert weighted is not None
        result = 100.0 * weighted / total[:, np.newaxis]
    if compiled.discount:
        result = result * values["confidence"]
    return np.where(np.isfinite(result), result, -np.inf)


def _formula(compiled: Compiled, values: dict[str, Floats], runs: int, size: int) -> Floats:
    """A formula over whole arrays; element by element where it needs scalars (min, log, **)."""
    import numpy as np

    from backlogctl.scoring.formula import EvaluationError

    formula = compiled.formula
    assert formula is not None
    try:
        with np.errstate(all="ignore"):
            result = np.asarray(formula.run(cast("Mapping[str, Any]", values)), dtype=np.float64)
        return np.broadcast_to(result, (runs, size)).copy()
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        pass
    out = np.empty((runs, size), dtype=np.float64)
    columns = {name: array.tolist() for name, array in values.items()}
    for run in range(runs):
        for j in range(size):
            try:
                out[run, j] = formula({name: col[run][j] for name, col in columns.items()})
            except EvaluationError:
                out[run, j] = -np.inf
    return out


def places(order: Order, keys: list[str], own: Floats) -> Ints:
    """Each run's place of each item (runs x items), by the ranking's rules."""
    import numpy as np

    index = {key: j for j, key in enumerate(keys)}
    effective = _inherit(order, index, own)
    tie_rank = np.empty(len(keys), dtype=np.int64)
    tie_rank[[index[k] for k in sorted(keys, key=order.tie.__getitem__)]] = np.arange(len(keys))
    permutation = np.lexsort((np.broadcast_to(tie_rank, effective.shape), -effective), axis=-1)
    _prerequisites_first(order, keys, index, effective, permutation, tie_rank)
    result = np.empty_like(permutation)
    rows = np.arange(permutation.shape[0])[:, np.newaxis]
    result[rows, permutation] = np.arange(1, len(keys) + 1)
    return cast("Ints", result)


def _inherit(order: Order, index: Mapping[str, int], own: Floats) -> Floats:
    """Effective scores of every run: one pass over the components, dependents first."""
    import numpy as np

    effective = own.copy()
    for number, members in enumerate(order.components):
        successors = order.successors[number]
        if len(members) == 1 and not successors:
            continue
        columns = [index[m] for m in members]
        best = own[:, columns].max(axis=1)
        for successor in successors:
            best = np.maximum(best, effective[:, index[order.components[successor][0]]])
        effective[:, columns] = best[:, np.newaxis]
    return effective


def _prerequisites_first(
    order: Order,
    keys: list[str],
    index: Mapping[str, int],
    effective: Floats,
    permutation: Ints,
    tie_rank: Ints,
) -> None:
    """Where an item needs one that shares its score but comes later in the tie order, reorder
    that group the way the ranking does (in place). Groups without such a pair keep their order."""
    import numpy as np

    edges = [(index[key], index[n]) for key in keys for n in order.needs[key] if n in index]
    edges = [(d, p) for d, p in edges if tie_rank[p] > tie_rank[d]]
    if not edges:
        return
    dependent, needed = np.array(edges).T
    tied = effective[:, dependent] == effective[:, needed]
    for run in np.flatnonzero(tied.any(axis=1)).tolist():
        line = effective[run, permutation[run]]
        starts = np.flatnonzero(np.diff(line)) + 1
        where = np.empty(len(keys), dtype=np.int64)
        where[permutation[run]] = np.arange(len(keys))
        found = np.searchsorted(starts, where[dependent[tied[run]]], "right")
        bounds = np.concatenate([[0], starts, [len(keys)]])
        for group in np.unique(found).tolist():
            start, end = int(bounds[group]), int(bounds[group + 1])
            members = [keys[j] for j in permutation[run, start:end].tolist()]
            permutation[run, start:end] = [index[k] for k in order._prerequisites_first(members)]


def _compiled(ranking: Ranking) -> Compiled:
    if ranking.compiled is None:
        raise ValueError("the ranking carries no compiled model")
    return ranking.compiled
