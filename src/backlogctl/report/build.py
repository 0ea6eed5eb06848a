"""Assembling the meeting pack from ranking, lint, history and the review cadence.

`build` gathers the ranking, its stability, what changed since the last
review, the items due for review, lint problems and blocked items into one
`Pack`. The renderers in `render/report_*.py` only lay it out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from backlogctl.errors import BacklogError
from backlogctl.ids import natural_key
from backlogctl.model import Item
from backlogctl.report import words
from backlogctl.report.pack import (
    LAST_REVIEW,
    STABILITY_TOP,
    Baseline,
    Blocked,
    ChangeLine,
    Changes,
    Contribution,
    Due,
    Incomplete,
    ItemRef,
    ModelInfo,
    Pack,
    Place,
    ProblemLine,
    RankedItem,
    StabilitySummary,
    Weight,
)

if TYPE_CHECKING:
    from backlogctl.backlog import Backlog
    from backlogctl.lint import Problem
    from backlogctl.planning.plan import Plan
    from backlogctl.scoring import Ranking


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
    session: str | None = None,
    limit: int | None = None,
    capacity: Mapping[str, float] | None = None,
) -> Pack:
    """Assemble the meeting pack of ``backlog`` (the working tree) against ``since``.

    With ``capacity`` the pack also holds the plan that fits it (`plan`).
    """
    from backlogctl import lint, prioritise, review
    from backlogctl.usecases.ranking import ranking_view

    today = today or dt.date.today()
    config = backlog.config
    problems = lint.check(backlog, today=today)
    # Ranked, compared and measured exactly as `rank --since --stability` does it.
    view = ranking_view(
        backlog,
        model=model,
        since=since,
        since_optional=since == LAST_REVIEW,
        stability_top=top,
        gate=prioritise.lint_gate(backlog, problems),
        session=session,
    )
    ranking = view.ranking
    baseline = _baseline(since, view.since, view.since_error)
    changes = None if view.since is None or view.then is None else _changes(backlog, view.since, view.then)
    moved = view.movement or {}
    titles = {item.id: item.title for item in backlog.items}
    places = (view.stability or {}).values()
    disagreement = None
    if session is not None:  # `report --session`: where the room disagrees
        from backlogctl import sessions

        disagreement = sessions.results(backlog, session)
    return Pack(
        name=config.name,
        generated=today,
        model=model_info(config, ranking.model),
        revision=_revision(backlog.root),
        baseline=baseline,
        ranking=tuple(_row(entry, moved, view.since is not None) for entry in ranking.entries[:limit]),
        ranked_total=len(ranking.entries),
        left_out=tuple((out.id, out.reason, out.status) for out in ranking.left_out),
        field_labels=_labels(changes, config),
        stability=StabilitySummary(
            top,
            tuple(Place(p.rank, p.id, titles.get(p.id, ""), p.low, p.high, p.top, p.settled) for p in places),
            rule=view.stability_rule,
        ),
        disagreement=disagreement,
        changes=changes,
        due=tuple(
            Due(d.id, d.title, d.owner, d.last_reviewed, d.days_since) for d in review.due(backlog, today)
        ),
        incomplete=incomplete_items(backlog, problems, config),
        blocked=blocked_items(backlog.items, config.statuses.closed),
        unranked_note=_left_out_note(backlog, ranking, problems),
        plan=_plan(backlog, capacity, model),
    )


def _plan(backlog: Backlog, capacity: Mapping[str, float] | None, model: str | None) -> Plan | None:
    if not capacity:
        return None
    from backlogctl.planning.plan import make_plan

    return make_plan(backlog, capacity, model=model)


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


def _baseline(since: str, sha: str | None, error: BacklogError | None) -> Baseline:
    """The earlier revision; without a review tag or git, a note instead."""
    if sha is None:
        reason = error.problem if error is not None else "not found"
        return Baseline(since, note=f"No earlier review found: {reason}")
    label = "the last review" if since == LAST_REVIEW else since
    return Baseline(since, sha[:10], label)


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


def incomplete_items(
    backlog: Backlog, problems: Sequence[Problem], config: object = None
) -> tuple[Incomplete, ...]:
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
            ProblemLine(p.severity, p.rule, p.message, p.line, p.field)
            for p in sorted(group, key=lambda p: (p.severity != "error", p.line or 0))
        )
        missing = tuple(
            words.field_label(f.field, config) for f in findings if f.rule == "incomplete" and f.field
        )
        found.append(
            Incomplete(
                group[0].item,
                item.title if item else None,
                path,
                item.status if item else None,
                findings,
                missing,
            )
        )
    return tuple(sorted(found, key=lambda i: (natural_key(i.id) if i.id else ("~", 0, ""), i.path)))


def _labels(changes: Changes | None, config: object) -> dict[str, str]:
    if changes is None:
        return {}
    fields = {c.field for rows in (changes.status, changes.scores, changes.other) for c in rows if c.field}
    return {name: words.field_label(name, config) for name in sorted(fields)}


def _left_out_note(backlog: Backlog, ranking: Ranking, problems: Sequence[Problem]) -> str | None:
    from backlogctl.scoring.ranking import gate

    rankable = {i.id for i in backlog.items if gate(i, backlog.config, False) is None}
    incomplete = {p.item for p in problems if p.severity == "error"}
    missing = [
        (out.id, "incomplete, see Incomplete items" if out.id in incomplete else out.reason)
        for out in ranking.left_out
        if out.id in rankable
    ]
    if not missing:
        return None
    return "Not ranked: " + "; ".join(f"{key} ({why})" for key, why in missing)


def write(path: Path, text: str) -> None:
    """Write the rendered pack to ``path`` the way every -o FILE is written (store/output.py)."""
    from backlogctl.store import output

    output.write_document(path, text)


def _changes(backlog: Backlog, sha: str, then: Backlog) -> Changes:
    """Added, removed and changed items since the baseline, from git (committed changes)."""
    from backlogctl.history import audit

    found = audit.backlog_changes(backlog.root, since=sha)
    now = {i.id: i for i in backlog.items}
    before = {i.id: i for i in then.items}

    def ref(item_id: str) -> ItemRef:
        item = now.get(item_id) or before.get(item_id)
        return ItemRef(item_id, item.title if item else None, item.status if item else None)

    groups: dict[str, list[ChangeLine]] = {"status": [], "scores": [], "other": []}
    for c in found.changed:
        group = "status" if c.field == "status" else "scores" if c.field.startswith("scores.") else "other"
        title = ref(c.id).title
        groups[group].append(
            ChangeLine(c.id, title, c.field, c.old, c.new, c.author, c.date[:10], c.commit[:10])
        )
    return Changes(
        tuple(ref(i) for i in found.added),
        tuple(ref(i) for i in found.removed),
        tuple(groups["status"]),
        tuple(groups["scores"]),
        tuple(groups["other"]),
    )
