"""Rules across items: duplicate ids and dependencies."""

from __future__ import annotations

from collections.abc import Iterator

from backlogctl import ids
from backlogctl.backlog import Entry
from backlogctl.graph import components
from backlogctl.ids import natural_key
from backlogctl.lint.context import Context
from backlogctl.lint.problem import Finding, rule
from backlogctl.model import get_path


def dependencies(entry: Entry) -> list[str]:
    """The ids an entry depends on, as written (non-strings are a schema problem)."""
    value = entry.data.get("depends_on") if entry.data else None
    if not isinstance(value, list):
        return []
    return [dep for dep in value if isinstance(dep, str)]


@rule(
    "duplicate-id",
    "error",
    """Two files with one id (typically after merging two branches) make `show`,
    `set` and dependencies ambiguous; every file involved is reported.""",
)
def duplicate_id(ctx: Context) -> Iterator[Finding]:
    """No two item files have the same id."""
    for item_id, entries in ctx.by_id.items():
        if len(entries) < 2:
            continue
        for entry in entries:
            others = ", ".join(ctx.backlog.relative(e.path) for e in entries if e is not entry)
            yield Finding(
                entry,
                f"id {item_id} is also used by {others}; give one of them a new id with "
                f"'backlogctl renumber {item_id} --file {ctx.backlog.relative(entry.path)}'",
                field="id",
            )


@rule(
    "unknown-dependency",
    "error",
    """A dependency on an id that does not exist is a typo or a deleted item;
    ranking would silently ignore it.""",
)
def unknown_dependency(ctx: Context) -> Iterator[Finding]:
    """Every id in depends_on (and in fields declared as ids) is an item of this backlog."""
    declared = [name for name, spec in ctx.config.fields.items() if spec.type == "ids"]
    # A file that cannot be read still names its item; the dependency is not unknown.
    unreadable = {ids.id_from_name(e.path.name) for e in ctx.entries if e.data is None}
    for entry in ctx.entries:
        for dep in dependencies(entry):
            if dep in ctx.by_id:
                continue
            if dep in unreadable:
                message = f"depends on {dep}, whose file cannot be read (lint reports why)"
            else:
                message = f"depends on {dep}, which is not an item of this backlog"
            yield Finding(entry, message, field="depends_on")
        for dotted in declared:
            value = get_path(entry.data, dotted) if entry.data else None
            for ref in value if isinstance(value, list) else []:
                if isinstance(ref, str) and ref not in ctx.by_id:
                    yield Finding(entry, f"{dotted}: {ref} is not an item of this backlog", field=dotted)


@rule(
    "dependency-cycle",
    "error",
    """Items that depend on each other in a circle can never start; each cycle
    is reported once, on the item with the lowest id, with its path.""",
)
def dependency_cycle(ctx: Context) -> Iterator[Finding]:
    """Dependencies do not form a cycle (AI-1 → AI-2 → AI-1)."""
    graph: dict[str, list[str]] = {item_id: [] for item_id in ctx.by_id}
    for entry in ctx.entries:
        if entry.id is not None:
            graph[entry.id].extend(dep for dep in dependencies(entry) if dep in graph)
    for component in components({node: graph[node] for node in sorted(graph, key=natural_key)}):
        start = min(component, key=natural_key)
        if len(component) == 1 and start not in graph[start]:
            continue
        cycle = _cycle_through(start, graph, set(component))
        entry = ctx.by_id[start][0]
        yield Finding(entry, "dependency cycle: " + " → ".join(cycle), field="depends_on")


def _cycle_through(start: str, graph: dict[str, list[str]], members: set[str]) -> list[str]:
    """A shortest path start → … → start inside one strongly connected component."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(set(graph[node]) & members, key=natural_key):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if nxt not in previous:
                    previous[nxt] = node
                    following.append(nxt)
        frontier = following
    return [start, start]


@rule(
    "dependency-not-started",
    "warning",
    """Work that has started (in progress, deployed) on top of an item that has
    not started yet usually means the plan and the backlog disagree.""",
)
def dependency_not_started(ctx: Context) -> Iterator[Finding]:
    """An item in a started status depends only on items that have started or are closed."""
    statuses = ctx.config.statuses
    begun = set(statuses.started) | set(statuses.closed)
    for entry in ctx.entries:
        status = entry.status
        if status not in statuses.started:
            continue
        for dep in dependencies(entry):
            if dep in ctx.by_id and ctx.status(dep) not in begun:
                yield Finding(
                    entry,
                    f"is {status} but depends on {dep}, which is {ctx.status(dep) or 'without a status'}",
                    field="depends_on",
                )
