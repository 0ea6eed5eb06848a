"""The lab's item model as JSON Schema (draft 2020-12), for editors.

Built from :func:`backlogctl.template.item_model`, then tightened to what lint
checks and an editor can see: every scale as the enum of its steps (or its
bounds), ``status`` as the lab's statuses, and ``additionalProperties: false``
on every object so that an editor flags a typo'd field. The item model itself
keeps unknown fields (lint warns; nothing is dropped): only the schema is
strict.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from backlogctl.config import BacklogDir, Config

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FILE = "item.schema.json"
"""Where `init` and `schema -o` put the schema, beside backlog.yaml."""


def fingerprint(config: Config) -> str:
    """What the schema of ``config`` depends on, hashed: lint compares it instead of building the schema."""
    import hashlib

    from backlogctl import __version__
    from backlogctl.template import declaration_key, field_levels, item_model

    scales = {name: scale.json_schema() for name, scale in config.score_scales().items()}
    levels = field_levels(item_model(config))
    basis = json.dumps(
        [__version__, declaration_key(config), config.statuses.names, levels, scales], sort_keys=True
    )
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


def item_schema(config: Config) -> dict[str, Any]:
    """The JSON Schema of one item of this backlog."""
    from backlogctl.template import item_model

    schema = item_model(config).model_json_schema()
    _close(schema)
    properties = schema["properties"]
    status = properties["status"]
    properties["status"] = {
        "description": status.get("description", "Lifecycle status."),
        "enum": list(config.statuses.names),
        "title": "Status",
        "type": "string",
    }
    comment = (
        f"backlogctl {fingerprint(config)}; after changing backlog.yaml: backlogctl schema -o {SCHEMA_FILE}"
    )
    return {"$schema": DIALECT, "$comment": comment, **schema}


def schema_text(config: Config) -> str:
    """The schema as written to a file: sorted keys, two-space indent, a final newline."""
    return json.dumps(item_schema(config), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def schema_for(start: Path) -> str:
    """The schema text of the backlog containing ``start``; outside a backlog, the default one."""
    from backlogctl import config as config_module
    from backlogctl.errors import NotFoundError

    try:
        config = config_module.load(start).config
    except NotFoundError:
        config = Config()
    return schema_text(config)


def _close(node: Any) -> None:
    """``additionalProperties: false`` on every object schema, at every level."""
    if isinstance(node, dict):
        if node.get("type") == "object" or "properties" in node:
            node["additionalProperties"] = False
        for value in node.values():
            _close(value)
    elif isinstance(node, list):
        for value in node:
            _close(value)


def write(path: Path, config: Config) -> bool:
    """Write the schema to ``path`` atomically; False when it already says exactly that."""
    from backlogctl import store

    text = schema_text(config)
    if not path.exists():
        store.create(path, text)
        return True
    raw = path.read_bytes()
    if raw == text.encode("utf-8"):
        return False
    store.replace(path, text, expected=raw)
    return True


def stale(backlog_dir: BacklogDir) -> str | None:
    """Why the backlog's committed item.schema.json no longer matches its configuration, or None."""
    path = backlog_dir.root / SCHEMA_FILE
    if not path.is_file():
        return None
    try:
        written = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return f"{SCHEMA_FILE} is not readable JSON"
    comment = written.get("$comment") if isinstance(written, dict) else None
    if isinstance(comment, str) and comment.startswith(f"backlogctl {fingerprint(backlog_dir.config)};"):
        return None  # written by `schema` for this configuration: no need to build the schema again
    return f"{SCHEMA_FILE} does not match backlog.yaml; run 'backlogctl schema -o {SCHEMA_FILE}'"
