"""Rules for files that could not be read as a mapping of fields."""

from __future__ import annotations

from collections.abc import Iterator

from backlogctl.backlog import Entry
from backlogctl.errors import InputError
from backlogctl.lint.context import Context
from backlogctl.lint.problem import Finding, rule

NOT_A_MAPPING_HINT = "an item must be a mapping of field: value"
"""lint's words for what a not-a-mapping item file needs (the store says "an item file")."""


def _failed(ctx: Context, kind: str) -> Iterator[tuple[Entry, InputError]]:
    for entry in ctx.entries:
        if entry.error is not None and entry.error.kind == kind:
            yield entry, entry.error


@rule(
    "yaml-syntax",
    "error",
    """A file that is not valid YAML cannot be read at all: none of its fields
    count, so the item silently drops out of every list and ranking.""",
)
def yaml_syntax(ctx: Context) -> Iterator[Finding]:
    """The file is valid YAML (no tabs for indentation, no duplicate keys, no runaway aliases)."""
    for entry, error in _failed(ctx, "yaml-syntax"):
        yield Finding(entry, error.message, line=error.line or 1, column=error.column)


@rule(
    "encoding",
    "error",
    """Item files are UTF-8 so every tool and every colleague's editor reads the
    same text; other encodings turn names and umlauts into garbage.""",
)
def encoding(ctx: Context) -> Iterator[Finding]:
    """The file is UTF-8 text."""
    for entry, error in _failed(ctx, "encoding"):
        yield Finding(entry, error.message, line=error.line or 1)


@rule(
    "merge-conflict",
    "error",
    """Conflict markers left after a merge make the file invalid and usually
    mean one side of a change was never decided.""",
)
def merge_conflict(ctx: Context) -> Iterator[Finding]:
    """No merge conflict markers (<<<<<<<, =======, >>>>>>>) are left in the file."""
    for entry, error in _failed(ctx, "merge-conflict"):
        yield Finding(entry, error.message, line=error.line or 1, column=error.column)


@rule(
    "not-a-mapping",
    "error",
    """An item is a set of named fields; a list, a single value or an empty
    file has no fields to check, rank or report.""",
)
def not_a_mapping(ctx: Context) -> Iterator[Finding]:
    """The file holds a mapping of field: value, not a list, a scalar or nothing."""
    for entry, error in _failed(ctx, "not-a-mapping"):
        yield Finding(entry, f"{error.problem}; {NOT_A_MAPPING_HINT}", line=1, column=error.column)


@rule(
    "bad-value",
    "error",
    """A value YAML itself cannot construct, such as the date 2026-13-40, makes
    the whole file unreadable; it is reported where it stands.""",
)
def bad_value(ctx: Context) -> Iterator[Finding]:
    """Every value can be read; dates are real calendar dates (YYYY-MM-DD)."""
    for entry, error in _failed(ctx, "bad-value"):
        yield Finding(entry, error.message, line=error.line or 1, column=error.column)


@rule(
    "unreadable",
    "error",
    """A file that cannot be read (too large, a folder, a link out of the
    backlog) cannot be an item; it is reported so it does not vanish silently.""",
)
def unreadable(ctx: Context) -> Iterator[Finding]:
    """The file can be read: a regular file of sane size inside the backlog."""
    for entry, error in _failed(ctx, "unreadable"):
        yield Finding(entry, error.message, line=1)
