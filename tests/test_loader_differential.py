"""The fast read path gives exactly the data of ruamel's round-trip loader.

Every YAML file in examples/ and tests/examples/, the template, and
hypothesis-generated items full of scalars where YAML parsers disagree
(``no``, quoted dates, ``.5e3``, octal, block scalars...). Types count:
a date is a ``datetime.date``, ``no`` a ``str``, ``1.0`` a ``float``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from backlogctl.errors import InputError
from backlogctl.store import fast, parse
from backlogctl.store.read import parse_exact
from tests.helpers import examples, same

REPO = Path(__file__).resolve().parents[1]
FILES = sorted(
    {
        *REPO.glob("examples/**/*.yaml"),
        *REPO.glob("examples/**/*.yml"),
        *REPO.glob("tests/examples/**/*.yaml"),
        *REPO.glob("tests/examples/**/*.yml"),
        REPO / "templates" / "item.yaml",
    }
)


def reference(text: str) -> Any:
    """ruamel's round-trip loader, as plain Python values."""
    return plain(YAML(typ="rt").load(text))


class Tagged(Exception):
    """The round-trip loader kept a tag object: no plain data to compare with."""


def plain(node: Any) -> Any:
    from ruamel.yaml.comments import TaggedScalar
    from ruamel.yaml.scalarbool import ScalarBoolean
    from ruamel.yaml.scalarfloat import ScalarFloat
    from ruamel.yaml.scalarint import ScalarInt
    from ruamel.yaml.timestamp import TimeStamp

    if isinstance(node, TaggedScalar):
        raise Tagged(node)
    if isinstance(node, dict):
        return {plain(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, tuple):
        return tuple(plain(v) for v in node)
    if isinstance(node, bool | ScalarBoolean):
        return bool(node)
    if isinstance(node, ScalarFloat):
        return float(node)
    if isinstance(node, ScalarInt):
        return int(node)
    if isinstance(node, TimeStamp):
        return dt.datetime(*node.timetuple()[:6], node.microsecond, node.tzinfo)
    if isinstance(node, str):
        return str(node)
    return node


def agrees(text: str) -> None:
    """The fast path, when it answers, gives the reference's data; parse() always does."""
    try:
        expected = reference(text)
    except Tagged:
        # Explicit and odd tags (``!!str``, ``=``) are left to ruamel's safe loader.
        assert fast.parse(text) is fast.UNSURE
        return
    except Exception:
        expected = InputError
    answer = fast.parse(text)
    if answer is not fast.UNSURE:
        assert expected is not InputError, f"fast path accepted what ruamel rejects:\n{text}"
        assert same(answer, expected), f"{answer!r}\n!=\n{expected!r}\nfor:\n{text}"
    try:
        got = parse(text, Path("item.yaml"))
    except InputError:
        # Refusing is always safe; ruamel's safe loader (the exact path) is stricter
        # than the round-trip loader at a few edges (": v", "[12:30:45]").
        assert answer is fast.UNSURE
        return
    assert expected is not InputError, f"accepted what ruamel rejects:\n{text}"
    assert same(got, expected), f"{got!r}\n!=\n{expected!r}\nfor:\n{text}"


def test_there_are_files_to_compare() -> None:
    assert len(FILES) >= 2


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_repository_yaml_file_reads_the_same(path: Path) -> None:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: the decoder refuses it before any parser runs")
    agrees(text)


def test_a_url_in_a_flow_list_reads_the_same_on_both_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    # Found by CI's run with BACKLOGCTL_FAST_YAML=0: libyaml's scanner refuses
    # "[https://x]", which yaml-rs and ruamel's own scanner (the reference) read as
    # the URL; the exact path falls back to ruamel's scanner, so both paths agree.
    monkeypatch.delenv("BACKLOGCTL_FAST_YAML", raising=False)
    text = "id: AI-1\nlinks: [https://wiki.example.org/x]\n"
    assert fast.parse(text) == {"id": "AI-1", "links": ["https://wiki.example.org/x"]}
    assert parse_exact(text, Path("item.yaml")) == fast.parse(text)
    agrees(text)


def test_the_fast_path_answers_for_ordinary_items(monkeypatch: pytest.MonkeyPatch) -> None:
    """Otherwise the speed is an illusion: a typical item must not fall back."""
    monkeypatch.delenv("BACKLOGCTL_FAST_YAML", raising=False)
    text = (
        "id: AI-1\ntitle: Churn (B2B)\nstatus: ready\ncreated: 2025-01-02\n"
        "decision: |\n  Who gets a call.\nscores:\n  effort: 5\n  confidence: 0.8\n"
        "tags: [churn, no]\nnotes: ''\n"
    )
    data = fast.parse(text)
    assert data is not fast.UNSURE
    assert data["created"] == dt.date(2025, 1, 2)
    assert data["tags"] == ["churn", "no"]


EDGES = [
    "no",
    "yes",
    "on",
    "off",
    "y",
    "n",
    "true",
    "True",
    "TRUE",
    "false",
    "FALSE",
    "fALSE",
    "null",
    "Null",
    "NULL",
    "nuLL",
    "~",
    "",
    "0",
    "-0",
    "+1",
    "007",
    "08",
    "0o17",
    "+0o7",
    "0x1F",
    "-0x1",
    "0b101",
    "0b2",
    "1_000",
    "1__0",
    "1e3",
    "1E3",
    "1e",
    "1e+",
    "1.0e+3",
    ".5",
    "+.5",
    "-.5",
    "0.",
    "1.",
    ".5e3",
    ".5e+3",
    "._5",
    "1_0.5",
    "+.inf",
    "-.Inf",
    ".INF",
    "-.inF",
    ".nan",
    ".NaN",
    ".NAN",
    "nAn",
    "2024-01-02",
    "2024-1-2",
    "2024-01-2",
    "2024-02-30",
    "2024-01-02T10:00:00",
    "2024-01-02 10:00:00Z",
    "2024-01-02t10:00:00.5-05:00",
    "2024-01-02T10:00",
    "20240102",
    "12:30:45",
    "1:20",
    "190:20:30",
    "3.2%",
    "=",
    "?x",
    "-x",
    "a b",
    "a:b",
    "a #b",
    "é ✓",
    "9999999999999999999999",
    "0.1",
    "1.5e-3",
    "1.2.3",
    "0x",
    "0o",
    "<id>",
    "TODO",
    "[]",
    "{}",
    "''",
    '""',
    "'it''s'",
    '"a\\tb"',
    '"\\u00e9"',
    "'2024-01-02'",
    '"2024-01-02"',
    "' 2024-01-02'",
    "'007'",
    '"no"',
    "!!str 5",
    '!!int "5"',
    "!!float 1",
    "!!binary aGk=",
    "&a x",
    "*a",
]
KEYS = ["id", "title", "status", "created", "notes", "team", "x", "no", "1", "on", "2024-01-02", "a b"]


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _single(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


scalar_text = st.sampled_from(EDGES) | st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12
)
rendered = st.one_of(
    scalar_text,
    scalar_text.map(_quoted),
    scalar_text.map(_single),
    st.lists(scalar_text.filter(lambda s: "\n" not in s), max_size=3).map(
        lambda xs: "[" + ", ".join(xs) + "]"
    ),
)
block = st.tuples(st.sampled_from(["|", "|-", "|+", ">", ">-", "|2"]), st.lists(scalar_text, max_size=3))


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = []
    for key in draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=6, unique=True)):
        kind = draw(st.sampled_from(["value", "value", "block", "nested", "list"]))
        if kind == "value":
            lines.append(f"{key}: {draw(rendered)}")
        elif kind == "block":
            indicator, body = draw(block)
            lines.append(f"{key}: {indicator}")
            lines.extend(f"  {line}" if line else "" for line in body)
        elif kind == "nested":
            lines.append(f"{key}:")
            for sub in draw(st.lists(st.sampled_from(KEYS), max_size=3, unique=True)):
                lines.append(f"  {sub}: {draw(rendered)}")
        else:
            lines.append(f"{key}:")
            lines.extend(f"  - {draw(rendered)}" for _ in range(draw(st.integers(0, 3))))
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n...\n", "\n---\nx: 1\n"]))


@pytest.mark.parametrize("edge", EDGES)
@pytest.mark.parametrize("style", ["plain", "double", "single", "flow", "key", "block"])
def test_every_edge_scalar_reads_the_same(edge: str, style: str) -> None:
    value = {"plain": edge, "double": _quoted(edge), "single": _single(edge), "flow": f"[{edge}]"}
    value["block"] = f"|-\n  {edge}"  # a block scalar is text, whatever it looks like
    text = f"{edge}: v\n" if style == "key" else f"value: {value[style]}\n"
    agrees(text)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_items_read_the_same(text: str) -> None:
    agrees(text)


def test_a_yaml_1_1_directive_does_not_change_how_later_files_read() -> None:
    # The flow mapping in a flow list sends this file down ruamel's pure-Python loader,
    # which kept the directive's version for every later file (found by test_fuzz's order).
    before = parse_exact("value: [12:30:45]\n", Path("a.yaml"))
    parse_exact("%YAML 1.1\n---\nvalue: [a: b, 12:30:45]\n", Path("b.yaml"))
    assert parse_exact("value: [12:30:45]\n", Path("c.yaml")) == before == {"value": ["12:30:45"]}
