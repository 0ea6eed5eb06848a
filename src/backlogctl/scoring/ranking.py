"""Ranking: gates, inherited scores through dependencies, deterministic ties."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from backlogctl.config import Config
from backlogctl.graph import components
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
    """An item the ranking left out, and why; ``status`` is set when its status alone held it back.

    ``hint`` says what would rank it anyway (``--all ranks it``): the CLI's renderers
    show it after the reason, the meeting pack leaves it off; the reason never carries it.
    """

    id: str
    reason: str
    status: str | None = None
    hint: str | None = None


@dataclass(slots=True)
class Ranking:
    """The ranked items under one model, and the items left out with the reason."""

    model: str
    entries: list[Ranked] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    compiled: Compiled | None = None
    """The model the items were scored with (the stability analysis runs it again)."""

    def top(self, count: int | None) -> list[Ranked]:
        return self.entries if count is None else self.entries[:count]


def gate(item: Item, config: Config, include_all: bool) -> str | None:
    """Why an item may not be ranked at all, or None."""
    if item.risk_class == RiskClass.UNACCEPTABLE:
        return "risk class unacceptable: never ranked"
    if not include_all and item.status not in config.statuses.rankable:
        return f"status {item.status or '(none)'} is not rankable"
    return None


ALL_RANKS_IT = "--all ranks it"
"""The hint on an item held back by its status alone."""


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
    ranking = Ranking(compiled.name, compiled=compiled)
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
            hint = ALL_RANKS_IT if held is not None else None
            ranking.left_out.append(LeftOut(item.id, reason or "not scored", held, hint))
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
        self.needs_by_tie = {
            key: sorted(needs, key=self.tie.__getitem__) for key, needs in self.needs.items()
        }
        self.components = components(self.dependents)
        """Strongly connected components of the dependents graph, each after those it reaches."""
        component = {key: number for number, members in enumerate(self.components) for key in members}
        self.successors: list[list[int]] = [
            sorted({component[d] for m in members for d in self.dependents[m]} - {number})
            for number, members in enumerate(self.components)
        ]

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

        Dependents count transitively (AI-1 <- AI-2 <- AI-3 lifts AI-1 to AI-3's score). One pass
        over the strongly connected components, dependents before what they depend on, so a chain
        of any length costs linear time; the items of a cycle share their best score.
        """
        effective = dict(own)
        origin: dict[str, str | None] = dict.fromkeys(own)
        tie = self.tie
        best: dict[int, tuple[float, str]] = {}  # component -> (highest score, its item)
        for number, members in enumerate(self.components):
            score, source = -math.inf, ""
            candidates = [(own[m], m) for m in members]
            candidates += [best[c] for c in self.successors[number]]
            for value, key in candidates:
                if not source or value > score or (value == score and tie[key] < tie[source]):
                    score, source = value, key
            best[number] = (score, source)
            if len(candidates) == 1:
                continue
            for member in members:
                if own[member] < score:
                    effective[member], origin[member] = score, source
        return effective, origin

    def _prerequisites_first(self, keys: list[str]) -> list[str]:
        """Keep the tie order, but put each item's prerequisites in the group directly before it."""
        if len(keys) == 1:
            return keys
        inside = set(keys)
        needs = self.needs_by_tie
        placed: list[str] = []
        done: set[str] = set()
        for key in keys:
            if key in done:
                continue
            done.add(key)
            if not needs[key]:  # most items need nothing: no walk
                placed.append(key)
                continue
            # depth-first, prerequisites (in tie order) before the item, without recursion
            stack = [key]
            pending = [iter(needs[key])]
            while stack:
                for needed in pending[-1]:
                    if needed in inside and needed not in done:
                        done.add(needed)
                        stack.append(needed)
                        pending.append(iter(needs[needed]))
                        break
                else:
                    placed.append(stack.pop())
                    pending.pop()
        return placed


def tie_key(item: Item) -> tuple[float, dt.date, tuple[str, int, str]]:
    """Lower effort first, then older created, then id in natural order; missing values last."""
    effort = item.score("effort")
    return (
        float(effort) if effort is not None else float("inf"),
        item.created or FAR_FUTURE,
        natural_key(item.id),
    )
