"""renumber (file, id, references, one commit, history followed); edit with a scripted $EDITOR on a pty."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.helpers import GIT_ENV, Result, git, new

Run = Callable[..., Result]


def test_renumber_renames_rewrites_references_and_commits_once(git_backlog: Path, run: Run) -> None:
    first, first_path = new(run, "Churn prediction", "--commit")
    second, _ = new(run, "Invoice OCR", "--commit")
    assert run("set", second, f"depends_on=[{first}]", "--commit").exit_code == 0
    assert run("set", first, "owner=ben", "--commit", "-m", "ben takes over").exit_code == 0
    commits = int(git(git_backlog, "rev-list", "--count", "HEAD"))

    result = run("renumber", first, "AI-10", "--commit", "-m", "collided with AI-1 on the OCR branch")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{first} → AI-10\titems/AI-10-churn-prediction.yaml")
    assert not (git_backlog / first_path).exists()
    moved = git_backlog / "items" / "AI-10-churn-prediction.yaml"
    assert "id: AI-10\n" in moved.read_text(encoding="utf-8")
    other = next((git_backlog / "items").glob(f"{second}-*.yaml")).read_text(encoding="utf-8")
    assert "depends_on: [AI-10]" in other
    assert int(git(git_backlog, "rev-list", "--count", "HEAD")) == commits + 1
    assert git(git_backlog, "status", "--porcelain") == ""
    body = git(git_backlog, "log", "-1", "--format=%B")
    assert "collided with AI-1 on the OCR branch" in body and f"Renumbered-from: {first}" in body

    history = json.loads(run("history", "AI-10", "--format", "json").stdout)
    fields = [(c["field"], c["old"], c["new"]) for c in history["changes"]]
    assert fields[0][0] is None, "the history starts at the item's creation under its old id"
    assert ("owner", "anna", "ben") in fields
    assert fields[-1] == ("id", first, "AI-10")
    assert run("lint").exit_code == 0 or "unknown-dependency" not in run("lint").stdout


def test_renumber_without_new_id_takes_the_next_free_one(backlog: Path, run: Run) -> None:
    first, _ = new(run, "Churn")
    new(run, "OCR")
    result = run("renumber", first)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{first} → AI-3\t")


def test_renumber_refuses_a_used_id(backlog: Path, run: Run) -> None:
    first, _ = new(run, "Churn")
    second, _ = new(run, "OCR")
    result = run("renumber", first, second)
    assert result.exit_code == 2 and "already used" in result.stderr


def test_renumber_one_of_two_files_with_one_id(backlog: Path, run: Run) -> None:
    item_id, path = new(run, "Churn")
    copy = backlog / "items" / f"{item_id}-copy.yaml"
    copy.write_bytes((backlog / path).read_bytes())
    lint = run("lint")
    assert f"backlogctl renumber {item_id} --file" in lint.stdout
    result = run("renumber", item_id, "--file", str(copy))
    assert result.exit_code == 0, result.output
    assert (backlog / "items" / "AI-2-copy.yaml").exists()
    assert run("show", item_id).exit_code == 0


EDITOR = """#!/bin/sh
# Round 1 saves an invalid file; round 2 checks the problems are shown and saves a valid one.
count_file="$(dirname "$0")/rounds"
count=$(cat "$count_file" 2>/dev/null || echo 0)
count=$((count + 1))
echo $count > "$count_file"
if [ $count -eq 1 ]; then
    sed -i 's/^status: proposed/status: readyy/' "$1"
else
    cp "$1" "$(dirname "$0")/shown-in-round-$count.yaml"
    sed -i 's/^status: readyy/status: ready/; s/^owner: anna/owner: ben/' "$1"
fi
"""


def _run_on_a_pty(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str]:
    leader, follower = pty.openpty()
    process = subprocess.Popen(args, stdin=follower, stdout=follower, stderr=follower, env=env, cwd=cwd)
    os.close(follower)
    output = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            process.kill()
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    return process.wait(timeout=60), output.decode("utf-8", "replace")


def _edit_on_a_pty(root: Path, script: Path, text: str, *args: str) -> tuple[int, str]:
    """Run ``backlogctl -C ROOT edit ARGS`` on a pty with ``text`` saved as the $EDITOR ``script``."""
    script.write_text(text, encoding="utf-8")
    script.chmod(0o755)
    env = {**os.environ, **GIT_ENV, "EDITOR": str(script), "TERM": "xterm"}
    env.pop("VISUAL", None)
    return _run_on_a_pty([sys.executable, "-m", "backlogctl", "-C", str(root), "edit", *args], env, root)


def test_edit_reopens_with_the_problems_then_writes_and_commits(
    git_backlog: Path, run: Run, tmp_path: Path
) -> None:
    item_id, path = new(run, "Churn prediction", "--commit")
    tools = tmp_path / "tools"
    tools.mkdir()
    code, output = _edit_on_a_pty(
        git_backlog, tools / "editor.sh", EDITOR, item_id, "--commit", "-m", "ready now"
    )
    assert code == 0, output
    assert (tools / "rounds").read_text().strip() == "2"
    shown = (tools / "shown-in-round-2.yaml").read_text(encoding="utf-8")
    assert shown.startswith("# backlogctl: this edit was not saved")
    assert "unknown status 'readyy'" in shown
    written = (git_backlog / path).read_text(encoding="utf-8")
    assert "backlogctl:" not in written, "the problem lines are removed before writing"
    assert "status: ready\n" in written and "owner: ben\n" in written
    assert "# The one person who answers for this item." in written, "comments survive"
    body = git(git_backlog, "log", "-1", "--format=%B")
    assert body.startswith(f"{item_id}: status proposed → ready; owner anna → ben\n\nready now")
    assert git(git_backlog, "status", "--porcelain") == ""


def test_edit_without_a_terminal_is_exit_2(git_backlog: Path, run: Run) -> None:
    item_id, path = new(run, "Churn prediction")
    before = (git_backlog / path).read_bytes()
    result = run("edit", item_id)
    assert result.exit_code == 2 and "edit needs a terminal" in result.stderr
    assert (git_backlog / path).read_bytes() == before


def test_edit_never_overwrites_a_change_made_meanwhile(git_backlog: Path, run: Run, tmp_path: Path) -> None:
    item_id, path = new(run, "Churn prediction")
    real = git_backlog / path
    script = (
        "#!/bin/sh\n"
        f"sed -i 's/^team: TODO/team: someone else/' '{real}'\n"  # a colleague saves meanwhile
        "sed -i 's/^owner: anna/owner: ben/' \"$1\"\n"
    )
    code, output = _edit_on_a_pty(git_backlog, tmp_path / "editor.sh", script, item_id)
    assert code == 2, output
    assert "changed while you were editing it; nothing was written" in output
    text = real.read_text(encoding="utf-8")
    assert "team: someone else" in text and "owner: anna" in text
    kept = output.split("Your version is in ")[1].split()[0]
    assert "owner: ben" in Path(kept).read_text(encoding="utf-8")


def test_edit_given_up_writes_nothing(git_backlog: Path, run: Run, tmp_path: Path) -> None:
    item_id, path = new(run, "Churn prediction")
    before = (git_backlog / path).read_bytes()
    # Always saves an invalid status: after the first round the file is saved unchanged.
    script = "#!/bin/sh\nsed -i 's/^status: proposed/status: nope/' \"$1\"\n"
    code, output = _edit_on_a_pty(git_backlog, tmp_path / "editor.sh", script, item_id)
    assert code == 2, output
    assert "given up; nothing was written" in output
    assert (git_backlog / path).read_bytes() == before


def test_history_after_renumbering_one_of_two_files_keeps_to_that_file(git_backlog: Path, run: Run) -> None:
    item_id, path = new(run, "Churn prediction", "--commit")
    other = git_backlog / "items" / f"{item_id}-demand-forecast.yaml"
    other.write_text(
        (git_backlog / path).read_text(encoding="utf-8").replace("Churn prediction", "Demand forecast"),
        encoding="utf-8",
    )
    git(git_backlog, "add", "-A")
    git(git_backlog, "commit", "-q", "-m", "Demand forecast, made offline")
    original = (git_backlog / path).read_text(encoding="utf-8")
    (git_backlog / path).write_text(original.replace("owner: anna", "owner: carla"), encoding="utf-8")
    git(git_backlog, "commit", "-q", "-am", "carla owns the churn model")
    result = run("renumber", item_id, "--file", str(other), "--commit")
    assert result.exit_code == 0, result.output
    history = json.loads(run("history", "AI-2", "--format", "json").stdout)
    messages = [c["message"].splitlines()[0] for c in history["changes"]]
    assert messages[0] == "Demand forecast, made offline"
    assert not any("carla" in m for m in messages), "the other file's changes are not this item's"
    assert history["changes"][-1]["field"] == "id"
