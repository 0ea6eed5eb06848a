"""Use case of the meeting pack."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backlogctl.report import Pack


def meeting_pack(
    start: Path,
    *,
    since: str,
    model: str | None = None,
    limit: int | None = None,
    capacity: list[str] | None = None,
    target: Path | None = None,
    session: str | None = None,
) -> Pack:
    """The meeting pack of the backlog at ``start``, compared with ``since``.

    ``target`` (the -o FILE) is checked before the work, so ``-o DIR`` fails at once.
    ``capacity`` (``FIELD=AMOUNT`` texts) adds the plan that fits it; ``session`` adds where the
    room disagrees (and the stability then draws from the session's ratings).
    """
    from backlogctl import backlog as backlog_module
    from backlogctl import report

    if target is not None:
        from backlogctl.store import output

        output.check_target(target)
    amounts = None
    if capacity:
        from backlogctl.planning.plan import parse_capacity

        amounts = parse_capacity(capacity)
    return report.build(
        backlog_module.load(start), since=since, model=model, limit=limit, capacity=amounts, session=session
    )
