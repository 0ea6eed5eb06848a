"""editing: where the problems of an edited file are shown (edit reopens the file with them)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from backlogctl.editing import edit_problems, load_entry
from tests.helpers import Result


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
