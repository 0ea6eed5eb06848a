"""Linting a backlog, or some of its files, from where the command was started."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from backlogctl import backlog as backlog_module
from backlogctl.backlog import Entry
from backlogctl.config import CONFIG_NAME
from backlogctl.errors import NotFoundError
from backlogctl.lint.check import check
from backlogctl.lint.problem import Problem


@dataclass(frozen=True, slots=True)
class Outcome:
    """The problems found, how many item files they are about, and the backlog's root."""

    problems: list[Problem]
    items: int
    root: Path


def lint(start: Path, paths: list[Path] | None = None) -> Outcome:
    """Lint the backlog containing ``start``; ``paths`` limits which files are reported.

    Rules always see the whole backlog. When no backlog.yaml is found above
    ``start`` (a pre-commit hook runs from the repository's top while the
    backlog sits in a sub-folder), the backlog is looked for beside the first PATH.
    """
    paths = paths or []
    backlog = backlog_module.load(_backlog_start(start, paths), models=False)
    chosen = _chosen(start, backlog.root, paths) if paths else None
    problems = check(backlog, paths=chosen)
    return Outcome(problems, _count(backlog.entries, chosen), backlog.root)


def _backlog_start(start: Path, paths: list[Path]) -> Path:
    if not paths or any((folder / CONFIG_NAME).is_file() for folder in (start, *start.resolve().parents)):
        return start
    first = (start / paths[0]).resolve()
    return first if first.is_dir() else first.parent


def _chosen(start: Path, root: Path, paths: list[Path]) -> list[Path]:
    """PATHs resolved against the working folder; each must exist inside the backlog."""
    chosen = []
    for path in paths:
        full = (start / path).resolve()
        if not full.exists():
            raise NotFoundError(f"{path}: no such file or folder")
        if not full.is_relative_to(root.resolve()):
            raise NotFoundError(f"{path}: not inside the backlog at {root}")
        chosen.append(full)
    return chosen


def _count(entries: list[Entry], chosen: list[Path] | None) -> int:
    if chosen is None:
        return len(entries)
    return sum(1 for e in entries if any(e.path.resolve().is_relative_to(p) for p in chosen))
