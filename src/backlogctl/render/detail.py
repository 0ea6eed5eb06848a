"""`show` output: one item as text, JSON or YAML, with its score breakdown."""

from __future__ import annotations

import sys
from typing import Any

from backlogctl.backlog import Backlog, Entry
from backlogctl.render import jsonout


def _breakdown(backlog: Backlog, entry: Entry) -> Any:
    """The item's score under the default model, or None before scoring exists."""
    try:
        from backlogctl import scoring
    except ImportError:
        return None
    if entry.item is None or not hasattr(scoring, "explain_item"):
        return None
    return scoring.explain_item(backlog.config, entry.item)


def as_json(backlog: Backlog, entry: Entry) -> dict[str, Any]:
    """`show --format json`; ``hash`` is what the MCP write tools take as expected_hash."""
    from backlogctl import store

    score = _breakdown(backlog, entry)
    raw = store.read_document(entry.path).raw
    found = {"path": backlog.relative(entry.path), "item": entry.data or {}, "score": score}
    return jsonout.to_json_value(found | {"hash": store.content_hash(raw)})  # type: ignore[no-any-return]


def render(backlog: Backlog, entry: Entry, output: str) -> None:
    data = entry.data or {}
    path = backlog.relative(entry.path)
    if output == "json":
        jsonout.write(as_json(backlog, entry))
        return
    score = _breakdown(backlog, entry)
    if output == "yaml":
        from backlogctl import store

        sys.stdout.write(store.dump(jsonout.to_json_value(data)))
        return
    _text(path, data, score)


def _text(path: str, data: dict[str, Any], score: Any) -> None:
    from rich.markup import escape

    from backlogctl.render.console import console

    out = console()
    out.print(f"[bold]{escape(str(data.get('id', '?')))}[/bold]  {escape(str(data.get('title', '')))}")
    out.print(f"[dim]{escape(path)}[/dim]")
    for key, value in data.items():
        if key in ("id", "title"):
            continue
        if isinstance(value, dict):
            out.print(f"[bold]{escape(key)}[/bold]:")
            for sub, subvalue in value.items():
                out.print(f"  {escape(str(sub))}: {escape(_fmt(subvalue))}")
        else:
            out.print(f"[bold]{escape(key)}[/bold]: {escape(_fmt(value))}")
    if score is not None:
        out.print()
        from backlogctl.scoring.explain import describe

        for line in describe(score):
            out.print(escape(line))


def _fmt(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "[]"
    return "" if value is None else str(value)
