"""What write tools check before writing: the result must have no lint errors."""

from __future__ import annotations

from pathlib import Path

from backlogctl.errors import InputError


def refuse_lint_errors(root: Path, path: Path, text: str) -> None:
    """Raise unless the item file ``path`` with content ``text`` passes lint without errors.

    The rules see the whole backlog with this one file as it would be, so
    duplicate ids and unknown dependencies count too.
    """
    from backlogctl import backlog as backlog_module
    from backlogctl import store
    from backlogctl.backlog import Entry, validate
    from backlogctl.lint.check import check

    backlog = backlog_module.load(root, models=False)
    data = store.parse(text, path)
    entry = Entry(path, data if isinstance(data, dict) else None)
    if isinstance(data, dict):
        _, entry.invalid = validate(data)
    target = path.resolve()
    backlog.entries = [e for e in backlog.entries if e.path.resolve() != target] + [entry]
    errors = [
        p for p in check(backlog, paths=[path], locate=False, errors_only=True) if p.severity == "error"
    ]
    if errors:
        shown = "; ".join(f"{p.rule}: {p.message}" for p in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        raise InputError(
            f"refused, the result would have lint errors: {shown}{more}; nothing was written", path=path
        )
