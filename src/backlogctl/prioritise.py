"""Ranking a loaded backlog: the lint gate in front of the pure scoring functions.

`rank` and `report` both rank this way, so an item with lint errors is left
out of both for the same reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from backlogctl.backlog import Backlog
from backlogctl.errors import BacklogError, Findings
from backlogctl.lint import Problem
from backlogctl.scoring import Ranking


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
    # Read from the entries, not the models: rank runs this gate before the models are built.
    valid = {entry.id for entry in backlog.entries if entry.valid and entry.id is not None}
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
