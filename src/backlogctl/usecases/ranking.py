"""The ranking view: rank a backlog, compare with an earlier revision, measure stability.

`rank` and `report` both build their ranking here, so an item is ranked, moved
and left out for the same reasons in the table and in the meeting pack.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from backlogctl.errors import BacklogError, InputError

if TYPE_CHECKING:
    from backlogctl.backlog import Backlog
    from backlogctl.prioritise import Gate
    from backlogctl.scoring import Ranked, Ranking, Stability

# P(top N) for this N unless --top says otherwise; from scoring.stability, its home, so that
# rank does not import the report package (13 ms of its start-up).
from backlogctl.scoring.stability import STABILITY_TOP


@dataclass
class RankingView:
    """A ranking with what the caller asked to see beside it."""

    ranking: Ranking
    top: int | None = None
    as_of: str | None = None
    """The commit ranked (``--as-of``), None for the working tree."""
    since: str | None = None
    """The commit compared with, once resolved; None without ``--since`` or when it could not be."""
    movement: dict[str, int | None] | None = None
    stability: dict[str, Stability] | None = None
    stability_top: int = STABILITY_TOP
    stability_rule: str | None = None
    """The settled rule with its parameters, and what each run moved."""
    explain: bool = False
    notes: list[str] = field(default_factory=list)
    then: Backlog | None = None
    """The backlog at ``since``, for callers that also list what changed."""
    since_error: BacklogError | None = None
    """Why ``since`` could not be used, when the caller allowed that (``report``'s last-review)."""

    @property
    def entries(self) -> list[Ranked]:
        return self.ranking.top(self.top)


def ranking_view(
    backlog: Backlog,
    *,
    model: str | None = None,
    formula: str | None = None,
    include_all: bool = False,
    strict: bool = False,
    since: str | None = None,
    since_optional: bool = False,
    stability_top: int | None = None,
    gate: Gate | None = None,
    session: str | None = None,
    perturbation: Mapping[str, float | int | None] | None = None,
) -> RankingView:
    """Rank ``backlog`` behind the lint gate; with ``since``, the movement against that revision.

    ``since`` is resolved once; with ``since_optional`` a revision that cannot
    be resolved is kept in ``since_error`` instead of failing. With
    ``stability_top`` the stability runs reuse this ranking and report P(top N); their sizes come
    from ``scoring.stability`` with ``perturbation`` on top, or, with ``session``, the scores are
    drawn from that session's ratings (weights fixed unless a weight spread is given).
    """
    from backlogctl import prioritise, scoring

    view = RankingView(
        prioritise.rank_backlog(
            backlog, model=model, formula=formula, include_all=include_all, strict=strict, gate=gate
        )
    )
    if since is not None:
        from backlogctl import history

        try:
            revision = history.resolve_revision(backlog.root, since)
            view.since = revision.sha
            view.then = history.backlog_of(revision)
        except BacklogError as exc:
            if not since_optional:
                raise
            view.since, view.since_error = None, exc
        if view.then is not None:
            then = prioritise.rank_backlog(
                view.then, model=model, formula=formula, include_all=include_all, tolerant=True
            )
            view.movement = scoring.movement(view.ranking, then)
    if stability_top is not None:
        _stability(view, backlog, stability_top, session, dict(perturbation or {}))
    return view


def _stability(
    view: RankingView, backlog: Backlog, top: int, session: str | None, sizes: dict[str, float | int | None]
) -> None:
    from backlogctl import scoring
    from backlogctl.scoring.stability import configured

    ratings = None
    if session is not None:
        from backlogctl import sessions

        ratings = sessions.stability_ratings(backlog, session)
        if sizes.get("weight_spread") is None:
            sizes["weight_spread"] = 0.0
    settings, rule = configured(backlog.config, **sizes)
    view.stability_top = top
    found = scoring.stability(
        view.ranking, backlog.config, top=top, settings=settings, ratings=ratings, settled=rule
    )
    view.stability = {s.id: s for s in found}
    view.stability_rule = rule.describe(top, settings, session)


def rank(
    start: Path,
    *,
    model: str | None = None,
    formula: str | None = None,
    explain: bool = False,
    stability: bool = False,
    since: str | None = None,
    as_of: str | None = None,
    top: int | None = None,
    include_all: bool = False,
    strict: bool = False,
    session: str | None = None,
    perturbation: Mapping[str, float | int | None] | None = None,
) -> RankingView:
    """The `rank` command: the backlog (at ``as_of``, or the working tree) ranked and compared."""
    if model is not None and formula is not None:
        raise InputError("use either --model or --formula, not both")
    if session is not None and not stability:
        raise InputError("--session goes with --stability (rank --stability --session NAME)")
    as_of_sha = None
    gate = None
    if as_of is None:
        from backlogctl import backlog as backlog_module
        from backlogctl import prioritise

        # The lint gate reads the parsed files, scoring reads the models: the gate
        # runs first and each item's data then gives way to its model, so a large
        # backlog is never held twice (see Backlog.keep_models).
        backlog = backlog_module.load(start, models=False)
        gate = prioritise.lint_gate(backlog)
        backlog.keep_models()
    else:
        from backlogctl import history

        revision = history.resolve_revision(start, as_of)
        as_of_sha = revision.sha
        backlog = history.backlog_of(revision)
    view = ranking_view(
        backlog,
        model=model,
        formula=formula,
        include_all=include_all,
        strict=strict,
        since=since,
        stability_top=(top or STABILITY_TOP) if stability else None,
        gate=gate,
        session=session,
        perturbation=perturbation,
    )
    view.top, view.as_of, view.explain = top, as_of_sha, explain
    return view
