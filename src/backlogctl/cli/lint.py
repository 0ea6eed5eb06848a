"""Command: lint — validate item files and check completeness, for people and CI."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from backlogctl.cli import dialect
from backlogctl.cli.app import command, start_dir


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
        str,
        dialect.format_option(
            "auto",
            "text",
            "json",
            "github",
            help="text, json or github annotations; auto picks github under GitHub Actions.",
        ),
    ] = "auto",
    output_file: dialect.OutputOption = None,
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
    from backlogctl.lint.scope import lint
    from backlogctl.render import problems as problems_render

    outcome = lint(start_dir(ctx), paths)
    fmt = output
    if fmt == "auto":
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    with dialect.output_to(output_file):
        problems_render.render(outcome.problems, outcome.items, fmt, prefix=_annotation_prefix(outcome.root))
    if any(p.severity == "error" or strict for p in outcome.problems):
        raise typer.Exit(1)


def _annotation_prefix(root: Path) -> str:
    """GitHub resolves annotation paths from the workspace (the working folder), not the backlog."""
    try:
        relative = root.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return ""
    return "" if str(relative) == "." else relative.as_posix() + "/"
