"""Use cases of `plan` and `calibrate`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backlogctl.planning.calibrate import Calibration
    from backlogctl.planning.plan import Plan


def plan(
    start: Path,
    capacity: list[str],
    *,
    model: str | None = None,
    formula: str | None = None,
    calibrated: bool = False,
    stability_runs: int = 0,
) -> Plan:
    """The items with the largest total score that fit ``capacity`` (``FIELD=AMOUNT`` texts)."""
    from backlogctl import backlog as backlog_module
    from backlogctl.errors import InputError
    from backlogctl.planning.plan import make_plan, parse_capacity

    if model is not None and formula is not None:
        raise InputError("use either --model or --formula, not both")
    amounts = parse_capacity(capacity)
    return make_plan(
        backlog_module.load(start),
        amounts,
        model=model,
        formula=formula,
        calibrated=calibrated,
        stability_runs=stability_runs,
    )


def calibrate(start: Path) -> Calibration:
    """Every delivered item's estimate against its weeks, per team and owner."""
    from backlogctl import backlog as backlog_module
    from backlogctl.planning.calibrate import calibrate as run

    return run(backlog_module.load(start))
