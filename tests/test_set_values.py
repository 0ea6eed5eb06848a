"""set typed by the schema, unset, and the refusals a person understands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import Result, new

Run = Callable[..., Result]


@pytest.fixture
def item(backlog: Path, run: Run) -> tuple[str, Path]:
    item_id, path = new(run, "Churn prediction")
    return item_id, backlog / path


def test_text_fields_take_the_value_literally(run: Run, item) -> None:
    item_id, path = item
    result = run("set", item_id, "description=Gradient-boosted model: predicts churn")
    assert result.exit_code == 0, result.output
    assert "description: 'Gradient-boosted model: predicts churn'" in path.read_text(encoding="utf-8")
    shown = run("show", item_id, "--format", "json").stdout
    assert '"description": "Gradient-boosted model: predicts churn"' in shown


def test_other_fields_read_yaml(run: Run, item) -> None:
    item_id, path = item
    assert run("set", item_id, "scores.effort=5", "tags=[ops, finance]", "created=2026-12-01").exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert "  effort: 5\n" in text and "tags: [ops, finance]" in text and "created: 2026-12-01" in text


def test_a_mapping_by_accident_is_explained(run: Run, item) -> None:
    item_id, path = item
    before = path.read_bytes()
    result = run("set", item_id, "kind=new: or revise")
    assert result.exit_code == 2
    assert "the value was read as a mapping because of ': '" in result.stderr
    assert "kind:=" in result.stderr
    assert path.read_bytes() == before


def test_forced_yaml_and_values_from_files_and_stdin(run: Run, item, tmp_path: Path) -> None:
    item_id, path = item
    prose = tmp_path / "description.md"
    prose.write_text("Predicts churn per account.\nInputs: usage, tickets.\n", encoding="utf-8")
    assert run("set", item_id, f"description=@{prose}").exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert "description: |-\n  Predicts churn per account.\n  Inputs: usage, tickets.\n" in text
    assert run("set", item_id, "decision=@-", input="Whom to call first\n").exit_code == 0
    assert "decision: Whom to call first\n" in path.read_text(encoding="utf-8")
    assert run("set", item_id, "notes=\\@anna knows").exit_code == 0
    assert "notes: '@anna knows'" in path.read_text(encoding="utf-8")
    assert run("set", item_id, 'team:="data science"').exit_code == 0
    assert "team: data science" in path.read_text(encoding="utf-8")
    missing = run("set", item_id, f"notes=@{tmp_path / 'nope.txt'}")
    assert missing.exit_code == 2 and "cannot read the file" in missing.stderr


def test_an_existing_block_keeps_its_style(run: Run, item) -> None:
    item_id, path = item
    assert run("set", item_id, "description=line one\nline two").exit_code == 0
    assert run("set", item_id, "description=one line now").exit_code == 0
    assert "description: |-\n  one line now\n" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("assignment", "says"),
    [
        ("status=readyy", "unknown status 'readyy'"),
        ("depends_on=[AI-99]", "AI-99"),
        ("scores.effortt=5", "did you mean 'effort'"),
        ("scores.effort=4", "must be one of 1, 2, 3, 5, 8, 13, 20"),
    ],
)
def test_set_refuses_what_lint_refuses(run: Run, item, assignment: str, says: str) -> None:
    item_id, path = item
    before = path.read_bytes()
    result = run("set", item_id, assignment)
    assert result.exit_code == 2, result.output
    assert says in result.stderr
    assert "nothing was written (use --force" in result.stderr
    assert path.read_bytes() == before
    assert run("set", item_id, assignment, "--force").exit_code == 0
    assert path.read_bytes() != before


def test_the_id_cannot_be_set(run: Run, item) -> None:
    item_id, _ = item
    result = run("set", item_id, "id=AI-9")
    assert result.exit_code == 2 and "renumber" in result.stderr


def test_unset_removes_fields_and_keeps_comments(run: Run, item) -> None:
    item_id, path = item
    text = path.read_text(encoding="utf-8")
    result = run("unset", item_id, "team", "scores.reach")
    assert result.exit_code == 0, result.output
    after = path.read_text(encoding="utf-8")
    assert "\nteam:" not in after and "  reach:" not in after
    assert "# The team that would do the work." in after, "the comment lines stay"
    assert len(after.splitlines()) == len(text.splitlines()) - 2
    again = run("unset", item_id, "team")
    assert again.exit_code == 0 and "nothing to change" in again.stdout
    refused = run("unset", item_id, "title")
    assert refused.exit_code == 2


def test_new_refuses_an_empty_title_and_a_given_id(run: Run, backlog: Path) -> None:
    empty = run("new", "")
    assert empty.exit_code == 2 and "title is empty" in empty.stderr
    given = run("new", "Churn", "--set", "id=AI-7")
    assert given.exit_code == 2 and "picks the id itself" in given.stderr
    assert not list((backlog / "items").glob("*.yaml"))


def test_list_with_an_unknown_status_says_so(run: Run, item) -> None:
    result = run("list", "--status", "readyy")
    assert result.exit_code == 2
    assert "unknown status 'readyy'" in result.stderr


def test_report_refuses_an_output_name_it_cannot_write(run: Run, backlog: Path) -> None:
    result = run("report", "-o", "review.pdf")
    assert result.exit_code == 2
    assert "review.pdf" in result.stderr and ".html or .md" in result.stderr
    assert not (backlog / "review.pdf").exists()
