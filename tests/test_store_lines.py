"""The text scan for key lines agrees with the composed node tree."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backlogctl.store import edit
from backlogctl.store.lines import scan_key_lines
from tests.helpers import examples

REPO = Path(__file__).resolve().parents[1]
FILES = sorted(
    p
    for folder in ("examples", "tests/examples", "tests/bad-inputs", "templates")
    if (REPO / folder).is_dir()
    for p in (REPO / folder).rglob("*.y*ml")
)


def _composed(text: str) -> dict[str, tuple[int, int]]:
    from ruamel.yaml import YAML

    found: dict[str, tuple[int, int]] = {}

    def walk(node: object, prefix: str) -> None:
        if type(node).__name__ != "MappingNode":
            return
        for key, value in node.value:  # type: ignore[attr-defined]
            path = f"{prefix}{key.value}"
            found.setdefault(path, (key.start_mark.line + 1, key.start_mark.column + 1))
            walk(value, path + ".")

    walk(YAML().compose(text), "")
    return found


def _readable(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8-sig")
        _composed(text)
    except Exception:  # broken fixtures are for other tests
        return None
    return text


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(REPO).as_posix() for p in FILES])
def test_scan_matches_composer_on_every_fixture(path: Path) -> None:
    text = _readable(path)
    if text is None:
        pytest.skip("not valid YAML: a fixture for the error paths")
    scanned = scan_key_lines(text)
    if scanned is not None:
        assert scanned == _composed(text)


def test_scan_handles_the_template_without_falling_back() -> None:
    text = (REPO / "templates" / "item.yaml").read_text(encoding="utf-8")
    assert scan_key_lines(text) == _composed(text)


@pytest.mark.parametrize(
    "text",
    [
        "title: 'it''s: a title'\nscores:\n  effort: 3\n",
        'title: "a \\" b: c"\nnotes: |\n  owner: not a key\n  x: y\nstatus: ready\n',
        "tags:\n- a\n- b: c\nstatus: ready\n",
        "description: a plain\n  multi-line scalar\nkind: new\n",
        "scores: {effort: 3,\n  feasibility: 2}\nkind: new\n",
        "'quoted': 1\n",
        "base: &b\n  x: 1\nother: *b\n",
        "---\nid: AI-1\n",
        'title: "open\n  quote: x"\n',
    ],
)
def test_scan_agrees_or_declines(text: str) -> None:
    scanned = scan_key_lines(text)
    assert scanned is None or scanned == _composed(text)
    assert edit.key_lines(text) == _composed(text)


_names = st.sampled_from(["id", "title", "scores", "effort", "notes", "tags", "x_y", "a-b"])
_scalars = st.sampled_from(["1", "'q: x'", '"d # e"', "plain text", "[a, b]", "{a: 1}", "|\n  block: x", ""])


@st.composite
def _documents(draw: st.DrawFn, depth: int = 0, indent: int = 0) -> str:
    lines = []
    for name in draw(st.lists(_names, min_size=1, max_size=4)):
        pad = " " * indent
        if depth < 2 and draw(st.booleans()):
            lines.append(f"{pad}{name}:")
            lines.append(draw(_documents(depth + 1, indent + 2)))
        elif draw(st.booleans()):
            lines.append(f"{pad}{name}:\n{pad}  - a\n{pad}  - k: v")
        else:
            value = draw(_scalars).replace("\n", "\n" + pad)
            lines.append(f"{pad}{name}: {value}".rstrip())
        if draw(st.booleans()):
            lines.append(f"{pad}# a comment: with colon")
    return "\n".join(lines)


@settings(max_examples=examples(200), deadline=None)
@given(_documents())
def test_scan_matches_composer_on_generated_documents(text: str) -> None:
    try:
        expected = _composed(text + "\n")
    except Exception:
        return
    scanned = scan_key_lines(text + "\n")
    assert scanned is None or scanned == expected
