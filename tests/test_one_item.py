"""One-item commands read one item's file, and say and do what they did when they loaded everything.

tests/data/one-item-golden.json holds what `show`, `set`, `unset` and
`review mark` printed and wrote when they loaded the whole backlog (recorded by
scripts/record-one-item-golden.py from the code before); here today's code runs
the same commands as real processes on the same backlogs, among them files whose
names do not settle the id (duplicates, a hand-named file, a ``.YAML`` file,
broken YAML, a file named for another id).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

import pytest

from backlogctl import backlog as backlog_module
from backlogctl import editing, store
from backlogctl.store import read
from backlogctl.usecases import items
from tests.golden_backlog import write
from tests.one_item_cases import backlogs, environment, run_case

GOLDEN = json.loads((Path(__file__).parent / "data" / "one-item-golden.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def roots(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return backlogs(tmp_path_factory.mktemp("one-item"))


@pytest.mark.parametrize("case", GOLDEN, ids=lambda c: f"{c['backlog']}: {' '.join(c['args'])}")
def test_same_output_and_files_as_when_the_whole_backlog_was_loaded(
    case: dict[str, Any], roots: dict[str, Path]
) -> None:
    found = run_case(roots[case["backlog"]], case["args"], environment(sys.executable))
    expected = {key: case[key] for key in ("stdout", "stderr", "exit", "changed", "removed")}
    assert found == expected


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the item files read (every item read goes through `store.read.read_file`)."""
    seen: list[str] = []
    real = read.read_file

    def recording(path: Path) -> Any:
        seen.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(read, "read_file", recording)
    return seen


def test_show_reads_only_the_item_file(example: Path, reads: list[str]) -> None:
    shown = items.show_item(example, "AI-3")
    assert shown.entry.id == "AI-3"
    assert [name for name in reads if name.startswith("AI-")] == [shown.entry.path.name]


def test_set_reads_the_item_and_what_it_depends_on(example: Path, reads: list[str]) -> None:
    # AI-7 depends on AI-8, which depends on AI-1: the cycle rule needs all three.
    edit = editing.set_fields(example, "AI-7", ["scores.effort=5"])
    assert edit.changed
    ids_read = {
        name.split("-", 2)[0] + "-" + name.split("-", 2)[1] for name in reads if name.startswith("AI-")
    }
    assert ids_read == {"AI-7", "AI-8", "AI-1"}


def test_a_name_that_does_not_settle_the_id_loads_the_whole_backlog(example: Path, reads: list[str]) -> None:
    first = next((example / "items").glob("AI-3-*.yaml"))
    first.rename(first.with_name("churn.yaml"))  # hand-named: no name gives AI-3 away
    shown = items.show_item(example, "AI-3")
    assert shown.entry.path.name == "churn.yaml"
    item_files = {path.name for path in (example / "items").iterdir()}
    assert {name for name in reads if name != "backlog.yaml"} == item_files


def test_a_copy_under_another_items_name_is_left_to_lint(example: Path) -> None:
    """The one case the names do not show: a file named for AI-50 that still holds AI-5 (a copy).

    `show AI-5` reads the file named for AI-5 (before, it refused the duplicate);
    lint reports both the duplicate id and the misleading name.
    """
    from backlogctl.lint import check

    original = next((example / "items").glob("AI-5-*.yaml"))
    copy = original.with_name("AI-50-copy.yaml")
    copy.write_bytes(original.read_bytes())
    assert items.show_item(example, "AI-5").entry.path == original
    rules = {p.rule for p in check(backlog_module.load(example)) if p.path == "items/AI-50-copy.yaml"}
    assert {"duplicate-id", "file-name"} <= rules


def test_edit_checks_agree_with_the_whole_backlog(tmp_path: Path) -> None:
    """Random dependency edits: the rules on the item and what it reaches say what they say on everything."""
    root = write(tmp_path / "gen", 400)
    whole = backlog_module.load(root)
    rng = random.Random(7)
    for _ in range(60):
        number = rng.randrange(1, 401)
        deps = [f"AI-{rng.randrange(1, 401)}" for _ in range(rng.randrange(0, 3))]
        part, [entry] = backlog_module.load_ids(root, [f"AI-{number}"])
        assert part.names is not None
        text = store.set_value(store.read_document(entry.path).text, "depends_on", deps)
        expected = editing.edit_problems(whole, whole.find(f"AI-{number}"), text)
        assert editing.edit_problems(part, entry, text) == expected, (number, deps)


def test_names_find_what_the_walk_finds(example: Path) -> None:
    folder = example / "items"
    (folder / "team").mkdir()
    moved = next(folder.glob("AI-2-*.yaml"))
    moved.rename(folder / "team" / moved.name)
    (folder / "AI-6.YML").write_text("id: AI-6\n")
    (folder / ".AI-7-hidden.yaml").write_text("id: AI-7\n")
    (folder / "AI-70-x.yaml").write_text("id: AI-70\n")
    walked: dict[str, list[tuple[str, str | None]]] = {}
    for path, refused in read._walk(folder, example, ordered=False):
        walked.setdefault(Path(path).name.split("-")[1].split(".")[0], []).append((path, refused))
    names = store.ItemNames(folder, example)
    for number in ("1", "2", "6", "7", "70", "99"):
        expected = sorted(
            p for p in walked.get(number, []) if Path(p[0]).name.upper().startswith(f"AI-{number}")
        )
        assert sorted(names.named(f"ai-{number}")) == expected, number
