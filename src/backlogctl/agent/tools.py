"""The MCP tools as Python functions: each makes one core call and returns the CLI's JSON.

No MCP here; `server.py` puts these on the wire. Read tools answer exactly what
`backlogctl <command> --format json` prints for the same request. Write tools
call `usecases.guarded`: the core functions of `new` and `set`, refusing a result
with lint errors, with the content hash `show_item` reports for compare-and-swap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    description: str
    properties: dict[str, Any]
    required: tuple[str, ...]
    run: Callable[[Path, dict[str, Any]], dict[str, Any]]
    writes: bool = False

    def input_schema(self) -> dict[str, Any]:
        backlog = {"type": "string", "description": "Backlog folder (default: where the server started)."}
        return {
            "type": "object",
            "properties": {**self.properties, "backlog": backlog},
            "required": list(self.required),
            "additionalProperties": False,
        }


_TEXT = {"type": "string"}
_TEXTS = {"type": "array", "items": {"type": "string"}}
_ID = {"type": "string", "description": "An item id, e.g. AI-7."}
_HASH = {
    "type": "string",
    "description": "The item's 'hash' from show_item; the write is refused if the file changed since.",
}


def _cli_json(value: Any) -> dict[str, Any]:
    import json

    from backlogctl.render import jsonout

    # The document the CLI prints (with its "version"), read back: equal by construction.
    result: dict[str, Any] = json.loads(json.dumps(jsonout.document(value), ensure_ascii=False))
    return result


def list_items(folder: Path, args: dict[str, Any]) -> dict[str, Any]:
    from backlogctl.render import listing
    from backlogctl.usecases import items

    found = items.list_items(
        folder, statuses=args.get("status"), tags=args.get("tag"), owner=args.get("owner")
    )
    return _cli_json(listing.as_json(found.items))


def show_item(folder: Path, args: dict[str, Any]) -> dict[str, Any]:
    from backlogctl.render import detail
    from backlogctl.usecases import items

    shown = items.show_item(folder, args["id"])
    return _cli_json(detail.as_json(shown.backlog, shown.entry))


def rank(folder: Path, args: dict[str, Any]) -> dict[str, Any]:
    from backlogctl.render import ranking
    from backlogctl.usecases import ranking as use_case

    view = use_case.rank(
        folder,
        model=args.get("model"),
        formula=args.get("formula"),
        explain=bool(args.get("explain", False)),
        stability=bool(args.get("stability", False)),
        since=args.get("since"),
        as_of=args.get("as_of"),
        top=args.get("top"),
        include_all=bool(args.get("all", False)),
    )
    return _cli_json(ranking.as_json(view))


def lint(folder: Path, args: dict[str, Any]) -> dict[str, Any]:
    from backlogctl.lint.scope import lint as run_lint
    from backlogctl.render import problems

    outcome = run_lint(folder, [Path(p) for p in args.get("paths") or []])
    return _cli_json(problems.as_json(outcome.problems, outcome.items))


def history(folder: Path, args: dict[str, Any]) -> dict[str, Any]:
    from backlogctl.usecases import audit

    return _cli_json(audit.item_history(folder, args["id"]))


def changes(folder: Path, args: dict[str, Any]) -> dict[str, Any]:
    from backlogctl.usecases import audit

    view = audit.changes(
        folder, since=args.get("since"), until=args.get("until") or "HEAD", with_titles=False
    )
    return _cli_json(view.changes)


def review_due(folder: Path, args: dict[str, Any]) -> dict[str, Any]:
    from backlogctl.render import audit as render
    from backlogctl.usecases import audit

    due = audit.review_due(folder)
    return _cli_json(render.due_json(due.items, due.cadence_days))


def plan(folder: Path, args: dict[str, Any]) -> dict[str, Any]:
    from backlogctl.render.plan import plan_json
    from backlogctl.usecases import planning

    found = planning.plan(
        folder,
        list(args["capacity"]),
        model=args.get("model"),
        formula=args.get("formula"),
        calibrated=bool(args.get("calibrated", False)),
        stability_runs=int(args.get("runs", 200)) if args.get("stability") else 0,
    )
    return _cli_json(plan_json(found))


def new_item(folder: Path, args: dict[str, Any]) -> dict[str, Any]:
    from backlogctl.usecases import guarded

    created = guarded.create_item(
        folder, args["title"], dict(args.get("fields") or {}), kind=args.get("kind"), owner=args.get("owner")
    )
    return _cli_json(created)


def set_fields(folder: Path, args: dict[str, Any]) -> dict[str, Any]:
    from backlogctl.usecases import guarded

    return _cli_json(
        guarded.set_fields(folder, args["id"], args["fields"], expected_hash=args.get("expected_hash"))
    )


TOOLS: list[Tool] = [
    Tool(
        "list_items",
        "List items in id order, like `backlogctl list --format json`.",
        {"status": _TEXTS, "tag": _TEXTS, "owner": _TEXT},
        (),
        list_items,
    ),
    Tool(
        "show_item",
        "One item with its score breakdown and content hash, like `backlogctl show ID --format json`.",
        {"id": _ID},
        ("id",),
        show_item,
    ),
    Tool(
        "rank",
        "Score and rank the backlog, like `backlogctl rank --format json`.",
        {
            "model": _TEXT,
            "formula": _TEXT,
            "explain": {"type": "boolean"},
            "stability": {"type": "boolean"},
            "since": _TEXT,
            "as_of": _TEXT,
            "top": {"type": "integer", "minimum": 1},
            "all": {"type": "boolean", "description": "Rank every status, not only rankable ones."},
        },
        (),
        rank,
    ),
    Tool(
        "lint",
        "Validate items and check completeness, like `backlogctl lint --format json`.",
        {"paths": _TEXTS},
        (),
        lint,
    ),
    Tool(
        "history",
        "Every field change of one item from git, like `backlogctl history ID --format json`.",
        {"id": _ID},
        ("id",),
        history,
    ),
    Tool(
        "changes",
        "Items added, removed and changed since a revision, like `backlogctl changes --format json`.",
        {"since": _TEXT, "until": _TEXT},
        (),
        changes,
    ),
    Tool(
        "review_due",
        "Open items due for review, like `backlogctl review due --format json`.",
        {},
        (),
        review_due,
    ),
    Tool(
        "plan",
        "Choose the items with the largest total score that fit every capacity, like "
        "`backlogctl plan --capacity FIELD=AMOUNT --format json`.",
        {
            "capacity": {
                "type": "array",
                "items": {"type": "string"},
                "minItems": 1,
                "description": "FIELD=AMOUNT, e.g. resources.effort_weeks=40 (bare AMOUNT: effort weeks).",
            },
            "model": _TEXT,
            "formula": _TEXT,
            "calibrated": {"type": "boolean"},
            "stability": {"type": "boolean"},
            "runs": {"type": "integer", "minimum": 1, "maximum": 10000},
        },
        ("capacity",),
        plan,
    ),
    Tool(
        "new_item",
        "Create an item from the template, as `backlogctl new` does; refused if it would have lint errors "
        "(give at least decision and description). fields: {dotted.field: value}.",
        {"title": _TEXT, "kind": _TEXT, "owner": _TEXT, "fields": {"type": "object"}},
        ("title",),
        new_item,
        writes=True,
    ),
    Tool(
        "set_fields",
        "Set fields of one item, as `backlogctl set` does, keeping comments and layout; refused if the "
        "result has lint errors or the file changed since expected_hash. fields: {dotted.field: value}.",
        {"id": _ID, "fields": {"type": "object"}, "expected_hash": _HASH},
        ("id", "fields"),
        set_fields,
        writes=True,
    ),
]
