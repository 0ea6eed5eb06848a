"""The fast reader answers only where it reads exactly what the exact reader reads.

A differential fuzz over generated scalars in every place a scalar can stand:
whenever yaml-rs (``fast.parse``) answers, ruamel's safe loader
(``parse_exact``, the reader behind every error message) must accept the text
and build the same data, types included. A file is read the same whether or
not some other line sends it to the exact reader.

CI runs a bounded number of examples (the hypothesis profile in conftest);
the deep run is ``python -m pytest --hypothesis-profile=deep tests/test_fast_reader_fuzz.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backlogctl.errors import InputError
from backlogctl.store import fast
from backlogctl.store.read import parse_exact
from tests.helpers import same

# Characters where YAML resolvers and scanners disagree: digits, signs, radix
# letters, underscores, indicators, quotes, tabs and the Unicode line breaks.
TRICKY = (
    "0123456789" * 3 + "_+-.eExXoObB:aAnNiIfFtTlLsSyY #'\",[]{}?!&*|>%@`~=" + "\u2028\u2029\x85\t\ufeffé\r"
)
PLACES = [
    "a: {}\n",
    "a: [{}]\n",
    "a:\n- {}\n",
    "a: [x, {}]\n",
    "a: [x,\n  {}]\n",
    "a: {{b: 1,\n  c: {}}}\n",
    "{}: v\n",
    "a: {{b: {}}}\n",
    "a:\n  b: {}\n",
    "a: '{}'\n",
    'a: "{}"\n',
    "a: |\n  {}\n",
    "a: >-\n  {}\n  x\n",
    "id: AI-1\ntags: [{}, ops]\nnotes: R&D\n",
]


@pytest.fixture(autouse=True, scope="module")
def _fast_path_on() -> Iterator[None]:
    """The comparison needs the fast path, also in CI's run with BACKLOGCTL_FAST_YAML=0."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("BACKLOGCTL_FAST_YAML", raising=False)
        yield


scalars = st.text(alphabet=st.sampled_from(TRICKY), min_size=1, max_size=8)


def check(text: str) -> None:
    answer = fast.parse(text)
    if answer is fast.UNSURE:
        return
    try:
        exact = parse_exact(text, Path("item.yaml"))
    except InputError as error:
        pytest.fail(f"the fast reader accepted what the exact reader refuses ({error}):\n{text!r}")
    assert same(answer, exact), f"fast {answer!r} != exact {exact!r} for {text!r}"


@given(st.sampled_from(PLACES), scalars)
def test_a_generated_scalar_reads_the_same_in_every_place(place: str, scalar: str) -> None:
    check(place.format(scalar))


@given(st.lists(st.tuples(st.sampled_from(PLACES[:7]), scalars), min_size=2, max_size=5))
def test_a_generated_document_reads_the_same(parts: list[tuple[str, str]]) -> None:
    lines = []
    for number, (place, scalar) in enumerate(parts):
        # Distinct top-level keys, so a document is a mapping of several fields.
        lines.append(place.format(scalar).replace("a:", f"k{number}:", 1))
    check("".join(lines))


@pytest.mark.parametrize(
    "spelling",
    [
        "0X8",
        "0B11",
        "0O17",
        "_2024",
        "1e1_0",
        "_.3",
        "x\u2029",
        "a\u2028b",
        "[a:]",
        "{b: |x}",
        "[>x]",
        "a\tb",
    ],
)
def test_spellings_the_readers_disagree_on_go_to_the_exact_reader(spelling: str) -> None:
    for text in (f"a: {spelling}\n", f"tags: [{spelling}]\n"):
        assert fast.parse(text) is fast.UNSURE, text


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("tags: [_2024]\n", ["_2024"]),
        ("links: [https://wiki.example.org/x]\n", ["https://wiki.example.org/x"]),
    ],
)
def test_a_file_reads_the_same_whatever_its_other_lines(
    line: str, value: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``notes: "R&D"`` sends a file to the exact reader; it must read the same there."""
    monkeypatch.delenv("BACKLOGCTL_FAST_YAML", raising=False)
    from backlogctl.store import parse

    key = line.split(":", 1)[0]
    assert parse(line, Path("a.yaml"))[key] == value
    assert parse(line + 'notes: "R&D"\n', Path("b.yaml"))[key] == value
    if key == "links":
        assert fast.parse(line) is not fast.UNSURE  # URLs in flow lists stay on the fast path
