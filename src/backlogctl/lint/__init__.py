"""Lint: rules as small registered units that yield problem records.

`check(backlog)` runs every rule and returns `Problem`s sorted by path and
line; `RULES` holds each rule's id, severity, one-line doc and rationale.
"""

from __future__ import annotations

# Importing the rule modules registers their rules, in this order.
from backlogctl.lint import fields, links, review, template, unreadable  # noqa: F401
from backlogctl.lint.check import check
from backlogctl.lint.inputs import inputs_of
from backlogctl.lint.problem import RULES, Problem, Rule, Severity

__all__ = ["RULES", "Problem", "Rule", "Severity", "check", "inputs_of"]
