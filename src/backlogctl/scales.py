"""Score scales: the one home of every score's allowed values and bounds.

Validation (the item model), normalisation (weighted criteria), explanation
(Shapley baselines), the stability analysis (one step along the scale), the
JSON Schema and the report's chart all read a score's scale from here. The
built-in scales are below; ``backlog.yaml``'s ``scales`` overrides or adds to
them (see :func:`backlogctl.config.Config.score_scales`). No I/O, no pydantic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

FIBONACCI = (1, 2, 3, 5, 8, 13, 20)
"""The modified Fibonacci scale of relative sizes and values."""
IMPACT_STEPS = (0.25, 0.5, 1, 2, 3)
"""RICE impact: minimal, low, medium, high, massive."""

MAX_STEPS = 50
"""An integer range with more values than this is perturbed like a continuous one."""


@dataclass(frozen=True, slots=True)
class Scale:
    """A score's scale: a list of allowed steps, or bounds (integer or not).

    ``low``/``high`` are the bounds a weighted criterion normalises by. When
    ``capped`` is false, values above ``high`` are allowed (``reach`` is a
    count; its ``high`` is only where normalisation saturates).
    """

    name: str
    low: float
    high: float
    steps: tuple[float, ...] | None = None
    integer: bool = False
    capped: bool = True
    description: str = ""

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is not on this scale, or None when it is."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "must be a number"
        if self.steps is not None:
            if value not in self.steps:
                return f"must be one of {self.allowed()}"
            if self.integer and not isinstance(value, int):
                return f"must be a whole number, one of {self.allowed()}"
            return None
        if self.integer and not isinstance(value, int):
            return "must be a whole number"
        if value < self.low:
            return f"must be at least {self.low:g}"
        if self.capped and value > self.high:
            return f"must be at most {self.high:g}"
        return None

    def allowed(self) -> str:
        """The allowed values as people read them: ``1, 2, 3, 5`` or ``1 to 5``."""
        if self.steps is not None:
            return ", ".join(f"{s:g}" for s in self.steps)
        if not self.capped:
            return f"{self.low:g} or more"
        return f"{self.low:g} to {self.high:g}"

    def step_values(self) -> tuple[float, ...] | None:
        """The values one step apart on this scale, or None for a continuous scale."""
        if self.steps is not None:
            return self.steps
        if self.integer and self.capped and self.high - self.low <= MAX_STEPS:
            return tuple(float(v) for v in range(int(self.low), int(self.high) + 1))
        return None

    def json_schema(self) -> dict[str, Any]:
        """The scale as JSON Schema: an enum of its steps, or its bounds."""
        kind = "integer" if self.integer else "number"
        if self.steps is not None:
            return {"type": kind, "enum": list(self.steps)}
        schema: dict[str, Any] = {"type": kind, "minimum": _number(self.low)}
        if self.capped:
            schema["maximum"] = _number(self.high)
        return schema


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _fib(name: str, description: str) -> Scale:
    return Scale(name, 1, 20, FIBONACCI, integer=True, description=f"{description}: 1, 2, 3, 5, 8, 13, 20.")


BUILTIN: dict[str, Scale] = {
    scale.name: scale
    for scale in (
        _fib("business_value", "Value to the business"),
        _fib("time_criticality", "Value lost by waiting"),
        _fib("risk_reduction", "Risk reduced or opportunity enabled"),
        Scale(
            "feasibility",
            1,
            5,
            integer=True,
            description="Feasibility with the data and skills at hand: 1 (hard) to 5 (easy).",
        ),
        _fib("effort", "Relative size of the job"),
        Scale("confidence", 0, 1, description="Confidence in the estimates: 0 to 1."),
        Scale("reach", 0, 1_000_000, capped=False, description="People or cases affected per quarter."),
        Scale("impact", 0.25, 3, IMPACT_STEPS, description="Effect on each of them: 0.25, 0.5, 1, 2 or 3."),
    )
}
"""The scales every backlog has, in the order the template lists them."""


def declared(name: str, spec: Any) -> Scale:
    """A scale from backlog.yaml: a list of steps or ``{min, max, integer, description}``.

    ValueError says what is wrong; the configuration names the key and line.
    """
    if isinstance(spec, list | tuple):
        spec = {"values": list(spec)}
    if not isinstance(spec, Mapping):
        raise ValueError("a scale is a list of its values or {min, max, integer, description}")
    unknown = set(spec) - {"values", "min", "max", "integer", "description"}
    if unknown:
        raise ValueError(
            f"unknown setting {sorted(unknown)[0]!r}; use values, min, max, integer, description"
        )
    description = str(spec.get("description") or "")
    integer = spec.get("integer")
    if integer is not None and not isinstance(integer, bool):
        raise ValueError("integer must be true or false")
    if "values" in spec:
        if "min" in spec or "max" in spec:
            raise ValueError("give either values or min/max, not both")
        steps = spec["values"]
        if not isinstance(steps, list) or len(steps) < 2 or not all(_is_number(s) for s in steps):
            raise ValueError("values must list at least two numbers")
        if sorted(steps) != steps or len(set(steps)) != len(steps):
            raise ValueError("values must be in increasing order, each once")
        whole = all(isinstance(s, int) for s in steps)
        if integer and not whole:
            raise ValueError("integer: true, but values holds a number with a fraction")
        ordered = tuple(steps)
        return Scale(
            name,
            steps[0],
            steps[-1],
            ordered,
            integer=whole if integer is None else integer,
            description=description,
        )
    low, high = spec.get("min"), spec.get("max")
    if (
        not isinstance(low, int | float)
        or not isinstance(high, int | float)
        or not (_is_number(low) and _is_number(high))
    ):
        raise ValueError("a scale needs values: [...] or both min and max as numbers")
    if low >= high:
        raise ValueError("min must be less than max")
    if integer and not (float(low).is_integer() and float(high).is_integer()):
        raise ValueError("an integer scale needs whole-number min and max")
    return Scale(name, low, high, integer=bool(integer), description=description)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def table(declarations: Mapping[str, Any] | None = None) -> dict[str, Scale]:
    """The built-in scales with ``declarations`` (backlog.yaml ``scales``) on top."""
    scales = dict(BUILTIN)
    for name, spec in (declarations or {}).items():
        scale = spec if isinstance(spec, Scale) else declared(name, spec)
        if not scale.description and name in BUILTIN:
            scale = Scale(
                scale.name,
                scale.low,
                scale.high,
                scale.steps,
                scale.integer,
                scale.capped,
                BUILTIN[name].description,
            )
        scales[name] = scale
    return scales


def bounds(scales: Mapping[str, Scale]) -> dict[str, tuple[float, float]]:
    """Each score's normalisation bounds."""
    return {name: (scale.low, scale.high) for name, scale in scales.items()}


def steps_for(scales: Mapping[str, Scale]) -> dict[str, tuple[float, ...]]:
    """Each stepped score's steps: what ``--stability`` moves a score along, one step at a time."""
    return {name: steps for name, scale in scales.items() if (steps := scale.step_values()) is not None}
