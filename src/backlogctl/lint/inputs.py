"""Which score fields a scoring model reads: what `scores.*` requires."""

from __future__ import annotations

import ast

from backlogctl.config import ScoringModel, builtin_models

BUILTIN_INPUTS = {
    "wsjf": ("business_value", "time_criticality", "risk_reduction", "effort"),
    "rice": ("reach", "impact", "confidence", "effort"),
    "ice": ("impact", "confidence", "feasibility"),
}


def inputs_of(model: ScoringModel) -> set[str]:
    """The score fields ``model`` reads (a confidence discount reads confidence too)."""
    if model.type == "formula":
        names = _formula_names(model.formula or "")
    elif model.type == "weighted":
        criteria = model.criteria or builtin_models()["weighted"].criteria or {}
        names = set(criteria)
    else:
        names = set(BUILTIN_INPUTS[model.type])
    if model.confidence_discount:
        names.add("confidence")
    return names


def _formula_names(formula: str) -> set[str]:
    """Variable names in a formula; called names (``log(x)``) are functions, not inputs."""
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError:
        return set()  # the scoring code reports a bad formula; lint must not guess
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and id(node) not in called}
