"""Ranking: gates, inherited scores through dependencies, deterministic ties."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from backlogctl.config import Config
from backlogctl.model import Item, RiskClass, natural_key
from backlogctl.scoring.models import Compiled, Score, Term, score_with, select

FAR_FUTURE = dt.date.max


@dataclass(frozen=True, slots=True)
class Ranked:
    """One place in the ranking."""

    rank: int
    item: Item
    score: float
    effective_score: float
    inherited_from: str | None
    breakdown: dict[str, float]
    terms: list[Term]
    scored: Score | None = None


@dataclass(slots=True)
class Ranking:
    """The ranked items under one model, and the items left out with the reason."""

    model: str
    entries: list[Ranked] = field(default_factory=list)
    left_out: list[tuple[str, str]] = field(default_factory=list)

    def top(self, count: int | None) -> list[Ranked]:
        return self.entries if count is None else self.entries[:count]


def gate(item: Item, config: Config, include_all: bool) -> str | None:
    """Why an item may not be ranked at all, or None."""
    if item.risk_class == RiskClass.UNACCEPTABLE:
        return "risk class unacceptable: never ranked"
    if not include_all and item.status not in config.statuses.rankable:
        return f"status {item.status or '(none)'} is not rankable (--all ranks it)"
    return None


def rank(
    items: Sequence[Item],
    config: Config,
    *,
    model: str | None = None,
    formula: str | None = None,
    include_all: bool = False,
    excluded: Mapping[str, str] | None = None,
) -> Ranking:
    """Score the rankable items and put them in a total, deterministic order."""
    compiled = select(config, model, formula)
    return rank_with(items, config, compiled, include_all=include_all, excluded=excluded)


def rank_with(
    items: Sequence[Item],
    config: Config,
    compiled: Compiled,
    *,
    include_all: bool = False,
    excluded: Mapping[str, str] | None = None,
) -> Ranking:
    """`rank` with a compiled model (the stability analysis reuses it)."""
    ranking = Ranking(compiled.name)
    scored: dict[str, Score] = {}
    chosen: dict[str, Item] = {}
    for item in sorted(items, key=lambda i: natural_key(i.id)):
        reason = gate(item, config, include_all) or (excluded or {}).get(item.id)
        result = score_with(item, compiled) if reason is None else None
        if result is not None and result.value is None:
            reason = result.message
        if reason is None and item.id in chosen:
            reason = "duplicate id: another item file has the same id"
        if reason is not None or result is None:
            ranking.left_out.append((item.id, reason or "not scored"))
            continue
        scored[item.id] = result
        chosen[item.id] = item
    own = {key: s.value for key, s in scored.items() if s.value is not None}
    for place, (item_id, effective, origin) in enumerate(order(chosen, own, config), start=1):
        result = scored[item_id]
        item = chosen[item_id]
        ranking.entries.append(
            Ranked(place, item, own[item_id], effective, origin, result.breakdown, result.terms, result)
        )
    return ranking


def order(
    items: Mapping[str, Item], own: Mapping[str, float], config: Config
) -> list[tuple[str, float, str | None]]:
    """(id, effective score, inherited from) in rank order."""
    effective, origin = inherit(items, own, config.statuses.closed)
    tie = {key: tie_key(item) for key, item in items.items()}
    groups: dict[float, list[str]] = {}
    for key in items:
        groups.setdefault(effective[key], []).append(key)
    result: list[tuple[str, float, str | None]] = []
    for value in sorted(groups, reverse=True):
        for key in _prerequisites_first(sorted(groups[value], key=tie.__getitem__), items):
            result.append((key, value, origin[key]))
    return result


def inherit(
    items: Mapping[str, Item], own: Mapping[str, float], closed: Sequence[str]
) -> tuple[dict[str, float], dict[str, str | None]]:
    """Each item's effective score: the highest own score among it and its open dependents.

    Dependents count transitively (AI-1 <- AI-2 <- AI-3 lifts AI-1 to AI-3's score).
    """
    dependents: dict[str, list[str]] = {key: [] for key in items}
    for key, item in items.items():
        if item.status in closed:
            continue
        for needed in item.depends_on:
            target = _resolve(needed, items)
            if target is not None and target != key:
                dependents[target].append(key)
    tie = {key: tie_key(item) for key, item in items.items()}
    effective: dict[str, float] = {}
    origin: dict[str, str | None] = {}
    for key in items:
        best, source = own[key], None
        seen, stack = {key}, list(dependents[key])
        while stack:
            other = stack.pop()
            if other in seen:
                continue
            seen.add(other)
            stack.extend(dependents[other])
            if own[other] > best or (own[other] == best and source is not None and tie[other] < tie[source]):
                best, source = own[other], other
        effective[key], origin[key] = best, source
    return effective, origin


def _resolve(item_id: str, items: Mapping[str, Item]) -> str | None:
    if item_id in items:
        return item_id
    upper = item_id.upper()
    return next((key for key in items if key.upper() == upper), None)


def _prerequisites_first(keys: list[str], items: Mapping[str, Item]) -> list[str]:
    """Keep the tie order, but put each item's prerequisites in the group directly before it."""
    position = {key: index for index, key in enumerate(keys)}
    placed: list[str] = []
    done: set[str] = set()

    def visit(key: str) -> None:
        done.add(key)
        needs = [k for k in (_resolve(d, items) for d in items[key].depends_on) if k in position]
        for needed in sorted(needs, key=position.__getitem__):
            if needed not in done:
                visit(needed)
        placed.append(key)

    for key in keys:
        if key not in done:
            visit(key)
    return placed


def tie_key(item: Item) -> tuple[float, dt.date, tuple[str, int, str]]:
    """Lower effort first, then older created, then id in natural order; missing values last."""
    effort = item.score("effort")
    return (
        float(effort) if effort is not None else float("inf"),
        item.created or FAR_FUTURE,
        natural_key(item.id),
    )
