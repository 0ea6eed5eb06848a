"""The lab's own fields: declarations in backlog.yaml (``fields``, ``require_when``).

Each declaration is checked when the configuration loads; a bad one is a
:class:`DeclarationError` that names its key, so ``backlog.yaml:LINE: key:
message`` points at it. :mod:`backlogctl.template` turns the declarations into
the item model.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from backlogctl.model import get_path, known_fields
from backlogctl.scales import Scale

FieldType = Literal["text", "integer", "number", "date", "boolean", "choice", "list", "ids", "url"]
TYPES: tuple[str, ...] = get_args(FieldType)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_STRICT = ConfigDict(extra="forbid")


class DeclarationError(ValueError):
    """A declaration that cannot be used; ``loc`` is its key path in backlog.yaml."""

    def __init__(self, loc: Sequence[str | int], message: str) -> None:
        super().__init__(message)
        self.loc = tuple(loc)


class FieldSpec(BaseModel):
    """One extra item field: its type, what it means and its bounds."""

    model_config = _STRICT

    type: FieldType = Field(description="text, integer, number, date, boolean, choice, list, ids or url.")
    description: str | None = Field(
        None, description="What the field means; shown in the template and editors."
    )
    values: list[str | int | float] | None = Field(None, description="For type choice: the allowed values.")
    min: float | None = Field(None, description="For integer and number: the least allowed value.")
    max: float | None = Field(None, description="For integer and number: the greatest allowed value.")

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        if self.type == "choice":
            if not self.values:
                raise ValueError("a choice field needs values: [...]")
            if len(set(map(str, self.values))) != len(self.values):
                raise ValueError("values must each be listed once")
        elif self.values is not None:
            raise ValueError(f"values is only for type choice, not {self.type}")
        if (self.min is not None or self.max is not None) and self.type not in ("integer", "number"):
            raise ValueError(f"min and max are only for integer and number, not {self.type}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min must not be greater than max")
        return self


class Condition(BaseModel):
    """Fields that become required when an item matches ``when``."""

    model_config = _STRICT

    when: dict[str, Any] = Field(
        min_length=1, description="field: value (or a list of values, any of them) that all must hold."
    )
    fields: list[str] = Field(min_length=1, description="Dotted paths of the fields then required.")
    why: str | None = Field(None, description="The reason, shown in lint's message.")

    def matches(self, data: Mapping[str, Any]) -> bool:
        """True when every ``when`` field of the item's data has (one of) its value(s)."""
        for dotted, wanted in self.when.items():
            value = get_path(data, dotted) if "." in dotted else data.get(dotted)
            if isinstance(wanted, list):
                if value not in wanted:
                    return False
            elif value != wanted:
                return False
        return True

    def describe(self) -> str:
        """``risk_class: high`` as lint says it."""
        parts = []
        for dotted, wanted in self.when.items():
            shown = " or ".join(map(str, wanted)) if isinstance(wanted, list) else str(wanted)
            parts.append(f"{dotted}: {shown}")
        return ", ".join(parts)


def builtin_paths(scales: Iterable[str]) -> set[str]:
    """Every built-in dotted field path, with ``scores.<name>`` for each scale."""
    paths: set[str] = set()
    for level, names in known_fields().items():
        if level == "scores":
            continue
        paths.update(f"{level}.{name}" if level else name for name in names)
    paths.update(f"scores.{name}" for name in scales)
    return paths


def check_declarations(
    fields: Mapping[str, FieldSpec],
    scales: Mapping[str, Scale],
    conditions: Sequence[Condition],
    statuses: Sequence[str],
) -> None:
    """DeclarationError for the first declaration that cannot be used."""
    builtin = builtin_paths(scales)
    objects = {level for level in known_fields() if level}
    for dotted in fields:
        _check_field(dotted, fields, builtin, objects)
    for name in scales:
        if not _NAME.match(name):
            raise DeclarationError(("scales", name), "a score name is letters, digits and _")
    known = builtin | set(fields) | {p.rsplit(".", 1)[0] for p in fields if "." in p}
    for index, condition in enumerate(conditions):
        for dotted, wanted in condition.when.items():
            _check_known(("require_when", index, "when", dotted), dotted, known)
            _check_value(("require_when", index, "when", dotted), dotted, wanted, fields, statuses)
        for dotted in condition.fields:
            _check_known(("require_when", index, "fields"), dotted, known)


def _check_field(dotted: str, fields: Mapping[str, FieldSpec], builtin: set[str], objects: set[str]) -> None:
    loc = ("fields", dotted)
    parts = dotted.split(".")
    if not all(_NAME.match(part) for part in parts):
        raise DeclarationError(loc, "a field path is names of letters, digits and _ joined by dots")
    if parts[0] == "scores":
        raise DeclarationError(loc, f"scores are declared under scales: (scales: {{{parts[-1]}: [1, 2, 3]}})")
    if dotted in builtin:
        raise DeclarationError(loc, "is a built-in field; declare only fields of the lab's own")
    for depth in range(1, len(parts)):
        parent = ".".join(parts[:depth])
        if parent in builtin and parent not in objects:
            raise DeclarationError(loc, f"{parent} is a built-in field that holds a value, not fields")
        if parent in fields:
            raise DeclarationError(loc, f"{parent} is declared as a {fields[parent].type} field, not a group")


def _check_known(loc: tuple[str | int, ...], dotted: str, known: set[str]) -> None:
    if dotted not in known:
        close = difflib.get_close_matches(dotted, sorted(known), n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else "; declare it under fields: first"
        raise DeclarationError(loc, f"unknown field '{dotted}'{hint}")


def _check_value(
    loc: tuple[str | int, ...],
    dotted: str,
    wanted: Any,
    fields: Mapping[str, FieldSpec],
    statuses: Sequence[str],
) -> None:
    allowed: Sequence[Any] | None = None
    if dotted == "status":
        allowed = statuses
    elif dotted in ("kind", "risk_class"):
        from backlogctl.model import Kind, RiskClass

        allowed = [m.value for m in (Kind if dotted == "kind" else RiskClass)]
    elif dotted in fields and fields[dotted].type == "choice":
        allowed = fields[dotted].values
    if allowed is None:
        return
    for value in wanted if isinstance(wanted, list) else [wanted]:
        if value not in allowed:
            raise DeclarationError(loc, f"{value!r} is not one of {', '.join(map(str, allowed))}")
