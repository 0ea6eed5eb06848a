"""A session's results: per item and criterion the median, range and every rater's value,
the agreement per criterion, and the items whose disagreement most changes the ranking."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from backlogctl.backlog import Backlog
from backlogctl.sessions import files
from backlogctl.sessions.agreement import krippendorff_alpha
from backlogctl.sessions.files import Rating, Session
from backlogctl.sessions.scales import position, scale_for, snap

DISCUSS_PLACES = 1
"""An item is worth discussing when its raters' values move it by at least this many places."""


@dataclass(frozen=True, slots=True)
class Criterion:
    median: float
    min: float
    max: float
    n: int
    values: dict[str, float]


@dataclass(slots=True)
class ItemResult:
    id: str
    title: str
    criteria: dict[str, Criterion]
    spread: float
    """The largest disagreement on any criterion, in steps of its scale (raw units on a continuous one)."""
    rank_range: tuple[int, int] | None
    """The item's best and worst place when each criterion in turn takes each rater's value."""
    comments: dict[str, str] = field(default_factory=dict)
    discuss: bool = False


@dataclass(slots=True)
class Results:
    session: str
    model: str
    raters: list[str]
    criteria: list[str]
    agreement: dict[str, float | None]
    items: list[ItemResult]
    discuss_first: list[str]


def results(where: Path | Backlog, name: str) -> Results:
    """Summarise the session NAME's ratings."""
    from backlogctl.sessions.workflow import _backlog

    backlog = _backlog(where)
    session = files.load(backlog.root, name)
    found = files.load_ratings(session)
    config = backlog.config
    titles = {item.id: item.title for item in backlog.items}
    rows: list[ItemResult] = []
    for item_id in session.items:
        criteria: dict[str, Criterion] = {}
        spread = 0.0
        for criterion in session.criteria:
            given = {
                r: ratings[item_id].values[criterion]
                for r, ratings in found.items()
                if item_id in ratings and criterion in ratings[item_id].values
            }
            if not given:
                continue
            values = list(given.values())
            scale = scale_for(config, criterion)
            criteria[criterion] = Criterion(
                snap(scale, statistics.median(values)), min(values), max(values), len(values), given
            )
            spread = max(spread, position(scale, max(values)) - position(scale, min(values)))
        comments = {
            r: comment
            for r, ratings in found.items()
            if item_id in ratings and (comment := ratings[item_id].comment)
        }
        rows.append(ItemResult(item_id, titles.get(item_id, ""), criteria, spread, None, comments))
    _rank_ranges(backlog, session, rows)
    for row in rows:
        row.discuss = _moves(row) >= DISCUSS_PLACES
    first = sorted((r for r in rows if r.discuss), key=lambda r: (-_moves(r), -r.spread))
    rest = [r for r in rows if not r.discuss]
    agreement = {c: _agreement(config, c, session, found) for c in session.criteria}
    return Results(
        name,
        session.model,
        list(found),
        list(session.criteria),
        agreement,
        [*first, *rest],
        [r.id for r in first],
    )


def _moves(row: ItemResult) -> int:
    return 0 if row.rank_range is None else row.rank_range[1] - row.rank_range[0]


def _agreement(
    config: object, criterion: str, session: Session, found: Mapping[str, Mapping[str, Rating]]
) -> float | None:
    scale = scale_for(config, criterion)
    units = [
        [
            position(scale, r[i].values[criterion])
            for r in found.values()
            if i in r and criterion in r[i].values
        ]
        for i in session.items
    ]
    alpha = krippendorff_alpha(units)
    return None if alpha is None else round(alpha, 4)


def _rank_ranges(backlog: Backlog, session: Session, rows: list[ItemResult]) -> None:
    """Each item's place range as each criterion in turn takes each rater's value (the others at
    their medians), in the ranking of the whole backlog with the session's medians applied."""
    from backlogctl import prioritise
    from backlogctl.scoring import select
    from backlogctl.scoring.formula import EvaluationError
    from backlogctl.scoring.models import read_inputs
    from backlogctl.scoring.ranking import Order

    compiled = select(backlog.config, session.model or None)
    ranking = prioritise.rank_backlog(backlog, model=session.model or None)
    items = {e.item.id: e.item for e in ranking.entries}
    by_id = {item.id: item for item in backlog.items}
    for row in rows:  # rated items the ranking left out for want of a score take part with the ratings
        if row.id not in items and row.id in by_id and row.criteria:
            items[row.id] = by_id[row.id]
    inputs: dict[str, dict[str, float]] = {}
    for key, item in items.items():
        values = read_inputs(item, compiled)[0]
        row_of = next((r for r in rows if r.id == key), None)
        if row_of is not None:
            values.update({c: float(v.median) for c, v in row_of.criteria.items() if c in compiled.inputs})
        if all(name in values for name in compiled.inputs):
            inputs[key] = values

    def score(values: Mapping[str, float]) -> float:
        try:
            return compiled.value(values)
        except EvaluationError:
            return float("-inf")

    own = {key: score(values) for key, values in inputs.items()}
    order = Order({k: items[k] for k in own}, backlog.config.statuses.closed)

    def place(key: str, values: Mapping[str, float]) -> int:
        trial = dict(own)
        trial[key] = score(values)
        return next(n for n, (k, _, _) in enumerate(order(trial), start=1) if k == key)

    for row in rows:
        if row.id not in own:
            continue
        places = {place(row.id, inputs[row.id])}
        for criterion, summary in row.criteria.items():
            if criterion not in compiled.inputs:
                continue
            for value in set(summary.values.values()):
                places.add(place(row.id, {**inputs[row.id], criterion: float(value)}))
        row.rank_range = (min(places), max(places))
