"""The meeting pack's values: what `build` assembles and the renderers lay out."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from backlogctl.scales import FIBONACCI
from backlogctl.scoring.stability import STABILITY_TOP as STABILITY_TOP  # its home: the stability analysis

if TYPE_CHECKING:
    from backlogctl.planning.plan import Plan

LAST_REVIEW = "last-review"
SETTLED_SPREAD = 2
"""A place is settled when its likely ranks (p5-p95) span at most this many places..."""
SURE = 0.9
"""...or when the item is in the top N (or out of it) in at least this share of the runs."""

HIGH_FROM = 8
"""On the Fibonacci scales, 8 and above counts as high value or high effort."""

QUADRANTS = {
    (True, False): "quick wins",
    (True, True): "big bets",
    (False, False): "fill-ins",
    (False, True): "time sinks",
}
"""(high value, high effort) -> the name of the matrix quadrant."""

MATRIX_X = "effort"
MATRIX_Y = "business_value"


@dataclass(frozen=True, slots=True)
class Weight:
    """One criterion of the scoring model as the header shows it."""

    criterion: str
    weight: float
    direction: str = "benefit"


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """The scoring model the pack was ranked with."""

    name: str
    type: str
    description: str | None = None
    weights: tuple[Weight, ...] = ()
    formula: str | None = None


@dataclass(frozen=True, slots=True)
class Baseline:
    """The earlier state movement and changes are measured against."""

    requested: str
    revision: str | None = None
    label: str | None = None
    date: dt.date | None = None
    note: str | None = None

    @property
    def found(self) -> bool:
        return self.revision is not None


@dataclass(frozen=True, slots=True)
class Contribution:
    """One criterion's share of an item's score."""

    criterion: str
    value: float

    @property
    def contribution(self) -> float:
        return self.value


@dataclass(frozen=True, slots=True)
class RankedItem:
    """One row of the ranked list, with what the matrix needs to place it."""

    rank: int
    id: str
    title: str
    status: str | None
    kind: str | None
    score: float
    effective_score: float
    owner: str | None = None
    inherited_from: str | None = None
    movement: int | None = None
    new_since: bool = False
    contributors: tuple[Contribution, ...] = ()
    value: float | None = None
    effort: float | None = None

    @property
    def quadrant(self) -> str | None:
        return quadrant(self.value, self.effort)


@dataclass(frozen=True, slots=True)
class Place:
    """How firmly an item holds its rank when the estimates wobble."""

    rank: int
    id: str
    title: str
    low: int
    high: int
    p_top: float | None = None
    verdict: bool | None = None
    """Settled by the backlog's own rule (scoring.stability), when the stability analysis gave one."""

    @property
    def settled(self) -> bool:
        """The place moves by at most SETTLED_SPREAD, or top-N membership is (almost) certain."""
        if self.verdict is not None:
            return self.verdict
        certain = self.p_top is not None and (self.p_top >= SURE or self.p_top <= 1 - SURE)
        return self.high - self.low <= SETTLED_SPREAD or certain


@dataclass(frozen=True, slots=True)
class StabilitySummary:
    """The rank stability summary."""

    top_n: int
    places: tuple[Place, ...]
    note: str | None = None
    rule: str | None = None
    """The settled rule with its parameters and what each run moved (scoring.stability)."""

    @property
    def settled(self) -> tuple[Place, ...]:
        return tuple(p for p in self.places if p.settled)

    @property
    def contested(self) -> tuple[Place, ...]:
        return tuple(p for p in self.places if not p.settled)


@dataclass(frozen=True, slots=True)
class ItemRef:
    id: str
    title: str | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class ChangeLine:
    """One field change from git history."""

    id: str
    title: str | None
    field: str | None
    old: object
    new: object
    author: str | None = None
    date: str | None = None
    commit: str | None = None


@dataclass(frozen=True, slots=True)
class Changes:
    """What changed since the baseline, grouped the way the meeting reads it."""

    added: tuple[ItemRef, ...] = ()
    removed: tuple[ItemRef, ...] = ()
    status: tuple[ChangeLine, ...] = ()
    scores: tuple[ChangeLine, ...] = ()
    other: tuple[ChangeLine, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.status or self.scores or self.other)


@dataclass(frozen=True, slots=True)
class Due:
    """An item due for review."""

    id: str
    title: str
    owner: str | None
    last_reviewed: dt.date | None
    days_since: int | None = None


@dataclass(frozen=True, slots=True)
class ProblemLine:
    severity: str
    rule: str
    message: str
    line: int | None = None
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Incomplete:
    """An item (or file) with its lint problems."""

    id: str | None
    title: str | None
    path: str
    status: str | None
    findings: tuple[ProblemLine, ...]
    missing: tuple[str, ...] = ()
    """The fields its status needs that are not filled in, in words (for the pack)."""

    @property
    def other_problems(self) -> int:
        """Problems beyond the missing fields (the appendix lists them)."""
        return len(self.findings) - len(self.missing)


@dataclass(frozen=True, slots=True)
class Blocked:
    """An open item waiting on dependencies that are not done."""

    id: str
    title: str
    status: str | None
    waiting_on: tuple[ItemRef, ...]


@dataclass(frozen=True, slots=True)
class Pack:
    """Everything the meeting pack shows, in the order it shows it."""

    name: str
    generated: dt.date
    model: ModelInfo
    revision: str | None
    baseline: Baseline
    ranking: tuple[RankedItem, ...]
    stability: StabilitySummary | None = None
    changes: Changes | None = None
    due: tuple[Due, ...] = ()
    incomplete: tuple[Incomplete, ...] = ()
    blocked: tuple[Blocked, ...] = ()
    unranked_note: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    plan: Plan | None = None  # with report --capacity: the plan section (planning/plan.py)
    ranked_total: int | None = None
    """How many items were ranked, when ``ranking`` holds only the top (report --top N)."""
    left_out: tuple[tuple[str, str, str | None], ...] = ()
    field_labels: dict[str, str] = field(default_factory=dict)
    """Changed fields in words (``scores.business_value``: "business value score")."""

    def label(self, dotted: str | None) -> str:
        """A field's label in words (its dotted name when the pack has none)."""
        if not dotted:
            return ""
        return self.field_labels.get(dotted) or dotted.replace("_", " ")

    """Items not ranked and why, in words (the same reasons rank gives)."""
    disagreement: Any = None
    """`report --session NAME`: the session's results (backlogctl.sessions.Results)."""

    @property
    def placed(self) -> tuple[RankedItem, ...]:
        """Ranked items the value-versus-effort matrix can place."""
        return tuple(r for r in self.ranking if r.value is not None and r.effort is not None)

    @property
    def unplaced(self) -> tuple[RankedItem, ...]:
        return tuple(r for r in self.ranking if r.value is None or r.effort is None)


def quadrant(value: float | None, effort: float | None) -> str | None:
    """The matrix quadrant of a value and an effort on the Fibonacci scales."""
    if value is None or effort is None:
        return None
    return QUADRANTS[(value >= HIGH_FROM, effort >= HIGH_FROM)]


def scale_position(value: float) -> float:
    """Where a value sits on the Fibonacci scale: 0 for 1, 6 for 20, linear in between."""
    steps = FIBONACCI
    if value <= steps[0]:
        return 0.0
    for index, (low, high) in enumerate(itertools.pairwise(steps)):
        if value <= high:
            return index + (value - low) / (high - low)
    return float(len(steps) - 1)
