"""Commands: plan (what fits the capacity) and calibrate (estimates against delivery)."""

from __future__ import annotations

from typing import Annotated

import typer

from backlogctl.cli import dialect
from backlogctl.cli.app import command, start_dir
from backlogctl.cli.rank import FormulaOption, ModelOption

CapacityOption = Annotated[
    list[str],
    typer.Option(
        "--capacity",
        help="FIELD=AMOUNT, repeatable (a bare AMOUNT means resources.effort_weeks=AMOUNT).",
        metavar="FIELD=AMOUNT",
    ),
]
CalibratedOption = Annotated[
    bool, typer.Option("--calibrated", help="Scale each team's effort estimates by its median ratio.")
]
StabilityOption = Annotated[
    bool, typer.Option("--stability", help="Each item's probability of being selected under perturbation.")
]
RunsOption = Annotated[int, typer.Option(help="Perturbed runs for --stability.", min=1, max=10_000)]


@command("plan")
def plan_command(
    ctx: typer.Context,
    capacity: CapacityOption,
    model: ModelOption = None,
    formula: FormulaOption = None,
    calibrated: CalibratedOption = False,
    stability: StabilityOption = False,
    runs: RunsOption = 200,
    output: Annotated[str, dialect.format_option("table", "json", "markdown")] = "table",
    output_file: dialect.OutputOption = None,
) -> None:
    """Choose the items with the largest total score that fit every capacity, exactly.

    An item comes only with its open prerequisites; 'next' says what a little
    more of each capacity would add.

    Example: backlogctl plan --capacity resources.effort_weeks=40 --capacity resources.gpu_hours=500
    """
    from backlogctl.render.plan import render_plan
    from backlogctl.usecases import planning

    found = planning.plan(
        start_dir(ctx),
        capacity,
        model=model,
        formula=formula,
        calibrated=calibrated,
        stability_runs=runs if stability else 0,
    )
    with dialect.output_to(output_file):
        render_plan(found, output)


@command("calibrate")
def calibrate_command(
    ctx: typer.Context,
    output: Annotated[str, dialect.format_option("table", "json")] = "table",
    output_file: dialect.OutputOption = None,
) -> None:
    """Compare effort estimates with how long deployed items took, from git history.

    Per item, team and owner: the ratio of weeks from the first in_progress to
    deployed over resources.effort_weeks when work started.

    Example: backlogctl calibrate --format json
    """
    from backlogctl.render.plan import render_calibration
    from backlogctl.usecases import planning

    found = planning.calibrate(start_dir(ctx))
    with dialect.output_to(output_file):
        render_calibration(found, output)
