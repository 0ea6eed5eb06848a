"""Command: lint — validate item files and check completeness, for people and CI."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from backlogctl.cli.app import command, start_dir

if TYPE_CHECKING:
    from backlogctl.backlog import Entry


class LintFormat(StrEnum):
    auto = "auto"
    text = "text"
    json = "json"
    github = "github"


@command("lint")
def lint_command(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATH",
            help="Report only these files or folders (default: every item).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        LintFormat,
        typer.Option(
            "--format", "-f", help="text, json or github annotations; auto picks github under GitHub Actions."
        ),
    ] = LintFormat.auto,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")] = False,
    list_rules: Annotated[
        bool, typer.Option("--list-rules", help="List every rule with its severity and exit.")
    ] = False,
) -> None:
    """Validate items and check completeness; exit 1 on errors (or warnings with --strict).

    Example: backlogctl lint --format github items/AI-7-churn-prediction.yaml
    """
    if list_rules:
        from backlogctl.render import problems as problems_render

        problems_render.rules_text()
        return
    from backlogctl import backlog as backlog_module
    from backlogctl.lint import check
    from backlogctl.render import problems as problems_render

    start = start_dir(ctx)
    backlog = backlog_module.load(_backlog_start(start, paths or []))
    chosen = _chosen(start, backlog.root, paths) if paths else None
    found = check(backlog, paths=chosen)
    items = _count(backlog.entries, chosen)
    fmt = output.value
    if fmt == "auto":
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    problems_render.render(found, items, fmt, prefix=_annotation_prefix(backlog.root))
    if any(p.severity == "error" or strict for p in found):
        raise typer.Exit(1)


def _backlog_start(start: Path, paths: list[Path]) -> Path:
    """Where to look for backlog.yaml: here, or (for a hook run from a repository
    whose backlog sits in a sub-folder) beside the first PATH."""
    from backlogctl.config import CONFIG_NAME

    if not paths or any((folder / CONFIG_NAME).is_file() for folder in (start, *start.resolve().parents)):
        return start
    first = (start / paths[0]).resolve()
    return first if first.is_dir() else first.parent


def _chosen(start: Path, root: Path, paths: list[Path]) -> list[Path]:
    """PATHs resolved against the working folder; each must exist inside the backlog."""
    from backlogctl.errors import NotFoundError

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


def _annotation_prefix(root: Path) -> str:
    """GitHub resolves annotation paths from the workspace (the working folder), not the backlog."""
    try:
        relative = root.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return ""
    return "" if str(relative) == "." else relative.as_posix() + "/"
