"""Item ids and item files: one module decides what an id is and which files are items."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backlogctl import ids


@pytest.mark.parametrize("text", ["AI-7", "ml-12", "X2-0"])
def test_ids(text: str) -> None:
    assert ids.is_id(text)


@pytest.mark.parametrize("text", ["AI-", "7-AI", "AI-7.yaml", "items/AI-7", "../AI-7", "AI_7", ""])
def test_not_ids(text: str) -> None:
    assert not ids.is_id(text)


def test_parts_and_natural_order() -> None:
    assert ids.parts("AI-12") == ("AI", 12)
    assert ids.parts("AI-12-x") is None
    assert sorted(["AI-10", "AI-9", "AI-100"], key=ids.natural_key) == ["AI-9", "AI-10", "AI-100"]


def test_file_names() -> None:
    assert ids.file_name("AI-7", "Churn prediction (B2B)") == "AI-7-churn-prediction-b2b.yaml"
    assert ids.slugify("Ärger über Öl") == "arger-uber-ol"
    assert ids.slugify("!!!") == "item"
    assert ids.id_from_name("items/sub/AI-7-churn.yaml") == "AI-7"
    assert ids.id_from_name("notes.yaml") is None
    assert ids.name_matches("ai-7-churn.yaml", "AI-7")
    assert not ids.name_matches("AI-70-churn.yaml", "AI-7")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("items/AI-1-a.yaml", True),
        ("items/sub/AI-1-a.yml", True),
        ("items/.hidden/AI-1-a.yaml", False),
        ("items/.AI-1-a.yaml", False),
        ("items/AI-1-a.json", False),
    ],
)
def test_what_counts_as_an_item_path(path: str, expected: bool) -> None:
    assert ids.is_item_path(path, "items") is expected


def test_ids_in_text_read_top_level_id_lines_only() -> None:
    raw = b"# comment\nid: 'AI-3'\nnested:\n  id: AI-9\n"
    assert ids.id_in_text(raw) == "AI-3"
    assert ids.ids_in_text(raw + b"id: AI-4\n") == ["AI-3", "AI-4"]
    assert ids.file_id({"id": "AI-5"}, "items/AI-6-x.yaml") == "AI-5"
    assert ids.file_id(None, "items/AI-6-x.yaml") == "AI-6"


@given(
    st.lists(
        st.sampled_from(
            [
                "id: AI-3",
                "id:'AI-4'",
                'id: "ML-12"x',
                "  id: AI-5",
                "xid: AI-6",
                "id:\tAI-7",
                "id: ",
                "id:id: AI-8",
            ]
        )
        | st.text(alphabet="id: AI-9\r\n'\"", max_size=12),
        max_size=8,
    ),
    st.sampled_from(["\n", "\r\n", ""]),
)
def test_ids_in_text_finds_what_a_multiline_pattern_finds(lines: list[str], newline: str) -> None:
    """The find-then-match scan `new` runs over every file answers as ``^id:…`` with MULTILINE does."""
    raw = newline.join(lines).encode()
    pattern = re.compile(rb"^id:[ \t]*['\"]?(" + ids.ID.encode() + rb")", re.MULTILINE)
    expected = [found.decode() for found in pattern.findall(raw)]
    assert ids.ids_in_text(raw) == expected
    assert ids.id_in_text(raw) == (expected[0] if expected else None)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("AI-7-churn.yaml", "AI-7"),
        ("ai-7.yaml", "ai-7"),
        ("AI-77x.yaml", None),
        ("AI-7-8-x.yaml", "AI-7"),
        ("x.yaml", None),
    ],
)
def test_named_id_follows_name_matches(name: str, expected: str | None) -> None:
    assert ids.named_id(name) == expected
    if expected is not None:
        assert ids.name_matches(name, expected)
