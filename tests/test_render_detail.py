"""`show`'s text page: written without rich when rich would print it unchanged, and then the same.

Output that is not a terminal gets no styles from rich, only its lines wrapped at
the console's width; `render.detail` writes lines that are printable ASCII, fit and
hold no emoji code itself (rich's import is a fifth of `show`'s start-up). These
tests compare that page with rich's own on the same lines.
"""

from __future__ import annotations

import contextlib
import io
import os
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backlogctl.render import console, detail

PIECE = st.one_of(
    st.sampled_from(
        [" ", ":", "[", "]", "\\", "/", "=", "#", "*", "_", "-", ".", ",", "'", '"', "@", "~", "<", ">"]
    ),
    st.sampled_from(
        [
            "[bold]",
            "[/]",
            "[/dim]",
            ":smile:",
            ":x:",
            "a:b:",
            "\t",
            "\n",
            "\r",
            "\x1b[31m",
            "\x07",
            "é",
            "中",
            "  ",
        ]
    ),
    st.characters(codec="ascii"),
    st.text("abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=12),
)
TEXT = st.lists(PIECE, max_size=10).map("".join)
VALUE = st.one_of(
    TEXT, st.integers(), st.none(), st.lists(TEXT, max_size=3), st.dictionaries(TEXT, TEXT, max_size=3)
)
DATA = st.dictionaries(TEXT.filter(bool), VALUE, max_size=5)
ASCII = st.text("abcxyz  :[]\\/=#*_-.,'@~<>0123456789\n", max_size=30)
"""Text that mostly fits (the plain path), with the brackets and backslashes rich's markup escapes."""


def page(path: str, data: dict[str, Any], width: int, *, plain: bool, monkeypatch: pytest.MonkeyPatch) -> str:
    """The text page as `show` prints it to a pipe, with the plain path allowed or not."""
    monkeypatch.setenv("COLUMNS", str(width))
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    if not plain:
        monkeypatch.setattr(console, "plain_width", lambda: None)
    console.reset()
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            detail._text(path, data, None)
    finally:
        console.reset()
        monkeypatch.undo()
    return out.getvalue()


def assert_page_is_what_rich_prints(path: str, data: dict[str, Any], width: int) -> None:
    """The page by the plain path, where it is allowed, equals rich's own page."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        ours = page(path, data, width, plain=True, monkeypatch=monkeypatch)
    with pytest.MonkeyPatch.context() as monkeypatch:
        theirs = page(path, data, width, plain=False, monkeypatch=monkeypatch)
    assert ours == theirs


@settings(deadline=None)
@given(path=TEXT, data=DATA, width=st.integers(1, 130))
def test_the_page_is_what_rich_prints(path: str, data: dict[str, Any], width: int) -> None:
    assert_page_is_what_rich_prints(path, data, width)


@settings(deadline=None)
@given(
    path=ASCII,
    data=st.dictionaries(ASCII.filter(bool), st.one_of(ASCII, st.dictionaries(ASCII, ASCII))),
    width=st.integers(1, 40),
)
def test_a_page_of_ascii_is_what_rich_prints(path: str, data: dict[str, Any], width: int) -> None:
    assert_page_is_what_rich_prints(path, data, width)


def test_a_page_that_fits_is_written_without_the_console(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int] = []
    monkeypatch.setattr(console, "console", lambda: made.append(1))
    monkeypatch.setenv("COLUMNS", "80")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        detail._text("items/AI-7-churn.yaml", {"id": "AI-7", "title": "Churn", "scores": {"effort": 3}}, None)
    assert made == []
    assert out.getvalue() == "AI-7  Churn\nitems/AI-7-churn.yaml\nscores:\n  effort: 3\n"


@pytest.mark.parametrize(
    ("line", "plain"),
    [
        ("title: Predicts churn: monthly", True),
        ("x" * 200, True),  # wrapped as rich wraps it
        ("description: " + "x" * 60 + "\n" + "y" * 80 + "\n", True),  # a block scalar
        ("tags: a\tb", False),  # rich expands tabs
        ("title: caf\u00e9", False),  # cell widths are rich's business
        ("title: a :rocket: launch", False),  # rich replaces emoji codes
        ("at 10:30:00", False),
        ("bell \x07", False),
        ("path: C:\\[temp]", False),  # rich prints "\\[" as "[" even when escaped
    ],
)
def test_what_is_plain(line: str, plain: bool) -> None:
    assert detail._plain(line) is plain


@pytest.mark.parametrize(
    ("text", "width", "rows"),
    [
        ("notes: one two three", 80, ["notes: one two three"]),
        ("notes: one two three", 11, ["notes: one ", "two three"]),  # a space within the row stays
        ("notes: abcdefghijklmnop", 8, ["notes: ", "abcdefgh", "ijklmnop"]),
        ("a    ", 2, ["a "]),
        ("", 5, [""]),
    ],
)
def test_rows_wrap_as_rich_wraps_them(text: str, width: int, rows: list[str]) -> None:
    assert detail._wrap(text, width) == rows


@pytest.mark.parametrize(
    "environ",
    [
        {"COLUMNS": "57"},
        {"COLUMNS": "200", "LINES": "10"},
        {"COLUMNS": "0"},
        {"COLUMNS": "wide"},
        {},
        {"FORCE_COLOR": "1"},
        {"FORCE_COLOR": ""},
        {"TTY_COMPATIBLE": "1"},
        {"TTY_COMPATIBLE": "0"},
        {"NO_COLOR": "1", "COLUMNS": "90"},
        {"TERM": "dumb"},
    ],
)
def test_plain_width_is_the_width_of_a_console_that_prints_no_styles(
    environ: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.console import Console

    for name in ("COLUMNS", "LINES", "FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        width = console.plain_width()
        rich = Console(highlight=False, soft_wrap=False)
        if width is not None:
            assert not rich.is_terminal
            assert rich.width == width
        assert os.environ.get("FORCE_COLOR") is None or width is None
