"""Ranking a loaded backlog: the lint gate in front of the pure scoring functions.

`rank` and `report` both rank this way, so an item with lint errors is left
out of both for the same reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from backlogctl.backlog import Backlog
from backlogctl.errors import BacklogError, Findings
from backlogctl.lint import Problem
from backlogctl.scoring import Ranked, Ranking, Stability


@dataclass(slots=True)
class Gate:
    """What lint keeps out of the ranking."""

    excluded: dict[str, str] = field(default_factory=dict)  # item id -> reason
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # id or path -> reason


def lint_gate(backlog: Backlog, problems: Sequence[Problem] | None = None) -> Gate:
    """Items with lint errors (id -> first message), and files that are no items at all."""
    if problems is None:
        from backlogctl.lint import check

        problems = check(backlog, locate=False, errors_only=True)
    errors: dict[str, list[str]] = {}
    gate = Gate()
    seen: set[str] = set()
    valid = {item.id for item in backlog.items}
    for problem in problems:
        if problem.severity != "error":
            continue
        if problem.item in valid:
            errors.setdefault(problem.item, []).append(problem.message)
            continue
        key = problem.item or problem.path
        if key not in seen:
            seen.add(key)
            gate.unreadable.append((key, f"not a valid item: {problem.message}"))
    for key, messages in errors.items():
        more = f" (+{len(messages) - 1} more)" if len(messages) > 1 else ""
        gate.excluded[key] = f"lint errors: {messages[0]}{more}"
    return gate


def rank_backlog(
    backlog: Backlog,
    *,
    model: str | None = None,
    formula: str | None = None,
    include_all: bool = False,
    strict: bool = False,
    gate: Gate | None = None,
    tolerant: bool = False,
) -> Ranking:
    """Rank ``backlog`` behind the lint gate.

    ``strict`` fails (exit 1) when an item that would be ranked has lint errors;
    ``tolerant`` gives an empty ranking instead of an error, for an old revision
    whose configuration may not know the model asked for today.
    """
    from backlogctl import scoring
    from backlogctl.scoring.ranking import LeftOut
    from backlogctl.scoring.ranking import gate as status_gate

    gate = gate if gate is not None else lint_gate(backlog)
    if strict:
        by_id = {item.id: item for item in backlog.items}
        blocked = [
            key
            for key in gate.excluded
            if key in by_id and status_gate(by_id[key], backlog.config, include_all) is None
        ]
        if blocked or gate.unreadable:
            names = ", ".join([*blocked, *(key for key, _ in gate.unreadable)])
            raise Findings(f"lint errors in {names}; run 'backlogctl lint' to see them")
    try:
        ranking = scoring.rank(
            backlog.items,
            backlog.config,
            model=model,
            formula=formula,
            include_all=include_all,
            excluded=gate.excluded,
        )
    except BacklogError:
        if not tolerant:
            raise
        return scoring.Ranking(model or "")
    ranking.left_out += [LeftOut(key, reason) for key, reason in gate.unreadable]
    return ranking


def unranked(backlog: Backlog, ranking: Ranking) -> dict[str, str]:
    """Items the ranking left out, for the stability runs to leave out too."""
    ranked = {entry.item.id for entry in ranking.entries}
    return {item.id: "left out" for item in backlog.items if item.id not in ranked}


@dataclass
class RankView:
    """What `rank` shows: the ranking and the optional extras the options asked for."""

    ranking: Ranking
    top: int | None = None
    as_of: str | None = None
    since: str | None = None
    movement: dict[str, int | None] | None = None
    stability: dict[str, Stability] | None = None
    stability_top: int = 5
    explain: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def entries(self) -> list[Ranked]:
        return self.ranking.top(self.top)


def rank_view(
    folder: Path,
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
) -> RankView:
    """Everything `rank` shows for these options: one code path for the CLI and the MCP tool."""
    from backlogctl import scoring
    from backlogctl.errors import InputError

    if model is not None and formula is not None:
        raise InputError("use either --model or --formula, not both")
    backlog, as_of_sha = _backlog(folder, as_of)
    view = RankView(scoring.Ranking(""), top=top, as_of=as_of_sha, explain=explain)
    view.ranking = rank_backlog(backlog, model=model, formula=formula, include_all=include_all, strict=strict)
    if since is not None:
        from backlogctl import history

        then_backlog = history.backlog_at(folder, since)
        view.since = history.resolve(folder, since)
        then = rank_backlog(
            then_backlog, model=model, formula=formula, include_all=include_all, tolerant=True
        )
        view.movement = scoring.movement(view.ranking, then)
    if stability:
        view.stability_top = top or 5
        found = scoring.stability(view.ranking, backlog.config, top=view.stability_top)
        view.stability = {s.id: s for s in found}
    return view


def _backlog(folder: Path, as_of: str | None) -> tuple[Backlog, str | None]:
    if as_of is None:
        from backlogctl import backlog as backlog_module

        return backlog_module.load(folder), None
    from backlogctl import history

    return history.backlog_at(folder, as_of), history.resolve(folder, as_of)
