"""Each criterion's scale for checking and snapping ratings.

The lab's own scales come from the configuration (`Config.score_scales`, issue 14)
when it has them; otherwise the built-in scales of the item model.
"""

from __future__ import annotations

import math
from typing import Any, Protocol

from backlogctl.errors import InputError


class ScaleLike(Protocol):
    low: float
    high: float

    def problem(self, value: Any) -> str | None: ...

    def step_values(self) -> tuple[float, ...] | None: ...


def scale_for(config: Any, name: str) -> ScaleLike:
    """The scale of score ``name``; InputError for a score the backlog does not know."""
    table = _table(config)
    scale = table.get(name)
    if scale is None:
        known = ", ".join(sorted(table))
        raise InputError(f"{name} is not a score of this backlog (scores: {known})")
    return scale


def _table(config: Any) -> dict[str, ScaleLike]:
    declared = getattr(config, "score_scales", None)
    if callable(declared):
        return dict(declared())
    from backlogctl.model import FIBONACCI, IMPACT_STEPS

    fib = _Builtin(1, 20, tuple(float(v) for v in FIBONACCI))
    return {
        "business_value": fib,
        "time_criticality": fib,
        "risk_reduction": fib,
        "effort": fib,
        "feasibility": _Builtin(1, 5, (1.0, 2.0, 3.0, 4.0, 5.0)),
        "confidence": _Builtin(0, 1, None),
        "reach": _Builtin(0, math.inf, None),
        "impact": _Builtin(0.25, 3, tuple(float(v) for v in IMPACT_STEPS)),
    }


class _Builtin:
    def __init__(self, low: float, high: float, steps: tuple[float, ...] | None) -> None:
        self.low, self.high, self.steps = low, high, steps

    def problem(self, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "must be a number"
        if self.steps is not None and value not in self.steps:
            return "must be one of " + ", ".join(f"{s:g}" for s in self.steps)
        if not self.low <= value <= self.high:
            return f"must be between {self.low:g} and {self.high:g}"
        return None

    def step_values(self) -> tuple[float, ...] | None:
        return self.steps


def snap(scale: ScaleLike, value: float) -> float | int:
    """The scale's value nearest to ``value`` (halfway between two steps: the higher one)."""
    steps = scale.step_values()
    if steps is None:
        return value
    best = min(steps, key=lambda s: (abs(s - value), -s))
    return int(best) if float(best).is_integer() else best


def position(scale: ScaleLike, value: float) -> float:
    """Where ``value`` lies on the scale in steps (its index), or the value itself on a continuous scale."""
    steps = scale.step_values()
    if steps is None:
        return value
    nearest = min(range(len(steps)), key=lambda i: abs(steps[i] - value))
    return float(nearest)
