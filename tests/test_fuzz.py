"""Fuzzing the item loader and the formula evaluator with hypothesis.

Seeds are the bad-input catalogue (tests/bad-inputs/); hypothesis mutates
them and also writes bytes and YAML-ish text of its own. Whatever the input,
the only exceptions allowed out are the project's own (BacklogError), and a
formula that parses may only fail per item with EvaluationError. Bounded:
the whole module runs in a few seconds.
"""

from __future__ import annotations

import contextlib
import math
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from backlogctl import store
from backlogctl.backlog import validate
from backlogctl.errors import BacklogError
from backlogctl.model import SCORE_FIELDS
from backlogctl.scoring import formula as formula_module
from tests.helpers import examples

CORPUS = Path(__file__).parent / "bad-inputs"
SEEDS = sorted(p.read_bytes().replace(b"{n}", b"7") for p in CORPUS.glob("*.yaml"))

YAML_BITS = [
    "id: AI-7\n",
    "title: x\n",
    "scores:\n",
    "  effort: 5\n",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ": ",
    ",",
    "&a ",
    "*a",
    "!!str ",
    "!!python/name:os.system ",
    "!!binary ",
    "!!timestamp ",
    "? ",
    "|\n",
    ">-\n",
    "'",
    '"',
    "#",
    "\t",
    "\r\n",
    "\ufeff",
    "<<: ",
    "<<<<<<< HEAD\n",
    "=======\n",
    "%YAML 1.1\n",
    "---\n",
    "...\n",
    "2026-13-40",
    "1e999",
    ".nan",
    "-.inf",
    "0x1F",
    "\x85",
    "\u2028",
    "\x00",
    "~",
    "null",
    "yes",
]
MUTATION = st.tuples(st.integers(0, 10_000), st.integers(0, 8), st.binary(max_size=8))


def mutate(seed: bytes, cuts: list[tuple[int, int, bytes]]) -> bytes:
    """Replace short slices of ``seed`` with random bytes: small, local damage."""
    data = bytearray(seed)
    for at, length, insert in cuts:
        at %= len(data) + 1
        data[at : at + length] = insert
    return bytes(data)


ITEM_BYTES = st.one_of(
    st.binary(max_size=400),
    st.lists(st.sampled_from(YAML_BITS), max_size=40).map(
        lambda bits: "".join(bits).encode("utf-8", "surrogatepass")
    ),
    st.builds(mutate, st.sampled_from(SEEDS), st.lists(MUTATION, max_size=4)),
)


def load(path: Path, raw: bytes) -> Any:
    """What every read path does with one file: read, parse, validate, find key lines."""
    path.write_bytes(raw)
    try:
        data = store.load_mapping(path)
    except BacklogError:
        return None
    validate(data)
    return data


@settings(
    max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=ITEM_BYTES)
def test_item_loader_raises_only_backlog_errors(raw: bytes, tmp_path: Path) -> None:
    data = load(tmp_path / "AI-7-fuzz.yaml", raw)
    try:
        text = store.read_document(tmp_path / "AI-7-fuzz.yaml").text
    except BacklogError:
        return
    store.key_lines(text)
    if data is not None:
        with contextlib.suppress(BacklogError):
            store.set_value(text, "scores.effort", 5)


def test_every_seed_is_handled(tmp_path: Path) -> None:
    assert len(SEEDS) >= 15
    for seed in SEEDS:
        load(tmp_path / "AI-7-seed.yaml", seed)


FORMULA_BITS = [
    *SCORE_FIELDS,
    "1",
    "0",
    "2.5",
    "1e308",
    "-",
    "+",
    "*",
    "/",
    "**",
    "%",
    "//",
    "(",
    ")",
    ",",
    " ",
    "min(",
    "max(",
    "log(",
    "sqrt(",
    "abs(",
    "__import__",
    "'os'",
    ".",
    "__class__",
    "[",
    "]",
    "lambda",
    ":",
    "x",
    "if",
    "else",
    "and",
    "or",
    "not",
    "==",
    "<",
    "@",
    "~",
    "^",
    "&",
    "|",
    ";",
    "\n",
    "\\",
    '"',
    "{",
    "}",
    "eval",
    "exec",
    "open",
    "getattr",
    "True",
    "None",
    "...",
    "0x10",
    "1_000",
    "9" * 40,
]
FORMULAS = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(FORMULA_BITS), max_size=25).map("".join),
)
FINITE = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)


@settings(max_examples=examples(300), deadline=None)
@given(source=FORMULAS, values=st.dictionaries(st.sampled_from(SCORE_FIELDS), FINITE))
@example(source="__import__('os').system('true')", values={})
@example(source="business_value ** effort ** effort", values={"business_value": 20.0, "effort": 20.0})
@example(source="log(0) + sqrt(-1)", values={})
def test_formula_evaluator_raises_only_its_own_errors(source: str, values: dict[str, float]) -> None:
    try:
        formula = formula_module.parse(source)
    except BacklogError:
        return
    inputs = {name: values.get(name, 1.0) for name in SCORE_FIELDS}
    try:
        result = formula(inputs)
    except formula_module.EvaluationError:
        return
    assert isinstance(result, float)
    assert math.isfinite(result)
