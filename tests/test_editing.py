"""editing: where the problems of an edited file are shown (edit reopens the file with them)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from backlogctl.editing import edit_problems, load_entry
from tests.helpers import Result

LAB = Path(__file__).parent / "examples" / "lab"


def test_each_problem_is_placed_on_the_line_of_its_field(backlog: Path, run: Callable[..., Result]) -> None:
    run("new", "Invoice OCR", "--kind", "new", "--owner", "anna")
    loaded, entry = load_entry(backlog, "AI-1")
    text = entry.path.read_text(encoding="utf-8")
    text = text.replace("status: proposed", "status: readyy")
    text = text.replace("scores:\n", "scores:\n  teem: 3\n", 1)
    lines = text.splitlines()

    located = edit_problems(loaded, entry, text)

    by_message = {message.split(";")[0]: line for line, message in located}
    status = next(m for m in by_message if m.startswith("unknown status"))
    typo = next(m for m in by_message if "'scores.teem'" in m)
    assert lines[by_message[status] - 1].startswith("status: readyy")
    assert lines[by_message[typo] - 1] == "  teem: 3"


def test_an_unknown_id_in_a_declared_ids_field_is_placed_on_that_field(
    backlog: Path, run: Callable[..., Result]
) -> None:
    shutil.copy(LAB / "backlog.yaml", backlog / "backlog.yaml")
    run("new", "Invoice OCR", "--kind", "new", "--owner", "anna")
    loaded, entry = load_entry(backlog, "AI-1")
    text = entry.path.read_text(encoding="utf-8")
    assert "\nreplaces: []\n" in text, "new writes the declared field"
    text = text.replace("\nreplaces: []\n", "\nreplaces: [AI-99]\n")
    lines = text.splitlines()

    located = edit_problems(loaded, entry, text)

    (line,) = [line for line, message in located if "AI-99" in message]
    assert line is not None
    assert lines[line - 1] == "replaces: [AI-99]", "the line of the field, not of depends_on"
