"""Rules on one item's fields: schema, unknown fields, status, id, completeness."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from backlogctl import ids
from backlogctl.backlog import Entry
from backlogctl.lint.context import Context
from backlogctl.lint.inputs import inputs_of
from backlogctl.lint.problem import Finding, rule
from backlogctl.model import get_path, is_placeholder

REQUIRED = "missing"
"""pydantic's error type for a required field that is absent."""


def _readable(ctx: Context) -> Iterator[tuple[Entry, dict[str, Any]]]:
    for entry in ctx.entries:
        if entry.data is not None:
            yield entry, entry.data


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


@rule(
    "schema",
    "error",
    """Types and scales are what scoring relies on: a business value of 4 is not
    on the Fibonacci scale and 'high' is not a number, so the score would lie.""",
)
def schema(ctx: Context) -> Iterator[Finding]:
    """Every field has the right type and its value is on the field's scale."""
    for entry, data in _readable(ctx):
        required = set(_required_fields(ctx, data)) if entry.invalid else set()
        for error in entry.invalid:
            if error.type == REQUIRED and error.field in required:
                continue  # `incomplete` reports it, with the status that requires it
            got = "" if error.type == REQUIRED else f" (got {_show(error.value)})"
            yield Finding(entry, f"{error.field}: {error.message}{got}", field=error.field)


@rule(
    "unknown-field",
    "warning",
    """Unknown fields are kept, never dropped, but they are usually typos
    (bussiness_value) whose value then silently does not count.""",
)
def unknown_field(ctx: Context) -> Iterator[Finding]:
    """Every field is one the item model knows; near misses get a "did you mean"."""
    levels = ctx.levels
    known = {level: frozenset(names) for level, names in levels.items()}
    for entry, data in _readable(ctx):
        for level, names in known.items():
            mapping = data if not level else data.get(level) if "." not in level else get_path(data, level)
            if not isinstance(mapping, dict) or not mapping.keys() - names:
                continue
            for key in mapping:
                if str(key) not in names:
                    dotted = f"{level}.{key}" if level else str(key)
                    yield Finding(entry, _unknown(dotted, str(key), level, levels), field=dotted)


def _unknown(dotted: str, key: str, level: str, levels: dict[str, tuple[str, ...]]) -> str:
    close = difflib.get_close_matches(key, levels[level], n=1, cutoff=0.6)
    if close:
        hint = f"; did you mean '{close[0]}'?"
    else:
        elsewhere = [f"{other}.{key}" if other else key for other, names in levels.items() if key in names]
        hint = f"; did you mean '{elsewhere[0]}'?" if elsewhere else " (kept as is)"
    return f"unknown field '{dotted}'{hint}"


@rule(
    "unknown-status",
    "error",
    """Only the statuses in backlog.yaml have a meaning (rankable, started,
    closed); any other status makes the item invisible to ranking and reviews.""",
)
def unknown_status(ctx: Context) -> Iterator[Finding]:
    """The status is one of the statuses listed in backlog.yaml."""
    names = ctx.config.statuses.names
    for entry, data in _readable(ctx):
        status = data.get("status")
        if isinstance(status, str) and status in names:
            continue
        allowed = ", ".join(names)
        if status is None or status == "":
            yield Finding(entry, f"status is missing; set one of: {allowed}", field="status")
            continue
        close = difflib.get_close_matches(str(status), names, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'? " if close else ""
        yield Finding(entry, f"unknown status {_show(status)}; {hint}allowed: {allowed}", field="status")


@rule(
    "id-format",
    "error",
    """Ids are <PREFIX>-<number> so they sort naturally, never collide across
    branches and can be found by `new`, `show` and dependencies.""",
)
def id_format(ctx: Context) -> Iterator[Finding]:
    """The id is the configured prefix, a dash and a number (AI-7)."""
    prefix = ctx.config.id_prefix
    pattern = ids.pattern_for(prefix)
    for entry, data in _readable(ctx):
        item_id = data.get("id")
        if isinstance(item_id, str) and not is_placeholder(item_id) and not pattern.fullmatch(item_id):
            yield Finding(entry, f"id {item_id!r} is not {prefix}-<number>, e.g. {prefix}-7", field="id")


@rule(
    "file-name",
    "error",
    """The file name starts with the id so people find an item's file from its
    id; the id inside the file is authoritative, so a mismatch misleads.""",
)
def file_name(ctx: Context) -> Iterator[Finding]:
    """The file name starts with the item's id and a dash: AI-7-churn-prediction.yaml."""
    for entry, data in _readable(ctx):
        item_id = data.get("id")
        if not isinstance(item_id, str) or is_placeholder(item_id):
            continue
        if not entry.path.name.startswith(f"{item_id}-"):
            yield Finding(
                entry,
                f"file name {entry.path.name!r} does not start with the id '{item_id}-'; "
                "rename the file (the id inside it is authoritative)",
                field="id",
            )


@rule(
    "incomplete",
    "error",
    """A definition of ready: each status needs the fields backlog.yaml lists
    for it (a proposal names its decision, a ready item its benefit, effort and
    scores). What is left of the template counts as missing.""",
)
def incomplete(ctx: Context) -> Iterator[Finding]:
    """Every field the item's status or a require_when condition requires is filled in."""
    conditions = ctx.config.require_when
    for entry, data in _readable(ctx):
        status = data.get("status")
        why = f"status {status} requires it" if isinstance(status, str) else "every item needs it"
        required = _required_fields(ctx, data)
        for dotted in required:
            value = get_path(data, dotted)
            if isinstance(value, int | float) or not is_placeholder(value):  # numbers: the common case
                continue
            yield Finding(entry, f"{dotted} {_state(value)} ({why})", field=dotted)
        for condition in conditions:
            if not condition.matches(data):
                continue
            because = f"{condition.describe()} requires it" + (f": {condition.why}" if condition.why else "")
            for dotted in condition.fields:
                value = get_path(data, dotted)
                if dotted in required or isinstance(value, int | float) or not is_placeholder(value):
                    continue
                yield Finding(entry, f"{dotted} {_state(value)} ({because})", field=dotted)


def _state(value: Any) -> str:
    if value is None:
        return "is missing"
    if isinstance(value, str) and value.strip():
        return f"still holds the template placeholder {value.strip()!r}"
    return "is empty"


def _required_fields(ctx: Context, data: dict[str, Any]) -> list[str]:
    """The dotted fields the item's status requires, with `scores.*` expanded (once per status)."""
    status = data.get("status")
    key = status if isinstance(status, str) else None
    if key not in ctx.required:
        ctx.required[key] = _expand(ctx, ctx.config.required_for(key))
    return ctx.required[key]


def _expand(ctx: Context, required: list[str]) -> list[str]:
    fields: list[str] = []
    for dotted in required:
        if dotted == "scores.*":
            model = ctx.config.scoring.all_models()[ctx.config.scoring.default]
            fields.extend(f"scores.{name}" for name in sorted(inputs_of(model, ctx.config)))
        elif dotted.endswith(".*"):
            parent = dotted[:-2]
            fields.extend(f"{parent}.{name}" for name in ctx.levels.get(parent, ()))
        else:
            fields.append(dotted)
    return fields
