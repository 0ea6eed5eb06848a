"""Hypothesis strategies for item files and edits, shared by the round-trip tests."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from backlogctl import store
from backlogctl.errors import InputError
from backlogctl.store import edit

WORD = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8).filter(
    lambda w: w not in ("y", "n", "yes", "no", "on", "off", "true", "false", "null")
)
PLAIN_TEXT = st.lists(WORD, min_size=1, max_size=4).map(" ".join)
ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
TRICKY_TEXT = st.sampled_from(
    [
        "yes",
        "no",
        "null",
        "~",
        ": x",
        "a: b",
        "# not a comment",
        "*star",
        "&amp",
        "!bang",
        "2026-01-01",
        "2026-13-40",
        "- dash",
        "[x]",
        "{y}",
        "'q'",
        '"dq"',
        "100",
        "1e3",
        "0x1F",
        ".inf",
        " lead",
        "trail ",
        "tab\there",
        "two\nlines",
        "ends\n",
        "\n",
        "",
        "ünïcödé",
        "a, b",
        "%pct",
        "@at",
        "`tick",
        "|",
        ">",
    ]
)
SCALAR = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.none(),
    st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)),
    PLAIN_TEXT,
    ANY_TEXT,
    TRICKY_TEXT,
)
VALUE = st.recursive(
    SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(WORD, inner, max_size=3)),
    max_leaves=6,
)


# --- writing item files in varied styles -----------------------------------


def _plain_ok(text: str) -> bool:
    if not text or text.strip() != text:
        return False
    try:
        return bool(store.parse(f"k: {text}\n", Path("x")) == {"k": text})
    except InputError:
        return False


def _scalar(draw: Callable[..., Any], value: Any) -> str:
    """One scalar as YAML text, in a style hypothesis picks."""
    if value is None:
        return draw(st.sampled_from(["", " null", " ~"]))
    if isinstance(value, bool | int | float | dt.date):
        return " " + (json.dumps(value) if not isinstance(value, dt.date) else value.isoformat())
    styles = ["double"]
    if "\n" not in value and "\r" not in value and all(c.isprintable() for c in value):
        styles.append("single")
        if _plain_ok(value) and "#" not in value and ": " not in value:
            styles.append("plain")
    style = draw(st.sampled_from(styles))
    if style == "plain":
        return " " + value
    if style == "single":
        return " '" + value.replace("'", "''") + "'"
    return " " + json_text(value)


def _lines(draw: Callable[..., Any], data: dict[str, Any], indent: int, step: int) -> list[str]:
    lines: list[str] = []
    pad = " " * indent
    for key, value in data.items():
        if draw(st.booleans()):
            lines.extend(draw(st.sampled_from([[""], [pad + "# a comment"], ["", pad + "#  more: [x] # y"]])))
        head = f"{pad}{key}:"
        block = bool(value) and draw(st.booleans())
        if isinstance(value, dict) and block:
            lines.append(head + draw(st.sampled_from(["", "  # section"])))
            lines.extend(_lines(draw, value, indent + step, step))
        elif isinstance(value, dict | list) and not block:
            lines.append(head + " " + _flow(value))
        elif isinstance(value, list):
            lines.append(head)
            dash = pad + " " * draw(st.sampled_from([0, step]))
            lines.extend(f"{dash}-{_flow_or_scalar(draw, element)}" for element in value)
        elif isinstance(value, str) and edit._literal_ok(value) and draw(st.booleans()):
            lines.append(head + " |-")
            lines.extend((pad + " " * step + line) if line else "" for line in value.split("\n"))
        else:
            lines.append(head + _scalar(draw, value) + draw(st.sampled_from(["", "  # why"])))
    return lines


def json_text(value: Any) -> str:
    """JSON, which YAML 1.2 reads as the same data (raw text, YAML-escaped controls)."""
    text = json.dumps(value, default=str, ensure_ascii=False)
    return re.sub("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]", lambda m: f"\\u{ord(m.group()):04x}", text)


def _flow(value: Any) -> str:
    """A collection in flow style."""
    return json_text(value)


def _flow_or_scalar(draw: Callable[..., Any], element: Any) -> str:
    if isinstance(element, dt.date):
        return " " + str(element)
    if isinstance(element, dict | list):
        return " " + json_text(element)
    return _scalar(draw, element) or " null"


def _no_dates_in(value: Any) -> bool:
    """JSON flow text turns dates into strings; keep such documents out of flow style."""
    if isinstance(value, dt.date):
        return False
    if isinstance(value, dict):
        return all(_no_dates_in(v) for v in value.values())
    if isinstance(value, list):
        return all(_no_dates_in(v) for v in value)
    return True


@st.composite
def item_files(draw: Callable[..., Any]) -> tuple[str, dict[str, Any]]:
    """An item file's text (without BOM) and the data it holds."""
    fields = draw(st.dictionaries(WORD, VALUE.filter(_no_dates_in), min_size=1, max_size=6))
    data = {"id": "AI-1", **fields}
    step = draw(st.sampled_from([2, 4]))
    lines = ["# yaml-language-server: $schema=../item.schema.json"] if draw(st.booleans()) else []
    lines += _lines(draw, data, 0, step)
    if draw(st.booleans()):
        lines += ["notes: |", " " * step + "kept", " " * step + "text", ""]
        data["notes"] = "kept\ntext\n"
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    ending = draw(st.sampled_from([newline, ""]))
    text = newline.join(lines) + ending
    return text, store.parse(text, Path("generated.yaml"))


@st.composite
def edits(draw: Callable[..., Any], data: dict[str, Any], cli: bool = False) -> tuple[str, Any]:
    """A dotted path (existing, new, or through a null or a mapping) and a value."""
    key = WORD if cli else st.one_of(WORD, st.sampled_from(["weird key", "true", "x:y", "#h", "ünï"]))
    existing = [k for k in data if k != "id"]
    parents = [k for k, v in data.items() if isinstance(v, dict) or v is None]
    choices = [key.map(lambda k: [k])]
    if existing:
        choices.append(st.sampled_from(existing).map(lambda k: [k]))
    if parents:
        choices.append(st.tuples(st.sampled_from(parents), key).map(list))
        nested = [[p, k] for p in parents if isinstance(data[p], dict) for k in data[p]]
        if nested:
            choices.append(st.sampled_from(nested))
    path = draw(st.one_of(*choices))
    if path == ["id"]:
        path = ["other"]
    return ".".join(path), draw(VALUE)


# --- what an edit may change --------------------------------------------------


def expected_after(data: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    result = copy.deepcopy(data)
    node = result
    *parents, leaf = dotted.split(".")
    for name in parents:
        if not isinstance(node.get(name), dict):
            node[name] = {}
        node = node[name]
    node[leaf] = value
    return result


def allowed_lines(text: str, dotted: str) -> range:
    """Original lines an edit of ``dotted`` may touch: the deepest existing key's lines."""
    node = edit.compose(text)
    region = range(0)
    for part in dotted.split("."):
        if node is None or type(node).__name__ != "MappingNode":
            break
        found = edit._find(node, part)
        if found is None:
            break
        key_node, value_node = found
        end = edit._content_end(value_node, text)
        region = range(key_node.start_mark.line, text.count("\n", 0, max(end - 1, 0)) + 1)
        node = value_node
    return region


def assert_only_region_changed(before: str, after: str, region: range) -> None:
    """Every line of ``before`` outside ``region`` is in ``after``, in order and byte for byte.

    Identical lines (blank ones) make the diff ambiguous: ``p:`` + blank +
    ``  _: 0`` + blank, with p's value removed, leaves one blank line, and
    matching the longest common prefix credits the edit with removing the
    blank line *after* the value. So every split that keeps a common head and
    tail is tried, and the edit passes when one of them changes only lines in
    ``region`` (or only inserts lines).
    """
    old = before.splitlines(keepends=True)
    new = after.splitlines(keepends=True)
    prefix = 0
    while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(old), len(new)) and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    splits = []
    for head in range(prefix + 1):
        tail = min(suffix, len(old) - head, len(new) - head)
        changed = range(head, len(old) - tail)
        if old and not old[-1].endswith("\n") and changed and changed[-1] == len(old) - 1:
            changed = range(changed.start, changed.stop - 1)  # a line break added after the last line
        splits.append(changed)
    assert any(not c or (region.start <= c.start and c.stop <= region.stop) for c in splits), (
        f"lines {list(splits[-1])} changed, only {list(region)} may\n--- before\n{before}\n--- after\n{after}"
    )
