"""model: dotted field paths (`scores.effort`) in nested mappings."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from backlogctl.editing import check_reads_back
from backlogctl.errors import InputError
from backlogctl.model import get_path, has_path, set_path

DATA: dict[str, Any] = {"title": "OCR", "owner": None, "scores": {"effort": 3}, "tags": ["a"]}


@pytest.mark.parametrize(
    ("dotted", "has", "value"),
    [
        ("title", True, "OCR"),
        ("owner", True, None),  # written, with no value
        ("scores", True, {"effort": 3}),
        ("scores.effort", True, 3),
        ("scores.reach", False, None),
        ("team", False, None),
        ("title.x", False, None),  # inside a text
        ("tags.a", False, None),  # inside a list
        ("owner.x", False, None),
    ],
)
def test_a_path_is_found_only_where_it_is_written(dotted: str, has: bool, value: Any) -> None:
    assert has_path(DATA, dotted) is has
    assert get_path(DATA, dotted) == value


@pytest.mark.parametrize(
    ("dotted", "after"),
    [
        ("scores.effort", {**DATA, "scores": {"effort": 8}}),
        ("scores.reach", {**DATA, "scores": {"effort": 3, "reach": 8}}),
        ("team.lead", {**DATA, "team": {"lead": 8}}),
        ("title.x", {**DATA, "title": {"x": 8}}),  # a parent that is not a mapping becomes one
        ("tags", {**DATA, "tags": 8}),
    ],
)
def test_setting_a_path_makes_its_parents(dotted: str, after: dict[str, Any]) -> None:
    data = copy.deepcopy(DATA)
    set_path(data, dotted, 8)
    assert data == after
    assert has_path(data, dotted)


def test_an_edit_must_read_back_as_asked() -> None:
    path = Path("AI-1.yaml")
    set_effort = {"scores.effort": 8}
    check_reads_back(DATA, {**DATA, "scores": {"effort": 8}}, set_effort, [], path)
    check_reads_back(DATA, {**DATA, "scores": {}}, {}, ["scores.effort"], path)
    with pytest.raises(InputError, match="would not read back as intended; nothing was written"):
        check_reads_back(DATA, {**DATA, "scores": {"effort": 8}, "owner": "anna"}, set_effort, [], path)
    with pytest.raises(InputError, match="would not read back as intended"):
        check_reads_back(DATA, DATA, set_effort, [], path)
