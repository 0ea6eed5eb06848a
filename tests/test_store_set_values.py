"""store.set_values: several fields from one composition, exactly as set_value one after another."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from backlogctl import authoring, store
from backlogctl.errors import InputError
from tests.strategies import edits, item_files


def one_by_one(text: str, values: dict[str, Any]) -> str:
    for dotted, value in values.items():
        text = store.set_value(text, dotted, value)
    return text


@st.composite
def files_and_edits(draw: Callable[..., Any]) -> tuple[str, dict[str, Any]]:
    text, data = draw(item_files())
    values: dict[str, Any] = {}
    for _ in range(draw(st.integers(1, 4))):
        dotted, value = draw(edits(data))
        values[dotted] = value
    return text, values


@settings(max_examples=200, deadline=None)
@given(files_and_edits())
def test_set_values_equals_set_value_one_by_one(case: tuple[str, dict[str, Any]]) -> None:
    text, values = case
    try:
        expected: str | type[InputError] = one_by_one(text, values)
    except InputError:
        expected = InputError
    try:
        got: str | type[InputError] = store.set_values(text, values)
    except InputError:
        got = InputError
    assert got == expected


def test_filling_the_template_as_new_and_import_do() -> None:
    values = {
        "title": 'Churn: B2B "contract" customers',
        "created": dt.date(2026, 12, 1),
        "owner": "Jürgen Weiß",
        "status": "ready",
        "tags": ["sales", "yes", "a: b"],
        "scores.business_value": 13,
        "scores.confidence": 0.8,
        "resources.effort_weeks": 4.5,
        "resources.roles": ["data scientist"],
        "description": "Two lines\nof text",
        "notes": None,
        "import_key": "L-1",
    }
    template = authoring.packaged_template()

    assert store.set_values(template, values) == one_by_one(template, values)
