"""Command: rank, the ordered backlog for the prioritisation meeting."""

from __future__ import annotations

from typing import Annotated

import typer

from backlogctl.cli import dialect
from backlogctl.cli.app import command, start_dir

ModelOption = Annotated[str | None, typer.Option(help="Scoring model (default: scoring.default).")]
FormulaOption = Annotated[
    str | None, typer.Option(help="Rank by an ad-hoc formula over the scores, for a what-if.", metavar="EXPR")
]
ExplainOption = Annotated[bool, typer.Option("--explain", help="Show each item's terms.")]
StabilityOption = Annotated[
    bool, typer.Option("--stability", help="Add each item's rank range and P(top N) under perturbation.")
]
SinceOption = Annotated[str | None, typer.Option(help="Show how places moved since REV.", metavar="REV")]
AsOfOption = Annotated[str | None, typer.Option(help="Rank the backlog as it was at REV.", metavar="REV")]
TopOption = Annotated[int | None, typer.Option(help="Show only the first N.", min=1, metavar="N")]
AllOption = Annotated[bool, typer.Option("--all", help="Rank every status, not only rankable ones.")]
StrictOption = Annotated[bool, typer.Option("--strict", help="Fail (exit 1) if an item has lint errors.")]
FormatOption = Annotated[str, dialect.format_option("table", "json", "csv", "markdown")]


@command("rank")
def rank_command(
    ctx: typer.Context,
    model: ModelOption = None,
    formula: FormulaOption = None,
    explain: ExplainOption = False,
    stability: StabilityOption = False,
    since: SinceOption = None,
    as_of: AsOfOption = None,
    top: TopOption = None,
    include_all: AllOption = False,
    strict: StrictOption = False,
    output: FormatOption = "table",
    output_file: dialect.OutputOption = None,
) -> None:
    """Score and rank the backlog; items that cannot be ranked are listed with the reason.

    Example: backlogctl rank --model wsjf --top 10 --explain
    """
    from backlogctl.render import ranking as render
    from backlogctl.usecases import ranking

    view = ranking.rank(
        start_dir(ctx),
        model=model,
        formula=formula,
        explain=explain,
        stability=stability,
        since=since,
        as_of=as_of,
        top=top,
        include_all=include_all,
        strict=strict,
    )
    with dialect.output_to(output_file):
        render.render(view, output)
