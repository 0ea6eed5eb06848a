"""The edit composer (libyaml's events) finds the spans ruamel's round-trip composer finds.

`store.edit` builds its node tree from parser events: libyaml's where it
accepts the text, ruamel's own parser where it refuses a YAML 1.2 spelling.
Edits keep every other byte only if the spans are right, so the tree is
compared node by node (kind, start, end, style, flow style, null, text) with
the tree of ruamel's pure round-trip composer, over generated item files, the
scalars where YAML readers disagree, and every fixture file.
"""

from __future__ import annotations

import contextlib
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from backlogctl.errors import InputError
from backlogctl.store import edit
from backlogctl.store.read import LIBYAML_MISREADS
from tests.helpers import REPO, examples
from tests.strategies import item_files

TRICKY = "0123456789_+-.eE:aAnN #'\",[]{}?!&*|>%@`~=\t\r\u2028\x85\ufeffé😀\n"
PLACES = [
    "a: {}\n",
    "a: [{}]\n",
    "a:\n- {}\n",
    "a: [x,\n  {}]\n",
    "a: {{b: 1,\n  c: {}}}\n",
    "{}: v\n",
    "a:\n  b: {}\n  c:\n",
    "a: '{}'\n",
    'a: "{}"\n',
    "a: |+\n  {}\n\nb: 1\n",
    "a: >-\n  {}\n  x\nb:\n",
    "a: &x {}\nb: *x\n",
    "? {}\n: v\n",
]


def shape(node: Any) -> Any:
    """What an edit reads from a node; an alias reads as the node it names (as ruamel composes it)."""
    kind = type(node).__name__
    if kind == "AliasNode":
        return shape(node.target)
    if node is None:
        return None
    start, end = node.start_mark.index, node.end_mark.index
    span = ("empty", start == end) if kind == "ScalarNode" and start == end else (start, end)
    if kind == "ScalarNode":
        text = node.value.replace("\a", "") if node.style == ">" else node.value  # rt marks folds with \a
        return (kind, span, node.style, node.tag.endswith(":null"), text)
    if kind == "MappingNode":
        children: Any = [(shape(k), shape(v)) for k, v in node.value]
    else:
        children = [shape(v) for v in node.value]
    return (kind, span, bool(node.flow_style), children)


def round_trip(text: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return YAML().compose(text)


def libyaml(text: str) -> Any:
    return edit._build(YAML(typ="safe", pure=False).parse(text))


def check(text: str) -> None:
    """Both composers accept ``text`` and agree, or ruamel refuses it.

    libyaml accepts a few texts ruamel's scanner refuses (``a: <tab>``, which
    the reader reads as ``a: null`` too); the edit is then re-read by the
    reader like every edit, so only "no crash" is asked of compose() there.
    """
    try:
        expected = shape(round_trip(text))
    except (YAMLError, NotImplementedError):  # ruamel gives up on some comments: '#\x85'
        with contextlib.suppress(InputError):
            edit.compose(text)
        return
    except RecursionError:
        return
    assert shape(edit.compose(text)) == expected, f"compose() disagrees on {text!r}"
    if edit._NOT_FOR_LIBYAML.search(text) is None and LIBYAML_MISREADS.search(text) is None:
        try:
            fast = libyaml(text)
        except (YAMLError, InputError):
            return  # libyaml refuses a YAML 1.2 spelling: compose() used ruamel's parser
        assert shape(fast) == expected, f"libyaml's events disagree on {text!r}"


@settings(max_examples=examples(200), deadline=None)
@given(item_files())
def test_generated_item_files(file: tuple[str, dict[str, Any]]) -> None:
    check(file[0])


@settings(max_examples=examples(300), deadline=None)
@given(st.sampled_from(PLACES), st.text(alphabet=st.sampled_from(TRICKY), min_size=1, max_size=8))
def test_generated_scalars_in_every_place(place: str, scalar: str) -> None:
    check(place.format(scalar))


FIXTURES = sorted(
    path
    for folder in ("tests/data", "tests/bad-inputs", "tests/examples", "examples")
    for path in (REPO / folder).rglob("*")
    if path.suffix in (".yaml", ".yml") and path.is_file()
)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(REPO)))
def test_fixture_files(path: Path) -> None:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: a fixture for the error paths")
    try:
        check(text)
    except InputError as error:
        if "nested too deeply" not in error.message and "KiB" not in error.message:
            raise


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\r\nb: # c\r\n  - x\r\n\r\nc: |+\r\n  y\r\n\r\n",
        "a: &x\n  k: 1\nb: *x\nc: [*x, &y 2, *y]\n",
        "a: &x:y 1\nb: *x:y\nc: &0:0\n",
        "a: &x\n  b: *x\n",
        "%YAML 1.2\n---\na: !!null\nb: !!str null\nc: ! 1\nd: ~\ne: 'null'\n...\n",
        "? [a, b]\n: c\n? d\n",
        "a: 'it''s\n  long'\nb: \"x\\\n  y\"\nc: plain\n  more\n",
        "a:\n- - x\n  - y\n-\n- {k: v,\n   l: [1,\n  2]}\n",
        "a: {x: 1, y: }\nb: [ ]\nc: { }\n",
        "a: 😀ü\nb: [😀, ü]\n",
        "",
        "# only a comment\n",
        "- a\n- b\n",
    ],
)
def test_hand_written_documents(text: str) -> None:
    check(text)


def test_more_than_one_document_is_refused() -> None:
    with pytest.raises(InputError, match="more than one document"):
        edit.compose("a: 1\n---\nb: 2\n")


@pytest.mark.parametrize("command", [["set", "AI-1", "scores.effort=5"], ["unset", "AI-1", "tags"]])
def test_a_comment_the_editor_cannot_keep_is_one_line_naming_the_file(
    run: Any, example: Path, command: list[str]
) -> None:
    """ruamel gives up on a NEL in a comment (NotImplementedError): exit 2, file named, nothing written."""
    path = next((example / "items").glob("AI-1-*.yaml"))
    path.write_text(path.read_text(encoding="utf-8") + "x: #\x850\n\n", encoding="utf-8")
    before = path.read_bytes()
    result = run(*command, cwd=example)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: the YAML editor cannot keep a comment")
    assert len(result.stderr.strip().splitlines()) == 1
    assert path.read_bytes() == before
