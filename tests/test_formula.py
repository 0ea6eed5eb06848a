"""The safe formula evaluator: what it computes and everything it refuses."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from backlogctl.config import parse_config
from backlogctl.errors import ConfigError
from backlogctl.scoring.formula import MAX_LENGTH, EvaluationError, FormulaError, parse

VALUES = {"business_value": 8.0, "effort": 5.0, "confidence": 0.5, "feasibility": 1.0, "reach": 100.0}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("business_value / effort", 1.6),
        ("(business_value + 2) * confidence", 5.0),
        ("business_value - effort * 2", -2.0),
        ("-effort + 10", 5.0),
        ("effort ** 2", 25.0),
        ("max(business_value, effort, 20)", 20.0),
        ("min(business_value, effort)", 5.0),
        ("sqrt(reach) + abs(-1)", 11.0),
        ("log(reach)", math.log(100)),
        ("2.5e1", 25.0),
    ],
)
def test_computes_arithmetic_over_scores(source: str, expected: float) -> None:
    assert parse(source)(VALUES) == pytest.approx(expected)


def test_names_read_are_the_formula_inputs() -> None:
    assert parse("log(reach) * max(effort, 1) / confidence").names == {"reach", "effort", "confidence"}


def refusal(source: str) -> FormulaError:
    with pytest.raises(FormulaError) as caught:
        parse(source)
    return caught.value


def test_refuses_attribute_access() -> None:
    error = refusal("business_value + effort.real")
    assert "attribute access is not allowed at column 18" in str(error)


def test_refuses_imports() -> None:
    assert "imports are not allowed" in str(refusal("import os"))
    error = refusal("__import__('os').system('true')")
    assert "not allowed" in str(error)


def test_refuses_calls_to_other_names() -> None:
    error = refusal("effort + open('/etc/passwd')")
    assert "calling open is not allowed; the functions are abs, log, max, min, sqrt" in str(error)
    assert str(error).endswith("at column 10")


def test_refuses_huge_exponents() -> None:
    error = refusal("effort ** 1000")
    assert "exponent 1000 is too large; the limit is 10 at column 11" in str(error)


def test_refuses_huge_exponents_computed_at_run_time() -> None:
    formula = parse("effort ** (reach / 5)")
    with pytest.raises(EvaluationError, match="too large"):
        formula(VALUES)


def test_refuses_over_long_formulas() -> None:
    error = refusal("+".join(["effort"] * 100))
    assert f"the limit is {MAX_LENGTH}" in str(error)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("effort > 2", "comparisons are not allowed"),
        ("effort if reach else 1", "not allowed"),
        ("'effort'", "only numbers are allowed"),
        ("effort // 2", "operator // is not allowed"),
        ("effort % 2", "operator % is not allowed"),
        ("[effort][0]", "not allowed"),
        ("(lambda: 1)()", "not allowed"),
        ("log(effort, base=2)", "keyword arguments are not allowed"),
        ("sqrt(effort, reach)", "sqrt takes 1 arguments, not 2"),
        ("efort * 2", "unknown name 'efort' (did you mean effort?) at column 1"),
        ("log", "log is a function"),
        ("effort +", "is not a valid expression"),
        ("", "is empty"),
        ("True + effort", "only numbers are allowed"),
    ],
)
def test_refuses_everything_else_with_a_clear_message(source: str, message: str) -> None:
    assert message in str(refusal(source))


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("business_value / (feasibility - 1)", "division by zero"),
        ("log(feasibility - 1)", "math error"),
        ("sqrt(-effort)", "math error"),
        ("(-effort) ** 0.5", "not a real number"),
    ],
)
def test_per_item_math_errors_are_evaluation_errors(source: str, message: str) -> None:
    with pytest.raises(EvaluationError, match=message):
        parse(source)(VALUES)


def test_bad_formula_in_backlog_yaml_names_model_and_column() -> None:
    data = {"scoring": {"models": {"cfo": {"type": "formula", "formula": "business_value / efort"}}}}
    with pytest.raises(ConfigError) as caught:
        parse_config(data, Path("backlog.yaml"))
    message = str(caught.value)
    assert "scoring.models.cfo" in message
    assert "unknown name 'efort'" in message
    assert "column 18" in message


def test_weighted_criterion_without_a_scale_is_a_config_error() -> None:
    data = {"scoring": {"models": {"mine": {"criteria": {"strategic_fit": {"weight": 1}}}}}}
    with pytest.raises(ConfigError, match=r"strategic_fit.*give it a scale"):
        parse_config(data, Path("backlog.yaml"))
