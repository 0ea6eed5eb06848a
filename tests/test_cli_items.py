"""init, new, list, show, set, schema through the CLI on temporary backlogs."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import git


def test_new_creates_item_from_template(run, backlog: Path) -> None:
    result = run(
        "new", "Churn prediction (B2B)", "--kind", "new", "--owner", "anna", "--set", "scores.effort=5"
    )
    assert result.exit_code == 0
    item_id, rel = result.stdout.strip().split("\t")
    assert item_id == "AI-1"
    text = (backlog / rel).read_text()
    assert text.startswith("# yaml-language-server: $schema=../item.schema.json\n")
    assert "id: AI-1\n" in text
    assert "owner: anna\n" in text
    assert "  effort: 5\n" in text
    assert "# The business decision this model should improve." in text


def test_list_json_and_csv(run) -> None:
    run("new", "Invoice OCR", "--owner", "ben")
    run("new", "Demand forecast", "--owner", "cleo", "--set", "tags=[supply]")
    data = json.loads(run("list", "--format", "json").stdout)
    assert [i["id"] for i in data["items"]] == ["AI-1", "AI-2"]
    assert run("list", "--tag", "supply", "--format", "csv").stdout.splitlines()[1].startswith("AI-2,Demand")


def test_set_keeps_everything_else(run, backlog: Path) -> None:
    run("new", "Invoice OCR")
    path = next((backlog / "items").glob("AI-1-*.yaml"))
    before = path.read_text()
    result = run("set", "AI-1", "scores.business_value=8", "status=ready")
    assert result.exit_code == 0
    after = path.read_text()
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [("status: proposed", "status: ready"), ("  business_value:", "  business_value: 8")]


def test_set_nothing_changes_is_byte_identical(run, backlog: Path) -> None:
    run("new", "Invoice OCR", "--set", "scores.effort=3")
    path = next((backlog / "items").glob("AI-1-*.yaml"))
    before = path.read_bytes()
    result = run("set", "AI-1", "scores.effort=3")
    assert result.exit_code == 0
    assert "nothing to change" in result.stdout
    assert path.read_bytes() == before


def test_set_refuses_off_scale_value(run, backlog: Path) -> None:
    run("new", "Invoice OCR")
    path = next((backlog / "items").glob("AI-1-*.yaml"))
    before = path.read_bytes()
    result = run("set", "AI-1", "scores.effort=4")
    assert result.exit_code == 2
    assert "scores.effort: must be one of 1, 2, 3, 5, 8, 13, 20" in result.stderr
    assert path.read_bytes() == before
    assert run("set", "AI-1", "scores.effort=4", "--force").exit_code == 0


def test_show_refuses_paths_and_unknown_ids(run) -> None:
    outside = run("show", "../../etc/passwd")
    assert outside.exit_code == 2
    assert "is not an item id" in outside.stderr
    missing = run("show", "AI-99")
    assert missing.exit_code == 2
    assert "no item with id 'AI-99'" in missing.stderr
    assert "Traceback" not in outside.output + missing.output


def test_missing_backlog_is_one_clear_error(run, tmp_path: Path) -> None:
    empty = tmp_path / "nowhere"
    empty.mkdir()
    result = run("list", cwd=empty)
    assert result.exit_code == 2
    assert "no backlog.yaml" in result.stderr
    assert "backlogctl init" in result.stderr


def test_new_ids_skip_ids_on_other_branches(run, git_backlog: Path) -> None:
    git(git_backlog, "checkout", "-q", "-b", "feature")
    run("new", "Feature item", "--commit")
    git(git_backlog, "checkout", "-q", "main")
    assert not list((git_backlog / "items").glob("AI-1-*"))
    result = run("new", "Main item")
    assert result.stdout.startswith("AI-2\t")


def test_schema_is_json_schema_of_item(run) -> None:
    schema = json.loads(run("schema").stdout)
    assert schema["title"] == "backlogctl item"
    assert "decision" in schema["properties"]


def test_deleted_working_folder_is_one_clear_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    gone = tmp_path / "gone"
    gone.mkdir()
    script = (
        "import os, sys; os.chdir(sys.argv[1]); os.rmdir(sys.argv[1]); sys.argv = ['backlogctl', 'list']\n"
        "from backlogctl.cli import main; main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(gone)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert done.stderr == "error: the current folder no longer exists; cd to the backlog again\n"


def test_list_says_when_invalid_files_are_left_out(run, backlog: Path) -> None:
    run("new", "Invoice OCR")
    (backlog / "items" / "AI-2-broken.yaml").write_text("id: AI-2\ntitle: [unclosed\n", encoding="utf-8")
    result = run("list", "--format", "json")
    assert result.exit_code == 0
    assert [i["id"] for i in json.loads(result.stdout)["items"]] == ["AI-1"]
    assert "note: 1 item file is not valid and not listed; 'backlogctl lint' says why" in result.stderr
