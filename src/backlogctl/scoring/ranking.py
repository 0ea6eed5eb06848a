"""Ranking: gates, inherited scores through dependencies, deterministic ties."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from backlogctl.config import Config
from backlogctl.ids import natural_key
from backlogctl.model import Item, RiskClass
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


@dataclass(frozen=True, slots=True)
class LeftOut:
    """An item the ranking left out, and why; ``status`` is set when its status alone held it back."""

    id: str
    reason: str
    status: str | None = None


@dataclass(slots=True)
class Ranking:
    """The ranked items under one model, and the items left out with the reason."""

    model: str
    entries: list[Ranked] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)

    def top(self, count: int | None) -> list[Ranked]:
        return self.entries if count is None else self.entries[:count]


def gate(item: Item, config: Config, include_all: bool) -> str | None:
    """Why an item may not be ranked at all, or None."""
    if item.risk_class == RiskClass.UNACCEPTABLE:
        return "risk class unacceptable: never ranked"
    if not include_all and item.status not in config.statuses.rankable:
        return f"status {item.status or '(none)'} is not rankable (--all ranks it)"
    return None


def _held_by_status(item: Item, config: Config) -> bool:
    return item.risk_class != RiskClass.UNACCEPTABLE and item.status not in config.statuses.rankable


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
        reason = gate(item, config, include_all)
        held = (item.status or "(none)") if reason is not None and _held_by_status(item, config) else None
        reason = reason or (excluded or {}).get(item.id)
        result = score_with(item, compiled) if reason is None else None
        if result is not None and result.value is None:
            reason = result.message
        if reason is None and item.id in chosen:
            reason = "duplicate id: another item file has the same id"
        if reason is not None or result is None:
            ranking.left_out.append(LeftOut(item.id, reason or "not scored", held))
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
    return Order(items, config.statuses.closed)(own)


class Order:
    """The dependency graph and tie keys of a set of items, built once, ordered by any scores.

    The stability analysis orders the same items hundreds of times with other scores.
    """

    def __init__(self, items: Mapping[str, Item], closed: Sequence[str]) -> None:
        by_upper = {key.upper(): key for key in items}
        self.tie = {key: tie_key(item) for key, item in items.items()}
        self.needs: dict[str, list[str]] = {}
        self.dependents: dict[str, list[str]] = {key: [] for key in items}
        for key, item in items.items():
            needs = [by_upper[d.upper()] for d in item.depends_on if d.upper() in by_upper]
            self.needs[key] = [n for n in needs if n != key]
            if item.status not in closed:
                for needed in self.needs[key]:
                    self.dependents[needed].append(key)

    def __call__(self, own: Mapping[str, float]) -> list[tuple[str, float, str | None]]:
        effective, origin = self.inherit(own)
        groups: dict[float, list[str]] = {}
        for key in self.tie:
            groups.setdefault(effective[key], []).append(key)
        result: list[tuple[str, float, str | None]] = []
        for value in sorted(groups, reverse=True):
            for key in self._prerequisites_first(sorted(groups[value], key=self.tie.__getitem__)):
                result.append((key, value, origin[key]))
        return result

    def inherit(self, own: Mapping[str, float]) -> tuple[dict[str, float], dict[str, str | None]]:
        """Each item's effective score: the highest own score among it and its open dependents.

        Dependents count transitively (AI-1 <- AI-2 <- AI-3 lifts AI-1 to AI-3's score).
        """
        effective = dict(own)
        origin: dict[str, str | None] = dict.fromkeys(own)
        tie = self.tie
        for key, direct in self.dependents.items():
            if not direct:
                continue
            best, source = own[key], None
            seen, stack = {key}, list(direct)
            while stack:
                other = stack.pop()
                if other in seen:
                    continue
                seen.add(other)
                stack.extend(self.dependents[other])
                score = own[other]
                if score > best or (score == best and source is not None and tie[other] < tie[source]):
                    best, source = score, other
            effective[key], origin[key] = best, source
        return effective, origin

    def _prerequisites_first(self, keys: list[str]) -> list[str]:
        """Keep the tie order, but put each item's prerequisites in the group directly before it."""
        if len(keys) == 1:
            return keys
        position = {key: index for index, key in enumerate(keys)}
        placed: list[str] = []
        done: set[str] = set()
        for key in keys:
            if key in done:
                continue
            # depth-first, prerequisites before the item, without recursion (chains may be long)
            done.add(key)
            stack: list[tuple[str, list[str]]] = [(key, self._needs_in(key, position, done))]
            while stack:
                current, pending = stack[-1]
                if pending:
                    needed = pending.pop(0)
                    if needed not in done:
                        done.add(needed)
                        stack.append((needed, self._needs_in(needed, position, done)))
                else:
                    placed.append(current)
                    stack.pop()
        return placed

    def _needs_in(self, key: str, position: Mapping[str, int], done: set[str]) -> list[str]:
        needs = [n for n in self.needs[key] if n in position and n not in done]
        return sorted(needs, key=position.__getitem__)


def tie_key(item: Item) -> tuple[float, dt.date, tuple[str, int, str]]:
    """Lower effort first, then older created, then id in natural order; missing values last."""
    effort = item.score("effort")
    return (
        float(effort) if effort is not None else float("inf"),
        item.created or FAR_FUTURE,
        natural_key(item.id),
    )
