"""Scoring models: the built-in ones and those declared in backlog.yaml.

A `ScoringModel` from the configuration is turned into a `Compiled` model once;
scoring an item is then a matter of reading its score fields and running the
model over them. Every score comes with its terms, which sum to the score.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from backlogctl.config import Config, ScoringModel
from backlogctl.errors import ConfigError, InputError
from backlogctl.model import Item
from backlogctl.scales import BUILTIN, Scale
from backlogctl.scoring.formula import EvaluationError, Formula, parse

BUILTIN_FORMULAS = {
    "wsjf": "(business_value + time_criticality + risk_reduction) / effort",
    "rice": "reach * impact * confidence / effort",
    "ice": "impact * confidence * feasibility",
}
MAX_ATTRIBUTED_INPUTS = 8
"""Formulas reading more inputs than this are explained as one term (2^n evaluations)."""


@dataclass(frozen=True, slots=True)
class Term:
    """One criterion's part in a score: raw input, value used, weight, contribution."""

    criterion: str
    raw: float | None
    normalised: float | None
    weight: float | None
    contribution: float


@dataclass(frozen=True, slots=True)
class Score:
    """An item's score under one model, or the reason it has none."""

    model: str
    value: float | None
    terms: list[Term] = field(default_factory=list)
    message: str | None = None
    discount: float | None = None

    @property
    def breakdown(self) -> dict[str, float]:
        return {term.criterion: term.contribution for term in self.terms}


@dataclass(frozen=True, slots=True)
class ScaledCriterion:
    """A weighted criterion with its bounds resolved (config.Criterion is what backlog.yaml declares)."""

    name: str
    weight: float
    low: float
    high: float
    cost: bool

    def normalise(self, raw: float) -> float:
        scaled = (raw - self.low) / (self.high - self.low)
        scaled = min(1.0, max(0.0, scaled))
        return 1.0 - scaled if self.cost else scaled


@dataclass(frozen=True, slots=True)
class Compiled:
    """A scoring model ready to run: weighted criteria or a formula."""

    name: str
    inputs: tuple[str, ...]
    criteria: tuple[ScaledCriterion, ...] = ()
    formula: Formula | None = None
    discount: bool = False
    floors: Mapping[str, float] = field(default_factory=dict)
    """The low end of each input's scale: where a formula's explanation starts from."""

    def value(self, values: Mapping[str, float]) -> float:
        """The score for these inputs (all present); EvaluationError if it has none."""
        if self.formula is not None:
            result = self.formula(values)
        else:
            total = sum(c.weight for c in self.criteria)
            result = 100.0 * sum(c.weight * c.normalise(values[c.name]) for c in self.criteria) / total
        return result * values["confidence"] if self.discount else result

    def with_weights(self, weights: Mapping[str, float]) -> Compiled:
        """The same model with other weights (for the stability analysis)."""
        criteria = tuple(replace(c, weight=weights.get(c.name, c.weight)) for c in self.criteria)
        return replace(self, criteria=criteria)

    def terms(self, values: Mapping[str, float]) -> list[Term]:
        """Each input's part in the score; the contributions sum to the score."""
        factor = values["confidence"] if self.discount else 1.0
        if self.formula is None:
            total = sum(c.weight for c in self.criteria)
            terms = []
            for c in self.criteria:
                normalised = c.normalise(values[c.name])
                share = 100.0 * c.weight * normalised / total * factor
                terms.append(Term(c.name, values[c.name], normalised, c.weight, share))
            return terms
        return _attributed(self.formula, values, factor, self.floors)


def _attributed(
    formula: Formula, values: Mapping[str, float], factor: float, floors: Mapping[str, float]
) -> list[Term]:
    """Shapley attribution of a formula's value, relative to every scale's low end.

    The value at the low ends is reported as a `baseline` term so that the
    terms sum exactly to the score. When the formula has no value somewhere on
    the way (a division by zero at a low end), the whole score is one term.
    """
    names = sorted(formula.names)
    score = formula(values) * factor
    if not names or len(names) > MAX_ATTRIBUTED_INPUTS:
        return [Term("formula", None, None, None, score)]
    baseline = {name: floors.get(name, 0.0) for name in names}
    try:
        at = {
            subset: formula({n: values[n] if n in subset else baseline[n] for n in names}) * factor
            for size in range(len(names) + 1)
            for subset in map(frozenset, itertools.combinations(names, size))
        }
    except EvaluationError:
        unattributed = [Term(n, values[n], None, None, 0.0) for n in names]
        return [*unattributed, Term("formula", None, None, None, score)]
    n = len(names)
    terms = []
    for name in names:
        share = 0.0
        others = [o for o in names if o != name]
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for subset in map(frozenset, itertools.combinations(others, size)):
                share += weight * (at[subset | {name}] - at[subset])
        terms.append(Term(name, values[name], None, None, share))
    base = at[frozenset()]
    if base != 0.0:
        terms.append(Term("baseline", None, None, None, base))
    return terms


def compile_model(name: str, model: ScoringModel, scales: Mapping[str, Scale] = BUILTIN) -> Compiled:
    """Resolve a configured model over the lab's ``scales``: its criteria's bounds or its parsed formula."""
    source = model.formula if model.type == "formula" else BUILTIN_FORMULAS.get(model.type)
    if source is not None:
        formula = parse(source, names=scales)
        inputs = set(formula.names)
        floors = {key: float(scales[key].low) for key in inputs if key in scales}
        compiled = Compiled(name, (), formula=formula, discount=model.confidence_discount, floors=floors)
    else:
        criteria = tuple(_criterion(name, key, c, scales) for key, c in (model.criteria or {}).items())
        if not criteria:
            raise ConfigError(f"scoring model {name!r} has no criteria")
        inputs = {c.name for c in criteria}
        compiled = Compiled(name, (), criteria=criteria, discount=model.confidence_discount)
    if model.confidence_discount:
        inputs.add("confidence")
    return replace(compiled, inputs=tuple(sorted(inputs)))


def _criterion(model: str, key: str, criterion: object, scales: Mapping[str, Scale]) -> ScaledCriterion:
    from backlogctl.config import Criterion as Declared

    assert isinstance(criterion, Declared)
    scale = scales.get(key)
    bounds = criterion.scale or (None if scale is None else (scale.low, scale.high))
    if bounds is None:
        raise ConfigError(f"scoring model {model!r}: criterion {key!r} needs a scale [low, high]")
    return ScaledCriterion(
        key, criterion.weight, float(bounds[0]), float(bounds[1]), criterion.direction == "cost"
    )


def inputs(model: ScoringModel, scales: Mapping[str, Scale] = BUILTIN) -> set[str]:
    """The score fields a model reads."""
    return set(compile_model("model", model, scales).inputs)


def select(config: Config, model: str | None = None, formula: str | None = None) -> Compiled:
    """The model to rank with: an ad-hoc formula, a named model, or the default."""
    scales = config.score_scales()
    if formula is not None:
        parse(formula, names=scales)  # a FormulaError names the column, before pydantic wraps it
        declared = ScoringModel(type="formula", formula=formula)
        return compile_model(f"formula: {formula.strip()}", declared, scales)
    models = config.scoring.all_models()
    name = model or config.scoring.default
    if name not in models:
        known = ", ".join(sorted(models))
        raise InputError(f"no scoring model named {name!r} (known: {known})")
    return compile_model(name, models[name], scales)


def read_inputs(item: Item, compiled: Compiled) -> tuple[dict[str, float], list[str]]:
    """The item's values for the model's inputs, and the names of those it lacks."""
    values: dict[str, float] = {}
    missing: list[str] = []
    for name in compiled.inputs:
        value = item.score(name)
        if value is None:
            missing.append(name)
        else:
            values[name] = float(value)
    return values, missing


def score_with(item: Item, compiled: Compiled) -> Score:
    """Score one item with a compiled model."""
    values, missing = read_inputs(item, compiled)
    if missing:
        listed = ", ".join(f"scores.{name}" for name in missing)
        return Score(compiled.name, None, message=f"missing {listed}")
    try:
        value = compiled.value(values)
        terms = compiled.terms(values)
    except EvaluationError as exc:
        return Score(compiled.name, None, message=f"{exc} in {compiled.name}")
    discount = values["confidence"] if compiled.discount else None
    return Score(compiled.name, value, terms, discount=discount)


def score(item: Item, model: ScoringModel, *, name: str = "model") -> Score:
    """Score one item under a model."""
    return score_with(item, compile_model(name, model))
