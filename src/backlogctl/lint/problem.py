"""The problem record every lint rule produces, and the rule registry."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from backlogctl.backlog import Entry
    from backlogctl.lint.context import Context

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one item file, as lint reports it."""

    path: str
    """The file, relative to the backlog root, with forward slashes."""
    line: int | None
    column: int | None
    rule: str
    severity: Severity
    item: str | None
    message: str
    field: str | None = None
    """The dotted field the problem is about, when a rule knows it (not in lint's JSON)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule yields: a problem before it has a path and a line.

    ``field`` (a dotted path) lets `check` look the line up, only for files
    that have problems; ``line`` and ``column`` are used when the rule knows
    them already (YAML syntax errors).
    """

    entry: Entry
    message: str
    field: str | None = None
    line: int | None = None
    column: int | None = None


RuleFunction = Callable[["Context"], Iterator[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered lint rule: its id, severity, one-line doc and rationale."""

    id: str
    severity: Severity
    doc: str
    rationale: str
    run: RuleFunction


RULES: dict[str, Rule] = {}
"""Every rule, by id, in the order lint runs them."""


def rule(rule_id: str, severity: Severity, rationale: str) -> Callable[[RuleFunction], RuleFunction]:
    """Register a rule; its docstring's first line is its documentation."""

    def register(func: RuleFunction) -> RuleFunction:
        if rule_id in RULES:
            raise ValueError(f"lint rule {rule_id!r} is registered twice")
        doc = (func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else rule_id
        RULES[rule_id] = Rule(rule_id, severity, doc, " ".join(rationale.split()), func)
        return func

    return register
