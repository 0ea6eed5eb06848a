"""The backlog item: fields, scales and enums. No I/O here.

The field descriptions are the documentation: `backlogctl schema` emits them
as JSON Schema for editors, and the README's field table follows them.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

FIBONACCI = (1, 2, 3, 5, 8, 13, 20)
"""The modified Fibonacci scale of relative sizes and values."""
IMPACT_STEPS = (0.25, 0.5, 1, 2, 3)
"""RICE impact: minimal, low, medium, high, massive."""

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


def _on_scale(steps: tuple[float, ...]) -> AfterValidator:
    def check(value: float) -> float:
        if value not in steps:
            allowed = ", ".join(f"{s:g}" for s in steps)
            raise ValueError(f"must be one of {allowed}")
        return value

    return AfterValidator(check)


Fibonacci = Annotated[int, Field(strict=True), _on_scale(FIBONACCI)]
Impact = Annotated[float, _on_scale(IMPACT_STEPS)]

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

    business_value: Fibonacci | None = Field(
        None, description="Value to the business: 1, 2, 3, 5, 8, 13, 20."
    )
    time_criticality: Fibonacci | None = Field(
        None, description="Value lost by waiting: 1, 2, 3, 5, 8, 13, 20."
    )
    risk_reduction: Fibonacci | None = Field(
        None, description="Risk reduced or opportunity enabled: 1, 2, 3, 5, 8, 13, 20."
    )
    feasibility: Annotated[int, Field(strict=True, ge=1, le=5)] | None = Field(
        None, description="Feasibility with the data and skills at hand: 1 (hard) to 5 (easy)."
    )
    effort: Fibonacci | None = Field(None, description="Relative size of the job: 1, 2, 3, 5, 8, 13, 20.")
    confidence: Annotated[float, Field(ge=0, le=1)] | None = Field(
        None, description="Confidence in the estimates: 0 to 1."
    )
    reach: Annotated[float, Field(ge=0)] | None = Field(
        None, description="People or cases affected per quarter."
    )
    impact: Impact | None = Field(None, description="Effect on each of them: 0.25, 0.5, 1, 2 or 3.")


SCORE_FIELDS = tuple(Scores.model_fields)
SCALES: dict[str, tuple[float, float]] = {
    "business_value": (1, 20),
    "time_criticality": (1, 20),
    "risk_reduction": (1, 20),
    "feasibility": (1, 5),
    "effort": (1, 20),
    "confidence": (0, 1),
    "reach": (0, 1_000_000),
    "impact": (0.25, 3),
}
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


def known_fields() -> dict[str, tuple[str, ...]]:
    """Known field names per level, for "did you mean" hints on unknown ones."""
    return {
        "": tuple(Item.model_fields),
        "expected_benefit": tuple(Benefit.model_fields),
        "resources": tuple(Resources.model_fields),
        "scores": SCORE_FIELDS,
    }
