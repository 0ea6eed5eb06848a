"""The backlog item: fields, scales and enums. No I/O here.

The field descriptions are the documentation: `backlogctl schema` emits them
as JSON Schema for editors, and the README's field table follows them.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

from backlogctl.scales import BUILTIN, Scale, bounds
from backlogctl.scales import FIBONACCI as FIBONACCI  # re-exported; the home of scales is backlogctl.scales
from backlogctl.scales import IMPACT_STEPS as IMPACT_STEPS

PLACEHOLDER_WORDS = frozenset({"todo", "tbd", "fixme", "xxx", "?"})
_PLACEHOLDER_TEXT = re.compile(
    r"\s*(?:" + "|".join(map(re.escape, sorted(PLACEHOLDER_WORDS))) + r"|<.*>)?\s*\Z",
    re.IGNORECASE | re.DOTALL,
)


class Kind(StrEnum):
    """What the work on a model is."""

    NEW = "new"
    IMPLEMENT = "implement"
    REVISE = "revise"
    RETIRE = "retire"


class RiskClass(StrEnum):
    """Risk class under the EU AI Act."""

    MINIMAL = "minimal"
    LIMITED = "limited"
    HIGH = "high"
    UNACCEPTABLE = "unacceptable"
    UNASSESSED = "unassessed"


def score_type(scale: Scale) -> Any:
    """The pydantic type of a score on ``scale``: its number type, checked against the scale."""

    def check(value: float) -> float:
        problem = scale.problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value

    number: Any = Annotated[int, Field(strict=True)] if scale.integer else float
    return Annotated[number, AfterValidator(check), WithJsonSchema(scale.json_schema())]


def score_field(scale: Scale) -> Any:
    """A ``scores.`` field on ``scale``, unset by default."""
    return Field(None, description=scale.description or None)


if TYPE_CHECKING:
    _Fibonacci = int
    _Feasibility = int
    _Confidence = float
    _Reach = float
    _Impact = float
else:
    _Fibonacci = score_type(BUILTIN["effort"])
    _Feasibility = score_type(BUILTIN["feasibility"])
    _Confidence = score_type(BUILTIN["confidence"])
    _Reach = score_type(BUILTIN["reach"])
    _Impact = score_type(BUILTIN["impact"])

_OPEN = ConfigDict(extra="allow", populate_by_name=True)


class Benefit(BaseModel):
    """The expected benefit, stated so that it can be measured."""

    model_config = _OPEN

    summary: str | None = Field(None, description="The benefit in one sentence.")
    metric: str | None = Field(None, description="The metric that shows the benefit.")
    baseline: str | float | None = Field(None, description="The metric's value today.")
    target: str | float | None = Field(None, description="The metric's value once the model is in use.")


class Resources(BaseModel):
    """What the work needs."""

    model_config = _OPEN

    effort_weeks: float | None = Field(None, ge=0, description="Person-weeks until the model is in use.")
    roles: list[str] = Field(
        default_factory=list, description="Roles needed, e.g. data scientist, ML engineer."
    )
    compute: str | None = Field(None, description="Compute needed for training and serving.")
    data: str | None = Field(None, description="Data needed and whether it is available today.")


class Scores(BaseModel):
    """Scoring inputs; the active scoring model decides which of them count."""

    model_config = _OPEN

    business_value: _Fibonacci | None = score_field(BUILTIN["business_value"])
    time_criticality: _Fibonacci | None = score_field(BUILTIN["time_criticality"])
    risk_reduction: _Fibonacci | None = score_field(BUILTIN["risk_reduction"])
    feasibility: _Feasibility | None = score_field(BUILTIN["feasibility"])
    effort: _Fibonacci | None = score_field(BUILTIN["effort"])
    confidence: _Confidence | None = score_field(BUILTIN["confidence"])
    reach: _Reach | None = score_field(BUILTIN["reach"])
    impact: _Impact | None = score_field(BUILTIN["impact"])


SCORE_FIELDS = tuple(Scores.model_fields)
SCALES: dict[str, tuple[float, float]] = bounds(BUILTIN)
"""Declared bounds of each score, used to normalise it to 0-1."""


class Item(BaseModel):
    """One model in the backlog: one YAML file."""

    model_config = ConfigDict(extra="allow", title="backlogctl item")

    id: str = Field(description="The item's id, <PREFIX>-<N>; authoritative over the file name.")
    title: str = Field(description="A short name people use in the meeting.")
    kind: Kind | None = Field(None, description="new, implement, revise or retire.")
    status: str | None = Field(None, description="Lifecycle status; backlog.yaml lists the allowed ones.")
    owner: str | None = Field(None, description="The one person who answers for the item.")
    team: str | None = Field(None, description="The team that would do the work.")
    stakeholders: list[str] = Field(default_factory=list, description="Who decides or benefits.")
    created: dt.date | None = Field(None, description="When the item was created.")
    last_reviewed: dt.date | None = Field(None, description="When the item was last reviewed.")
    decision: str | None = Field(None, description="The business decision this model should improve.")
    description: str | None = Field(
        None, description="The model: what it predicts or produces, inputs, approach."
    )
    expected_benefit: Benefit | None = Field(None, description="The benefit, measurable.")
    resources: Resources | None = Field(None, description="Required resources.")
    scores: Scores = Field(default_factory=Scores, description="Scoring inputs.")
    risk_class: RiskClass = Field(RiskClass.UNASSESSED, description="EU AI Act risk class.")
    depends_on: list[str] = Field(default_factory=list, description="Ids of items that must be done first.")
    tags: list[str] = Field(default_factory=list, description="Free-form labels.")
    links: list[str] = Field(default_factory=list, description="Dashboards, tickets, papers.")
    notes: str | None = Field(None, description="Anything else.")
    import_key: str | None = Field(
        None,
        description="The row's key in the spreadsheet or tracker it came from (import --key); "
        "re-running the import skips it.",
    )

    def score(self, name: str) -> float | None:
        """The raw value of one score field, or None when it is not set."""
        value = getattr(self.scores, name, None)
        if value is None and self.scores.model_extra:
            value = self.scores.model_extra.get(name)
        return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def is_placeholder(value: Any) -> bool:
    """True for values that the template leaves behind or that say nothing."""
    if value is None:
        return True
    if isinstance(value, str):
        # One anchored regex: long prose fails at its first character, without copies.
        return _PLACEHOLDER_TEXT.match(value) is not None
    if isinstance(value, list | dict):
        return not value
    return False


def get_path(data: Any, dotted: str) -> Any:
    """Look up a dotted field path (``scores.effort``) in nested mappings."""
    for part in dotted.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def has_path(data: Any, dotted: str) -> bool:
    """Whether a dotted field path is written in nested mappings (its value may be None)."""
    for part in dotted.split("."):
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True


def set_path(data: dict[str, Any], dotted: str, value: Any) -> None:
    """Set a dotted field path in nested mappings, making a mapping of each parent that is not one."""
    *parents, leaf = dotted.split(".")
    for part in parents:
        if not isinstance(data.get(part), dict):
            data[part] = {}
        data = data[part]
    data[leaf] = value


def known_fields() -> dict[str, tuple[str, ...]]:
    """Built-in field names per level; ``template.field_levels`` gives a lab's own."""
    return {
        "": tuple(Item.model_fields),
        "expected_benefit": tuple(Benefit.model_fields),
        "resources": tuple(Resources.model_fields),
        "scores": SCORE_FIELDS,
    }
