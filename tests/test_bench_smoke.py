"""CI smoke test: the benchmark runs end to end at its quick size and prints the table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_quick_benchmark_completes_and_prints_the_table(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--runs", "1", "--keep", str(tmp_path)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "| size | what | median s | peak MiB | vs floor | floor |" in done.stdout
    for what in ("lint cold (no cache)", "rank warm (cache)", "floor: git log --raw", "new (200 branches)"):
        assert what in done.stdout
    assert (tmp_path / "history-200" / ".git").is_dir()
