"""Property tests: an edit changes the field asked for and not one byte elsewhere.

Hypothesis writes item files in many styles (comments, quoting, flow and block
collections, block scalars, blank lines, CRLF, a BOM) and random edits; each
edit must read back as the old data with only that field changed, and every
line outside the edited value's lines must stay byte-identical.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from backlogctl import store
from backlogctl.errors import InputError
from backlogctl.model import get_path
from tests.helpers import examples
from tests.strategies import (
    allowed_lines,
    assert_only_region_changed,
    edits,
    expected_after,
    item_files,
    json_text,
)

# --- the properties -------------------------------------------------------------


@st.composite
def file_and_edit(draw: st.DrawFn) -> tuple[str, dict[str, Any], str, Any]:
    text, parsed = draw(item_files())
    dotted, value = draw(edits(parsed))
    return text, parsed, dotted, value


# A blank line on each side of p's block value: the edit takes the one inside p's lines (before
# "  _: 0") and keeps the one after; a diff matching the longest common prefix blamed the one after.
BLANK_LINES_AROUND_A_BLOCK = 'id: "AI-1"\nm: []\nsz: []\nubhb:\njgmq: 0\np:\n\n  _: 0\n\n_: "_"\n'


@settings(max_examples=examples(250), deadline=None)
@given(file_and_edit())
@example(
    (
        BLANK_LINES_AROUND_A_BLOCK,
        {"id": "AI-1", "m": [], "sz": [], "ubhb": None, "jgmq": 0, "p": {"_": 0}, "_": "_"},
        "p",
        None,
    )
)
def test_set_value_changes_only_the_field(case: tuple[str, dict[str, Any], str, Any]) -> None:
    text, parsed, dotted, value = case
    try:
        after = store.set_value(text, dotted, value)
    except InputError as exc:
        # The one refusal: a flow mapping entry whose value needs several lines.
        assert "flow-style mapping" in exc.message
        return
    assert store.parse(after, Path("edited.yaml")) == expected_after(parsed, dotted, value)
    assert_only_region_changed(text, after, allowed_lines(text, dotted))
    if "\r\n" in text:
        assert "\n" not in after.replace("\r\n", ""), "a CRLF file got a bare LF line"


@settings(max_examples=examples(100), deadline=None)
@given(st.data())
def test_setting_the_same_value_twice_is_stable(data: st.DataObject) -> None:
    text, parsed = data.draw(item_files())
    dotted, value = data.draw(edits(parsed))
    try:
        once = store.set_value(text, dotted, value)
    except InputError:
        return
    assert store.set_value(once, dotted, value) == once or store.parse(
        store.set_value(once, dotted, value), Path("x")
    ) == store.parse(once, Path("x"))


def test_replacing_a_block_value_takes_the_lines_between_key_and_value_and_keeps_the_ones_after() -> None:
    text = "a: 1\np:\n\n  # about p's keys\n  _: 0\n\n# about b\nb: 2\n"
    assert store.set_value(text, "p", None) == "a: 1\np:\n\n# about b\nb: 2\n"
    assert store.set_value(text, "p", 5) == "a: 1\np: 5\n\n# about b\nb: 2\n"
    assert store.set_value(BLANK_LINES_AROUND_A_BLOCK, "p", None).endswith('jgmq: 0\np:\n\n_: "_"\n')
    assert_only_region_changed(
        BLANK_LINES_AROUND_A_BLOCK,
        store.set_value(BLANK_LINES_AROUND_A_BLOCK, "p", None),
        allowed_lines(BLANK_LINES_AROUND_A_BLOCK, "p"),
    )


def test_an_alias_is_replaced_as_a_whole_and_never_edited_through() -> None:
    text = "base: &b\n  k: 1\nother: *b  # shared\nlast: 2\n"
    # The alias's own text is the value: the anchored mapping and the comment stay.
    assert store.set_value(text, "other", 5) == "base: &b\n  k: 1\nother: 5  # shared\nlast: 2\n"
    # Editing a field through *b would change base too.
    with pytest.raises(InputError, match=r"other is an alias \(\*b\)"):
        store.set_value(text, "other.k", 2)
    with pytest.raises(InputError, match=r"other is an alias \(\*b\)"):
        store.remove_value(text, "other.k")


def _yaml_arg(value: Any) -> str:
    """A value as the command line gives it: YAML text (JSON is YAML 1.2)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_arg(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json_text(k)}: {_yaml_arg(v)}" for k, v in value.items()) + "}"
    return json_text(value)


@settings(
    max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), bom=st.booleans())
def test_cli_set_keeps_bom_crlf_and_every_other_byte(
    data: st.DataObject, bom: bool, backlog: Path, run: Callable[..., Any]
) -> None:
    text, parsed = data.draw(item_files())
    dotted, value = data.draw(edits(parsed, cli=True))
    if isinstance(value, dict) and not all(k.isidentifier() for k in value):
        return
    path = backlog / "items" / "AI-1-generated.yaml"
    raw = (b"\xef\xbb\xbf" if bom else b"") + text.encode()
    path.write_bytes(raw)
    result = run("set", "AI-1", f"{dotted}:={_yaml_arg(value)}", "--force")
    assert "Traceback" not in result.output
    after_raw = path.read_bytes()
    if result.exit_code != 0:
        assert after_raw == raw, "a failed set changed the file"
        assert result.stderr.startswith("error: ")
        return
    if "nothing to change" in result.stdout:  # the field already reads as that value
        assert after_raw == raw
        assert get_path(parsed, dotted) == value
        return
    assert after_raw.startswith(b"\xef\xbb\xbf") == bom
    after = after_raw.decode("utf-8-sig")
    assert store.parse(after, path) == expected_after(parsed, dotted, value)
    assert_only_region_changed(text, after, allowed_lines(text, dotted))
    if "\r\n" in text:
        assert "\n" not in after.replace("\r\n", ""), "set wrote a bare LF into a CRLF file"


@pytest.mark.parametrize("base", ["a: [x]\n", "a: {b: 1}\n", "a: 1\n"])
@pytest.mark.parametrize("value", [[":!"], {"k": ":!"}, ":!", ["x]"], ["{"], [1, None, True, "two words"]])
def test_values_ruamel_would_leave_unquoted_in_flow_style_still_parse(base: str, value: object) -> None:
    # Found by the property above: ruamel wrote [":!"] into a flow list as `a: [:!]`, which does not parse.
    after = store.set_value(base, "a", value)
    assert store.parse(after, Path("edited.yaml")) == {"a": value}
