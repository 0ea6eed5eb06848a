"""Git: the only package that talks to git (GitPython and git processes)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from backlogctl.errors import GitError


def branch_item_ids(root: Path, items_dir: str) -> set[str]:
    """Ids of item files at the tip of every local and remote-tracking branch."""
    import re

    try:
        out = subprocess.run(
            ["git", "for-each-ref", "--format=%(objectname)", "refs/heads", "refs/remotes"],
            cwd=root, capture_output=True, text=True, check=True,
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return set()
    ids: set[str] = set()
    for tip in set(out):
        listing = subprocess.run(
            ["git", "ls-tree", "-r", "--name-only", tip, "--", items_dir],
            cwd=root, capture_output=True, text=True, check=False,
        ).stdout
        for name in listing.splitlines():
            match = re.match(r"([A-Za-z][A-Za-z0-9]*-[0-9]+)", Path(name).name)
            if match:
                ids.add(match.group(1))
    return ids


def commit_files(root: Path, paths: list[Path], message: str) -> str:
    """Commit exactly ``paths`` with ``message``; returns the new commit id."""
    rel = [str(p.relative_to(root)) for p in paths]
    try:
        subprocess.run(["git", "add", "--", *rel], cwd=root, check=True, capture_output=True)
        subprocess.run(["git", "commit", "-q", "-m", message, "--only", "--", *rel], cwd=root, check=True, capture_output=True)
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, check=True, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as exc:
        raise GitError(f"git commit failed: {getattr(exc, 'stderr', b'') or exc}") from None
