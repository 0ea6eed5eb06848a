"""Guarded writes, the use cases of the MCP write tools (`new_item`, `set_fields`).

The same core calls as `new` and `set`, with two more checks for a writer that
cannot see the terminal: a result with lint errors is refused before anything
is written, and a set with ``expected_hash`` is refused when the file changed
since the writer read it (compare-and-swap on the content hash `show` reports).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backlogctl.errors import ConflictError, InputError


@dataclass(frozen=True, slots=True)
class NewItem:
    """The item a guarded `new` created: its id, its path from the backlog root, its content hash."""

    id: str
    path: str
    hash: str


@dataclass(frozen=True, slots=True)
class FieldEdit:
    """One field a guarded `set` changed."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class FieldsSet:
    """What a guarded `set` changed, and the file's content hash after it."""

    id: str
    path: str
    changes: list[FieldEdit]
    hash: str


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


def create_item(
    start: Path, title: str, fields: dict[str, Any], *, kind: str | None = None, owner: str | None = None
) -> NewItem:
    """`new` from the template with ``fields`` (typed values), refused if the item would have lint errors."""
    from backlogctl import authoring, config, history, store

    backlog_dir = config.load(start)
    fields = {**fields, **{k: v for k, v in (("kind", kind), ("owner", owner)) if v is not None}}
    highest = history.branch_highest_ids(backlog_dir.root, backlog_dir.config.items_dir)
    taken = {f"{prefix}-{number}" for prefix, number in highest.items()}
    text = authoring.draft(backlog_dir, title, fields)
    created = authoring.create_drafted(
        backlog_dir,
        title,
        text,
        taken=taken,
        before_write=lambda path, body: refuse_lint_errors(backlog_dir.root, path, body),
    )
    raw = store.read_document(created.path).raw
    return NewItem(created.id, created.path.relative_to(backlog_dir.root).as_posix(), store.content_hash(raw))


def set_fields(start: Path, item_id: str, fields: Any, *, expected_hash: str | None = None) -> FieldsSet:
    """`set` with typed values, refused on lint errors or when the file's hash is not ``expected_hash``."""
    from backlogctl import authoring, query, store
    from backlogctl import backlog as backlog_module

    backlog = backlog_module.load(start)
    entry = query.entry_for(backlog, item_id)
    if not isinstance(fields, dict) or not fields:
        raise InputError("fields: give at least one {dotted.field: value}")

    def guard(old: bytes, text: str | None) -> None:
        if expected_hash is not None and store.content_hash(old) != expected_hash:
            raise ConflictError(
                "the item changed since you read it (expected_hash differs); read it again with show_item",
                path=entry.path,
            )
        if text is not None:
            refuse_lint_errors(backlog.root, entry.path, text)

    if expected_hash is not None:
        guard(store.read_document(entry.path).raw, None)  # a stale hash is refused before any work
    edit = authoring.set_fields(entry.path, dict(fields), before_write=guard)
    raw = store.read_document(entry.path).raw
    return FieldsSet(
        entry.id or item_id,
        backlog.relative(entry.path),
        [FieldEdit(f, old, new) for f, old, new in edit.changes],
        store.content_hash(raw),
    )
