"""Shell completion: the bash script sourced into a real bash, zsh and fish through typer's protocol."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
BASH = shutil.which("bash")


def _env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def _bash_complete(folder: Path, *words: str) -> list[str]:
    """Source `backlogctl --show-completion` in bash, then complete ``words`` (the last one partial)."""
    assert BASH is not None
    quoted = " ".join(f"'{w}'" for w in words)
    script = f"""
        source <(backlogctl --show-completion)
        COMP_WORDS=(backlogctl {quoted}); COMP_CWORD={len(words)}
        _backlogctl_completion backlogctl
        printf '%s\\n' "${{COMPREPLY[@]}}"
    """
    done = subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", script],
        cwd=folder,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.splitlines() if line]


@pytest.mark.skipif(BASH is None, reason="SKIPPED LOUDLY: bash missing")
def test_bash_completes_commands_options_ids_statuses_and_models(example: Path) -> None:
    assert {"rank", "report", "review"} <= set(_bash_complete(example, "r"))
    assert "--model" in _bash_complete(example, "rank", "--m")
    assert "--format" in _bash_complete(example, "rank", "--f")
    ids = _bash_complete(example, "show", "AI-1")
    assert "AI-1" in ids and "AI-12" in ids and all(i.startswith("AI-1") for i in ids)
    assert _bash_complete(example, "list", "--status", "re") == ["ready", "rejected", "retired"]
    assert "wsjf" in _bash_complete(example, "rank", "--model", "")
    assert _bash_complete(example, "rank", "--format", "c") == ["csv"]
    assert "AI-7" in _bash_complete(example, "history", "AI-")


@pytest.mark.skipif(BASH is None, reason="SKIPPED LOUDLY: bash missing")
def test_completion_outside_a_backlog_offers_nothing_and_never_fails(tmp_path: Path) -> None:
    assert _bash_complete(tmp_path, "show", "AI-") == []
    assert "proposed" in _bash_complete(tmp_path, "list", "--status", "")


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_complete_item_ids(example: Path, shell: str) -> None:
    env = {
        **_env(),
        "_BACKLOGCTL_COMPLETE": f"complete_{shell}",
        "_TYPER_COMPLETE_ARGS": "backlogctl show AI-1",
        "_TYPER_COMPLETE_FISH_ACTION": "get-args",
    }
    done = subprocess.run(
        [str(BIN / "backlogctl")], cwd=example, env=env, capture_output=True, text=True, check=False
    )
    assert "AI-12" in done.stdout, (done.stdout, done.stderr)


def test_show_completion_scripts_exist_for_bash_zsh_and_fish() -> None:
    from typer._completion_shared import get_completion_script

    for shell in ("bash", "zsh", "fish"):
        script = get_completion_script(
            prog_name="backlogctl", complete_var="_BACKLOGCTL_COMPLETE", shell=shell
        )
        assert "_BACKLOGCTL_COMPLETE" in script, shell
