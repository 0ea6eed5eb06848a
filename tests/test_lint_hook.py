"""The pre-commit hook manifest, run the way pre-commit runs it: a real process."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from backlogctl import store

REPO = Path(__file__).resolve().parents[1]
VALID = Path(__file__).parent / "examples" / "valid"


def hook() -> dict[str, Any]:
    manifest = store.parse((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"), Path("manifest"))
    assert isinstance(manifest, list)
    (found,) = [h for h in manifest if h["id"] == "backlogctl-lint"]
    assert isinstance(found, dict)
    return found


def entry_command(entry: str) -> list[str]:
    """The hook's entry as a command line, using this environment's console script."""
    argv = shlex.split(entry)
    script = Path(sys.executable).parent / argv[0]
    if script.is_file():
        return [str(script), *argv[1:]]
    return [sys.executable, "-m", "backlogctl", *argv[1:]]


def test_manifest_declares_the_hook() -> None:
    found = hook()
    assert found["entry"] == "backlogctl lint"
    assert found["language"] == "python"
    assert found["pass_filenames"] is True
    files = re.compile(found["files"])
    for name in ("backlog.yaml", "items/AI-7-churn.yaml", "lab/items/sub/AI-8-ocr.yml", "lab/backlog.yaml"):
        assert files.search(name), name
    for name in ("README.md", "templates/item.yaml", "examples/notes.yaml", "items/notes.md"):
        assert not files.search(name), name


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A repository whose backlog sits in a sub-folder, as in many labs' repositories."""
    from backlogctl import authoring

    authoring.init(tmp_path / "lab")
    shutil.copy(VALID / "AI-3-document-classifier.yaml", tmp_path / "lab" / "items")
    return tmp_path


def run_hook(repository: Path, *filenames: str) -> subprocess.CompletedProcess[str]:
    """Run the entry from the repository root with the staged filenames, as pre-commit does."""
    argv = entry_command(hook()["entry"])
    return subprocess.run(
        [*argv, *filenames], cwd=repository, capture_output=True, text=True, timeout=60, check=False
    )


def test_hook_passes_clean_files(repository: Path) -> None:
    done = run_hook(repository, "lab/backlog.yaml", "lab/items/AI-3-document-classifier.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no problems" in done.stdout


def test_hook_fails_on_a_broken_file_and_names_it(repository: Path) -> None:
    (repository / "lab" / "items" / "AI-9-broken.yaml").write_text("id: AI-9\ntitle: [oops\n")
    done = run_hook(repository, "lab/items/AI-9-broken.yaml", "lab/items/AI-3-document-classifier.yaml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "items/AI-9-broken.yaml" in done.stdout
    assert "yaml-syntax" in done.stdout
    assert "Traceback" not in done.stderr
