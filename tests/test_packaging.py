"""The built wheel carries the item template, and an installed copy finds it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    return next(out.glob("backlogctl-*.whl"))


def test_wheel_contains_the_template(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        shipped = archive.read("backlogctl/templates/item.yaml").decode("utf-8")
    assert shipped == (REPO / "templates" / "item.yaml").read_text(encoding="utf-8")


def test_installed_copy_creates_items_from_its_own_template(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    # The installed copy comes first on the path; its dependencies come from this environment.
    env = {**os.environ, "PYTHONPATH": str(target)}
    backlog = tmp_path / "lab"
    where = subprocess.run(
        [sys.executable, "-c", "import backlogctl; print(backlogctl.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert Path(where.strip()).is_relative_to(target)
    for args in (["init", str(backlog)], ["-C", str(backlog), "new", "From the wheel"]):
        subprocess.run([sys.executable, "-m", "backlogctl", *args], env=env, check=True, capture_output=True)
    item = next((backlog / "items").glob("AI-1-*.yaml")).read_text(encoding="utf-8")
    assert "# The business decision this model should improve." in item
    assert "title: From the wheel\n" in item
