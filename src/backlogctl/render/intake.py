"""`import` output: what was (or would be) created and skipped."""

from __future__ import annotations

import sys
from pathlib import Path

from backlogctl.intake import Outcome


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def import_text(outcome: Outcome, root: Path) -> None:
    out = sys.stdout
    verb = "would create" if outcome.dry_run else "created"
    for row, item_id, path in outcome.created:
        out.write(f"{verb} {item_id}\t{_relative(path, root)}\t(row {row})\n")
    for row, key, existing in outcome.skipped:
        out.write(f"skipped row {row}: key {key!r} was imported as {existing}\n")
    count = len(outcome.created)
    items = f"{count} item{'s' if count != 1 else ''}"
    summary = f"{items} {'would be created' if outcome.dry_run else 'created'}"
    if outcome.skipped:
        summary += f", {len(outcome.skipped)} skipped as imported before"
    if outcome.dry_run:
        summary += "; nothing written (--dry-run)"
    out.write(summary + "\n")
    if outcome.commit:
        out.write(f"committed {outcome.commit[:10]}\n")
    if outcome.unmapped:
        columns = ", ".join(repr(c) for c in outcome.unmapped)
        sys.stderr.write(f"note: columns not imported: {columns} (map them with --map COLUMN=FIELD)\n")
