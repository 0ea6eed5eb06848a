"""The meeting pack: everything the review needs, assembled once, rendered elsewhere.

`build` gathers the ranking, its stability, what changed since the last
review, the items due for review, lint problems and blocked items into one
`Pack`. The renderers in `render/report_*.py` only lay it out.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from backlogctl.errors import BacklogError
from backlogctl.model import FIBONACCI, Item, natural_key

if TYPE_CHECKING:
    from backlogctl.backlog import Backlog
    from backlogctl.lint import Problem
    from backlogctl.scoring import Ranking

LAST_REVIEW = "last-review"
SETTLED_SPREAD = 2
"""A place is settled when its likely ranks (p5-p95) span at most this many places..."""
SURE = 0.9
"""...or when the item is in the top N (or out of it) in at least this share of the runs."""
STABILITY_TOP = 5

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

    @property
    def settled(self) -> bool:
        """The place moves by at most SETTLED_SPREAD, or top-N membership is (almost) certain."""
        certain = self.p_top is not None and (self.p_top >= SURE or self.p_top <= 1 - SURE)
        return self.high - self.low <= SETTLED_SPREAD or certain


@dataclass(frozen=True, slots=True)
class Stability:
    """The rank stability summary."""

    top_n: int
    places: tuple[Place, ...]
    note: str | None = None

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
class Change:
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
    status: tuple[Change, ...] = ()
    scores: tuple[Change, ...] = ()
    other: tuple[Change, ...] = ()

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
class Finding:
    severity: str
    rule: str
    message: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Incomplete:
    """An item (or file) with its lint problems."""

    id: str | None
    title: str | None
    path: str
    status: str | None
    findings: tuple[Finding, ...]


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
    stability: Stability | None = None
    changes: Changes | None = None
    due: tuple[Due, ...] = ()
    incomplete: tuple[Incomplete, ...] = ()
    blocked: tuple[Blocked, ...] = ()
    unranked_note: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

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


def blocked_items(items: list[Item], closed: list[str]) -> tuple[Blocked, ...]:
    """Open items with a dependency that is not closed (or does not exist)."""
    by_id = {item.id.upper(): item for item in items}
    found = []
    for item in items:
        if item.status in closed:
            continue
        waiting = []
        for dep_id in item.depends_on:
            dep = by_id.get(dep_id.upper())
            if dep is None:
                waiting.append(ItemRef(dep_id, None, None))
            elif dep.status not in closed:
                waiting.append(ItemRef(dep.id, dep.title, dep.status))
        if waiting:
            found.append(Blocked(item.id, item.title, item.status, tuple(waiting)))
    return tuple(sorted(found, key=lambda b: natural_key(b.id)))


def build(
    backlog: Backlog,
    *,
    since: str = LAST_REVIEW,
    model: str | None = None,
    today: dt.date | None = None,
    top: int = STABILITY_TOP,
) -> Pack:
    """Assemble the meeting pack of ``backlog`` (the working tree) against ``since``."""
    from backlogctl import lint, prioritise, review, scoring

    today = today or dt.date.today()
    config = backlog.config
    problems = lint.check(backlog, today=today)
    gate = prioritise.lint_gate(backlog, problems)
    ranking = prioritise.rank_backlog(backlog, model=model, gate=gate)
    excluded = prioritise.unranked(backlog, ranking)
    baseline, then = _baseline(backlog.root, since, model)
    changes = None if then is None else _changes(backlog, then)
    moved = scoring.movement(ranking, then.ranking) if then is not None else {}
    places = scoring.stability(backlog.items, config, model=model, top=top, excluded=excluded)
    titles = {item.id: item.title for item in backlog.items}
    return Pack(
        name=config.name,
        generated=today,
        model=model_info(config, ranking.model),
        revision=_revision(backlog.root),
        baseline=baseline,
        ranking=tuple(_row(entry, moved, then is not None) for entry in ranking.entries),
        stability=Stability(
            top, tuple(Place(p.rank, p.id, titles.get(p.id, ""), p.low, p.high, p.top) for p in places)
        ),
        changes=changes,
        due=tuple(
            Due(d.id, d.title, d.owner, d.last_reviewed, d.days_since) for d in review.due(backlog, today)
        ),
        incomplete=incomplete_items(backlog, problems),
        blocked=blocked_items(backlog.items, config.statuses.closed),
        unranked_note=_left_out_note(backlog, ranking),
    )


def model_info(config: object, name: str) -> ModelInfo:
    """The header's view of a scoring model: type, description, weights or formula."""
    from backlogctl.config import Config
    from backlogctl.scoring.models import BUILTIN_FORMULAS

    assert isinstance(config, Config)
    declared = config.scoring.all_models().get(name)
    if declared is None:
        return ModelInfo(name, "formula", formula=name.removeprefix("formula: "))
    weights = tuple(Weight(key, c.weight, c.direction) for key, c in (declared.criteria or {}).items())
    formula = declared.formula or BUILTIN_FORMULAS.get(declared.type)
    return ModelInfo(name, declared.type, declared.description, weights, formula)


@dataclass(frozen=True, slots=True)
class _Then:
    sha: str
    backlog: Backlog
    ranking: Ranking


def _baseline(root: Path, since: str, model: str | None) -> tuple[Baseline, _Then | None]:
    """The earlier revision and its ranking; without a review tag or git, a note instead."""
    from backlogctl import history, prioritise

    try:
        sha = history.resolve(root, since)
        then = history.backlog_at(root, sha)
    except BacklogError as exc:
        if since != LAST_REVIEW:
            raise
        return Baseline(since, note=f"No earlier review found: {exc.message.split(';')[0]}"), None
    label = "the last review" if since == LAST_REVIEW else since
    # Ranked exactly as `rank --since` ranks it; a model unknown then gives an empty ranking.
    then_ranking = prioritise.rank_backlog(then, model=model, tolerant=True)
    return Baseline(since, sha[:10], label), _Then(sha, then, then_ranking)


def _revision(root: Path) -> str | None:
    from backlogctl import history

    try:
        return history.resolve(root, "HEAD")[:10]
    except BacklogError:
        return None


def _row(entry: object, moved: dict[str, int | None], compared: bool) -> RankedItem:
    from backlogctl.scoring import Ranked

    assert isinstance(entry, Ranked)
    item = entry.item
    terms = tuple(
        Contribution(t.criterion, t.contribution)
        for t in entry.terms
        if t.criterion not in ("baseline", "formula")
    )
    return RankedItem(
        rank=entry.rank,
        id=item.id,
        title=item.title,
        status=item.status,
        kind=item.kind.value if item.kind else None,
        score=entry.score,
        effective_score=entry.effective_score,
        owner=item.owner,
        inherited_from=entry.inherited_from,
        movement=moved.get(item.id),
        new_since=compared and moved.get(item.id) is None,
        contributors=terms,
        value=item.score("business_value"),
        effort=item.score("effort"),
    )


def incomplete_items(backlog: Backlog, problems: Sequence[Problem]) -> tuple[Incomplete, ...]:
    """Every file with lint problems, errors first, with its findings."""
    by_path: dict[str, list[Problem]] = {}
    for problem in problems:
        by_path.setdefault(problem.path, []).append(problem)
    items = {backlog.relative(e.path): e for e in backlog.entries}
    found = []
    for path, group in by_path.items():
        entry = items.get(path)
        item = entry.item if entry is not None else None
        findings = tuple(
            Finding(p.severity, p.rule, p.message, p.line)
            for p in sorted(group, key=lambda p: (p.severity != "error", p.line or 0))
        )
        found.append(
            Incomplete(
                group[0].item, item.title if item else None, path, item.status if item else None, findings
            )
        )
    return tuple(sorted(found, key=lambda i: (natural_key(i.id) if i.id else ("~", 0, ""), i.path)))


def _left_out_note(backlog: Backlog, ranking: Ranking) -> str | None:
    from backlogctl.scoring.ranking import gate

    rankable = {i.id for i in backlog.items if gate(i, backlog.config, False) is None}
    missing = [(key, why) for key, why in ranking.left_out if key in rankable]
    if not missing:
        return None
    return "Not ranked: " + "; ".join(f"{key} ({why})" for key, why in missing)


def write(path: Path, text: str) -> None:
    """Write the rendered pack to ``path`` atomically: a temp file beside it, then a rename."""
    import os
    import tempfile

    from backlogctl.errors import InputError

    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"{path}: the folder {folder} does not exist")
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"{path}: cannot write here: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(name, 0o644)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _changes(backlog: Backlog, then: _Then) -> Changes:
    """Added, removed and changed items since the baseline, from git (committed changes)."""
    from backlogctl.history import audit

    found = audit.backlog_changes(backlog.root, since=then.sha)
    now = {i.id: i for i in backlog.items}
    before = {i.id: i for i in then.backlog.items}

    def ref(item_id: str) -> ItemRef:
        item = now.get(item_id) or before.get(item_id)
        return ItemRef(item_id, item.title if item else None, item.status if item else None)

    groups: dict[str, list[Change]] = {"status": [], "scores": [], "other": []}
    for c in found.changed:
        group = "status" if c.field == "status" else "scores" if c.field.startswith("scores.") else "other"
        title = ref(c.id).title
        groups[group].append(Change(c.id, title, c.field, c.old, c.new, c.author, c.date[:10], c.commit[:10]))
    return Changes(
        tuple(ref(i) for i in found.added),
        tuple(ref(i) for i in found.removed),
        tuple(groups["status"]),
        tuple(groups["scores"]),
        tuple(groups["other"]),
    )
